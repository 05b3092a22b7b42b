"""Reading a log for its shape: relation chains, counts, and the actor registry. Pure functions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import NamedTuple

from timeline.model import INVERSE_RELATION, Actor, Event, Log

STAT_KEYS = ("actor", "type", "year", "month", "tag", "status", "dyad")


class Link(NamedTuple):
    """One step of a chain: how `event` relates to the event above it, and how far apart they are."""

    event: Event
    rel: str  # read from the event above: "follows", "followed by", "part-of", "includes", ...
    gap_days: int  # from the event above to this one, start to start
    exact: bool  # both dates known to the day
    children: list[Link]


def chain(log: Log, root: Event, depth: int = 3) -> list[Link]:
    """The events related to `root`, backwards and forwards, as a tree at most `depth` deep."""
    seen = {root.id}
    return _links(log, root, depth, seen)


def _links(log: Log, event: Event, depth: int, seen: set[str]) -> list[Link]:
    if depth <= 0:
        return []
    by_id = log.events_by_id
    steps: list[tuple[str, Event]] = [(r.rel, by_id[r.id]) for r in event.related if r.id in by_id]
    steps += [
        (INVERSE_RELATION[r.rel], other)
        for other in log.events
        for r in other.related
        if r.id == event.id
    ]
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
            _links(log, other, depth - 1, seen),
        )
        for rel, other in fresh
    ]


class Count(NamedTuple):
    key: str
    label: str
    number: int


def stats(log: Log, events: Sequence[Event], by: str) -> list[Count]:
    """How many events fall under each value of `by`, most first (then by key)."""
    counter: Counter[str] = Counter()
    for event in events:
        counter.update(set(_keys(log, event, by)))
    labels = _labels(log, by)
    rows = [Count(key, labels.get(key, key), number) for key, number in counter.items()]
    if by in ("year", "month"):
        return sorted(rows, key=lambda row: row.key)
    return sorted(rows, key=lambda row: (-row.number, row.key))


def _keys(log: Log, event: Event, by: str) -> Iterable[str]:
    if by == "actor":
        return event.actor_ids
    if by == "type":
        return [event.type]
    if by == "status":
        return [event.status]
    if by == "tag":
        return event.tags
    if by == "year":
        return [str(event.earliest.year)]
    if by == "month":
        # A date known only to the year has no month: it is counted as such, never guessed.
        return [event.date.text[:7] if event.date.precision != "year" else f"{event.date.text}-??"]
    if by == "dyad":
        states = sorted({state_of(log, actor_id) for actor_id in event.actor_ids})
        return [f"{a}–{b}" for a, b in combinations(states, 2)]
    raise ValueError(f"cannot count by {by!r}")


def state_of(log: Log, actor_id: str) -> str:
    """The state an actor belongs to (following member_of), or the actor itself."""
    actors = log.actors_by_id
    current, seen = actor_id, set()
    while current in actors and actors[current].kind != "state" and current not in seen:
        seen.add(current)
        parents = actors[current].member_of
        if not parents:
            break
        current = parents[0]
    return current


def _labels(log: Log, by: str) -> dict[str, str]:
    if by == "actor":
        return {actor.id: actor.name for actor in log.actors}
    return {}


class ActorRow(NamedTuple):
    actor: Actor
    members: list[str]
    events: int  # events the actor or one of its members took part in


def actor_rows(log: Log) -> list[ActorRow]:
    members: dict[str, list[str]] = {actor.id: [] for actor in log.actors}
    for actor in log.actors:
        for parent in actor.member_of:
            members.setdefault(parent, []).append(actor.id)
    rows = []
    for actor in log.actors:
        family = {actor.id, *_descendants(members, actor.id)}
        count = sum(1 for event in log.events if family & set(event.actor_ids))
        rows.append(ActorRow(actor, members.get(actor.id, []), count))
    return rows


def _descendants(members: dict[str, list[str]], actor_id: str) -> set[str]:
    found: set[str] = set()
    frontier = [actor_id]
    while frontier:
        for child in members.get(frontier.pop(), []):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found
