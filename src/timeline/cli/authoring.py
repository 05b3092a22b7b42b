"""Authoring commands: validate, fmt, add, schema and diff."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from timeline.cli.options import DataOption, format_option, log_path
from timeline.errors import Finding, LogError, TimelineError
from timeline.render.sanitize import for_terminal
from timeline.render.views import CHANGES, FINDINGS

if TYPE_CHECKING:
    from timeline.model import Log

TEXT_OR_JSON = tuple(FINDINGS)
LOCK_TIMEOUT = 10.0

FormatOption = Annotated[
    str,
    format_option(TEXT_OR_JSON, "text (for people) or json (for scripts and editors)."),
]


def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="[PATH]...", show_default=False, help="Logs to check."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")
    ] = False,
    format_: FormatOption = "text",
    data: DataOption = None,
) -> None:
    """Check logs: every error (schema, dates, references, duplicates) and every warning.

    Warnings: events with no source, sources or actors nothing uses, events that look like
    duplicates, tags or names that differ only in case, punctuation or a plural. Exit 1 if any
    log has an error (or, with --strict, a warning).

    Examples:

      timeline validate desk.json

      timeline validate --format json desk.json
    """
    from timeline.lint import warnings
    from timeline.store import describe, load_log

    results: list[tuple[str, list[Finding]]] = []
    for path in paths or [log_path(ctx, data).path]:
        try:
            log = load_log(path)
        except LogError as error:
            results.append((str(path), error.findings))
            continue
        index = _ids(log)
        results.append((str(path), [describe(p, index, level="warning") for p in warnings(log)]))
    FINDINGS[format_](results, sys.stdout)
    errors = sum(1 for _, found in results for f in found if f.level == "error")
    warned = sum(1 for _, found in results for f in found if f.level == "warning")
    logs = f"{len(results)} log{'' if len(results) == 1 else 's'}"
    sys.stderr.write(f"{_count(errors, 'error')}, {_count(warned, 'warning')} in {logs}\n")
    if errors or (strict and warned):
        raise typer.Exit(1)


def _ids(log: Log) -> dict[str, list[dict[str, str]]]:
    """Enough of the document for `describe` to name records by id."""
    return {
        "events": [{"id": e.id} for e in log.events],
        "actors": [{"id": a.id} for a in log.actors],
        "sources": [{"id": s.id} for s in log.sources],
    }


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def fmt(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar="[PATH]", show_default=False, help="The log to format (default: --data)."
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 if a rewrite is due.")
    ] = False,
    data: DataOption = None,
) -> None:
    """Rewrite a log in its canonical form, changing no value.

    Fields in a fixed order, empty optional fields left out, events in chronological order (ties
    keep their order), two-space indentation, UTF-8, a final newline. Written atomically.

    Examples:

      timeline fmt desk.json

      timeline fmt --check desk.json
    """
    from timeline.edit import format_log
    from timeline.store import LogPath, writable

    chosen = LogPath(path, named=True) if path is not None else log_path(ctx, data)
    target = chosen.path if check else writable(chosen)
    shown = for_terminal(str(target))
    changed = format_log(target, lock_timeout=LOCK_TIMEOUT, check=check)
    if check and changed:
        raise TimelineError(f"{target}: not in canonical form; run 'timeline fmt {target}'")
    sys.stderr.write(f"{shown}: {'reformatted' if changed else 'already canonical'}\n")


def schema(ctx: typer.Context, data: DataOption = None) -> None:
    """Print the JSON Schema of a log, for editors and other tools.

    A log that names it in "$schema" is checked and completed as it is typed; for a log named with
    --data that declares its own types, the schema lists them. The schema accepts
    every log that `validate` accepts, and refuses what a JSON Schema can say of what it refuses
    (references between records and impossible dates are for `validate`).

    Example:

      timeline schema > events.schema.json
    """
    from timeline.schema import json_schema

    chosen = log_path(ctx, data)
    types = None
    if chosen.named:  # a log of the user's: its own types, if it declares them
        from timeline.store import load_log

        declared = load_log(chosen.path).types
        types = None if declared is None else [entry.id for entry in declared]
    sys.stdout.write(json.dumps(json_schema(types), indent=2, ensure_ascii=False) + "\n")


def diff(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(metavar="OLD", help="A log file, or git:REV:PATH.")],
    new: Annotated[
        str | None,
        typer.Argument(
            metavar="[NEW]",
            show_default=False,
            help="A log file, or git:REV:PATH. Default: the log (--data, TIMELINE_DATA).",
        ),
    ] = None,
    format_: Annotated[
        str | None,
        format_option(tuple(CHANGES), "table (on a terminal), text (when piped) or json."),
    ] = None,
    data: DataOption = None,
) -> None:
    """Show what changed between two logs: events, actors and sources, field by field.

    A change names each field and what happened to it: a date made more precise, a source added,
    a status revised, an actor renamed. Either side may be a committed version:
    git:HEAD~1:data/events.json. Without NEW, OLD is compared with the log itself.

    Examples:

      timeline diff git:HEAD:desk.json desk.json

      timeline diff git:HEAD:desk.json --data desk.json --format json
    """
    from timeline.diff import compare
    from timeline.render.terminal import is_terminal
    from timeline.store import load_spec

    changes = compare(load_spec(old), load_spec(new or str(log_path(ctx, data).path)))
    CHANGES[format_ or ("table" if is_terminal(sys.stdout) else "text")](changes, sys.stdout)
    if not changes:
        sys.stderr.write("no differences\n")
