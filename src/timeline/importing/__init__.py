"""Reading other people's timelines: each format's reader turns a file into drafts (events as a
log holds them, with their actors, sources and type still named the file's way), and `merge`
brings the drafts into a log.

A reader never guesses more than the file says: a date keeps the precision the format's own codes
give it, and a row it cannot read becomes a `Note` with its line number, never a silent drop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any, NamedTuple


class DraftActor(NamedTuple):
    """An actor as the file names it; `merge` finds it in the log or adds it."""

    name: str
    role: str | None = None
    code: str | None = None  # the file's own code for it (CAMEO, ISO 3166), tried as its id
    kind: str = "organisation"
    member_of: str | None = None  # the code of the state it belongs to, if the file says


class DraftSource(NamedTuple):
    url: str | None = None
    citation: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: str | None = None


class DraftType(NamedTuple):
    """An event type from the format's own taxonomy, declared in the log if it lacks it."""

    id: str
    label: str
    description: str | None = None
    plover: str | None = None


class Draft(NamedTuple):
    """One event read from a file, before it meets the log."""

    line: int  # where it starts in the file (a line, or a record's position), for reports
    fields: dict[str, Any]  # the event as a log holds it, less id, actors, sources and type
    type: DraftType | None = None
    actors: tuple[DraftActor, ...] = ()
    sources: tuple[DraftSource, ...] = ()
    key: str | None = None  # an id made from the file's own stable id for the record
    source_ids: tuple[str, ...] = ()  # sources the log already holds, by id


class Note(NamedTuple):
    """A row that is not an event (`skipped`), or one that could not be imported."""

    line: int | None
    message: str
    skipped: bool = False


class Reading(NamedTuple):
    drafts: list[Draft]
    notes: list[Note]
    eras: list[dict[str, Any]]
    unit: str = "line"  # what a Note's number counts: lines, or records of a JSON array


class Options(NamedTuple):
    """What the command line adds to a file's own data."""

    mapping: Mapping[str, str] = {}  # generic records: log field -> column (`date=when:year`)
    actor: str | None = None  # for an event the file names no actor for
    type: str | None = None  # for an event the file gives no type
    actor_ids: Mapping[str, str] = {}  # a name in the file -> an actor id in the log


Reader = Callable[[bytes, str, Options], Reading]


class Format(NamedTuple):
    name: str
    description: str
    module: str
    function: str = "read"

    def reader(self) -> Reader:
        reader: Reader = getattr(import_module(f"timeline.importing.{self.module}"), self.function)
        return reader


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("timelinejs", "a TimelineJS spreadsheet (CSV) or JSON file", "timelinejs"),
        Format("acled", "ACLED events (CSV)", "acled"),
        Format("ucdp", "UCDP GED events (CSV)", "ucdp"),
        Format("plover", "PLOVER-coded records (JSON array or JSON Lines)", "plover"),
        Format("gdelt", "GDELT 2.0 or 1.0 event rows (tab-separated)", "gdelt"),
        Format("ics", "an iCalendar file", "ics"),
        Format("csv", "rows of any CSV file, fields named with --map", "generic", "read_csv"),
        Format(
            "tsv", "rows of a tab-separated file, fields named with --map", "generic", "read_tsv"
        ),
        Format(
            "json", "a JSON array of records (a timeline export among them)", "generic", "read_json"
        ),
        Format("jsonl", "JSON Lines records", "generic", "read_jsonl"),
        Format("parquet", "Parquet records (needs the parquet extra)", "generic", "read_parquet"),
    )
}
