"""The log's data model: actors, sources and events, and the checks a whole log must pass.

These are plain, immutable Python objects (named tuples, the cheapest records to define and
build), so that everyday commands never pay for Pydantic. The rules they obey are defined once
in `schema` (Pydantic, the reference) and checked again by hand in `fastload`, which the tests
prove equivalent. No I/O here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

from timeline.dates import PartialDate

if TYPE_CHECKING:
    from timeline.actors import Actors

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ACTOR_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]*$"
COUNTRY_PATTERN = r"^[A-Z]{3}$"
# http(s) only, and no character that could hide or disguise part of the address: no spaces or
# other white space, no C0/C1 controls, no bidirectional overrides.
URL_PATTERN = (
    r"^https?://[^\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u2066-\u2069"
    r"\u3000\ufeff]+$"
)
MAX_ID = 100
MAX_SHORT_TEXT = 500
MAX_TEXT = 20_000
MAX_URL = 2_000

EventType = Literal[
    "summit",
    "meeting",
    "statement",
    "threat",
    "accusation",
    "agreement",
    "treaty",
    "policy",
    "weapons-test",
    "deployment",
    "exercise",
    "military-action",
    "arms-transfer",
    "sanctions",
    "election",
    "publication",
    "budget",
]

# Each type's PLOVER 2.0 category, so exports can speak the standard. PLOVER codes interactions
# between actors; a type whose category depends on what was said or done (a statement, a treaty
# milestone) or that is not an interaction (an election, a budget) has none.
PLOVER: dict[str, str | None] = {
    "summit": "CONSULT",
    "meeting": "CONSULT",
    "statement": None,
    "threat": "THREATEN",
    "accusation": "ACCUSE",
    "agreement": "AGREE",
    "treaty": None,
    "policy": None,
    "weapons-test": "MOBILIZE",
    "deployment": "MOBILIZE",
    "exercise": "MOBILIZE",
    "military-action": "ASSAULT",
    "arms-transfer": "COOPERATE",
    "sanctions": "SANCTION",
    "election": None,
    "publication": None,
    "budget": None,
}
EVENT_TYPES: tuple[str, ...] = tuple(PLOVER)

Status = Literal["confirmed", "reported", "alleged", "disputed"]
STATUSES: tuple[str, ...] = ("confirmed", "reported", "alleged", "disputed")
ActorKind = Literal["state", "person", "organisation"]
ACTOR_KINDS: tuple[str, ...] = ("state", "person", "organisation")
RelationType = Literal["follows", "response-to", "part-of", "escalates", "context"]

# How a relation reads from the other end: B "follows" A, so A is "followed by" B.
INVERSE_RELATION: dict[str, str] = {
    "follows": "followed by",
    "response-to": "prompted",
    "part-of": "includes",
    "escalates": "escalated by",
    "context": "context for",
}
RELATION_TYPES: tuple[str, ...] = tuple(INVERSE_RELATION)


class Actor(NamedTuple):
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    member_of: tuple[str, ...] = ()


class Source(NamedTuple):
    id: str
    publisher: str
    title: str
    url: str
    published: PartialDate | None = None
    note: str | None = None


class Location(NamedTuple):
    name: str
    country: str | None = None


class ActorRef(NamedTuple):
    """An actor taking part in an event; a bare id in the file means a participant."""

    id: str
    role: str | None = None


class Relation(NamedTuple):
    id: str
    rel: str


class Event(NamedTuple):
    id: str
    title: str
    date: PartialDate
    type: str
    actors: tuple[ActorRef, ...]
    summary: str
    end: PartialDate | None = None
    approximate: bool = False
    location: Location | None = None
    assessment: str | None = None
    status: str = "confirmed"
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    related: tuple[Relation, ...] = ()
    note: str | None = None

    @property
    def earliest(self) -> datetime.date:
        return self.date.earliest

    @property
    def latest(self) -> datetime.date:
        """The last day the event can cover: the end of `end` if given, else of `date`."""
        return (self.end or self.date).latest

    @property
    def actor_ids(self) -> list[str]:
        return [ref.id for ref in self.actors]

    @property
    def plover(self) -> str | None:
        return PLOVER[self.type]


class Log:
    """A whole log: its actors, sources and events, with lookups by id built on first use."""

    __slots__ = (
        "_actors_by_id",
        "_events_by_id",
        "_registry",
        "_sources_by_id",
        "actors",
        "description",
        "events",
        "schema_url",
        "sources",
        "title",
    )

    def __init__(
        self,
        title: str = "Untitled timeline",
        description: str | None = None,
        actors: tuple[Actor, ...] = (),
        sources: tuple[Source, ...] = (),
        events: tuple[Event, ...] = (),
        schema_url: str | None = None,
    ) -> None:
        self.title = title
        self.description = description
        self.actors = actors
        self.sources = sources
        self.events = events
        self.schema_url = schema_url
        self._actors_by_id: dict[str, Actor] | None = None
        self._sources_by_id: dict[str, Source] | None = None
        self._events_by_id: dict[str, Event] | None = None
        self._registry: Actors | None = None

    def _fields(self) -> tuple[object, ...]:
        return (
            self.title,
            self.description,
            self.actors,
            self.sources,
            self.events,
            self.schema_url,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Log) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        counts = (
            f"{len(self.actors)} actors, {len(self.sources)} sources, {len(self.events)} events"
        )
        return f"Log(title={self.title!r}, {counts})"

    def actor(self, actor_id: str) -> Actor | None:
        return self.actors_by_id.get(actor_id)

    @property
    def actors_by_id(self) -> dict[str, Actor]:
        if self._actors_by_id is None:
            self._actors_by_id = {actor.id: actor for actor in self.actors}
        return self._actors_by_id

    @property
    def registry(self) -> Actors:
        """The actors with their membership and names, for lookups (`timeline.actors`)."""
        if self._registry is None:
            from timeline.actors import Actors

            self._registry = Actors(self.actors)
        return self._registry

    @property
    def sources_by_id(self) -> dict[str, Source]:
        if self._sources_by_id is None:
            self._sources_by_id = {source.id: source for source in self.sources}
        return self._sources_by_id

    @property
    def events_by_id(self) -> dict[str, Event]:
        if self._events_by_id is None:
            self._events_by_id = {event.id: event for event in self.events}
        return self._events_by_id


def end_before_date(date: PartialDate, end: PartialDate | None) -> str | None:
    """The problem with an event's `end`, if it ends before it begins."""
    if end is not None and end.latest < date.earliest:
        return f"end {end.text} is before date {date.text}"
    return None


class Problem(NamedTuple):
    """One thing wrong with a log: where (a path into the document) and what."""

    path: tuple[str | int, ...]
    message: str


class Records(NamedTuple):
    """The records of a log to check against each other, each with its place in its section.

    `ids` holds every id as written in each section, also those of records that are not valid on
    their own: they still count as existing (and as duplicates), so one bad field is reported
    once rather than again as a broken reference wherever the record is named.
    """

    actors: Sequence[tuple[int, Actor]]
    sources: Sequence[tuple[int, Source]]
    events: Sequence[tuple[int, Event]]
    ids: dict[str, list[tuple[int, str]]]

    @classmethod
    def of(cls, log: Log) -> Records:
        return cls(
            list(enumerate(log.actors)),
            list(enumerate(log.sources)),
            list(enumerate(log.events)),
            {
                "actors": list(enumerate(a.id for a in log.actors)),
                "sources": list(enumerate(s.id for s in log.sources)),
                "events": list(enumerate(e.id for e in log.events)),
            },
        )


def integrity_problems(log: Log | Records) -> list[Problem]:
    """Every cross-reference problem among records that are each valid."""
    return list(_integrity_problems(log if isinstance(log, Records) else Records.of(log)))


def _integrity_problems(records: Records) -> Iterator[Problem]:
    yield from _duplicates("actors", records.ids["actors"], ignore_case=True)
    yield from _ambiguous_actor_names(records.actors)
    yield from _duplicates("sources", records.ids["sources"])
    yield from _duplicates("events", records.ids["events"])
    actor_ids = {actor_id for _, actor_id in records.ids["actors"]}
    source_ids = {source_id for _, source_id in records.ids["sources"]}
    event_ids = {event_id for _, event_id in records.ids["events"]}
    for index, actor in records.actors:
        for position, parent in enumerate(actor.member_of):
            where: tuple[str | int, ...] = ("actors", index, "member_of", position)
            if parent not in actor_ids:
                yield Problem(where, f"unknown actor {parent!r}")
            elif parent == actor.id:
                yield Problem(where, "an actor cannot be a member of itself")
    for index, event in records.events:
        for position, ref in enumerate(event.actors):
            if ref.id not in actor_ids:
                yield Problem(("events", index, "actors", position), f"unknown actor {ref.id!r}")
        for position, source_id in enumerate(event.sources):
            if source_id not in source_ids:
                yield Problem(
                    ("events", index, "sources", position), f"unknown source {source_id!r}"
                )
        for position, relation in enumerate(event.related):
            where = ("events", index, "related", position, "id")
            if relation.id not in event_ids:
                yield Problem(where, f"unknown event {relation.id!r}")
            elif relation.id == event.id:
                yield Problem(where, "an event cannot relate to itself")


def _ambiguous_actor_names(actors: Sequence[tuple[int, Actor]]) -> Iterator[Problem]:
    """A name or alias that could mean two actors would make `--actor` ambiguous."""
    owner: dict[str, str] = {actor.id.casefold(): actor.id for _, actor in actors}
    for index, actor in actors:
        claimed = owner.setdefault(actor.name.casefold(), actor.id)
        if claimed != actor.id:
            yield Problem(
                ("actors", index, "name"), f"{actor.name!r} already names actor {claimed!r}"
            )
        for position, alias in enumerate(actor.aliases):
            claimed = owner.setdefault(alias.casefold(), actor.id)
            if claimed != actor.id:
                yield Problem(
                    ("actors", index, "aliases", position),
                    f"{alias!r} already names actor {claimed!r}",
                )


def _duplicates(
    section: str, ids: list[tuple[int, str]], *, ignore_case: bool = False
) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, item_id in ids:
        key = item_id.casefold() if ignore_case else item_id
        if key in seen:
            yield Problem((section, index, "id"), f"duplicate id {item_id!r}")
        seen.add(key)
