"""The output formats of the commands that show something other than a list of events.

`list` and `export` print events through `formats.FORMATS`; `show`, `chain`, `stats`, `actors`,
`validate` and `diff` each have their own views, registered here: one name, one writer, so a
command picks its writer by name and never branches on the format. Writers import what they need
when called, so a command pays only for the view it prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from timeline.analysis import ActorRow, Count, EraRow, Link
    from timeline.diff import Change
    from timeline.errors import Finding
    from timeline.model import Event
    from timeline.query import Selection

Width = int | None  # the terminal's width, or None when piped


def _show_card(event: Event, selection: Selection, stream: IO[str]) -> None:
    from timeline.render.card import card_content, write_card_text
    from timeline.render.terminal import is_terminal

    content = card_content(event, selection)
    if is_terminal(stream):
        from timeline.render.card_rich import write_card_rich

        write_card_rich(content, stream)
    else:
        write_card_text(content, stream)


def _show_json(event: Event, selection: Selection, stream: IO[str]) -> None:
    from timeline.document import dumps
    from timeline.render.jsondoc import show_document

    stream.write(dumps(show_document(event, selection)) + "\n")


SHOW: dict[str, Callable[[Event, Selection, IO[str]], None]] = {
    "card": _show_card,
    "json": _show_json,
}


def _chain_text(root: Event, links: Sequence[Link], stream: IO[str], width: Width) -> None:
    from timeline.render.reports import write_chain

    write_chain(root, links, stream, width=width)


def _chain_json(root: Event, links: Sequence[Link], stream: IO[str], width: Width) -> None:
    from timeline.document import dumps
    from timeline.render.reports import chain_json

    stream.write(dumps(chain_json(root, links)) + "\n")


CHAIN: dict[str, Callable[[Event, Sequence[Link], IO[str], Width], None]] = {
    "text": _chain_text,
    "json": _chain_json,
}


def _counts_text(rows: Sequence[Count], by: str, stream: IO[str], width: Width) -> None:
    from timeline.render.reports import write_counts

    write_counts(rows, by, stream, width=width)


def _counts_json(rows: Sequence[Count], by: str, stream: IO[str], width: Width) -> None:
    from timeline.document import dumps
    from timeline.render.reports import counts_json

    stream.write(dumps(counts_json(rows, by)) + "\n")


def _counts_csv(rows: Sequence[Count], by: str, stream: IO[str], width: Width) -> None:
    from timeline.render.delimited import write_csv_rows

    write_csv_rows(
        [by, "label", "events", "within"],
        ([row.key, row.label, str(row.number), str(row.within)] for row in rows),
        stream,
    )


STATS: dict[str, Callable[[Sequence[Count], str, IO[str], Width], None]] = {
    "text": _counts_text,
    "json": _counts_json,
    "csv": _counts_csv,
}


def _actors_text(rows: Sequence[ActorRow], stream: IO[str], width: Width) -> None:
    from timeline.render.reports import write_actors

    write_actors(rows, stream, width=width)


def _actors_json(rows: Sequence[ActorRow], stream: IO[str], width: Width) -> None:
    from timeline.document import dumps
    from timeline.render.reports import actors_json

    stream.write(dumps(actors_json(rows)) + "\n")


ACTORS: dict[str, Callable[[Sequence[ActorRow], IO[str], Width], None]] = {
    "text": _actors_text,
    "json": _actors_json,
}


def _eras_text(rows: Sequence[EraRow], stream: IO[str], width: Width) -> None:
    from timeline.render.reports import write_eras

    write_eras(rows, stream, width=width)


def _eras_json(rows: Sequence[EraRow], stream: IO[str], width: Width) -> None:
    from timeline.document import dumps, era_json

    stream.write(dumps([{**era_json(row.era), "events": row.events} for row in rows]) + "\n")


ERAS: dict[str, Callable[[Sequence[EraRow], IO[str], Width], None]] = {
    "text": _eras_text,
    "json": _eras_json,
}

Results = Sequence[tuple[str, list["Finding"]]]


def _findings_text(results: Results, stream: IO[str]) -> None:
    from timeline.render.findings import write_findings_text

    write_findings_text(results, stream)


def _findings_json(results: Results, stream: IO[str]) -> None:
    from timeline.render.findings import findings_json

    stream.write(findings_json(results))


FINDINGS: dict[str, Callable[[Results, IO[str]], None]] = {
    "text": _findings_text,
    "json": _findings_json,
}


def _changes_table(changes: Sequence[Change], stream: IO[str]) -> None:
    from timeline.render.diff_table import write_changes_table

    write_changes_table(changes, stream)


def _changes_text(changes: Sequence[Change], stream: IO[str]) -> None:
    from timeline.render.findings import write_changes_text

    write_changes_text(changes, stream)


def _changes_json(changes: Sequence[Change], stream: IO[str]) -> None:
    from timeline.render.findings import changes_json

    stream.write(changes_json(changes))


CHANGES: dict[str, Callable[[Sequence[Change], IO[str]], None]] = {
    "table": _changes_table,
    "text": _changes_text,
    "json": _changes_json,
}
