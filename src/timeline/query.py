"""Filtering, sorting and looking up events: pure functions over a validated `Log`.

A query's answer is a `Selection`: the chosen events in order, and every actor, source and
related event they reference. The index (`timeline.index`) answers with the same
`Selection` from its tables; renderers receive nothing else, so both paths print the same.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from typing import Literal, NamedTuple

from timeline.actors import Actors, did_you_mean
from timeline.dates import PartialDate
from timeline.errors import LookupFailed
from timeline.model import INVERSE_RELATION, Era, Event, Log, Source, Vocabulary

SortKey = Literal["date", "title", "id"]
SORT_KEYS: tuple[str, ...] = ("date", "title", "id")

__all__ = [
    "SORT_KEYS",
    "Catalogue",
    "Filters",
    "Matcher",
    "Related",
    "Selection",
    "SortKey",
    "choose",
    "compile_filters",
    "did_you_mean",
    "find_event",
    "matches_words",
    "related_events",
    "relations_of",
    "select",
    "selection_of",
    "sort_events",
    "suggest_events",
]


class Filters(NamedTuple):
    """What a user asked for. Empty fields match everything."""

    actors: Sequence[str] = ()
    types: Sequence[str] = ()
    tags: Sequence[str] = ()
    date_from: PartialDate | None = None
    date_to: PartialDate | None = None
    search: str | None = None
    era: str | None = None  # an era's id: its dates, as --from and --to


class Catalogue(NamedTuple):
    """What a log's filters are checked against: its actors, types, eras and tags."""

    actors: Actors
    vocabulary: Vocabulary
    eras: tuple[Era, ...]
    tags: set[str]

    @classmethod
    def of(cls, log: Log) -> Catalogue:
        tags = {tag for event in log.events for tag in event.tags}
        return cls(log.registry, log.vocabulary, log.eras, tags)


class Related(NamedTuple):
    """A relation seen from one event: `rel` reads "<this event> <rel> <other>"."""

    rel: str
    event: Event
    outgoing: bool


class Selection(NamedTuple):
    """What a query chose, with everything needed to show it and nothing more.

    `actors` holds every actor the events name and every actor those belong to; `sources` every
    source they cite, in order of first citation; `related` (when asked for) each event's
    relations in both directions, keyed by event id.
    """

    title: str
    description: str | None
    events: tuple[Event, ...]
    actors: Actors
    sources: Mapping[str, Source]
    related: Mapping[str, tuple[Related, ...]] | None = None
    vocabulary: Vocabulary = Vocabulary(())
    eras: tuple[Era, ...] = ()  # every era of the log, in its order

    def related_to(self, event: Event) -> tuple[Related, ...]:
        if self.related is None:
            raise ValueError("this selection was made without relations")
        return self.related.get(event.id, ())

    def cited(self, event: Event) -> list[Source]:
        """The sources an event cites, in its order."""
        return [self.sources[s] for s in event.sources if s in self.sources]


class Matcher(NamedTuple):
    """`Filters` resolved against a log: actor ids (with members), folded tags and search terms."""

    actor_sets: list[frozenset[str]]
    types: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    start: int | None = None  # the first second of the range, from --from or --era
    stop: int | None = None  # its last second
    terms: tuple[str, ...] = ()


def select(
    log: Log,
    filters: Filters,
    *,
    sort: SortKey = "date",
    reverse: bool = False,
    limit: int | None = None,
    with_related: bool = False,
) -> Selection:
    """The events matching every filter, in the order asked for, at most `limit` of them."""
    chosen = choose(log, filters, sort=sort, reverse=reverse, limit=limit)
    return selection_of(log, chosen, with_related=with_related)


def choose(
    log: Log,
    filters: Filters,
    *,
    sort: SortKey = "date",
    reverse: bool = False,
    limit: int | None = None,
) -> list[Event]:
    """Just the chosen events of `select`."""
    matcher = compile_filters(Catalogue.of(log), filters)
    names = actor_names(log.registry) if matcher.terms else {}
    chosen = [event for event in log.events if _matches(event, matcher, names)]
    ordered = sort_events(chosen, sort, reverse=reverse)
    return ordered if limit is None else ordered[:limit]


def selection_of(log: Log, events: Sequence[Event], *, with_related: bool = False) -> Selection:
    """`events` of `log` with every actor, source and (if asked) related event they reference."""
    by_id = log.sources_by_id
    cited = dict.fromkeys(source for event in events for source in event.sources)
    related: dict[str, tuple[Related, ...]] | None = None
    if with_related:
        incoming = _incoming(log)
        related = {
            event.id: tuple(_related(log, event, incoming.get(event.id, ()))) for event in events
        }
    return Selection(
        title=log.title,
        description=log.description,
        events=tuple(events),
        actors=Actors(log.registry.closure(ref.id for event in events for ref in event.actors)),
        sources={source: by_id[source] for source in cited if source in by_id},
        related=related,
        vocabulary=log.vocabulary,
        eras=log.eras,
    )


def _incoming(log: Log) -> dict[str, list[tuple[str, Event]]]:
    """For each event id, the relations that point at it: (rel, the event declaring it)."""
    found: dict[str, list[tuple[str, Event]]] = {}
    for other in log.events:
        for rel in other.related:
            found.setdefault(rel.id, []).append((rel.rel, other))
    return found


def _related(log: Log, event: Event, incoming: Iterable[tuple[str, Event]]) -> Iterable[Related]:
    by_id = log.events_by_id
    for rel in event.related:
        if rel.id in by_id:
            yield Related(rel.rel, by_id[rel.id], outgoing=True)
    for kind, other in incoming:
        yield Related(INVERSE_RELATION[kind], other, outgoing=False)


def relations_of(log: Log) -> Callable[[Event], tuple[Related, ...]]:
    """Each event's relations in both directions (as `related_events`), the log read once."""
    incoming = _incoming(log)
    return lambda event: tuple(_related(log, event, incoming.get(event.id, ())))


def related_events(log: Log, event: Event) -> list[Related]:
    """Relations in both directions: those the event declares, then those that point at it."""
    incoming = [
        (rel.rel, other) for other in log.events for rel in other.related if rel.id == event.id
    ]
    return list(_related(log, event, incoming))


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


def find_event(log: Log, event_id: str) -> Event:
    """The event with this id (any case); else `LookupFailed` suggesting close ids and titles."""
    by_id = log.events_by_id
    if event_id in by_id:
        return by_id[event_id]
    folded = event_id.strip().casefold()
    if folded in by_id:
        return by_id[folded]
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


def compile_filters(catalogue: Catalogue, filters: Filters, *, tags_known: bool = True) -> Matcher:
    """Resolve the filters against the log: an unknown actor, type, tag or era raises
    `LookupFailed` with the closest names it has. Without `tags_known` (the log's tags are not
    known yet), the tags are left to `check_tags`."""
    tags = frozenset(tag.casefold() for tag in filters.tags)
    if tags_known:
        check_tags(tags, catalogue.tags)
    types = frozenset(type_id.casefold() for type_id in filters.types)
    for type_id in sorted(types - set(catalogue.vocabulary.ids())):
        raise LookupFailed(catalogue.vocabulary.unknown(type_id))
    start, stop = dates_asked(catalogue.eras, filters)
    return Matcher(
        actor_sets=[
            catalogue.actors.members(catalogue.actors.resolve(actor).id) for actor in filters.actors
        ],
        types=types,
        tags=tags,
        start=start,
        stop=stop,
        terms=tuple(filters.search.casefold().split()) if filters.search else (),
    )


def check_tags(wanted: Iterable[str], known: Set[str]) -> None:
    """`LookupFailed` for a tag no event has, with the closest ones."""
    for tag in sorted(frozenset(tag.casefold() for tag in wanted) - known):
        close = difflib.get_close_matches(tag, sorted(known), n=3, cutoff=0.6)
        raise LookupFailed(f"no event is tagged {tag!r}{did_you_mean(close)}")


def choose_while_reading(
    data: bytes,
    filters: Filters,
    *,
    sort: SortKey = "date",
    reverse: bool = False,
    limit: int | None = None,
) -> tuple[Log, list[Event]] | None:
    """`choose` for a large log still in bytes, in one pass that checks every event and keeps
    only the chosen ones (`bulkload.scan`): the log (every registry, the chosen events) and the
    chosen events in order. None when the log must be read the strict way."""
    from timeline import bulkload

    refused: list[LookupFailed] = []

    def chooser(registries: Log) -> bulkload.Choice:
        catalogue = Catalogue(registries.registry, registries.vocabulary, registries.eras, set())
        try:
            matcher = compile_filters(catalogue, filters, tags_known=False)
        except LookupFailed as error:  # said once the whole log is known to be valid
            refused.append(error)
            return bulkload.Choice(lambda *facts: False, lambda event: False)
        names = actor_names(registries.registry) if matcher.terms else {}
        return bulkload.Choice(
            functools.partial(_matches_facts, matcher),
            functools.partial(matches_words, matcher=matcher, names=names),
        )

    scanned = bulkload.scan(data, chooser)
    if scanned is None:
        return None
    if refused:
        raise refused[0]
    check_tags(filters.tags, scanned.tags)
    ordered = sort_events(scanned.log.events, sort, reverse=reverse)
    return scanned.log, ordered if limit is None else ordered[:limit]


def dates_asked(eras: Sequence[Era], filters: Filters) -> tuple[int | None, int | None]:
    """The first and last seconds the filters ask for (--from, --to, --era), if they do."""
    start = filters.date_from.earliest if filters.date_from else None
    stop = filters.date_to.latest if filters.date_to else None
    if filters.era is not None:
        era = _era(eras, filters.era)
        start = era.earliest if start is None else max(start, era.earliest)
        stop = era.latest if stop is None else min(stop, era.latest)
    return start, stop


def _era(eras: Sequence[Era], wanted: str) -> Era:
    by_id = {era.id: era for era in eras}
    found = by_id.get(wanted.strip().casefold())
    if found is not None:
        return found
    close = difflib.get_close_matches(wanted.casefold(), list(by_id), n=3, cutoff=0.6)
    known = "" if eras else "; the log has no eras"
    raise LookupFailed(f"no era {wanted!r}{did_you_mean(close)}{known}")


def _matches(event: Event, matcher: Matcher, names: dict[str, str]) -> bool:
    facts = _matches_facts(
        matcher, event.type, event.tags, event.earliest, event.latest, event.actor_ids
    )
    return facts and matches_words(event, matcher, names)


def _matches_facts(
    matcher: Matcher,
    type_id: str,
    tags: Sequence[str],
    earliest: int,
    latest: int,
    actor_ids: Sequence[str],
) -> bool:
    """Every filter but --search, on an event's facts (its record need not exist yet)."""
    if matcher.types and type_id not in matcher.types:
        return False
    if matcher.tags and matcher.tags.isdisjoint(tags):
        return False
    if matcher.start is not None and latest < matcher.start:
        return False
    if matcher.stop is not None and earliest > matcher.stop:
        return False
    if matcher.actor_sets:
        taking_part = set(actor_ids)
        if any(taking_part.isdisjoint(wanted) for wanted in matcher.actor_sets):
            return False
    return True


def matches_words(event: Event, matcher: Matcher, names: dict[str, str]) -> bool:
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


def actor_names(actors: Actors) -> dict[str, str]:
    """Each actor id -> its id, name and aliases in one string, for `searchable_text`."""
    return {actor.id: " ".join([actor.id, actor.name, *actor.aliases]) for actor in actors}
