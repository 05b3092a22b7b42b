"""Exports for the engines people use past one machine: JSON Lines that typed readers infer one
schema from, and Parquet, both read back by pyarrow and DuckDB, as a dyad query would."""

from __future__ import annotations

import builtins
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq
import pytest
from benchmarks.generate import write_log as write_synthetic_log
from tests.conftest import FIXTURES, Run

from timeline.render.parquet import arrow_schema
from timeline.store import bundled_log_path, load_log

RunCli = Callable[..., Run]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("interchange") / "log.json"
    with path.open("w", encoding="utf-8") as stream:
        write_synthetic_log(2000, 5, stream, every_feature=True)
    return path


LOGS = {
    "bundled": lambda generated: bundled_log_path(),
    "everything": lambda generated: FIXTURES / "everything.json",
    "generated": lambda generated: generated,
}


def dyad(log_path: Path, first: str, second: str) -> list[str]:
    """The events both actors take part in by id, in the order the log sorts them."""
    return [
        event.id
        for event in load_log(log_path).events
        if {first, second} <= {ref.id for ref in event.actors}
    ]


DYAD_SQL = """
    SELECT id FROM (SELECT id, earliest, unnest(actors).id AS actor FROM {table})
    GROUP BY id, earliest HAVING bool_or(actor = ?) AND bool_or(actor = ?)
"""


@pytest.mark.parametrize("name", list(LOGS))
def test_json_lines_read_into_one_typed_table(
    run: RunCli, tmp_path: Path, generated: Path, name: str
) -> None:
    log_path = LOGS[name](generated)
    out = tmp_path / "events.jsonl"
    run("export", "--data", str(log_path), "-o", str(out))
    table = pa_json.read_json(out)
    assert table.num_rows == len(load_log(log_path).events)
    assert table.schema.field("actors").type == pa.list_(
        pa.struct([("id", pa.string()), ("role", pa.string())])
    )
    assert pa.types.is_boolean(table.schema.field("window").type)
    rows = duckdb.execute(f"SELECT count(*), count(DISTINCT id) FROM read_json('{out}')").fetchall()
    assert rows == [(table.num_rows, table.num_rows)]


@pytest.mark.parametrize("name", list(LOGS))
def test_parquet_has_the_declared_schema_and_answers_a_dyad_query(
    run: RunCli, tmp_path: Path, generated: Path, name: str
) -> None:
    log_path = LOGS[name](generated)
    out = tmp_path / "events.parquet"
    result = run("export", "--data", str(log_path), "-o", str(out))
    assert result.stderr.startswith("wrote ")
    table = pq.read_table(out)
    assert table.schema.remove_metadata() == arrow_schema()
    records = table.to_pylist()
    typed = [
        json.loads(line)
        for line in run("export", "--data", str(log_path), "-f", "jsonl").stdout.splitlines()
    ]
    assert records == typed  # the same records as JSON Lines, column for column
    pairs = {
        "bundled": ("DPRK", "RUS"),
        "everything": ("hi-ema", "hi-ema"),
        "generated": ("DPRK", "RUS"),
    }
    first, second = pairs[name]
    found = duckdb.execute(
        DYAD_SQL.format(table=f"'{out}'") + " ORDER BY earliest, id", [first, second]
    )
    expected = dyad(log_path, first, second)
    assert sorted(row[0] for row in found.fetchall()) == sorted(expected)
    assert expected


def test_parquet_needs_its_extra_and_says_so(
    run: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def without_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_pyarrow)
    for name in [module for module in sys.modules if module.startswith("pyarrow")]:
        monkeypatch.delitem(sys.modules, name)
    out = tmp_path / "events.parquet"
    result = run("export", "-o", str(out), expect=1)
    assert (
        result.stderr
        == "error: the parquet format needs pyarrow: pip install 'timeline[parquet]'\n"
    )
    assert not out.exists()


def test_parquet_is_for_files_and_pipes_never_a_terminal(run: RunCli) -> None:
    assert "'parquet' is not one of" in run("list", "--format", "parquet", expect=2).stderr
    script = shutil.which("script")
    if script is None:
        pytest.skip("no `script` here to give the command a terminal")
    command = f"{sys.executable} -m timeline export --format parquet"
    shown = subprocess.run(
        [script, "-qc", command, "/dev/null"], capture_output=True, text=True, check=False
    )
    assert "parquet is binary: write it to a file with --output, or pipe it" in shown.stdout
    piped = subprocess.run(
        [sys.executable, "-m", "timeline", "export", "-f", "parquet"],
        capture_output=True,
        check=True,
    )
    assert piped.stdout[:4] == b"PAR1"


def test_the_documented_duckdb_query_runs(run: RunCli, tmp_path: Path) -> None:
    page = (Path(__file__).parents[1] / "docs" / "importing.md").read_text(encoding="utf-8")
    query = page.split("```sql\n", 1)[1].split("```", 1)[0]
    run("export", "--data", str(bundled_log_path()), "-o", str(tmp_path / "events.parquet"))
    connection = duckdb.connect()
    connection.execute(f"SET file_search_path = '{tmp_path}'")
    found = [row[0] for row in connection.execute(query).fetchall()]
    assert found == dyad(bundled_log_path(), "DPRK", "RUS")
