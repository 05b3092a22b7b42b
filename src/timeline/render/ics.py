"""An iCalendar file (RFC 5545): one all-day event per log event, for calendar apps.

All-day events span exactly the days the log knows: a day, the days of a multi-day event, or the
whole month or year of a partial date (DTEND is the day after, as the standard requires; an
event that runs to 9999-12-31, the last day a date can name, gives its DURATION instead).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from typing import IO

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
    for event in selection.events:
        lines += _event(event, selection, now)
    lines.append("END:VCALENDAR")
    stream.write("".join(fold(line) + "\r\n" for line in lines))


def _now() -> datetime:
    """The time of writing (DTSTAMP), or $SOURCE_DATE_EPOCH for a reproducible file."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def _end(event: Event) -> str:
    """DTEND, the day after the last (exclusive); DURATION in days when there is no day after."""
    if event.latest == date.max:
        return f"DURATION:P{(event.latest - event.earliest).days + 1}D"
    return f"DTEND;VALUE=DATE:{(event.latest + timedelta(days=1)).strftime('%Y%m%d')}"


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
    if sources:
        description += ["", "Sources:"]
        description += [
            f"{n}. {s.publisher}: {s.title} {s.url}" for n, s in enumerate(sources, start=1)
        ]
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.id}@timeline",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{event.earliest.strftime('%Y%m%d')}",
        _end(event),
        f"SUMMARY:{ics_text(event.title)}",
        f"DESCRIPTION:{ics_text(chr(10).join(description))}",
        "CATEGORIES:" + ",".join(ics_text(category) for category in (event.type, *event.tags)),
        f"STATUS:{'CONFIRMED' if event.status == 'confirmed' else 'TENTATIVE'}",
        "TRANSP:TRANSPARENT",
    ]
    if event.location is not None:
        lines.append(f"LOCATION:{ics_text(place(event))}")
    if sources:
        lines.append(f"URL:{sources[0].url}")
    lines.append("END:VEVENT")
    return lines
