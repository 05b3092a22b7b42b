"""Run the `$ timeline ...` examples in README.md and docs/*.md, and check or refresh their output.

    python docs/examples.py            # rewrite each example's output as the program prints it now
    python docs/examples.py --check    # exit 1, showing the difference, if any example is stale

An example is a fenced code block whose first line starts with `$ `. Each `$ ` line is run by
bash in a scratch folder holding the files of `docs/examples/` (so `--data desk.json` finds the
desk log), with `timeline` on the PATH; the lines up to the next `$ ` line are what it prints,
standard output and error together. The examples of one Markdown file run in order in one folder,
so a later example sees what an earlier one changed.

Stated normalisation, the same for every example: no colour, 100 columns, trailing spaces
removed, the bundled log unless `--data` names another, ICS stamped at $SOURCE_DATE_EPOCH, and
the scratch folder's path written as `.`. An HTML comment on the line before the fence adjusts
one block: `<!-- example: terminal 80 -->` runs it as on an 80-column terminal, and
`<!-- example: skip -->` leaves it alone (for what cannot run here, such as `pip install`).
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DESK = ROOT / "docs" / "examples"
FENCE = re.compile(r"^```[a-z]*\s*$")
DIRECTIVE = re.compile(r"^<!-- example: (.*?) -->\s*$")
WIDTH = 100
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z


class Block(NamedTuple):
    start: int  # the line of the opening fence
    end: int  # the line of the closing fence
    directive: str
    lines: list[str]


def blocks(text: str) -> Iterator[Block]:
    """The example blocks of a Markdown text."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        if FENCE.match(lines[index]):
            close = next(
                (i for i in range(index + 1, len(lines)) if lines[i].startswith("```")), None
            )
            if close is None:
                return
            body = lines[index + 1 : close]
            above = DIRECTIVE.match(lines[index - 1]) if index else None
            if body and body[0].startswith("$ "):
                yield Block(index, close, above[1] if above else "", body)
            index = close + 1
        else:
            index += 1


def run_block(block: Block, folder: Path) -> list[str]:
    """The block as the program prints it now: each command, then its output."""
    if block.directive == "skip":
        return block.lines
    environment = _environment(folder, block.directive)
    printed: list[str] = []
    for command in _commands(block.lines):
        printed.append(command)
        finished = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command[2:]],
            cwd=folder,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
            check=False,
        )
        output = finished.stdout.replace(str(folder.resolve()), ".").replace(str(folder), ".")
        output = re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\", "", output)
        printed += [line.rstrip() for line in output.rstrip("\n").split("\n") if output]
    return printed


def _commands(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("$ ")]


def _environment(folder: Path, directive: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("TIMELINE_", "FORCE_COLOR"))}
    bin_folder = str(Path(sys.executable).parent)
    keep.update(
        PATH=f"{bin_folder}{os.pathsep}{keep.get('PATH', '')}",
        NO_COLOR="1",
        COLUMNS=str(WIDTH),
        SOURCE_DATE_EPOCH=EPOCH,
        TIMELINE_CACHE_DIR=str(folder / ".cache"),
        TIMELINE_INDEX="off",
        LC_ALL="C.UTF-8",
    )
    keep.pop("TTY_COMPATIBLE", None)
    terminal = re.fullmatch(r"terminal (\d+)", directive)
    if terminal:
        keep.update(COLUMNS=terminal[1], TTY_COMPATIBLE="1")
    return keep


def refreshed(path: Path) -> str:
    """The text of `path` with every example's output as the program prints it now."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    with tempfile.TemporaryDirectory(prefix="timeline-examples-") as scratch:
        folder = Path(scratch) / "desk"
        shutil.copytree(DESK, folder)
        # Run in document order (later examples see earlier ones' changes) ...
        runs = [(block, run_block(block, folder)) for block in blocks(text)]
    for block, printed in reversed(runs):  # ... and splice from the end, so lines keep place
        lines[block.start + 1 : block.end] = printed
    return "\n".join(lines)


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = 0
    for path in FILES:
        current = path.read_text(encoding="utf-8")
        wanted = refreshed(path)
        if wanted == current:
            continue
        stale += 1
        if check:
            name = str(path.relative_to(ROOT))
            sys.stdout.writelines(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    wanted.splitlines(keepends=True),
                    name,
                    f"{name} (as printed now)",
                )
            )
        else:
            path.write_text(wanted, encoding="utf-8")
            print(f"refreshed {path.relative_to(ROOT)}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
