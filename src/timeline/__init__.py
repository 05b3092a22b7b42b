"""timeline: filter, read, analyse and export a structured, sourced event timeline.

The command line is `timeline`; the same work from Python:

    import sys
    from timeline import load_log, select, write

    log = load_log()  # the bundled log; or load_log("my-log.json")
    chosen = select(log, actors=["DPRK"], date_from="2023")
    write(chosen, "csv", sys.stdout)

Names are imported on first use, so `timeline list` pays nothing for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from timeline.dates import PartialDate
    from timeline.errors import LogError, LookupFailed, TimelineError
    from timeline.library import FORMAT_NAMES, load_log, select, write
    from timeline.model import Actor, ActorRef, Event, Location, Log, Relation, Source
    from timeline.query import Filters, Related, Selection
    from timeline.version import VERSION

__all__ = [
    "FORMAT_NAMES",
    "VERSION",
    "Actor",
    "ActorRef",
    "Event",
    "Filters",
    "Location",
    "Log",
    "LogError",
    "LookupFailed",
    "PartialDate",
    "Related",
    "Relation",
    "Selection",
    "Source",
    "TimelineError",
    "load_log",
    "select",
    "write",
]

_HOME = {
    "FORMAT_NAMES": "timeline.library",
    "load_log": "timeline.library",
    "select": "timeline.library",
    "write": "timeline.library",
    "VERSION": "timeline.version",
    "PartialDate": "timeline.dates",
    "LogError": "timeline.errors",
    "LookupFailed": "timeline.errors",
    "TimelineError": "timeline.errors",
    "Filters": "timeline.query",
    "Related": "timeline.query",
    "Selection": "timeline.query",
    **dict.fromkeys(("Actor", "ActorRef", "Event", "Location", "Log", "Relation", "Source"),
                    "timeline.model"),
}  # fmt: skip


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'timeline' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
