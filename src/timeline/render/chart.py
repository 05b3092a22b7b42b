"""A timeline drawn in the terminal: one lane per actor (or type), time running left to right.

Each event sits at its real precision: a day is a dot, a month, a year or a multi-day event is a bar
over the days it covers, an approximate date is drawn hollow. Event ids label the marks where the
lane has room.

A long stretch of time in which nothing happens (1950 to 2017 in the bundled log) is cut out of
the axis and marked `≈`, so that the years with events get the width; the axis says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import IO, NamedTuple

from timeline.model import Event
from timeline.query import Selection
from timeline.render.sanitize import one_line

MIN_PLOT = 20
MAX_LABEL = 24
BREAK = " ≈ "  # where the axis skips an empty stretch of time
SEGMENT_LEAST = 5  # columns for a stretch of the axis: enough for a year's label
# An empty stretch is cut when it is longer than this share of the whole span (and two years).
CUT_SHARE = 0.25
CUT_LEAST_DAYS = 2 * 366


def write_chart(
    selection: Selection,
    stream: IO[str],
    width: int,
    by: str = "actor",
    start: date | None = None,
    stop: date | None = None,
) -> None:
    """Draw the events in `width` columns; `start` and `stop` clip the axis (default: the events')."""
    events = selection.events
    if not events:
        return
    lanes = _lanes(selection, by)
    label_width = min(max(len(one_line(name)) for name in lanes), MAX_LABEL, max(4, width // 4))
    plot = max(MIN_PLOT, width - label_width - 2)
    first = min(e.earliest for e in events)
    last = max(e.latest for e in events)
    start = max(start, first) if start else first
    stop = min(stop, last) if stop else last
    scale = Scale(start, stop, plot, [(e.earliest, e.latest) for e in events])
    for name, lane_events in lanes.items():
        label = one_line(name)
        label = label if len(label) <= label_width else label[: label_width - 1] + "…"
        stream.write(f"{label:<{label_width}}  {_draw_lane(lane_events, scale)}".rstrip() + "\n")
    ticks, labels = _axis(scale)
    stream.write(" " * (label_width + 2) + ticks.rstrip() + "\n")
    stream.write(" " * (label_width + 2) + labels.rstrip() + "\n")
    legend = ["● a day", "━ the days, month or year covered", "○ ╌ approximate"]
    if scale.cuts:
        legend.append("≈ years with no event left out")
    stream.write("\n")
    line = ""
    for item in legend:  # as many items to a line as the width holds
        if line and len(line) + 2 + len(item) > width:
            stream.write(line + "\n")
            line = ""
        line = f"{line}  {item}" if line else item
    stream.write(line + "\n")
    stream.write(f"{len(events)} events, {start.isoformat()} to {stop.isoformat()}\n")


class Segment(NamedTuple):
    start: date
    stop: date
    first_column: int
    columns: int


class Scale:
    """Days to columns: the span from `start` to `stop`, less the empty stretches cut out."""

    def __init__(
        self, start: date, stop: date, width: int, spans: Sequence[tuple[date, date]]
    ) -> None:
        self.start, self.stop, self.width = start, stop, width
        pieces = _pieces(start, stop, spans)
        self.cuts = len(pieces) - 1
        usable = max(len(pieces), width - self.cuts * len(BREAK))
        days = [max(1, (b - a).days + 1) for a, b in pieces]
        # Each stretch gets its share of the columns, and room for a year's label if it can.
        least = SEGMENT_LEAST if usable >= SEGMENT_LEAST * len(pieces) * 2 else 1
        spare = usable - least * len(pieces)
        total = sum(days)
        segments: list[Segment] = []
        column = 0
        for index, ((a, b), length) in enumerate(zip(pieces, days, strict=True)):
            last = index == len(pieces) - 1
            columns = width - column if last else least + round(spare * length / total)
            segments.append(Segment(a, b, column, max(1, columns)))
            column += max(1, columns) + len(BREAK)
        self.segments = segments

    def column(self, day: date) -> int:
        """The column of a day; days outside the axis or in a cut are pinned to the nearest end."""
        for segment in self.segments:
            if day <= segment.stop:
                if day < segment.start:
                    return segment.first_column
                span = max(1, (segment.stop - segment.start).days)
                offset = (day - segment.start).days
                return segment.first_column + round(offset / span * (segment.columns - 1))
        last = self.segments[-1]
        return last.first_column + last.columns - 1

    def breaks(self) -> list[int]:
        """The first column of each cut."""
        return [s.first_column + s.columns for s in self.segments[:-1]]


def _pieces(start: date, stop: date, spans: Sequence[tuple[date, date]]) -> list[tuple[date, date]]:
    """The stretches of the axis to draw: from `start` to `stop`, less its long empty gaps."""
    threshold = max(CUT_LEAST_DAYS, (stop - start).days * CUT_SHARE)
    clipped = [(max(a, start), min(b, stop)) for a, b in spans if b >= start and a <= stop]
    pieces: list[tuple[date, date]] = []
    piece_start = reach = start
    for a, b in sorted([*clipped, (stop, stop)]):
        if (a - reach).days > threshold:
            pieces.append((piece_start, reach))
            piece_start = a
        reach = max(reach, b)
    pieces.append((piece_start, reach))
    return pieces


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


def _draw_lane(events: Sequence[Event], scale: Scale) -> str:
    cells = [" "] * scale.width
    cut: set[int] = set()
    for column in scale.breaks():
        cells[column : column + len(BREAK)] = list(BREAK)
        cut.update(range(column, column + len(BREAK)))
    placed = sorted(events, key=lambda e: (e.earliest, e.latest))
    # Long spans first, shorter ones over them, single days on top, so that nothing short is hidden.
    for event in sorted(placed, key=lambda e: e.earliest - e.latest):
        first, last = scale.column(event.earliest), scale.column(event.latest)
        if last > first:
            for column in range(first, last + 1):
                if column not in cut:
                    cells[column] = "╌" if event.approximate else "━"
        else:
            cells[first] = "○" if event.approximate else "●"
    for event in placed:  # then label, left to right, wherever the text fits on empty cells
        label = one_line(event.id)
        begin = scale.column(event.latest) + 2
        end = begin + len(label)
        free = all(cell == " " for cell in cells[begin - 1 : end + 1])
        if end < scale.width and free and cut.isdisjoint(range(begin - 1, end + 1)):
            cells[begin:end] = list(label)
    return "".join(cells)


def _axis(scale: Scale) -> tuple[str, str]:
    """Tick marks and labels for each drawn stretch: years over a long one, months over a short."""
    ticks = ["─"] * scale.width
    labels = [" "] * scale.width
    for column in scale.breaks():
        ticks[column : column + len(BREAK)] = list(BREAK)
    for segment in scale.segments:
        if (segment.stop - segment.start).days > 3 * 366:
            marks = [
                (date(year, 1, 1), str(year))
                for year in range(segment.start.year, segment.stop.year + 1)
            ]
        else:
            marks = [
                (date(year, month, 1), f"{year}-{month:02d}")
                for year in range(segment.start.year, segment.stop.year + 1)
                for month in range(1, 13)
            ]
        marks = [(day, text) for day, text in marks if segment.start <= day <= segment.stop]
        if not marks:  # a short stretch with no year or month starting in it: name its start
            marks = [(segment.start, str(segment.start.year))]
        step = 1
        while len(marks[::step]) * (len(marks[0][1]) + 2) > segment.columns and step < len(marks):
            step += 1
        limit = segment.first_column + segment.columns
        for day, text in marks[::step]:
            column = scale.column(day)
            ticks[column] = "┬"
            if column + len(text) <= limit and all(
                c == " " for c in labels[max(0, column - 1) : column + len(text)]
            ):
                labels[column : column + len(text)] = list(text)
    return "".join(ticks), "".join(labels)
