"""A timeline drawn in the terminal: one lane per actor (or type), time running left to right.

Each event sits at its real precision: a day is a dot, a month, a year or a multi-day event is a bar
over the days it covers, an approximate date is drawn hollow. Event ids label the marks where the
lane has room.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import IO

from timeline.model import Event
from timeline.query import Selection
from timeline.render.sanitize import one_line

MIN_PLOT = 20


def write_chart(
    selection: Selection,
    stream: IO[str],
    width: int,
    by: str = "actor",
    start: date | None = None,
    stop: date | None = None,
) -> None:
    """Draw `events` in `width` columns; `start` and `stop` clip the time axis (default: the events')."""
    events = selection.events
    if not events:
        return
    lanes = _lanes(selection, by)
    label_width = min(max(len(name) for name in lanes), 24)
    plot = max(MIN_PLOT, width - label_width - 2)
    start = (
        max(start, min(e.earliest for e in events)) if start else min(e.earliest for e in events)
    )
    stop = min(stop, max(e.latest for e in events)) if stop else max(e.latest for e in events)
    scale = _Scale(start, stop, plot)
    for name, lane_events in lanes.items():
        stream.write(
            f"{one_line(name)[:label_width]:<{label_width}}  {_draw_lane(lane_events, scale)}".rstrip()
            + "\n"
        )
    ticks, labels = _axis(scale)
    stream.write(" " * (label_width + 2) + ticks.rstrip() + "\n")
    stream.write(" " * (label_width + 2) + labels.rstrip() + "\n")
    stream.write("\n● a day  ━ the days, month or year covered  ○ ╌ approximate\n")
    stream.write(f"{len(events)} events, {start.isoformat()} to {stop.isoformat()}\n")


class _Scale:
    def __init__(self, start: date, stop: date, width: int) -> None:
        self.start, self.stop, self.width = start, stop, width
        self.days = max(1, (stop - start).days)

    def column(self, day: date) -> int:
        """The column of a day; days outside the axis are pinned to its ends."""
        offset = min(max((day - self.start).days, 0), self.days)
        return round(offset / self.days * (self.width - 1))


def _lanes(selection: Selection, by: str) -> dict[str, list[Event]]:
    lanes: dict[str, list[Event]] = {}
    for event in selection.events:
        keys = [event.type] if by == "type" else selection.actors.lanes_of(event)
        for key in keys:
            lanes.setdefault(key, []).append(event)
    busiest = Counter({key: len(found) for key, found in lanes.items()})
    return {
        key: lanes[key] for key, _ in sorted(busiest.items(), key=lambda item: (-item[1], item[0]))
    }


def _draw_lane(events: Sequence[Event], scale: _Scale) -> str:
    cells = [" "] * scale.width
    placed = sorted(events, key=lambda e: (e.earliest, e.latest))
    # Long spans first, shorter ones over them, single days on top, so that nothing short is hidden.
    for event in sorted(placed, key=lambda e: e.earliest - e.latest):
        first, last = scale.column(event.earliest), scale.column(event.latest)
        if last > first:
            for column in range(first, last + 1):
                cells[column] = "╌" if event.approximate else "━"
        else:
            cells[first] = "○" if event.approximate else "●"
    for event in placed:  # then label, left to right, wherever the text fits on empty cells
        label = one_line(event.id)
        begin = scale.column(event.latest) + 2
        end = begin + len(label)
        if end < scale.width and all(cell == " " for cell in cells[begin - 1 : end + 1]):
            cells[begin:end] = list(label)
    return "".join(cells)


def _axis(scale: _Scale) -> tuple[str, str]:
    """Tick marks and labels: years over a long span, months (YYYY-MM) over a short one."""
    ticks = ["─"] * scale.width
    labels = [" "] * scale.width
    if scale.days > 3 * 366:
        marks = [
            (date(year, 1, 1), str(year)) for year in range(scale.start.year, scale.stop.year + 1)
        ]
    else:
        marks = [
            (date(year, month, 1), f"{year}-{month:02d}")
            for year in range(scale.start.year, scale.stop.year + 1)
            for month in range(1, 13)
        ]
    marks = [(day, text) for day, text in marks if scale.start <= day <= scale.stop]
    step = 1
    while len(marks[::step]) * (len(marks[0][1]) + 2 if marks else 1) > scale.width:
        step += 1
    for day, text in marks[::step]:
        column = scale.column(day)
        ticks[column] = "┬"
        if column + len(text) <= scale.width and all(
            c == " " for c in labels[max(0, column - 1) : column + len(text)]
        ):
            labels[column : column + len(text)] = list(text)
    return "".join(ticks), "".join(labels)
