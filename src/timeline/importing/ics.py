"""iCalendar (.ics): each VEVENT an event.

- `DTSTART` and `DTEND` (or `DURATION`): a date (`VALUE=DATE`, or eight digits alone) is an
  all-day event, `DTEND` being the day after it ends (a `DTEND` equal to `DTSTART`, as some
  calendars write, is the one day); a span that fills whole months or years is written as them
  (`2022-09`). A time in UTC (`Z`) keeps its zone; one with a `TZID` gets that zone's offset at
  that moment; one with neither is a floating local time. A time with 00 seconds is known to the
  minute.
- `SUMMARY` is the title, `DESCRIPTION` the summary, except the lines `timeline` writes at its
  head (When, Status, Actors, Where, Tags) and its Assessment, Note, Media and Sources
  paragraphs, which go back to their fields. `LOCATION` and `GEO` are the place, `URL` a source,
  `CATEGORIES` the type and then tags, `UID` the id (`ID@timeline` is `timeline`'s own).
- A recurring event (`RRULE`) is imported once, at its first occurrence, and its note says so.
  A line that is not a property (a fold that lost its leading space) stops its event being
  imported, and says where.
iCalendar has no actors: name them with `--actor`, unless the description says (`Actors:`).
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from timeline.dates import days_in_month
from timeline.importing import Draft, DraftActor, DraftSource, DraftType, Note, Options, Reading
from timeline.importing.text import (
    ExportedText,
    decode,
    labelled_source,
    place_named,
    undecoded,
)
from timeline.slugs import slug

_PROPERTY = re.compile(r"(?P<name>[A-Za-z0-9-]+)(?P<params>(?:;[^:]*)?):(?P<value>.*)", re.DOTALL)
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATETIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)")
_DURATION = re.compile(r"([+-]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_HEAD = ("When", "Status", "Actors", "Where", "Tags")
_LABELLED = re.compile(r"^(Assessment|Note|Media): ", re.DOTALL)
_SOURCE = re.compile(r"^\d+\. (?P<label>.*?)(?: (?P<url>https?://\S+))?$")


class Property(NamedTuple):
    name: str
    params: dict[str, str]
    value: str


def read(data: bytes, label: str, options: Options) -> Reading:
    drafts: list[Draft] = []
    notes: list[Note] = []
    event: list[tuple[int, Property | str]] | None = None
    start = 0
    depth = 0  # components inside the event (VALARM), whose properties are not the event's
    for number, line in _unfolded(decode(data)):
        found = _PROPERTY.fullmatch(line)
        prop = _property(found) if found else None
        if prop is not None and prop.name == "BEGIN" and prop.value.upper() == "VEVENT":
            event, start, depth = [], number, 0
            continue
        if event is None:
            continue
        if prop is not None and prop.name == "END" and prop.value.upper() == "VEVENT":
            made = _event(start, event)
            if isinstance(made, Note):
                notes.append(made)
            else:
                drafts.append(made)
            event = None
        elif prop is not None and prop.name == "BEGIN":
            depth += 1
        elif prop is not None and prop.name == "END":
            depth = max(0, depth - 1)
        elif depth == 0:
            event.append((number, prop if prop is not None else line))
    if event is not None:
        notes.append(Note(start, "an event with no END:VEVENT"))
    return Reading(drafts, notes, [])


def _unfolded(text: str) -> list[tuple[int, str]]:
    """Content lines, each with the line it starts on: a line starting with a space or tab
    continues the one before (RFC 5545 folding)."""
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        if line[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + line[1:])
        elif line:
            lines.append((number, line))
    return lines


def _property(found: re.Match[str]) -> Property:
    params: dict[str, str] = {}
    for part in re.findall(r';([^=;]+)=("[^"]*"|[^;]*)', found["params"]):
        params[part[0].upper()] = part[1].strip('"')
    return Property(found["name"].upper(), params, found["value"])


def unescape(value: str) -> str:
    """An iCalendar TEXT value as text: `\\n` a line break, `\\,` `\\;` `\\\\` themselves."""
    return re.sub(
        r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value, flags=re.DOTALL
    )


def _event(start: int, lines: list[tuple[int, Property | str]]) -> Draft | Note:
    for number, line in lines:
        if isinstance(line, str):
            shown = line if len(line) <= 40 else line[:37] + "..."
            return Note(start, f"line {number} is not a property ({shown!r}): a broken fold?")
        problem = undecoded(line.value)
        if problem:
            return Note(start, f"line {number}: {problem}")
    props: dict[str, Property] = {}
    for _, prop in lines:
        assert isinstance(prop, Property)
        props.setdefault(prop.name, prop)
    if "DTSTART" not in props:
        return Note(start, "no DTSTART")
    try:
        when = _when(props)
    except ValueError as error:
        return Note(start, str(error))
    title = " ".join(unescape(props["SUMMARY"].value).split()) if "SUMMARY" in props else ""
    body = _description(unescape(props["DESCRIPTION"].value) if "DESCRIPTION" in props else "")
    fields: dict[str, Any] = {
        "title": title,
        "date": when.date,
        "end": when.end,
        "approximate": body.approximate or None,
        "window": (body.window and when.end not in (None, "..")) or None,
        "summary": body.summary or title,
        "assessment": body.assessment,
        "note": "; ".join(part for part in (body.note, *when.remarks) if part) or None,
        "status": body.status or _status(props.get("STATUS")),
    }
    if body.ongoing and fields["end"] is None:
        fields["end"] = ".."
    categories = [
        unescape(c) for c in re.split(r"(?<!\\),", props["CATEGORIES"].value)
    ] if "CATEGORIES" in props else []  # fmt: skip
    kind = categories[0].strip() if categories else ""
    fields["tags"] = body.tags or [slug(c, limit=40) for c in categories[1:] if slug(c, limit=40)]
    place = body.place or (unescape(props["LOCATION"].value).strip() if "LOCATION" in props else "")
    if place:
        fields["location"] = _location(place, props.get("GEO"))
    if body.media:
        fields["media"] = body.media
    sources = list(body.sources)
    url = props["URL"].value.strip() if "URL" in props else ""
    if url and all(source.url != url for source in sources):
        sources.append(DraftSource(url=url))
    uid = unescape(props["UID"].value).strip() if "UID" in props else ""
    return Draft(
        line=start,
        fields=fields,
        type=DraftType(slug(kind, limit=40), kind) if slug(kind) else None,
        actors=tuple(DraftActor(name) for name in body.actors),
        sources=tuple(sources),
        key=uid.removesuffix("@timeline") or None,
    )


# When ----------------------------------------------------------------------------------------


class _When(NamedTuple):
    date: str
    end: str | None
    remarks: list[str]


def _when(props: dict[str, Property]) -> _When:
    remarks: list[str] = []
    start = props["DTSTART"]
    first = _moment(start, remarks)
    last: _Moment | None = None
    if "DTEND" in props:
        last = _last(first, _moment(props["DTEND"], remarks), start)
    elif "DURATION" in props:
        last = _after_duration(first, props["DURATION"].value, start)
    if "RRULE" in props:
        remarks.append(f"recurs ({props['RRULE'].value}): imported once, at its first occurrence")
    first_text, last_text = _written(first, last)
    return _When(first_text, last_text, remarks)


class _Moment(NamedTuple):
    value: date | datetime
    zone: str | None  # "Z", "+09:00", or None for a floating time or a date
    seconds_known: bool


def _moment(prop: Property, remarks: list[str]) -> _Moment:
    value = prop.value.strip()
    if prop.params.get("VALUE", "").upper() == "DATE" or _DATE.fullmatch(value):
        found = _DATE.fullmatch(value)
        if found is None:
            raise ValueError(f"{prop.name} {value!r} is not a date")
        return _Moment(date(*map(int, found.groups())), None, False)
    found = _DATETIME.fullmatch(value)
    if found is None:
        raise ValueError(f"{prop.name} {value!r} is not a date or a date-time")
    year, month, day, hour, minute, second, utc = found.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        raise ValueError(f"{prop.name} {value!r} is not a date or a date-time") from None
    zone = "Z" if utc else None
    tzid = prop.params.get("TZID")
    if tzid and not utc:
        try:
            offset = moment.replace(tzinfo=ZoneInfo(tzid)).utcoffset() or timedelta(0)
        except (ZoneInfoNotFoundError, ValueError):
            remarks.append(f"time zone {tzid!r} unknown here: the time is as written, local")
        else:
            minutes = int(offset.total_seconds() // 60)
            sign = "-" if minutes < 0 else "+"
            zone = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return _Moment(moment, zone, moment.second != 0)


def _last(first: _Moment, after: _Moment, prop: Property) -> _Moment | None:
    """The last day or moment of an event from its exclusive end; None when it is one day, or
    the one minute (or second) it starts in."""
    if isinstance(first.value, datetime) != isinstance(after.value, datetime):
        raise ValueError("DTSTART and DTEND are not both dates or both date-times")
    if not isinstance(first.value, datetime):
        last_day = after.value - timedelta(days=1)
        return None if last_day <= first.value else _Moment(last_day, None, False)
    assert isinstance(after.value, datetime)
    step = timedelta(seconds=1 if first.seconds_known or after.seconds_known else 60)
    last = after.value - step
    if _utc(last, after.zone) <= _utc(first.value, first.zone):
        return None
    return _Moment(last, after.zone, step.total_seconds() == 1)


def _after_duration(first: _Moment, text: str, prop: Property) -> _Moment | None:
    found = _DURATION.fullmatch(text.strip())
    if found is None or found.group(1) == "-":
        raise ValueError(f"DURATION {text!r} is not a duration")
    weeks, days, hours, minutes, seconds = (int(part or 0) for part in found.groups()[1:])
    length = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    after = _Moment(first.value + length, first.zone, first.seconds_known or bool(seconds))
    return _last(first, after, prop)


def _utc(moment: datetime, zone: str | None) -> datetime:
    if zone in (None, "Z"):
        return moment
    sign = -1 if zone[0] == "-" else 1
    return moment - sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))


def _written(first: _Moment, last: _Moment | None) -> tuple[str, str | None]:
    """The two ends as the log writes them: whole months or years as such."""
    if isinstance(first.value, datetime):
        end = None if last is None else _instant(last)
        return _instant(first), end
    start_day = first.value
    end_day = last.value if last is not None else start_day
    assert not isinstance(end_day, datetime)
    start_text = _coarsest(start_day, start_day, end_day, at_start=True)
    end_text = _coarsest(end_day, start_day, end_day, at_start=False)
    return start_text, None if end_text == start_text else end_text


def _coarsest(day: date, first: date, last: date, *, at_start: bool) -> str:
    """`day` at the coarsest precision whose interval still lies within `first`..`last`: a span
    of whole months or years is written as them (2022-09 .. 2024), a single day stays a day."""
    year_first, year_last = date(day.year, 1, 1), date(day.year, 12, 31)
    if first <= year_first and year_last <= last:
        return f"{day.year:04d}"
    month_last = date(day.year, day.month, days_in_month(day.year, day.month))
    if first <= day.replace(day=1) and month_last <= last:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def _instant(moment: _Moment) -> str:
    value = moment.value
    assert isinstance(value, datetime)
    text = value.isoformat()[:16]
    if moment.seconds_known:
        text += f":{value.second:02d}"
    return text + (moment.zone or "")


def _status(prop: Property | None) -> str | None:
    value = prop.value.strip().upper() if prop else ""
    return {"TENTATIVE": "reported"}.get(value)


# The description -----------------------------------------------------------------------------


class _Body(ExportedText):
    def __init__(self) -> None:
        super().__init__()
        self.place = ""
        self.media: dict[str, str] | None = None
        self.approximate = False
        self.window = False
        self.ongoing = False


def _description(text: str) -> _Body:
    """A description as `timeline` writes it, read back into fields; any other is the summary."""
    body = _Body()
    paragraphs = re.split(r"\n[ \t]*\n", text.strip())
    head = paragraphs[0].split("\n") if paragraphs else []
    if not head or not head[0].startswith("When: "):
        body.summary = text.strip()
        return body
    for line in head:
        label, _, value = line.partition(": ")
        if label not in _HEAD:
            continue
        if label == "When":
            folded = value.casefold()
            body.approximate = folded.startswith("about ")
            body.window = "some day between" in folded or "some time between" in folded
            body.ongoing = folded.endswith("ongoing")
        elif label == "Where":
            body.place = value.strip()
        else:
            body.read_fact(label, value)
    summary: list[str] = []
    for paragraph in paragraphs[1:]:
        labelled = _LABELLED.match(paragraph)
        if paragraph.startswith("Sources:\n") or paragraph == "Sources:":
            body.sources = [_source(line) for line in paragraph.split("\n")[1:] if line.strip()]
        elif labelled and labelled.group(1) == "Media":
            value = paragraph[labelled.end() :]
            url = value.rsplit(" ", 1)[-1]
            caption = value[: -len(url)].strip()
            body.media = {"url": url, **({"caption": caption} if caption else {})}
        elif labelled:
            setattr(body, labelled.group(1).lower(), paragraph[labelled.end() :])
        else:
            summary.append(paragraph)
    body.summary = "\n\n".join(summary)
    return body


def _source(line: str) -> DraftSource:
    found = _SOURCE.match(line.strip())
    if found is None:
        return DraftSource(citation=line.strip())
    label, url = found["label"].strip(), found["url"]
    if url is None:
        return DraftSource(citation=label)
    return labelled_source(label, url)


def _location(place: str, geo: Property | None) -> dict[str, Any]:
    location = place_named(place)
    if geo is not None:
        lat, _, lon = geo.value.partition(";")
        with contextlib.suppress(ValueError):  # a GEO that is not two numbers: the name stays
            location["lat"], location["lon"] = float(lat), float(lon)
    return location
