"""Reading commands: list, show and export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, cast

import typer

from timeline.cli.options import (
    ActorOption,
    DataOption,
    EraOption,
    FromOption,
    LimitOption,
    RawOption,
    ReverseOption,
    SearchOption,
    SortOption,
    TagOption,
    ToOption,
    TypeOption,
    choice,
    complete_choices,
    complete_event_id,
    filters,
    format_option,
    log_path,
    only_for,
)
from timeline.errors import TimelineError
from timeline.render.formats import FILE_FORMATS, FORMATS, TEXT_FORMATS, format_for_suffix
from timeline.render.sanitize import for_terminal
from timeline.render.views import SHOW

if TYPE_CHECKING:
    from timeline.query import SortKey

LIST_FORMATS = tuple(TEXT_FORMATS)
EXPORT_FORMATS = tuple(FILE_FORMATS)
SHOW_FORMATS = tuple(SHOW)
GROUP_BY = ("type", "status", "actor")


def list_events(
    ctx: typer.Context,
    actor: ActorOption = None,
    type_: TypeOption = None,
    tag: TagOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    era: EraOption = None,
    search: SearchOption = None,
    sort: SortOption = "date",
    reverse: ReverseOption = False,
    limit: LimitOption = None,
    format_: Annotated[
        str | None,
        format_option(
            LIST_FORMATS,
            "table (on a terminal), tsv (when piped), or one of: "
            + ", ".join(name for name in EXPORT_FORMATS[1:] if name in TEXT_FORMATS)
            + ".",
        ),
    ] = None,
    raw: RawOption = False,
    data: DataOption = None,
) -> None:
    """List events, oldest first.

    On a terminal: a table that fits the width. Piped: one tab-separated line per event (when,
    id, title, actors, type), nothing truncated.

    Examples:

      timeline list --actor DPRK

      timeline list --actor USA --actor ROK --from 2023 --type exercise

      timeline list --search submarine --format json
    """
    from timeline.index import select_from_file
    from timeline.render.formats import Options
    from timeline.render.terminal import is_terminal

    chosen = format_ or ("table" if is_terminal(sys.stdout) else "tsv")
    output = FORMATS[chosen]
    only_for(chosen, {"raw": raw}, output.options)
    selection = select_from_file(
        log_path(ctx, data).path,
        filters(actor, type_, tag, date_from, date_to, search, era),
        sort=cast("SortKey", sort),
        reverse=reverse,
        limit=limit,
        with_related=output.needs_related,
        defer_indexing=True,
    )
    output.write(selection, sys.stdout, Options(raw=raw))


def show(
    ctx: typer.Context,
    event_id: Annotated[
        str, typer.Argument(metavar="ID", autocompletion=complete_event_id, help="The event's id.")
    ],
    format_: Annotated[
        str,
        format_option(SHOW_FORMATS, "card or json."),
    ] = "card",
    data: DataOption = None,
) -> None:
    """Show one event in full: dates, actors, place, summary, assessment, sources, related events.

    Example:

      timeline show hanoi-2019
    """
    from timeline.index import show_from_file

    selection, event = show_from_file(log_path(ctx, data).path, event_id, defer_indexing=True)
    SHOW[format_](event, selection, sys.stdout)


def export(
    ctx: typer.Context,
    actor: ActorOption = None,
    type_: TypeOption = None,
    tag: TagOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    era: EraOption = None,
    search: SearchOption = None,
    sort: SortOption = "date",
    reverse: ReverseOption = False,
    limit: LimitOption = None,
    format_: Annotated[
        str | None,
        format_option(
            EXPORT_FORMATS,
            "One of: " + ", ".join(EXPORT_FORMATS) + ". Default: from the extension of --output.",
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
    group_by: Annotated[
        str | None,
        typer.Option(
            "--group-by",
            metavar="FIELD",
            callback=choice("group-by", GROUP_BY),
            autocompletion=complete_choices(GROUP_BY),
            show_default=False,
            help="timelinejs: group slides by type (the default), status or first actor.",
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Export the events matching the filters, for a spreadsheet, a report, a page or a program.

    The file is written whole or not at all, and an existing file is kept unless --force.
    CSV and TSV cells that a spreadsheet would run as a formula get a leading ' (unless --raw).

    Examples:

      timeline export --format csv -o events.csv

      timeline export --actor RUS --actor DPRK -o arms.json

      timeline export --from 2023 --format jsonl | head -3
    """
    to_stdout = output is None or str(output) == "-"
    chosen = format_ or (None if to_stdout or output is None else format_for_suffix(output.name))
    if chosen is None:
        suffixes = sorted({s for f in FORMATS.values() for s in f.suffixes})
        raise typer.BadParameter(
            "say which format with --format ("
            + ", ".join(EXPORT_FORMATS)
            + ")"
            + ("" if to_stdout else f", or give --output a name ending in .{', .'.join(suffixes)}"),
            param_hint="'--format'",
        )
    writer = FORMATS[chosen]
    if writer.binary and to_stdout and sys.stdout.isatty():
        raise typer.BadParameter(
            f"{chosen} is binary: write it to a file with --output, or pipe it",
            param_hint="'--format'",
        )
    only_for(chosen, {"raw": raw, "excel": excel, "group_by": group_by is not None}, writer.options)
    source = log_path(ctx, data).path
    if not (to_stdout or output is None) and _same_file(output, source):
        raise TimelineError(f"{output}: is the log being read; choose another output file")
    wanted = filters(actor, type_, tag, date_from, date_to, search, era)
    bom = "\ufeff" if excel else ""
    lines = None
    if chosen == "csv" and not raw and not (to_stdout and _is_terminal_or_not_utf8(sys.stdout)):
        from timeline.index import csv_lines_from_index

        # A large log's index holds every event's line ready: they are copied, not made.
        lines = csv_lines_from_index(
            source, wanted, sort=cast("SortKey", sort), reverse=reverse, limit=limit
        )
    if lines is not None:
        ready = lines

        def write(stream: IO[str]) -> int:
            from timeline.render.delimited import HEADER_LINE

            stream.write(bom + HEADER_LINE)
            stream.flush()
            stream.buffer.writelines(ready)  # type: ignore[attr-defined]
            return len(ready)

    else:
        from timeline.index import select_from_file
        from timeline.render.formats import Options

        selection = select_from_file(
            source,
            wanted,
            sort=cast("SortKey", sort),
            reverse=reverse,
            limit=limit,
            with_related=writer.needs_related,
            defer_indexing=True,
        )
        options = Options(raw=raw, group_by=group_by or "type")
        from timeline.progress import counted

        # A long export shows its progress on a terminal's stderr as the writer goes through it.
        selection = selection._replace(events=counted("Writing events", selection.events))

        def write(stream: IO[str]) -> int:
            stream.write(bom)
            writer.write(selection, stream, options)
            return len(selection.events)

    if to_stdout or output is None:
        write(sys.stdout)
        return
    from timeline.store import atomic_output

    with atomic_output(output, overwrite=force) as stream:
        count = write(stream)
    sys.stderr.write(
        f"wrote {count} event{'' if count == 1 else 's'} to {for_terminal(str(output))}\n"
    )


def _is_terminal_or_not_utf8(stream: IO[str]) -> bool:
    """Whether CSV written to `stream` is not the bytes of a file: cleaned for a terminal, or
    in another encoding."""
    import codecs

    from timeline.render.terminal import is_terminal

    encoding = getattr(stream, "encoding", None) or "ascii"
    return (
        is_terminal(stream)
        or codecs.lookup(encoding).name != "utf-8"
        or not hasattr(stream, "buffer")
    )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False
