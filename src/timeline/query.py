"""Filtering, sorting and looking up events: pure functions over a validated `Log`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal, NamedTuple

from timeline.dates import PartialDate
from timeline.errors import LookupFailed
from timeline.model import INVERSE_RELATION, Actor, Event, Log

SortKey = Literal["date", "title", "id"]


class Filters(NamedTuple):
    """What a user asked for. Empty fields match everything."""

    actors: Sequence[str] = ()
    types: Sequence[str] = ()
    tags: Sequence[str] = ()
    date_from: PartialDate | None = None
    date_to: PartialDate | None = None
    search: str | None = None


class Related(NamedTuple):
    """A relation seen from one event: `rel` reads "<this event> <rel> <other>"."""

    rel: str
    event: Event
    outgoing: bool


class Matcher(NamedTuple):
    """`Filters` resolved against a log: actor ids (with members), folded tags and search terms."""

    actor_sets: list[frozenset[str]]
    types: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    start: date | None = None
    stop: date | None = None
    terms: tuple[str, ...] = ()


def select(
    log: Log,
    filters: Filters,
    *,
    sort: SortKey = "date",
    reverse: bool = False,
    limit: int | None = None,
) -> list[Event]:
    """The events matching every filter, in the order asked for, at most `limit` of them."""
    matcher = compile_filters(log, filters, {tag for event in log.events for tag in event.tags})
    names = actor_names(log) if matcher.terms else {}
    chosen = [event for event in log.events if _matches(event, matcher, names)]
    ordered = sort_events(chosen, sort, reverse=reverse)
    return ordered if limit is None else ordered[:limit]


def sort_events(
    events: Iterable[Event], key: SortKey = "date", *, reverse: bool = False
) -> list[Event]:
    """Chronological by default: (earliest day, latest day, order in the file); stable."""
    listed = list(events)
    if key == "title":
        listed.sort(key=lambda event: (event.title.casefold(), event.earliest, event.latest))
    elif key == "id":
        listed.sort(key=lambda event: event.id)
    else:
        listed.sort(key=lambda event: (event.earliest, event.latest))
    if reverse:
        listed.reverse()
    return listed


def resolve_actor(log: Log, text: str) -> frozenset[str]:
    """The actor ids that `text` (an id, name or alias, any case) stands for, with their members.

    A state stands for its people too: `DPRK` matches an event whose only actor is Kim Jong Un.
    """
    wanted = text.strip().casefold()
    for actor in log.actors:
        if wanted in _names_of(actor):
            return frozenset(_with_members(log, actor.id))
    known = {name: actor.id for actor in log.actors for name in _names_of(actor)}
    close = difflib.get_close_matches(wanted, list(known), n=3, cutoff=0.6)
    hint = did_you_mean(sorted({known[name] for name in close}))
    raise LookupFailed(f"no actor called {text!r}{hint}")


def find_event(log: Log, event_id: str) -> Event:
    """The event with this id (any case); else `LookupFailed` suggesting close ids and titles."""
    by_id = log.events_by_id
    if event_id in by_id:
        return by_id[event_id]
    folded = event_id.strip().casefold()
    for event in log.events:
        if event.id == folded:
            return event
    raise LookupFailed(
        f"no event with id {event_id!r}{did_you_mean(suggest_events(log, event_id))}"
    )


def suggest_events(log: Log, text: str, limit: int = 3) -> list[str]:
    """Ids of events whose id or title is close to `text`, best first."""
    return suggest_ids([(event.id, event.title) for event in log.events], text, limit)


def suggest_ids(candidates: Sequence[tuple[str, str]], text: str, limit: int = 3) -> list[str]:
    """The ids among (id, title) `candidates` whose id or title is close to `text`, best first."""
    folded = text.strip().casefold()
    by_id = difflib.get_close_matches(
        folded, [event_id for event_id, _ in candidates], n=limit, cutoff=0.6
    )
    titles = {title.casefold(): event_id for event_id, title in candidates}
    by_title = [
        titles[t] for t in difflib.get_close_matches(folded, list(titles), n=limit, cutoff=0.5)
    ]
    by_words = [event_id for event_id, title in candidates if folded and folded in title.casefold()]
    return list(dict.fromkeys([*by_id, *by_title, *by_words]))[:limit]


def related_events(log: Log, event: Event) -> list[Related]:
    """Relations in both directions: those the event declares, then those that point at it."""
    by_id = log.events_by_id
    found = [
        Related(rel.rel, by_id[rel.id], outgoing=True) for rel in event.related if rel.id in by_id
    ]
    for other in log.events:
        for rel in other.related:
            if rel.id == event.id:
                found.append(Related(INVERSE_RELATION[rel.rel], other, outgoing=False))
    return found


def compile_filters(log: Log, filters: Filters, known_tags: set[str]) -> Matcher:
    """Resolve actor names against `log.actors`; an unknown actor or tag raises `LookupFailed`."""
    tags = frozenset(tag.casefold() for tag in filters.tags)
    for tag in sorted(tags - known_tags):
        close = difflib.get_close_matches(tag, sorted(known_tags), n=3, cutoff=0.6)
        raise LookupFailed(f"no event is tagged {tag!r}{did_you_mean(close)}")
    return Matcher(
        actor_sets=[resolve_actor(log, actor) for actor in filters.actors],
        types=frozenset(filters.types),
        tags=tags,
        start=filters.date_from.earliest if filters.date_from else None,
        stop=filters.date_to.latest if filters.date_to else None,
        terms=tuple(filters.search.casefold().split()) if filters.search else (),
    )


def _matches(event: Event, matcher: Matcher, names: dict[str, str]) -> bool:
    if matcher.types and event.type not in matcher.types:
        return False
    if matcher.tags and matcher.tags.isdisjoint(event.tags):
        return False
    if matcher.start is not None and event.latest < matcher.start:
        return False
    if matcher.stop is not None and event.earliest > matcher.stop:
        return False
    if matcher.actor_sets:
        taking_part = set(event.actor_ids)
        if any(taking_part.isdisjoint(wanted) for wanted in matcher.actor_sets):
            return False
    if matcher.terms:
        haystack = searchable_text(event, names)
        return all(term in haystack for term in matcher.terms)
    return True


def searchable_text(event: Event, names: dict[str, str]) -> str:
    """What `--search` looks in, folded: the texts, the place and every actor's id, name, aliases."""
    parts = [event.title, event.summary, event.assessment or "", event.note or ""]
    if event.location is not None:
        parts.append(event.location.name)
    parts.extend(names.get(actor_id, actor_id) for actor_id in event.actor_ids)
    return "\n".join(parts).casefold()


def actor_names(log: Log) -> dict[str, str]:
    """Each actor id -> its id, name and aliases in one string, for `searchable_text`."""
    return {actor.id: " ".join([actor.id, actor.name, *actor.aliases]) for actor in log.actors}


def _names_of(actor: Actor) -> set[str]:
    return {
        actor.id.casefold(),
        actor.name.casefold(),
        *(alias.casefold() for alias in actor.aliases),
    }


def _with_members(log: Log, actor_id: str) -> set[str]:
    members = {actor_id}
    frontier = [actor_id]
    while frontier:
        parent = frontier.pop()
        for actor in log.actors:
            if parent in actor.member_of and actor.id not in members:
                members.add(actor.id)
                frontier.append(actor.id)
    return members


def did_you_mean(candidates: Sequence[str]) -> str:
    """'; did you mean 'a' or 'b'?' for a message, or nothing when there is no candidate."""
    if not candidates:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in candidates) + "?"
