"""Delimited text (CSV, TSV): the one place where cells are made safe for spreadsheets.

A cell starting with one of `FORMULA_TRIGGERS` is evaluated by Excel, LibreOffice or Google
Sheets (or, for tab and CR, shifts the cell); the full-width and small forms are folded to them by
some spreadsheets. Every delimited output passes each cell through `defuse` (unless the user asks
for `--raw`), which prefixes `'`; a leading apostrophe is escaped as well, so `undefuse` is exact.
A plain number (`-157.858`, a longitude) is left alone: a spreadsheet reads it as that number.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO

from timeline.query import Selection
from timeline.render.records import COLUMNS, as_row
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


def write_csv_rows(
    header: Sequence[str], rows: Iterable[Sequence[str]], stream: IO[str], *, raw: bool = False
) -> None:
    """RFC 4180 CSV (CRLF, quoted where needed), formula-safe unless `raw`.

    Written to a terminal rather than a file or pipe, cells also pass the terminal sanitiser;
    to a file or pipe they are exact (a reader gets back every character).
    """
    writer = csv.writer(stream, lineterminator="\r\n")
    shown = for_terminal if is_terminal(stream) else str
    writer.writerow(header)
    for row in rows:
        writer.writerow([shown(cell if raw else defuse(cell)) for cell in row])


def write_tsv_rows(rows: Iterable[Sequence[str]], stream: IO[str], *, raw: bool = False) -> None:
    """Tab-separated lines: tabs, newlines and controls shown as escapes, formula-safe unless `raw`."""
    for row in rows:
        stream.write("\t".join(one_line(cell if raw else defuse(cell)) for cell in row))
        stream.write("\n")


def write_csv(selection: Selection, stream: IO[str], *, raw: bool = False) -> None:
    """Every field of every event, one row each (see `records.COLUMNS`)."""
    rows = (as_row(event, selection) for event in selection.events)
    write_csv_rows(COLUMNS, ([row[column] for column in COLUMNS] for row in rows), stream, raw=raw)
