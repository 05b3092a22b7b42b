"""The functions behind `from timeline import ...`: load a log, choose events, write any format.

    import sys
    from timeline import load_log, select, write

    log = load_log()  # the bundled log; or load_log("my-log.json")
    chosen = select(log, actors=["DPRK"], date_from="2023", types=["weapons-test"])
    write(chosen, "csv", sys.stdout)

Every rule `timeline validate` applies is applied by `load_log`; a bad log raises `LogError`
listing every problem, an unknown actor or tag raises `LookupFailed`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from timeline.dates import PartialDate
from timeline.model import Log
from timeline.query import Filters, Selection, SortKey
from timeline.query import select as _select
from timeline.render.formats import FORMATS, Options
from timeline.store import atomic_output, bundled_log_path
from timeline.store import load_log as _load_log


def load_log(path: str | Path | None = None) -> Log:
    """The log at `path`, checked whole (every rule `timeline validate` applies); the bundled
    log when `path` is None."""
    return _load_log(Path(path) if path is not None else bundled_log_path())


def select(
    log: Log,
    filters: Filters | None = None,
    *,
    actors: Sequence[str] = (),
    types: Sequence[str] = (),
    tags: Sequence[str] = (),
    date_from: str | PartialDate | None = None,
    date_to: str | PartialDate | None = None,
    search: str | None = None,
    sort: SortKey = "date",
    reverse: bool = False,
    limit: int | None = None,
) -> Selection:
    """The events of `log` matching every criterion (as `timeline list` takes them), in order.

    Give a `Filters`, or the criteria as keywords; dates may be written as in a log (`"2023"`,
    `"2023-07-18"`). The result holds the chosen events and every actor, source and related
    event they reference: what `write` needs for any format.
    """
    if filters is None:
        filters = Filters(
            actors=actors,
            types=types,
            tags=tags,
            date_from=_date(date_from),
            date_to=_date(date_to),
            search=search,
        )
    return _select(log, filters, sort=sort, reverse=reverse, limit=limit, with_related=True)


def write(
    selection: Selection,
    format: str,
    output: IO[str] | str | Path | None = None,
    *,
    raw: bool = False,
    group_by: str = "type",
    overwrite: bool = False,
) -> None:
    """Write `selection` in `format` (one of `FORMAT_NAMES`) to a stream, or atomically to a
    file (an existing file only with `overwrite`); standard output by default."""
    try:
        writer = FORMATS[format]
    except KeyError:
        raise ValueError(f"no format {format!r}; one of: {', '.join(FORMATS)}") from None
    options = Options(raw=raw, group_by=group_by)
    if output is None or not isinstance(output, str | Path):
        writer.write(selection, output or sys.stdout, options)
        return
    with atomic_output(Path(output), overwrite=overwrite) as stream:
        writer.write(selection, stream, options)


FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS)


def _date(value: str | PartialDate | None) -> PartialDate | None:
    return PartialDate(value) if isinstance(value, str) else value
