"""Failures the user can act on, and the findings that describe a log's problems.

The CLI prints a `TimelineError`'s message and exits 1; anything else is a bug.
"""

from __future__ import annotations

from typing import Any, NamedTuple

# The sections of a log, in the order the file holds them, and the noun for one record of each.
SECTION_NOUN = {
    "types": "type",
    "eras": "era",
    "actors": "actor",
    "sources": "source",
    "events": "event",
}


class Finding(NamedTuple):
    """One problem (or, from `validate`, one warning) in a log, with where it is."""

    message: str
    level: str = "error"
    section: str | None = None  # "events", "actors" or "sources"
    position: int | None = None
    item_id: str | None = None
    field: str | None = None  # a path inside the record or document: "date", "related[0].id"
    line: int | None = None  # for problems in the JSON text itself
    column: int | None = None

    def where(self) -> str:
        if self.line is not None:
            return f"line {self.line} column {self.column}"
        parts = []
        if self.section is not None:
            noun = SECTION_NOUN[self.section]
            position = f"{self.section}[{self.position}]"
            parts.append(
                f"{noun} {self.item_id!r} ({position})" if self.item_id else f"{noun} {position}"
            )
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message

    def as_json(self, file: str) -> dict[str, Any]:
        return {
            "file": file,
            "level": self.level,
            "section": self.section,
            "index": self.position,
            "id": self.item_id,
            "field": self.field,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class TimelineError(Exception):
    """An expected failure, with a message meant for the user."""


class LogError(TimelineError):
    """A log that cannot be read or is not valid: every problem found, one line each."""

    def __init__(self, label: str, findings: list[Finding]) -> None:
        self.label = label
        self.findings = findings
        super().__init__("\n".join(f"{label}: {finding}" for finding in findings))

    @property
    def problems(self) -> list[str]:
        return [str(finding) for finding in self.findings]


class LookupFailed(TimelineError):
    """An id, actor or tag the log does not have."""


class OutputError(TimelineError):
    """An output file that could not be written; nothing was changed."""
