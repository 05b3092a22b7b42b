"""`timeline init` and `timeline import`: a new log, and other people's timelines brought in."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from timeline.cli.options import (
    DataOption,
    LockTimeoutOption,
    choice,
    complete_choices,
    log_path,
)
from timeline.errors import TimelineError
from timeline.render.sanitize import for_terminal

if TYPE_CHECKING:
    from timeline.importing.merge import Labelled, Outcome

IMPORT_FORMATS = (
    "timelinejs", "acled", "ucdp", "plover", "gdelt", "ics", "csv", "tsv", "json", "jsonl",
    "parquet",
)  # fmt: skip
SHOWN_LINES = 5  # of the lines a message is about, before "and N more"


def init(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(metavar="[PATH]", show_default=False, help="The new log. Default: --data."),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(show_default=False, help="Its title. Default: from the file's name."),
    ] = None,
    types: Annotated[
        str,
        typer.Option(
            "--types",
            metavar="VOCABULARY",
            callback=choice("types", ("built-in", "none")),
            autocompletion=complete_choices(("built-in", "none")),
            help="built-in: the 17 built-in event types, written out; none: an empty vocabulary "
            "that imports and your own types fill.",
        ),
    ] = "built-in",
    data: DataOption = None,
) -> None:
    """Create a new, empty log, ready for `add` and `import`.

    It is valid and canonical, declares its event types, and points its `$schema` at a JSON
    Schema written beside it (PATH's name with .schema.json), so that an editor checks and
    completes it. An existing file is never replaced.

    Examples:

      timeline init chronology.json --title "Desk chronology"

      timeline init ww1.json --types none
    """
    from timeline.edit import create_log

    if path is None:
        given = data if data is not None else (ctx.obj or {}).get("data")
        if given is None:
            raise typer.BadParameter("say which file to create: timeline init PATH")
        path = Path(given)
    named = title if title is not None else path.stem.replace("_", " ").replace("-", " ").strip()
    named = " ".join(named.split()) or "Untitled timeline"
    schema = create_log(path, named[:1].upper() + named[1:], built_in_types=types == "built-in")
    also = f" and {for_terminal(str(schema))}" if schema is not None else ""
    sys.stderr.write(f"created {for_terminal(str(path))}{also}\n")
    sys.stderr.write(
        f"next: timeline add --data {for_terminal(str(path))} ..., "
        f"or timeline import FORMAT FILE --into {for_terminal(str(path))}\n"
    )


def import_(
    ctx: typer.Context,
    format_: Annotated[
        str,
        typer.Argument(
            metavar="FORMAT",
            show_default=False,
            callback=choice("FORMAT", IMPORT_FORMATS),
            autocompletion=complete_choices(IMPORT_FORMATS),
            help="One of: " + ", ".join(IMPORT_FORMATS) + ".",
        ),
    ],
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", show_default=False, help="Files to read; - is stdin."),
    ],
    into: Annotated[
        Path | None,
        typer.Option(
            "--into",
            metavar="LOG",
            show_default=False,
            help="The log to import into. Default: --data, else $TIMELINE_DATA (never the "
            "bundled log).",
        ),
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="FIELD=COLUMN",
            show_default=False,
            help="csv, tsv, json, jsonl, parquet: the column that holds a field; repeat. "
            "FIELD=COLUMN:year says the column holds more precision than is known.",
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            show_default=False,
            help="A JSON object of FIELD: COLUMN, as --map gives them (--map wins).",
        ),
    ] = None,
    actors: Annotated[
        Path | None,
        typer.Option(
            "--actors",
            metavar="MAP.json",
            show_default=False,
            help="A JSON object of names in the file to actor ids in the log.",
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor",
            show_default=False,
            help="The actor of events the file names none for (TimelineJS and ICS name none).",
        ),
    ] = None,
    type_: Annotated[
        str | None,
        typer.Option(
            "--type",
            show_default=False,
            help="The type of events the file gives none for. Default: event.",
        ),
    ] = None,
    update: Annotated[
        bool,
        typer.Option("--update", help="Replace events the log has that the file has changed."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would happen; write nothing.")
    ] = False,
    lock_timeout: LockTimeoutOption = 10.0,
    data: DataOption = None,
) -> None:
    """Bring events in from a timeline kept elsewhere.

    Dates keep the precision the file gives them, by its own codes (ACLED's time_precision, UCDP's
    date_prec, which cells of a TimelineJS row are filled). Actors are found in the log by id,
    name or alias, or added; types the log lacks are declared from the format's own taxonomy
    (with their PLOVER category); sources are shared. Importing a file again adds nothing; an
    event the file has changed is reported, and replaced only with --update. Every row that is
    not imported is named, with its line; the log is written whole, or not at all.

    Exit 1 if any row could not be imported (the others are).

    Examples:

      timeline init argentina.json && timeline import acled acled.csv --into argentina.json

      timeline init women.json && timeline import timelinejs my-own-timeline.csv \
        --actor "Women in computing" --into women.json

      timeline import csv wikidata.csv --map title=label --map date=inception:year \
        --map actors=who --into desk.json

      timeline import gdelt gdelt.tsv --into desk.json --dry-run
    """
    from timeline.edit import import_into
    from timeline.importing import FORMATS, Options
    from timeline.store import writable

    target = writable(log_path(ctx, into or data))
    fields = _mapping(format_, mapping, map_ or [])
    options = Options(
        mapping=fields, actor=actor, type=type_, actor_ids=_actor_ids(actors) if actors else {}
    )
    reader = FORMATS[format_].reader()
    readings = []
    for file in files:
        label = "<stdin>" if str(file) == "-" else str(file)
        readings.append((label, reader(_read(file), label, options)))
    total = sum(len(reading.drafts) for _, reading in readings)
    with _Progress(total) as progress:
        done = import_into(
            target,
            readings,
            options=options,
            update=update,
            lock_timeout=lock_timeout,
            dry_run=dry_run,
            tick=progress.tick,
        )
    _report(done.outcome, target, dry_run=dry_run, written=done.written)
    if done.outcome.problems:
        raise typer.Exit(1)


def _read(file: Path) -> bytes:
    if str(file) == "-":
        return sys.stdin.buffer.read()
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise TimelineError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise TimelineError(f"{file}: is a directory") from None
    except OSError as error:
        raise TimelineError(f"{file}: cannot read: {error.strerror or error}") from None


def _json_object(path: Path, what: str) -> dict[str, str]:
    try:
        loaded = json.loads(_read(path))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise TimelineError(f"{path}: not JSON: {error}") from None
    if not isinstance(loaded, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in loaded.items()
    ):
        raise TimelineError(f"{path}: {what} must be a JSON object of strings")
    return loaded


def _mapping(format_: str, mapping: Path | None, pairs: list[str]) -> dict[str, str]:
    from timeline.importing.generic import FIELDS, GENERIC

    fields = _json_object(mapping, "a mapping") if mapping else {}
    for pair in pairs:
        field, equals, column = pair.partition("=")
        if not equals or not field.strip() or not column.strip():
            raise typer.BadParameter(f"{pair!r} is not FIELD=COLUMN", param_hint="'--map'")
        fields[field.strip()] = column.strip()
    if fields and format_ not in GENERIC:
        raise typer.BadParameter(
            f"--map does not apply to {format_}: its columns are known", param_hint="'--map'"
        )
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise typer.BadParameter(
            f"no field {unknown[0]!r}; the fields are: {', '.join(FIELDS)}", param_hint="'--map'"
        )
    return fields


def _actor_ids(path: Path) -> dict[str, str]:
    return _json_object(path, "--actors")


class _Progress:
    """A progress bar on stderr, for an import that has taken more than a second, on a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.count = 0
        self.started = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def tick(self) -> None:
        self.count += 1
        if self.bar is None:
            if self.count % 256 or time.monotonic() - self.started < 1 or not sys.stderr.isatty():
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self.bar = Progress(
                "importing",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.bar.add_task("import", total=self.total, completed=self.count)
            self.bar.start()
        elif self.count % 64 == 0 or self.count == self.total:
            self.bar.update(self.task, completed=self.count)


def _report(outcome: Outcome, target: Path, *, dry_run: bool, written: bool) -> None:
    write = sys.stderr.write
    counts = [
        f"{len(outcome.added)} added",
        f"{len(outcome.updated)} updated",
        f"{len(outcome.unchanged)} unchanged",
    ]
    if outcome.changed:
        counts.append(f"{len(outcome.changed)} changed in the file (kept; --update replaces)")
    counts.append(f"{len(outcome.skipped)} skipped")
    counts.append(f"{len(outcome.problems)} not imported")
    head = "dry run, nothing written" if dry_run else "nothing written" if not written else "wrote"
    write(f"{for_terminal(str(target))}: {', '.join(counts)} ({head})\n")
    for noun, found in (
        ("actor", outcome.new_actors),
        ("type", outcome.new_types),
        ("source", outcome.new_sources),
        ("era", outcome.new_eras),
    ):
        if found:
            shown = ", ".join(found[:8]) + (f" and {len(found) - 8} more" if len(found) > 8 else "")
            plural = "" if len(found) == 1 else "s"
            write(f"  new {noun}{plural} ({len(found)}): {for_terminal(shown)}\n")
    for kind, notes in (
        ("skipped", outcome.skipped),
        ("changed", outcome.changed),
        ("not imported", outcome.problems),
    ):
        for line in _grouped(notes, kind):
            write(f"  {line}\n")


def _grouped(notes: list[Labelled], kind: str) -> list[str]:
    """One line per message and file: `FILE lines 3, 4, 5 and 7 more: not imported: no actor`."""
    by_message: dict[tuple[str, str, str], list[int | None]] = {}
    for labelled in notes:
        key = (labelled.label, labelled.unit, labelled.note.message)
        by_message.setdefault(key, []).append(labelled.note.line)
    lines = []
    for (label, unit, message), numbers in by_message.items():
        known = [str(n) for n in numbers if n is not None]
        where = ""
        if known:
            noun = unit if len(known) == 1 else f"{unit}s"
            where = f" {noun} {', '.join(known[:SHOWN_LINES])}"
            if len(known) > SHOWN_LINES:
                where += f" and {len(known) - SHOWN_LINES} more"
        lines.append(for_terminal(f"{label}{where}: {kind}: {message}"))
    return lines
