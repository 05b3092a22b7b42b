"""TimelineJS: the Google-Sheets template as CSV, or the JSON a TimelineJS page loads.

- A date keeps exactly the parts the file gives (a year, a month, a day, a time): precision comes
  from which cells are filled. An hour without minutes is a window over that hour. Years may be
  negative (TimelineJS counts 0 as 1 BCE, as the log does) and deep (-13800000000).
- `display_date` is read for what the parts cannot hold: `about` (approximate), `some day
  between` (a window), `ongoing`, and a time's zone (`07:12 +09:00`), as `timeline` writes them.
- The headline is the title; the text (HTML) is the summary, except the labelled paragraphs a
  `timeline` export writes (Status, Actors, Where, Tags, Assessment, Note, Sources), which go back
  to their fields. The media URL is the media; a link in its credit is a source.
- `group` is the type; the title slide is not an event; `eras` and rows of type `era` are eras.
TimelineJS has no actors: name them with `--actor`, unless the text says (`Actors:`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from timeline.importing import Draft, DraftActor, DraftSource, DraftType, Note, Options, Reading
from timeline.importing.text import (
    ExportedText,
    decode,
    labelled_source,
    place_named,
    plain,
    records,
)
from timeline.slugs import slug

CSV_COLUMNS = {
    "Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
    "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
    "Media Thumbnail", "Type", "Group", "Background",
}  # fmt: skip
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([ap]\.?m\.?)?", re.IGNORECASE)
_ZONE = re.compile(r"\b(\d{2}:\d{2}(?::\d{2})?) (UTC|[+-]\d{2}:\d{2})\b")
_PUBLISHED = re.compile(r"\s*\(([^()]*)\)\s*$")


def read(data: bytes, label: str, options: Options) -> Reading:
    text = decode(data)
    if text.lstrip().startswith("{"):
        return _from_json(text)
    return _from_csv(text)


# The two shapes ------------------------------------------------------------------------------


def _from_json(text: str) -> Reading:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return Reading([], [Note(error.lineno, f"not JSON: {error.msg}")], [])
    if not isinstance(document, dict) or not isinstance(document.get("events", []), list):
        return Reading([], [Note(None, "not a TimelineJS document: no list of events")], [])
    notes: list[Note] = []
    title = document.get("title")
    if isinstance(title, dict):
        headline = _field(_dig(title, "text", "headline") or "")
        notes.append(Note(None, _title_slide(headline), skipped=True))
    drafts: list[Draft] = []
    for position, slide in enumerate(document.get("events", []), start=1):
        _add(_slide(slide, position), drafts, notes)
    eras: list[dict[str, Any]] = []
    for position, era in enumerate(document.get("eras") or [], start=1):
        _add_era(_era(era, position), eras, notes)
    return Reading(drafts, notes, eras)


def _from_csv(text: str) -> Reading:
    header, rows = records(text)
    missing = {"Year", "Headline"} - set(header)
    if missing:
        wanted = ", ".join(sorted(missing))
        return Reading([], [Note(1, f"not the TimelineJS sheet: no {wanted} column")], [])
    drafts: list[Draft] = []
    eras: list[dict[str, Any]] = []
    notes: list[Note] = []
    for row in rows:
        if isinstance(row, Note):
            notes.append(row)
            continue
        line, cells = row
        slide = _slide_from_row(cells)
        kind = cells.get("Type", "").strip().lower()
        if kind == "title":
            headline = _field(cells.get("Headline", ""))
            notes.append(
                Note(line, f"the title slide ({headline!r}) is not an event", skipped=True)
            )
        elif kind == "era":
            _add_era(_era(slide, line), eras, notes)
        else:
            _add(_slide(slide, line), drafts, notes)
    return Reading(drafts, notes, eras)


def _title_slide(headline: str) -> str:
    named = f" ({headline!r})" if headline else ""
    return f"the title slide{named} is not an event"


def _slide_from_row(cells: dict[str, str]) -> dict[str, Any]:
    """A spreadsheet row in the JSON's shape."""

    def parts(prefix: str) -> dict[str, Any] | None:
        year = cells.get(f"{prefix}Year", "").strip()
        if not year:
            return None
        found: dict[str, Any] = {"year": year}
        for name in ("Month", "Day"):
            value = cells.get(f"{prefix}{name}", "").strip()
            if value:
                found[name.lower()] = value
        time = cells.get(f"{prefix}Time", "").strip()
        if time:
            found["time"] = time
        return found

    return {
        "start_date": parts(""),
        "end_date": parts("End "),
        "display_date": cells.get("Display Date", ""),
        "text": {"headline": cells.get("Headline", ""), "text": cells.get("Text", "")},
        "media": {
            "url": cells.get("Media", ""),
            "credit": cells.get("Media Credit", ""),
            "caption": cells.get("Media Caption", ""),
        },
        "group": cells.get("Group", ""),
    }


def _add(made: Draft | Note, drafts: list[Draft], notes: list[Note]) -> None:
    if isinstance(made, Note):
        notes.append(made)
    else:
        drafts.append(made)


def _add_era(made: dict[str, Any] | Note, eras: list[dict[str, Any]], notes: list[Note]) -> None:
    if isinstance(made, Note):
        notes.append(made)
    else:
        eras.append(made)


# One slide -----------------------------------------------------------------------------------


def _slide(slide: Any, line: int) -> Draft | Note:
    if not isinstance(slide, dict):
        return Note(line, "a slide that is not an object")
    display = _field(slide.get("display_date") or "")
    try:
        date, end, window = _dates(slide.get("start_date"), slide.get("end_date"), display)
    except ValueError as error:
        return Note(line, str(error))
    body = _body(_dig(slide, "text", "text") or "")
    fields: dict[str, Any] = {
        "title": " ".join(plain(str(_dig(slide, "text", "headline") or "")).text.split()),
        "date": date,
        "end": end,
        "approximate": display.casefold().startswith("about ") or None,
        "window": window or None,
        "summary": body.summary,
        "assessment": body.assessment,
        "note": body.note,
        "status": body.status,
        "tags": body.tags,
        "location": body.location,
    }
    found_media = slide.get("media")
    media: dict[str, Any] = found_media if isinstance(found_media, dict) else {}
    sources = list(body.sources)
    url = str(media.get("url") or "").strip()
    if re.match(r"https?://", url):
        credit = plain(str(media.get("credit") or ""))
        caption = plain(str(media.get("caption") or "")).text
        fields["media"] = {
            "url": url,
            **({"caption": caption.replace("\n", " ")} if caption else {}),
            **({"credit": credit.text.replace("\n", " ")} if credit.text else {}),
        }
        sources += [
            DraftSource(url=href, publisher=text or None) for href, text in credit.links if href
        ]
    elif url:  # a quotation or embed in place of media: it is part of what the slide says
        quoted = plain(url).text
        fields["summary"] = "\n\n".join(part for part in (fields["summary"], quoted) if part)
    if not fields["title"]:  # a slide of text, or of media, alone: its own words name it
        caption = fields.get("media", {}).get("caption", "")
        fields["title"] = first_sentence(fields["summary"]) or first_sentence(caption)
    if not fields["summary"]:
        fields["summary"] = fields["title"]
    group = _field(slide.get("group") or "")
    kind = DraftType(slug(group, limit=40), group) if group and slug(group) else None
    key = slide.get("unique_id")
    return Draft(
        line=line,
        fields=fields,
        type=kind,
        actors=tuple(DraftActor(name) for name in body.actors),
        sources=tuple(sources),
        key=str(key) if isinstance(key, str | int) and str(key).strip() else None,
    )


def _era(era: Any, line: int) -> dict[str, Any] | Note:
    if not isinstance(era, dict):
        return Note(line, "an era that is not an object")
    headline = plain(str(_dig(era, "text", "headline") or "")).text.replace("\n", " ")
    try:
        date, end, _ = _dates(era.get("start_date"), era.get("end_date"), "")
    except ValueError as error:
        return Note(line, f"era {headline!r}: {error}")
    note = plain(str(_dig(era, "text", "text") or "")).text
    return {
        "title": headline,
        "date": date,
        "end": end or date,
        "note": note or None,
        "_line": line,
    }


# Dates ---------------------------------------------------------------------------------------


def _dates(start: Any, finish: Any, display: str) -> tuple[str, str | None, bool]:
    """`date`, `end` and whether they bound one moment, from the slide's date parts."""
    if not isinstance(start, dict):
        raise ValueError("no start date")
    date, hour_only = _date(start, last=False)
    end = None
    window = False
    if isinstance(finish, dict) and str(finish.get("year", "")).strip():
        end, _ = _date(finish, last=True)
    elif hour_only:  # an hour is known, not its minute: some moment in that hour
        end, _ = _date(start, last=True)
        window = True
    folded = display.casefold()
    if "some day between" in folded or "some time between" in folded:
        window = end is not None
    if folded.endswith("ongoing") and end is None:
        end = ".."
    zones = _ZONE.findall(display)  # the zone of each time, as display_date writes it
    date = _zoned(date, zones)
    if end is not None and end != "..":
        end = _zoned(end, zones[1:] if len(zones) > 1 else zones)
    return date, end, window


def _zoned(text: str, zones: list[tuple[str, str]]) -> str:
    """A time with the zone display_date gives the same clock, if it gives one."""
    if "T" not in text:
        return text
    clock = text.split("T")[1]
    for shown, zone in zones:
        if clock == shown:
            return text + ("Z" if zone == "UTC" else zone)
    return text


def _date(parts: dict[str, Any], *, last: bool) -> tuple[str, bool]:
    """A date from TimelineJS parts, and whether its time stops at the hour."""
    year = _number(parts.get("year"), "year")
    assert year is not None  # required
    text = f"Y{year}" if abs(year) >= 10_000 else f"{year:05d}" if year < 0 else f"{year:04d}"
    month = _number(parts.get("month"), "month", required=False)
    if month is None:
        return text, False
    text += f"-{month:02d}"
    day = _number(parts.get("day"), "day", required=False)
    if day is None:
        return text, False
    text += f"-{day:02d}"
    hour = _number(parts.get("hour"), "hour", required=False)
    minute = _number(parts.get("minute"), "minute", required=False)
    second = _number(parts.get("second"), "second", required=False)
    if isinstance(parts.get("time"), str):  # the sheet's Time cell: 10:30, 6:45:56, 3 PM
        hour, minute, second = _clock(parts["time"])
    if hour is None:
        return text, False
    if minute is None:
        return f"{text}T{hour:02d}:{59 if last else 0:02d}", True
    text += f"T{hour:02d}:{minute:02d}"
    if second is not None:
        text += f":{second:02d}"
    return text, False


def _clock(time: str) -> tuple[int | None, int | None, int | None]:
    found = _TIME.fullmatch(time.strip())
    if found is None:
        raise ValueError(f"time {time!r} is not a time of day")
    hour = int(found.group(1))
    if found.group(4):
        meridiem = found.group(4).lower().replace(".", "")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    minute = int(found.group(2)) if found.group(2) else None
    second = int(found.group(3)) if found.group(3) else None
    return hour, minute, second


def _number(value: Any, name: str, *, required: bool = True) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(f"no {name}")
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{name} {value!r} is not a number")
    try:
        return int(str(value).strip().replace(",", ""))
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a number") from None


# The text ------------------------------------------------------------------------------------


class _Body(ExportedText):
    """What a slide's HTML text says, its labelled paragraphs read back into fields."""

    def __init__(self) -> None:
        super().__init__()
        self.location: dict[str, Any] | None = None


_BLOCK = re.compile(r"<(p|li)\b[^>]*>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
_LABEL = re.compile(r"^\s*<strong>([^<]*?):?</strong>\s*", re.IGNORECASE)


def _body(text: str) -> _Body:
    body = _Body()
    if not isinstance(text, str):
        return body
    blocks = [(tag.lower(), inner) for tag, inner in _BLOCK.findall(text)]
    if not blocks or not _labelled(blocks):  # anyone's HTML: all of it is the summary
        body.summary = plain(text).text
        return body
    summary: list[str] = []
    in_sources = False
    for tag, inner in blocks:
        if tag == "li":
            if in_sources:
                body.sources.append(_source(inner))
            continue
        in_sources = False
        segments = re.split(r"<br\s*/?>", inner, flags=re.IGNORECASE)
        label = _LABEL.match(segments[0])
        name = label.group(1).strip().casefold() if label else ""
        if name == "sources":
            in_sources = True
        elif name in ("status", "actors", "where", "tags"):
            for segment in segments:
                _fact(segment, body)
        elif name in ("assessment", "note"):
            value = plain(_LABEL.sub("", inner, count=1)).text
            setattr(body, name, value)
        else:
            summary.append(plain(inner).text)
    body.summary = "\n\n".join(part for part in summary if part)
    return body


def _labelled(blocks: list[tuple[str, str]]) -> bool:
    """Whether the text is laid out as a `timeline` export lays it out."""
    first = _LABEL.match(blocks[0][1])
    return first is not None and first.group(1).strip().casefold() == "status"


def _fact(segment: str, body: _Body) -> None:
    label = _LABEL.match(segment)
    if label is None:
        return
    name = label.group(1).strip().casefold()
    value = plain(segment[label.end() :]).text
    if not body.read_fact(name, value) and name == "where" and value:
        body.location = place_named(value)


def _source(item: str) -> DraftSource:
    """A source as `timeline` lists it: `<a href=URL>Publisher — Title</a> (published)`."""
    item = re.sub(r"\s*\[<a\b[^>]*>archived copy</a>\]\s*$", "", item)
    found = plain(item)
    text = found.text
    published = _PUBLISHED.search(text)
    if published:
        text = text[: published.start()]
    links = [href for href, _ in found.links if href]
    if not links:
        return DraftSource(citation=text, published=published.group(1) if published else None)
    return labelled_source(text, links[0], published.group(1) if published else None)


def first_sentence(text: str, limit: int = 120) -> str:
    """The first sentence of `text`, cut between words to at most `limit` characters."""
    flat = " ".join(text.split())
    found = re.match(r".+?[.!?](?=\s|$)", flat)
    sentence = found.group() if found else flat
    if len(sentence) <= limit:
        return sentence
    return sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def _field(value: Any) -> str:
    """A field TimelineJS reduces to its text and writes as HTML again (display_date, group)."""
    return plain(plain(str(value)).text).text.replace("\n", " ")


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value
