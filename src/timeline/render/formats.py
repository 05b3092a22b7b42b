"""The one registry of output formats, shared by `list` and `export`.

Writers import what they need when called, so a command pays only for the format it prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO, NamedTuple

from timeline.model import Event, Log


class Options(NamedTuple):
    raw: bool = False  # CSV: leave formula-like cells as they are
    group_by: str = "type"  # TimelineJS: the field that groups slides


Writer = Callable[[Sequence[Event], Log, IO[str], Options], None]


class Format(NamedTuple):
    name: str
    description: str
    write: Writer
    for_files: bool = True


def _table(events: Sequence[Event], log: Log, stream: IO[str], options: Options) -> None:
    from timeline.render.table import write_table

    write_table(events, stream)


def _tsv(events: Sequence[Event], log: Log, stream: IO[str], options: Options) -> None:
    from timeline.render.tsv import write_tsv

    write_tsv(events, stream)


def _csv(events: Sequence[Event], log: Log, stream: IO[str], options: Options) -> None:
    from timeline.render.csv_out import write_csv

    write_csv(events, log, stream, raw=options.raw)


def _json(events: Sequence[Event], log: Log, stream: IO[str], options: Options) -> None:
    from timeline.render.json_out import write_json

    write_json(events, stream)


def _jsonl(events: Sequence[Event], log: Log, stream: IO[str], options: Options) -> None:
    from timeline.render.json_out import write_jsonl

    write_jsonl(events, stream)


def _md(events: Sequence[Event], log: Log, stream: IO[str], options: Options) -> None:
    from timeline.render.markdown import write_markdown

    write_markdown(events, log, stream)


def _ics(events: Sequence[Event], log: Log, stream: IO[str], options: Options) -> None:
    from timeline.render.ics import write_ics

    write_ics(events, log, stream)


def _html(events: Sequence[Event], log: Log, stream: IO[str], options: Options) -> None:
    from timeline.render.html_out import write_html

    write_html(events, log, stream)


def _timelinejs(events: Sequence[Event], log: Log, stream: IO[str], options: Options) -> None:
    from timeline.render.timelinejs import write_timelinejs

    write_timelinejs(events, log, stream, group_by=options.group_by)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("table", "a table for reading in a terminal", _table, for_files=False),
        Format("tsv", "tab-separated lines: when, id, title, actors, type", _tsv),
        Format("csv", "CSV for spreadsheets, formula-safe", _csv),
        Format("json", "a JSON array of events, as the log holds them", _json),
        Format("jsonl", "JSON Lines: one event per line", _jsonl),
        Format("md", "a Markdown chronology for reports, headed by year, sources numbered", _md),
        Format("ics", "an iCalendar file: one all-day event per event", _ics),
        Format("html", "one self-contained page showing the timeline visually", _html),
        Format("timelinejs", "TimelineJS3 JSON, dates at their real precision", _timelinejs),
    )
}

FILE_FORMATS = [name for name, f in FORMATS.items() if f.for_files]
