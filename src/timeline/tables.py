"""A file of named tables for the index: columns of integers and sorted columns of text, read
in place through a memory map, so that opening an index costs the same at any size.

Layout: a magic line; the time the file was last checked against its log (8 bytes, rewritten in
place by `stamp`); the length of a JSON header; the header (the caller's fields, and where each
table lies); then the tables, each starting on an 8-byte boundary. The file is written whole to
a temporary name by the caller and renamed into place, so a reader never sees half of one.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import json
import mmap
import os
import shutil
import struct
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, NamedTuple, TypeAlias

MAGIC = b"timeline index\n\0"
_STAMP = struct.Struct("<q")
_LENGTH = struct.Struct("<Q")
_HEADER_AT = len(MAGIC) + _STAMP.size + _LENGTH.size


class Damaged(ValueError):
    """The file is not a table file this version can read."""


class Texts(Sequence[str]):
    """A column of text (sorted, when it is to be searched with `bisect`), as one UTF-8 blob and
    the offset where each item starts (and one for the end)."""

    def __init__(
        self, blob: memoryview, offsets: Sequence[int], find: Callable[[bytes, int], int]
    ) -> None:
        self._blob = blob
        self._offsets = offsets
        # `bytes.find` over the blob, from a place: the mapped file's own, so nothing is copied
        self._find = find

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, place: int) -> str:  # type: ignore[override]
        offsets = self._offsets
        return str(self._blob[offsets[place] : offsets[place + 1]], "utf-8")

    def __iter__(self) -> Iterator[str]:
        return (self[place] for place in range(len(self)))

    def find(self, wanted: str) -> int | None:
        """The place of `wanted` in this sorted column, if it is there."""
        place = bisect.bisect_left(self, wanted)
        return place if place < len(self) and self[place] == wanted else None

    def span(self, low: str, high: str) -> range:
        """The places of the items `low <= item < high` in this sorted column."""
        return range(bisect.bisect_left(self, low), bisect.bisect_left(self, high))

    def containing(self, part: str, limit: int) -> list[int]:
        """Places of the first `limit` items that contain `part`, found by searching the blob
        rather than reading every item."""
        if limit <= 0 or not part:
            return []
        needle = part.encode()
        find = self._find
        offsets = self._offsets
        found: list[int] = []
        at = find(needle, 0)
        while at >= 0 and len(found) < limit:
            place = bisect.bisect_right(offsets, at) - 1
            if at + len(needle) <= offsets[place + 1]:  # not across the end of the item
                found.append(place)
                at = find(needle, offsets[place + 1])
            else:
                at = find(needle, at + 1)
        return found


def text_column(items: Iterable[str]) -> tuple[bytes, array[int]]:
    """The blob and offsets of a `Texts` column holding `items`, in their order."""
    listed = list(items)
    joined = "".join(listed)
    if joined.isascii():  # (ids usually are: a character is a byte)
        return joined.encode(), array("Q", [0, *itertools.accumulate(map(len, listed))])
    offsets = array("Q", [0])
    parts: list[bytes] = []
    end = 0
    for item in listed:
        encoded = item.encode()
        parts.append(encoded)
        end += len(encoded)
        offsets.append(end)
    return b"".join(parts), offsets


class Spliced(NamedTuple):
    """A table of bytes already written to files, one after the other (each read from its start)."""

    files: tuple[IO[bytes], ...]

    def size(self) -> int:
        return sum(os.fstat(file.fileno()).st_size for file in self.files)


Table: TypeAlias = "bytes | array[int] | Spliced"


def write(stream: IO[bytes], header: dict[str, Any], tables: dict[str, Table], stamp: int) -> None:
    """Write `header` (JSON-able) and `tables` to `stream`, checked-at time `stamp`."""
    places: dict[str, list[Any]] = {}
    at = 0
    for name, table in tables.items():
        if isinstance(table, Spliced):
            size, typecode = table.size(), "B"
        elif isinstance(table, array):
            size, typecode = len(table) * table.itemsize, table.typecode
        else:
            size, typecode = len(table), "B"
        places[name] = [at, size, typecode]
        at += _padded(size)
    encoded = json.dumps({**header, "tables": places}, ensure_ascii=False).encode()
    stream.write(MAGIC + _STAMP.pack(stamp) + _LENGTH.pack(len(encoded)) + encoded)
    stream.write(b"\0" * (_padded(_HEADER_AT + len(encoded)) - _HEADER_AT - len(encoded)))
    for name, table in tables.items():
        if isinstance(table, Spliced):
            for file in table.files:
                file.flush()
                file.seek(0)
                shutil.copyfileobj(file, stream, 1 << 20)
        else:
            stream.write(memoryview(table).cast("B"))
        size = places[name][1]
        stream.write(b"\0" * (_padded(size) - size))


def stamp(descriptor: int, when: int) -> None:
    """Record in the open file that it was checked against its log at `when`."""
    os.pwrite(descriptor, _STAMP.pack(when), len(MAGIC))


class TableFile:
    """An open table file: its header, its stamp, and its tables as views of the mapped file."""

    def __init__(self, descriptor: int) -> None:
        self._descriptor = os.dup(descriptor)
        size = os.fstat(descriptor).st_size
        if size < _HEADER_AT:
            raise Damaged("too short")
        self._map = mmap.mmap(descriptor, size, access=mmap.ACCESS_READ)
        if hasattr(mmap, "MADV_RANDOM"):  # a query reads a few rows here and there: no read-ahead
            self._map.madvise(mmap.MADV_RANDOM)
        head = self._map[:_HEADER_AT]
        if head[: len(MAGIC)] != MAGIC:
            raise Damaged("not an index")
        (self.stamp,) = _STAMP.unpack_from(head, len(MAGIC))
        (length,) = _LENGTH.unpack_from(head, len(MAGIC) + _STAMP.size)
        if _HEADER_AT + length > size:
            raise Damaged("header cut short")
        try:
            self.header: dict[str, Any] = json.loads(self._map[_HEADER_AT : _HEADER_AT + length])
            places: dict[str, list[Any]] = self.header["tables"]
        except (ValueError, KeyError, TypeError) as error:
            raise Damaged("unreadable header") from error
        self._start = _padded(_HEADER_AT + length)
        self._places = places
        self._view = memoryview(self._map)
        for start, length_, _ in places.values():
            if self._start + start + length_ > size:
                raise Damaged("a table is cut short")

    def numbers(self, name: str) -> memoryview:
        """A column of integers, indexable like a list."""
        start, size, typecode = self._places[name]
        first = self._start + start
        return self._view[first : first + size].cast(typecode)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._descriptor)

    def pieces(self, name: str, offsets: Sequence[int], places: Iterable[int]) -> list[bytes]:
        """The pieces `offsets[place]:offsets[place + 1]` of the table `name`, read from the
        file rather than the map: a map would count, as memory in use, every page near any
        piece (the kernel maps them in around each one read)."""
        first = self._start + self._places[name][0]
        read = os.pread
        descriptor = self._descriptor
        pieces = []
        for place in places:
            start = offsets[place]
            size = offsets[place + 1] - start
            piece = read(descriptor, size, first + start)
            if len(piece) != size:
                raise Damaged("a table is cut short")
            pieces.append(piece)
        return pieces

    def blob(self, name: str) -> memoryview:
        start, size, _ = self._places[name]
        first = self._start + start
        return self._view[first : first + size]

    def texts(self, name: str) -> Texts:
        """The `Texts` column stored as `name` (its blob) and `name` + "@" (its offsets)."""
        start, size, _ = self._places[name]
        first = self._start + start
        end = first + size
        search = self._map.find

        def find(needle: bytes, at: int) -> int:
            found = search(needle, first + at, end)
            return found - first if found >= 0 else -1

        return Texts(self.blob(name), self.numbers(name + "@"), find)


def _padded(size: int) -> int:
    return (size + 7) // 8 * 8
