"""A derived index of a large log, so that a repeated query neither parses nor checks it again.

The index holds narrow tables over the log's events, in date order: where each event's JSON
lies in the log file, its first and last second, its place in title and id order, which events
each actor, type and tag has, which events point at each event, and where each source lies. A
query picks its events from these tables and reads just those events' bytes from the log
itself (`bulkload.Reader`), so the index stays a fraction of the log's size.

It is filed under the log file's identity (device, inode, size, modification and change times).
Any write to a file moves its change time, which no user can set back, so a changed log never
matches its old index; the log is opened once per query and checked again after it was read. A
log written so shortly before it was indexed that a second write could share its timestamps is
checked by a digest of its bytes instead, until that window has passed (the "racily clean" case
of Git's index).

The index is optional: when it cannot be read or written, commands load the log as usual.
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import fcntl
import functools
import operator
import os
import re
import stat
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from timeline.actors import Actors
from timeline.cache import cache_folder, key
from timeline.dates import PartialDate
from timeline.errors import LogError, LookupFailed
from timeline.model import (
    DEFAULT_TYPES,
    INVERSE_RELATION,
    RELATION_TYPES,
    Actor,
    Era,
    Event,
    EventType,
    Log,
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
    choose_while_reading,
    compile_filters,
    did_you_mean,
    find_event,
    matches_words,
    select,
    selection_of,
    suggest_ids,
)
from timeline.store import decode_text, file_identity, parse_log, parse_log_text, read_log_file

if TYPE_CHECKING:
    from timeline.bulkload import Reader, Survey
    from timeline.tables import Table, TableFile, Texts

T = TypeVar("T")

# Bump when the tables or their meaning change; the package version covers changed rules.
FORMAT = 3
# Below this size, parsing the log is about as quick as opening an index.
MIN_BYTES = 1 << 20
# How close to a file's last write its timestamps may not yet tell two writes apart.
RACY_NS = 2_000_000_000
SWITCH_ENV = "TIMELINE_INDEX"
SUFFIX = ".index"


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

    A large log is answered from its index when the index matches the file. When not, its first
    query reads it in one pass that keeps only the chosen events, and the log is indexed
    afterwards: at once, or with `defer_indexing` by `build_deferred_indexes`.
    """
    with _fresh_index(log_path) as index:
        if index is not None:
            with contextlib.suppress(*_damaged()):
                events = index.select(filters, sort=sort, reverse=reverse, limit=limit)
                return index.selection(events, with_related=with_related)
    data, worth = _read(log_path, defer_indexing)
    if worth and not with_related:
        chosen = choose_while_reading(data, filters, sort=sort, reverse=reverse, limit=limit)
        if chosen is not None:
            log, events = chosen
            return selection_of(log, events)
    log = _parse(data, log_path)
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
    log = load_from_file(log_path, defer_indexing=defer_indexing)
    event = find_event(log, event_id)
    return selection_of(log, [event], with_related=True), event


def load_from_file(log_path: Path, *, defer_indexing: bool = False) -> Log:
    """The whole log at `log_path`, parsed and checked; indexed afterwards if it is large."""
    data, _ = _read(log_path, defer_indexing)
    return _parse(data, log_path)


def csv_lines_from_index(
    log_path: Path,
    filters: Filters,
    *,
    sort: SortKey = "date",
    reverse: bool = False,
    limit: int | None = None,
) -> list[bytes] | None:
    """`Index.csv_lines` if the log at `log_path` has a matching index; else None."""
    with _fresh_index(log_path) as index:
        if index is not None:
            with contextlib.suppress(*_damaged()):
                return index.csv_lines(filters, sort=sort, reverse=reverse, limit=limit)
    return None


def answer(
    log_path: Path,
    from_index: Callable[[Index], T],
    from_log: Callable[[Log], T],
    *,
    defer_indexing: bool = False,
) -> T:
    """What `from_index` finds in the log's index if it has a matching one, else what `from_log`
    finds in the whole log (indexed afterwards, if it is large)."""
    with _fresh_index(log_path) as index:
        if index is not None:
            with contextlib.suppress(*_damaged()):
                found = from_index(index)
                index.check()
                return found
    return from_log(load_from_file(log_path, defer_indexing=defer_indexing))


def completions_from_index(log_path: Path, prefix: str) -> list[tuple[str, str]] | None:
    """Ids starting with `prefix` and their titles, if the log has a matching index; else None."""
    with _fresh_index(log_path) as index:
        if index is not None:
            with contextlib.suppress(*_damaged()):
                return index.ids_and_titles(prefix)
    return None


class Stale(Exception):
    """The log changed while its index was being used: the log itself must answer."""


# What a damaged or stale index can raise while it is read (never a lookup's `LookupFailed`).
def _damaged() -> tuple[type[Exception], ...]:
    from timeline.fastload import Unsure

    return (Stale, Unsure, OSError, ValueError, TypeError, KeyError, IndexError)


@contextlib.contextmanager
def _fresh_index(log_path: Path) -> Iterator[Index | None]:
    index = open_index(log_path)
    try:
        yield index
    finally:
        if index is not None:
            index.close()


def _read(log_path: Path, defer_indexing: bool) -> tuple[bytes, bool]:
    """The log's bytes, and whether it is a file worth indexing; if it is, its index is built
    (now, or once the command is done with `defer_indexing`)."""
    data, status = read_log_file(log_path)
    worth = status is not None and stat.S_ISREG(status.st_mode) and worth_indexing(status)
    if worth and index_file(log_path) is not None:
        build = functools.partial(index_from_file, log_path)
        if defer_indexing:
            _deferred.append(build)
        else:
            build()
    return data, worth


def _parse(data: bytes, log_path: Path) -> Log:
    if len(data) >= MIN_BYTES:
        return parse_log(data, str(log_path))
    return parse_log_text(decode_text(data, str(log_path)), str(log_path))


_deferred: list[Callable[[], None]] = []


def build_deferred_indexes(*, detach: bool = True) -> None:
    """Build the indexes `select_from_file` put off, in a detached child process (or here).

    Called once a command's output is complete, so that the first query of a large log costs no
    more than loading it; the index is ready for the next one (like Git's detached auto-gc). The
    child runs at the lowest priority, so that the user's next command does not feel it.
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
        with contextlib.suppress(OSError):
            os.nice(19)
        from timeline import progress

        progress.install(None)  # no terminal to show it on
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
    return None if folder is None else folder / f"index-{key(log_path)}{SUFFIX}"


def worth_indexing(status: os.stat_result) -> bool:
    return status.st_size >= MIN_BYTES


class Index:
    """An open index and the log file it matches: query it like `query.select` over the log."""

    def __init__(self, tables: TableFile, log_descriptor: int) -> None:
        from timeline.bulkload import Reader

        header = tables.header
        self._tables = tables
        self._log = log_descriptor
        self._identity = tuple(header["identity"])
        self.actors = Actors(decode_actor(record) for record in header["actors"])
        types = header["types"]
        self.declared_types = None if types is None else tuple(EventType(*t) for t in types)
        self.eras = tuple(decode_era(era) for era in header["eras"])
        self.vocabulary = Vocabulary(
            DEFAULT_TYPES if self.declared_types is None else self.declared_types
        )
        self.catalogue = Catalogue(self.actors, self.vocabulary, self.eras, set(header["tags"]))
        self.title: str = header["title"]
        self.description: str | None = header["description"]
        self.count: int = header["count"]
        self._registries = Log(
            self.title,
            self.description,
            tuple(self.actors),
            schema_url=header["schema_url"],
            types=self.declared_types,
            eras=self.eras,
        )
        self._reader: Reader = Reader(self._registries)
        self._postings: dict[str, dict[str, list[int]]] = header["postings"]
        self._offset = tables.numbers("offset")
        self._length = tables.numbers("length")
        self._earliest = tables.numbers("earliest")
        self._latest = tables.numbers("latest")
        self._position = tables.numbers("position")
        self._events: dict[int, Event] = {}  # by rank (place in date order)

    def close(self) -> None:
        self._tables.close()
        with contextlib.suppress(OSError):
            os.close(self._log)

    def select(
        self,
        filters: Filters,
        *,
        sort: SortKey = "date",
        reverse: bool = False,
        limit: int | None = None,
    ) -> list[Event]:
        """What `query.select(log, ...)` chooses from the indexed log."""
        chosen = self._event_list(self._ranks(filters, sort, reverse, limit))
        self._still_the_same()
        return chosen

    def csv_lines(
        self,
        filters: Filters,
        *,
        sort: SortKey = "date",
        reverse: bool = False,
        limit: int | None = None,
    ) -> list[bytes]:
        """The ready-made lines `render.delimited.event_line` gives for the events `select`
        chooses, without reading them: the CSV export of a file or pipe."""
        position = self._position
        chosen = [position[rank] for rank in self._ranks(filters, sort, reverse, limit)]
        self._still_the_same()
        return self._tables.pieces("rows", self._tables.numbers("row_offset"), chosen)

    def _ranks(
        self, filters: Filters, sort: SortKey, reverse: bool, limit: int | None
    ) -> Sequence[int]:
        matcher = compile_filters(self.catalogue, filters)
        ranks = self._candidates(matcher)
        if matcher.terms:
            ranks = self._saying(ranks, matcher)
        if sort != "date":
            places = self._tables.numbers("title_place" if sort == "title" else "id_place")
            ranks = sorted(ranks, key=places.__getitem__)
        if reverse:
            ranks = ranks[::-1]
        return ranks if limit is None else ranks[:limit]

    def _candidates(self, matcher: Matcher) -> Sequence[int]:
        """The ranks of the events matching every filter but --search, in date order."""
        groups = [self._having("actors", wanted) for wanted in matcher.actor_sets]
        if matcher.types:
            groups.append(self._having("types", matcher.types))
        if matcher.tags:
            groups.append(self._having("tags", matcher.tags))
        start, stop = matcher.start, matcher.stop
        earliest, latest = self._earliest, self._latest
        ranks: Sequence[int]
        if groups:
            groups.sort(key=len)
            ranks = groups[0]
            for other in groups[1:]:
                among = set(other)
                ranks = [rank for rank in ranks if rank in among]
            if stop is not None:
                ranks = [rank for rank in ranks if earliest[rank] <= stop]
        else:  # date order: the events that start by `stop` come first
            ranks = range(self.count if stop is None else bisect.bisect_right(earliest, stop))
        if start is not None:
            ranks = [rank for rank in ranks if latest[rank] >= start]
        return ranks

    def _having(self, kind: str, keys: Iterable[str]) -> list[int]:
        """The ranks of the events with any of `keys` (actor ids, types or tags), in order."""
        directory = self._postings[kind]
        postings = self._tables.numbers("postings")
        runs = [postings[slice(*directory[key])] for key in keys if key in directory]
        if len(runs) == 1:
            return runs[0].tolist()
        return sorted(set().union(*runs))

    def _saying(self, ranks: Sequence[int], matcher: Matcher) -> list[int]:
        """The ranks among `ranks` whose event has every search term (`query.matches_words`).

        An event's JSON, folded, holds each of its texts folded unless it has an escape; so an
        event whose JSON lacks a term, has no escape and has no actor whose names hold the term
        is passed over without being read into a record."""
        names = actor_names(self.actors)
        by_term = {
            term: frozenset(a for a, said in names.items() if term in said.casefold())
            for term in matcher.terms
        }
        kept: list[int] = []
        for rank in ranks:
            data = self._bytes(rank)
            if b"\\" not in data:
                text = str(data, "utf-8").casefold()
                event_actors: set[str] | None = None
                possible = True
                for term, actors in by_term.items():
                    if term in text:
                        continue
                    if event_actors is None:
                        event_actors = set(self._event(rank).actor_ids)
                    if event_actors.isdisjoint(actors):
                        possible = False
                        break
                if not possible:
                    continue
            if matches_words(self._event(rank), matcher, names):
                kept.append(rank)
        return kept

    def find(self, event_id: str) -> Event:
        """What `query.find_event` gives: the event with this id (any case), else `LookupFailed`."""
        ids = self._ids()
        for wanted in dict.fromkeys([event_id, event_id.strip().casefold()]):
            place = ids.find(wanted)
            if place is not None:
                event = self._event(self._tables.numbers("id_rank")[place])
                self._still_the_same()
                return event
        raise LookupFailed(f"no event with id {event_id!r}{did_you_mean(self._suggest(event_id))}")

    def _suggest(self, text: str) -> list[str]:
        """Close ids and titles, looked for among a few thousand likely events rather than all:
        the ids next to `text` in sorted order (a slip near the end), ids that share its start,
        and ids containing one of its words; in the log's order, as `suggest_events` sees them."""
        folded = text.strip().casefold()
        ids = self._ids()
        at = bisect.bisect_left(ids, folded)
        places = [*range(max(0, at - 100), min(len(ids), at + 100))]
        for length in range(len(folded), 2, -1):  # the longest start some ids share with it
            sharing = ids.span(folded[:length], folded[:length] + "\U0010ffff")
            if sharing:
                places += sharing[:300]
                break
        for word in [word for word in re.split(r"[\W_]+", folded) if len(word) >= 3][:3]:
            places += ids.containing(word, 200)
        id_rank = self._tables.numbers("id_rank")
        in_file_order = sorted(set(places), key=lambda place: self._position[id_rank[place]])
        title = self._reader.title
        candidates = [(ids[place], title(self._bytes(id_rank[place]))) for place in in_file_order]
        self._still_the_same()
        return suggest_ids(candidates, text)

    def ids_and_titles(self, prefix: str, limit: int = 500) -> list[tuple[str, str]]:
        """Events whose id starts with `prefix` in any case, for shell completion."""
        folded = prefix.casefold()
        ids = self._ids()
        id_rank = self._tables.numbers("id_rank")
        found = [
            (ids[place], self._reader.title(self._bytes(id_rank[place])))
            for place in ids.span(folded, folded + "\U0010ffff")[:limit]
        ]
        self._still_the_same()
        return found

    def selection(self, events: list[Event], *, with_related: bool = False) -> Selection:
        """What `query.selection_of` gives for these events of the indexed log."""
        cited = dict.fromkeys(source for event in events for source in event.sources)
        selection = Selection(
            title=self.title,
            description=self.description,
            events=tuple(events),
            actors=Actors(self.actors.closure(ref.id for event in events for ref in event.actors)),
            sources=self._sources(cited),
            related=self._related(events) if with_related else None,
            vocabulary=self.vocabulary,
            eras=self.eras,
        )
        self._still_the_same()
        return selection

    def related_to(self, event: Event) -> tuple[Related, ...]:
        """The event's relations in both directions, as `query.relations_of` gives them."""
        return self._related([event])[event.id]

    def actor_count(self, actor_id: str) -> int:
        """How many events count for the actor (as `list --actor` finds them)."""
        return len(self._having("actors", self.actors.members(actor_id)))

    def era_count(self, era: Era) -> int:
        """How many events overlap the era (as `list --era` finds them)."""
        return len(self._candidates(Matcher([], start=era.earliest, stop=era.latest)))

    def check(self) -> None:
        """`Stale` if the log was written to since the index was opened."""
        self._still_the_same()

    def _sources(self, wanted: Iterable[str]) -> dict[str, Source]:
        ids = self._tables.texts("source_ids")
        offsets = self._tables.numbers("source_offset")
        lengths = self._tables.numbers("source_length")
        found: dict[str, Source] = {}
        for source_id in wanted:
            place = ids.find(source_id)
            if place is not None:
                data = self._pread(lengths[place], offsets[place])
                found[source_id] = self._reader.source(data)
        return found

    def _related(self, events: list[Event]) -> dict[str, tuple[Related, ...]]:
        """What `query.selection_of` gives: relations declared, then those pointing at each."""
        ids = self._ids()
        id_rank = self._tables.numbers("id_rank")
        targets = self._tables.texts("rel_targets")
        declarers = self._tables.numbers("rel_rank")
        kinds = self._tables.numbers("rel_kind")
        related: dict[str, tuple[Related, ...]] = {}
        for event in events:
            found: list[Related] = []
            for relation in event.related:
                place = ids.find(relation.id)
                if place is not None:
                    other = self._event(id_rank[place])
                    found.append(Related(relation.rel, other, outgoing=True))
            for place in targets.span(event.id, event.id + "\0"):
                kind = INVERSE_RELATION[RELATION_TYPES[kinds[place]]]
                found.append(Related(kind, self._event(declarers[place]), outgoing=False))
            related[event.id] = tuple(found)
        return related

    def log(self) -> Log:
        """The whole log, every event read again from the file (in its order) without checking
        the log whole again: the index was made from it whole."""
        in_file_order = self._tables.numbers("in_file_order")
        data = self._pread(self._identity[2], 0)
        offsets, lengths = self._offset, self._length
        event = self._reader.event
        events = tuple(
            event(data[offsets[rank] : offsets[rank] + lengths[rank]]) for rank in in_file_order
        )
        sources = self._tables.numbers("source_offset"), self._tables.numbers("source_length")
        in_order = sorted(range(len(sources[0])), key=sources[0].__getitem__)
        registry = tuple(
            self._reader.source(data[sources[0][place] : sources[0][place] + sources[1][place]])
            for place in in_order
        )
        self._still_the_same()
        return Log(
            self.title,
            self.description,
            tuple(self.actors),
            registry,
            events,
            self._registries.schema_url,
            self.declared_types,
            self.eras,
        )

    def _ids(self) -> Texts:
        return self._tables.texts("ids")

    def _event_list(self, ranks: Iterable[int]) -> list[Event]:
        return [self._event(rank) for rank in ranks]

    def _event(self, rank: int) -> Event:
        found = self._events.get(rank)
        if found is None:
            found = self._events[rank] = self._reader.event(self._bytes(rank))
        return found

    def _bytes(self, rank: int) -> bytes:
        return self._pread(self._length[rank], self._offset[rank])

    def _pread(self, length: int, offset: int) -> bytes:
        data = os.pread(self._log, length, offset)
        if len(data) != length:
            raise Stale
        return data

    def _still_the_same(self) -> None:
        """`Stale` if the log was written to while it was being read."""
        if file_identity(os.fstat(self._log)) != self._identity:
            raise Stale


def open_index(log_path: Path) -> Index | None:
    """The index of the log at `log_path` if it matches the file as it is now, else None."""
    try:
        # A pipe is never indexed, and is not opened here: a FIFO's writer would see its reader
        # come and go before the real read, and a write in between would break its pipe.
        if not stat.S_ISREG(log_path.stat().st_mode):
            return None
        log = os.open(log_path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        status = os.fstat(log)
        # A small log is never indexed: it pays for no cache key (a digest) and no table module.
        target = None
        if stat.S_ISREG(status.st_mode) and worth_indexing(status):
            target = index_file(log_path)
        if target is None:
            os.close(log)
            return None
        from timeline.tables import TableFile

        descriptor = os.open(target, os.O_RDWR)
        try:
            tables = TableFile(descriptor)
            matches = False
            try:
                matches = _matches(tables, descriptor, status, log)
                if matches:
                    with contextlib.suppress(OSError):
                        os.utime(descriptor)  # when it was last used, for `housekeeping.evict`
                    return Index(tables, log)
            finally:
                if not matches:
                    tables.close()
        finally:
            os.close(descriptor)
        os.close(log)
        return None
    except _damaged():
        with contextlib.suppress(OSError):
            os.close(log)
        return None


def _matches(tables: TableFile, descriptor: int, status: os.stat_result, log: int) -> bool:
    from timeline.tables import stamp

    header = tables.header
    if (header.get("format"), header.get("program")) != (FORMAT, _program()):
        return False
    if tuple(header["identity"]) != file_identity(status):
        return False
    if not _racy(status, tables.stamp):
        return True
    # Written just before it was indexed: only the bytes can tell.
    if _digest(os.pread(log, status.st_size, 0)) != header["digest"]:
        return False
    checked_ns = time.time_ns()
    if not _racy(status, checked_ns):
        with contextlib.suppress(OSError):
            stamp(descriptor, checked_ns)
    return True


def describe(target: Path) -> tuple[str | None, str]:
    """The log an index file was built from, and whether it is "ready" (matches its log),
    "stale" (the log changed since), "orphaned" (the log is gone) or "unreadable" (damaged, or
    built by another version)."""
    from timeline.tables import TableFile

    try:
        descriptor = os.open(target, os.O_RDONLY)
        try:
            tables = TableFile(descriptor)
        finally:
            os.close(descriptor)
        tables.close()
        header = tables.header
        if (header.get("format"), header.get("program")) != (FORMAT, _program()):
            return header.get("log"), "unreadable"
        log: str = header["log"]
        identity = tuple(header["identity"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, "unreadable"
    try:
        status = Path(log).stat()
    except FileNotFoundError:
        return log, "orphaned"
    except OSError:
        return log, "stale"
    return log, "ready" if file_identity(status) == identity else "stale"


def index_from_file(log_path: Path) -> None:
    """Read the log at `log_path`, check it whole, and file its index, if it is worth one.

    Every table is written to a temporary file, renamed into place only when complete (so the
    index becomes visible whole, or not at all); any failure leaves no index.
    """
    target = index_file(log_path)
    if target is None:
        return
    started_ns = time.time_ns()
    try:
        data, status = read_log_file(log_path)
    except LogError:  # the next command says what is wrong with it
        return
    if status is None or not stat.S_ISREG(status.st_mode) or not worth_indexing(status):
        return
    import tempfile

    from timeline import housekeeping, tables
    from timeline.bulkload import Rows, survey
    from timeline.render.delimited import event_lines

    # A log written just before it was read can be indexed only with its digest.
    digest = _digest(data) if _racy(status, started_ns) else None
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with (
            _builder_lock(target) as alone,
            tempfile.TemporaryFile(dir=target.parent) as first,
            tempfile.TemporaryFile(dir=target.parent) as second,
        ):
            if not alone:
                return  # another process is indexing this log right now
            surveyed = survey(data, Rows(event_lines, (first, second)))
            del data
            if surveyed is None:
                return  # the log is not valid, or needs the strict reader: it answers itself
            header, columns = _tables(surveyed)
            columns["rows"] = tables.Spliced((first, second))
            header.update(
                format=FORMAT,
                program=_program(),
                identity=list(file_identity(status)),
                digest=digest,
                rows="csv",
                log=os.path.realpath(log_path),
            )
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as stream:  # private: it holds the log's text
                tables.write(stream, header, columns, started_ns)
                stream.flush()
                os.fsync(stream.fileno())
            temporary.replace(target)
            housekeeping.tidy(keep=target)
    except (OSError, OverflowError):
        pass  # no index this time; the log itself answers
    finally:  # also when interrupted (SIGTERM raises SystemExit)
        with contextlib.suppress(OSError):
            temporary.unlink()


def _tables(surveyed: Survey) -> tuple[dict[str, Any], dict[str, Table]]:
    """The header and tables of an index. Events are numbered by rank: their place in date
    order (earliest, latest, place in the file), the order `query.sort_events` gives."""
    from timeline.tables import text_column

    facts = surveyed.events
    count = len(facts)
    in_date_order = sorted(range(count), key=facts.latest.__getitem__)
    in_date_order.sort(key=facts.earliest.__getitem__)  # stable: by earliest, latest, place

    pick = operator.itemgetter(*in_date_order, 0)  # (a tuple, even of one event)

    def ranked(column: Sequence[Any]) -> list[Any]:
        """`column` (one entry per event, in the file's order) in date order."""
        return list(pick(column))[:count] if count else []

    columns: dict[str, Table] = {
        "offset": array("Q", ranked(facts.offsets)),
        "length": array("Q", ranked(facts.lengths)),
        "earliest": array("q", ranked(facts.earliest)),
        "latest": array("q", ranked(facts.latest)),
        "position": array("I", in_date_order),
    }
    columns["in_file_order"] = rank_of = _places(in_date_order)
    title_keys = ranked(facts.title_keys)
    columns["title_place"] = _places(sorted(range(count), key=title_keys.__getitem__))
    ids = ranked(facts.ids)
    by_id = sorted(range(count), key=ids.__getitem__)
    columns["ids"], columns["ids@"] = text_column([ids[rank] for rank in by_id])
    columns["id_rank"] = array("I", by_id)
    columns["id_place"] = _places(by_id)

    postings = array("I")
    directory: dict[str, dict[str, list[int]]] = {}
    for kind, having in (
        ("actors", _postings(ranked(facts.actor_ids))),
        ("types", _postings(ranked(facts.types), single=True)),
        ("tags", _postings(ranked(facts.tags), once=True)),
    ):
        directory[kind] = {}
        for name, ranks in having.items():
            directory[kind][name] = [len(postings), len(postings) + len(ranks)]
            postings.extend(ranks)
    columns["postings"] = postings

    row_offset = array("Q", [0])
    end = 0
    for length in facts.rows:  # rows lie in the file's order
        end += length
        row_offset.append(end)
    columns["row_offset"] = row_offset

    kind_code = {kind: code for code, kind in enumerate(RELATION_TYPES)}
    pointing = sorted(
        (relation.id, at, ordinal, relation.rel)
        for at, relations in enumerate(facts.related)
        if relations
        for ordinal, relation in enumerate(relations)
    )
    columns["rel_targets"], columns["rel_targets@"] = text_column([row[0] for row in pointing])
    columns["rel_rank"] = array("I", [rank_of[row[1]] for row in pointing])
    columns["rel_kind"] = array("B", [kind_code[row[3]] for row in pointing])

    sources = sorted(surveyed.sources)
    columns["source_ids"], columns["source_ids@"] = text_column([row[0] for row in sources])
    columns["source_offset"] = array("Q", [row[1] for row in sources])
    columns["source_length"] = array("Q", [row[2] for row in sources])

    registries = surveyed.registries
    header: dict[str, Any] = {
        "title": registries.title,
        "description": registries.description,
        "schema_url": registries.schema_url,
        "types": None if registries.types is None else [list(t) for t in registries.types],
        "eras": [encode_era(era) for era in registries.eras],
        "actors": [encode_actor(actor) for actor in registries.actors],
        "tags": sorted(surveyed.tags),
        "count": count,
        "postings": directory,
    }
    return header, columns


def _postings(keys: list[Any], *, once: bool = False, single: bool = False) -> dict[str, list[int]]:
    """For each key, the ranks of the events that have it (`keys[rank]`, a tuple of keys, or
    with `single` one key), in order; with `once`, a key an event has twice counts once."""
    having: dict[str, list[int]] = collections.defaultdict(list)
    if single:
        for rank, name in enumerate(keys):
            having[name].append(rank)
        return having
    if not once:
        for rank, names in enumerate(keys):
            for name in names:
                having[name].append(rank)
        return having
    for rank, names in enumerate(keys):
        for name in names:
            found = having[name]
            if not found or found[-1] != rank:
                found.append(rank)
    return having


def _places(order: Sequence[int]) -> array[int]:
    """For each rank, its place in `order` (a list of ranks)."""
    places = array("I", bytes(4 * len(order)))
    for place, rank in enumerate(order):
        places[rank] = place
    return places


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


def _racy(status: os.stat_result, read_ns: int) -> bool:
    """Whether the file was written so shortly before `read_ns` that a second write could share
    its timestamps."""
    return read_ns - status.st_ctime_ns < RACY_NS


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.blake2b(data, digest_size=32).hexdigest()


def _program() -> str:
    from timeline.version import VERSION

    return VERSION


def encode_actor(actor: Actor) -> list[Any]:
    return [actor.id, actor.name, actor.kind, list(actor.aliases), list(actor.member_of)]


def decode_actor(record: list[Any]) -> Actor:
    actor_id, name, kind, aliases, member_of = record
    return Actor(actor_id, name, kind, tuple(aliases), tuple(member_of))


def encode_era(era: Era) -> list[str | None]:
    return [era.id, era.title, era.date.text, era.end.text, era.note]


def decode_era(record: list[str]) -> Era:
    era_id, title, date, end, note = record
    return Era(era_id, title, PartialDate.parse(date), PartialDate.parse(end), note)
