"""The `timeline` command line: parse options, load the log, query, render.

This module is the one error boundary: expected failures (`TimelineError`) become one message on
stderr and exit 1; usage errors exit 2 (Typer); Ctrl-C exits 130. Set TIMELINE_DEBUG=1 to see the
traceback of anything unexpected.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer
from typer.core import TyperGroup

from timeline.errors import TimelineError
from timeline.render.sanitize import for_terminal

if TYPE_CHECKING:
    from timeline.dates import PartialDate
    from timeline.model import Log
    from timeline.query import Filters, SortKey

EVENT_TYPES = (
    "summit",
    "meeting",
    "statement",
    "threat",
    "accusation",
    "agreement",
    "treaty",
    "policy",
    "weapons-test",
    "deployment",
    "exercise",
    "military-action",
    "arms-transfer",
    "sanctions",
    "election",
    "publication",
    "budget",
)
SORT_KEYS = ("date", "title", "id")
LIST_FORMATS = ("table", "tsv", "csv", "json", "jsonl")
EXPORT_FORMATS = ("csv", "json", "jsonl", "tsv")
SHOW_FORMATS = ("card", "json")


class _Commands(TyperGroup):
    """Turns expected failures into one clean message on stderr; the CLI's single error boundary."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except TimelineError as error:
            _fail(str(error))
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            raise
        except Exception as error:
            if _debugging() or type(error).__module__.startswith("typer"):
                raise
            _fail(
                f"internal error: {type(error).__name__}: {error} (set TIMELINE_DEBUG=1 for details)"
            )


app = typer.Typer(
    cls=_Commands,
    name="timeline",
    help="Filter, read, analyse and export a sourced event timeline.\n\n"
    "Ships a curated log of the Korean Peninsula crisis; point --data (or TIMELINE_DATA) at your own.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Example:  timeline list --actor DPRK --from 2023",
)


def _debugging() -> bool:
    return os.environ.get("TIMELINE_DEBUG", "") not in ("", "0")


def _fail(message: str) -> NoReturn:
    for line in message.splitlines() or [""]:
        sys.stderr.write(f"error: {for_terminal(line)}\n")
    sys.stderr.flush()
    raise typer.Exit(1)


# ---------------------------------------------------------------------------------------------
# Shared options


def _complete_actor(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    log = _log_for_completion(ctx)
    if log is None:
        return []
    found: list[tuple[str, str]] = []
    for actor in log.actors:
        for name in (actor.id, *actor.aliases):
            completion = _completing(name, incomplete)
            if completion and " " not in completion:
                found.append((completion, actor.name))
    return found


def _complete_event_id(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    log = _log_for_completion(ctx)
    if log is None:
        return []
    completions = ((_completing(event.id, incomplete), event.title) for event in log.events)
    return [(value, title) for value, title in completions if value]


def _completing(name: str, typed: str) -> str | None:
    """`name` as a completion of `typed`, which it must extend exactly (the shell filters by prefix).

    Matching is case-insensitive, so `pr` completes to `prk` for the actor `PRK`.
    """
    if name.startswith(typed):
        return name
    if not name.casefold().startswith(typed.casefold()):
        return None
    return name.lower() if typed == typed.lower() else typed + name[len(typed) :]


def _complete_type(incomplete: str) -> list[str]:
    return [name for name in EVENT_TYPES if name.startswith(incomplete)]


def _log_for_completion(ctx: typer.Context) -> Log | None:
    from timeline.store import load_log, resolve_log_path

    data = None
    context: Any = ctx
    while context is not None and data is None:
        data = context.params.get("data")
        context = context.parent
    try:
        return load_log(resolve_log_path(data))
    except TimelineError:
        return None


def _partial_date(value: str) -> PartialDate:
    from timeline.dates import PartialDate

    try:
        return PartialDate(value.strip())
    except ValueError as error:
        raise typer.BadParameter(for_terminal(str(error))) from None


def _choice(name: str, choices: tuple[str, ...]) -> Any:
    def check(value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item is not None and item not in choices:
                import difflib

                close = difflib.get_close_matches(str(item), choices, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise typer.BadParameter(
                    f"{for_terminal(str(item))!r} is not one of: {', '.join(choices)}.{hint}"
                )
        return value

    check.__name__ = f"check_{name}"
    return check


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        "-d",
        metavar="PATH",
        show_default=False,
        help="The log to read. Default: $TIMELINE_DATA, else the bundled Korean Peninsula log.",
    ),
]
ActorOption = Annotated[
    list[str] | None,
    typer.Option(
        "--actor",
        "-a",
        metavar="ACTOR",
        autocompletion=_complete_actor,
        help="Events this actor took part in: an id, name or alias, any case. A state includes its "
        "people. Repeat to require every actor named (a dyad).",
        rich_help_panel="Filters",
    ),
]
TypeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--type",
        "-t",
        metavar="TYPE",
        callback=_choice("type", EVENT_TYPES),
        autocompletion=_complete_type,
        help="Events of this type; repeat for any of several. One of: "
        + ", ".join(EVENT_TYPES)
        + ".",
        rich_help_panel="Filters",
    ),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        metavar="TAG",
        help="Events with this tag; repeat for any of several.",
        rich_help_panel="Filters",
    ),
]
FromOption = Annotated[
    Any,
    typer.Option(
        "--from",
        metavar="DATE",
        parser=_partial_date,
        show_default=False,
        help="Events that reach into or past this date (YYYY, YYYY-MM or YYYY-MM-DD).",
        rich_help_panel="Filters",
    ),
]
ToOption = Annotated[
    Any,
    typer.Option(
        "--to",
        metavar="DATE",
        parser=_partial_date,
        show_default=False,
        help="Events that begin on or before the end of this date (YYYY, YYYY-MM or YYYY-MM-DD).",
        rich_help_panel="Filters",
    ),
]
SearchOption = Annotated[
    str | None,
    typer.Option(
        "--search",
        "-s",
        metavar="TEXT",
        help="Events whose title, summary, assessment, note, place or actor names contain every word "
        "of TEXT (any case).",
        rich_help_panel="Filters",
    ),
]
SortOption = Annotated[
    str,
    typer.Option(
        "--sort",
        metavar="KEY",
        callback=_choice("sort", SORT_KEYS),
        help="Order by date (chronological, the default), title or id.",
        rich_help_panel="Order",
    ),
]
ReverseOption = Annotated[
    bool, typer.Option("--reverse", "-r", help="Reverse the order.", rich_help_panel="Order")
]
LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        min=0,
        metavar="N",
        show_default=False,
        help="At most N events (after sorting).",
        rich_help_panel="Order",
    ),
]
RawOption = Annotated[
    bool,
    typer.Option(
        "--raw",
        help="CSV: write cells exactly, without the leading ' that stops "
        "spreadsheets running formula-like text.",
    ),
]


def _filters(
    actor: list[str] | None,
    type_: list[str] | None,
    tag: list[str] | None,
    date_from: PartialDate | None,
    date_to: PartialDate | None,
    search: str | None,
) -> Filters:
    from timeline.query import Filters

    if date_from is not None and date_to is not None and date_to.latest < date_from.earliest:
        raise typer.BadParameter(f"--to {date_to.text} is before --from {date_from.text}")
    return Filters(
        actors=actor or (),
        types=type_ or (),
        tags=tag or (),
        date_from=date_from,
        date_to=date_to,
        search=search,
    )


def _log_path(ctx: typer.Context, data: Path | None) -> Path:
    """`--data` after the command, else before it (`timeline --data X list`), else the defaults."""
    from timeline.store import resolve_log_path

    if data is None and isinstance(ctx.obj, dict):
        data = ctx.obj.get("data")
    return resolve_log_path(data)


def _load(ctx: typer.Context, data: Path | None) -> Log:
    from timeline.store import load_log

    return load_log(_log_path(ctx, data))


# ---------------------------------------------------------------------------------------------
# Commands


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("timeline")
        except PackageNotFoundError:
            number = "unknown (not installed)"
        sys.stdout.write(f"timeline {number}\n")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    data: DataOption = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = {"data": data}


@app.command("list")
def list_events(
    ctx: typer.Context,
    actor: ActorOption = None,
    type_: TypeOption = None,
    tag: TagOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    search: SearchOption = None,
    sort: SortOption = "date",
    reverse: ReverseOption = False,
    limit: LimitOption = None,
    format_: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            callback=_choice("format", LIST_FORMATS),
            show_default=False,
            help="table (on a terminal), tsv (when piped), csv, json or jsonl.",
        ),
    ] = None,
    raw: RawOption = False,
    data: DataOption = None,
) -> None:
    """List events, oldest first.

    On a terminal: a table. Piped: one tab-separated line per event (when, id, title, actors,
    type), nothing truncated.

    Examples:

      timeline list --actor DPRK

      timeline list --actor USA --actor ROK --from 2023 --type exercise

      timeline list --search submarine --format json
    """
    from timeline.query import select
    from timeline.render.formats import FORMATS, Options
    from timeline.render.terminal import is_terminal

    log = _load(ctx, data)
    events = select(
        log,
        _filters(actor, type_, tag, date_from, date_to, search),
        sort=cast("SortKey", sort),
        reverse=reverse,
        limit=limit,
    )
    chosen = format_ or ("table" if is_terminal(sys.stdout) else "tsv")
    FORMATS[chosen].write(events, log, sys.stdout, Options(raw=raw))


@app.command()
def show(
    ctx: typer.Context,
    event_id: Annotated[
        str, typer.Argument(metavar="ID", autocompletion=_complete_event_id, help="The event's id.")
    ],
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            callback=_choice("format", SHOW_FORMATS),
            help="card or json.",
        ),
    ] = "card",
    data: DataOption = None,
) -> None:
    """Show one event in full: dates, actors, place, summary, assessment, sources, related events.

    Example:

      timeline show hanoi-2019
    """
    from timeline.query import find_event, related_events

    log = _load(ctx, data)
    event = find_event(log, event_id)
    related = related_events(log, event)
    if format_ == "json":
        from timeline.render.json_out import dumps, show_document

        sys.stdout.write(dumps(show_document(event, log, related)) + "\n")
        return
    from timeline.render.card_content import card_content, write_card_text
    from timeline.render.terminal import is_terminal

    content = card_content(event, log, related)
    if is_terminal(sys.stdout):
        from timeline.render.card import write_card_rich

        write_card_rich(content, sys.stdout)
    else:
        write_card_text(content, sys.stdout)


@app.command()
def export(
    ctx: typer.Context,
    actor: ActorOption = None,
    type_: TypeOption = None,
    tag: TagOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    search: SearchOption = None,
    sort: SortOption = "date",
    reverse: ReverseOption = False,
    limit: LimitOption = None,
    format_: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            callback=_choice("format", EXPORT_FORMATS),
            show_default=False,
            help="csv, json, jsonl or tsv. Default: from the extension of --output.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            show_default=False,
            help="Write to FILE (atomically) instead of stdout; '-' is stdout.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    raw: RawOption = False,
    excel: Annotated[
        bool, typer.Option("--excel", help="CSV: start with a UTF-8 byte-order mark, for Excel.")
    ] = False,
    data: DataOption = None,
) -> None:
    """Export the events matching the filters, for a spreadsheet or a program.

    The file is written whole or not at all, and an existing file is kept unless --force.
    CSV cells that a spreadsheet would run as a formula get a leading ' (unless --raw).

    Examples:

      timeline export --format csv -o events.csv

      timeline export --actor RUS --actor DPRK -o arms.json

      timeline export --from 2023 --format jsonl | jq .title
    """
    from timeline.query import select
    from timeline.render.formats import FORMATS, Options
    from timeline.store import atomic_output, load_log

    to_stdout = output is None or str(output) == "-"
    chosen = format_ or (None if to_stdout or output is None else _format_from_suffix(output))
    if chosen is None:
        raise typer.BadParameter(
            "say which format with --format ("
            + ", ".join(EXPORT_FORMATS)
            + ")"
            + (
                ""
                if to_stdout
                else f", or give --output a file name ending in .{'/.'.join(EXPORT_FORMATS)}"
            ),
            param_hint="'--format'",
        )
    log_path = _log_path(ctx, data)
    log = load_log(log_path)
    events = select(
        log,
        _filters(actor, type_, tag, date_from, date_to, search),
        sort=cast("SortKey", sort),
        reverse=reverse,
        limit=limit,
    )
    writer = FORMATS[chosen].write
    options = Options(raw=raw)
    bom = "\ufeff" if excel and chosen == "csv" else ""
    if to_stdout or output is None:
        sys.stdout.write(bom)
        writer(events, log, sys.stdout, options)
        return
    if _same_file(output, log_path):
        raise TimelineError(f"{output}: is the log being read; choose another output file")
    with atomic_output(output, overwrite=force) as stream:
        stream.write(bom)
        writer(events, log, stream, options)
    sys.stderr.write(
        f"wrote {len(events)} event{'' if len(events) == 1 else 's'} to {for_terminal(str(output))}\n"
    )


def _format_from_suffix(path: Path) -> str | None:
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in EXPORT_FORMATS else None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def main() -> None:
    """Console entry point."""
    app(prog_name="timeline")
