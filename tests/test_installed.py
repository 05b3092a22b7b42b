"""The real command in real processes: entry points, pipes, signals and the wheel's bundled data."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from tests.conftest import SMALL

ROOT = Path(__file__).resolve().parents[1]


def command() -> list[str]:
    found = shutil.which("timeline", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "timeline"]


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIMELINE_", "FORCE_COLOR"))}
    env.update(extra)
    return env


def test_the_console_script_and_python_m_both_run() -> None:
    for argv in (command(), [sys.executable, "-m", "timeline"]):
        result = subprocess.run(
            [*argv, "--help"], capture_output=True, text=True, env=environment(), check=False
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Usage: timeline [OPTIONS] COMMAND [ARGS]...")


def test_the_bundled_log_lists_from_any_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [*command(), "list", "--actor", "DPRK"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment(),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "hanoi-2019" in result.stdout


def test_piping_into_head_prints_no_error() -> None:
    many = subprocess.run(
        f"{' '.join(command())} list | head -1",
        shell=True,
        capture_output=True,
        text=True,
        env=environment(TIMELINE_DATA=str(SMALL)),
        check=False,
    )
    assert many.stdout.count("\n") == 1
    assert many.stderr == ""


def test_a_closed_stdout_mid_export_is_quiet(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    events = ",".join(
        f'{{"id": "e{i}", "title": "Event {i}", "date": "2020", "type": "meeting", "actors": ["A"], '
        f'"summary": "{"x" * 200}"}}'
        for i in range(5000)
    )
    big.write_text(
        f'{{"actors": [{{"id": "A", "name": "A", "kind": "state"}}], "events": [{events}]}}'
    )
    process = subprocess.Popen(
        [*command(), "export", "-f", "jsonl", "--data", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.stderr.close()
    process.wait(timeout=60)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
    assert process.returncode in (0, 1)


def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    # The interrupt arrives while the command waits for its (never-ending) log on a FIFO.
    fifo = tmp_path / "log.json"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [*command(), "list", "--data", str(fifo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    with fifo.open("w") as writer:  # blocks until the command has opened the FIFO
        writer.write('{"events": [')
        writer.flush()
        wait_until_blocked_reading(process.pid)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert b"Traceback" not in err
    assert out == b""


def wait_until_blocked_reading(pid: int) -> None:
    """A signal that lands between opening and reading would not interrupt the read: wait for it."""
    wchan = Path(f"/proc/{pid}/wchan")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if wchan.exists() and "pipe" in wchan.read_text():
            return
        time.sleep(0.02)
    pytest.fail("the command never started reading its log")


def test_a_wheel_carries_the_log_and_works_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    if build.returncode != 0:
        pytest.fail(f"wheel build failed: {build.stderr[-2000:]}")
    (wheel,) = dist.glob("timeline-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "timeline/data/events.json" in names
    assert "timeline/py.typed" in names
    for asset in ("page.html", "page.css", "page.js"):  # the HTML page's own files
        assert f"timeline/render/page/{asset}" in names
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", "from timeline.cli import main; main()", "list", "--actor", "DPRK"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=environment(PYTHONPATH=str(target)),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "hanoi-2019" in result.stdout
    located = subprocess.run(
        [sys.executable, "-c", "import timeline.store as s; print(s.bundled_log_path())"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=environment(PYTHONPATH=str(target)),
        check=True,
    )
    assert located.stdout.strip().startswith(str(target))
    page = subprocess.run(
        [sys.executable, "-m", "timeline", "export", "--format", "html", "--actor", "RUS"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=environment(PYTHONPATH=str(target)),
        check=True,
    )
    assert page.stdout.startswith("<!DOCTYPE html>") and "kim-putin-2023" in page.stdout
    library = subprocess.run(
        [sys.executable, "-c", "from timeline import load_log, select; print(load_log)"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=environment(PYTHONPATH=str(target)),
        check=True,
    )
    assert "function load_log" in library.stdout
    assert "timeline/importing/data/CAMEO2PLOVER-2021.txt" in names
    gdelt = ROOT / "tests" / "samples" / "gdelt" / "gdelt1_daily_rows_loum-geoutils.tsv"
    for args in (["init", "gdelt.json"], ["import", "gdelt", str(gdelt), "--into", "gdelt.json"]):
        subprocess.run(
            [sys.executable, "-m", "timeline", *args],
            capture_output=True,
            cwd=elsewhere,
            env=environment(PYTHONPATH=str(target)),
            check=True,
        )
    types = json.loads((elsewhere / "gdelt.json").read_text(encoding="utf-8"))["types"]
    assert {
        "id": "cameo-051",
        "label": "Praise or endorse",
        "description": "CAMEO event code 051",
        "plover": "SUPPORT",
    } in types  # fmt: skip  (PLOVER's table, read from the wheel)


def complete(words: str) -> list[str]:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    result = subprocess.run(
        command(),
        capture_output=True,
        text=True,
        check=True,
        env=environment(
            _TIMELINE_COMPLETE="complete_bash",
            COMP_WORDS=words,
            COMP_CWORD=str(cword),
            TIMELINE_DATA=str(SMALL),
        ),
    )
    return result.stdout.split()


def test_shell_completion_offers_event_ids_for_show() -> None:
    assert complete("timeline show h") == ["hanoi-2019"]
    assert complete("timeline show d") == ["dmz-2019", "drill-2023"]
    assert complete("timeline show HAN") == ["HANoi-2019"]


def test_shell_completion_offers_actor_ids_and_aliases_any_case() -> None:
    assert complete("timeline list --actor pr") == ["prk"]
    assert complete("timeline list --actor U") == ["USA", "US", "Unused-org"]
    assert complete("timeline list --type wea") == ["weapons-test"]
