"""The Rich console for data: no markup, no emoji codes, no highlighting of log text."""

from __future__ import annotations

from typing import IO

from rich.console import Console, RenderableType

# Piped or redirected output is laid out without a width limit, so that nothing a reader will
# copy (a URL, a summary) is wrapped or cut; trailing padding is then stripped.
UNWRAPPED_WIDTH = 100_000


def data_console(stream: IO[str]) -> Console:
    """A console that prints log text literally; colour follows NO_COLOR / FORCE_COLOR / the tty."""
    console = Console(file=stream, markup=False, emoji=False, highlight=False)
    if not console.is_terminal:
        console.width = UNWRAPPED_WIDTH
    return console


def print_data(renderable: RenderableType, console: Console) -> None:
    """Print to a terminal as laid out, or to a pipe unwrapped and without trailing padding."""
    if console.is_terminal:
        console.print(renderable, crop=False)  # a long URL runs on; the terminal wraps it whole
        return
    with console.capture() as captured:
        console.print(renderable)
    console.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
