"""Every command tells the same story about actors and periods.

`list --actor`, `actors`, `stats --by actor`, `chart` and the HTML page all ask `timeline.actors`,
so an actor's count, an event's lanes and a period's events agree everywhere: on the bundled log,
and on a log where a state belongs to an organisation (as a state's people belong to it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import Run

from timeline.query import Filters, select
from timeline.render.chart import _lanes as chart_lanes
from timeline.render.page import page_data
from timeline.store import bundled_log_path, load_log

RunCli = Callable[..., Run]

ALLIANCE_LOG: dict[str, Any] = {
    "title": "An alliance",
    "actors": [
        {"id": "NATO", "name": "The Alliance", "kind": "organisation"},
        {"id": "USA", "name": "United States", "kind": "state", "member_of": ["NATO"]},
        {"id": "FRA", "name": "France", "kind": "state", "member_of": ["NATO"]},
        {"id": "RUS", "name": "Russia", "kind": "state"},
        {"id": "envoy", "name": "An Envoy", "kind": "person", "member_of": ["USA"]},
        {"id": "sg", "name": "Secretary General", "kind": "person", "member_of": ["NATO"]},
    ],
    "sources": [{"id": "s", "publisher": "P", "title": "T", "url": "https://example.org/"}],
    "events": [
        {"id": "summit", "title": "Summit", "date": "2020-05-01", "type": "summit",
         "actors": ["NATO", "sg"], "summary": "s", "sources": ["s"]},
        {"id": "visit", "title": "Visit", "date": "2020-06", "type": "meeting",
         "actors": ["envoy", "RUS"], "summary": "s", "sources": ["s"]},
        {"id": "drill", "title": "Drill", "date": "2021", "end": "2022-03", "type": "exercise",
         "actors": ["USA", "FRA"], "summary": "s", "sources": ["s"]},
        {"id": "talks", "title": "Talks", "date": "2022-02-01", "type": "meeting",
         "actors": ["FRA", "RUS"], "summary": "s", "sources": ["s"]},
    ],
}  # fmt: skip


@pytest.fixture(params=["bundled", "alliance"])
def log_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "bundled":
        return bundled_log_path()
    path = tmp_path / "alliance.json"
    path.write_text(json.dumps(ALLIANCE_LOG), encoding="utf-8")
    return path


def test_every_actor_counts_the_same_in_list_actors_and_stats(run: RunCli, log_file: Path) -> None:
    data = ("--data", str(log_file))
    registry = json.loads(run("actors", "--format", "json", *data).stdout)
    stats = {row["key"]: row["count"] for row in json.loads(
        run("stats", "--by", "actor", "--format", "json", *data).stdout
    )}  # fmt: skip
    for actor in registry:
        listed = run("list", "--actor", actor["id"], *data).stdout.splitlines()
        assert len(listed) == actor["events"] == stats.get(actor["id"], 0), actor["id"]


def test_the_chart_and_the_page_put_each_event_in_the_same_lanes(log_file: Path) -> None:
    selection = select(load_log(log_file), Filters(), with_related=True)
    on_page = {event["id"]: event["lanes"] for event in page_data(selection)["events"]}
    in_chart: dict[str, list[str]] = {}
    for lane, events in chart_lanes(selection, "actor").items():
        for event in events:
            in_chart.setdefault(event.id, []).append(lane)
    assert {k: sorted(v) for k, v in in_chart.items()} == {k: sorted(v) for k, v in on_page.items()}


def test_dyads_are_pairs_of_the_lanes_the_chart_draws(run: RunCli, log_file: Path) -> None:
    selection = select(load_log(log_file), Filters())
    expected: dict[str, int] = {}
    for event in selection.events:
        for a, b in combinations(sorted(set(selection.actors.lanes_of(event))), 2):
            expected[f"{a}–{b}"] = expected.get(f"{a}–{b}", 0) + 1
    rows = json.loads(
        run("stats", "--by", "dyad", "--format", "json", "--data", str(log_file)).stdout
    )
    assert {row["key"]: row["count"] for row in rows} == expected


@pytest.mark.parametrize("by", ["year", "month"])
def test_a_period_counts_what_list_shows_for_that_period(
    run: RunCli, log_file: Path, by: str
) -> None:
    data = ("--data", str(log_file))
    rows = json.loads(run("stats", "--by", by, "--format", "json", *data).stdout)
    assert rows
    for row in rows[:: max(1, len(rows) // 25)]:
        period = row["key"]
        listed = run("list", "--from", period, "--to", period, *data).stdout.splitlines()
        assert row["count"] == len(listed), period


def test_a_range_is_never_counted_outside_itself(run: RunCli) -> None:
    rows = json.loads(
        run(
            "stats", "--by", "year", "--from", "2023", "--to", "2023", "--format", "json",
            "--data", str(bundled_log_path()),
        ).stdout
    )  # fmt: skip
    assert [row["key"] for row in rows] == ["2023"]
    months = json.loads(
        run(
            "stats", "--by", "month", "--from", "2023-07", "--to", "2023-07", "--format", "json",
            "--data", str(bundled_log_path()),
        ).stdout
    )  # fmt: skip
    assert [row["key"] for row in months] == ["2023-07"]


def test_north_korea_counts_every_event_of_its_people(run: RunCli) -> None:
    data = ("--data", str(bundled_log_path()))
    stats = json.loads(run("stats", "--by", "actor", "--format", "json", *data).stdout)
    dprk = next(row for row in stats if row["key"] == "DPRK")
    document = json.loads(bundled_log_path().read_text(encoding="utf-8"))
    people = {"DPRK"}
    while (
        grown := {a["id"] for a in document["actors"] if people & set(a.get("member_of", []))}
        - people
    ):
        people |= grown
    taking_part = [
        e
        for e in document["events"]
        if people & {a if isinstance(a, str) else a["id"] for a in e["actors"]}
    ]
    listed = run("list", "--actor", "DPRK", *data).stdout.splitlines()
    assert dprk["count"] == len(listed) == len(taking_part) > 28


def test_a_state_in_an_organisation_keeps_its_own_lane(run: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "alliance.json"
    path.write_text(json.dumps(ALLIANCE_LOG), encoding="utf-8")
    data = ("--data", str(path))
    # The organisation counts its members' events, as a state counts its people's.
    listed = [
        line.split("\t")[1] for line in run("list", "--actor", "NATO", *data).stdout.splitlines()
    ]
    assert listed == ["summit", "visit", "drill", "talks"]
    selection = select(load_log(path), Filters(), with_related=True)
    lanes = {event["id"]: event["lanes"] for event in page_data(selection)["events"]}
    assert lanes == {
        "summit": ["NATO"],
        "visit": ["USA", "RUS"],  # the envoy counts for his state, not for the alliance
        "drill": ["USA", "FRA"],
        "talks": ["FRA", "RUS"],
    }
