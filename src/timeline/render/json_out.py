"""JSON (one array) and JSON Lines (one object per line), written with the standard library."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO, Any

from timeline.document import actor_json, event_json, source_json
from timeline.model import Event, Log
from timeline.query import Related

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


def write_json(events: Sequence[Event], stream: IO[str]) -> None:
    stream.write("[")
    for position, event in enumerate(events):
        stream.write(",\n  " if position else "\n  ")
        stream.write(dumps(event_json(event), indent=2).replace("\n", "\n  "))
    stream.write("\n]\n" if events else "]\n")


def write_jsonl(events: Sequence[Event], stream: IO[str]) -> None:
    for event in events:
        stream.write(dumps(event_json(event), indent=None))
        stream.write("\n")


def show_document(event: Event, log: Log, related: Sequence[Related]) -> dict[str, Any]:
    """Everything the card shows, as data: the event, its actors, sources and relations."""
    actors = log.actors_by_id
    sources = log.sources_by_id
    return {
        "event": event_json(event),
        "actors": [actor_json(actors[ref.id]) for ref in event.actors if ref.id in actors],
        "sources": [source_json(sources[s]) for s in event.sources if s in sources],
        "related": [
            {
                "rel": link.rel,
                "direction": "outgoing" if link.outgoing else "incoming",
                "id": link.event.id,
                "title": link.event.title,
                "date": link.event.date.text,
                "end": link.event.end.text if link.event.end else None,
            }
            for link in related
        ],
    }
