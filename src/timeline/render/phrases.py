"""How an event reads to people: its dates at the precision the log knows (never more), its place."""

from __future__ import annotations

from timeline.model import Event


def interval(event: Event) -> str:
    """The EDTF form: `2019-02-27/2019-02-28`; `2023-09~`, `2022-09~/2024~` when approximate."""
    mark = APPROXIMATE if event.approximate else ""
    if event.end is None:
        return event.date.text + mark
    return f"{event.date.text}{mark}/{event.end.text}{mark}"


# How every plain output marks an approximate date: EDTF's qualifier, after the date it qualifies.
APPROXIMATE = "~"


def compact(event: Event) -> str:
    """A short form for tables: `2019-02-27–28`, `2024-06-27–07-01`, `2023-09~`, `2022-09~ – 2024~`."""
    start = event.date.text
    if event.approximate:
        if event.end is None:
            return start + APPROXIMATE
        return f"{start}{APPROXIMATE} – {event.end.text}{APPROXIMATE}"
    if event.end is None:
        return start
    end = event.end.text
    if len(start) == len(end) and start[:7] == end[:7] and len(start) == 10:
        return f"{start}–{end[8:]}"
    if len(start) == len(end) and start[:4] == end[:4] and len(start) > 4:
        return f"{start}–{end[5:]}"
    return f"{start} – {end}"


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
    text = f"{years} year{'' if years == 1 else 's'}"
    return f"{text} {months} month{'' if months == 1 else 's'}" if months and years < 10 else text


def spelled(event: Event) -> str:
    """The card form: both ends in full, and the precision said in words when it is not a day."""
    text = event.date.text if event.end is None else f"{event.date.text} – {event.end.text}"
    precision = event.date.precision if event.end is None else None
    if precision in ("year", "month"):
        text += f" (known to the {precision})"
    return f"about {text}" if event.approximate else text


def place(event: Event) -> str:
    """`Busan Naval Base, Busan, KOR`: the place's name and country, or nothing."""
    if event.location is None:
        return ""
    country = event.location.country
    return f"{event.location.name}, {country}" if country else event.location.name
