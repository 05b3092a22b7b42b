from __future__ import annotations

from datetime import date

import pytest

from timeline.dates import PartialDate


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest"),
    [
        ("2023", "year", date(2023, 1, 1), date(2023, 12, 31)),
        ("2023-02", "month", date(2023, 2, 1), date(2023, 2, 28)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("2019-02-27", "day", date(2019, 2, 27), date(2019, 2, 27)),
        ("2000-02-29", "day", date(2000, 2, 29), date(2000, 2, 29)),
        ("1950-06-25", "day", date(1950, 6, 25), date(1950, 6, 25)),
    ],
)
def test_a_partial_date_is_the_interval_it_covers(
    text: str, precision: str, earliest: date, latest: date
) -> None:
    parsed = PartialDate(text)
    assert (parsed.precision, parsed.earliest, parsed.latest, str(parsed)) == (
        precision,
        earliest,
        latest,
        text,
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2023-02-30", "February 2023 has no day 30"),
        ("2023-02-29", "February 2023 has no day 29"),
        ("1900-02-29", "February 1900 has no day 29"),
        ("2023-13", "month 13 does not exist"),
        ("2023-00", "month 00 does not exist"),
        ("2023-01-00", "January 2023 has no day 00"),
        ("0000", "year 0000 does not exist"),
        ("86400", "is not a date"),
        ("23-01-01", "is not a date"),
        ("2023-1-1", "is not a date"),
        ("2023/01/01", "is not a date"),
        ("2023-01-01T00:00", "is not a date"),
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
