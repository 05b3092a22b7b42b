"""Every comparison side by side, in one process tree: startup, scale against jq, repeated queries.

Rows, each the median of several runs, with ratios measured in the same run:
- startup: everyday commands and shell completion against the import floor;
- scale: `timeline export --format csv --actor DPRK --from 2023` against jq doing the same filter
  and CSV output on the same generated file, with the peak memory (max RSS) of each;
- repeat: the same query run again on the unchanged largest log.

    python benchmarks/run.py                       # sizes 10k, 100k and 1M events
    python benchmarks/run.py --sizes 1000 --runs 1 # a smoke run
    python benchmarks/run.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import startup  # noqa: E402

# The same question for jq: events whose actors include DPRK or one of its people, that reach 2023.
JQ_FILTER = (
    '(.actors | map(select((.member_of // []) | index("DPRK")) | .id) + ["DPRK"]) as $who'
    " | .events[]"
    ' | select((.actors | map(if type == "string" then . else .id end) | any(. as $a | $who | index($a)))'
    ' and ((.end // .date) >= "2023"))'
    " | [.id, .date, .end, .title, .type] | @csv"
)


class Sample(NamedTuple):
    seconds: float
    peak_kb: int


def run_once(argv: list[str], env: dict[str, str]) -> Sample:
    """Wall time and peak resident memory of one child process (its own, via wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert process.stderr is not None
    error = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {error.decode(errors='replace')[-500:]}")
    return Sample(elapsed, usage.ru_maxrss)


def median(samples: list[Sample]) -> Sample:
    return Sample(statistics.median(s.seconds for s in samples), max(s.peak_kb for s in samples))


def query(timeline: list[str], log: Path) -> list[str]:
    """The query every scale row times: the one JQ_FILTER asks of jq."""
    return [
        *timeline,
        "export",
        "--format",
        "csv",
        "--actor",
        "DPRK",
        "--from",
        "2023",
        "--data",
        str(log),
    ]


def scale_rows(
    sizes: list[int], runs: int, work: Path, env: dict[str, str]
) -> list[dict[str, object]]:
    timeline = startup.timeline_command()
    jq = shutil.which("jq")
    rows: list[dict[str, object]] = []
    for size in sizes:
        log = work / f"log-{size}.json"
        if not log.exists():
            with log.open("w", encoding="utf-8") as stream:
                generate.write_log(size, seed=1, stream=stream)
        ours = query(timeline, log)
        theirs = [jq, "-r", JQ_FILTER, str(log)] if jq else None
        mine, other = [], []
        for _ in range(runs):
            mine.append(run_once(ours, env))
            if theirs:
                other.append(run_once(theirs, env))
        a = median(mine)
        row: dict[str, object] = {
            "row": f"scale {size:,} events",
            "timeline_s": round(a.seconds, 2),
            "timeline_peak_mb": round(a.peak_kb / 1024),
        }
        if other:
            b = median(other)
            row.update(
                {
                    "jq_s": round(b.seconds, 2),
                    "jq_peak_mb": round(b.peak_kb / 1024),
                    "time_ratio": round(a.seconds / b.seconds, 2),
                    "memory_ratio": round(a.peak_kb / b.peak_kb, 2),
                }
            )
        rows.append(row)
    if sizes:
        largest = work / f"log-{max(sizes)}.json"
        again = query(timeline, largest)
        repeat = median([run_once(again, env) for _ in range(runs)])
        rows.append(
            {
                "row": f"repeat query, unchanged {max(sizes):,}-event log",
                "timeline_s": round(repeat.seconds, 2),
                "timeline_peak_mb": round(repeat.peak_kb / 1024),
            }
        )
    return rows


def startup_rows(runs: int) -> list[dict[str, object]]:
    timings = startup.measure(runs, warmup=1)
    floor = statistics.median(next(iter(timings.values())))
    return [
        {
            "row": name,
            "median_ms": round(statistics.median(t) * 1000, 1),
            "ratio": round(statistics.median(t) / floor, 2),
        }
        for name, t in timings.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="comma-separated event counts"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per row (startup rows use 5 times as many)"
    )
    parser.add_argument(
        "--work", type=Path, help="folder for the generated logs (kept between runs)"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",") if size]
    if shutil.which("jq") is None:
        print(
            "jq is missing: install Debian's jq package (apt-get install jq) for the scale comparison",
            file=sys.stderr,
        )
    env = {k: v for k, v in os.environ.items() if k != "TIMELINE_DATA"}
    work = options.work or Path(tempfile.gettempdir()) / "timeline-benchmarks"
    work.mkdir(parents=True, exist_ok=True)
    result = {
        "startup": startup_rows(options.runs * 5),
        "scale": scale_rows(sizes, options.runs, work, env),
    }
    if options.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{'startup':<44} {'median':>10} {'ratio':>7}")
    for row in result["startup"]:
        print(f"{row['row']:<44} {row['median_ms']:>8}ms {row['ratio']:>7}")
    print(
        f"\n{'scale (export csv --actor DPRK --from 2023)':<44} {'timeline':>18} {'jq':>18} {'time':>6} {'mem':>6}"
    )
    for row in result["scale"]:
        ours = f"{row['timeline_s']}s {row['timeline_peak_mb']}MB"
        theirs = f"{row['jq_s']}s {row['jq_peak_mb']}MB" if "jq_s" in row else "-"
        ratios = f"{row.get('time_ratio', '-'):>6} {row.get('memory_ratio', '-'):>6}"
        print(f"{row['row']:<44} {ours:>18} {theirs:>18} {ratios}")
    print(
        "\nratios: timeline / baseline, measured in this run; medians; Python "
        + sys.version.split()[0]
    )


if __name__ == "__main__":
    main()
