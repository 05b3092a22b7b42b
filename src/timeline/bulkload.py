"""The path for large logs: msgspec decodes and type-checks each event in C, the rules msgspec
cannot express are checked here, and only the events a query keeps become records.

Every rule of `schema` is still checked on every event; anything this module is not sure of
(a broken rule, a byte-order mark, an escaped colon, anything msgspec refuses) makes it answer
None, and the caller reads the log the strict way, which words every problem. The tests prove
that whatever this module accepts, `schema` accepts as the same records.

Two checks need a word:

- **Duplicate keys.** msgspec keeps the last of two equal keys, silently. Every key is followed
  by a colon, and a colon outside a key can only be inside a string; so the colons of the file
  equal the colons of the same records written out again (msgspec leaves out what was absent)
  exactly when no key was dropped. A colon written as an escape (`\\u003a`) is the one way the
  two could agree falsely: a file holding one goes the strict way.
- **Patterns.** msgspec checks a pattern with Python's `re.search`, for every string; ids, tags
  and source ids repeat, so they are checked here once per distinct text (`fastload._match`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
import signal
from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Annotated, Any, Literal, NamedTuple, Protocol

import msgspec
from msgspec import UNSET, Meta, Raw, Struct, UnsetType

from timeline import fastload, model, progress
from timeline.dates import OPEN_TEXT, PartialDate

_Short = Annotated[str, Meta(min_length=1, max_length=model.MAX_SHORT_TEXT)]
_Text = Annotated[str, Meta(min_length=1, max_length=model.MAX_TEXT)]
_Status = Literal["confirmed", "reported", "alleged", "disputed"]
_Kind = Literal["state", "person", "organisation"]
_Relation = Literal["follows", "response-to", "part-of", "escalates", "context"]
_Plover = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]  # fmt: skip


class _Record(Struct, forbid_unknown_fields=True, gc=False, omit_defaults=True):
    """A record of the log: unknown fields refused, absent ones UNSET (and not written out)."""


class _Type(_Record):
    id: str
    label: _Short
    description: _Text | UnsetType | None = UNSET
    plover: _Plover | UnsetType | None = UNSET
    colour: str | UnsetType | None = UNSET


class _Era(_Record):
    id: str
    title: _Short
    date: str
    end: str
    note: _Text | UnsetType | None = UNSET


class _Actor(_Record):
    id: str
    name: _Short
    kind: _Kind
    aliases: list[_Short] | UnsetType = UNSET
    member_of: list[str] | UnsetType = UNSET


class _Source(_Record):
    id: str
    publisher: _Short | UnsetType | None = UNSET
    title: _Short | UnsetType | None = UNSET
    url: str | UnsetType | None = UNSET
    published: str | UnsetType | None = UNSET
    note: _Text | UnsetType | None = UNSET
    citation: _Text | UnsetType | None = UNSET
    archive: str | UnsetType | None = UNSET
    primary: bool | UnsetType = UNSET
    copy: bool | UnsetType = UNSET


class _Location(_Record):
    name: _Short
    country: str | UnsetType | None = UNSET
    admin1: _Short | UnsetType | None = UNSET
    lat: Annotated[float, Meta(ge=-90, le=90)] | UnsetType | None = UNSET
    lon: Annotated[float, Meta(ge=-180, le=180)] | UnsetType | None = UNSET


class _Media(_Record):
    url: str
    caption: _Short | UnsetType | None = UNSET
    credit: _Short | UnsetType | None = UNSET


class _Ref(_Record):
    id: str
    role: str | UnsetType | None = UNSET


class _Link(_Record):
    id: str
    rel: _Relation


class _Event(_Record):
    id: str
    title: _Short
    date: str
    type: str
    actors: Annotated[list[str | _Ref], Meta(min_length=1)]
    summary: _Text
    end: str | UnsetType | None = UNSET
    approximate: bool | UnsetType = UNSET
    window: bool | UnsetType = UNSET
    location: _Location | UnsetType | None = UNSET
    assessment: _Text | UnsetType | None = UNSET
    status: _Status | UnsetType = UNSET
    tags: list[str] | UnsetType = UNSET
    sources: list[str] | UnsetType = UNSET
    related: list[_Link] | UnsetType = UNSET
    note: _Text | UnsetType | None = UNSET
    media: _Media | UnsetType | None = UNSET


class _Top(_Record, rename={"schema_url": "$schema"}):
    schema_url: str | UnsetType | None = UNSET
    title: _Short | UnsetType = UNSET
    description: _Text | UnsetType | None = UNSET
    types: list[_Type] | UnsetType | None = UNSET
    eras: list[_Era] | UnsetType = UNSET
    actors: list[_Actor] | UnsetType = UNSET
    sources: list[Raw] | UnsetType = UNSET  # each decoded as a `_Source`, its place noted
    events: list[Raw] | UnsetType = UNSET


class Scan(NamedTuple):
    """A log read whole and checked whole, holding only the events a query kept."""

    log: model.Log  # every registry; the kept events, in the file's order
    tags: frozenset[str]  # every tag of every event (a filter on another tag finds nothing)
    total: int  # how many events the log holds


class Facts:
    """What an index needs of each event, a column per fact, in the file's order: where its
    bytes are, what filters and sorting ask, and the length of its ready-made row (see `Rows`)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.title_keys: list[str] = []  # each title folded, as `--sort title` compares them
        self.earliest = array("q")
        self.latest = array("q")
        self.types: list[str] = []
        self.tags: list[tuple[str, ...]] = []
        self.actor_ids: list[tuple[str, ...]] = []  # each actor once, in the event's order
        self.related: list[tuple[model.Relation, ...]] = []
        self.offsets = array("Q")  # of its JSON object in the file
        self.lengths = array("Q")
        self.rows = array("Q")  # 0 without rows

    def __len__(self) -> int:
        return len(self.ids)

    def __iadd__(self, other: Facts) -> Facts:
        for name, column in vars(self).items():
            column.extend(getattr(other, name))
        return self


Renderer = Callable[[model.Log], Callable[[model.Event], bytes]]


class Rows(NamedTuple):
    """Rows to make for each event while a log is surveyed: `render` makes, from the log's
    registries, what turns an event into its row; the rows of the first half of the events go
    to the first file, the others to the second (written by a second process, if there is one)."""

    render: Renderer
    files: tuple[IO[bytes], IO[bytes]]


class Survey(NamedTuple):
    """A log checked whole, for its index: its registries (no events), and its events' facts
    and its sources' places in the file, in the file's order."""

    registries: model.Log
    events: Facts
    sources: list[tuple[str, int, int]]  # id, offset, length
    tags: frozenset[str]


_Unsure = fastload.Unsure  # something the strict reader must look at


_BOM = b"\xef\xbb\xbf"
_DECODE_TOP = msgspec.json.Decoder(_Top)
_DECODE_EVENT = msgspec.json.Decoder(_Event)
_DECODE_SOURCE = msgspec.json.Decoder(_Source)
_ENCODE = msgspec.json.Encoder()
_SOURCES = msgspec.json.Decoder(list[Raw])


class Choice(NamedTuple):
    """Which events a query keeps: `facts` rules an event out by its type, tags, first and last
    second and actor ids, before its record is made; `event` decides on the record."""

    facts: Callable[[str, tuple[str, ...], int, int, list[str]], bool]
    event: Callable[[model.Event], bool]


Chooser = Callable[[model.Log], Choice]


def scan(data: bytes, choose: Chooser | None = None) -> Scan | None:
    """Every rule checked on the log in `data` (UTF-8 JSON); its events kept where the predicate
    `choose` makes from the log's registries says (all without it). None when the strict reader
    must decide."""
    try:
        with _garbage_collection_paused():
            top = _top(data)
            choice = None if choose is None else choose(top.registries)
            # (handing every record back from a second process would cost more than it saves)
            taker = functools.partial(_Keep, choice)
            kept, ids, tags = _whole(data, top, taker, parallel=choice is not None)
    except (_Unsure, ValueError, msgspec.MsgspecError, RecursionError):
        return None
    registries = top.registries
    return Scan(registries.with_events(tuple(kept)), frozenset(tags), len(ids))


def survey(data: bytes, rows: Rows | None = None) -> Survey | None:
    """Every rule checked on the log in `data`, as `scan` does; what its index needs kept
    rather than its events, and each event's row made if `rows` says how. None when the strict
    reader must decide."""
    try:
        with _garbage_collection_paused():
            top = _top(data)
            if rows is None:
                taker = functools.partial(_Note, data, None)
            else:
                render = rows.render(top.registries)
                taker = functools.partial(_Note, data, render, rows.files)
            facts, _, tags = _whole(data, top, taker, parallel=True)
            sources = _places(data, top.sources, [source.id for source in top.registries.sources])
    except (_Unsure, ValueError, msgspec.MsgspecError, RecursionError):
        return None
    return Survey(top.registries, facts, sources, frozenset(tags))


class Reader:
    """Events and sources of a log that was checked whole when it was indexed, read again one at
    a time from their bytes (the places `survey` noted), into the records a full load makes."""

    def __init__(self, registries: model.Log) -> None:
        self._events = _Events(registries, sources_checked=True)

    def event(self, data: bytes) -> model.Event:
        """The event whose JSON object is `data`; `Unsure` if it is not one that was checked."""
        try:
            record = _DECODE_EVENT.decode(data)
            events = self._events
            return events.build(record, events.check(record))
        except (msgspec.MsgspecError, ValueError, RecursionError):
            raise _Unsure from None

    @staticmethod
    def source(data: bytes) -> model.Source:
        try:
            return fastload.source(msgspec.to_builtins(_DECODE_SOURCE.decode(data)))
        except (msgspec.MsgspecError, ValueError, RecursionError):
            raise _Unsure from None

    @staticmethod
    def title(data: bytes) -> str:
        """Just the title of the event whose JSON object is `data`."""
        try:
            return _DECODE_EVENT.decode(data).title
        except (msgspec.MsgspecError, ValueError, RecursionError):
            raise _Unsure from None


@contextlib.contextmanager
def _garbage_collection_paused() -> Iterator[None]:
    """A load creates millions of objects that all live on: the collector would walk them again
    and again for nothing. It rests during the load, and what was loaded is then frozen out of
    its way (`gc.freeze`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class _Opened(NamedTuple):
    """The top level of a log: its registries checked, its events and sources still bytes."""

    registries: model.Log
    events: list[Raw]
    sources: list[Raw]
    colons: int  # in everything but the events, written out again


def _top(data: bytes) -> _Opened:
    if data.startswith(_BOM) or b"\\u003a" in data or b"\\u003A" in data:
        raise _Unsure
    top = _DECODE_TOP.decode(data)
    events: list[Raw] = []
    if top.events is not UNSET:
        events, top.events = top.events, []
    sources: list[Raw] = []
    decoded: list[_Source] | UnsetType = UNSET
    colons = 0
    if top.sources is not UNSET:
        sources, top.sources = top.sources, []
        decoded = [_DECODE_SOURCE.decode(source) for source in sources]
        colons = _ENCODE.encode(decoded).count(b":")
    colons += _ENCODE.encode(top).count(b":")
    registries = _registries(top, decoded)
    if model.integrity_problems(registries):
        raise _Unsure
    return _Opened(registries, events, sources, colons)


def _whole(
    data: bytes, top: _Opened, taker: Callable[..., _Taker], *, parallel: bool
) -> tuple[Any, set[str], set[str]]:
    """The events of `top` read (in two processes, if `parallel` and it pays) and the rules over
    the whole log checked: what `taker` kept of them in the file's order, every id, every tag."""
    with progress.task("Reading events", len(top.events)) as advance:
        parts = (parallel and _in_parallel(top.events, top.registries, taker, advance)) or [
            _read(top.events, top.registries, taker, advance=advance)
        ]
    ids: set[str] = set()
    related: set[str] = set()
    tags: set[str] = set()
    kept = parts[0].kept
    colons = top.colons
    for number, part in enumerate(parts):  # in the file's order
        if not ids.isdisjoint(part.ids):
            raise _Unsure  # an id given twice, in two parts of the file
        ids |= part.ids
        related |= part.related
        tags |= part.tags
        if number:
            kept += part.kept
        colons += part.colons
    if not related <= ids or colons != data.count(b":"):
        raise _Unsure
    return kept, ids, tags


class _Taker(Protocol):
    """What a reading keeps of each checked event (`kept`, picklable)."""

    kept: Any  # a list, or another thing that `+=` joins

    def __call__(self, raw: Raw, record: _Event, checked: _Checked) -> None: ...

    def finish(self) -> None:
        """The reading is over."""


class _Keep:
    """The records of the events a query chooses (all, without a choice)."""

    def __init__(self, choice: Choice | None, part: int = 0) -> None:
        self.kept: list[model.Event] = []
        self.choice = choice

    def finish(self) -> None:
        pass

    def __call__(self, raw: Raw, record: _Event, checked: _Checked) -> None:
        choice = self.choice
        if choice is None:
            self.kept.append(_Events.build(record, checked))
            return
        date, end, _, actors, tagged = checked[:5]
        if choice.facts(
            record.type, tagged, date.earliest, (end or date).latest, [ref.id for ref in actors]
        ):  # the record is made only for the events its facts do not rule out
            event = _Events.build(record, checked)
            if choice.event(event):
                self.kept.append(event)


class _Note:
    """The facts of every event, with the place of its bytes in `data`, and its row rendered
    into the file for this part of the log."""

    def __init__(
        self,
        data: bytes,
        render: Callable[[model.Event], bytes] | None,
        files: Sequence[IO[bytes]] = (),
        part: int = 0,
    ) -> None:
        self.kept = Facts()
        self.data = data
        self.at = -1
        self.render = render
        self.file = files[part] if render is not None else None
        self.write = None if self.file is None else self.file.write

    def finish(self) -> None:
        if self.file is not None:
            self.file.flush()

    def __call__(self, raw: Raw, record: _Event, checked: _Checked) -> None:
        date, end, _, actors, tagged, _, links = checked
        facts = self.kept
        text = bytes(raw)
        offset = self.at = _place(self.data, text, self.at)
        self.at += len(text)
        facts.offsets.append(offset)
        facts.lengths.append(len(text))
        facts.ids.append(record.id)
        facts.title_keys.append(record.title.casefold())
        facts.earliest.append(date.earliest)
        facts.latest.append((end or date).latest)
        facts.types.append(record.type)
        facts.tags.append(tagged)
        facts.actor_ids.append(
            (actors[0].id,) if len(actors) == 1 else tuple(dict.fromkeys([a.id for a in actors]))
        )
        facts.related.append(links)
        write = self.write
        if write is not None and self.render is not None:
            facts.rows.append(write(self.render(_Events.build(record, checked))))
        else:
            facts.rows.append(0)


def _places(data: bytes, raws: list[Raw], ids: list[str]) -> list[tuple[str, int, int]]:
    """Each source's id and the place of its bytes in `data` (see `_Note`)."""
    places: list[tuple[str, int, int]] = []
    at = -1
    for source_id, raw in zip(ids, raws, strict=True):
        text = bytes(raw)
        at = _place(data, text, at)
        places.append((source_id, at, len(text)))
        at += len(text)
    return places


_GAP = re.compile(rb"[ \t\r\n]*,?[ \t\r\n]*")  # between two items of an array


def _place(data: bytes, text: bytes, after: int) -> int:
    """Where the item of an array whose bytes are `text` starts in `data`: just past the end of
    the item before it (`after`), or for a first item (`after` < 0) the first place its bytes
    appear. That is its own: another object cannot hold them (no field holds an event or a
    source) and a string cannot (its quotes would be escaped)."""
    if after >= 0:
        gap = _GAP.match(data, after)
        if gap is not None and data.startswith(text, gap.end()):
            return gap.end()
    offset = data.find(text, max(after, 0))
    if offset < 0:
        raise _Unsure
    return offset


class _Part(NamedTuple):
    """What reading a run of events found."""

    kept: list[Any]
    ids: set[str]
    related: set[str]
    tags: set[str]
    colons: int  # in the events, written out again


def _read(
    raws: Sequence[Raw],
    registries: model.Log,
    taker: Callable[..., _Taker],
    part: int = 0,
    advance: Callable[[int], None] | None = None,
    share: int = 1,
) -> _Part:
    """Read `raws` (`part` of the log), reporting progress to `advance` as `share` times the
    events read (two, when a second process reads as many at the same time)."""
    events = _Events(registries)
    check = events.check
    take = taker(part=part)
    ids = events.ids
    colons = 0
    decode, encode = _DECODE_EVENT.decode, _ENCODE.encode
    every = progress.EVERY
    for number, raw in enumerate(raws, 1):
        if advance is not None and not number % every:
            advance(every * share)
        record = decode(raw)
        colons += encode(record).count(b":")
        if record.id in ids:
            raise _Unsure
        ids.add(record.id)
        take(raw, record, check(record))
    take.finish()
    return _Part(take.kept, ids, events.related, events.tags, colons)


# A log this long is read by two processes at once where the machine has the cores: each reads
# half the events; the second hands back what it kept and found, pickled.
PARALLEL_EVENTS = 20_000


def _in_parallel(
    raws: Sequence[Raw],
    registries: model.Log,
    taker: Callable[..., _Taker],
    advance: Callable[[int], None],
) -> list[_Part] | None:
    """The two halves of `raws` read at once, or None where that would not pay: for a short log,
    or on one core."""
    if len(raws) < PARALLEL_EVENTS or not hasattr(os, "fork"):
        return None
    if len(os.sched_getaffinity(0)) < 2:
        return None
    import pickle

    half = len(raws) // 2
    reading, writing = os.pipe()
    try:
        child = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        return None
    if child == 0:  # the second half; whatever happens, the first half's reader decides
        os.close(reading)
        progress.install(None)  # the terminal is the first process's
        try:
            read = _read(raws[half:], registries, taker, part=1)
            payload = pickle.dumps(read, pickle.HIGHEST_PROTOCOL)
        except BaseException:
            payload = b""
        with contextlib.suppress(BaseException), os.fdopen(writing, "wb") as stream:
            stream.write(payload)
        os._exit(0)
    os.close(writing)
    try:
        first = _read(raws[:half], registries, taker, advance=advance, share=2)
        with os.fdopen(reading, "rb") as stream:
            payload = stream.read()
    finally:
        with contextlib.suppress(OSError):
            os.kill(child, signal.SIGKILL)  # (it has written what it had, or it never will)
        os.waitpid(child, 0)
    if not payload:
        raise _Unsure  # the second half broke a rule: the strict reader says which
    second: _Part = pickle.loads(payload)
    return [first, second]


def _registries(top: _Top, sources: list[_Source] | UnsetType) -> model.Log:
    """Everything but the events, checked as `fastload` checks it."""
    document: dict[str, Any] = {
        key: msgspec.to_builtins(value)
        for key, value in (
            ("$schema", top.schema_url),
            ("title", top.title),
            ("description", top.description),
            ("types", top.types),
            ("eras", top.eras),
            ("actors", top.actors),
            ("sources", sources),
        )
        if value is not UNSET
    }
    log = fastload.build(document)
    if log is None:
        raise _Unsure
    return log


_slug = fastload.slug
_is_id = fastload.is_id
_slugs_seen = fastload.SLUGS_SEEN
_new_event = model.Event._make
_parse_date = PartialDate.parse
_end_before_date = model.end_before_date
_window_problem = model.window_problem


_Checked = tuple[
    PartialDate,
    PartialDate | None,
    bool,
    tuple[model.ActorRef, ...],
    tuple[str, ...],
    tuple[str, ...],
    tuple[model.Relation, ...],
]


class _Events:
    """The events of one log, each checked and made a record as it comes, against the log's
    registries (an id the registry holds is known to be well formed) and the events before it."""

    def __init__(self, registries: model.Log, *, sources_checked: bool = False) -> None:
        self.refs = {actor.id: model.ActorRef(actor.id) for actor in registries.actors}
        # None: the events were checked against their sources when the log was indexed.
        self.source_ids = (
            None if sources_checked else frozenset(source.id for source in registries.sources)
        )
        self.type_ids = frozenset(entry.id for entry in registries.vocabulary)
        self.ids: set[str] = set()
        self.related: set[str] = set()  # every event an event relates to: checked at the end
        self.tags: set[str] = set()

    def check(self, raw: _Event) -> _Checked:
        """Every rule on one event (those msgspec could not check), and the parts of its record
        that checking made."""
        event_id = raw.id
        if raw.type not in self.type_ids or not _is_id(event_id):
            raise _Unsure
        text = raw.date
        if text == OPEN_TEXT:
            raise _Unsure
        date = _parse_date(text)
        end_text = raw.end
        end = None if end_text is UNSET or end_text is None else _parse_date(end_text)
        window = raw.window is True
        if (end is not None or window) and (
            _end_before_date(date, end) or _window_problem(window, end)
        ):
            raise _Unsure
        tags, sources, related = raw.tags, raw.sources, raw.related
        refs = self.refs
        try:  # a bare id of the registry, or an id with a role
            actors = tuple(
                [
                    refs[item] if isinstance(item, str) else self._with_role(item)
                    for item in raw.actors
                ]
            )
        except KeyError:
            raise _Unsure from None
        if sources is UNSET:
            cited: tuple[str, ...] = ()
        elif self.source_ids is None or self.source_ids.issuperset(sources):
            cited = tuple(sources)
        else:
            raise _Unsure
        tagged: tuple[str, ...] = () if tags is UNSET else _slugs(tags)
        self.tags.update(tagged)
        links: tuple[model.Relation, ...] = ()
        if related is not UNSET:
            links = tuple([model.Relation(link.id, link.rel) for link in related])
            for link in links:
                if link.id == event_id:
                    raise _Unsure
                self.related.add(link.id)
        location, media = raw.location, raw.media
        if location is not UNSET and location is not None:
            _check_location(location)
        if media is not UNSET and media is not None and not fastload.is_url(media.url):
            raise _Unsure
        return date, end, window, actors, tagged, cited, links

    @staticmethod
    def build(raw: _Event, checked: _Checked) -> model.Event:
        """The record of a checked event."""
        date, end, window, actors, tagged, cited, links = checked
        status, assessment, note = raw.status, raw.assessment, raw.note
        location, media = raw.location, raw.media
        return _new_event(
            (
                raw.id,
                raw.title,
                date,
                raw.type,
                actors,
                raw.summary,
                end,
                raw.approximate is True,
                None if location is UNSET or location is None else _location(location),
                None if assessment is UNSET else assessment,
                "confirmed" if status is UNSET else status,
                tagged,
                cited,
                links,
                None if note is UNSET else note,
                window,
                None if media is UNSET or media is None else _media(media),
            )
        )

    def _with_role(self, item: _Ref) -> model.ActorRef:
        if item.id not in self.refs:
            raise _Unsure
        role = item.role
        return model.ActorRef(item.id, None if role is UNSET or role is None else _slug(role))


def _slugs(items: list[str]) -> tuple[str, ...]:
    if _slugs_seen.issuperset(items):  # tags repeat: each text is checked once
        return tuple(items)
    return tuple([_slug(item) for item in items])


def _check_location(raw: _Location) -> None:
    country = raw.country
    if country is not UNSET and country is not None and not fastload.is_country(country):
        raise _Unsure


def _location(raw: _Location) -> model.Location:
    country = None if raw.country is UNSET else raw.country
    return model.Location(
        raw.name,
        country,
        None if raw.admin1 is UNSET else raw.admin1,
        None if raw.lat is UNSET or raw.lat is None else float(raw.lat),
        None if raw.lon is UNSET or raw.lon is None else float(raw.lon),
    )


def _media(raw: _Media) -> model.Media:
    return model.Media(
        raw.url,
        None if raw.caption is UNSET else raw.caption,
        None if raw.credit is UNSET else raw.credit,
    )
