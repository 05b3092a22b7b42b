"""Records of any shape: CSV, TSV, a JSON array, JSON Lines or Parquet, each record an event.

`--map FIELD=COLUMN` names the column (a key, `a.b` inside nested JSON) that holds each field;
without a mapping, a column named like a field is that field, so `timeline export`'s own CSV,
JSON, JSON Lines and Parquet come back as they went out. Fields:

- `id`, `title`, `date`, `end`, `type`, `status`, `summary`, `assessment`, `note`: as in the log.
  A date may also be a timestamp (`2023-07-19 07:12:05`, `+1815-12-10T00:00:00Z`); `date=when:year`
  (or, for the date, a `precision` column: year, month, day, minute, second, or Wikidata's 9 to
  14) says how much of it is known, so that a year stored as a full timestamp stays a year.
- `approximate`, `window`: true or false (1/0, yes/no).
- `actors`: names or ids, `;`-separated, each with an optional `(role)`; `actor`: one name.
- `tags`, `sources` (ids the log has), `source_urls`, `source_citations`: `;`-separated (or
  lists in JSON); a row's URLs and citations stand for the sources whose ids the log lacks. A `;`
  inside an address (`view.do;jsessionid=...`) stays part of it.
- `location`, `country`, `admin1`, `lat`, `lon`; `media`, `caption`, `credit`; `related`.
- `source` (a URL), `citation`, `publisher`, `published`, `headline`: one source for the row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from timeline.importing import Draft, DraftActor, DraftSource, DraftType, Note, Options, Reading
from timeline.importing.text import coordinate, decode, records, undecoded
from timeline.render.delimited import undefuse
from timeline.slugs import slug

FIELDS = (
    "id", "title", "date", "end", "precision", "approximate", "window", "type", "status",
    "actors", "actor", "summary", "assessment", "note", "tags", "location", "country", "admin1",
    "lat", "lon", "sources", "source_urls", "source_citations", "source", "citation", "publisher",
    "published",
    "headline", "media", "caption", "credit", "related",
)  # fmt: skip
GENERIC = ("csv", "tsv", "json", "jsonl", "parquet")
# How many parts of year, month, day, hour, minute, second each precision keeps; Wikidata's
# numbers too (its 12, the hour, keeps the day: the log has no hour without its minute).
PRECISIONS = {
    "year": 1, "month": 2, "day": 3, "minute": 5, "second": 6,
    "9": 1, "10": 2, "11": 3, "12": 3, "13": 5, "14": 6,
}  # fmt: skip
_TIMESTAMP = re.compile(
    r"(?P<sign>[+-]?)(?P<year>\d{4,})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?)?)?)?"
)
_ROLE = re.compile(r"^(?P<name>.*?)\s*\((?P<role>[a-z0-9][a-z0-9-]*)\)$")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


def read_csv(data: bytes, label: str, options: Options) -> Reading:
    return _from_text(decode(data), ",", options)


def read_tsv(data: bytes, label: str, options: Options) -> Reading:
    return _from_text(decode(data), "\t", options)


def read_json(data: bytes, label: str, options: Options) -> Reading:
    try:
        loaded = json.loads(decode(data))
    except json.JSONDecodeError as error:
        return Reading([], [Note(error.lineno, f"not JSON: {error.msg}")], [])
    if isinstance(loaded, dict) and isinstance(loaded.get("events"), list):
        loaded = loaded["events"]  # a whole log, or a document holding its events
    if not isinstance(loaded, list):
        return Reading([], [Note(None, "not a JSON array of records")], [], unit="record")
    return _from_records(enumerate(loaded, start=1), options, unit="record")


def read_jsonl(data: bytes, label: str, options: Options) -> Reading:
    def lines() -> Iterator[tuple[int, Any]]:
        for number, line in enumerate(decode(data).splitlines(), start=1):
            if not line.strip():
                continue
            problem = undecoded(line)
            try:
                yield number, Note(number, problem) if problem else json.loads(line)
            except json.JSONDecodeError as error:
                yield number, Note(number, f"not JSON: {error.msg}")

    return _from_records(lines(), options)


def read_parquet(data: bytes, label: str, options: Options) -> Reading:
    import io

    from timeline.render.parquet import pyarrow

    pa = pyarrow()
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowInvalid, OSError) as error:
        return Reading([], [Note(None, f"not a Parquet file: {error}")], [], unit="record")
    return _from_records(enumerate(table.to_pylist(), start=1), options, unit="record")


# Rows to drafts ------------------------------------------------------------------------------


# The columns only `timeline export` writes: a file that has them had its formula-like cells
# prefixed with `'`, which comes off again here.
OWN_COLUMNS = frozenset({"earliest", "latest", "actor_names", "source_urls"})


def _from_text(text: str, delimiter: str, options: Options) -> Reading:
    header, rows = records(text, delimiter)
    if not header:
        return Reading([], [Note(1, "no header row")], [])
    if set(header) >= OWN_COLUMNS:
        rows = (
            row if isinstance(row, Note) else (row[0], {k: undefuse(v) for k, v in row[1].items()})
            for row in rows
        )
    return _from_records(rows, options)


def _from_records(items: Iterable[Any], options: Options, unit: str = "line") -> Reading:
    drafts: list[Draft] = []
    notes: list[Note] = []
    columns = dict(options.mapping)
    for item in items:
        if isinstance(item, Note):
            notes.append(item)
            continue
        line, record = item
        if isinstance(record, Note):
            notes.append(record)
            continue
        if not isinstance(record, dict):
            notes.append(Note(line, "a record that is not an object"))
            continue
        try:
            drafts.append(_draft(line, record, columns))
        except ValueError as error:
            notes.append(Note(line, str(error)))
    return Reading(drafts, notes, [], unit=unit)


def _draft(line: int, record: Mapping[str, Any], columns: Mapping[str, str]) -> Draft:
    def get(field: str) -> Any:
        column = columns.get(field, field if field not in columns.values() else "")
        column = column.split(":", 1)[0] if field in {"date", "end"} else column
        value: Any = record
        for part in column.split(".") if column else [""]:
            value = value.get(part) if isinstance(value, Mapping) else None
        return None if value == "" else value

    title = _text(get("title"))
    if not title:
        raise ValueError("no title")
    date = _date(get("date"), _precision(columns.get("date", ""), get("precision")), "date")
    if date is None:
        raise ValueError("no date")
    end_value = get("end")
    end_precision = _precision(columns.get("end", ""), None)  # a precision column is the date's
    end = ".." if _text(end_value) == ".." else _date(end_value, end_precision, "end")
    fields: dict[str, Any] = {
        "title": " ".join(title.split()),
        "date": date,
        "end": end,
        "approximate": _flag(get("approximate"), "approximate"),
        "window": _flag(get("window"), "window"),
        "status": _text(get("status")),
        "summary": _text(get("summary")) or " ".join(title.split()),
        "assessment": _text(get("assessment")),
        "note": _text(get("note")),
        "tags": [slug(tag, limit=40) for tag in _items(get("tags")) if slug(tag, limit=40)],
        "related": _related(get("related")),
        "location": _location(get),
        "media": _media(get),
    }
    kind = _text(get("type"))
    actors = [
        *_actors(get("actors")),
        *(DraftActor(name) for name in [_text(get("actor"))] if name),
    ]
    known_ids = tuple(_items(get("sources")))
    urls = [DraftSource(url=url) for url in _urls(get("source_urls"))]
    urls += [DraftSource(citation=text) for text in _items(get("source_citations"))]
    one = _one_source(get)
    return Draft(
        line=line,
        fields=fields,
        type=DraftType(slug(kind, limit=40) or "event", kind) if kind else None,
        actors=tuple(actors),
        sources=(*urls, *([one] if one else [])),
        key=_text(get("id")) or None,
        source_ids=known_ids,
    )


def _precision(date_column: str, given: Any) -> int | None:
    """How many characters of an ISO timestamp are known: from `date=COLUMN:year`, else from
    a precision column."""
    _, _, suffix = date_column.partition(":")
    wanted = suffix or (str(given).strip().lower() if given not in (None, "") else "")
    if not wanted:
        return None
    if wanted not in PRECISIONS:
        raise ValueError(f"precision {wanted!r} is not one of year, month, day, minute, second")
    return PRECISIONS[wanted]


def _date(value: Any, precision: int | None, field: str) -> str | None:
    """A date in the log's grammar from the ISO forms records use; never more precise than the
    value, or than `precision` says is known."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.startswith("Y"):
        return text  # deep time, as the log writes it
    found = _TIMESTAMP.fullmatch(text)
    if found is None:
        raise ValueError(f"{field} {text!r} is not an ISO date (YYYY, YYYY-MM, YYYY-MM-DD, ...)")
    year = int(found["year"]) * (-1 if found["sign"] == "-" else 1)
    parts = [found[name] for name in ("month", "day", "hour", "minute", "second")]
    known = 1 + len([part for part in parts if part is not None])
    keep = known if precision is None else min(known, precision)
    if keep == 4:  # an hour without its minute: the log keeps the day
        keep = 3
    written = f"Y{year}" if abs(year) >= 10_000 else f"{year:05d}" if year < 0 else f"{year:04d}"
    if keep > 1 and written.startswith("Y"):
        raise ValueError(f"{field} {text!r}: a year beyond 9999 is known to the year only")
    for part, joiner in zip(parts[: keep - 1], ("-", "-", "T", ":", ":"), strict=False):
        written += joiner + part
    zone = found["zone"]
    if keep >= 5 and zone:
        written += "Z" if zone == "Z" else f"{zone[:3]}:{zone[-2:]}"
    return written


def _flag(value: Any, field: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value or None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return None
    raise ValueError(f"{field} {value!r} is not true or false")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return str(value).strip() if isinstance(value, str) else ""


def _items(value: Any) -> list[str]:
    """A list field: a JSON list, or text split on `;`."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in str(value).split(";") if part.strip()]


# A `;` between addresses is followed by a space or the next address's scheme; one inside an
# address (`view.do;jsessionid=...`) is followed by neither.
_BETWEEN_URLS = re.compile(r";(?=\s|[A-Za-z][A-Za-z0-9+.-]*://|$)")


def _urls(value: Any) -> list[str]:
    """A list of addresses: a JSON list, or text split on the `;` between addresses."""
    if value is None or isinstance(value, list):
        return _items(value)
    return [part.strip() for part in _BETWEEN_URLS.split(str(value)) if part.strip()]


def _actors(value: Any) -> list[DraftActor]:
    found: list[DraftActor] = []
    for item in value if isinstance(value, list) else _items(value):
        if isinstance(item, dict):  # {"id": ..., "role": ...}, as the log and JSON exports write
            name = _text(item.get("id") or item.get("name"))
            if name:
                found.append(DraftActor(name, _text(item.get("role")) or None, code=name))
            continue
        text = str(item).strip()
        with_role = _ROLE.match(text)
        if with_role:
            found.append(DraftActor(with_role["name"], with_role["role"]))
        elif text:
            found.append(DraftActor(text))
    return found


def _related(value: Any) -> list[dict[str, str]]:
    found = []
    for item in value if isinstance(value, list) else _items(value):
        if isinstance(item, dict):
            found.append({"id": _text(item.get("id")), "rel": _text(item.get("rel"))})
            continue
        with_rel = _ROLE.match(str(item).strip())
        if with_rel is None:
            raise ValueError(f"related {item!r} is not 'id (relation)'")
        found.append({"id": with_rel["name"], "rel": with_rel["role"]})
    return found


def _location(get: Any) -> dict[str, Any] | None:
    place = get("location")
    if isinstance(place, dict):  # the log's own shape
        return {key: value for key, value in place.items() if value not in (None, "")} or None
    name = _text(place)
    if not name:
        return None
    found: dict[str, Any] = {"name": " ".join(name.split())}
    for field in ("country", "admin1"):
        value = _text(get(field))
        if value:
            found[field] = value.upper() if field == "country" else value
    for field in ("lat", "lon"):
        number = coordinate(get(field), field)
        if number is not None:
            found[field] = number
    return found


def _media(get: Any) -> dict[str, Any] | None:
    media = get("media")
    if isinstance(media, dict):
        return {key: value for key, value in media.items() if value not in (None, "")} or None
    url = _text(media)
    if not url:
        return None
    found = {"url": url}
    for field in ("caption", "credit"):
        value = _text(get(field))
        if value:
            found[field] = value
    return found


def _one_source(get: Any) -> DraftSource | None:
    url, citation = _text(get("source")), _text(get("citation"))
    if not url and not citation:
        return None
    return DraftSource(
        url=url or None,
        citation=citation or None,
        title=_text(get("headline")) or None,
        publisher=_text(get("publisher")) or None,
        published=_text(get("published")) or None,
    )
