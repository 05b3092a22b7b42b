"""Warnings about a valid log: things that are allowed but probably not meant."""

from __future__ import annotations

import re
from collections.abc import Iterator

from timeline.dates import SECONDS_PER_DAY
from timeline.errors import SECTION_NOUN
from timeline.model import Event, Log, Problem

NEAR_DAYS = 3  # events of one type, with the same actors, this close in time may be one event


def warnings(log: Log) -> list[Problem]:
    """Every warning for a log that is already valid, in document order."""
    found = [
        *_unsourced(log),
        *_unused(log),
        *_near_duplicate_events(log),
        *_near_duplicate_names(log),
    ]
    return sorted(
        found, key=lambda problem: (_SECTION_ORDER[str(problem.path[0])], problem.path[1])
    )


_SECTION_ORDER = {section: rank for rank, section in enumerate(SECTION_NOUN)}


def _unsourced(log: Log) -> Iterator[Problem]:
    for index, event in enumerate(log.events):
        if not event.sources:
            yield Problem(("events", index, "sources"), "no source given")


def _unused(log: Log) -> Iterator[Problem]:
    cited = {source_id for event in log.events for source_id in event.sources}
    for index, source in enumerate(log.sources):
        if source.id not in cited:
            yield Problem(("sources", index), "not cited by any event")
    acting = {actor_id for event in log.events for actor_id in event.actor_ids}
    parents = {parent for actor in log.actors if actor.id in acting for parent in actor.member_of}
    for index, actor in enumerate(log.actors):
        if actor.id not in acting | parents:
            yield Problem(("actors", index), "takes part in no event")


def _near_duplicate_events(log: Log) -> Iterator[Problem]:
    """Same type, mostly the same actors, dates within a few days, and not linked to each other."""
    position = {event.id: index for index, event in enumerate(log.events)}
    by_type: dict[str, list[Event]] = {}
    for event in log.events:
        by_type.setdefault(event.type, []).append(event)
    window = NEAR_DAYS * SECONDS_PER_DAY
    for events in by_type.values():
        events.sort(key=lambda e: (e.earliest, e.latest))
        for index, first in enumerate(events):
            # Sorted by start, so once one begins too late, every later one does too.
            for second in events[index + 1 :]:
                if second.earliest - first.latest > window:
                    break
                if _linked(first, second) or _actor_overlap(first, second) < 0.5:
                    continue
                later, earlier = (
                    (second, first) if position[second.id] > position[first.id] else (first, second)
                )
                yield Problem(
                    ("events", position[later.id]),
                    f"may duplicate {earlier.id!r}: same type, mostly the same actors, within {NEAR_DAYS} days",
                )


def _linked(first: Event, second: Event) -> bool:
    return any(r.id == second.id for r in first.related) or any(
        r.id == first.id for r in second.related
    )


def _actor_overlap(first: Event, second: Event) -> float:
    a, b = set(first.actor_ids), set(second.actor_ids)
    return len(a & b) / len(a | b)


def _near_duplicate_names(log: Log) -> Iterator[Problem]:
    """Tags, and names of different actors, that differ only in case, punctuation or a plural."""
    tags: dict[str, tuple[str, int, int]] = {}
    for index, event in enumerate(log.events):
        for position, tag in enumerate(event.tags):
            key = _fold(tag)
            seen = tags.setdefault(key, (tag, index, position))
            if seen[0] != tag:
                yield Problem(
                    ("events", index, "tags", position), f"tag {tag!r} looks like {seen[0]!r}"
                )
    names: dict[str, tuple[str, str]] = {}
    for index, actor in enumerate(log.actors):
        for position, name in enumerate((actor.name, *actor.aliases)):
            key = _fold(name)
            owner, shown = names.setdefault(key, (actor.id, name))
            if owner != actor.id and shown.casefold() != name.casefold():
                field: tuple[str | int, ...] = (
                    ("name",) if position == 0 else ("aliases", position - 1)
                )
                yield Problem(
                    ("actors", index, *field),
                    f"{name!r} looks like {shown!r}, a name of actor {owner!r}",
                )


def _fold(text: str) -> str:
    """`Sanctions`, `sanction` and `sanc-tion` alike: no case, no punctuation, no plural ending."""
    folded = re.sub(r"[\W_]+", "", text.casefold())
    return re.sub(r"(?<=\w\w)s$", "", folded)
