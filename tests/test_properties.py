"""Properties that must hold for any input, not just the examples in the other tests."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.invariants import json_paths

from timeline import bulkload, fastload, schema
from timeline.dates import PartialDate, days_in_month
from timeline.document import dumps, log_json
from timeline.errors import LookupFailed
from timeline.model import Log, integrity_problems
from timeline.query import (
    Filters,
    SortKey,
    choose_while_reading,
    select,
    selection_of,
    sort_events,
)
from timeline.render.delimited import FORMULA_TRIGGERS, defuse, undefuse
from timeline.render.sanitize import for_terminal, one_line
from timeline.store import parse_log

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=100)
settings.load_profile("ci")

days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


def _year(year: int) -> str:
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


@st.composite
def partial_dates(draw: st.DrawFn) -> str:
    """Any date of the grammar: BCE and three-digit years, months, days, times with or without a
    zone, and now and then deep time."""
    if draw(st.integers(0, 30)) == 0:
        magnitude = draw(st.integers(10_000, 10**11))
        return f"Y{'-' if draw(st.booleans()) else ''}{magnitude}"
    year = draw(st.integers(-9999, 9999))
    month = draw(st.integers(1, 12))
    last = days_in_month(year, month)
    day = draw(st.integers(1, last))
    shape = draw(st.sampled_from(["year", "month", "day", "minute", "second"]))
    text = _year(year)
    if shape == "year":
        return text
    text += f"-{month:02d}"
    if shape == "month":
        return text
    text += f"-{day:02d}"
    if shape == "day":
        return text
    text += f"T{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
    if shape == "second":
        text += f":{draw(st.integers(0, 59)):02d}"
    zone = draw(st.sampled_from(["", "Z", "+09:00", "-05:30", "+14:00", "-12:00"]))
    return text + zone


@given(partial_dates())
def test_every_generated_date_is_an_interval_of_its_precision(text: str) -> None:
    parsed = PartialDate(text)
    assert parsed.earliest <= parsed.latest
    assert str(parsed) == text


ACTORS = ["AAA", "BBB", "CCC", "person-a"]
TAGS = ["alpha", "beta", "gamma"]
TYPES = ["summit", "meeting", "exercise", "statement"]
text = st.text(min_size=1, max_size=40).filter(
    lambda s: not any("\ud800" <= c <= "\udfff" for c in s)
)


@st.composite
def logs(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(min_value=0, max_value=12))
    events = []
    for index in range(count):
        start = draw(partial_dates())
        event: dict[str, Any] = {
            "id": f"event-{index}",
            "title": draw(text),
            "date": start,
            "type": draw(st.sampled_from(TYPES)),
            "actors": draw(st.lists(st.sampled_from(ACTORS), min_size=1, max_size=3, unique=True)),
            "summary": draw(text),
            "tags": draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True)),
            "approximate": draw(st.booleans()),
        }
        shape = draw(st.sampled_from(["none", "span", "window", "open"]))
        if shape == "open":
            event["end"] = ".."
        elif shape != "none":
            other = draw(partial_dates())
            if PartialDate(other).latest >= PartialDate(start).earliest:
                event["end"] = other
                event["window"] = shape == "window"
        if draw(st.booleans()):
            event["assessment"] = draw(text)
        if index and draw(st.booleans()):
            event["related"] = [{"id": f"event-{index - 1}", "rel": "follows"}]
        events.append(event)
    return {
        "title": "Generated",
        "eras": [
            {"id": "before", "title": "Before", "date": "-9999", "end": "0000"},
            {"id": "after", "title": "After", "date": "2000", "end": ".."},
        ],
        "actors": [
            {"id": "AAA", "name": "Alpha state", "kind": "state"},
            {"id": "BBB", "name": "Beta state", "kind": "state"},
            {"id": "CCC", "name": "Gamma org", "kind": "organisation"},
            {"id": "person-a", "name": "Person A", "kind": "person", "member_of": ["AAA"]},
        ],
        "events": events,
    }


def load(raw: dict[str, Any]) -> Log:
    return parse_log(json.dumps(raw).encode(), "generated")


@given(logs())
def test_a_log_survives_a_round_trip_through_json(raw: dict[str, Any]) -> None:
    log = load(raw)
    assert parse_log(dumps(log_json(log)).encode(), "again") == log


@given(logs())
def test_the_fast_loader_accepts_valid_logs_as_the_schema_does(raw: dict[str, Any]) -> None:
    fast = fastload.build(json.loads(json.dumps(raw)))
    assert fast is not None
    assert fast == schema.validate(raw)


@given(logs())
def test_the_bulk_loader_accepts_valid_logs_as_the_schema_does(raw: dict[str, Any]) -> None:
    scanned = bulkload.scan(json.dumps(raw).encode())
    assert scanned is not None
    assert scanned.log == schema.validate(raw)
    assert scanned.total == len(raw["events"])


JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "",
            "x",
            "AAA",
            "event-0",
            "summit",
            "follows",
            "2020",
            "2020-02-30",
            "https://a.org",
            "Has Space",
            "x" * 501,
            "ok\n",
            "KOR",
            "supplier",
        ]
    ),
    st.just([]),
    st.just({}),
    st.just(["AAA"]),
    st.just([{"id": "AAA"}]),
)


@given(logs(), st.data())
def test_whatever_the_fast_loader_accepts_the_schema_accepts_identically(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    from pydantic import ValidationError

    document = json.loads(json.dumps(raw))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(json_paths(document)[1:]))
        *parents, last = path
        container = document
        for step in parents:
            container = container[step]
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            container[last] = copy.deepcopy(data.draw(JSON_VALUES))  # st.just values are shared
        elif action == "delete" and isinstance(container, dict):
            del container[last]
        elif isinstance(container, dict):
            key = data.draw(
                st.sampled_from(["extra", "role", "end", "note", "location", "country"])
            )
            container[key] = copy.deepcopy(data.draw(JSON_VALUES))  # st.just values are shared
    fast = fastload.build(json.loads(json.dumps(document)))
    scanned = bulkload.scan(json.dumps(document).encode())
    for accepted in (fast, None if scanned is None else scanned.log):
        if accepted is not None:
            try:
                slow = schema.validate(document)
            except ValidationError as error:
                raise AssertionError(
                    f"a fast path accepted what the schema rejects: {error}"
                ) from None
            assert accepted == slow
    if scanned is not None:
        assert not integrity_problems(scanned.log)


# Edits to the text of a log that the strict reader refuses, or that only look unusual.
TEXT_EDITS = [
    ("", ""),
    ("[", "[ "),
    (",", " ,\n\t"),
    ("}", "\r\n}"),
    ("]", ",]"),
    ("}", ",}"),
    ('"events"', '"events": [], "events"'),
    ('"title"', '"title": "x", "title"'),
    ('"id"', '"id": "dup", "id"'),
    ('"summary"', '"summary": NaN, "summary"'),
    ("[", "[1e999, "),
    ('"date"', '"note": "\\ud800", "date"'),
    ('"date"', '"note": "\\ud83d\\ude00", "date"'),
    ('"summary": "', '"summary": "tab\there '),
    ("{", "{ /* comment */ "),
    ("{", "\ufeff{"),
    ("]", "] garbage"),
    ('"date"', '"d\\u0061te": "1999", "date"'),  # the same key, once written with an escape
    ('"id"', '"\\u0069d": "dup", "id"'),
    ('"name"', '"name": "Dup", "name"'),  # in the registry, not in an event
    ('"rel"', '"rel": "follows", "rel"'),  # inside an object inside an event
    ('"summary": "', '"summary": "a colon\\u003a escaped, and '),
    ('"title": "', '"title": "a line that ends\\n'),
]


@given(logs(), st.sampled_from(TEXT_EDITS), st.integers(0, 40), st.booleans())
def test_reading_the_events_one_at_a_time_accepts_what_the_strict_reader_does(
    raw: dict[str, Any], edit: tuple[str, str], occurrence: int, at_end: bool
) -> None:
    from timeline.errors import LogError
    from timeline.store import build_log, parse_json_text

    text = json.dumps(raw, indent=None if at_end else 1)
    old, new = edit
    places = [i for i in range(len(text)) if text.startswith(old, i)] if old else [0]
    if places:
        where = places[-1] if at_end else places[occurrence % len(places)]
        text = text[:where] + new + text[where + len(old) :]
    streamed = fastload.build_from_text(text)
    scanned = bulkload.scan(text.encode(errors="surrogatepass"))
    try:
        whole = build_log(parse_json_text(text, "t"), "t")
    except LogError:  # refused whole: the reader must not accept it (integrity is checked after)
        assert streamed is None or integrity_problems(streamed)
        assert scanned is None
        return
    assert streamed in (None, whole)
    assert scanned is None or scanned.log == whole


FILTER_WORDS = ["alpha", "STATE", "person", "zz-none", "event"]


@given(
    logs(),
    st.lists(st.sampled_from(ACTORS), max_size=2),
    st.lists(st.sampled_from(TYPES), max_size=2),
    st.lists(st.sampled_from(TAGS), max_size=1),
    st.one_of(st.none(), partial_dates()),
    st.one_of(st.none(), st.sampled_from(FILTER_WORDS)),
    st.sampled_from(["date", "title", "id"]),
    st.booleans(),
    st.one_of(st.none(), st.integers(0, 5)),
    st.booleans(),
)
def test_choosing_while_reading_chooses_as_select_does(
    raw: dict[str, Any],
    actors: list[str],
    types: list[str],
    tags: list[str],
    start: str | None,
    search: str | None,
    sort: SortKey,
    reverse: bool,
    limit: int | None,
    two_processes: bool,
) -> None:
    log = load(raw)
    wanted = Filters(
        actors=actors,
        types=types,
        tags=tags,
        date_from=PartialDate(start) if start else None,
        search=search,
    )
    data = json.dumps(raw).encode()
    with mock.patch.object(bulkload, "PARALLEL_EVENTS", 2 if two_processes else 10**9):
        try:
            expected = select(log, wanted, sort=sort, reverse=reverse, limit=limit)
        except LookupFailed as error:
            with pytest.raises(LookupFailed) as raised:
                choose_while_reading(data, wanted, sort=sort, reverse=reverse, limit=limit)
            assert str(raised.value) == str(error)
            return
        chosen = choose_while_reading(data, wanted, sort=sort, reverse=reverse, limit=limit)
    assert chosen is not None
    registries, events = chosen
    assert events == list(expected.events)
    assert selection_of(registries, events) == expected


@given(logs(), st.booleans())
def test_a_survey_notes_every_event_where_it_lies(raw: dict[str, Any], two_processes: bool) -> None:
    log = load(raw)
    data = json.dumps(raw, indent=two_processes or None).encode()
    with mock.patch.object(bulkload, "PARALLEL_EVENTS", 2 if two_processes else 10**9):
        surveyed = bulkload.survey(data)
    assert surveyed is not None
    assert surveyed.registries == log.with_events(())
    reader = bulkload.Reader(surveyed.registries)
    facts = surveyed.events
    again = [
        reader.event(data[offset : offset + length])
        for offset, length in zip(facts.offsets, facts.lengths, strict=True)
    ]
    assert again == list(log.events)
    assert facts.ids == [event.id for event in log.events]
    assert facts.types == [event.type for event in log.events]
    assert list(facts.earliest) == [event.earliest for event in log.events]
    assert list(facts.latest) == [event.latest for event in log.events]
    assert facts.tags == [event.tags for event in log.events]
    assert facts.actor_ids == [tuple(dict.fromkeys(event.actor_ids)) for event in log.events]
    assert facts.related == [event.related for event in log.events]
    assert facts.title_keys == [event.title.casefold() for event in log.events]


def test_ordinary_logs_are_read_one_event_at_a_time() -> None:
    from timeline.store import bundled_log_path, load_log

    path = bundled_log_path()
    assert fastload.build_from_text(path.read_text(encoding="utf-8")) == load_log(path)


@given(logs())
def test_sorting_is_a_chronological_permutation(raw: dict[str, Any]) -> None:
    log = load(raw)
    ordered = sort_events(log.events)
    assert sorted(e.id for e in ordered) == sorted(e.id for e in log.events)
    keys = [(e.earliest, e.latest) for e in ordered]
    assert keys == sorted(keys)
    assert [e.id for e in sort_events(log.events, reverse=True)] == [
        e.id for e in reversed(ordered)
    ]


@given(
    logs(),
    st.lists(st.sampled_from(ACTORS), max_size=2),
    st.lists(st.sampled_from(TYPES), max_size=2),
    st.one_of(st.none(), partial_dates()),
    st.one_of(st.none(), partial_dates()),
)
def test_filters_only_ever_narrow(
    raw: dict[str, Any], actors: list[str], types: list[str], start: str | None, stop: str | None
) -> None:
    log = load(raw)
    everything = select(log, Filters()).events
    date_from = PartialDate(start) if start else None
    date_to = PartialDate(stop) if stop else None
    narrowed = select(
        log, Filters(actors=actors, types=types, date_from=date_from, date_to=date_to)
    ).events
    assert {e.id for e in narrowed} <= {e.id for e in everything}
    for event in narrowed:
        assert not types or event.type in types
        assert date_from is None or event.latest >= date_from.earliest
        assert date_to is None or event.earliest <= date_to.latest
    more = select(
        log, Filters(actors=[*actors, "BBB"], types=types, date_from=date_from, date_to=date_to)
    ).events
    assert {e.id for e in more} <= {e.id for e in narrowed}


@given(logs(), st.integers(min_value=0, max_value=15))
def test_limit_takes_a_prefix(raw: dict[str, Any], limit: int) -> None:
    log = load(raw)
    assert select(log, Filters(), limit=limit).events == select(log, Filters()).events[:limit]


cells = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)


@given(st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=5))
def test_csv_escaping_round_trips_and_leaves_no_live_formula(rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([defuse(cell) for cell in row])
    parsed = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert all(
        not cell or cell[0] not in FORMULA_TRIGGERS - {"'"} for row in parsed for cell in row
    )
    assert [[undefuse(cell) for cell in row] for row in parsed] == rows


CONTROLS = {
    chr(c)
    for c in [
        *range(0x20),
        0x7F,
        *range(0x80, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
}


@given(st.text())
def test_the_sanitiser_leaves_no_control_character(value: str) -> None:
    assert not (set(for_terminal(value)) & (CONTROLS - {"\t", "\n"}))
    assert not (set(one_line(value)) & CONTROLS)


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_the_sanitiser_leaves_printable_text_alone(value: str) -> None:
    assert for_terminal(value) == value


@given(logs())
def test_fmt_changes_no_value_and_is_idempotent(raw: dict[str, Any]) -> None:
    from timeline.edit import canonical, canonical_text

    log = load(raw)
    text = canonical_text(log)
    again = parse_log(text.encode(), "formatted")
    assert again == canonical(log)
    assert sorted(again.events, key=lambda e: e.id) == sorted(log.events, key=lambda e: e.id)
    assert canonical_text(again) == text


@given(logs(), st.sampled_from(TYPES), partial_dates(), text)
def test_adding_an_event_then_diffing_shows_exactly_that_event(
    raw: dict[str, Any], kind: str, date_text: str, title: str
) -> None:
    from timeline.diff import compare
    from timeline.edit import canonical_text, with_additions

    before = load(raw)
    event = {
        "id": "the-new-one",
        "title": title,
        "date": date_text,
        "type": kind,
        "actors": ["BBB"],
        "summary": "Added.",
    }
    after = parse_log(canonical_text(load(with_additions(raw, event))).encode(), "after")
    changes = compare(before, after)
    assert [(c.change, c.id, c.fields) for c in changes if c.section == "events"] == [
        ("added", "the-new-one", [])
    ]
