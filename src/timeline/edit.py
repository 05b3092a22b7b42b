"""Changing a log without losing anything: making one, adding an event, importing, reformatting.

A change is a read-modify-write under the log's lock: the log is read and validated, changed,
validated whole again, and written atomically (the old file or the new, never a broken one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from timeline.document import compact_record, dumps, log_json, type_json
from timeline.errors import OutputError, TimelineError
from timeline.model import DEFAULT_TYPES, Event, Log
from timeline.query import sort_events
from timeline.slugs import propose_id, year_slug
from timeline.store import atomic_output, build_log, load_log, locked, parse_json, read_log_file

if TYPE_CHECKING:
    from timeline.importing import Options, Reading
    from timeline.importing.merge import Outcome


class Added(NamedTuple):
    log: Log  # the log with the event
    event: Event  # the event as added
    written: bool  # False for a dry run


def add_event(
    target: Path, additions: dict[str, Any], *, lock_timeout: float, dry_run: bool = False
) -> Added:
    """Add an event (and any new sources and actors) to the log at `target`.

    `additions` is an event object, or `{"event": ..., "sources": [...], "actors": [...]}`. An
    event without an id is given one from its title and year (`propose_id`). The whole log is
    validated with the event before anything is written; it is rewritten in canonical form.
    """
    with locked(target, timeout=lock_timeout):
        document = parse_json(_read_bytes(target), str(target))
        log = build_log(document, str(target))
        event = additions.get("event", additions)
        if isinstance(event, dict) and not event.get("id") and isinstance(event.get("title"), str):
            year = year_slug(event.get("date"))
            event["id"] = propose_id(event["title"], year, {e.id for e in log.events})
        try:
            changed = with_additions(document, additions)
        except ValueError as error:
            raise TimelineError(str(error)) from None
        new_log = build_log(changed, f"{target} with the new event")
        new_event = new_log.events[-1]
        if not dry_run:
            with atomic_output(target, overwrite=True) as stream:
                stream.write(canonical_text(new_log))
    return Added(new_log, new_event, written=not dry_run)


def create_log(target: Path, title: str, *, built_in_types: bool = True) -> Path | None:
    """Write a new, empty, canonical log at `target`, with the built-in types (or none), and a
    JSON Schema beside it for editors (`NAME.schema.json`, unless one is there). Returns the
    schema's path if it wrote one. Refuses to replace an existing file."""
    from timeline.schema import json_schema

    if target.exists() or target.is_symlink():
        raise OutputError(f"{target}: already exists; a new log needs a new name")
    schema_path = target.with_name(f"{target.stem}.schema.json")
    document: dict[str, Any] = {
        "$schema": schema_path.name,
        "title": title,
        "types": [compact_record(type_json(entry)) for entry in DEFAULT_TYPES]
        if built_in_types
        else [],
        "actors": [],
        "sources": [],
        "events": [],
    }
    text = canonical_text(build_log(document, str(target)))
    wrote_schema = not schema_path.exists()
    if wrote_schema:
        with atomic_output(schema_path, overwrite=False) as stream:
            stream.write(dumps(json_schema()) + "\n")
    with atomic_output(target, overwrite=False) as stream:
        stream.write(text)
    return schema_path if wrote_schema else None


class Imported(NamedTuple):
    outcome: Outcome
    written: bool


def import_into(
    target: Path,
    readings: Sequence[tuple[str, Reading]],
    *,
    options: Options,
    update: bool,
    lock_timeout: float,
    dry_run: bool = False,
    tick: Callable[[], None] | None = None,
) -> Imported:
    """Merge what was read into the log at `target` (see `importing.merge`), and write it, whole
    and valid, if anything was added or replaced (and this is no dry run)."""
    from timeline.importing.merge import merge

    with locked(target, timeout=lock_timeout):
        document = parse_json(_read_bytes(target), str(target))
        if not isinstance(document, dict):
            build_log(document, str(target))  # says what is wrong with it
        outcome = merge(document, str(target), readings, options=options, update=update, tick=tick)
        write = outcome.changes_log and not dry_run
        if write:
            text = canonical_text(build_log(outcome.document, str(target)))
            with atomic_output(target, overwrite=True) as stream:
                stream.write(text)
    return Imported(outcome, write)


def format_log(target: Path, *, lock_timeout: float, check: bool = False) -> bool:
    """Rewrite the log at `target` in canonical form; whether it was (or, with `check`, would
    be) changed. Values never change, so a log that is already canonical is left untouched."""
    if check:
        return _read_bytes(target) != canonical_text(load_log(target)).encode()
    with locked(target, timeout=lock_timeout):
        text = canonical_text(load_log(target))
        if _read_bytes(target) == text.encode():
            return False
        with atomic_output(target, overwrite=True) as stream:
            stream.write(text)
    return True


def _read_bytes(path: Path) -> bytes:
    return read_log_file(path)[0]


def canonical(log: Log) -> Log:
    """The same log with its events in chronological order (ties keep their order in the file)."""
    return Log(
        title=log.title,
        description=log.description,
        actors=log.actors,
        sources=log.sources,
        events=tuple(sort_events(log.events)),
        schema_url=log.schema_url,
        types=log.types,
        eras=log.eras,
    )


def canonical_text(log: Log) -> str:
    """The canonical file: fields in a fixed order, empty optional fields left out, events in
    chronological order, two-space indentation, UTF-8 (only invisible controls escaped), final
    newline. Loading it gives back the same values."""
    return dumps(log_json(canonical(log)), indent=2) + "\n"


def with_additions(document: dict[str, Any], additions: dict[str, Any]) -> dict[str, Any]:
    """`document` (a parsed log) with an event, and any new sources and actors, appended.

    `additions` is an event object, or `{"event": ..., "sources": [...], "actors": [...]}`.
    """
    if "event" in additions:
        unknown = set(additions) - {"event", "sources", "actors"}
        if unknown:
            raise ValueError(
                f"unexpected keys {sorted(unknown)}: give an event, or event, sources and actors"
            )
        event, sources, actors = (
            additions["event"],
            additions.get("sources", []),
            additions.get("actors", []),
        )
    else:
        event, sources, actors = additions, [], []
    changed = dict(document)
    changed["actors"] = [*document.get("actors", []), *actors]
    changed["sources"] = [*document.get("sources", []), *sources]
    changed["events"] = [*document.get("events", []), event]
    return changed
