"""`diff` as a table, for a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from rich import box
from rich.table import Table
from rich.text import Text

from timeline.diff import Change
from timeline.render.console import data_console, print_data
from timeline.render.sanitize import one_line

_STYLE = {"added": "green", "removed": "red", "changed": "yellow"}


def write_changes_table(changes: Sequence[Change], stream: IO[str]) -> None:
    console = data_console(stream)
    table = Table(
        box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, expand=console.is_terminal
    )
    table.add_column("Change", no_wrap=True)
    table.add_column("Of", no_wrap=True)
    table.add_column("ID", no_wrap=True, style="bold")
    table.add_column("What", overflow="fold", ratio=1)
    for change in changes:
        what = Text(one_line(change.title))
        for field in change.fields:
            what.append(f"\n{field.field}: ", style="italic")
            what.append(one_line(field.summary))
        table.add_row(
            Text(change.change, style=_STYLE[change.change]),
            Text(change.noun),
            Text(change.id),
            what,
        )
    print_data(table, console)
