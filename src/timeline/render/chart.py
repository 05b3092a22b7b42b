"""A timeline drawn in the terminal: one lane per actor (or type), time running left to right.

Each event sits at its real precision: a day is a dot, a month, a year or a multi-day event is a bar
over the days it covers, an approximate date is drawn hollow, a window (one moment somewhere in a
span) dotted, and an ongoing event runs to the axis's end with an arrow. Event ids label the marks
where the lane has room. The log's eras are drawn above the lanes.

A long stretch of time in which nothing happens (1950 to 2017 in the bundled log) is cut out of
the axis and marked `≈`, so that the years with events get the width; the axis says so. The axis
counts seconds from 1970-01-01 for any year, as dates do, so BCE and deep time draw like any other
and a crisis of a few hours gets an axis of hours (in UTC; a floating time counts as UTC).
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Sequence
from typing import IO, NamedTuple

from timeline.dates import (
    SECONDS_PER_DAY,
    civil_from_days,
    day_of,
    days_from_civil,
    iso_day,
    year_name,
)
from timeline.model import Era, Event
from timeline.query import Selection
from timeline.render.eras import overlapping_eras
from timeline.render.phrases import short_date
from timeline.render.sanitize import one_line

MIN_PLOT = 20
MAX_LABEL = 24
BREAK = " ≈ "  # where the axis skips an empty stretch of time
SEGMENT_LEAST = 5  # columns for a stretch of the axis: enough for a year's label
SEGMENT_MOST = 12  # ... or for a longer one (a BCE or deep-time year), when the width allows
# An empty stretch is cut when it is longer than this share of the whole span (and two years).
CUT_SHARE = 0.25
CUT_LEAST = 2 * 366 * SECONDS_PER_DAY
HOUR = 3600


def write_chart(
    selection: Selection,
    stream: IO[str],
    width: int,
    by: str = "actor",
    start: int | None = None,
    stop: int | None = None,
) -> None:
    """Draw the events in `width` columns; `start` and `stop` (seconds, as `PartialDate` counts
    them) clip the axis, which otherwise runs from the first event to the last."""
    events = selection.events
    if not events:
        return
    lanes = _lanes(selection, by)
    eras = overlapping_eras(selection)
    names = [*lanes, *(["eras"] if eras else [])]
    label_width = min(max(len(one_line(name)) for name in names), MAX_LABEL, max(4, width // 4))
    plot = max(MIN_PLOT, width - label_width - 2)
    first = min(e.earliest for e in events)
    last = max(_drawn_end(e) for e in events)
    first = max(start, first) if start is not None else first
    last = min(stop, last) if stop is not None else last
    spans = [(e.earliest, _drawn_end(e)) for e in events]
    scale = Scale(first, max(first, last), plot, spans)
    for row in _era_rows(eras, scale):
        stream.write(f"{'eras':<{label_width}}  {row}".rstrip() + "\n")
    for name, lane_events in lanes.items():
        label = one_line(name)
        label = label if len(label) <= label_width else label[: label_width - 1] + "…"
        stream.write(f"{label:<{label_width}}  {_draw_lane(lane_events, scale)}".rstrip() + "\n")
    ticks, labels = _axis(scale)
    stream.write(" " * (label_width + 2) + ticks.rstrip() + "\n")
    stream.write(" " * (label_width + 2) + labels.rstrip() + "\n")
    if scale.unit == "hour":
        legend = ["● a moment", "━ the minutes or hours covered", "○ ╌ approximate"]
    else:
        legend = ["● a day", "━ the days, month or year covered", "○ ╌ approximate"]
    if any(e.window for e in events):
        legend.append("┄ one moment somewhere in the span")
    if any(e.ongoing for e in events):
        legend.append("→ still going on")
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
    stream.write(f"{len(events)} events, {_span_label(events, first, max(first, last))}\n")


def _drawn_end(event: Event) -> int:
    """The last second drawn for an event: an ongoing one is drawn from its start, then on."""
    return event.date.latest if event.ongoing else event.latest


def _span_label(events: Sequence[Event], first: int, last: int) -> str:
    """What the axis covers, as the log dates it (`109 BCE to 2018-01-13`), or where the axis was
    clipped, the day it was clipped to; over an axis of hours, the times in UTC."""
    if last - first <= 2 * SECONDS_PER_DAY:  # an axis of hours, in UTC
        return f"{_instant_label(first)} to {_instant_label(last)}"
    opening = min(events, key=lambda e: e.earliest)
    closing = max(events, key=_drawn_end)
    begin = short_date(opening.date) if opening.earliest == first else _day_label(day_of(first))
    closing_date = closing.date if closing.ongoing or closing.end is None else closing.end
    end = short_date(closing_date) if _drawn_end(closing) == last else _day_label(day_of(last))
    return f"{begin} to {end}"


def _instant_label(second: int) -> str:
    return f"{_day_label(day_of(second))} {_clock(second)} UTC"


def _day_label(day: int) -> str:
    year, month, day_of_month = civil_from_days(day)
    if 1000 <= year <= 9999:
        return iso_day(day)
    return f"{day_of_month} {calendar.month_abbr[month]} {year_name(year)}"


def _clock(second: int) -> str:
    into_day = second - day_of(second) * SECONDS_PER_DAY
    return f"{into_day // HOUR:02d}:{into_day % HOUR // 60:02d}"


class Segment(NamedTuple):
    start: int  # seconds
    stop: int
    first_column: int
    columns: int


class Scale:
    """Seconds to columns: the span from `start` to `stop`, less the empty stretches cut out."""

    def __init__(self, start: int, stop: int, width: int, spans: Sequence[tuple[int, int]]) -> None:
        self.start, self.stop, self.width = start, stop, width
        pieces = _pieces(start, stop, spans)
        self.cuts = len(pieces) - 1
        usable = max(len(pieces), width - self.cuts * len(BREAK))
        lengths = [max(1, b - a + 1) for a, b in pieces]
        # Each stretch gets its share of the columns, and room for the label of its start if it
        # can (a BCE or deep-time year is longer than a year of our era).
        wanted = [
            min(SEGMENT_MOST, max(SEGMENT_LEAST, len(year_name(civil_from_days(day_of(a))[0])) + 1))
            for a, _ in pieces
        ]
        least = wanted if usable >= sum(wanted) * 2 else [1] * len(pieces)
        spare = usable - sum(least)
        total = sum(lengths)
        segments: list[Segment] = []
        column = 0
        for index, ((a, b), length) in enumerate(zip(pieces, lengths, strict=True)):
            last = index == len(pieces) - 1
            columns = width - column if last else least[index] + round(spare * length / total)
            segments.append(Segment(a, b, column, max(1, columns)))
            column += max(1, columns) + len(BREAK)
        self.segments = segments
        self.unit = _unit(sum(lengths))

    def column(self, second: int) -> int:
        """The column of a second; one outside the axis or in a cut is pinned to the nearest end."""
        for segment in self.segments:
            if second <= segment.stop:
                if second < segment.start:
                    return segment.first_column
                span = max(1, segment.stop - segment.start)
                offset = second - segment.start
                return segment.first_column + round(offset / span * (segment.columns - 1))
        last = self.segments[-1]
        return last.first_column + last.columns - 1

    def breaks(self) -> list[int]:
        """The first column of each cut."""
        return [s.first_column + s.columns for s in self.segments[:-1]]


def _pieces(start: int, stop: int, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretches of the axis to draw: from `start` to `stop`, less its long empty gaps."""
    threshold = max(CUT_LEAST, (stop - start) * CUT_SHARE)
    clipped = [(max(a, start), min(b, stop)) for a, b in spans if b >= start and a <= stop]
    pieces: list[tuple[int, int]] = []
    piece_start = reach = start
    for a, b in sorted([*clipped, (stop, stop)]):
        if a - reach > threshold:
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


def _cut_columns(scale: Scale) -> set[int]:
    return {column + i for column in scale.breaks() for i in range(len(BREAK))}


def _blank(scale: Scale) -> list[str]:
    cells = [" "] * scale.width
    for column in scale.breaks():
        cells[column : column + len(BREAK)] = list(BREAK)
    return cells


def _draw_lane(events: Sequence[Event], scale: Scale) -> str:
    cells = _blank(scale)
    cut = _cut_columns(scale)
    placed = sorted(events, key=lambda e: (e.earliest, e.latest))
    # Long spans first, shorter ones over them, single days on top, so that nothing short is hidden.
    for event in sorted(placed, key=lambda e: e.earliest - e.latest):
        first = scale.column(event.earliest)
        last = scale.width - 1 if event.ongoing else scale.column(event.latest)
        if last > first and not _is_point(event, scale):
            bar = "┄" if event.window else "╌" if event.approximate else "━"
            for column in range(first, last + 1):
                if column not in cut:
                    cells[column] = bar
            if event.ongoing:
                cells[last] = "→"
        else:
            cells[first] = "○" if event.approximate else "●"
    for event in placed:  # then label, left to right, wherever the text fits on empty cells
        label = one_line(event.id)
        begin = scale.column(event.earliest if _is_point(event, scale) else event.latest) + 2
        end = begin + len(label)
        free = all(cell == " " for cell in cells[begin - 1 : end + 1])
        if end < scale.width and free and cut.isdisjoint(range(begin - 1, end + 1)):
            cells[begin:end] = list(label)
    return "".join(cells)


def _is_point(event: Event, scale: Scale) -> bool:
    """A day (a minute, over an axis of hours) is a dot, however wide its stretch of axis."""
    point = SECONDS_PER_DAY if scale.unit != "hour" else 60
    return not event.ongoing and event.latest - event.earliest < point


def _era_rows(eras: Sequence[Era], scale: Scale) -> list[str]:
    """The eras as bars with their titles, `├─ Yoon presidency ─┤`, packed into few rows."""
    rows: list[list[str]] = []
    ends: list[int] = []
    for era in sorted(eras, key=lambda era: (era.earliest, -era.latest)):
        first = scale.column(era.earliest)
        last = scale.width - 1 if era.end.is_open else scale.column(era.latest)
        row = next((number for number, end in enumerate(ends) if end < first), None)
        if row is None:
            row = len(rows)
            rows.append(_blank(scale))
            ends.append(-1)
        cells = rows[row]
        ends[row] = last + 1
        # An era that runs on past either end of the axis has no end mark there.
        cells[first] = "├" if era.earliest >= scale.start else "─"
        for column in range(first + 1, last):
            cells[column] = "─"
        if era.end.is_open:
            cells[last] = "→"
        else:
            cells[last] = "┤" if era.latest <= scale.stop else "─"
        title = one_line(era.title)
        room = last - first - 3
        if room >= 3:
            shown = title if len(title) <= room else title[: room - 1] + "…"
            cells[first + 2 : first + 2 + len(shown)] = list(shown)
    return ["".join(row) for row in rows]


def _axis(scale: Scale) -> tuple[str, str]:
    """Tick marks and labels for each drawn stretch: years over a long one, months, days or hours
    over shorter ones."""
    ticks = ["─"] * scale.width
    labels = [" "] * scale.width
    for column in scale.breaks():
        ticks[column : column + len(BREAK)] = list(BREAK)
    for segment in scale.segments:
        marks = [
            (second, text)
            for second, text in _marks(segment, scale.unit)
            if segment.start <= second <= segment.stop
        ]
        if not marks:  # a short stretch with no mark falling in it: name its start
            marks = [(segment.start, _start_label(segment.start, scale.unit))]
        step = 1
        widest = max(len(text) for _, text in marks)
        while len(marks[::step]) * (widest + 2) > segment.columns and step < len(marks):
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


def _unit(length: int) -> str:
    """The axis's unit for a drawn length of time (in seconds): years, months, days or hours."""
    if length > 3 * 366 * SECONDS_PER_DAY:
        return "year"
    if length > 62 * SECONDS_PER_DAY:
        return "month"
    return "day" if length > 2 * SECONDS_PER_DAY else "hour"


def _marks(segment: Segment, unit: str) -> list[tuple[int, str]]:
    """Where a stretch of the axis may be labelled, in the axis's unit."""
    first_day, last_day = day_of(segment.start), day_of(segment.stop)
    first_year, last_year = civil_from_days(first_day)[0], civil_from_days(last_day)[0]
    if unit == "year":
        years = range(first_year, last_year + 1)
        if len(years) > segment.columns:  # deep time: a mark per stretch of many years
            step = -(-len(years) // max(1, segment.columns // 8))
            years = range(first_year, last_year + 1, step)
        return [(days_from_civil(year, 1, 1) * SECONDS_PER_DAY, year_name(year)) for year in years]
    if unit == "month":
        return [
            (days_from_civil(year, month, 1) * SECONDS_PER_DAY, _month_label(year, month))
            for year in range(first_year, last_year + 1)
            for month in range(1, 13)
        ]
    if unit == "day":
        return [(day * SECONDS_PER_DAY, _day_mark(day)) for day in range(first_day, last_day + 1)]
    length = segment.stop - segment.start
    every = HOUR if length > 6 * HOUR else 5 * 60
    first_mark = segment.start // every
    return [
        (mark * every, _clock(mark * every))
        for mark in range(first_mark, first_mark + length // every + 2)
    ]


def _start_label(second: int, unit: str) -> str:
    year, month, _ = civil_from_days(day_of(second))
    if unit == "year":
        return year_name(year)
    if unit == "month":
        return _month_label(year, month)
    return _day_mark(day_of(second)) if unit == "day" else _clock(second)


def _day_mark(day: int) -> str:
    _, month, day_of_month = civil_from_days(day)
    return f"{day_of_month} {calendar.month_abbr[month]}"


def _month_label(year: int, month: int) -> str:
    if 1000 <= year <= 9999:
        return f"{year}-{month:02d}"
    return f"{calendar.month_abbr[month]} {year_name(year)}"
