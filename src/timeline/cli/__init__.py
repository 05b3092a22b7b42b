"""The `timeline` command line: parse options, load the log, query, render.

This package is the one error boundary: expected failures (`TimelineError`) become one message on
stderr and exit 1; usage errors exit 2 (Typer); Ctrl-C exits 130. Set TIMELINE_DEBUG=1 to see the
traceback of anything unexpected. Commands live in `reading` (list, show, export) and `authoring`
(validate, fmt, add, schema, diff); their shared options in `options`.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from timeline.cli import options
from timeline.errors import TimelineError
from timeline.render.sanitize import for_terminal


class _Commands(TyperGroup):
    """Turns expected failures into one clean message on stderr; the CLI's single error boundary."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except TimelineError as error:
            fail(str(error))
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            raise
        except Exception as error:
            if _debugging() or type(error).__module__.startswith("typer"):
                raise
            fail(
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


def fail(message: str) -> NoReturn:
    for line in message.splitlines() or [""]:
        sys.stderr.write(f"error: {for_terminal(line)}\n")
    sys.stderr.flush()
    raise typer.Exit(1)


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
    data: options.DataOption = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = {"data": data}


def main() -> None:
    """Console entry point."""
    app(prog_name="timeline")


from timeline.cli import analysis, authoring, reading  # noqa: E402  (registers the commands)

__all__ = ["analysis", "app", "authoring", "fail", "main", "reading"]
