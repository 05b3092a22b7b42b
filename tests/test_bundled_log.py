"""The bundled log is the product: it must validate, be sourced, and match what the docs promise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from timeline.errors import LookupFailed
from timeline.model import Log
from timeline.query import find_event, related_events
from timeline.store import load_log

ROOT = Path(__file__).resolve().parents[1]
LOG_PATH = ROOT / "data" / "events.json"
DOCS = [
    ROOT / "README.md",
    ROOT / "data" / "README.md",
    *sorted((ROOT / "src" / "timeline" / "cli").glob("*.py")),
]


@pytest.fixture(scope="module")
def log() -> Log:
    return load_log(LOG_PATH)


def test_the_bundled_log_validates(log: Log) -> None:
    assert log.events


# Every dated event the analysis relies on, and the context promised beside it.
REQUIRED = [
    "korean-war-1950",
    "singapore-2018",
    "hanoi-2019",
    "panmunjom-2019",
    "missile-record-2019",
    "missile-record-2022",
    "biden-no-preconditions-2021",
    "rok-election-2022",
    "yoon-nuclear-remark-2023",
    "yoon-end-of-regime-2023",
    "civil-defence-drills-2023",
    "armed-forces-parade-2023",
    "yoon-anti-state-2023",
    "washington-declaration-2023",
    "kentucky-busan-2023",
    "camp-david-2023",
    "freedom-edge-2024",
    "aukus-2021",
    "forced-labour-settlement-2023",
    "biden-praises-settlement-2023",
    "russia-dprk-arms-2023",
    "kim-putin-2023",
    "kirby-containers-2023",
    "kirby-missiles-ukraine-2024",
    "russia-dprk-treaty-2024",
    "carlin-hecker-2024",
    "two-hostile-states-2023",
    "primary-foe-2024",
    "new-start-expiry-2026",
    "cbo-nuclear-cost-2017",
    # the story between them: agreements and their collapse, sanctions, launches, the courts
    "panmunjom-declaration-2018",
    "military-agreement-2018",
    "liaison-office-demolished-2020",
    "unsc-2397-2017",
    "unsc-veto-2022",
    "un-panel-veto-2024",
    "hwasong-19-2024",
    "malligyong-1-orbit-2023",
    "dprk-troops-russia-2024",
    "yoon-martial-law-2024",
    "yoon-arrest-2025",
    "yoon-removal-2025",
    "yoon-insurrection-verdict-2026",
]


@pytest.mark.parametrize("event_id", REQUIRED)
def test_every_event_the_analysis_relies_on_is_present_and_sourced(log: Log, event_id: str) -> None:
    assert find_event(log, event_id).sources


def test_the_log_is_big_enough_to_tell_the_story(log: Log) -> None:
    assert len(log.events) >= 120


def test_the_arms_trade_milestones_are_part_of_the_umbrella_event(log: Log) -> None:
    umbrella = find_event(log, "russia-dprk-arms-2023")
    parts = {r.event.id for r in related_events(log, umbrella) if r.rel == "includes"}
    assert {"kim-putin-2023", "kirby-containers-2023", "kirby-missiles-ukraine-2024"} <= parts


def test_the_submarine_visit_links_to_the_statements_around_it(log: Log) -> None:
    linked = {r.event.id for r in related_events(log, find_event(log, "kentucky-busan-2023"))}
    assert {
        "washington-declaration-2023",
        "yoon-end-of-regime-2023",
        "missile-response-kentucky-2023",
    } <= linked


def test_the_record_years_say_which_count_they_are_records_by(log: Log) -> None:
    note = find_event(log, "missile-record-2019").note
    assert note is not None
    assert "Japan" in note


def test_year_and_approximate_dates_stay_as_coarse_as_the_sources(log: Log) -> None:
    assert find_event(log, "missile-record-2022").date.precision == "year"
    assert find_event(log, "russia-dprk-arms-2023").approximate


def test_every_event_has_a_source(log: Log) -> None:
    assert [e.id for e in log.events if not e.sources] == []


def test_every_source_is_used(log: Log) -> None:
    used = {source for event in log.events for source in event.sources}
    assert [s.id for s in log.sources if s.id not in used] == []


def test_every_actor_is_used_or_a_parent_of_one_used(log: Log) -> None:
    used = {actor_id for event in log.events for actor_id in event.actor_ids}
    parents = {parent for actor in log.actors if actor.id in used for parent in actor.member_of}
    assert [a.id for a in log.actors if a.id not in used | parents] == []


def test_the_states_users_will_type_resolve(log: Log) -> None:
    for name in (
        "DPRK",
        "North Korea",
        "prk",
        "ROK",
        "South Korea",
        "USA",
        "US",
        "JPN",
        "RUS",
        "Russia",
    ):
        assert log.registry.resolve(name)


def _mentioned(pattern: str) -> set[str]:
    found: set[str] = set()
    for doc in DOCS:
        found |= set(re.findall(pattern, doc.read_text(encoding="utf-8")))
    return found


def test_every_event_id_the_docs_show_exists(log: Log) -> None:
    ids = _mentioned(r"timeline (?:show|chain) ([a-z0-9][a-z0-9-]*)")
    assert ids, "the docs should show at least one event"
    missing = []
    for event_id in sorted(ids):
        try:
            find_event(log, event_id)
        except LookupFailed:
            missing.append(event_id)
    # The README shows the did-you-mean answer for this one typo.
    assert set(missing) <= {"hanoi-2109"}


def test_every_actor_the_docs_filter_on_exists(log: Log) -> None:
    commands = _mentioned(r"timeline (?:list|export|stats|chart)[^\n`]*")
    names = {
        name
        for line in commands
        for name in re.findall(r"--actor (\"[^\"]+\"|[A-Za-z0-9-]+)", line)
    }
    assert names
    for name in names:
        assert log.registry.resolve(name.strip('"'))
