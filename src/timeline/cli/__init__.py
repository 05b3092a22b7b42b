"""The `timeline` command line: parse options, load the log, query, render.

This package is the one error boundary: expected failures (`TimelineError`) become one message on
stderr and exit 1; usage errors exit 2 (Typer); Ctrl-C exits 130 and SIGTERM 143 (128 + 15), both
after removing any file half written. Set TIMELINE_DEBUG=1 to see the
traceback of anything unexpected. Commands live in `reading` (list, show, export) and `authoring`
(validate, fmt, add, schema, diff); their shared options in `options`.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
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


def _exit_on_signal(number: int, frame: object) -> None:
    # Raised where the program is, like KeyboardInterrupt for Ctrl-C: it unwinds through every
    # cleanup (a temporary file removed, a lock released) and exits with 128 + the signal.
    raise SystemExit(128 + number)


class _ClosedStdout(io.TextIOBase):
    """Standard output when the process started with it closed (`timeline list >&-`).

    Nobody can read what is written, as with a pipe whose reader has gone: writing raises the
    same BrokenPipeError, which ends the command quietly with exit 1. Commands that write only to
    files (`export -o`, `fmt`) work as usual. Descriptor 1 is held open on /dev/null meanwhile,
    so that no file the command opens is given it (and written to as if it were stdout).
    """

    def __init__(self) -> None:
        super().__init__()
        held = os.open(os.devnull, os.O_WRONLY)
        if held != 1:
            os.dup2(held, 1)
            os.close(held)

    def write(self, text: str) -> int:
        raise BrokenPipeError(errno.EPIPE, "standard output is closed")

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return 1


def main() -> None:
    """Console entry point."""
    if (
        signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN
    ):  # ignored on purpose by whoever started us
        signal.signal(signal.SIGTERM, _exit_on_signal)
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    try:
        app(prog_name="timeline")
    except SystemExit as finished:
        indexing = sys.modules.get("timeline.index")
        if indexing is not None and finished.code in (0, None):
            indexing.build_deferred_indexes()
        _exit_at_once(finished.code)


def _exit_at_once(code: object) -> NoReturn:
    """Exit without tearing the interpreter down: freeing a large log's millions of objects one
    by one takes longer than the command itself. Every file is closed by now; stdout and stderr
    are flushed here, and a reader that has gone away ends the command quietly, as in `main`."""
    if isinstance(code, int):
        status = code
    elif code is None:
        status = 0
    else:
        sys.stderr.write(f"{code}\n")
        status = 1
    try:
        sys.stdout.flush()
    except (OSError, ValueError):  # a broken pipe, or a stream already closed
        status = status or 1
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)


from timeline.cli import analysis, authoring, reading  # noqa: E402  (registers the commands)

__all__ = ["analysis", "app", "authoring", "fail", "main", "reading"]
