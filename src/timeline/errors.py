"""Failures the user can act on. The CLI prints their message and exits 1; anything else is a bug."""

from __future__ import annotations


class TimelineError(Exception):
    """An expected failure, with a message meant for the user."""


class LogError(TimelineError):
    """A log that cannot be read or is not valid: every problem found, one line each."""

    def __init__(self, label: str, problems: list[str]) -> None:
        self.label = label
        self.problems = problems
        super().__init__("\n".join(f"{label}: {problem}" for problem in problems))


class LookupFailed(TimelineError):
    """An id, actor or tag the log does not have."""


class OutputError(TimelineError):
    """An output file that could not be written; nothing was changed."""
