from __future__ import annotations

import json
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from timeline.cli.app import app

# Tests interrupt the commands they start. A run launched in the background, where the shell sets
# SIGINT to be ignored and children inherit that, must not pass it on to them.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small.json"
HOSTILE = FIXTURES / "hostile.json"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """CLI tests never read the user's log, index or terminal settings; tables have a fixed width."""
    monkeypatch.setenv("TIMELINE_DATA", str(SMALL))
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TIMELINE_INDEX", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    for name in ("FORCE_COLOR", "TIMELINE_DEBUG", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


class Run:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr


@pytest.fixture
def run() -> Callable[..., Run]:
    """Invoke the CLI in-process; fail loudly on an unexpected exit code."""
    runner = CliRunner()

    def invoke(
        *args: str, expect: int = 0, env: dict[str, str] | None = None, input: str | None = None
    ) -> Run:
        result = runner.invoke(app, list(args), env=env, input=input)
        outcome = Run(result.exit_code, result.stdout, result.stderr)
        assert result.exit_code == expect, (
            f"exit {result.exit_code}, expected {expect}\nstdout: {result.stdout}\nstderr: {result.stderr}"
            f"\nexception: {result.exception!r}"
        )
        assert "Traceback" not in result.stdout + result.stderr
        return outcome

    return invoke


@pytest.fixture
def write_log(tmp_path: Path) -> Callable[..., Path]:
    """Write a log (a dict, or raw bytes/str) to a temporary file and return its path."""
    counter = iter(range(1_000_000))

    def write(content: Any, name: str | None = None) -> Path:
        path = tmp_path / (name or f"log-{next(counter)}.json")
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content, indent=2), encoding="utf-8")
        return path

    return write


def minimal_log(**event_fields: Any) -> dict[str, Any]:
    """A valid one-event log; keyword arguments replace fields of the event."""
    event: dict[str, Any] = {
        "id": "only-event",
        "title": "The only event",
        "date": "2020-05-01",
        "type": "meeting",
        "actors": ["AAA"],
        "summary": "Something happened.",
        "sources": ["src"],
    }
    event.update(event_fields)
    return {
        "title": "Minimal",
        "actors": [{"id": "AAA", "name": "Alpha", "kind": "state"}],
        "sources": [{"id": "src", "publisher": "P", "title": "T", "url": "https://example.org/"}],
        "events": [event],
    }


def everything(log: Any, events: Any = None) -> Any:
    """A selection of every event of `log` (or of `events`), with relations, as renderers take it."""
    from timeline.query import selection_of

    return selection_of(log, log.events if events is None else events, with_related=True)
