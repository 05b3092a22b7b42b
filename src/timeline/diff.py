"""What changed between two versions of a log: its title and description, and the actors,
sources and events added, removed and changed, field by field.

Values are shown as the log writes them (`true`, `"2023-07"`, an actor id), never as Python
would print them.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from timeline.dates import PartialDate
from timeline.document import actor_json, era_json, event_json, source_json, type_json
from timeline.model import Log
from timeline.query import sort_events

# The sections compared, and the noun for one of their records.
RECORDS = {
    "log": "log",
    "types": "type",
    "eras": "era",
    "actors": "actor",
    "sources": "source",
    "events": "event",
}


class FieldChange(NamedTuple):
    field: str
    old: Any
    new: Any
    summary: str  # "made more precise: 2023 -> 2023-07-18", "source added: yonhap-2023-07-18"


class Change(NamedTuple):
    section: str  # "log", "actors", "sources" or "events"
    change: str  # "added", "removed" or "changed"
    id: str
    title: str  # what the record is called: an event's title, an actor's name, a source's title
    fields: list[FieldChange]

    @property
    def noun(self) -> str:
        return RECORDS[self.section]


def compare(old: Log, new: Log) -> list[Change]:
    """Changes from `old` to `new`: the log's own fields, then its types, eras, actors, sources
    and events (in the new log's chronological order), each section's removals last."""
    changes: list[Change] = []
    header = _field_changes(_header(old), _header(new))
    if header:
        changes.append(Change("log", "changed", "", new.title, header))
    changes += _section(
        "types", [(t.id, t.label, type_json(t)) for t in old.vocabulary],
        [(t.id, t.label, type_json(t)) for t in new.vocabulary],
    )  # fmt: skip
    changes += _section(
        "eras", [(e.id, e.title, era_json(e)) for e in old.eras],
        [(e.id, e.title, era_json(e)) for e in new.eras],
    )  # fmt: skip
    changes += _section(
        "actors", [(a.id, a.name, actor_json(a)) for a in old.actors],
        [(a.id, a.name, actor_json(a)) for a in new.actors],
    )  # fmt: skip
    changes += _section(
        "sources", [(s.id, s.label, source_json(s)) for s in old.sources],
        [(s.id, s.label, source_json(s)) for s in new.sources],
    )  # fmt: skip
    changes += _section(
        "events", [(e.id, e.title, event_json(e)) for e in old.events],
        [(e.id, e.title, event_json(e)) for e in sort_events(new.events)],
    )  # fmt: skip
    return changes


def _header(log: Log) -> dict[str, Any]:
    return {"title": log.title, "description": log.description}


def _section(
    section: str,
    old: list[tuple[str, str, dict[str, Any]]],
    new: list[tuple[str, str, dict[str, Any]]],
) -> list[Change]:
    before = {record_id: record for record_id, _, record in old}
    after = {record_id for record_id, _, _ in new}
    changes: list[Change] = []
    for record_id, title, record in new:
        if record_id not in before:
            changes.append(Change(section, "added", record_id, title, []))
            continue
        fields = _field_changes(before[record_id], record)
        if fields:
            changes.append(Change(section, "changed", record_id, title, fields))
    changes += [
        Change(section, "removed", record_id, title, [])
        for record_id, title, _ in old
        if record_id not in after
    ]
    return changes


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    return [_describe(field, old[field], new[field]) for field in old if old[field] != new[field]]


def _describe(field: str, old: Any, new: Any) -> FieldChange:
    if isinstance(old, list) and isinstance(new, list):
        added = [written(v) for v in new if v not in old]
        removed = [written(v) for v in old if v not in new]
        noun = field[:-1] if field.endswith("s") else field
        parts = [f"{noun} added: {', '.join(added)}"] if added else []
        parts += [f"{noun} removed: {', '.join(removed)}"] if removed else []
        return FieldChange(field, old, new, "; ".join(parts) or "reordered")
    if field in ("date", "end", "published") and isinstance(old, str) and isinstance(new, str):
        return FieldChange(field, old, new, f"{_date_change(old, new)}: {old} -> {new}")
    if field == "status":
        return FieldChange(field, old, new, f"revised: {old} -> {new}")
    if old in (None, False, ""):  # absent from the log: what was not written
        return FieldChange(field, old, new, f"added: {written(new)}")
    if new in (None, False, ""):
        shown = written(old)
        return FieldChange(field, old, new, "removed" if len(shown) > 60 else f"removed: {shown}")
    if isinstance(old, str) and isinstance(new, str) and (len(old) > 60 or len(new) > 60):
        return FieldChange(field, old, new, "edited")
    return FieldChange(field, old, new, f"{written(old)} -> {written(new)}")


def _date_change(old: str, new: str) -> str:
    a, b = PartialDate(old), PartialDate(new)
    if a.earliest <= b.earliest and b.latest <= a.latest:
        return "made more precise"
    if b.earliest <= a.earliest and a.latest <= b.latest:
        return "made less precise"
    return "moved"


def written(value: Any) -> str:
    """A value as the log writes it: text as it is, anything else as JSON (`true`, `{"id": ...}`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return json.dumps({k: v for k, v in value.items() if v is not None}, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)
