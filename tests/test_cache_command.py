"""`timeline cache`: where indexes live, their sizes, states and logs; pruning, clearing, the cap."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import SMALL, Run

from timeline import housekeeping, index
from timeline.errors import TimelineError
from timeline.query import Filters

RunCli = Callable[..., Run]


@pytest.fixture(autouse=True)
def indexed_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Index logs of any size, so that small test logs have indexes."""
    monkeypatch.setattr(index, "MIN_BYTES", 0)


def indexed_copy(folder: Path, name: str) -> Path:
    log = folder / name
    log.write_bytes(SMALL.read_bytes())
    index.select_from_file(log, Filters())  # builds its index at once
    target = index.index_file(log)
    assert target is not None and target.exists()
    return log


def entries(run: RunCli) -> list[dict[str, Any]]:
    """The indexes `timeline cache --format json` lists."""
    found: list[dict[str, Any]] = json.loads(run("cache", "--format", "json").stdout)["indexes"]
    return found


def size_of(log: Path) -> int:
    target = index.index_file(log)
    assert target is not None
    return target.stat().st_size


def test_the_cache_shows_each_index_its_log_size_and_state(run: RunCli, tmp_path: Path) -> None:
    log = indexed_copy(tmp_path, "desk.json")
    (entry,) = entries(run)
    assert entry["log"] == str(log.resolve())
    assert entry["state"] == "ready"
    assert entry["bytes"] == size_of(log)
    text = run("cache").stdout
    assert text.startswith(f"{os.environ['TIMELINE_CACHE_DIR']}: 1 index, ")
    assert "of the 4.0 GiB cap" in text
    assert "ready" in text and str(log.resolve()) in text


def test_a_changed_log_makes_a_stale_index_and_prune_removes_it(
    run: RunCli, tmp_path: Path
) -> None:
    log = indexed_copy(tmp_path, "desk.json")
    kept = indexed_copy(tmp_path, "other.json")
    log.write_bytes(log.read_bytes() + b"\n")
    states = {entry["log"]: entry["state"] for entry in entries(run)}
    assert states == {str(log.resolve()): "stale", str(kept.resolve()): "ready"}
    assert "removed 1 file" in run("cache", "--prune").stderr
    (entry,) = entries(run)
    assert entry["log"] == str(kept.resolve())


def test_indexes_of_logs_that_are_gone_are_pruned_when_another_is_built(
    run: RunCli, tmp_path: Path
) -> None:
    gone = indexed_copy(tmp_path, "gone.json")
    gone.unlink()
    (entry,) = entries(run)
    assert entry["state"] == "orphaned"
    kept = indexed_copy(tmp_path, "kept.json")
    assert [entry["log"] for entry in entries(run)] == [str(kept.resolve())]


def test_the_least_recently_used_indexes_go_when_the_cap_is_passed(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = indexed_copy(tmp_path, "first.json")
    second = indexed_copy(tmp_path, "second.json")
    size = size_of(first)
    target = index.index_file(second)
    assert target is not None
    os.utime(target, ns=(0, 0))  # used long ago
    index.select_from_file(first, Filters())  # used now (answered from its index)
    monkeypatch.setenv(housekeeping.CAP_ENV, str(2 * size + size // 2))
    third = indexed_copy(tmp_path, "third.json")
    logs = {entry["log"] for entry in entries(run)}
    assert logs == {str(first.resolve()), str(third.resolve())}


def test_an_index_larger_than_the_cap_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(housekeeping.CAP_ENV, "1K")
    log = tmp_path / "desk.json"
    log.write_bytes(SMALL.read_bytes())
    assert index.select_from_file(log, Filters()).events  # the log answers all the same
    target = index.index_file(log)
    assert target is not None and not target.exists()


def test_clear_removes_every_index_or_just_the_one_of_the_log_named(
    run: RunCli, tmp_path: Path
) -> None:
    first = indexed_copy(tmp_path, "first.json")
    second = indexed_copy(tmp_path, "second.json")
    assert "removed 1 file" in run("cache", "--clear", "--data", str(first)).stderr
    assert [entry["log"] for entry in entries(run)] == [str(second.resolve())]
    run("cache", "--clear")
    assert entries(run) == []
    assert index.select_from_file(first, Filters()).events  # and the logs still answer


def test_a_bad_cap_is_one_clear_error(run: RunCli) -> None:
    result = run("cache", expect=1, env={housekeeping.CAP_ENV: "lots"})
    assert result.stderr.startswith("error: TIMELINE_CACHE_MAX_SIZE='lots': give a size")


@pytest.mark.parametrize(
    ("text", "size"),
    [("1048576", 1 << 20), ("500M", 500 << 20), ("2g", 2 << 30), ("1.5GiB", 3 << 29), ("0", 0)],
)
def test_sizes_are_read_in_powers_of_1024(text: str, size: int) -> None:
    assert housekeeping.parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "-1G", "2X", "1e9"])
def test_a_size_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(TimelineError):
        housekeeping.parse_size(text)
