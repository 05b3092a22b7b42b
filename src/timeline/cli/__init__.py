"""The `timeline` command line: parse options, load the log, query, render.

`main` is the console entry point; the application, its commands and the error boundary are in
`timeline.cli.app`, each command in a module of its own group (`reading`, `analysing`,
`authoring`, `adding`), and their shared options in `options`. Ctrl-C exits 130 and SIGTERM 143
(128 + 15), both after removing any file half written.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys
from typing import NoReturn


def main() -> None:
    """Console entry point."""
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN:  # ignored on purpose by our parent
        signal.signal(signal.SIGTERM, _exit_on_signal)
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    if sys.stderr is not None and sys.stderr.isatty():  # long work shows a bar there
        from timeline import progress
        from timeline.cli.progress_bar import Bar

        progress.install(Bar(sys.stderr))
    from timeline.cli.app import app

    try:
        app(prog_name="timeline")
    except SystemExit as finished:
        indexing = sys.modules.get("timeline.index")
        if indexing is not None and finished.code in (0, None):
            indexing.build_deferred_indexes()
        _exit_at_once(finished.code)


def _exit_on_signal(number: int, frame: object) -> None:
    # Raised where the program is, like KeyboardInterrupt for Ctrl-C: it unwinds through every
    # cleanup (a temporary file removed, a lock released) and exits with 128 + the signal.
    raise SystemExit(128 + number)


class _ClosedStdout(io.TextIOBase):
    """Standard output when the process started with it closed (`timeline list >&-`).

    Writing raises EBADF, which the error boundary reports as `cannot write to standard output`.
    Commands that write only to files (`export -o`, `fmt`) work as usual. Descriptor 1 is held
    open on /dev/null meanwhile, so that no file the command opens is given it (and written to as
    if it were stdout).
    """

    def __init__(self) -> None:
        super().__init__()
        held = os.open(os.devnull, os.O_WRONLY)
        if held != 1:
            os.dup2(held, 1)
            os.close(held)

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return 1


def _exit_at_once(code: object) -> NoReturn:
    """Exit without tearing the interpreter down: freeing a large log's millions of objects one
    by one takes longer than the command itself. Every file is closed by now; stdout and stderr
    are flushed here: a reader that has gone away ends the command quietly, any other failure to
    write is said."""
    if isinstance(code, int):
        status = code
    elif code is None:
        status = 0
    else:
        sys.stderr.write(f"{code}\n")
        status = 1
    try:
        sys.stdout.flush()
    except OSError as error:
        if error.errno != errno.EPIPE:
            from timeline.cli.app import cannot_write

            with contextlib.suppress(OSError, ValueError):
                sys.stderr.write(f"error: {cannot_write(error)}\n")
        status = status or 1
    except ValueError:  # a stream already closed
        status = status or 1
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)
