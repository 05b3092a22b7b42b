"""A smoke run of the benchmark scripts: they stay runnable, and the generated logs are valid."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from timeline.lint import warnings
from timeline.store import load_log

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def generate(count: int, target: Path, seed: int = 1) -> Path:
    subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "generate.py"),
            str(count),
            "--seed",
            str(seed),
            "-o",
            str(target),
        ],
        check=True,
    )
    return target


def test_generated_logs_are_valid_and_deterministic(tmp_path: Path) -> None:
    first = generate(300, tmp_path / "a.json")
    again = generate(300, tmp_path / "b.json")
    other = generate(300, tmp_path / "c.json", seed=2)
    log = load_log(first)
    assert len(log.events) == 300
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    assert {e.date.precision for e in log.events} == {"year", "month", "day"}
    assert all(e.sources for e in log.events)
    warnings(log)  # the near-duplicate scan must finish on generated data


def test_the_benchmark_runner_prints_every_row(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "run.py"),
            "--sizes",
            "1500",  # just over the size at which a log is indexed
            "--runs",
            "1",
            "--json",
            "--work",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    result = json.loads(done.stdout)
    assert [row["row"] for row in result["startup"]] == [
        "import floor (python -c 'import typer')",
        "timeline list --actor DPRK",
        "timeline show hanoi-2019",
        "timeline --help",
        "timeline --version",
        "completion of an event id (show h<TAB>)",
    ]
    scale = result["scale"]
    assert [row["row"] for row in scale] == [
        "1,500 events, first query",
        "1,500 events, repeated (indexed)",
        "1,500 events, show event-750",
        "1,500 events, show a mistyped id",
    ]
    assert scale[0]["index_build_s"] > 0
    assert scale[0]["index_build_ratio"] > 0
    assert 0 < scale[0]["index_size_ratio"] < 5
    assert scale[2]["startup_ratio"] > 0 and scale[3]["startup_ratio"] > 0
    for row in scale:
        assert row["timeline_s"] > 0 and row["timeline_peak_mb"] > 0
        if shutil.which("jq") and "startup_ratio" not in row:
            assert row["time_ratio"] > 0 and row["memory_ratio"] > 0
