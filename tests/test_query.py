from __future__ import annotations

import pytest
from tests.conftest import SMALL

from timeline import schema
from timeline.dates import PartialDate
from timeline.errors import LookupFailed
from timeline.model import Log
from timeline.query import (
    Filters,
    find_event,
    related_events,
    select,
    sort_events,
    suggest_events,
)
from timeline.store import load_log


@pytest.fixture(scope="module")
def log() -> Log:
    return load_log(SMALL)


def ids(log: Log, **filters: object) -> list[str]:
    options = {k: filters.pop(k) for k in ("sort", "reverse", "limit") if k in filters}
    return [e.id for e in select(log, Filters(**filters), **options).events]  # type: ignore[arg-type]


def test_no_filters_gives_every_event_in_chronological_order(log: Log) -> None:
    assert ids(log) == [
        "singapore-2018",
        "hanoi-2019",
        "dmz-2019",
        "launches-2022",
        "drill-2023",
        "arms-2023",
    ]


def test_a_partial_date_sorts_by_its_earliest_then_latest_day(log: Log) -> None:
    # drill-2023 is 2023-08 (Aug 1-31); arms-2023 is 2023-09..2024-06; launches-2022 spans 2022.
    order = [e.id for e in sort_events(log.events)]
    assert order.index("launches-2022") < order.index("drill-2023") < order.index("arms-2023")


def test_equal_dates_keep_file_order() -> None:
    log = schema.validate(
        {
            "actors": [{"id": "A", "name": "A", "kind": "state"}],
            "events": [
                {
                    "id": f"e{i}",
                    "title": t,
                    "date": "2020",
                    "type": "meeting",
                    "actors": ["A"],
                    "summary": "s",
                }
                for i, t in enumerate(["b", "a", "c"])
            ],
        }
    )
    assert [e.id for e in sort_events(log.events)] == ["e0", "e1", "e2"]
    assert [e.id for e in sort_events(log.events, "title")] == ["e1", "e0", "e2"]


@pytest.mark.parametrize(
    "name", ["DPRK", "dprk", "prk", "PRK", "North Korea", "north korea", " DPRK "]
)
def test_an_actor_matches_by_id_name_or_alias_in_any_case(log: Log, name: str) -> None:
    assert ids(log, actors=[name]) == [
        "singapore-2018",
        "hanoi-2019",
        "dmz-2019",
        "launches-2022",
        "arms-2023",
    ]


def test_a_state_matches_events_of_its_people(log: Log) -> None:
    # dmz-2019 lists only people: Kim Jong Un, Donald Trump and Moon Jae-in.
    assert "dmz-2019" in ids(log, actors=["ROK"])
    assert log.registry.members(log.registry.resolve("ROK").id) == {"ROK", "moon-jae-in"}


def test_a_person_does_not_match_their_state(log: Log) -> None:
    assert ids(log, actors=["kim-jong-un"]) == ["singapore-2018", "hanoi-2019", "dmz-2019"]


def test_repeated_actors_mean_all_took_part(log: Log) -> None:
    assert ids(log, actors=["DPRK", "RUS"]) == ["arms-2023"]
    assert ids(log, actors=["USA", "ROK"]) == ["dmz-2019", "drill-2023"]


def test_an_unknown_actor_suggests_close_names(log: Log) -> None:
    with pytest.raises(LookupFailed, match=r"no actor called 'DPRKK'; did you mean 'DPRK'\?"):
        ids(log, actors=["DPRKK"])


def test_types_and_tags_match_any_of(log: Log) -> None:
    assert ids(log, types=["summit", "meeting"]) == ["singapore-2018", "hanoi-2019", "dmz-2019"]
    assert ids(log, tags=["nuclear", "deterrence"]) == ["hanoi-2019", "drill-2023"]
    assert ids(log, tags=["NUCLEAR"]) == ["hanoi-2019"]


def test_an_unknown_tag_is_an_error_with_a_suggestion(log: Log) -> None:
    with pytest.raises(
        LookupFailed, match=r"no event is tagged 'missile'; did you mean 'missiles'\?"
    ):
        ids(log, tags=["missile"])


@pytest.mark.parametrize(
    ("start", "stop", "expected"),
    [
        ("2019", None, ["hanoi-2019", "dmz-2019", "launches-2022", "drill-2023", "arms-2023"]),
        (None, "2019-02", ["singapore-2018", "hanoi-2019"]),
        ("2019-02-28", "2019-02-28", ["hanoi-2019"]),  # overlaps the second day of a two-day summit
        ("2022-06-15", "2022-06-15", ["launches-2022"]),  # a year-precision event covers its year
        ("2024-03", None, ["arms-2023"]),  # a span reaching into 2024
        ("2024-07", None, []),
    ],
)
def test_date_ranges_match_on_overlap(
    log: Log, start: str | None, stop: str | None, expected: list[str]
) -> None:
    date_from = PartialDate(start) if start else None
    date_to = PartialDate(stop) if stop else None
    assert ids(log, date_from=date_from, date_to=date_to) == expected


def test_search_is_case_insensitive_over_text_place_and_actor_names(log: Log) -> None:
    assert ids(log, search="YONGBYON") == ["hanoi-2019"]  # summary
    assert ids(log, search="turning point") == ["hanoi-2019"]  # assessment
    assert ids(log, search="panmunjom") == ["dmz-2019"]  # place
    assert ids(log, search="moon jae-in") == ["dmz-2019"]  # actor name
    assert ids(log, search="deny") == ["arms-2023"]  # note
    assert ids(log, search="summit hanoi") == ["hanoi-2019"]  # every word, any order
    assert ids(log, search="nothing-like-this") == []


def test_sort_reverse_and_limit(log: Log) -> None:
    assert ids(log, sort="id", limit=3) == ["arms-2023", "dmz-2019", "drill-2023"]
    assert ids(log, sort="title", reverse=True, limit=2) == ["singapore-2018", "dmz-2019"]
    assert ids(log, reverse=True, limit=1) == ["arms-2023"]
    assert ids(log, limit=0) == []


def test_find_event_by_id_any_case(log: Log) -> None:
    assert find_event(log, "hanoi-2019").title == "Hanoi summit ends without agreement"
    assert find_event(log, "HANOI-2019").id == "hanoi-2019"


def test_an_unknown_id_suggests_close_ids_and_titles(log: Log) -> None:
    with pytest.raises(
        LookupFailed, match=r"no event with id 'hanoi-2109'; did you mean 'hanoi-2019'"
    ):
        find_event(log, "hanoi-2109")
    assert suggest_events(log, "singapore") == ["singapore-2018"]
    assert suggest_events(log, "Meeting at the DMZ") == ["dmz-2019"]


def test_related_events_are_found_in_both_directions(log: Log) -> None:
    hanoi = find_event(log, "hanoi-2019")
    assert [(r.rel, r.event.id, r.outgoing) for r in related_events(log, hanoi)] == [
        ("follows", "singapore-2018", True),
        ("followed by", "dmz-2019", False),
    ]
