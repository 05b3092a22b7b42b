"""Dates for any history: the grammar, the calendar, ordering by instant, and how dates read.

Two independent oracles check the calendar: Python's `datetime` for the years it can hold
(1 to 9999, and instants with zones), and the `edtf` package's own test cases
(tests/samples/edtf/edtf_cases.json) for BCE years, deep time and intervals.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.dates import (
    OPEN,
    SECONDS_PER_DAY,
    PartialDate,
    civil_from_days,
    day_of,
    days_from_civil,
    iso_day,
    year_name,
)
from timeline.model import Event
from timeline.render.phrases import compact, date_in_words, interval, spelled

EPOCH = date(1970, 1, 1).toordinal()
CASES = json.loads((Path(__file__).parent / "samples" / "edtf" / "edtf_cases.json").read_text())


def day_number(day: date) -> int:
    return day.toordinal() - EPOCH


@pytest.mark.parametrize(
    ("text", "precision", "first", "last"),
    [
        ("2023", "year", date(2023, 1, 1), date(2023, 12, 31)),
        ("2023-02", "month", date(2023, 2, 1), date(2023, 2, 28)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("2019-02-27", "day", date(2019, 2, 27), date(2019, 2, 27)),
        ("2000-02-29", "day", date(2000, 2, 29), date(2000, 2, 29)),
        ("0602", "year", date(602, 1, 1), date(602, 12, 31)),
        ("0001-01-01", "day", date(1, 1, 1), date(1, 1, 1)),
    ],
)
def test_a_date_is_the_interval_of_days_it_covers(
    text: str, precision: str, first: date, last: date
) -> None:
    parsed = PartialDate(text)
    assert parsed.precision == precision and str(parsed) == text
    assert parsed.earliest == day_number(first) * SECONDS_PER_DAY
    assert parsed.latest == (day_number(last) + 1) * SECONDS_PER_DAY - 1


@pytest.mark.parametrize(
    ("text", "instant", "seconds"),
    [
        ("2023-07-19T07:12+09:00", datetime(2023, 7, 18, 22, 12, tzinfo=UTC), 60),
        ("2023-07-19T07:12:30Z", datetime(2023, 7, 19, 7, 12, 30, tzinfo=UTC), 1),
        ("2023-07-19T07:12-05:30", datetime(2023, 7, 19, 12, 42, tzinfo=UTC), 60),
        ("2023-07-19T07:12", datetime(2023, 7, 19, 7, 12, tzinfo=UTC), 60),  # floating: as written
    ],
)
def test_a_time_is_its_minute_or_second_counted_in_utc_where_it_has_a_zone(
    text: str, instant: datetime, seconds: int
) -> None:
    parsed = PartialDate(text)
    assert parsed.earliest == int(instant.timestamp())
    assert parsed.latest == parsed.earliest + seconds - 1


def test_bce_deep_time_and_the_open_end() -> None:
    assert PartialDate("0000").year == 0 and year_name(0) == "1 BCE"
    assert year_name(PartialDate("-0107").year) == "108 BCE"
    deep = PartialDate("Y-13800000000")
    assert deep.precision == "year" and year_name(deep.year) == "13,800,000,001 BCE"
    assert deep.earliest < PartialDate("-9999").earliest < PartialDate("0000").earliest
    assert PartialDate("..").is_open and PartialDate("..").latest == OPEN


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2023-02-30", "February 2023 has no day 30"),
        ("2023-02-29", "February 2023 has no day 29"),
        ("1900-02-29", "February 1900 has no day 29"),
        ("2023-13", "month 13 does not exist"),
        ("2023-00", "month 00 does not exist"),
        ("2023-01-00", "January 2023 has no day 00"),
        ("-0000", "year 0 is written 0000"),
        ("2023-07-19T24:00", "24:00 is not a time of day"),
        ("2023-07-19T07:60", "07:60 is not a time of day"),
        ("2023-07-19T07:12:60", "second 60 does not exist"),
        ("2023-07-19T07:12+25:00", r"\+25:00 is not a time-zone offset"),
        ("2023-07-19T07:12+09:60", r"\+09:60 is not a time-zone offset"),
        ("2023-07T07:12", "is not a date"),
        ("2023-07-19T7:12", "is not a date"),
        ("Y1234", "is not a date"),
        ("Y-1234", "is not a date"),
        ("Y12345-01", "is not a date"),
        ("Y-0012345", "is not a date"),
        ("Y999999999999", "years beyond 100,000,000,000 are not supported"),
        ("602", "is not a date"),
        ("86400", "is not a date"),
        ("2023/01/01", "is not a date"),
        (" 2023", "is not a date"),
        ("２０２３", "is not a date"),  # full-width digits
        ("٢٠٢٣", "is not a date"),  # Arabic-Indic digits
        ("", "is not a date"),
    ],
)
def test_impossible_or_malformed_dates_are_rejected(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        PartialDate(text)


def test_equality_and_hash_follow_the_text() -> None:
    assert PartialDate("2023") == PartialDate("2023")
    assert PartialDate("2023") != PartialDate("2023-01")
    assert len({PartialDate("2023"), PartialDate("2023")}) == 1


# The calendar against datetime ---------------------------------------------------------------

ce_days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


@given(ce_days)
def test_day_numbers_agree_with_datetime(day: date) -> None:
    number = days_from_civil(day.year, day.month, day.day)
    assert number == day_number(day)
    assert civil_from_days(number) == (day.year, day.month, day.day)
    assert iso_day(number) == day.isoformat()


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_day_numbers_round_trip_for_any_year(number: int) -> None:
    assert days_from_civil(*civil_from_days(number)) == number


@given(
    ce_days.flatmap(
        lambda d: st.sampled_from([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4]])
    )
)
def test_a_date_covers_exactly_the_days_with_its_prefix(text: str) -> None:
    parsed = PartialDate(text)
    first, last = day_of(parsed.earliest), day_of(parsed.latest)
    assert iso_day(first).startswith(text) and iso_day(last).startswith(text)
    assert not iso_day(first - 1).startswith(text)
    assert not iso_day(last + 1).startswith(text)


zones = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59)
moments = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(
    lambda moment: moment.replace(microsecond=0)
)


def _written(moment: datetime, *, seconds: bool = True) -> str:
    clock = f"{moment.hour:02d}:{moment.minute:02d}" + (f":{moment.second:02d}" if seconds else "")
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{clock}"


def _zone_text(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@given(moments, zones)
def test_a_zoned_time_is_its_instant(moment: datetime, offset: int) -> None:
    text = _written(moment) + _zone_text(offset)
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=offset)))
    expected = (aware.astimezone(UTC).replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds()
    assert PartialDate(text).earliest == int(expected)


@given(st.lists(st.tuples(moments, zones), min_size=2, max_size=8))
def test_zoned_times_sort_by_their_instants(written: list[tuple[datetime, int]]) -> None:
    texts = [_written(m, seconds=False) + _zone_text(z) for m, z in written]
    instants = {
        text: m.replace(second=0, microsecond=0, tzinfo=timezone(timedelta(minutes=z)))
        for text, (m, z) in zip(texts, written, strict=True)
    }
    ours = sorted(texts, key=lambda text: PartialDate(text).earliest)
    assert [instants[t] for t in ours] == sorted(instants[t] for t in texts)


# The calendar against the edtf package's cases ---------------------------------------------------

OURS = re.compile(
    r"^(-?\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?)?)?|Y-?[1-9]\d{4,})"
    r"(/(-?\d{4}(-\d{2}(-\d{2})?)?|\.\.))?$"
)
# EDTF's seasons (2001-21 for spring) are months above 12: not part of the grammar.
SUPPORTED = [
    case
    for case in CASES["valid"]
    if OURS.match(case["input"]) and not re.match(r"^\d{4}-(2\d|3\d)$", case["input"])
]


def _local_day(date_: PartialDate, second: int) -> int:
    return day_of(second + (date_.offset or 0) * 60)


@pytest.mark.parametrize("case", SUPPORTED, ids=lambda case: case["input"])
def test_the_edtf_package_agrees_on_first_and_last_days(case: dict[str, object]) -> None:
    text = str(case["input"])
    expected = list(case["expected_iso"])  # type: ignore[call-overload]
    start_text, _, end_text = text.partition("/")
    start = PartialDate(start_text)
    end = PartialDate(end_text) if end_text else start
    first = iso_day(_local_day(start, start.earliest))
    assert first == expected[0]
    if end.is_open:
        assert expected[-1] == "inf"
    else:
        last = iso_day(_local_day(end, end.latest))
        assert last == expected[-1]


def test_the_oracle_covers_bce_deep_time_times_and_open_ends() -> None:
    inputs = {case["input"] for case in SUPPORTED}
    assert {"-0999", "0000", "Y-170000002", "2004-01-01T10:10:10+05:00", "2004-01-01/.."} <= inputs
    assert len(SUPPORTED) >= 19


@pytest.mark.parametrize("text", [c for c in CASES["invalid"] if isinstance(c, str)])
def test_what_the_edtf_package_refuses_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        PartialDate(text)


# How dates read -------------------------------------------------------------------------------


def event(date_: str, end: str | None = None, **fields: object) -> Event:
    return Event(
        id="e",
        title="E",
        date=PartialDate(date_),
        type="summit",
        actors=(),
        summary="s",
        end=None if end is None else PartialDate(end),
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("made", "words", "short", "edtf"),
    [
        (
            event("2019-02-27", "2019-02-28"),
            "27–28 February 2019",
            "2019-02-27–28",
            "2019-02-27/2019-02-28",
        ),
        (
            event("2024-06-27", "2024-07-01"),
            "27 June – 1 July 2024",
            "2024-06-27–07-01",
            "2024-06-27/2024-07-01",
        ),
        (
            event("2022-09", "2024", approximate=True),
            "about September 2022 – 2024",
            "2022-09~ – 2024~",
            "2022-09~/2024~",
        ),
        (event("2023-03", "2023-05"), "March – May 2023", "2023-03–05", "2023-03/2023-05"),
        (event("0602"), "602", "602", "0602"),
        (event("-0107"), "108 BCE", "108 BCE", "-0107"),
        (event("-0043-03-15"), "15 March 44 BCE", "15 Mar 44 BCE", "-0043-03-15"),
        (event("Y-13800000000"), "13,800,000,001 BCE", "13,800,000,001 BCE", "Y-13800000000"),
        (
            event("2023-07-19T07:12+09:00"),
            "19 July 2023, 07:12 +09:00",
            "2023-07-19 07:12+09:00",
            "2023-07-19T07:12+09:00",
        ),
        (
            event("2023-07-19T07:12:05Z"),
            "19 July 2023, 07:12:05 UTC",
            "2023-07-19 07:12:05Z",
            "2023-07-19T07:12:05Z",
        ),
        (
            event("2022-05-10", ".."),
            "10 May 2022 – ongoing",
            "2022-05-10 – ongoing",
            "2022-05-10/..",
        ),
        (
            event("2023-07-01", "2023-07-31", window=True),
            "some day between 1 and 31 July 2023",
            "[2023-07-01..31]",
            "[2023-07-01..2023-07-31]",
        ),
        (
            event("2019", "2021", window=True),
            "some time between 2019 and 2021",
            "[2019..2021]",
            "[2019..2021]",
        ),
    ],
)  # fmt: skip
def test_dates_read_as_written_in_a_readers_form(
    made: Event, words: str, short: str, edtf: str
) -> None:
    assert (spelled(made), compact(made), interval(made)) == (words, short, edtf)


def test_a_date_in_words_never_says_more_than_the_log() -> None:
    assert date_in_words(PartialDate("2023")) == "2023"
    assert date_in_words(PartialDate("2023-07")) == "July 2023"
    assert date_in_words(PartialDate("0000-12")) == "December 1 BCE"


# Overlap, as the filters use it, against datetime intervals --------------------------------------


def _bounds(text: str) -> tuple[datetime, datetime]:
    """The first and last instant a CE date (with or without a time and zone) covers, computed
    with datetime alone."""
    if "T" not in text:
        parts = [int(part) for part in text.split("-")]
        if len(parts) == 1:
            return datetime(parts[0], 1, 1), datetime(parts[0], 12, 31, 23, 59, 59)
        if len(parts) == 2:
            first = datetime(parts[0], parts[1], 1)
            following = datetime(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
            return first, following - timedelta(seconds=1)
        first = datetime(*parts)  # type: ignore[arg-type]
        return first, first + timedelta(days=1, seconds=-1)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    length = timedelta(seconds=1 if text.count(":") - (1 if text[-6] in "+-" else 0) == 2 else 60)
    return moment, moment + length - timedelta(seconds=1)


ce_texts = st.one_of(
    st.dates(min_value=date(1000, 1, 2), max_value=date(9998, 12, 30)).flatmap(
        lambda d: st.sampled_from([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4]])
    ),
    st.tuples(moments, zones, st.booleans()).map(
        lambda t: _written(t[0], seconds=False) + (_zone_text(t[1]) if t[2] else "")
    ),
)


@given(st.lists(ce_texts, min_size=1, max_size=10), ce_texts, ce_texts)
def test_the_date_filters_choose_exactly_the_overlapping_events(
    texts: list[str], low: str, high: str
) -> None:
    from timeline.model import Log
    from timeline.query import Filters, choose

    events = tuple(
        event(text)._replace(id=f"e{index}", actors=()) for index, text in enumerate(texts)
    )
    log = Log(events=events)
    start, stop = PartialDate(low), PartialDate(high)
    if stop.latest < start.earliest:
        start, stop = stop, start
    chosen = {e.id for e in choose(log, Filters(date_from=start, date_to=stop))}
    range_first, range_last = _bounds(start.text)[0], _bounds(stop.text)[1]
    expected = {
        f"e{index}"
        for index, text in enumerate(texts)
        if _bounds(text)[1] >= range_first and _bounds(text)[0] <= range_last
    }
    assert chosen == expected
