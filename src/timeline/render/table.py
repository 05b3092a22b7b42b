"""The `list` table for a terminal, fitted to its width.

Columns give way by priority as the terminal narrows, and nothing is ever split inside a word:

1. everything on one line per column: When, ID, Title, Actors, Type;
2. the actors shortened to what fits, with `+N` for the rest (`DPRK, RUS +4`);
3. the id moved under the title, dimmed, when the title would be too narrow beside it;
4. the type moved there too (`kentucky-busan-2023 · deployment`) on the narrowest terminals.

Titles wrap on word boundaries. Piped, the table is not fitted to anything and nothing is cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, NamedTuple

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from timeline.model import Event
from timeline.query import Selection
from timeline.render.console import data_console, print_data
from timeline.render.phrases import compact, time_under_date
from timeline.render.sanitize import one_line

GAP = 3  # between two columns: padding, the (blank) rule, padding
TITLE_WANTED = 30  # a title narrower than this moves the id, then the type, under it
ACTORS_LEAST = 10
ACTORS_NARROWEST = 7  # `DPRK +6`


class Layout(NamedTuple):
    id_column: bool  # else the id goes under the title
    type_column: bool  # else the type goes under the title too
    title: int
    actors: int
    stacked: int = 0  # 1: times of day go under their dates; 2: the ends of spans too


def when(event: Event, stacked: int) -> str:
    """The When cell: `2024-10-31 07:10+09:00`; `stacked` puts the time of day under its date,
    and at 2 the end of a span under its start."""
    text = compact(event)
    if stacked:
        text = time_under_date(text)
    return text.replace(" – ", " –\n") if stacked > 1 else text


def write_table(selection: Selection, stream: IO[str]) -> None:
    events = selection.events
    console = data_console(stream)
    fitted = console.is_terminal
    layout = plan(events, console.width) if fitted else None
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, show_edge=False)
    table.add_column("When", no_wrap=True, style="cyan")
    if layout is None or layout.id_column:
        table.add_column("ID", no_wrap=True, style="bold")
    table.add_column("Title", width=layout.title if layout else None)
    table.add_column("Actors", width=layout.actors if layout else None, no_wrap=fitted)
    if layout is None or layout.type_column:
        table.add_column("Type", no_wrap=True)
    for event in events:
        title = Text(one_line(event.title), overflow="fold")  # an id too long is folded, not cut
        if layout is not None and not layout.id_column:
            below = event.id if layout.type_column else f"{event.id} · {event.type}"
            title.append("\n" + one_line(below), style="dim")
        cells = [Text(when(event, layout.stacked) if layout else compact(event))]
        if layout is None or layout.id_column:
            cells.append(Text(one_line(event.id)))
        cells.append(title)
        actors = event.actor_ids
        cells.append(Text(shortened(actors, layout.actors) if layout else ", ".join(actors)))
        if layout is None or layout.type_column:
            cells.append(Text(event.type))
        table.add_row(*cells)
    count = Text(f"{len(events)} event{'' if len(events) == 1 else 's'}", style="dim")
    print_data(Group(table, count), console)


def plan(events: Sequence[Event], width: int) -> Layout:
    """The layout that gives the title room at `width` columns, keeping as much as possible:
    times of day, then the ends of spans, go under their dates when that keeps a column the
    one-line dates would push out, or gives the title more room."""
    widths = _Widths(
        ids=max((len(one_line(event.id)) for event in events), default=2),
        types=max((len(event.type) for event in events), default=4),
        titles=max((len(one_line(event.title)) for event in events), default=5),
        actors=max((len(", ".join(event.actor_ids)) for event in events), default=6),
    )
    best = _plan(events, width, widths, stacked=0)
    for stacked in (1, 2):
        candidate = _plan(events, width, widths, stacked=stacked)
        more_columns = (candidate.id_column, candidate.type_column) > (
            best.id_column,
            best.type_column,
        )
        if more_columns or (best.title < TITLE_WANTED < candidate.title):
            best = candidate
    return best


class _Widths(NamedTuple):
    """The widest id, type, title and list of actors among the events: the same at any stacking."""

    ids: int
    types: int
    titles: int
    actors: int


def _plan(events: Sequence[Event], width: int, widths: _Widths, *, stacked: int) -> Layout:
    when_width = max(
        (len(line) for event in events for line in when(event, stacked).splitlines()),
        default=4,
    )
    ids, types, titles, actors = widths
    wanted = min(TITLE_WANTED, titles)
    choices = [(True, True), (False, True), (False, False)]
    for id_column, type_column in choices:
        fixed = max(when_width, 4) + (max(ids, 2) + GAP if id_column else 0)
        fixed += max(types, 4) + GAP if type_column else 0
        room = width - fixed - 2 * GAP  # When | Title | Actors
        below = ids if type_column else ids + len(" · ") + types  # what goes under the title
        least = wanted if id_column else max(wanted, min(below, 40))
        # The actors never take more than two fifths of the room: the title matters more.
        most = max(room * 2 // 5, ACTORS_LEAST)
        actors_width = max(min(actors, most, room - least), min(ACTORS_LEAST, actors))
        if (id_column, type_column) == choices[-1]:  # the last resort: the title comes first
            actors_width = max(min(actors_width, room - least), min(ACTORS_NARROWEST, actors))
        title = room - actors_width
        if title >= least or (id_column, type_column) == choices[-1]:
            return Layout(id_column, type_column, max(title, 8), actors_width, stacked)
    raise AssertionError("unreachable")


def shortened(actor_ids: Sequence[str], width: int) -> str:
    """As many actor ids as fit in `width` columns, then `+N` for the rest; never cut an id
    unless even the first does not fit, and then with an ellipsis."""
    names = [one_line(actor) for actor in actor_ids]
    text = ", ".join(names)
    if len(text) <= width:
        return text
    for shown in range(len(names) - 1, 0, -1):
        candidate = f"{', '.join(names[:shown])} +{len(names) - shown}"
        if len(candidate) <= width:
            return candidate
    rest = f" +{len(names) - 1}" if len(names) > 1 else ""
    room = max(1, width - len(rest) - 1)
    return f"{names[0][:room]}…{rest}"
