"""Long work shows a bar on a terminal's stderr after about a second, and nothing otherwise."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.generate import write_log as write_synthetic_log

from timeline import progress
from timeline.cli.progress_bar import Bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bar_shows_only_once_the_work_has_lasted_a_second_and_is_erased_after() -> None:
    screen, clock = Terminal(), Clock()
    bar = Bar(screen, clock=clock)
    bar.start("Reading events", 10_000)
    bar.advance(2048)
    clock.now = 0.5
    bar.advance(2048)
    assert screen.getvalue() == ""  # quick work draws nothing
    clock.now = 1.2
    bar.advance(2048)
    drawn = screen.getvalue()
    assert "Reading events" in drawn and "6144/10000" in drawn
    bar.stop()
    assert screen.getvalue().endswith("\x1b[2K") or "\x1b[2K" in screen.getvalue()[len(drawn) :]


def test_work_reports_to_the_listener_installed_and_to_nobody_otherwise() -> None:
    seen: list[tuple[str, int]] = []

    class Listener:
        def start(self, task: str, total: int) -> None:
            seen.append((task, total))

        def advance(self, done: int) -> None:
            seen.append(("advance", done))

        def stop(self) -> None:
            seen.append(("stop", 0))

    items = tuple(range(5000))
    assert progress.counted("Writing", items) is items  # nobody listens: nothing is wrapped
    progress.install(Listener())
    try:
        assert list(progress.counted("Writing", items)) == list(items)
    finally:
        progress.install(None)
    assert seen == [("Writing", 5000), ("advance", 2048), ("advance", 2048), ("stop", 0)]


@pytest.fixture(scope="module")
def large_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("progress") / "log.json"
    with path.open("w", encoding="utf-8") as stream:
        write_synthetic_log(6000, 5, stream)
    return path


def test_a_pipe_never_sees_a_bar(large_log: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "timeline", "export", "--format", "json", "--data", str(large_log)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TIMELINE_INDEX": "off"},
    )
    assert done.stderr == ""
    assert done.stdout.startswith("[")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="script(1) from util-linux")
def test_on_a_terminal_a_long_load_and_export_show_their_bars(large_log: Path) -> None:
    import shutil

    if shutil.which("script") is None:
        pytest.skip("script(1) is not installed")
    command = (
        f"{sys.executable} -c 'import timeline.cli.progress_bar as b; b.DELAY = 0;"
        " from timeline.cli import main; main()' export --format json"
        f" --data {large_log} -o {large_log.with_suffix('.out.json')} --force"
    )
    shown = subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TIMELINE_INDEX": "off", "TERM": "xterm"},
    ).stdout
    assert "Reading events" in shown and "Writing events" in shown
    assert "wrote 6000 events" in shown
