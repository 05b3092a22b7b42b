"""Analysis commands: chain, stats, actors and chart."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Annotated

import typer

from timeline.analysis import STAT_KEYS
from timeline.cli import app
from timeline.cli.options import (
    ActorOption,
    DataOption,
    FromOption,
    SearchOption,
    TagOption,
    ToOption,
    TypeOption,
    choice,
    complete_event_id,
    filters,
    format_option,
    load_log_for,
)
from timeline.document import dumps

TEXT_JSON = ("text", "json")


@app.command()
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
        format_option(TEXT_JSON, "text (a tree) or json."),
    ] = "text",
    data: DataOption = None,
) -> None:
    """Walk the typed relations from an event, backwards and forwards, as a tree.

    Each line: how the event relates to the one above it, its date at its precision, id, title,
    and the gap between the two ("+142 days"; "~" when a date is not known to the day).

    Example:

      timeline chain kentucky-busan-2023 --depth 2
    """
    from timeline.analysis import chain as walk
    from timeline.query import find_event
    from timeline.render.analysis_out import chain_json, write_chain

    log = load_log_for(ctx, data)
    root = find_event(log, event_id)
    links = walk(log, root, depth)
    if format_ == "json":
        sys.stdout.write(dumps(chain_json(root, links)) + "\n")
    else:
        write_chain(root, links, sys.stdout)


@app.command()
def stats(
    ctx: typer.Context,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="KEY",
            callback=choice("by", STAT_KEYS),
            help="What to count by: " + ", ".join(STAT_KEYS) + ".",
        ),
    ] = "type",
    actor: ActorOption = None,
    type_: TypeOption = None,
    tag: TagOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    search: SearchOption = None,
    format_: Annotated[
        str,
        format_option(("text", "json", "csv"), "text (with bars), json or csv."),
    ] = "text",
    data: DataOption = None,
) -> None:
    """Count the events matching the filters by actor, type, year, month, tag, status or dyad.

    A dyad is a pair of states (people count for their state) taking part in one event: who acts
    with whom. An event dated only to a year is counted under YYYY-?? by month, never guessed.

    Examples:

      timeline stats --by year

      timeline stats --by dyad --from 2022 --format csv
    """
    from timeline.analysis import stats as count
    from timeline.query import select
    from timeline.render.analysis_out import counts_json, write_counts

    log = load_log_for(ctx, data)
    events = select(log, filters(actor, type_, tag, date_from, date_to, search))
    rows = count(log, events, by)
    if format_ == "json":
        sys.stdout.write(dumps(counts_json(rows)) + "\n")
    elif format_ == "csv":
        import csv

        from timeline.render.csv_out import defuse
        from timeline.render.sanitize import for_terminal
        from timeline.render.terminal import is_terminal

        # As in `list --format csv`: cells exact for a file or pipe, controls shown on a terminal.
        shown = for_terminal if is_terminal(sys.stdout) else str
        writer = csv.writer(sys.stdout, lineterminator="\r\n")
        writer.writerow([by, "label", "events"])
        writer.writerows(
            [shown(defuse(row.key)), shown(defuse(row.label)), row.number] for row in rows
        )
    else:
        write_counts(rows, sys.stdout)


@app.command()
def actors(
    ctx: typer.Context,
    format_: Annotated[
        str,
        format_option(TEXT_JSON, "text or json."),
    ] = "text",
    data: DataOption = None,
) -> None:
    """List the actor registry: id, name, kind, events (their own and their members'), aliases, members.

    Example:

      timeline actors
    """
    from timeline.analysis import actor_rows
    from timeline.render.analysis_out import actors_json, write_actors

    rows = actor_rows(load_log_for(ctx, data))
    if format_ == "json":
        sys.stdout.write(dumps(actors_json(rows)) + "\n")
    else:
        write_actors(rows, sys.stdout)


@app.command()
def chart(
    ctx: typer.Context,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="LANES",
            callback=choice("by", ("actor", "type")),
            help="One lane per actor (people count for their state) or per type.",
        ),
    ] = "actor",
    actor: ActorOption = None,
    type_: TypeOption = None,
    tag: TagOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
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
    the days, month or year it covers, hollow when the date is approximate.

    Examples:

      timeline chart --from 2022

      timeline chart --by type --actor DPRK
    """
    from timeline.query import select
    from timeline.render.chart import write_chart

    log = load_log_for(ctx, data)
    events = select(log, filters(actor, type_, tag, date_from, date_to, search))
    columns = width or _terminal_width()
    start = date_from.earliest if date_from else None
    stop = date_to.latest if date_to else None
    write_chart(events, log, sys.stdout, columns, by=by, start=start, stop=stop)


def _terminal_width() -> int:
    columns = os.environ.get("COLUMNS", "")
    return (
        int(columns)
        if columns.isdigit() and int(columns) >= 40
        else shutil.get_terminal_size((100, 24)).columns
    )
