"""Events as records for other programs: flat rows of strings (CSV), and typed records (JSON,
JSON Lines, Parquet) that have the same shape for every event, so that typed readers (pyarrow,
DuckDB, BigQuery, Spark) infer one schema."""

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
    "source_citations",
)


def as_row(event: Event, selection: Selection) -> dict[str, str]:
    """One flat row per event, by column name (see `as_cells`)."""
    return dict(zip(COLUMNS, as_cells(event, selection), strict=True))


def as_cells(event: Event, selection: Selection) -> list[str]:
    """One flat row per event, in the order of `COLUMNS`: every field a string, lists joined
    with `; `.

    `earliest` and `latest` are ISO 8601 at the event's precision (a day, or a time with its zone
    as written; `latest` is empty for an open end), for a spreadsheet or engine to parse;
    `precision` says what the date is known to.
    """
    name = selection.actors.name
    location = event.location
    date = event.date
    cited = selection.cited(event) if event.sources else []
    join = LIST_SEPARATOR.join
    return [
        event.id,
        date.text,
        event.end.text if event.end else "",
        "true" if event.approximate else "false",
        iso_start(date),
        iso_end(event.end or date) or "",
        event.title,
        event.type,
        selection.vocabulary.plover(event.type) or "",
        event.status,
        join([f"{ref.id} ({ref.role})" if ref.role else ref.id for ref in event.actors]),
        join([name(ref.id) for ref in event.actors]),
        location.name if location else "",
        (location.country or "") if location else "",
        event.summary,
        event.assessment or "",
        event.note or "",
        join(event.tags),
        join(event.sources),
        join([source.url for source in cited if source.url]),
        join([f"{rel.id} ({rel.rel})" for rel in event.related]),
        "true" if event.window else "false",
        date.precision,
        (location.admin1 or "") if location else "",
        _number(location.lat) if location else "",
        _number(location.lon) if location else "",
        event.media.url if event.media else "",
        join([source.citation for source in cited if source.citation and not source.url]),
    ]


def typed_record(event: Event, selection: Selection) -> dict[str, Any]:
    """One event with every key present, in one shape: each actor `{"id", "role"}` (role null
    for a participant), a place or media as an object with all its keys or null, coordinates as
    floats, `earliest`/`latest` and `precision` as in CSV, the PLOVER category, and the cited
    sources' URLs (and, for those without one, their citations) beside their ids."""
    location = event.location
    media = event.media
    return {
        "id": event.id,
        "title": event.title,
        "date": event.date.text,
        "end": event.end.text if event.end else None,
        "approximate": event.approximate,
        "window": event.window,
        "precision": event.date.precision,
        "earliest": iso_start(event.date),
        "latest": iso_end(event.end or event.date),
        "type": event.type,
        "plover": selection.vocabulary.plover(event.type),
        "status": event.status,
        "actors": [{"id": ref.id, "role": ref.role} for ref in event.actors],
        "location": None
        if location is None
        else {
            "name": location.name,
            "country": location.country,
            "admin1": location.admin1,
            "lat": None if location.lat is None else float(location.lat),
            "lon": None if location.lon is None else float(location.lon),
        },
        "summary": event.summary,
        "assessment": event.assessment,
        "note": event.note,
        "tags": list(event.tags),
        "sources": list(event.sources),
        "source_urls": [source.url for source in selection.cited(event) if source.url],
        "source_citations": _citations(event, selection),
        "related": [{"id": rel.id, "rel": rel.rel} for rel in event.related],
        "media": None
        if media is None
        else {"url": media.url, "caption": media.caption, "credit": media.credit},
    }


def _citations(event: Event, selection: Selection) -> list[str]:
    """The text citations of the cited sources that have no URL (an interview, a print edition)."""
    return [
        source.citation for source in selection.cited(event) if source.citation and not source.url
    ]


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)
