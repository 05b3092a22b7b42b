"""A log as JSON data: the inverse of loading, field for field, in the log's own order."""

from __future__ import annotations

import json
from typing import Any

from timeline.model import Actor, Era, Event, EventType, Location, Log, Source

# JSON escapes C0 controls itself; these are legal raw in JSON strings but a terminal would act on
# them (C1 controls, bidi overrides) or a JavaScript parser would choke (U+2028/2029). Escaping
# them as \uXXXX keeps the value identical for any JSON reader.
_UNSAFE_RAW = {
    code: f"\\u{code:04x}"
    for code in (
        0x7F,
        *range(0x80, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        0x061C,
        0x200B,
        0x2028,
        0x2029,
        0xFEFF,
    )
}


def dumps(value: Any, *, indent: int | None = 2) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False).translate(
        _UNSAFE_RAW
    )


def log_json(log: Log) -> dict[str, Any]:
    """The whole log, with every optional field that has no value left out."""
    document: dict[str, Any] = {}
    if log.schema_url is not None:
        document["$schema"] = log.schema_url
    document["title"] = log.title
    if log.description is not None:
        document["description"] = log.description
    if log.types is not None:
        document["types"] = [compact_record(type_json(entry)) for entry in log.types]
    if log.eras:
        document["eras"] = [compact_record(era_json(era)) for era in log.eras]
    document["actors"] = [compact_record(actor_json(actor)) for actor in log.actors]
    document["sources"] = [compact_record(source_json(source)) for source in log.sources]
    document["events"] = [compact_record(event_json(event)) for event in log.events]
    return document


def compact_record(record: dict[str, Any]) -> dict[str, Any]:
    """The record without its optional fields that hold nothing."""
    return {
        key: value
        for key, value in record.items()
        if not (value is None or value is False or value == [])
    }


def event_json(event: Event) -> dict[str, Any]:
    """The event as a log holds it (every field, in the log's order), so an export loads again."""
    return {
        "id": event.id,
        "title": event.title,
        "date": event.date.text,
        "end": event.end.text if event.end else None,
        "approximate": event.approximate,
        "window": event.window,
        "type": event.type,
        "actors": [
            ref.id if ref.role is None else {"id": ref.id, "role": ref.role} for ref in event.actors
        ],
        "location": None if event.location is None else location_json(event.location),
        "summary": event.summary,
        "assessment": event.assessment,
        "status": event.status,
        "tags": list(event.tags),
        "sources": list(event.sources),
        "related": [{"id": rel.id, "rel": rel.rel} for rel in event.related],
        "media": None if event.media is None else _present(event.media._asdict()),
        "note": event.note,
    }


def location_json(location: Location) -> dict[str, Any]:
    """A place: its name and country (null when unknown), and the rest where known."""
    written = {"name": location.name, "country": location.country}
    return written | _present({"admin1": location.admin1, "lat": location.lat, "lon": location.lon})


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields that hold a value (a latitude of 0 among them)."""
    return {key: value for key, value in fields.items() if value is not None}


def actor_json(actor: Actor) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "kind": actor.kind,
        "aliases": list(actor.aliases),
        "member_of": list(actor.member_of),
    }


def source_json(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "publisher": source.publisher,
        "title": source.title,
        "url": source.url,
        "archive": source.archive,
        "citation": source.citation,
        "published": source.published.text if source.published else None,
        "note": source.note,
        "primary": source.primary,
        "copy": source.copy,
    }


def type_json(entry: EventType) -> dict[str, Any]:
    return entry._asdict()


def era_json(era: Era) -> dict[str, Any]:
    return {
        "id": era.id,
        "title": era.title,
        "date": era.date.text,
        "end": era.end.text,
        "note": era.note,
    }
