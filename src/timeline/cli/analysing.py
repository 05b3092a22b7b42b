"""Analysing commands: chain, stats, actors, eras and chart."""

from __future__ import annotations

import os
import shutil
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from timeline.analysis import STAT_KEYS
from timeline.cli.options import (
    ActorOption,
    DataOption,
    EraOption,
    FromOption,
    SearchOption,
    TagOption,
    ToOption,
    TypeOption,
    choice,
    complete_choices,
    complete_event_id,
    filters,
    format_option,
    log_path,
)
from timeline.render.views import ACTORS, CHAIN, ERAS, STATS

if TYPE_CHECKING:
    from timeline.model import Event


def chain(
    ctx: typer.Context,
    event_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", autocompletion=complete_event_id, help="The event to start from."
        ),
    ],
    depth: Annotated[
        int, typer.Option("--depth", min=1, max=20, help="How many steps to follow.")
    ] = 3,
    format_: Annotated[
        str,
        format_option(tuple(CHAIN), "text (a tree) or json."),
    ] = "text",
    data: DataOption = None,
) -> None:
    """Walk the typed relations from an event, backwards and forwards, as a tree.

    Each line: how the event relates to the one above it, its date at its precision, id, title,
    and how far apart the two begin ("3 months later"; "about" when a date is not known to the
    day; "overlapping" when their dates overlap).

    Example:

      timeline chain kentucky-busan-2023 --depth 2
    """
    from timeline.analysis import Link
    from timeline.analysis import chain as walk
    from timeline.index import Index, answer
    from timeline.model import Log
    from timeline.query import find_event, relations_of

    def from_index(index: Index) -> tuple[Event, list[Link]]:
        root = index.find(event_id)
        return root, walk(root, depth, index.related_to)

    def from_log(log: Log) -> tuple[Event, list[Link]]:
        root = find_event(log, event_id)
        return root, walk(root, depth, relations_of(log))

    root, links = answer(log_path(ctx, data).path, from_index, from_log, defer_indexing=True)
    CHAIN[format_](root, links, sys.stdout, output_width())


def stats(
    ctx: typer.Context,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="KEY",
            callback=choice("by", STAT_KEYS),
            autocompletion=complete_choices(STAT_KEYS),
            help="What to count by: " + ", ".join(STAT_KEYS) + ".",
        ),
    ] = "type",
    actor: ActorOption = None,
    type_: TypeOption = None,
    tag: TagOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    era: EraOption = None,
    search: SearchOption = None,
    format_: Annotated[
        str,
        format_option(tuple(STATS), "text (with bars), json or csv."),
    ] = "text",
    data: DataOption = None,
) -> None:
    """Count the events matching the filters by actor, type, year, month, tag, status or dyad.

    An event counts for each of its actors and the states or organisations they belong to, as
    `list --actor` finds it. A dyad is a pair of states (people count for their state) taking part
    in one event: who acts with whom. By year or month, an event counts in every year or month
    its dates overlap within --from/--to, as `list --from P --to P` would show it: a multi-year
    event counts once in each of its years, so the counts can add up to more than the events.

    Examples:

      timeline stats --by year

      timeline stats --by dyad --from 2022 --format csv
    """
    from timeline.analysis import stats as count
    from timeline.index import select_from_file
    from timeline.query import dates_asked

    chosen = filters(actor, type_, tag, date_from, date_to, search, era)
    selection = select_from_file(log_path(ctx, data).path, chosen, defer_indexing=True)
    start, stop = dates_asked(selection.eras, chosen)
    STATS[format_](count(selection, by, start, stop), by, sys.stdout, output_width())


def actors(
    ctx: typer.Context,
    format_: Annotated[
        str,
        format_option(tuple(ACTORS), "text or json."),
    ] = "text",
    data: DataOption = None,
) -> None:
    """List the actor registry: id, name, kind, events (their own and their members'), aliases, members.

    Example:

      timeline actors
    """
    from timeline.analysis import actor_rows, actor_rows_counted
    from timeline.index import answer

    rows = answer(
        log_path(ctx, data).path,
        lambda index: actor_rows_counted(index.actors, index.actor_count),
        actor_rows,
        defer_indexing=True,
    )
    ACTORS[format_](rows, sys.stdout, output_width())


def eras(
    ctx: typer.Context,
    format_: Annotated[
        str,
        format_option(tuple(ERAS), "text or json."),
    ] = "text",
    data: DataOption = None,
) -> None:
    """List the log's eras: id, dates, how many events overlap each, and title.

    An era is a named span (a presidency, a phase of the story), drawn behind the chart and the
    HTML page; `--era ID` filters events by its dates.

    Examples:

      timeline eras

      timeline list --era yoon-presidency --type weapons-test
    """
    from timeline.analysis import era_rows, era_rows_counted
    from timeline.index import answer

    rows = answer(
        log_path(ctx, data).path,
        lambda index: era_rows_counted(index.eras, index.era_count),
        era_rows,
        defer_indexing=True,
    )
    ERAS[format_](rows, sys.stdout, output_width())


def chart(
    ctx: typer.Context,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="LANES",
            callback=choice("by", ("actor", "type")),
            autocompletion=complete_choices(("actor", "type")),
            help="One lane per actor (people count for their state) or per type.",
        ),
    ] = "actor",
    actor: ActorOption = None,
    type_: TypeOption = None,
    tag: TagOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    era: EraOption = None,
    search: SearchOption = None,
    width: Annotated[
        int | None,
        typer.Option(
            min=40, show_default=False, help="Columns to use (default: the terminal's width)."
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Draw the events matching the filters as a timeline in the terminal.

    Time runs left to right; each event sits at its real precision: a dot for a day, a bar over
    the days, month or year it covers, hollow when the date is approximate, dotted for one moment
    somewhere in a window, an arrow for an event still going on. The log's eras run above.

    Examples:

      timeline chart --from 2022

      timeline chart --by type --actor DPRK

      timeline chart --era phase-martial-law-crisis
    """
    from timeline.index import select_from_file
    from timeline.query import dates_asked
    from timeline.render.chart import write_chart

    chosen = filters(actor, type_, tag, date_from, date_to, search, era)
    selection = select_from_file(log_path(ctx, data).path, chosen, defer_indexing=True)
    columns = width or terminal_width()
    start, stop = dates_asked(selection.eras, chosen)
    write_chart(selection, sys.stdout, columns, by=by, start=start, stop=stop)


def terminal_width() -> int:
    """The terminal's width: $COLUMNS if set, else what the terminal says (100 if nothing does)."""
    columns = os.environ.get("COLUMNS", "")
    return (
        int(columns)
        if columns.isdigit() and int(columns) >= 20
        else shutil.get_terminal_size((100, 24)).columns
    )


def output_width() -> int | None:
    """The width to fit plain-text output to: the terminal's, or None (unwrapped) when piped."""
    from timeline.render.terminal import is_terminal

    return terminal_width() if is_terminal(sys.stdout) else None
