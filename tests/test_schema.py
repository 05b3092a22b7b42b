"""What a valid log is, checked on every path: the Pydantic schema, the fast loader, and the
bulk loader for large logs (msgspec).

The fast and bulk loaders may only accept what the schema accepts, as the same `Log`; whatever
they are unsure of, they hand to the schema. Each case here runs through all three.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from pydantic import ValidationError
from tests.conftest import minimal_log

from timeline import bulkload, fastload, schema
from timeline.dates import day_of, iso_day
from timeline.model import (
    DEFAULT_TYPES,
    EVENT_TYPES,
    PLOVER_CATEGORIES,
    ActorRef,
    Log,
    integrity_problems,
)


def both(document: dict[str, Any]) -> Log:
    """The log through every path, which must agree. (The bulk loader checks the references
    between records too: it declines a log that has `integrity_problems`.)"""
    slow = schema.validate(copy.deepcopy(document))
    fast = fastload.build(copy.deepcopy(document))
    assert fast == slow
    scanned = bulkload.scan(json.dumps(document).encode())
    if integrity_problems(slow):
        assert scanned is None
    else:
        assert scanned is not None, "the bulk loader declined a valid log"
        assert scanned.log == slow
    return slow


def rejected(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema's errors for a document; the fast and bulk loaders must not accept it."""
    assert fastload.build(copy.deepcopy(document)) is None
    assert bulkload.scan(json.dumps(document).encode()) is None
    with pytest.raises(ValidationError) as caught:
        schema.validate(document)
    return caught.value.errors()  # type: ignore[return-value]


def with_event(**fields: Any) -> dict[str, Any]:
    return minimal_log(**fields)


def test_a_bare_actor_id_is_a_participant() -> None:
    log = both(
        with_event(actors=["AAA", {"id": "BBB", "role": "recipient"}, {"id": "CCC", "role": None}])
    )
    assert log.events[0].actors == (ActorRef("AAA"), ActorRef("BBB", "recipient"), ActorRef("CCC"))


def test_a_source_is_found_by_a_url_or_described_by_a_citation() -> None:
    document = minimal_log()
    document["sources"] = [
        {"id": "bare-url", "url": "https://example.org/report"},
        {"id": "text-only", "citation": "Interview with the author, 12 May 2024"},
    ]
    document["events"][0]["sources"] = ["bare-url", "text-only"]
    by_id = both(document).sources_by_id
    assert by_id["bare-url"].label == "https://example.org/report"
    assert by_id["text-only"].label == "Interview with the author, 12 May 2024"
    document["sources"].append({"id": "nowhere", "title": "A headline"})
    (error,) = rejected(document)
    assert error["msg"] == "a source needs a url or a citation (free text)"


def test_a_source_says_whether_it_is_a_primary_record_or_a_copy() -> None:
    document = minimal_log()
    document["sources"] = [
        {"id": "statement", "url": "https://example.org/statement", "primary": True},
        {"id": "mirror", "url": "https://example.net/copy", "copy": True, "primary": True},
        {"id": "report", "url": "https://example.com/report", "primary": False},
    ]
    document["events"][0]["sources"] = ["statement", "mirror", "report"]
    by_id = both(document).sources_by_id
    assert (by_id["statement"].primary, by_id["statement"].copy) == (True, False)
    assert (by_id["mirror"].primary, by_id["mirror"].copy) == (True, True)
    assert (by_id["report"].primary, by_id["report"].copy) == (False, False)


def test_dates_keep_their_text_and_cover_their_interval() -> None:
    event = both(with_event(date="2019-02", end="2019-03-01", approximate=True)).events[0]
    assert (event.date.text, event.end and event.end.text, event.approximate) == (
        "2019-02",
        "2019-03-01",
        True,
    )
    assert (iso_day(day_of(event.earliest)), iso_day(day_of(event.latest))) == (
        "2019-02-01",
        "2019-03-01",
    )


def test_an_end_inside_a_coarser_date_is_accepted() -> None:
    latest = both(with_event(date="2023", end="2023-06")).events[0].latest
    assert iso_day(day_of(latest)) == "2023-06-30"


def test_explicit_nulls_for_optional_fields_are_accepted() -> None:
    log = both(with_event(end=None, location=None, assessment=None, note=None))
    assert log.events[0].end is None


def test_defaults() -> None:
    event = both(with_event()).events[0]
    assert (event.status, event.approximate, event.tags, event.related) == (
        "confirmed",
        False,
        (),
        (),
    )


def test_end_before_date_is_rejected_on_the_end_field() -> None:
    (error,) = rejected(with_event(date="2023-05", end="2023-04-30"))
    assert error["loc"] == ("events", 0, "end")
    assert error["msg"] == "end 2023-04-30 is before date 2023-05"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "Has Capitals"),
        ("id", "-leading-dash"),
        ("id", "trailing-newline\n"),
        ("id", ""),
        ("id", "x" * 101),
        ("type", "Picnic Day"),
        ("type", None),
        ("status", "rumoured"),
        ("status", None),
        ("date", 2023),
        ("date", "2023-02-30"),
        ("date", None),
        ("end", "2023-13"),
        ("title", ""),
        ("title", "x" * 501),
        ("title", 5),
        ("summary", None),
        ("summary", "x" * 20_001),
        ("actors", []),
        ("actors", "AAA"),
        ("actors", [5]),
        ("actors", [{"id": "AAA", "role": "Not A Slug"}]),
        ("actors", [{"id": "AAA", "extra": 1}]),
        ("tags", ["Not A Slug"]),
        ("tags", None),
        ("sources", [1]),
        ("related", [{"id": "x", "rel": "causes"}]),
        ("related", [{"id": "x"}]),
        ("location", {"name": "Seoul", "country": "kor"}),
        ("location", {"name": ""}),
        ("location", {"country": "KOR"}),
        ("location", "Seoul"),
        ("approximate", "yes"),
        ("approximate", 1),
        ("approximate", None),
        ("colour", "red"),
    ],
)
def test_bad_event_fields_are_rejected_on_both_paths(field: str, value: Any) -> None:
    errors = rejected(with_event(**{field: value}))
    assert errors[0]["loc"][:3] == ("events", 0, field)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/x",
        "https://exa mple.org",
        "https://a\x1b.org",
        "https://a.org/\u202e",
        "https://a.org/\n",
        "http://a.org/\u00a0",
        "https://",
    ],
)
def test_source_urls_must_be_http_without_hidden_characters(url: str) -> None:
    document = minimal_log()
    document["sources"][0]["url"] = url
    assert rejected(document)[0]["loc"] == ("sources", 0, "url")


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ("actors", "kind", "country"),
        ("actors", "aliases", "one"),
        ("actors", "aliases", [""]),
        ("actors", "member_of", ["has space"]),
        ("actors", "id", "has space"),
        ("sources", "published", "2023-02-30"),
        ("sources", "publisher", ""),
        ("sources", "note", ""),
        ("sources", "primary", "yes"),
        ("sources", "primary", 1),
        ("sources", "primary", None),
        ("sources", "copy", 0),
    ],
)
def test_bad_actor_and_source_fields_are_rejected_on_both_paths(
    section: str, field: str, value: Any
) -> None:
    document = minimal_log()
    document[section][0][field] = value
    assert rejected(document)[0]["loc"][:3] == (section, 0, field)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("title", ""),
        ("title", None),
        ("description", ""),
        ("events", {}),
        ("actors", None),
        ("$schema", 5),
        ("extra", 1),
    ],
)
def test_bad_top_level_fields_are_rejected_on_both_paths(key: str, value: Any) -> None:
    document = minimal_log()
    document[key] = value
    assert rejected(document)[0]["loc"][0] == key


def test_unknown_fields_are_rejected_not_dropped() -> None:
    assert rejected(with_event(colour="red"))[0]["type"] == "extra_forbidden"


def test_the_built_in_vocabulary_names_only_plover_categories() -> None:
    codes = {entry.plover for entry in DEFAULT_TYPES if entry.plover}
    assert codes <= set(PLOVER_CATEGORIES)
    assert len(PLOVER_CATEGORIES) == 16
    assert [entry.id for entry in DEFAULT_TYPES] == list(EVENT_TYPES)
    assert all(entry.colour for entry in DEFAULT_TYPES)


def test_integrity_problems_name_every_broken_reference() -> None:
    raw = with_event(
        actors=["AAA", "ZZZ"],
        sources=["src", "missing"],
        related=[{"id": "nowhere", "rel": "follows"}],
    )
    raw["events"].append({**raw["events"][0]})  # a duplicate id
    raw["actors"].append(
        {"id": "aaa", "name": "Alpha again", "kind": "state", "member_of": ["NOPE"]}
    )
    problems = {(p.path, p.message) for p in integrity_problems(both(raw))}
    assert (("events", 1, "id"), "duplicate id 'only-event'") in problems
    assert (("actors", 1, "id"), "duplicate id 'aaa'") in problems
    assert (("actors", 1, "member_of", 0), "unknown actor 'NOPE'") in problems
    assert (("events", 0, "actors", 1), "unknown actor 'ZZZ'") in problems
    assert (("events", 0, "sources", 1), "unknown source 'missing'") in problems
    assert (("events", 0, "related", 0, "id"), "unknown event 'nowhere'") in problems


def test_a_type_outside_the_vocabulary_is_a_problem_whether_declared_or_built_in() -> None:
    built_in = with_event(type="picnic")
    assert [(p.path, p.message) for p in integrity_problems(both(built_in))] == [
        (("events", 0, "type"), "unknown type 'picnic'")
    ]
    declared = with_event(type="picnic")
    declared["types"] = [{"id": "picnic", "label": "Picnic"}, {"id": "feast", "label": "Feast"}]
    assert integrity_problems(both(declared)) == []
    declared["events"][0]["type"] = "summit"
    assert [(p.path, p.message) for p in integrity_problems(both(declared))] == [
        (("events", 0, "type"), "unknown type 'summit'")
    ]


def test_a_name_shared_by_two_actors_is_a_problem() -> None:
    raw = minimal_log()
    raw["actors"].append({"id": "BBB", "name": "Beta", "kind": "state", "aliases": ["alpha"]})
    problems = integrity_problems(both(raw))
    assert [(p.path, p.message) for p in problems] == [
        (("actors", 1, "aliases", 0), "'alpha' already names actor 'AAA'")
    ]


def test_self_relations_and_self_membership_are_problems() -> None:
    raw = with_event(related=[{"id": "only-event", "rel": "context"}])
    raw["actors"][0]["member_of"] = ["AAA"]
    messages = [p.message for p in integrity_problems(both(raw))]
    assert messages == ["an actor cannot be a member of itself", "an event cannot relate to itself"]


def test_the_json_schema_describes_the_log() -> None:
    generated = schema.json_schema()
    assert generated["title"] == "timeline log"
    assert set(generated["properties"]) == {
        "$schema",
        "title",
        "description",
        "actors",
        "sources",
        "events",
        "types",
        "eras",
    }
    event = generated["$defs"]["EventModel"]
    date_pattern = event["properties"]["date"]["pattern"]
    for good in ("2019", "2019-02-27", "-0107", "2023-07-19T07:12+09:00", "Y-13800000000"):
        assert re.search(date_pattern, good), good
    for bad in ("2019-02-27\n", "2019-2-27", "19", "2019-02-27T7:12", ".."):
        assert not re.search(date_pattern, bad), bad
    assert event["additionalProperties"] is False
