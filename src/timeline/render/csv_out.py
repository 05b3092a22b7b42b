"""CSV for spreadsheets: standard quoting, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import IO

from timeline.model import Event, Log
from timeline.render.records import COLUMNS, as_row
from timeline.render.sanitize import for_terminal
from timeline.render.terminal import is_terminal

# A cell starting with one of these is evaluated by Excel, LibreOffice or Google Sheets (or, for
# tab and CR, shifts the cell); the full-width and small forms are folded to them by some
# spreadsheets. A leading apostrophe is escaped as well, so that unescaping is exact.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\0'＝＋－＠﹦﹢﹣﹫")


def defuse(cell: str) -> str:
    """Prefix `'` to a cell a spreadsheet would evaluate; `undefuse` reverses it exactly."""
    return "'" + cell if cell and cell[0] in FORMULA_TRIGGERS else cell


def undefuse(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def write_csv(events: Sequence[Event], log: Log, stream: IO[str], *, raw: bool = False) -> None:
    """RFC 4180 CSV (CRLF, quoted where needed), formula-safe unless `raw`.

    Written to a terminal rather than a file or pipe, cells also pass the terminal sanitiser.
    """
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    to_terminal = is_terminal(stream)
    for event in events:
        row = as_row(event, log)
        cells = [row[column] for column in COLUMNS]
        if not raw:
            cells = [defuse(cell) for cell in cells]
        if to_terminal:
            cells = [for_terminal(cell) for cell in cells]
        writer.writerow(cells)
