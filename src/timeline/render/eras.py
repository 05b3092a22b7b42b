"""A log's eras as the outputs show them: those that reach the events shown, and their spans."""

from __future__ import annotations

from timeline.model import Era
from timeline.query import Selection
from timeline.render.phrases import ONGOING, date_in_words


def overlapping_eras(selection: Selection) -> list[Era]:
    """The eras whose span reaches any of the selection's events, in the log's order."""
    events = selection.events
    if not events:
        return []
    first = min(event.earliest for event in events)
    last = max(event.latest for event in events)
    return [era for era in selection.eras if era.latest >= first and era.earliest <= last]


def era_span(era: Era) -> str:
    """`10 May 2022 – 4 April 2025`, `4 June 2025 – ongoing`."""
    end = ONGOING if era.end.is_open else date_in_words(era.end)
    return f"{date_in_words(era.date)} – {end}"
