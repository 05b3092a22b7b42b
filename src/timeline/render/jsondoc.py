"""JSON (one array) and JSON Lines (one object per line) of typed records (see
`records.typed_record`), written with the standard library; and `show`'s document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from timeline.document import actor_json, dumps, event_json, source_json
from timeline.model import Event
from timeline.query import Related, Selection
from timeline.render.records import typed_record


def write_json(selection: Selection, stream: IO[str]) -> None:
    events = selection.events
    stream.write("[")
    for position, event in enumerate(events):
        stream.write(",\n  " if position else "\n  ")
        stream.write(dumps(typed_record(event, selection), indent=2).replace("\n", "\n  "))
    stream.write("\n]\n" if events else "]\n")


def write_jsonl(selection: Selection, stream: IO[str]) -> None:
    for event in selection.events:
        stream.write(dumps(typed_record(event, selection), indent=None))
        stream.write("\n")


def show_document(event: Event, selection: Selection) -> dict[str, Any]:
    """Everything the card shows, as data: the event, its actors, sources and relations."""
    actors = selection.actors.by_id
    related: Sequence[Related] = selection.related_to(event)
    return {
        "event": event_json(event),
        "actors": [actor_json(actors[ref.id]) for ref in event.actors if ref.id in actors],
        "sources": [source_json(source) for source in selection.cited(event)],
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
