"""The index and the whole log tell the same story: every format, filter, sort and limit, byte for
byte, whether the index is off, being built, or used.

The log is generated (benchmarks/generate.py) with everything that makes a selection more than its
events: relations in both directions, roles, spans over days and years, approximate dates, people
who count for their state, a state that belongs to an organisation, and every feature of the format
(its own types, eras, BCE years, times in several zones, windows, open ends, places, media).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from benchmarks.generate import write_log as write_synthetic_log
from typer.testing import CliRunner

from timeline import index
from timeline.cli.app import app
from timeline.query import Filters
from timeline.render.formats import FORMATS
from timeline.store import load_log

QUERIES = [
    [],
    ["--actor", "DPRK", "--from", "2023"],
    ["--actor", "ALLIANCE", "--sort", "title"],
    ["--actor", "usa-official-1", "--actor", "RUS", "--reverse"],
    ["--type", "summit", "--type", "exercise", "--to", "2001-06", "--limit", "25"],
    ["--tag", "nuclear", "--search", "missile", "--sort", "id", "--reverse"],
    ["--from", "2010-02", "--to", "2012", "--limit", "0"],
    ["--search", "State DPRK", "--limit", "40", "--sort", "date"],
    ["--type", "protest", "--era", "open-era"],
    ["--from", "-0300", "--to", "0100"],
    ["--from", "2010-03-01T12:00+09:00", "--to", "2010-03-02T03:00Z", "--sort", "title"],
    ["--era", "first-era", "--reverse", "--limit", "30"],
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("differential") / "log.json"
    with path.open("w", encoding="utf-8") as stream:
        write_synthetic_log(600, 11, stream, every_feature=True)
    return path


@pytest.fixture
def indexed_everything(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(index, "MIN_BYTES", 0)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # ICS stamps the time of writing
    yield
    index._deferred.clear()


def _stdout(args: list[str], env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.stderr
    index._deferred.clear()  # the CLI builds these after it exits; not in-process
    return result.stdout


def _command(name: str, query: list[str], log: Path) -> list[str]:
    if FORMATS[name].for_files:
        return ["export", "--format", name, *query, "--data", str(log)]
    return ["list", "--format", name, *query, "--data", str(log)]


@pytest.mark.usefixtures("indexed_everything")
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_and_query_is_identical_whatever_the_index_does(
    generated: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    without = {
        tuple(query): _stdout(_command(name, query, generated), {"TIMELINE_INDEX": "off"})
        for query in QUERIES
    }
    target = index.index_file(generated)
    assert target is not None and not target.exists()

    # While an index is being built (its builder holds the lock), queries read the whole log.
    target.parent.mkdir(parents=True, exist_ok=True)
    with index._builder_lock(target) as alone:
        assert alone
        assert index.is_being_built(generated)
        for query, expected in without.items():
            assert _stdout(_command(name, list(query), generated)) == expected, query
    assert not target.exists()

    # Once built, the index answers, and the log is not parsed at all.
    index.select_from_file(generated, Filters())
    assert target.exists()

    def refuse(log_path: Path, defer_indexing: bool) -> None:
        raise AssertionError("the log was read whole although its index matches")

    monkeypatch.setattr(index, "_read", refuse)
    if name == "csv":  # its lines are copied from the index, not made from the events

        def no_events(*args: object, **kwargs: object) -> None:
            raise AssertionError("CSV from the index was made from events")

        monkeypatch.setattr(index, "select_from_file", no_events)
    for query, expected in without.items():
        assert _stdout(_command(name, list(query), generated)) == expected, query


@pytest.mark.usefixtures("indexed_everything")
def test_show_and_its_relations_are_identical_from_the_index(generated: Path) -> None:
    log = load_log(generated)
    pointed_at = {relation.id for event in log.events for relation in event.related}
    both_ways = [e.id for e in log.events if e.related and e.id in pointed_at]
    ids = [*both_ways[:3], "event-0", "EVENT-599"]
    without = {
        (event_id, fmt): _stdout(
            ["show", event_id, "--format", fmt, "--data", str(generated)], {"TIMELINE_INDEX": "off"}
        )
        for event_id in ids
        for fmt in ("card", "json")
    }
    index.select_from_file(generated, Filters())
    for (event_id, fmt), expected in without.items():
        assert _stdout(["show", event_id, "--format", fmt, "--data", str(generated)]) == expected
    assert len(both_ways) >= 3  # the generated log has relations to compare, in both directions


ANALYSES = [
    ["stats", "--by", "type"],
    ["stats", "--by", "actor", "--actor", "DPRK", "--format", "json"],
    ["stats", "--by", "year", "--from", "2010", "--to", "2012", "--format", "csv"],
    ["stats", "--by", "dyad", "--search", "missile"],
    ["stats", "--by", "month", "--era", "first-era"],
    ["stats", "--by", "tag", "--type", "summit"],
    ["chart", "--width", "100"],
    ["chart", "--by", "type", "--actor", "ALLIANCE", "--width", "72"],
    ["actors"],
    ["actors", "--format", "json"],
    ["eras"],
    ["eras", "--format", "json"],
]


@pytest.mark.usefixtures("indexed_everything")
def test_the_analyses_are_identical_from_the_index(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = load_log(generated)
    pointed_at = {relation.id for event in log.events for relation in event.related}
    both_ways = [e.id for e in log.events if e.related and e.id in pointed_at][:3]
    commands = [
        *ANALYSES,
        *(["chain", event_id, "--depth", depth] for event_id in both_ways for depth in "13"),
        ["chain", both_ways[0], "--format", "json"],
    ]
    data = ["--data", str(generated)]
    without = {
        tuple(command): _stdout([*command, *data], {"TIMELINE_INDEX": "off"})
        for command in commands
    }
    index.select_from_file(generated, Filters())

    def refuse(log_path: Path, defer_indexing: bool) -> None:
        raise AssertionError("the log was read whole although its index matches")

    monkeypatch.setattr(index, "_read", refuse)
    for command, expected in without.items():
        assert _stdout([*command, *data]) == expected, command
