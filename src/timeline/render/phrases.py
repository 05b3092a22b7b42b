"""How an event reads to people: its dates at the precision the log knows (never more), its place.

Three forms of a date, each used wherever that kind of reader is:

- `interval` is EDTF, for pipes and files: `2019-02-27/2019-02-28`, `2023-09~`, `2022-05-10/..`,
  `[2023-07-01..2023-07-31]` for a window (one moment within it).
- `compact` is for tables and trees: ISO days as written (`2019-02-27–28`), and for what ISO does
  not say plainly, words: `108 BCE`, `602`, `15 Mar 44 BCE`, `2023-07-19 07:12+09:00`.
- `spelled` is for cards, reports, calendars and the page: `27–28 February 2019`, `108 BCE`,
  `19 July 2023, 07:12 +09:00`, `about March 2022 – ongoing`, `some day between 1 and 31 July 2023`.

An approximate date is marked `~` after it in the symbolic forms (EDTF's qualifier), `about` in
words.
"""

from __future__ import annotations

import calendar
import functools
import re

from timeline.dates import PartialDate, day_of, iso_day, year_name
from timeline.model import Event

APPROXIMATE = "~"
ONGOING = "ongoing"


# EDTF -------------------------------------------------------------------------------------------


def interval(event: Event) -> str:
    """The EDTF form: `2019-02-27/2019-02-28`; `2022-09~/2024~`; `2022-05-10/..`;
    `[2023-07-01..2023-07-31]` for a window."""
    mark = APPROXIMATE if event.approximate else ""
    start = event.date.text + mark
    if event.end is None:
        return start
    if event.end.is_open:
        return f"{start}/.."
    end = event.end.text + mark
    return f"[{start}..{end}]" if event.window else f"{start}/{end}"


# Tables -----------------------------------------------------------------------------------------


def compact(event: Event) -> str:
    """A short form for tables: `2019-02-27–28`, `2024-06-27–07-01`, `2023-09~`,
    `2022-09~ – 2024~`, `108 BCE – 30 BCE`, `2022-05-10 – ongoing`, `[2023-07-01..31]`."""
    mark = APPROXIMATE if event.approximate else ""
    start = short_date(event.date)
    if event.end is None:
        return start + mark
    if event.end.is_open:
        return f"{start}{mark} – {ONGOING}"
    end = short_date(event.end)
    if not event.approximate and _plain(event.date) and _plain(event.end):
        end = _shortened_end(event.date.text, event.end.text)
    if event.window:
        return f"[{start}{mark}..{end}{mark}]"
    joiner = "–" if end != short_date(event.end) else " – "
    return f"{start}{mark}{joiner}{end}{mark}"


_TIME_OF_DAY = re.compile(r"(?<=\d) (?=\d\d:\d\d)")


def time_under_date(text: str) -> str:
    """A `compact` date with its time of day on a line of its own: `2024-10-31\n07:10+09:00`."""
    return _TIME_OF_DAY.sub("\n", text)


def _plain(date: PartialDate) -> bool:
    """Written as ISO says it plainly: a CE year of four digits, no time."""
    return 1000 <= date.year <= 9999 and not date.has_time and not date.text.startswith("Y")


def _shortened_end(start: str, end: str) -> str:
    """The end with what it shares with the start left out: `28` for 2019-02-27 to -28."""
    if len(start) == len(end) == 10 and start[:7] == end[:7]:
        return end[8:]
    if len(start) == len(end) and start[:4] == end[:4] and len(start) > 4:
        return end[5:]
    return end


def short_date(date: PartialDate) -> str:
    """One date as `compact` writes it."""
    if date.is_open:
        return ONGOING
    if _plain(date):
        return date.text
    if date.has_time:
        return f"{_short_day(date)} {_clock(date, spaced_zone=False)}"
    return _short_day(date)


def _short_day(date: PartialDate) -> str:
    if 1000 <= date.year <= 9999 and not date.text.startswith("Y"):
        return date.text[:10]
    parts = [year_name(date.year)]
    if date.month is not None:
        parts.insert(0, calendar.month_abbr[date.month])
    if date.day is not None:
        parts.insert(0, str(date.day))
    return " ".join(parts)


def _clock(date: PartialDate, *, spaced_zone: bool = True) -> str:
    clock = f"{date.hour:02d}:{date.minute:02d}"
    if date.second is not None:
        clock += f":{date.second:02d}"
    zone = date.zone
    if zone is None:
        return clock
    if zone == "Z":
        return f"{clock} UTC" if spaced_zone else f"{clock}Z"
    return f"{clock} {zone}" if spaced_zone else clock + zone


# Words ------------------------------------------------------------------------------------------


def date_in_words(date: PartialDate) -> str:
    """`2023`, `July 2023`, `19 July 2023`, `19 July 2023, 07:12 +09:00`, `108 BCE`."""
    if date.is_open:
        return ONGOING
    year = year_name(date.year)
    if date.month is None:
        return year
    month = calendar.month_name[date.month]
    if date.day is None:
        return f"{month} {year}"
    day = f"{date.day} {month} {year}"
    return f"{day}, {_clock(date)}" if date.has_time else day


def spelled(event: Event) -> str:
    """The dates in words, never more precise than the log: `27–28 February 2019`, `2019`,
    `about March 2022 – ongoing`, `some day between 1 and 31 July 2023`."""
    start, end = event.date, event.end
    if end is None:
        text = date_in_words(start)
    elif end.is_open:
        text = f"{date_in_words(start)} – {ONGOING}"
    elif event.window:
        text = f"{_moment(start, end)} between {_range(start, end, ' and ')}"
    else:
        text = _range(start, end, "–")
    return f"about {text}" if event.approximate else text


def _moment(start: PartialDate, end: PartialDate) -> str:
    """What a window holds, by its precision: `some day`, `some time`."""
    return "some day" if start.precision == end.precision == "day" else "some time"


def _range(start: PartialDate, end: PartialDate, joiner: str) -> str:
    """Two dates sharing what they can: `27–28 February 2019`, `July – August 2023`."""
    spaced = joiner if joiner.strip() != "–" else " – "
    same_year = start.year == end.year and not start.has_time and not end.has_time
    if same_year and start.precision == end.precision == "day":
        if start.month == end.month:
            return f"{start.day}{joiner}{date_in_words(end)}"
        assert start.month is not None
        return f"{start.day} {calendar.month_name[start.month]}{spaced}{date_in_words(end)}"
    if same_year and start.precision == end.precision == "month":
        assert start.month is not None
        return f"{calendar.month_name[start.month]}{spaced}{date_in_words(end)}"
    return f"{date_in_words(start)}{spaced}{date_in_words(end)}"


def span_in_words(days: int) -> str:
    """A number of days as people say it: `1 day`, `3 weeks`, `5 months`, `2 years 4 months`."""
    if days < 14:
        return f"{days} day{'' if days == 1 else 's'}"
    if days < 60:
        weeks = round(days / 7)
        return f"{weeks} weeks"
    months = round(days / 30.436875)
    if months < 12:
        return f"{months} months"
    years, months = divmod(months, 12)
    text = f"{years:,} year{'' if years == 1 else 's'}"
    return f"{text} {months} month{'' if months == 1 else 's'}" if months and years < 10 else text


# ISO bounds, for CSV and JSON ---------------------------------------------------------------------


@functools.lru_cache(maxsize=65_536)  # logs repeat dates: a long export asks for each many times
def iso_start(date: PartialDate) -> str:
    """The first moment of a date in ISO 8601, at its precision: a day, or the time as written."""
    return date.text if date.has_time else iso_day(day_of(date.earliest))


@functools.lru_cache(maxsize=65_536)
def iso_end(date: PartialDate) -> str | None:
    """The last moment of a date in ISO 8601, at its precision; None for an open end."""
    if date.is_open:
        return None
    return date.text if date.has_time else iso_day(day_of(date.latest))


# Places -----------------------------------------------------------------------------------------


def place(event: Event) -> str:
    """`Busan Naval Base, Busan, KOR`: the place's name, region and country, or nothing."""
    if event.location is None:
        return ""
    location = event.location
    return ", ".join(part for part in (location.name, location.admin1, location.country) if part)
