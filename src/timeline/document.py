"""A log as JSON data: the inverse of loading, field for field, in the log's own order."""

from __future__ import annotations

import json
from typing import Any

from timeline.model import Actor, Event, Log, Source

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
    document["actors"] = [_compact(actor_json(actor)) for actor in log.actors]
    document["sources"] = [_compact(source_json(source)) for source in log.sources]
    document["events"] = [_compact(event_json(event)) for event in log.events]
    return document


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if value not in (None, [], False)}


def event_json(event: Event) -> dict[str, Any]:
    """The event as a log holds it (every field, in the log's order), so an export loads again."""
    return {
        "id": event.id,
        "title": event.title,
        "date": event.date.text,
        "end": event.end.text if event.end else None,
        "approximate": event.approximate,
        "type": event.type,
        "actors": [
            ref.id if ref.role is None else {"id": ref.id, "role": ref.role} for ref in event.actors
        ],
        "location": None
        if event.location is None
        else {"name": event.location.name, "country": event.location.country},
        "summary": event.summary,
        "assessment": event.assessment,
        "status": event.status,
        "tags": list(event.tags),
        "sources": list(event.sources),
        "related": [{"id": rel.id, "rel": rel.rel} for rel in event.related],
        "note": event.note,
    }


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
        "published": source.published.text if source.published else None,
        "note": source.note,
    }
