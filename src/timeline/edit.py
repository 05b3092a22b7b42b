"""Changing a log without losing anything: its canonical text, and adding an event to it."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from timeline.document import dumps, log_json
from timeline.model import Log
from timeline.query import sort_events


def canonical(log: Log) -> Log:
    """The same log with its events in chronological order (ties keep their order in the file)."""
    return Log(
        title=log.title,
        description=log.description,
        actors=log.actors,
        sources=log.sources,
        events=tuple(sort_events(log.events)),
        schema_url=log.schema_url,
    )


def canonical_text(log: Log) -> str:
    """The canonical file: fields in a fixed order, empty optional fields left out, events in
    chronological order, two-space indentation, UTF-8 (only invisible controls escaped), final
    newline. Loading it gives back the same values."""
    return dumps(log_json(canonical(log)), indent=2) + "\n"


def with_additions(document: dict[str, Any], additions: dict[str, Any]) -> dict[str, Any]:
    """`document` (a parsed log) with an event, and any new sources and actors, appended.

    `additions` is an event object, or `{"event": ..., "sources": [...], "actors": [...]}`.
    """
    if "event" in additions:
        unknown = set(additions) - {"event", "sources", "actors"}
        if unknown:
            raise ValueError(
                f"unexpected keys {sorted(unknown)}: give an event, or event, sources and actors"
            )
        event, sources, actors = (
            additions["event"],
            additions.get("sources", []),
            additions.get("actors", []),
        )
    else:
        event, sources, actors = additions, [], []
    changed = dict(document)
    changed["actors"] = [*document.get("actors", []), *actors]
    changed["sources"] = [*document.get("sources", []), *sources]
    changed["events"] = [*document.get("events", []), event]
    return changed


def propose_id(title: str, year: str, taken: set[str]) -> str:
    """A short, guessable, unused id from a title and a year: `Hanoi summit` -> `hanoi-summit-2019`."""
    spaced = re.sub(r"[\u2010-\u2015]", " ", title)  # dashes separate words, as hyphens do
    ascii_title = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    stop = {
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "and",
        "for",
        "with",
        "by",
        "from",
        "as",
    }
    kept = [w for w in words if w not in stop and w != year][:4] or ["event"]
    base = "-".join([*kept, year])
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate
