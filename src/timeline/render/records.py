"""Events as flat rows of strings, for CSV."""

from __future__ import annotations

from typing import Any

from timeline.model import Event
from timeline.query import Selection
from timeline.render.phrases import iso_end, iso_start

LIST_SEPARATOR = "; "

# New columns go at the end: scripts that read columns by position keep working.
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
    "window",
    "precision",
    "admin1",
    "lat",
    "lon",
    "media",
)


def as_row(event: Event, selection: Selection) -> dict[str, str]:
    """One flat row per event: every field a string, lists joined with `; `.

    `earliest` and `latest` are ISO 8601 at the event's precision (a day, or a time with its zone
    as written; `latest` is empty for an open end), for a spreadsheet or engine to parse;
    `precision` says what the date is known to.
    """
    actors = selection.actors
    location = event.location
    return {
        "id": event.id,
        "date": event.date.text,
        "end": event.end.text if event.end else "",
        "approximate": _flag(event.approximate),
        "earliest": iso_start(event.date),
        "latest": iso_end(event.end or event.date) or "",
        "title": event.title,
        "type": event.type,
        "plover": selection.vocabulary.plover(event.type) or "",
        "status": event.status,
        "actors": _join(f"{ref.id} ({ref.role})" if ref.role else ref.id for ref in event.actors),
        "actor_names": _join(actors.name(ref.id) for ref in event.actors),
        "location": location.name if location else "",
        "country": (location.country or "") if location else "",
        "summary": event.summary,
        "assessment": event.assessment or "",
        "note": event.note or "",
        "tags": _join(event.tags),
        "sources": _join(event.sources),
        "source_urls": _join(source.url for source in selection.cited(event) if source.url),
        "related": _join(f"{rel.id} ({rel.rel})" for rel in event.related),
        "window": _flag(event.window),
        "precision": event.date.precision,
        "admin1": (location.admin1 or "") if location else "",
        "lat": _number(location.lat) if location else "",
        "lon": _number(location.lon) if location else "",
        "media": event.media.url if event.media else "",
    }


def _join(values: Any) -> str:
    return LIST_SEPARATOR.join(values)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)
