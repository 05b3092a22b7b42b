"""`validate` findings and `diff` changes, as text for people and JSON for programs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from timeline.diff import Change
from timeline.document import dumps
from timeline.errors import Finding
from timeline.render.sanitize import one_line


def write_findings_text(results: Sequence[tuple[str, list[Finding]]], stream: IO[str]) -> None:
    for file, findings in results:
        for finding in findings:
            stream.write(f"{finding.level}: {one_line(file)}: {one_line(str(finding))}\n")


def findings_json(results: Sequence[tuple[str, list[Finding]]]) -> str:
    return (
        dumps([finding.as_json(file) for file, findings in results for finding in findings]) + "\n"
    )


def write_changes_text(changes: Sequence[Change], stream: IO[str]) -> None:
    """One line per record (what happened to it, what it is, its id and name), then one per
    changed field."""
    width = max((len(change.id) for change in changes), default=0)
    for change in changes:
        stream.write(
            f"{change.change:<8} {change.noun:<6} {change.id:<{width}}  {one_line(change.title)}".rstrip()
            + "\n"
        )
        for field in change.fields:
            stream.write(f"{'':<15} {'':<{width}}    {field.field}: {one_line(field.summary)}\n")


def changes_json(changes: Sequence[Change]) -> str:
    document: list[dict[str, Any]] = [
        {
            "change": change.change,
            "section": change.section,
            "id": change.id,
            "title": change.title,
            "fields": [
                {"field": f.field, "old": f.old, "new": f.new, "summary": f.summary}
                for f in change.fields
            ],
        }
        for change in changes
    ]
    return dumps(document) + "\n"
