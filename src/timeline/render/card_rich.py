"""The `show` card laid out with Rich, for a terminal."""

from __future__ import annotations

from typing import IO

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.table import Table
from rich.text import Text

from timeline.render.card import Card
from timeline.render.console import data_console, print_data
from timeline.render.phrases import time_under_date

_STATUS_STYLE = {
    "confirmed": "green",
    "reported": "yellow",
    "alleged": "magenta",
    "disputed": "red",
}


def write_card_rich(content: Card, stream: IO[str]) -> None:
    print_data(card(content), data_console(stream))


def card(content: Card) -> RenderableType:
    subtitle = Text.assemble(
        (content.id, "cyan"),
        " · ",
        content.type_line,
        " · ",
        (content.status, _STATUS_STYLE[content.status]),
    )
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    for label, value in content.facts:
        facts.add_row(Text(label), Text(value))
    parts: list[RenderableType] = [Text(content.title, style="bold"), subtitle, Text(), facts]
    for label, body in content.texts:
        parts += [
            Text(),
            Text(label, style="bold"),
            Padding(Text(body), (0, 0, 0, 2), expand=False),
        ]
    parts += [Text(), Text("Sources", style="bold")]
    if not content.citations:
        parts.append(Padding(Text("none given", style="yellow"), (0, 0, 0, 2), expand=False))
    for citation in content.citations:
        text = (
            Text.assemble((citation.publisher, "bold"), " — ", citation.title)
            if citation.publisher
            else Text(citation.title)
        )
        if citation.note:
            text.append("\n" + citation.note, style="dim italic")
        entry = Table.grid()
        entry.add_column(no_wrap=True)
        entry.add_column(overflow="fold")
        entry.add_row(Text(citation.marker), text)
        parts.append(Padding(entry, (0, 0, 0, 2), expand=False))
        # Never wrapped by us: the terminal's own soft wrap keeps a long URL whole and clickable.
        indent = 2 + len(citation.marker)
        for address in citation.urls:
            url = Text(" " * indent + address, no_wrap=True, overflow="ignore")
            url.stylize(Style(color="blue", link=address), indent)
            parts.append(url)
    if content.related:
        lines = Table.grid(padding=(0, 2))
        lines.add_column(no_wrap=True, style="italic")
        lines.add_column(no_wrap=True, style="cyan")
        lines.add_column(no_wrap=True)
        lines.add_column(overflow="fold")
        for rel, when, event_id, title in content.related:
            lines.add_row(Text(rel), Text(time_under_date(when)), Text(event_id), Text(title))
        parts += [Text(), Text("Related", style="bold"), Padding(lines, (0, 0, 0, 2), expand=False)]
    return Group(*parts)
