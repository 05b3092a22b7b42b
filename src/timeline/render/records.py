"""Events as flat rows of strings, for CSV."""

from __future__ import annotations

from typing import Any

from timeline.model import Event
from timeline.query import Selection

LIST_SEPARATOR = "; "

COLUMNS = (
    "id",
    "date",
    "end",
    "approximate",
    "earliest",
    "latest",
    "title",
    "type",
    "plover",
    "status",
    "actors",
    "actor_names",
    "location",
    "country",
    "summary",
    "assessment",
    "note",
    "tags",
    "sources",
    "source_urls",
    "related",
)


def as_row(event: Event, selection: Selection) -> dict[str, str]:
    """One flat row per event: every field a string, lists joined with `; `."""
    actors = selection.actors
    return {
        "id": event.id,
        "date": event.date.text,
        "end": event.end.text if event.end else "",
        "approximate": "true" if event.approximate else "false",
        "earliest": event.earliest.isoformat(),
        "latest": event.latest.isoformat(),
        "title": event.title,
        "type": event.type,
        "plover": event.plover or "",
        "status": event.status,
        "actors": _join(f"{ref.id} ({ref.role})" if ref.role else ref.id for ref in event.actors),
        "actor_names": _join(actors.name(ref.id) for ref in event.actors),
        "location": event.location.name if event.location else "",
        "country": (event.location.country or "") if event.location else "",
        "summary": event.summary,
        "assessment": event.assessment or "",
        "note": event.note or "",
        "tags": _join(event.tags),
        "sources": _join(event.sources),
        "source_urls": _join(source.url for source in selection.cited(event)),
        "related": _join(f"{rel.id} ({rel.rel})" for rel in event.related),
    }


def _join(values: Any) -> str:
    return LIST_SEPARATOR.join(values)
