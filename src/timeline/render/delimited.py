"""Delimited text (CSV, TSV): the one place where cells are made safe for spreadsheets.

A cell starting with one of `FORMULA_TRIGGERS` is evaluated by Excel, LibreOffice or Google
Sheets (or, for tab and CR, shifts the cell); the full-width and small forms are folded to them by
some spreadsheets. Every delimited output passes each cell through `defuse` (unless the user asks
for `--raw`), which prefixes `'`; a leading apostrophe is escaped as well, so `undefuse` is exact.
A plain number (`-157.858`, a longitude) is left alone: a spreadsheet reads it as that number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import IO

from timeline.model import Event, Log
from timeline.query import Selection
from timeline.render.records import COLUMNS, as_cells
from timeline.render.sanitize import for_terminal, one_line
from timeline.render.terminal import is_terminal

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\0'＝＋－＠﹦﹢﹣﹫")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)


def defuse(cell: str) -> str:
    """Prefix `'` to a cell a spreadsheet would evaluate; `undefuse` reverses it exactly."""
    if cell and cell[0] in FORMULA_TRIGGERS and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def undefuse(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


# A cell is quoted when it holds a delimiter, a quote or a line break: RFC 4180, and exactly what
# Python's `csv` writer does with QUOTE_MINIMAL (a test holds the two together).
_NEEDS_QUOTES = re.compile(r'[",\r\n]')


def csv_line(cells: Sequence[str]) -> str:
    """One CSV line (CRLF-terminated), quoted where needed."""
    if len(cells) == 1 and not cells[0]:
        return '""\r\n'  # (an empty line would read back as no cell at all)
    needs = _NEEDS_QUOTES.search
    return (
        ",".join(['"' + cell.replace('"', '""') + '"' if needs(cell) else cell for cell in cells])
        + "\r\n"
    )


def write_csv_rows(
    header: Sequence[str], rows: Iterable[Sequence[str]], stream: IO[str], *, raw: bool = False
) -> None:
    """RFC 4180 CSV (CRLF, quoted where needed), formula-safe unless `raw`.

    Written to a terminal rather than a file or pipe, cells also pass the terminal sanitiser;
    to a file or pipe they are exact (a reader gets back every character).
    """
    shown = is_terminal(stream)
    stream.write(csv_line(header))
    for row in rows:
        cells = row if raw else [defuse(cell) for cell in row]
        stream.write(csv_line([for_terminal(cell) for cell in cells] if shown else cells))


def write_tsv_rows(rows: Iterable[Sequence[str]], stream: IO[str], *, raw: bool = False) -> None:
    """Tab-separated lines: tabs, newlines and controls shown as escapes, formula-safe unless `raw`."""
    for row in rows:
        stream.write("\t".join(one_line(cell if raw else defuse(cell)) for cell in row))
        stream.write("\n")


def write_csv(selection: Selection, stream: IO[str], *, raw: bool = False) -> None:
    """Every field of every event, one row each (see `records.COLUMNS`)."""
    if raw or is_terminal(stream):
        rows = (as_cells(event, selection) for event in selection.events)
        write_csv_rows(COLUMNS, rows, stream, raw=raw)
        return
    stream.write(csv_line(COLUMNS))
    for event in selection.events:
        stream.write(event_line(event, selection))


def event_line(event: Event, selection: Selection) -> str:
    """An event's CSV line, formula-safe, for a file or pipe: what the index keeps ready.

    (`csv_line` of the defused cells, in one pass: a long export makes millions of cells.)"""
    needs, triggers = _NEEDS_QUOTES.search, FORMULA_TRIGGERS
    return (
        ",".join(
            [
                _cell(cell) if (cell and cell[0] in triggers) or needs(cell) else cell
                for cell in as_cells(event, selection)
            ]
        )
        + "\r\n"
    )


def _cell(cell: str) -> str:
    cell = defuse(cell)
    return '"' + cell.replace('"', '""') + '"' if _NEEDS_QUOTES.search(cell) else cell


def event_lines(log: Log) -> Callable[[Event], bytes]:
    """`event_line` for any event of `log`, in UTF-8: its line in any selection, since a line
    reads only the event's own actors and sources, and the log's types."""
    whole = Selection(
        title=log.title,
        description=log.description,
        events=(),
        actors=log.registry,
        sources=log.sources_by_id,
        vocabulary=log.vocabulary,
        eras=log.eras,
    )
    return lambda event: event_line(event, whole).encode()


HEADER_LINE = csv_line(COLUMNS)
