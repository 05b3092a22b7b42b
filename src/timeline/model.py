"""The log's data model: its vocabulary, eras, actors, sources and events, and the checks a
whole log must pass.

These are plain, immutable Python objects (named tuples, the cheapest records to define and
build), so that everyday commands never pay for Pydantic. The rules they obey are defined once
in `schema` (Pydantic, the reference) and checked again by hand in `fastload`, which the tests
prove equivalent. No I/O here.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple, get_args

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

COLOUR_PATTERN = r"^#[0-9a-f]{6}$"


PloverCategory = Literal[
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
]


# The 16 event categories of PLOVER 2.0, the successor of CAMEO: a type may name the one it is.
PLOVER_CATEGORIES: tuple[str, ...] = get_args(PloverCategory)


class EventType(NamedTuple):
    """One entry of a log's vocabulary of event types."""

    id: str
    label: str
    description: str | None = None
    plover: str | None = None  # its PLOVER category, so exports can speak the standard
    colour: str | None = None  # `#rrggbb`, for the HTML page


# The vocabulary of a log that declares none. PLOVER codes interactions between actors; a type
# whose category depends on what was said or done (a statement, a treaty milestone) or that is not
# an interaction (an election, a budget) has none. Colours stay apart from their neighbours on a
# light background.
DEFAULT_TYPES: tuple[EventType, ...] = (
    EventType("summit", "Summit", plover="CONSULT", colour="#1f5fa8"),
    EventType("meeting", "Meeting", plover="CONSULT", colour="#3d8fd1"),
    EventType("statement", "Statement", colour="#6b6f76"),
    EventType("threat", "Threat", plover="THREATEN", colour="#c62828"),
    EventType("accusation", "Accusation", plover="ACCUSE", colour="#d0589b"),
    EventType("agreement", "Agreement", plover="AGREE", colour="#2e7d32"),
    EventType("treaty", "Treaty", colour="#00838f"),
    EventType("policy", "Policy", colour="#795548"),
    EventType("weapons-test", "Weapons test", plover="MOBILIZE", colour="#e65100"),
    EventType("deployment", "Deployment", plover="MOBILIZE", colour="#9e9d24"),
    EventType("exercise", "Exercise", plover="MOBILIZE", colour="#7b52ab"),
    EventType("military-action", "Military action", plover="ASSAULT", colour="#8e0000"),
    EventType("arms-transfer", "Arms transfer", plover="COOPERATE", colour="#5d4037"),
    EventType("sanctions", "Sanctions", plover="SANCTION", colour="#283593"),
    EventType("election", "Election", colour="#558b2f"),
    EventType("publication", "Publication", colour="#ad6800"),
    EventType("budget", "Budget", colour="#4a5a6a"),
)
EVENT_TYPES: tuple[str, ...] = tuple(t.id for t in DEFAULT_TYPES)

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
    publisher: str | None
    title: str | None
    url: str | None  # http(s); a source without one is a `citation`
    published: PartialDate | None = None
    note: str | None = None
    citation: str | None = None  # free text: an interview, a print edition, a dataset
    archive: str | None = None  # an archived copy's URL
    primary: bool = False  # the record of the actor itself: a statement, a document, a ruling
    copy: bool = False  # a syndicated, mirrored or reprinted copy, kept as the original is gone

    @property
    def label(self) -> str:
        """What to call it: `Publisher — Title`, else `Publisher — citation`, else its address."""
        named = " — ".join(part for part in (self.publisher, self.title or self.citation) if part)
        return named or self.url or self.id


class Location(NamedTuple):
    name: str
    country: str | None = None
    admin1: str | None = None  # the first-level division: a province, a state
    lat: float | None = None  # WGS84 degrees
    lon: float | None = None


class Media(NamedTuple):
    """A picture, video or page that shows the event; the page shows it as a link."""

    url: str
    caption: str | None = None
    credit: str | None = None


class Era(NamedTuple):
    """A named span (a presidency, a phase of the story), drawn behind the events."""

    id: str
    title: str
    date: PartialDate
    end: PartialDate  # a date, or the open end `..`
    note: str | None = None

    @property
    def earliest(self) -> int:
        return self.date.earliest

    @property
    def latest(self) -> int:
        return self.end.latest


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
    window: bool = False  # date..end bound one unknown moment, not a duration
    media: Media | None = None

    @property
    def earliest(self) -> int:
        """The first second the event can cover."""
        return self.date.earliest

    @property
    def latest(self) -> int:
        """The last second the event can cover: the end of `end` if given (`OPEN` for an open
        end), else of `date`."""
        return (self.end or self.date).latest

    @property
    def ongoing(self) -> bool:
        return self.end is not None and self.end.is_open

    @property
    def actor_ids(self) -> list[str]:
        return [ref.id for ref in self.actors]


class Log:
    """A whole log: its actors, sources and events, with lookups by id built on first use."""

    __slots__ = (
        "_actors_by_id",
        "_events_by_id",
        "_registry",
        "_sources_by_id",
        "_vocabulary",
        "actors",
        "description",
        "eras",
        "events",
        "schema_url",
        "sources",
        "title",
        "types",
    )

    def __init__(
        self,
        title: str = "Untitled timeline",
        description: str | None = None,
        actors: tuple[Actor, ...] = (),
        sources: tuple[Source, ...] = (),
        events: tuple[Event, ...] = (),
        schema_url: str | None = None,
        types: tuple[EventType, ...] | None = None,
        eras: tuple[Era, ...] = (),
    ) -> None:
        self.title = title
        self.description = description
        self.actors = actors
        self.sources = sources
        self.events = events
        self.schema_url = schema_url
        self.types = types  # as declared in the file; None when it declares none
        self.eras = eras
        self._vocabulary: Vocabulary | None = None
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
            self.types,
            self.eras,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Log) and self._fields() == other._fields()

    def with_events(self, events: tuple[Event, ...]) -> Log:
        """The same registries holding `events`."""
        return Log(
            self.title,
            self.description,
            self.actors,
            self.sources,
            events,
            self.schema_url,
            self.types,
            self.eras,
        )

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
    def vocabulary(self) -> Vocabulary:
        """The event types this log uses: its own `types`, else the built-in ones."""
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(DEFAULT_TYPES if self.types is None else self.types)
        return self._vocabulary

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


class Vocabulary:
    """A log's event types, by id: their labels, PLOVER categories and colours."""

    __slots__ = ("by_id", "types")

    def __init__(self, types: Sequence[EventType]) -> None:
        self.types = tuple(types)
        self.by_id = {entry.id: entry for entry in self.types}

    def __contains__(self, type_id: object) -> bool:
        return type_id in self.by_id

    def __iter__(self) -> Iterator[EventType]:
        return iter(self.types)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabulary) and other.types == self.types

    def __hash__(self) -> int:
        return hash(self.types)

    def __repr__(self) -> str:
        return f"Vocabulary({[entry.id for entry in self.types]!r})"

    def ids(self) -> list[str]:
        return [entry.id for entry in self.types]

    def label(self, type_id: str) -> str:
        entry = self.by_id.get(type_id)
        return entry.label if entry else type_id

    def plover(self, type_id: str) -> str | None:
        entry = self.by_id.get(type_id)
        return entry.plover if entry else None

    def unknown(self, type_id: str) -> str:
        """The message for a type the vocabulary does not have, with the closest it does."""
        return f"unknown type {type_id!r}{self.suggestion(type_id)}"

    def suggestion(self, type_id: str) -> str:
        """`; did you mean 'summit'?`, or nothing when no type is close."""
        close = difflib.get_close_matches(type_id.casefold(), self.ids(), n=1)
        return f"; did you mean {close[0]!r}?" if close else ""


def end_before_date(date: PartialDate, end: PartialDate | None) -> str | None:
    """The problem with an `end`, if it ends before it begins."""
    if end is not None and not end.is_open and end.latest < date.earliest:
        return f"end {end.text} is before date {date.text}"
    return None


def window_problem(window: bool, end: PartialDate | None) -> str | None:
    """The problem with a `window`, which needs two bounds."""
    if window and (end is None or end.is_open):
        return "a window needs an end: the last moment the event may have happened"
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
    ids: dict[str, list[tuple[int, str]]]  # per section: types, eras, actors, sources, events
    vocabulary: Vocabulary

    @classmethod
    def of(cls, log: Log) -> Records:
        return cls(
            list(enumerate(log.actors)),
            list(enumerate(log.sources)),
            list(enumerate(log.events)),
            {
                "types": list(enumerate(t.id for t in log.types or ())),
                "eras": list(enumerate(e.id for e in log.eras)),
                "actors": list(enumerate(a.id for a in log.actors)),
                "sources": list(enumerate(s.id for s in log.sources)),
                "events": list(enumerate(e.id for e in log.events)),
            },
            log.vocabulary,
        )


def integrity_problems(log: Log | Records) -> list[Problem]:
    """Every cross-reference problem among records that are each valid."""
    return list(_integrity_problems(log if isinstance(log, Records) else Records.of(log)))


def _integrity_problems(records: Records) -> Iterator[Problem]:
    yield from _duplicates("types", records.ids["types"])
    yield from _duplicates("eras", records.ids["eras"])
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
        if event.type not in records.vocabulary:
            yield Problem(("events", index, "type"), records.vocabulary.unknown(event.type))
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
