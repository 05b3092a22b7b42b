"""The `list` table for a terminal."""

from __future__ import annotations

from typing import IO

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from timeline.query import Selection
from timeline.render.console import data_console, print_data
from timeline.render.phrases import compact
from timeline.render.sanitize import one_line


def write_table(selection: Selection, stream: IO[str]) -> None:
    events = selection.events
    console = data_console(stream)
    # On a terminal the table fills the width, the title taking most of it; piped, it is unwrapped.
    table = Table(
        box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, expand=console.is_terminal
    )
    table.add_column("When", no_wrap=True, style="cyan")
    table.add_column("ID", no_wrap=True, style="bold")
    table.add_column("Title", overflow="fold", ratio=3)
    table.add_column("Actors", overflow="fold", ratio=2)
    table.add_column("Type", no_wrap=True)
    for event in events:
        table.add_row(
            Text(compact(event)),
            Text(one_line(event.id)),
            Text(one_line(event.title)),
            Text(one_line(", ".join(event.actor_ids))),
            Text(event.type),
        )
    count = Text(f"{len(events)} event{'' if len(events) == 1 else 's'}", style="dim")
    print_data(Group(table, count), console)
