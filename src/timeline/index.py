"""A derived SQLite index of a large log, so that a repeated query skips parsing and validating it.

The index is built from a log that was fully validated, and holds its records, encoded one to a
row, beside the columns that filters and sorting need. It is filed under the log file's identity
(device, inode, size, modification and change times). Any write to a file moves its change time,
which no user can set back, so a changed log never matches its old index. A log written so shortly
before it was indexed that a second write could share its timestamps is checked by a digest of its
bytes instead, until that window has passed (the "racily clean" case of Git's index).

The index is optional: when it cannot be read or written, commands load the log as usual.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeline.actors import Actors
from timeline.cache import cache_folder, key
from timeline.dates import PartialDate
from timeline.errors import LookupFailed
from timeline.model import (
    DEFAULT_TYPES,
    INVERSE_RELATION,
    Actor,
    ActorRef,
    Era,
    Event,
    EventType,
    Location,
    Log,
    Media,
    Relation,
    Source,
    Vocabulary,
)
from timeline.query import (
    Catalogue,
    Filters,
    Matcher,
    Related,
    Selection,
    SortKey,
    actor_names,
    compile_filters,
    did_you_mean,
    find_event,
    searchable_text,
    select,
    selection_of,
    suggest_ids,
)
from timeline.store import decode_text, file_identity, parse_log_text, read_log_file

if TYPE_CHECKING:
    import sqlite3

# sqlite3 and hashlib are imported where used: a small log, never indexed, does not pay for them.

# Bump when the tables or the encoding change; the package version covers changed rules.
FORMAT = 2
# Below this size, parsing the log is about as quick as opening an index.
MIN_BYTES = 1 << 20
# How close to a file's last write its timestamps may not yet tell two writes apart.
RACY_NS = 2_000_000_000
SWITCH_ENV = "TIMELINE_INDEX"

_TABLES = """
CREATE TABLE meta (
    format INTEGER, program TEXT, device INTEGER, inode INTEGER, size INTEGER,
    mtime_ns INTEGER, ctime_ns INTEGER, indexed_ns INTEGER, digest TEXT,
    title TEXT, description TEXT, schema_url TEXT, tags TEXT, types TEXT, eras TEXT
);
CREATE TABLE actors (position INTEGER PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE sources (id TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE events (
    position INTEGER PRIMARY KEY, id TEXT NOT NULL, type TEXT NOT NULL,
    earliest INTEGER NOT NULL, latest INTEGER NOT NULL, title_key TEXT NOT NULL,
    haystack TEXT NOT NULL, record TEXT NOT NULL
);
CREATE TABLE event_actors (actor TEXT NOT NULL, position INTEGER NOT NULL);
CREATE TABLE event_tags (tag TEXT NOT NULL, position INTEGER NOT NULL);
CREATE TABLE relations (
    target TEXT NOT NULL, position INTEGER NOT NULL, ordinal INTEGER NOT NULL, rel TEXT NOT NULL
);
"""
_INDEXES = """
CREATE UNIQUE INDEX events_by_id ON events (id);
CREATE INDEX events_by_date ON events (earliest, latest);
CREATE INDEX events_by_actor ON event_actors (actor, position);
CREATE INDEX events_by_tag ON event_tags (tag, position);
CREATE INDEX relations_by_target ON relations (target, position, ordinal);
"""
_TITLE = "json_extract(record, '$[1]')"  # the title's place in an encoded event
_ORDER = {
    "date": ("earliest", "latest", "position"),
    "title": ("title_key", "earliest", "latest", "position"),
    "id": ("id",),
}


def select_from_file(
    log_path: Path,
    filters: Filters,
    *,
    sort: SortKey = "date",
    reverse: bool = False,
    limit: int | None = None,
    with_related: bool = False,
    defer_indexing: bool = False,
) -> Selection:
    """`query.select` over the log at `log_path`: the same `Selection`, from the index if it can.

    A large log is answered from its index when the index matches the file, and indexed after a
    full load when not: at once, or with `defer_indexing` by `build_deferred_indexes`.
    """
    with _fresh_index(log_path) as index:
        if index is not None:
            with contextlib.suppress(*_damaged()):
                events = index.select(filters, sort=sort, reverse=reverse, limit=limit)
                return index.selection(events, with_related=with_related)
    log = _load(log_path, defer_indexing)
    return select(log, filters, sort=sort, reverse=reverse, limit=limit, with_related=with_related)


def show_from_file(
    log_path: Path, event_id: str, *, defer_indexing: bool = False
) -> tuple[Selection, Event]:
    """`query.find_event` for the log at `log_path`, and the event's selection with relations."""
    with _fresh_index(log_path) as index:
        if index is not None:
            with contextlib.suppress(*_damaged()):
                event = index.find(event_id)
                return index.selection([event], with_related=True), event
    log = _load(log_path, defer_indexing)
    event = find_event(log, event_id)
    return selection_of(log, [event], with_related=True), event


def completions_from_index(log_path: Path, prefix: str) -> list[tuple[str, str]] | None:
    """Ids starting with `prefix` and their titles, if the log has a matching index; else None."""
    with _fresh_index(log_path) as index:
        if index is not None:
            with contextlib.suppress(*_damaged()):
                return index.ids_and_titles(prefix)
    return None


# What a damaged index can raise while it is read (never a lookup's own `LookupFailed`).
def _damaged() -> tuple[type[Exception], ...]:
    import sqlite3

    return (sqlite3.Error, ValueError, TypeError, KeyError)


@contextlib.contextmanager
def _fresh_index(log_path: Path) -> Iterator[Index | None]:
    try:
        status = log_path.stat()
    except OSError:
        yield None
        return
    index = open_index(log_path, status) if stat.S_ISREG(status.st_mode) else None
    try:
        yield index
    finally:
        if index is not None:
            index.close()


def _load(log_path: Path, defer_indexing: bool) -> Log:
    started_ns = time.time_ns()
    data, status = read_log_file(log_path)
    if status is not None and not (stat.S_ISREG(status.st_mode) and worth_indexing(status)):
        status = None  # a small log, or not a regular file: nothing to index
    digest = _digest(data) if status is not None and _racy(status, started_ns) else None
    text = decode_text(data, str(log_path))
    del data  # a large log's bytes, text and parsed document are never all held at once
    log = parse_log_text(text, str(log_path))
    if status is not None:
        build = functools.partial(write_index, log_path, status, log, digest, started_ns)
        if defer_indexing:
            _deferred.append(build)
        else:
            build()
    return log


_deferred: list[Callable[[], None]] = []


def build_deferred_indexes(*, detach: bool = True) -> None:
    """Build the indexes `select_from_file` put off, in a detached child process (or here).

    Called once a command's output is complete, so that the first query of a large log costs no
    more than loading it; the index is ready for the next one (like Git's detached auto-gc).
    """
    if not _deferred:
        return
    jobs = list(_deferred)
    _deferred.clear()
    if not detach:
        for job in jobs:
            job()
        return
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        child = os.fork()
    except OSError:
        return
    if child:
        return
    try:
        os.setsid()  # out of the terminal's process group: Ctrl-C and hang-ups are not for it
        nowhere = os.open(os.devnull, os.O_RDWR)
        for descriptor in (0, 1, 2):  # let pipes from the command close now
            os.dup2(nowhere, descriptor)
        for job in jobs:
            job()
    finally:
        os._exit(0)


def index_file(log_path: Path) -> Path | None:
    """Where the index of the log at `log_path` lives, or None when indexing is switched off."""
    if os.environ.get(SWITCH_ENV, "").strip().lower() in {"off", "0", "no", "false"}:
        return None
    folder = cache_folder()
    return None if folder is None else folder / f"index-{key(log_path)}.sqlite"


def worth_indexing(status: os.stat_result) -> bool:
    return status.st_size >= MIN_BYTES


class Index:
    """An open index that matches its log file: query it like `query.select` over the log."""

    def __init__(self, connection: sqlite3.Connection, meta: sqlite3.Row) -> None:
        self._connection = connection
        self._meta = meta
        self.actors = Actors(
            decode_actor(record)
            for (record,) in connection.execute("SELECT record FROM actors ORDER BY position")
        )
        types = json.loads(meta["types"])
        self.declared_types = None if types is None else tuple(EventType(*t) for t in types)
        self.eras = tuple(decode_era(era) for era in json.loads(meta["eras"]))
        self.vocabulary = Vocabulary(
            DEFAULT_TYPES if self.declared_types is None else self.declared_types
        )
        self.catalogue = Catalogue(
            self.actors, self.vocabulary, self.eras, set(json.loads(meta["tags"]))
        )

    def close(self) -> None:
        self._connection.close()

    def select(
        self,
        filters: Filters,
        *,
        sort: SortKey = "date",
        reverse: bool = False,
        limit: int | None = None,
    ) -> list[Event]:
        """What `query.select(log, ...)` gives for the indexed log, from SQL."""
        matcher = compile_filters(self.catalogue, filters)
        where, parameters = _conditions(matcher)
        direction = " DESC" if reverse else ""
        order = ", ".join(column + direction for column in _ORDER[sort])
        sql = f"SELECT record FROM events WHERE {where} ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT ?"
            parameters.append(limit)
        return [decode_event(record) for (record,) in self._connection.execute(sql, parameters)]

    def find(self, event_id: str) -> Event:
        """What `query.find_event` gives: the event with this id (any case), else `LookupFailed`."""
        for wanted in dict.fromkeys([event_id, event_id.strip().casefold()]):
            row = self._connection.execute(
                "SELECT record FROM events WHERE id = ?", (wanted,)
            ).fetchone()
            if row is not None:
                return decode_event(row[0])
        raise LookupFailed(f"no event with id {event_id!r}{did_you_mean(self._suggest(event_id))}")

    def _suggest(self, text: str) -> list[str]:
        """Close ids and titles, looked for among a few thousand likely events rather than all
        (each found through the index of ids): the ids next to `text` in sorted order (a slip
        near the end), ids that share its start, and ids containing one of its words."""
        folded = text.strip().casefold()
        query = self._connection.execute
        pick = f"SELECT id, {_TITLE} FROM events WHERE"
        rows = [
            *query(f"{pick} id >= ? ORDER BY id LIMIT 100", (folded,)),
            *query(f"{pick} id < ? ORDER BY id DESC LIMIT 100", (folded,)),
            *query(
                f"{pick} id >= ? AND id < ? LIMIT 1000", (folded[:3], folded[:3] + "\U0010ffff")
            ),
        ]
        for word in [word for word in re.split(r"[\W_]+", folded) if len(word) >= 3][:3]:
            # Ids alone first: that scan reads the narrow index of ids, not the events.
            ids = [
                found
                for (found,) in query(
                    "SELECT id FROM events WHERE instr(id, ?) > 0 LIMIT 500", (word,)
                )
            ]
            rows += query(f"{pick} id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))
        return suggest_ids(list(dict.fromkeys(rows)), text)

    def ids_and_titles(self, prefix: str, limit: int = 500) -> list[tuple[str, str]]:
        """Events whose id starts with `prefix` in any case, for shell completion."""
        folded = prefix.casefold()
        rows = self._connection.execute(
            f"SELECT id, {_TITLE} FROM events WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
            (folded, folded + "\U0010ffff", limit),  # the range of ids that start with it
        )
        return [(event_id, title) for event_id, title in rows]

    def selection(self, events: list[Event], *, with_related: bool = False) -> Selection:
        """What `query.selection_of` gives for these events of the indexed log."""
        cited = list(dict.fromkeys(source for event in events for source in event.sources))
        rows = self._connection.execute(
            "SELECT id, record FROM sources WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(cited),),
        )
        found = dict(rows)
        return Selection(
            title=self._meta["title"],
            description=self._meta["description"],
            events=tuple(events),
            actors=Actors(self.actors.closure(ref.id for event in events for ref in event.actors)),
            sources={s: decode_source(found[s]) for s in cited if s in found},
            related=self._related(events) if with_related else None,
            vocabulary=self.vocabulary,
            eras=self.eras,
        )

    def _related(self, events: list[Event]) -> dict[str, tuple[Related, ...]]:
        """What `query.selection_of` gives: relations declared, then those pointing at each."""
        declared_ids = sorted({rel.id for event in events for rel in event.related})
        declared = {
            found.id: found
            for found in (
                decode_event(record)
                for (record,) in self._connection.execute(
                    "SELECT record FROM events WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(declared_ids),),
                )
            )
        }
        incoming: dict[str, list[Related]] = {}
        rows = self._connection.execute(
            "SELECT relations.target, relations.rel, events.record FROM relations"
            " JOIN events ON events.position = relations.position"
            " WHERE relations.target IN (SELECT value FROM json_each(?))"
            " ORDER BY relations.position, relations.ordinal",
            (json.dumps(sorted({event.id for event in events})),),
        )
        for target, rel, record in rows:
            incoming.setdefault(target, []).append(
                Related(INVERSE_RELATION[rel], decode_event(record), outgoing=False)
            )
        return {
            event.id: (
                *(
                    Related(rel.rel, declared[rel.id], outgoing=True)
                    for rel in event.related
                    if rel.id in declared
                ),
                *incoming.get(event.id, ()),
            )
            for event in events
        }


def _conditions(matcher: Matcher) -> tuple[str, list[Any]]:
    clauses: list[str] = ["1"]
    parameters: list[Any] = []

    def among(values: Iterable[str]) -> str:
        parameters.append(json.dumps(sorted(values)))
        return "(SELECT value FROM json_each(?))"

    if matcher.types:
        clauses.append(f"type IN {among(matcher.types)}")
    if matcher.tags:
        clauses.append(
            f"position IN (SELECT position FROM event_tags WHERE tag IN {among(matcher.tags)})"
        )
    if matcher.start is not None:
        clauses.append("latest >= ?")
        parameters.append(matcher.start)
    if matcher.stop is not None:
        clauses.append("earliest <= ?")
        parameters.append(matcher.stop)
    for wanted in matcher.actor_sets:
        clauses.append(
            f"position IN (SELECT position FROM event_actors WHERE actor IN {among(wanted)})"
        )
    for term in matcher.terms:
        clauses.append("instr(haystack, ?) > 0")
        parameters.append(term)
    return " AND ".join(clauses), parameters


def open_index(log_path: Path, status: os.stat_result) -> Index | None:
    """The index of the log at `log_path` if it matches the file as it is now, else None."""
    target = index_file(log_path) if worth_indexing(status) else None
    if target is None:
        return None
    import sqlite3
    import urllib.parse

    try:
        uri = "file:" + urllib.parse.quote(str(target.absolute())) + "?mode=rw"
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return None
    try:
        connection.row_factory = sqlite3.Row
        meta = connection.execute("SELECT * FROM meta").fetchone()
        if meta is None or not _matches(meta, status, log_path, connection):
            connection.close()
            return None
        connection.row_factory = None
        return Index(connection, meta)
    except _damaged():
        connection.close()
        return None


def _matches(
    meta: sqlite3.Row, status: os.stat_result, log_path: Path, connection: sqlite3.Connection
) -> bool:
    identity = (meta["device"], meta["inode"], meta["size"], meta["mtime_ns"], meta["ctime_ns"])
    if (meta["format"], meta["program"]) != (FORMAT, _program()):
        return False
    if identity != file_identity(status):
        return False
    if not _racy(status, meta["indexed_ns"]):
        return True
    # Written just before it was indexed: only the bytes can tell.
    try:
        digest = _digest(log_path.read_bytes())
    except OSError:
        return False
    if digest != meta["digest"]:
        return False
    checked_ns = time.time_ns()
    if not _racy(status, checked_ns):
        with contextlib.suppress(OSError, *_damaged()), connection:
            connection.execute("UPDATE meta SET indexed_ns = ?", (checked_ns,))
    return True


def write_index(
    log_path: Path, status: os.stat_result, log: Log, digest: str | None, started_ns: int
) -> None:
    """File `log` (validated, read with `status` from `started_ns`) as the log's index.

    `digest` is that of the bytes read, needed when the file was written just before (`_racy`).

    Written whole to a temporary file and renamed into place; any failure leaves no index.
    """
    target = index_file(log_path) if worth_indexing(status) else None
    if target is None or (digest is None and _racy(status, started_ns)):
        return  # (a log written just before it was read can be indexed only with its digest)
    import sqlite3

    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _builder_lock(target) as alone:
            if not alone:
                return  # another process is indexing this log right now
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            connection = sqlite3.connect(temporary)
            try:
                _fill(connection, status, log, digest, started_ns)
            finally:
                connection.close()
            temporary.chmod(0o600)  # it holds the log's text, which may be private
            with temporary.open("rb") as stream:
                os.fsync(stream.fileno())
            temporary.replace(target)
    except (OSError, sqlite3.Error):
        pass  # no index this time; the log itself answers
    finally:  # also when interrupted (SIGTERM raises SystemExit)
        with contextlib.suppress(OSError):
            temporary.unlink()


@contextlib.contextmanager
def _builder_lock(target: Path) -> Iterator[bool]:
    with target.with_name(f".{target.name}.lock").open("a") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def is_being_built(log_path: Path) -> bool:
    """Whether a process is building the index of the log at `log_path` at this moment."""
    target = index_file(log_path)
    if target is None:
        return False
    try:
        with _builder_lock(target) as alone:
            return not alone
    except OSError:
        return False


def _fill(
    connection: sqlite3.Connection,
    status: os.stat_result,
    log: Log,
    digest: str | None,
    started_ns: int,
) -> None:
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.executescript(_TABLES)
    names = actor_names(log.registry)
    tags = sorted({tag for event in log.events for tag in event.tags})
    with connection:
        connection.execute(
            "INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                FORMAT,
                _program(),
                *file_identity(status),
                started_ns,
                digest,
                log.title,
                log.description,
                log.schema_url,
                json.dumps(tags),
                json.dumps(None if log.types is None else [list(t) for t in log.types]),
                _dumps([encode_era(era) for era in log.eras]),
            ),
        )
        connection.executemany(
            "INSERT INTO actors VALUES (?, ?)",
            ((position, encode_actor(actor)) for position, actor in enumerate(log.actors)),
        )
        connection.executemany(
            "INSERT INTO sources VALUES (?, ?)",
            ((source.id, encode_source(source)) for source in log.sources),
        )
        connection.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    position,
                    event.id,
                    event.type,
                    event.earliest,
                    event.latest,
                    event.title.casefold(),
                    searchable_text(event, names),
                    encode_event(event),
                )
                for position, event in enumerate(log.events)
            ),
        )
        connection.executemany(
            "INSERT INTO event_actors VALUES (?, ?)",
            _pairs((ref.id for ref in event.actors) for event in log.events),
        )
        connection.executemany(
            "INSERT INTO event_tags VALUES (?, ?)", _pairs(event.tags for event in log.events)
        )
        connection.executemany(
            "INSERT INTO relations VALUES (?, ?, ?, ?)",
            (
                (relation.id, position, ordinal, relation.rel)
                for position, event in enumerate(log.events)
                for ordinal, relation in enumerate(event.related)
            ),
        )
    connection.executescript(_INDEXES)


def _racy(status: os.stat_result, read_ns: int) -> bool:
    """Whether the file was written so shortly before `read_ns` that a second write could share
    its timestamps."""
    return read_ns - status.st_ctime_ns < RACY_NS


def _pairs(values_per_event: Iterable[Iterable[str]]) -> Iterator[tuple[str, int]]:
    for position, values in enumerate(values_per_event):
        for value in dict.fromkeys(values):
            yield value, position


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.blake2b(data, digest_size=32).hexdigest()


def _program() -> str:
    from timeline.version import VERSION

    return VERSION


# Records are JSON arrays in field order: quick to decode, and nothing in them can run code.


def encode_event(event: Event) -> str:
    return _dumps(
        [
            event.id,
            event.title,
            event.date.text,
            event.type,
            [[ref.id, ref.role] for ref in event.actors],
            event.summary,
            event.end.text if event.end else None,
            event.approximate,
            list(event.location) if event.location else None,
            event.assessment,
            event.status,
            event.tags,
            event.sources,
            [[rel.id, rel.rel] for rel in event.related],
            event.note,
            event.window,
            None if event.media is None else list(event.media),
        ]
    )


def decode_event(record: str) -> Event:
    (
        event_id,
        title,
        date,
        event_type,
        actors,
        summary,
        end,
        approximate,
        location,
        assessment,
        status,
        tags,
        sources,
        related,
        note,
        window,
        media,
    ) = json.loads(record)
    parse = PartialDate.parse
    return Event(
        event_id,
        title,
        parse(date),
        event_type,
        tuple([ActorRef(actor, role) for actor, role in actors]),
        summary,
        None if end is None else parse(end),
        approximate,
        None if location is None else Location(*location),
        assessment,
        status,
        tuple(tags),
        tuple(sources),
        tuple([Relation(other, rel) for other, rel in related]),
        note,
        window,
        None if media is None else Media(*media),
    )


def encode_actor(actor: Actor) -> str:
    return _dumps(list(actor))


def decode_actor(record: str) -> Actor:
    actor_id, name, kind, aliases, member_of = json.loads(record)
    return Actor(actor_id, name, kind, tuple(aliases), tuple(member_of))


def encode_source(source: Source) -> str:
    published = source.published.text if source.published else None
    return _dumps([*source[:4], published, *source[5:]])


def decode_source(record: str) -> Source:
    source_id, publisher, title, url, published, *rest = json.loads(record)
    return Source(
        source_id,
        publisher,
        title,
        url,
        None if published is None else PartialDate.parse(published),
        *rest,
    )


def encode_era(era: Era) -> list[str | None]:
    return [era.id, era.title, era.date.text, era.end.text, era.note]


def decode_era(record: list[str]) -> Era:
    era_id, title, date, end, note = record
    return Era(era_id, title, PartialDate.parse(date), PartialDate.parse(end), note)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
