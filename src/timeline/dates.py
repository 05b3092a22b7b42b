"""Partial dates: a year, a month or a day, each read as the interval it covers."""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date
from typing import Literal

Precision = Literal["year", "month", "day"]

PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
# re.ASCII: \d and friends would otherwise accept Arabic-Indic and other Unicode digits.
_SHAPE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)


class PartialDate:
    """A date known to a year (`2023`), a month (`2023-07`) or a day (`2023-07-18`).

    `earliest` and `latest` are the first and last days the text can mean, so that partial
    dates sort and filter as intervals. The original text is kept and written back unchanged.
    """

    __slots__ = ("earliest", "latest", "precision", "text")

    text: str
    precision: Precision
    earliest: date
    latest: date

    def __init__(self, text: str) -> None:
        match = _SHAPE.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year_text, month_text, day_text = match.groups()
        year = int(year_text)
        if year < 1:
            raise ValueError(f"{text!r}: year 0000 does not exist")
        if month_text is None:
            self.precision = "year"
            self.earliest, self.latest = date(year, 1, 1), date(year, 12, 31)
        else:
            month = int(month_text)
            if not 1 <= month <= 12:
                raise ValueError(f"{text!r}: month {month_text} does not exist")
            last_day = _days_in_month(year, month)
            if day_text is None:
                self.precision = "month"
                self.earliest, self.latest = date(year, month, 1), date(year, month, last_day)
            else:
                day = int(day_text)
                if not 1 <= day <= last_day:
                    raise ValueError(
                        f"{text!r}: {calendar.month_name[month]} {year} has no day {day_text}"
                    )
                self.precision = "day"
                self.earliest = self.latest = date(year, month, day)
        self.text = text

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """The same as `PartialDate(text)`, shared for repeated texts (logs repeat dates a lot)."""
        return _parse(text)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"PartialDate({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialDate) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@functools.lru_cache(maxsize=65_536)
def _parse(text: str) -> PartialDate:
    return PartialDate(text)
