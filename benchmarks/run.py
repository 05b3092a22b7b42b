"""Every comparison side by side, in one process tree: startup, scale against jq, repeated queries.

Rows, each the median of several runs, with ratios measured in the same run:
- startup: everyday commands and shell completion against the import floor;
- scale: `timeline export --format csv --actor DPRK --from 2023` against jq doing the same filter
  and CSV output on the same generated file, with the peak memory (max RSS) of each, and DuckDB
  (`duckdb_query.py`) beside them as a reference when its Python package is installed;
- the first query of each log, which loads and validates it and then builds its index in the
  background (the build's time, its ratio to the first query and the index's size against the
  log's are reported too), and the same query repeated once it is indexed (logs under 1 MiB are
  not indexed: for them the two rows measure the same thing);
- `show ID` and a mistyped id (its did-you-mean) on each indexed log, against `show hanoi-2019`
  on the bundled log from the startup rows.

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

DUCKDB_QUERY = HERE / "duckdb_query.py"

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


def run_once(argv: list[str], env: dict[str, str], expected_exit: int = 0) -> Sample:
    """Wall time and peak resident memory of one child process (its own, via wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert process.stderr is not None
    error = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    if process.returncode != expected_exit:
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


def has_duckdb() -> bool:
    found = subprocess.run(
        [sys.executable, "-c", "import duckdb"], capture_output=True, check=False
    )
    return found.returncode == 0


def scale_rows(
    sizes: list[int], runs: int, work: Path, env: dict[str, str], show_floor_s: float
) -> list[dict[str, object]]:
    """Per size: the first query (a cold cache: load, validate, then index in the background),
    the same query once the index is built, jq (and DuckDB) on the same file, and `show` from
    the index."""
    timeline = startup.timeline_command()
    jq = shutil.which("jq")
    duckdb = has_duckdb()
    rows: list[dict[str, object]] = []
    for size in sizes:
        log = work / f"log-{size}.json"
        if not log.exists():
            with log.open("w", encoding="utf-8") as stream:
                generate.write_log(size, seed=1, stream=stream)
        ours = query(timeline, log)
        theirs = [jq, "-r", JQ_FILTER, str(log)] if jq else None
        reference = [sys.executable, str(DUCKDB_QUERY), str(log), str(work / "duckdb.csv")]
        first, again, other, engine, shown, suggested = [], [], [], [], [], []
        builds: list[float | None] = []
        index_bytes = 0
        for number in range(runs):
            cold = {**env, "TIMELINE_CACHE_DIR": str(work / f"cache-{size}-{number}")}
            shutil.rmtree(cold["TIMELINE_CACHE_DIR"], ignore_errors=True)
            first.append(run_once(ours, cold))
            builds.append(wait_for_index(log, cold))
            index_bytes = folder_bytes(Path(cold["TIMELINE_CACHE_DIR"]))
            again.append(run_once(ours, cold))
            if index_bytes:
                show = [*timeline, "show", "--data", str(log)]
                shown.append(run_once([*show, f"event-{size // 2}"], cold))
                suggested.append(run_once([*show, f"event-{size // 2}x"], cold, expected_exit=1))
            if theirs:
                other.append(run_once(theirs, env))
            if duckdb:
                engine.append(run_once(reference, env))
        baseline = median(other) if other else None
        row = scale_row(f"{size:,} events, first query", median(first), baseline)
        if engine:
            duck = median(engine)
            row["duckdb_s"] = round(duck.seconds, 2)
            row["duckdb_peak_mb"] = round(duck.peak_kb / 1024)
        rows.append(row)
        built = [seconds for seconds in builds if seconds is not None]
        if built:
            row["index_build_s"] = round(statistics.median(built), 2)
            row["index_build_ratio"] = round(statistics.median(built) / median(first).seconds, 2)
            row["index_size_ratio"] = round(index_bytes / log.stat().st_size, 2)
        rows.append(scale_row(f"{size:,} events, repeated (indexed)", median(again), baseline))
        if shown:
            rows.append(show_row(f"{size:,} events, show event-{size // 2}", shown, show_floor_s))
            rows.append(show_row(f"{size:,} events, show a mistyped id", suggested, show_floor_s))
        for number in range(runs):
            shutil.rmtree(work / f"cache-{size}-{number}", ignore_errors=True)
    return rows


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def show_row(name: str, samples: list[Sample], floor_s: float) -> dict[str, object]:
    """`show` on a large indexed log, against `show` on the bundled log (the startup row)."""
    ours = median(samples)
    return {
        "row": name,
        "timeline_s": round(ours.seconds, 2),
        "timeline_peak_mb": round(ours.peak_kb / 1024),
        "startup_ratio": round(ours.seconds / floor_s, 2),
    }


def scale_row(name: str, ours: Sample, jq: Sample | None) -> dict[str, object]:
    row: dict[str, object] = {
        "row": name,
        "timeline_s": round(ours.seconds, 2),
        "timeline_peak_mb": round(ours.peak_kb / 1024),
    }
    if jq is not None:
        row.update(
            {
                "jq_s": round(jq.seconds, 2),
                "jq_peak_mb": round(jq.peak_kb / 1024),
                "time_ratio": round(ours.seconds / jq.seconds, 2),
                "memory_ratio": round(ours.peak_kb / jq.peak_kb, 2),
            }
        )
    return row


# Exit 0 when the log's index is built, 1 while it is not yet, 2 when the log is too small to index.
_INDEX_PROBE = """
import sys
from pathlib import Path
from timeline import index
log = Path(sys.argv[1])
target = index.index_file(log)
if target is None or not index.worth_indexing(log.stat()):
    sys.exit(2)
sys.exit(0 if target.exists() and not index.is_being_built(log) else 1)
"""


def wait_for_index(log: Path, env: dict[str, str]) -> float | None:
    """Seconds until the detached build of the log's index is done (polled, after the query)."""
    started = time.perf_counter()
    while True:
        probe = [sys.executable, "-c", _INDEX_PROBE, str(log)]
        state = subprocess.run(probe, env=env, check=False).returncode
        if state == 0:
            return time.perf_counter() - started
        if state == 2:
            return None
        if time.perf_counter() - started > 3 * 3600:
            raise SystemExit(f"the index of {log} was never built")
        time.sleep(0.5)


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
    startup_result = startup_rows(options.runs * 5)
    show_floor_s = next(
        float(str(row["median_ms"])) / 1000 for row in startup_result if "show" in str(row["row"])
    )
    result = {
        "startup": startup_result,
        "scale": scale_rows(sizes, options.runs, work, env, show_floor_s),
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
        if "startup_ratio" in row:
            print(
                f"{row['row']:<44} {ours:>18} {'vs show on the bundled log':>25} {row['startup_ratio']:>6}"
            )
            continue
        theirs = f"{row['jq_s']}s {row['jq_peak_mb']}MB" if "jq_s" in row else "-"
        ratios = f"{row.get('time_ratio', '-'):>6} {row.get('memory_ratio', '-'):>6}"
        print(f"{row['row']:<44} {ours:>18} {theirs:>18} {ratios}")
        if "duckdb_s" in row:
            duck = f"{row['duckdb_s']}s {row['duckdb_peak_mb']}MB"
            print(f"{'  (DuckDB read_json, for reference)':<44} {'':>18} {duck:>18}")
        if "index_build_s" in row:
            build = f"{row['index_build_s']}s"
            print(
                f"{'  then the index, built in the background':<44} {build:>18}"
                f" {'x first query, size x log':>18} {row['index_build_ratio']:>6}"
                f" {row['index_size_ratio']:>6}"
            )
    print(
        "\nratios: timeline / baseline, measured in this run; medians; Python "
        + sys.version.split()[0]
    )


if __name__ == "__main__":
    main()
