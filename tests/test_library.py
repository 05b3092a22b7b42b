"""The Python library: `from timeline import ...`, documented in docs/library.md."""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import SMALL

import timeline
from timeline import LogError, LookupFailed, load_log, select, write
from timeline.cli.app import COMMANDS

CLI = Path(timeline.__file__).parent / "cli"


def test_every_public_name_is_importable_and_listed() -> None:
    for name in timeline.__all__:
        assert getattr(timeline, name) is not None
    assert "load_log" in dir(timeline)
    with pytest.raises(AttributeError):
        _ = timeline.nothing_of_the_kind  # type: ignore[attr-defined]


def test_load_select_write_gives_what_the_cli_gives() -> None:
    log = load_log(SMALL)
    chosen = select(log, actors=["DPRK"], date_from="2019", sort="title")
    stream = io.StringIO()
    write(chosen, "json", stream)
    assert [event["id"] for event in json.loads(stream.getvalue())] == [
        "launches-2022",  # A record year ...
        "arms-2023",  # Arms trade ...
        "hanoi-2019",
        "dmz-2019",
    ]
    assert {s.id for s in chosen.sources.values()} == {"wire-2019-02-28", "paper-2023"}


def test_the_bundled_log_is_the_default() -> None:
    assert len(load_log().events) >= 50


def test_write_to_a_path_is_atomic_and_keeps_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    chosen = select(load_log(SMALL))
    write(chosen, "csv", target)
    assert target.read_text(encoding="utf-8").startswith("id,date,end")
    from timeline.errors import OutputError

    with pytest.raises(OutputError, match="already exists"):
        write(chosen, "csv", target)
    write(chosen, "md", target, overwrite=True)
    assert target.read_text(encoding="utf-8").startswith("# Small fixture log")
    with pytest.raises(ValueError, match="no format 'xml'"):
        write(chosen, "xml", io.StringIO())


def test_errors_are_the_ones_the_cli_reports(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"events": [{"id": "x"}]}', encoding="utf-8")
    with pytest.raises(LogError) as raised:
        load_log(bad)
    assert any("required field is missing" in problem for problem in raised.value.problems)
    with pytest.raises(LookupFailed, match="no actor called 'Atlantis'"):
        select(load_log(SMALL), actors=["Atlantis"])


def test_importing_timeline_imports_nothing_else() -> None:
    found = subprocess.run(
        [sys.executable, "-c", "import sys, timeline; print(sorted(m for m in sys.modules"
         " if m.startswith('timeline')))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert found.stdout.strip() == "['timeline']"


def test_command_modules_never_import_the_cli_package_back() -> None:
    """The app imports a command's module when it runs; the module imports only options and the
    core, so there is no cycle."""
    for module in {entry.module for entry in COMMANDS.values()}:
        tree = ast.parse((CLI / f"{module}.py").read_text(encoding="utf-8"))
        imported = {
            node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        } | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}  # fmt: skip
        assert not {"timeline.cli", "timeline.cli.app"} & imported, module
