"""Documentation that cannot drift.

- Every `$ timeline ...` example in README.md and docs/ prints what the page shows (under the
  normalisation stated in docs/examples.py); `python docs/examples.py` refreshes them.
- Every Python example in docs/library.md runs.
- Every registered command's `--help` ends with examples, and each of them runs.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docs.examples import DESK, FILES, ROOT, refreshed

from timeline.cli.app import COMMANDS


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_prints_what_the_page_shows(path: Path) -> None:
    current = path.read_text(encoding="utf-8")
    wanted = refreshed(path)
    if wanted != current:
        difference = "".join(
            difflib.unified_diff(
                current.splitlines(keepends=True), wanted.splitlines(keepends=True), "page", "now"
            )
        )
        pytest.fail(f"{path.name} is stale; run: python docs/examples.py\n{difference}")


def test_every_page_has_examples_and_the_readme_stays_short() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    for name in ("usage", "analysis", "publishing", "authoring"):
        assert "\n$ timeline " in (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """The folder the examples run in: docs/examples/, committed to git (for `diff git:...`)."""
    folder = tmp_path / "desk"
    shutil.copytree(DESK, folder)
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "desk"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=folder,
            check=True,
            capture_output=True,
        )
    return folder


def _environment(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIMELINE_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["TIMELINE_CACHE_DIR"] = str(folder / ".cache")
    return env


def test_the_python_examples_of_the_library_page_run(desk: Path) -> None:
    page = (ROOT / "docs" / "library.md").read_text(encoding="utf-8")
    programs = re.findall(r"```python\n(.*?)```", page, re.DOTALL)
    assert len(programs) >= 2
    for program in programs:
        finished = subprocess.run(
            [sys.executable, "-c", program],
            cwd=desk,
            env=_environment(desk),
            capture_output=True,
            text=True,
            check=False,
        )
        assert finished.returncode == 0, finished.stderr
        assert finished.stdout


def help_examples(name: str) -> list[str]:
    """The example commands a command's --help ends with (continuation lines joined)."""
    shown = subprocess.run(
        [sys.executable, "-m", "timeline", name, "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "100"},
    ).stdout
    heading = list(re.finditer(r"^  Examples?:$", shown, re.MULTILINE))
    assert heading, f"timeline {name} --help has no examples"
    tail = shown[heading[-1].end() :]
    assert "--" not in re.sub(r"^\s+timeline .*$|^\s+--?\S.*\\$|^\s+.*$", "", tail, flags=re.M)
    text = tail.replace("\\\n", " ")
    commands = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    assert commands and all(c.startswith("timeline ") for c in commands), commands
    return commands


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_help_ends_with_examples_that_run(name: str, desk: Path) -> None:
    for command in help_examples(name):
        finished = subprocess.run(
            ["bash", "-c", command],
            cwd=desk,
            env=_environment(desk),
            capture_output=True,
            text=True,
            check=False,
        )
        assert finished.returncode == 0, f"{command}\n{finished.stderr}"
