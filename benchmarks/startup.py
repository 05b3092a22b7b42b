"""Startup time of everyday commands, as a ratio to the import floor.

The floor is `python -c "import typer"`: what any Typer tool pays before doing anything. Each
command runs on the bundled log; runs are interleaved so that machine
noise affects all rows alike, and the median is reported.

    python benchmarks/startup.py            # 15 runs each
    python benchmarks/startup.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET = 1.2


def timeline_command() -> list[str]:
    script = shutil.which("timeline", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "timeline"]


def cases() -> dict[str, list[str]]:
    timeline = timeline_command()
    return {
        "import floor (python -c 'import typer')": [sys.executable, "-c", "import typer"],
        "timeline list --actor DPRK": [*timeline, "list", "--actor", "DPRK"],
        "timeline show hanoi-2019": [*timeline, "show", "hanoi-2019"],
        "timeline --help": [*timeline, "--help"],
        "timeline --version": [*timeline, "--version"],
        "completion of an event id (show h<TAB>)": [*timeline],
    }


def compile_package() -> None:
    """Byte-compile timeline as an installed package would be, so no run pays for compiling it.

    (The dependencies were compiled when pip installed them; an editable install, or a shell with
    PYTHONDONTWRITEBYTECODE set, would otherwise leave timeline alone compiling on every run.)
    """
    import compileall

    import timeline

    compileall.compile_dir(str(Path(timeline.__file__).parent), quiet=1)


def measure(runs: int, warmup: int) -> dict[str, list[float]]:
    compile_package()
    env = {k: v for k, v in os.environ.items() if k != "TIMELINE_DATA"}
    # What a shell's completion script sets to ask for the candidates of `timeline show h<TAB>`.
    completing = {
        **env,
        "_TIMELINE_COMPLETE": "complete_bash",
        "COMP_WORDS": "timeline show h",
        "COMP_CWORD": "2",
    }
    timings: dict[str, list[float]] = {name: [] for name in cases()}
    for round_number in range(warmup + runs):
        for name, argv in cases().items():
            start = time.perf_counter()
            done = subprocess.run(
                argv,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=completing if name.startswith("completion") else env,
                check=False,
            )
            elapsed = time.perf_counter() - start
            if done.returncode != 0:
                raise SystemExit(f"{name} failed: {done.stderr.decode(errors='replace')}")
            if round_number >= warmup:
                timings[name].append(elapsed)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    options = parser.parse_args()
    timings = measure(options.runs, options.warmup)
    floor_name = next(iter(timings))
    floor = statistics.median(timings[floor_name])
    rows = [
        {
            "command": name,
            "median_ms": round(statistics.median(t) * 1000, 1),
            "ratio": round(statistics.median(t) / floor, 2),
        }
        for name, t in timings.items()
    ]
    if options.json:
        print(json.dumps({"runs": options.runs, "target_ratio": TARGET, "rows": rows}, indent=2))
        return
    print(f"{'command':<40} {'median':>10} {'ratio':>7}")
    for row in rows:
        flag = (
            "" if row["command"] == floor_name or row["ratio"] <= TARGET else f"  (target {TARGET})"
        )
        print(f"{row['command']:<40} {row['median_ms']:>8.1f}ms {row['ratio']:>7.2f}{flag}")
    python = sys.version.split()[0]
    print(
        f"\n{options.runs} interleaved runs each, median; ratio = command / import floor; Python {python}"
    )


if __name__ == "__main__":
    main()
