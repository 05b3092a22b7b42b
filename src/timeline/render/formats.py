"""The one registry of output formats, shared by `list` and `export`.

Every writer takes a `Selection` (the chosen events and all they reference) and a stream. Writers
import what they need when called, so a command pays only for the format it prints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, NamedTuple

from timeline.query import Selection


class Options(NamedTuple):
    raw: bool = False  # delimited formats: leave formula-like cells as they are
    group_by: str = "type"  # TimelineJS: the field that groups slides


Writer = Callable[[Selection, IO[str], Options], None]


class Format(NamedTuple):
    name: str
    description: str
    write: Writer
    for_files: bool = True
    suffixes: tuple[str, ...] = ()  # file name endings that choose this format for `export -o`
    needs_related: bool = False  # the writer shows each event's related events
    options: frozenset[str] = frozenset()  # the format-specific options it takes
    binary: bool = False  # bytes, for a file or a pipe, never a terminal


def _table(selection: Selection, stream: IO[str], options: Options) -> None:
    from timeline.render.table import write_table

    write_table(selection, stream)


def _tsv(selection: Selection, stream: IO[str], options: Options) -> None:
    from timeline.render.tsv import write_tsv

    write_tsv(selection, stream, raw=options.raw)


def _csv(selection: Selection, stream: IO[str], options: Options) -> None:
    from timeline.render.delimited import write_csv

    write_csv(selection, stream, raw=options.raw)


def _json(selection: Selection, stream: IO[str], options: Options) -> None:
    from timeline.render.jsondoc import write_json

    write_json(selection, stream)


def _jsonl(selection: Selection, stream: IO[str], options: Options) -> None:
    from timeline.render.jsondoc import write_jsonl

    write_jsonl(selection, stream)


def _md(selection: Selection, stream: IO[str], options: Options) -> None:
    from timeline.render.markdown import write_markdown

    write_markdown(selection, stream)


def _ics(selection: Selection, stream: IO[str], options: Options) -> None:
    from timeline.render.ics import write_ics

    write_ics(selection, stream)


def _html(selection: Selection, stream: IO[str], options: Options) -> None:
    from timeline.render.page import write_html

    write_html(selection, stream)


def _parquet(selection: Selection, stream: IO[str], options: Options) -> None:
    from timeline.render.parquet import write_parquet

    write_parquet(selection, stream)


def _timelinejs(selection: Selection, stream: IO[str], options: Options) -> None:
    from timeline.render.timelinejs import write_timelinejs

    write_timelinejs(selection, stream, group_by=options.group_by)


_DELIMITED = frozenset({"raw"})

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("table", "a table for reading in a terminal", _table, for_files=False),
        Format(
            "tsv",
            "tab-separated lines: when, id, title, actors, type",
            _tsv,
            suffixes=("tsv", "tab"),
            options=_DELIMITED,
        ),
        Format(
            "csv",
            "CSV for spreadsheets, formula-safe",
            _csv,
            suffixes=("csv",),
            options=_DELIMITED | {"excel"},
        ),
        Format(
            "json",
            "a JSON array of events, every one in the same typed shape",
            _json,
            suffixes=("json",),
        ),
        Format(
            "jsonl",
            "JSON Lines: one typed event per line",
            _jsonl,
            suffixes=("jsonl", "ndjson"),
        ),
        Format(
            "md",
            "a Markdown chronology for reports, headed by year, sources numbered",
            _md,
            suffixes=("md", "markdown"),
        ),
        Format("ics", "an iCalendar file: one all-day event per event", _ics, suffixes=("ics",)),
        Format(
            "html",
            "one self-contained page showing the timeline visually",
            _html,
            suffixes=("html", "htm"),
            needs_related=True,
        ),
        Format(
            "timelinejs",
            "TimelineJS3 JSON, dates at their real precision",
            _timelinejs,
            options=frozenset({"group_by"}),
        ),
        Format(
            "parquet",
            "Apache Parquet for DuckDB, Spark, BigQuery (needs the parquet extra)",
            _parquet,
            suffixes=("parquet",),
            binary=True,
        ),
    )
}

FILE_FORMATS = [name for name, f in FORMATS.items() if f.for_files]
TEXT_FORMATS = [name for name, f in FORMATS.items() if not f.binary]


def format_for_suffix(name: str) -> str | None:
    """The format a file name's ending asks for (`.csv`, `.htm`, `.markdown`), if any."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for format_ in FORMATS.values():
        if suffix in format_.suffixes:
            return format_.name
    return None
