"""Reading a log for its shape: relation chains, counts, and the actor registry. Pure functions."""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import combinations
from typing import NamedTuple

from timeline.actors import Actors
from timeline.dates import (
    PartialDate,
    civil_from_days,
    day_of,
    days_from_civil,
    days_in_month,
    iso_year,
    year_name,
)
from timeline.errors import TimelineError
from timeline.model import Actor, Era, Event, Log
from timeline.query import Related, Selection

STAT_KEYS = ("actor", "type", "year", "month", "tag", "status", "dyad")
# Counting by a period puts an event in every period its dates overlap: what `list --from P --to P`
# would show for that period.
PERIOD_KEYS = ("year", "month")


class Link(NamedTuple):
    """One step of a chain: how `event` relates to the event above it, and how far apart they are."""

    event: Event
    rel: str  # read from the event above: "follows", "followed by", "part-of", "includes", ...
    gap_days: int  # from the event above to this one, start to start, in whole days
    exact: bool  # both dates known to the day
    overlapping: bool  # the two events' dates overlap
    children: list[Link]


Relations = Callable[[Event], Sequence[Related]]


def chain(root: Event, depth: int, related: Relations) -> list[Link]:
    """The events related to `root`, backwards and forwards, as a tree at most `depth` deep;
    `related` gives an event's relations both ways (`query.relations_of` for a whole log)."""
    return _links(related, root, depth, {root.id})


def _links(related: Relations, event: Event, depth: int, seen: set[str]) -> list[Link]:
    if depth <= 0:
        return []
    steps = [(relation.rel, relation.event) for relation in related(event)]
    steps.sort(key=lambda step: (step[1].earliest, step[1].latest))
    # Claim every direct neighbour before going deeper, so an event appears where it is closest.
    fresh = list(
        {other.id: (rel, other) for rel, other in reversed(steps) if other.id not in seen}.values()
    )
    fresh.reverse()
    seen.update(other.id for _, other in fresh)
    return [
        Link(
            other,
            rel,
            day_of(other.earliest) - day_of(event.earliest),
            _exact(event.date) and _exact(other.date),
            other.earliest <= event.latest and event.earliest <= other.latest,
            _links(related, other, depth - 1, seen),
        )
        for rel, other in fresh
    ]


def _exact(date: PartialDate) -> bool:
    """Known to the day or better."""
    return date.precision in ("day", "minute", "second")


class Count(NamedTuple):
    key: str
    label: str
    number: int
    within: int  # of `number`, the events that lie wholly inside the period (periods only)


def stats(
    selection: Selection, by: str, start: int | None = None, stop: int | None = None
) -> list[Count]:
    """How many events fall under each value of `by`, most first (then by key).

    By year or month, an event counts in every period its dates overlap between `start` and
    `stop` (seconds; default: all of them), in time order: a multi-year event counts once in each
    year. An ongoing event counts up to `stop`, else up to the last date any event is known to
    reach.
    """
    if by in PERIOD_KEYS:
        return _by_period(selection.events, by, start, stop)
    counter: Counter[str] = Counter()
    for event in selection.events:
        counter.update(list(dict.fromkeys(_keys(selection.actors, event, by))))
    labels: dict[str, str] = {}
    if by == "actor":
        labels = {actor.id: actor.name for actor in selection.actors}
    elif by == "type":
        labels = {key: selection.vocabulary.label(key) for key in counter}
    rows = [Count(key, labels.get(key, key), number, number) for key, number in counter.items()]
    return sorted(rows, key=lambda row: (-row.number, row.key))


def _keys(actors: Actors, event: Event, by: str) -> list[str]:
    if by == "actor":
        return actors.counted_for(event)
    if by == "type":
        return [event.type]
    if by == "status":
        return [event.status]
    if by == "tag":
        return list(event.tags)
    if by == "dyad":
        lanes = sorted(set(actors.lanes_of(event)))
        return [f"{a}–{b}" for a, b in combinations(lanes, 2)]
    raise ValueError(f"cannot count by {by!r}")


# More periods than this is a sign of deep time or a range too wide to count by.
MAX_PERIODS = 100_000


def _by_period(
    events: Sequence[Event], by: str, start: int | None, stop: int | None
) -> list[Count]:
    known_ends = [event.latest for event in events if not event.ongoing]
    open_until = stop if stop is not None else max(known_ends, default=None)
    counts: dict[tuple[int, int], list[int]] = {}
    for event in events:
        latest = event.latest if not event.ongoing else (open_until or event.date.latest)
        first = max(event.earliest, start) if start is not None else event.earliest
        last = min(latest, stop) if stop is not None else latest
        if last < first:
            continue
        for period, period_start, period_end in _periods(day_of(first), day_of(last), by):
            tally = counts.setdefault(period, [0, 0])
            tally[0] += 1
            if period_start <= day_of(event.earliest) and day_of(event.latest) <= period_end:
                tally[1] += 1
            if len(counts) > MAX_PERIODS:
                raise TimelineError(
                    f"counting by {by} would make more than {MAX_PERIODS:,} rows; "
                    "narrow it with --from and --to"
                )
    return [
        Count(_period_key(period, by), _period_label(period, by), number, within)
        for period, (number, within) in sorted(counts.items())
    ]


def _periods(first: int, last: int, by: str) -> Iterator[tuple[tuple[int, int], int, int]]:
    """The years (or months) from day `first` to day `last`, with the first and last day of each."""
    first_year, first_month, _ = civil_from_days(first)
    last_year, last_month, _ = civil_from_days(last)
    if by == "year":
        for year in range(first_year, last_year + 1):
            yield (year, 0), days_from_civil(year, 1, 1), days_from_civil(year + 1, 1, 1) - 1
        return
    year, month = first_year, first_month
    while (year, month) <= (last_year, last_month):
        start = days_from_civil(year, month, 1)
        yield (year, month), start, start + days_in_month(year, month) - 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _period_key(period: tuple[int, int], by: str) -> str:
    """The period as EDTF writes it: `2023`, `2023-07`, `-0107`, `Y-13800000000`."""
    year, month = period
    text = iso_year(year) if -9999 <= year <= 9999 else f"Y{year}"
    return text if by == "year" else f"{text}-{month:02d}"


def _period_label(period: tuple[int, int], by: str) -> str:
    """The period as a reader says it: `2023`, `2023-07`, `108 BCE`, `Mar 108 BCE`."""
    year, month = period
    if 1000 <= year <= 9999:
        return _period_key(period, by)
    return year_name(year) if by == "year" else f"{calendar.month_abbr[month]} {year_name(year)}"


class EraRow(NamedTuple):
    era: Era
    events: int  # the events whose dates overlap the era's


def era_rows(log: Log) -> list[EraRow]:
    """Each era of the log, and how many events overlap it (what `list --era` shows)."""
    return era_rows_counted(
        log.eras,
        lambda era: sum(
            1 for e in log.events if e.latest >= era.earliest and e.earliest <= era.latest
        ),
    )


def era_rows_counted(eras: Sequence[Era], count: Callable[[Era], int]) -> list[EraRow]:
    """Each era and its count of overlapping events, as `count` finds them."""
    return [EraRow(era, count(era)) for era in eras]


class ActorRow(NamedTuple):
    actor: Actor
    members: list[str]
    events: int  # events the actor or one of its members took part in


def actor_rows(log: Log) -> list[ActorRow]:
    """Each actor, its direct members, and how many events count for it (as `list --actor`)."""
    actors = log.registry
    counts: Counter[str] = Counter()
    for event in log.events:
        counts.update(actors.counted_for(event))
    return actor_rows_counted(actors, counts.__getitem__)


def actor_rows_counted(actors: Actors, count: Callable[[str], int]) -> list[ActorRow]:
    """Each actor, its direct members, and its count of events, as `count` finds them."""
    members: dict[str, list[str]] = {actor.id: [] for actor in actors}
    for actor in actors:
        for parent in actor.member_of:
            members.setdefault(parent, []).append(actor.id)
    return [ActorRow(actor, members[actor.id], count(actor.id)) for actor in actors]
