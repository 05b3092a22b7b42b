"""The Typer application: root options, the registry of commands, and the one error boundary.

Each command is a plain function in a module of this package; `COMMANDS` names them, and a
command's options are built only when it runs (or when its help is asked for), so `timeline list`
pays for nothing else. The boundary turns failures into one message on stderr:

- a usage error (unknown option, bad choice, malformed value): `error: ...` and a hint, exit 2;
- a failure the user can act on (`TimelineError`: a bad log, an unknown id, a file that cannot be
  written): `error: ...`, exit 1; so is an output that cannot be written (a full disk, a closed
  standard output), while a reader that has gone away (`| head`) ends the command quietly;
- anything else is a bug: `internal error: ...` (TIMELINE_DEBUG=1 shows the traceback).
"""

from __future__ import annotations

import errno
import importlib
import inspect
import os
import re
import sys
from collections.abc import Sequence
from typing import Annotated, Any, NamedTuple, NoReturn

import typer
from typer import _click as click  # Typer 0.28 carries its own copy of Click
from typer._click.exceptions import UsageError
from typer.core import TyperGroup
from typer.models import CommandInfo

from timeline.cli import options
from timeline.errors import TimelineError
from timeline.render.sanitize import for_terminal


class Command(NamedTuple):
    module: str  # in timeline.cli
    function: str
    summary: str  # the first line of its help, shown by `timeline --help`


COMMANDS: dict[str, Command] = {
    "list": Command("reading", "list_events", "List events, oldest first."),
    "show": Command("reading", "show", "Show one event in full."),
    "export": Command("reading", "export", "Export the events matching the filters."),
    "chain": Command("analysing", "chain", "Walk the typed relations from an event as a tree."),
    "stats": Command("analysing", "stats", "Count events by actor, type, year, month, ..."),
    "actors": Command("analysing", "actors", "List the actor registry."),
    "eras": Command("analysing", "eras", "List the log's eras."),
    "chart": Command("analysing", "chart", "Draw the events as a timeline in the terminal."),
    "validate": Command("authoring", "validate", "Check logs: every error and warning."),
    "fmt": Command("authoring", "fmt", "Rewrite a log in its canonical form."),
    "init": Command("importing", "init", "Create a new, empty log."),
    "add": Command("adding", "add", "Add an event to a log."),
    "import": Command("importing", "import_", "Bring events in from a timeline kept elsewhere."),
    "schema": Command("authoring", "schema", "Print the JSON Schema of a log."),
    "diff": Command("authoring", "diff", "Show what changed between two logs."),
    "cache": Command("caching", "cache", "Show, prune or clear the indexes of large logs."),
}


class Commands(TyperGroup):
    """The command group: commands built on demand, and the CLI's single error boundary."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(f"timeline.cli.{entry.module}")
        callback = getattr(module, entry.function)
        help_text, examples = split_examples(inspect.getdoc(callback) or "")
        return typer.main.get_command_from_info(
            CommandInfo(name=cmd_name, callback=callback, help=help_text, epilog=examples),
            pretty_exceptions_short=False,
            rich_markup_mode=None,
        )

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry.summary) for name, entry in COMMANDS.items()])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a full disk or closed output is found here, inside the boundary
            return result
        except TimelineError as error:
            fail(str(error))
        except (typer.Exit, typer.Abort, click.ClickException, KeyboardInterrupt):
            raise
        except OSError as error:
            if error.errno == errno.EPIPE:
                raise  # the reader has gone: end quietly (exit 1)
            if error.filename is None:  # a stream, not a file: files have their own messages
                fail(cannot_write(error))
            raise
        except Exception as error:
            if debugging():
                raise
            fail(
                f"internal error: {type(error).__name__}: {error} (set TIMELINE_DEBUG=1 for details)"
            )

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except UsageError as error:
            usage_error(error)
        except click.ClickException as error:
            fail(error.format_message())
        except typer.Abort:
            sys.stderr.write("error: aborted\n")
            result = 1
        code = result if isinstance(result, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def split_examples(doc: str) -> tuple[str, str | None]:
    """A command's docstring as its help, and its closing `Examples:` paragraphs as the help's
    last part (after the options), each example printed as written: `\\b` stops Click from
    rewrapping it."""
    found = re.search(r"^Examples?:\s*$", doc, re.MULTILINE)
    if found is None:
        return doc, None
    heading, body = found[0].strip(), doc[found.end() :].strip("\n")
    examples = [block for block in re.split(r"\n\s*\n", body) if block.strip()]
    return doc[: found.start()].rstrip(), "\n\n".join(
        [heading, *(f"\b\n{block}" for block in examples)]
    )


def usage_error(error: UsageError) -> NoReturn:
    """One `error:` line and a hint, exit 2: the same for every command and every option."""
    message = error.format_message()
    message = message[:1].lower() + message[1:]
    sys.stderr.write(f"error: {for_terminal(message)}\n")
    context = error.ctx
    if context is not None:
        sys.stderr.write(f"hint: see '{context.command_path} --help'\n")
    sys.stderr.flush()
    sys.exit(2)


def fail(message: str) -> NoReturn:
    """Print an expected failure (one `error:` line per line of `message`) and exit 1."""
    for line in message.splitlines() or [""]:
        sys.stderr.write(f"error: {for_terminal(line)}\n")
    sys.stderr.flush()
    raise typer.Exit(1)


def cannot_write(error: OSError) -> str:
    reason = "it is closed" if error.errno == errno.EBADF else (error.strerror or str(error))
    return f"cannot write to standard output: {reason}"


def debugging() -> bool:
    return os.environ.get("TIMELINE_DEBUG", "") not in ("", "0")


def _version(value: bool) -> None:
    if value:
        from timeline.version import VERSION

        sys.stdout.write(f"timeline {VERSION}\n")
        raise typer.Exit()


app = typer.Typer(
    cls=Commands,
    name="timeline",
    help="Filter, read, analyse and export a sourced event timeline.\n\n"
    "Ships a curated log of the Korean Peninsula crisis; point --data (or TIMELINE_DATA) at your own.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Example:  timeline list --actor DPRK --from 2023",
)


@app.callback()
def _root(
    ctx: typer.Context,
    data: options.DataOption = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = {"data": data}
