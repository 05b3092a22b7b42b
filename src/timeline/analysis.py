"""Reading a log for its shape: relation chains, counts, and the actor registry. Pure functions."""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import combinations
from typing import NamedTuple

from timeline.actors import Actors
from timeline.model import INVERSE_RELATION, Actor, Event, Log
from timeline.query import Selection

STAT_KEYS = ("actor", "type", "year", "month", "tag", "status", "dyad")
# Counting by a period puts an event in every period its dates overlap: what `list --from P --to P`
# would show for that period.
PERIOD_KEYS = ("year", "month")


class Link(NamedTuple):
    """One step of a chain: how `event` relates to the event above it, and how far apart they are."""

    event: Event
    rel: str  # read from the event above: "follows", "followed by", "part-of", "includes", ...
    gap_days: int  # from the event above to this one, start to start
    exact: bool  # both dates known to the day
    overlapping: bool  # the two events' dates overlap
    children: list[Link]


def chain(log: Log, root: Event, depth: int = 3) -> list[Link]:
    """The events related to `root`, backwards and forwards, as a tree at most `depth` deep."""
    incoming: dict[str, list[tuple[str, Event]]] = {}
    for other in log.events:
        for relation in other.related:
            incoming.setdefault(relation.id, []).append((relation.rel, other))
    return _links(log, incoming, root, depth, {root.id})


def _links(
    log: Log,
    incoming: dict[str, list[tuple[str, Event]]],
    event: Event,
    depth: int,
    seen: set[str],
) -> list[Link]:
    if depth <= 0:
        return []
    by_id = log.events_by_id
    steps: list[tuple[str, Event]] = [(r.rel, by_id[r.id]) for r in event.related if r.id in by_id]
    steps += [(INVERSE_RELATION[rel], other) for rel, other in incoming.get(event.id, ())]
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
            (other.earliest - event.earliest).days,
            event.date.precision == "day" and other.date.precision == "day",
            other.earliest <= event.latest and event.earliest <= other.latest,
            _links(log, incoming, other, depth - 1, seen),
        )
        for rel, other in fresh
    ]


class Count(NamedTuple):
    key: str
    label: str
    number: int
    within: int  # of `number`, the events that lie wholly inside the period (periods only)


def stats(
    selection: Selection, by: str, start: date | None = None, stop: date | None = None
) -> list[Count]:
    """How many events fall under each value of `by`, most first (then by key).

    By year or month, an event counts in every period its dates overlap between `start` and
    `stop` (default: all of them), in time order: a multi-year event counts once in each year.
    """
    if by in PERIOD_KEYS:
        return _by_period(selection.events, by, start, stop)
    counter: Counter[str] = Counter()
    for event in selection.events:
        counter.update(list(dict.fromkeys(_keys(selection.actors, event, by))))
    labels = {actor.id: actor.name for actor in selection.actors} if by == "actor" else {}
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


def _by_period(
    events: Sequence[Event], by: str, start: date | None, stop: date | None
) -> list[Count]:
    counts: dict[tuple[int, int], list[int]] = {}
    for event in events:
        first = max(event.earliest, start) if start else event.earliest
        last = min(event.latest, stop) if stop else event.latest
        for period, period_start, period_end in _periods(first, last, by):
            tally = counts.setdefault(period, [0, 0])
            tally[0] += 1
            if period_start <= event.earliest and event.latest <= period_end:
                tally[1] += 1
    return [
        Count(_period_key(period, by), _period_key(period, by), number, within)
        for period, (number, within) in sorted(counts.items())
    ]


def _periods(first: date, last: date, by: str) -> Iterator[tuple[tuple[int, int], date, date]]:
    """The years (or months) from `first` to `last`, with the first and last day of each."""
    if by == "year":
        for year in range(first.year, last.year + 1):
            yield (year, 0), date(year, 1, 1), date(year, 12, 31)
        return
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        days = calendar.monthrange(year, month)[1]
        yield (year, month), date(year, month, 1), date(year, month, days)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _period_key(period: tuple[int, int], by: str) -> str:
    year, month = period
    return f"{year:04d}" if by == "year" else f"{year:04d}-{month:02d}"


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
    members: dict[str, list[str]] = {actor.id: [] for actor in actors}
    for actor in actors:
        for parent in actor.member_of:
            members.setdefault(parent, []).append(actor.id)
    return [ActorRow(actor, members[actor.id], counts[actor.id]) for actor in actors]
