"""Dates at the precision actually known, for any history: each read as the interval it covers.

The grammar (an EDTF subset; see docs/log-format.md):

    date   := year [ "-" MM [ "-" DD [ "T" hh ":" mm [ ":" ss ] [ zone ] ] ] ]
    year   := [ "-" ] DDDD          four digits, astronomical numbering: 0000 = 1 BCE,
                                    -0107 = 108 BCE, 0602 = the year 602
            | "Y" [ "-" ] D{5,}     deep time beyond +-9999, year precision only
    zone   := "Z" | ("+" | "-") hh ":" mm        no zone = floating local time
    end    := date | ".."           ".." is an open end: still going on

A date covers an interval of seconds, `earliest` to `latest`, counted from 1970-01-01T00:00:00 in
the proleptic Gregorian calendar, whatever the year: `2023` covers all of 2023, `2023-07-19T07:12`
that minute. A time with a zone is counted in UTC, so dates order by instant; a date or a time
without a zone is counted as written (local time), as iCalendar treats floating times. No
`datetime` is involved: it cannot hold year 0 or below.
"""

from __future__ import annotations

import calendar
import functools
import re
from typing import Literal

Precision = Literal["year", "month", "day", "minute", "second", "open"]

SECONDS_PER_DAY = 86_400
# Deep time is bounded so that every instant fits in 64 bits (a column of the index): 100 billion
# years is seven times the age of the universe.
MAX_YEAR = 100_000_000_000
OPEN = 2**63 - 1  # the latest second of an open end: later than any date
OPEN_TEXT = ".."

# The JSON Schema pattern of a date (and of `end`, with ".."). It checks the shape; `validate`
# also checks that the date exists (no 30 February, no 24:00, no offset beyond 23:59).
PATTERN = (
    r"^(-?[0-9]{4}(-[0-9]{2}(-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?|Y-?[1-9][0-9]{4,11})$"
)
END_PATTERN = PATTERN[:-2] + r"|\.\.)$"

# re.ASCII: \d and friends would otherwise accept Arabic-Indic and other Unicode digits.
_SHAPE = re.compile(
    r"(?:(?P<year>-?[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2})"
    r"(?:T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?"
    r"(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?"
    r"|Y(?P<deep>-?[1-9][0-9]{4,}))",
    re.ASCII,
)
_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss][zone]"


class PartialDate:
    """A date known to a year, a month, a day, a minute or a second, with or without a zone.

    `earliest` and `latest` are the first and last seconds the text can mean. The original text
    is kept and written back unchanged.
    """

    __slots__ = (
        "day",
        "earliest",
        "hour",
        "latest",
        "minute",
        "month",
        "offset",
        "precision",
        "second",
        "text",
        "year",
    )

    text: str
    precision: Precision
    year: int
    month: int | None
    day: int | None
    hour: int | None
    minute: int | None
    second: int | None
    offset: int | None  # minutes east of UTC; None for a floating (local) time or no time
    earliest: int
    latest: int

    def __init__(self, text: str) -> None:
        if text == OPEN_TEXT:
            self._open()
            return
        match = _SHAPE.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"{text!r} is not a date of the form {_FORMS}")
        parts = match.groupdict()
        self.text = text
        self.month = self.day = self.hour = self.minute = self.second = self.offset = None
        if parts["deep"] is not None:
            self.year = int(parts["deep"])
            if abs(self.year) < 10_000:
                raise ValueError(f"{text!r}: write a year of four digits or fewer as YYYY")
            if abs(self.year) > MAX_YEAR:
                raise ValueError(f"{text!r}: years beyond {MAX_YEAR:,} are not supported")
            self._whole_year()
            return
        if parts["year"] == "-0000":
            raise ValueError(f"{text!r}: year 0 is written 0000 (1 BCE), never -0000")
        self.year = int(parts["year"])
        if parts["month"] is None:
            self._whole_year()
            return
        self.month = int(parts["month"])
        if not 1 <= self.month <= 12:
            raise ValueError(f"{text!r}: month {parts['month']} does not exist")
        last_day = days_in_month(self.year, self.month)
        if parts["day"] is None:
            self.precision = "month"
            first = days_from_civil(self.year, self.month, 1)
            self.earliest = first * SECONDS_PER_DAY
            self.latest = (first + last_day) * SECONDS_PER_DAY - 1
            return
        self.day = int(parts["day"])
        if not 1 <= self.day <= last_day:
            month_name = calendar.month_name[self.month]
            raise ValueError(
                f"{text!r}: {month_name} {year_name(self.year)} has no day {parts['day']}"
            )
        start = days_from_civil(self.year, self.month, self.day) * SECONDS_PER_DAY
        if parts["hour"] is None:
            self.precision = "day"
            self.earliest, self.latest = start, start + SECONDS_PER_DAY - 1
            return
        self._time_of_day(text, parts, start)

    def _time_of_day(self, text: str, parts: dict[str, str | None], day_start: int) -> None:
        hour, minute, second = parts["hour"], parts["minute"], parts["second"]
        assert hour is not None and minute is not None
        self.hour, self.minute = int(hour), int(minute)
        if self.hour > 23 or self.minute > 59:
            raise ValueError(f"{text!r}: {hour}:{minute} is not a time of day")
        instant = day_start + self.hour * 3600 + self.minute * 60
        length = 60
        if second is not None:
            self.second = int(second)
            if self.second > 59:
                raise ValueError(f"{text!r}: second {second} does not exist")
            instant += self.second
            length = 1
        self.precision = "minute" if self.second is None else "second"
        zone = parts["zone"]
        if zone is not None:
            self.offset = 0 if zone == "Z" else _offset(text, zone)
            instant -= self.offset * 60
        self.earliest, self.latest = instant, instant + length - 1

    def _whole_year(self) -> None:
        self.precision = "year"
        self.earliest = days_from_civil(self.year, 1, 1) * SECONDS_PER_DAY
        self.latest = days_from_civil(self.year + 1, 1, 1) * SECONDS_PER_DAY - 1

    def _open(self) -> None:
        self.text, self.precision = OPEN_TEXT, "open"
        self.year, self.month, self.day = 0, None, None
        self.hour = self.minute = self.second = self.offset = None
        self.earliest = self.latest = OPEN

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """The same as `PartialDate(text)`, shared for repeated texts (logs repeat dates a lot)."""
        return _parse(text)

    @property
    def is_open(self) -> bool:
        return self.precision == "open"

    @property
    def has_time(self) -> bool:
        return self.hour is not None

    @property
    def zone(self) -> str | None:
        """The zone as written (`Z`, `+09:00`), or None for a floating time or a date."""
        if self.offset is None:
            return None
        return "Z" if self.text.endswith("Z") else self.text[-6:]

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"PartialDate({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialDate) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def _offset(text: str, zone: str) -> int:
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text!r}: {zone} is not a time-zone offset")
    return (hours * 60 + minutes) * (-1 if zone[0] == "-" else 1)


@functools.lru_cache(maxsize=65_536)
def _parse(text: str) -> PartialDate:
    return PartialDate(text)


# The calendar: proleptic Gregorian, any year (Howard Hinnant's algorithms) ---------------------


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to the given day (negative before it), for any year."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """The (year, month, day) of a day number from `days_from_civil`."""
    days += 719_468
    era = days // 146_097
    day_of_era = days - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = shifted_month + (3 if shifted_month < 10 else -9)
    return year_of_era + era * 400 + (month <= 2), month, day


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def day_of(second: int) -> int:
    """The day number a second falls on."""
    return second // SECONDS_PER_DAY


def iso_day(day: int) -> str:
    """A day number as ISO 8601 (expanded for years before 0 or after 9999): `-0107-03-15`."""
    year, month, day_of_month = civil_from_days(day)
    return f"{iso_year(year)}-{month:02d}-{day_of_month:02d}"


def iso_year(year: int) -> str:
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def year_name(year: int) -> str:
    """A year as readers write it: `2023`, `602`, `108 BCE` (astronomical -107), `1 BCE` (0),
    `13,800,000,001 BCE` (thousands marked from five digits)."""
    number = year if year > 0 else 1 - year
    shown = f"{number:,}" if number >= 10_000 else str(number)
    return shown if year > 0 else f"{shown} BCE"
