"""Dates as people read them: at the precision the log knows, never more."""

from __future__ import annotations

from timeline.model import Event


def interval(event: Event) -> str:
    """The EDTF form: `2019-02-27/2019-02-28`, `2023-09~` when approximate."""
    text = event.date.text if event.end is None else f"{event.date.text}/{event.end.text}"
    return f"{text}~" if event.approximate else text


def compact(event: Event) -> str:
    """A short human form for tables: `2019-02-27–28`, `2024-06-27–07-01`, `~2023-09`."""
    start = event.date.text
    if event.end is None:
        text = start
    else:
        end = event.end.text
        if len(start) == len(end) and start[:7] == end[:7] and len(start) == 10:
            text = f"{start}–{end[8:]}"
        elif len(start) == len(end) and start[:4] == end[:4] and len(start) > 4:
            text = f"{start}–{end[5:]}"
        else:
            text = f"{start} – {end}"
    return f"~{text}" if event.approximate else text


def spelled(event: Event) -> str:
    """The card form: both ends in full, and the precision said in words when it is not a day."""
    text = event.date.text if event.end is None else f"{event.date.text} – {event.end.text}"
    precision = event.date.precision if event.end is None else None
    if precision in ("year", "month"):
        text += f" (known to the {precision})"
    return f"about {text}" if event.approximate else text
