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
import hashlib
import json
import os
import sqlite3
import stat
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from timeline.dates import PartialDate
from timeline.model import Actor, ActorRef, Event, Location, Log, Relation, Source
from timeline.query import (
    Filters,
    Matcher,
    SortKey,
    actor_names,
    compile_filters,
    searchable_text,
    select,
)
from timeline.store import file_identity, parse_log, read_log_file

# Bump when the tables or the encoding change; the package version covers changed rules.
FORMAT = 1
# Below this size, parsing the log is about as quick as opening an index.
MIN_BYTES = 1 << 20
# How close to a file's last write its timestamps may not yet tell two writes apart.
RACY_NS = 2_000_000_000
CACHE_ENV = "TIMELINE_CACHE_DIR"
SWITCH_ENV = "TIMELINE_INDEX"

_TABLES = """
CREATE TABLE meta (
    format INTEGER, program TEXT, device INTEGER, inode INTEGER, size INTEGER,
    mtime_ns INTEGER, ctime_ns INTEGER, indexed_ns INTEGER, digest TEXT,
    title TEXT, description TEXT, schema_url TEXT, tags TEXT
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
"""
_INDEXES = """
CREATE UNIQUE INDEX events_by_id ON events (id);
CREATE INDEX events_by_date ON events (earliest, latest);
CREATE INDEX events_by_actor ON event_actors (actor, position);
CREATE INDEX events_by_tag ON event_tags (tag, position);
"""
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
    defer_indexing: bool = False,
) -> tuple[Log, list[Event]]:
    """`query.select` over the log at `log_path`, and the log as the renderers need it.

    A large log is answered from its index when the index matches the file, and indexed after a
    full load when not: at once, or with `defer_indexing` by `build_deferred_indexes`. The log
    returned from an index holds only what the renderers look up: every actor, the sources the
    chosen events cite, and those events.
    """
    with contextlib.suppress(OSError):
        status = log_path.stat()
        if stat.S_ISREG(status.st_mode):
            index = open_index(log_path, status)
            if index is not None:
                try:
                    events = index.select(filters, sort=sort, reverse=reverse, limit=limit)
                    return index.view(events), events
                except (sqlite3.Error, ValueError, TypeError):
                    pass  # a damaged index: load the log itself
                finally:
                    index.close()
    started_ns = time.time_ns()
    data, status_read = read_log_file(log_path)
    log = parse_log(data, str(log_path))
    if status_read is not None and stat.S_ISREG(status_read.st_mode):
        build = functools.partial(write_index, log_path, status_read, log, data, started_ns)
        if defer_indexing:
            _deferred.append(build)
        else:
            build()
    return log, select(log, filters, sort=sort, reverse=reverse, limit=limit)


_deferred: list[Callable[[], None]] = []


def build_deferred_indexes() -> None:
    """Build the indexes `select_from_file` put off, in a detached child process.

    Called once a command's output is complete, so that the first query of a large log costs no
    more than loading it; the index is ready for the next one (like Git's detached auto-gc).
    """
    if not _deferred:
        return
    jobs = list(_deferred)
    _deferred.clear()
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
    configured = os.environ.get(CACHE_ENV, "")
    if configured:
        folder = Path(configured)
    else:
        base = os.environ.get("XDG_CACHE_HOME", "")
        try:
            folder = (Path(base) if base else Path.home() / ".cache") / "timeline"
        except RuntimeError:  # no home folder to be found
            return None
    name = hashlib.sha256(os.fsencode(os.path.realpath(log_path))).hexdigest()[:32]
    return folder / f"index-{name}.sqlite"


def worth_indexing(status: os.stat_result) -> bool:
    return status.st_size >= MIN_BYTES


class Index:
    """An open index that matches its log file: query it like `query.select` over the log."""

    def __init__(self, connection: sqlite3.Connection, meta: sqlite3.Row) -> None:
        self._connection = connection
        self._meta = meta
        self.actors = tuple(
            decode_actor(record)
            for (record,) in connection.execute("SELECT record FROM actors ORDER BY position")
        )
        self._header = Log(
            title=meta["title"],
            description=meta["description"],
            actors=self.actors,
            schema_url=meta["schema_url"],
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
        matcher = compile_filters(self._header, filters, set(json.loads(self._meta["tags"])))
        where, parameters = _conditions(matcher)
        direction = " DESC" if reverse else ""
        order = ", ".join(column + direction for column in _ORDER[sort])
        sql = f"SELECT record FROM events WHERE {where} ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT ?"
            parameters.append(limit)
        return [decode_event(record) for (record,) in self._connection.execute(sql, parameters)]

    def view(self, events: list[Event]) -> Log:
        """A log of these events with every actor and the sources they cite, for the renderers."""
        cited = sorted({source for event in events for source in event.sources})
        rows = self._connection.execute(
            "SELECT record FROM sources WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json.dumps(cited),),
        )
        return Log(
            title=self._header.title,
            description=self._header.description,
            actors=self.actors,
            sources=tuple(decode_source(record) for (record,) in rows),
            events=tuple(events),
            schema_url=self._header.schema_url,
        )


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
        parameters.append(matcher.start.toordinal())
    if matcher.stop is not None:
        clauses.append("earliest <= ?")
        parameters.append(matcher.stop.toordinal())
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
    target = index_file(log_path)
    if target is None or not worth_indexing(status):
        return None
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
    except (sqlite3.Error, ValueError, KeyError, TypeError):
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
    if meta["indexed_ns"] - status.st_ctime_ns >= RACY_NS:
        return True
    # Written just before it was indexed: only the bytes can tell.
    try:
        digest = _digest(log_path.read_bytes())
    except OSError:
        return False
    if digest != meta["digest"]:
        return False
    checked_ns = time.time_ns()
    if checked_ns - status.st_ctime_ns >= RACY_NS:
        with contextlib.suppress(sqlite3.Error), connection:
            connection.execute("UPDATE meta SET indexed_ns = ?", (checked_ns,))
    return True


def write_index(
    log_path: Path, status: os.stat_result, log: Log, data: bytes, started_ns: int
) -> None:
    """File `log` (validated, read as `data` with `status`, from `started_ns`) as the log's index.

    Written whole to a temporary file and renamed into place; any failure leaves no index.
    """
    target = index_file(log_path)
    if target is None or not worth_indexing(status):
        return
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
                _fill(connection, status, log, data, started_ns)
            finally:
                connection.close()
            with temporary.open("rb") as stream:
                os.fsync(stream.fileno())
            temporary.replace(target)
    except (OSError, sqlite3.Error):
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
    connection: sqlite3.Connection, status: os.stat_result, log: Log, data: bytes, started_ns: int
) -> None:
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.executescript(_TABLES)
    names = actor_names(log)
    racy = started_ns - status.st_ctime_ns < RACY_NS
    tags = sorted({tag for event in log.events for tag in event.tags})
    with connection:
        connection.execute(
            "INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                FORMAT,
                _program(),
                *file_identity(status),
                started_ns,
                _digest(data) if racy else None,
                log.title,
                log.description,
                log.schema_url,
                json.dumps(tags),
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
                    event.earliest.toordinal(),
                    event.latest.toordinal(),
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
    connection.executescript(_INDEXES)


def _pairs(values_per_event: Iterable[Iterable[str]]) -> Iterator[tuple[str, int]]:
    for position, values in enumerate(values_per_event):
        for value in dict.fromkeys(values):
            yield value, position


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=32).hexdigest()


def _program() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("timeline")
    except PackageNotFoundError:
        return "unknown"


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
        ]
    )


def decode_event(record: str) -> Event:
    (
        event_id,
        title,
        date,
        kind,
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
    ) = json.loads(record)
    parse = PartialDate.parse
    return Event(
        event_id,
        title,
        parse(date),
        kind,
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
    )


def encode_actor(actor: Actor) -> str:
    return _dumps(list(actor))


def decode_actor(record: str) -> Actor:
    actor_id, name, kind, aliases, member_of = json.loads(record)
    return Actor(actor_id, name, kind, tuple(aliases), tuple(member_of))


def encode_source(source: Source) -> str:
    published = source.published.text if source.published else None
    return _dumps([*source[:4], published, source.note])


def decode_source(record: str) -> Source:
    source_id, publisher, title, url, published, note = json.loads(record)
    return Source(
        source_id,
        publisher,
        title,
        url,
        None if published is None else PartialDate.parse(published),
        note,
    )


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
