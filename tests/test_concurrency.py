"""Concurrent adds all land; an add killed at any moment leaves the old log or the new one."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import SMALL

from timeline.errors import LogError
from timeline.store import load_log

WORKER = """
import sys
from timeline.cli.app import app
path, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for number in range(count):
    try:
        app(["add", "--data", path, "--id", f"w{worker}-e{number}", "--title", f"Worker {worker} event {number}",
             "--date", "2020-01-01", "--type", "meeting", "--actor", "USA", "--summary", "Concurrent add.",
             "--lock-timeout", "120"], standalone_mode=False)
    except SystemExit as exit:
        if exit.code:
            raise
"""


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TIMELINE_")}


def test_four_processes_adding_fifty_events_each_all_land(tmp_path: Path) -> None:
    log = tmp_path / "log.json"
    shutil.copy(SMALL, log)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(log), str(n), "50"],
            env=environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(4)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err.decode()[-2000:]
    ids = {event.id for event in load_log(log).events}
    assert {f"w{w}-e{n}" for w in range(4) for n in range(50)} <= ids
    assert len(ids) == 6 + 200


def big_log(path: Path, events: int) -> None:
    document = json.loads(SMALL.read_text())
    for number in range(events):
        document["events"].append(
            {
                "id": f"filler-{number}",
                "title": f"Filler event {number}",
                "date": "2021-03-04",
                "type": "statement",
                "actors": ["USA", "ROK"],
                "summary": "x" * 400,
                "sources": ["wire-2019-02-28"],
            }
        )
    path.write_text(json.dumps(document, indent=2))


def test_an_add_killed_at_random_moments_never_breaks_the_log(tmp_path: Path) -> None:
    log = tmp_path / "log.json"
    big_log(log, 1500)
    command = [
        sys.executable,
        "-m",
        "timeline",
        "add",
        "--data",
        str(log),
        "--title",
        "Killed or not",
        "--date",
        "2022-02-02",
        "--type",
        "meeting",
        "--actor",
        "USA",
        "--summary",
        "Maybe added.",
    ]
    # Time one uninterrupted add, so that the kills below spread over its whole run.
    started = time.monotonic()
    subprocess.run([*command, "--id", "timed"], env=environment(), check=True, capture_output=True)
    duration = time.monotonic() - started
    random.seed(7)
    outcomes = {"old": 0, "new": 0}
    for attempt in range(20):
        before = load_log(log)
        process = subprocess.Popen(
            [*command, "--id", f"killed-{attempt}"],
            env=environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(random.uniform(0.3, 1.6) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        try:
            after = load_log(log)
        except LogError as error:  # pragma: no cover - this is the failure being looked for
            raise AssertionError(f"attempt {attempt}: the log no longer loads: {error}") from None
        ids_before = {e.id for e in before.events}
        ids_after = {e.id for e in after.events}
        assert ids_after in (ids_before, ids_before | {f"killed-{attempt}"})
        outcomes["new" if ids_after != ids_before else "old"] += 1
        for leftover in tmp_path.glob(".log.json.*.tmp"):
            leftover.unlink()  # a killed writer cannot remove its temporary file; the log is what matters
    print(f"kill outcomes: {outcomes}")
    # The kills landed both before and after the rename: both outcomes were exercised.
    assert outcomes["old"] >= 1
    assert outcomes["new"] >= 1
