"""What changed between two versions of a log: events added, removed and changed, field by field."""

from __future__ import annotations

from typing import Any, NamedTuple

from timeline.dates import PartialDate
from timeline.document import event_json
from timeline.model import Event, Log


class FieldChange(NamedTuple):
    field: str
    old: Any
    new: Any
    summary: str  # "made more precise: 2023 -> 2023-07-18", "source added: yonhap-2023-07-18"


class EventChange(NamedTuple):
    kind: str  # "added", "removed" or "changed"
    id: str
    title: str
    fields: list[FieldChange]


def compare(old: Log, new: Log) -> list[EventChange]:
    """Changes from `old` to `new`, in the new log's chronological order, removals last."""
    before = {event.id: event for event in old.events}
    after = {event.id: event for event in new.events}
    changes: list[EventChange] = []
    for event in sorted(new.events, key=lambda e: (e.earliest, e.latest)):
        if event.id not in before:
            changes.append(EventChange("added", event.id, event.title, []))
            continue
        fields = _field_changes(before[event.id], event)
        if fields:
            changes.append(EventChange("changed", event.id, event.title, fields))
    changes += [EventChange("removed", e.id, e.title, []) for e in old.events if e.id not in after]
    return changes


def _field_changes(old: Event, new: Event) -> list[FieldChange]:
    a, b = event_json(old), event_json(new)
    return [_describe(field, a[field], b[field]) for field in a if a[field] != b[field]]


def _describe(field: str, old: Any, new: Any) -> FieldChange:
    if isinstance(old, list) and isinstance(new, list):
        added = [_show(v) for v in new if v not in old]
        removed = [_show(v) for v in old if v not in new]
        noun = field[:-1] if field.endswith("s") else field
        parts = [f"{noun} added: {', '.join(added)}"] if added else []
        parts += [f"{noun} removed: {', '.join(removed)}"] if removed else []
        return FieldChange(field, old, new, "; ".join(parts) or "reordered")
    if field in ("date", "end") and isinstance(old, str) and isinstance(new, str):
        return FieldChange(field, old, new, f"{_date_change(old, new)}: {old} -> {new}")
    if field == "status":
        return FieldChange(field, old, new, f"revised: {old} -> {new}")
    if old is None:
        return FieldChange(field, old, new, "added")
    if new is None:
        return FieldChange(field, old, new, "removed")
    if isinstance(old, str) and isinstance(new, str) and (len(old) > 60 or len(new) > 60):
        return FieldChange(field, old, new, "edited")
    return FieldChange(field, old, new, f"{_show(old)} -> {_show(new)}")


def _date_change(old: str, new: str) -> str:
    a, b = PartialDate(old), PartialDate(new)
    if a.earliest <= b.earliest and b.latest <= a.latest:
        return "made more precise"
    if b.earliest <= a.earliest and a.latest <= b.latest:
        return "made less precise"
    return "moved"


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v is not None)
    return str(value)
