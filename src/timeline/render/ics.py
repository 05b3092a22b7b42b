"""An iCalendar file (RFC 5545): one calendar event per log event, for calendar apps.

- Events known to a day, a month or a year are all-day events spanning exactly the days the log
  knows (DTEND is the day after, as the standard requires; an event that runs to 9999-12-31, the
  last day iCalendar can name, gives its DURATION instead).
- Events known to the minute or second start and end at those instants: in UTC where the log
  gives a zone, as floating local times where it gives none.
- An ongoing event (`end: ..`) is given its start only; a window is given the span it lies in.
  The description says which, in words.
- iCalendar cannot hold a year before 1 or after 9999: such events are left out, and the calendar
  says how many in its description.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import IO

from timeline.dates import SECONDS_PER_DAY, PartialDate, civil_from_days, day_of
from timeline.model import Event
from timeline.query import Selection
from timeline.render.phrases import place, spelled
from timeline.render.sanitize import for_terminal

PRODUCT = "-//timeline//timeline event log//EN"


def ics_text(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks; controls made visible."""
    return (
        for_terminal(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    for char in line:
        if len((current + char).encode("utf-8")) > (75 if not out else 74):
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def write_ics(selection: Selection, stream: IO[str], *, stamp: datetime | None = None) -> None:
    now = (stamp or _now()).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{ics_text(selection.title)}",
    ]
    kept = [event for event in selection.events if _in_calendar(event)]
    left_out = len(selection.events) - len(kept)
    if left_out:
        note = (
            f"{left_out} event{'' if left_out == 1 else 's'} dated before the year 1 or after "
            "9999 left out: iCalendar cannot hold such dates"
        )
        lines.append(f"X-WR-CALDESC:{ics_text(note)}")
    for event in kept:
        lines += _event(event, selection, now)
    lines.append("END:VCALENDAR")
    stream.write("".join(fold(line) + "\r\n" for line in lines))


def _now() -> datetime:
    """The time of writing (DTSTAMP), or $SOURCE_DATE_EPOCH for a reproducible file."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def _in_calendar(event: Event) -> bool:
    """Whether every date the event's lines would write falls in the years 1 to 9999 (a time
    with a zone is written in UTC, which can cross into year 0 or 10000)."""
    bounds = [event.date] if event.end is None or event.end.is_open else [event.date, event.end]
    for date in bounds:
        if not 1 <= date.year <= 9999 or date.text.startswith("Y"):
            return False
        if date.offset is not None:
            first, after = (
                civil_from_days(day_of(date.earliest)),
                civil_from_days(day_of(date.latest + 1)),
            )
            if first[0] < 1 or after[0] > 9999:
                return False
    return True


def _timing(event: Event) -> list[str]:
    """DTSTART and DTEND (or DURATION): instants for times, days for anything coarser."""
    start, end = event.date, event.end
    closed = end is not None and not end.is_open
    if start.has_time and (not closed or (end is not None and end.has_time)):
        last = end if closed and end is not None else start
        return [
            f"DTSTART:{_instant(start, start.earliest)}",
            f"DTEND:{_instant(last, last.latest + 1)}",
        ]
    first_day = _local_day(start, first=True)
    lines = [f"DTSTART;VALUE=DATE:{_day(first_day)}"]
    if end is not None and end.is_open:
        return lines  # one day: the calendar cannot say "still going on"
    last_day = _local_day(end if closed and end is not None else start, first=False)
    year, month, day = civil_from_days(last_day)
    if (year, month, day) == (9999, 12, 31):
        return [*lines, f"DURATION:P{last_day - first_day + 1}D"]
    return [*lines, f"DTEND;VALUE=DATE:{_day(last_day + 1)}"]


def _local_day(date: PartialDate, *, first: bool) -> int:
    """The first (or last) day a date covers, as written: a time's own day, whatever its zone."""
    if date.has_time:
        offset = (date.offset or 0) * 60
        return day_of((date.earliest if first else date.latest) + offset)
    return day_of(date.earliest if first else date.latest)


def _day(day: int) -> str:
    year, month, day_of_month = civil_from_days(day)
    return f"{year:04d}{month:02d}{day_of_month:02d}"


def _instant(date: PartialDate, second: int) -> str:
    """A second in iCalendar form: UTC (`...Z`) when the date has a zone, floating when not."""
    day, rest = divmod(second, SECONDS_PER_DAY)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    zone = "" if date.offset is None else "Z"
    return f"{_day(day)}T{hours:02d}{minutes:02d}{seconds:02d}{zone}"


def _event(event: Event, selection: Selection, stamp: str) -> list[str]:
    sources = selection.cited(event)
    description = [f"When: {spelled(event)}", f"Status: {event.status}"]
    description.append(
        "Actors: " + "; ".join(selection.actors.name(ref.id) for ref in event.actors)
    )
    if event.location is not None:
        description.append(f"Where: {place(event)}")
    if event.tags:
        description.append(f"Tags: {', '.join(event.tags)}")
    description += ["", event.summary]
    if event.assessment:
        description += ["", f"Assessment: {event.assessment}"]
    if event.note:
        description += ["", f"Note: {event.note}"]
    if event.media is not None:
        description += ["", f"Media: {event.media.caption or ''} {event.media.url}".strip()]
    if sources:
        description += ["", "Sources:"]
        description += [
            f"{n}. {s.label} {s.url or ''}".rstrip() for n, s in enumerate(sources, start=1)
        ]
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.id}@timeline",
        f"DTSTAMP:{stamp}",
        *_timing(event),
        f"SUMMARY:{ics_text(event.title)}",
        f"DESCRIPTION:{ics_text(chr(10).join(description))}",
        "CATEGORIES:" + ",".join(ics_text(category) for category in (event.type, *event.tags)),
        f"STATUS:{'CONFIRMED' if event.status == 'confirmed' else 'TENTATIVE'}",
        "TRANSP:TRANSPARENT",
    ]
    if event.location is not None:
        lines.append(f"LOCATION:{ics_text(place(event))}")
    if (
        event.location is not None
        and event.location.lat is not None
        and event.location.lon is not None
    ):
        lines.append(f"GEO:{event.location.lat!r};{event.location.lon!r}")
    urls = [source.url for source in sources if source.url]
    if urls:
        lines.append(f"URL:{urls[0]}")
    lines.append("END:VEVENT")
    return lines
