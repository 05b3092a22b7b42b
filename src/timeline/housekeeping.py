"""The indexes in the cache folder: which logs they belong to, how large they are, when each was
last used; pruning those that can never be used again, and keeping the folder under its cap by
removing the least recently used.

An index's modification time is when a query last used it (`index.open_index` touches it). The
cap is `$TIMELINE_CACHE_MAX_SIZE` (bytes, or a number with K, M, G or T: powers of 1024),
4 GiB when unset.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from timeline.cache import cache_folder
from timeline.errors import TimelineError

CAP_ENV = "TIMELINE_CACHE_MAX_SIZE"
DEFAULT_CAP = 4 << 30
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)(?:I?B)?\s*", re.IGNORECASE)


class Kept(NamedTuple):
    """An index in the cache folder."""

    file: Path
    size: int  # bytes
    used_ns: int  # when a query last used it (or it was built)
    log: str | None  # the log it was built from, None when the index cannot be read
    state: (
        str  # "ready", "stale" (its log changed since), "orphaned" (its log is gone), "unreadable"
    )


def cap() -> int:
    """The most the indexes may take together, in bytes."""
    text = os.environ.get(CAP_ENV, "").strip()
    return DEFAULT_CAP if not text else parse_size(text)


def parse_size(text: str) -> int:
    """`500M`, `2G`, `1.5GiB`, `1048576` as bytes; `TimelineError` for anything else."""
    found = _SIZE.fullmatch(text)
    if found is None:
        raise TimelineError(
            f"{CAP_ENV}={text!r}: give a size in bytes, or with K, M, G or T (500M, 2G)"
        )
    number, unit = found.groups()
    return int(float(number) * _UNITS[unit.upper()])


def indexes() -> list[Kept]:
    """Every index in the cache folder, most recently used first."""
    folder = cache_folder()
    if folder is None:
        return []
    from timeline.index import SUFFIX

    try:
        files = [entry for entry in os.scandir(folder) if entry.name.endswith(SUFFIX)]
    except OSError:
        return []
    found = []
    for entry in files:
        if entry.name.startswith("."):
            continue
        with contextlib.suppress(OSError):
            found.append(_kept(Path(entry.path), entry.stat()))
    return sorted(found, key=lambda kept: -kept.used_ns)


def _kept(file: Path, status: os.stat_result) -> Kept:
    from timeline.index import describe

    log, state = describe(file)
    return Kept(file, status.st_size, status.st_mtime_ns, log, state)


def prune(kept: Iterable[Kept] | None = None) -> list[Kept]:
    """Remove the indexes that can never be used again (stale, orphaned or unreadable) and
    the files builders left behind; what was removed."""
    gone = [index for index in (indexes() if kept is None else kept) if index.state != "ready"]
    return _remove(gone) + _leftovers()


def evict(limit: int, keep: Path | None = None) -> list[Kept]:
    """Remove the least recently used indexes until all take at most `limit` bytes; `keep` is
    removed last (and only if it alone is larger than the limit)."""
    kept = indexes()
    kept.sort(key=lambda index: (index.file == keep, index.used_ns))
    total = sum(index.size for index in kept)
    gone: list[Kept] = []
    for index in kept:
        if total <= limit:
            break
        gone.append(index)
        total -= index.size
    return _remove(gone)


def clear(kept: Iterable[Kept] | None = None) -> list[Kept]:
    """Remove the indexes (all of them, or those given) and the files builders left behind."""
    return _remove(indexes() if kept is None else kept) + _leftovers()


def tidy(keep: Path | None = None) -> None:
    """After an index is built: prune, then keep the folder under its cap."""
    with contextlib.suppress(OSError, TimelineError):
        prune()
        evict(cap(), keep)


def _remove(kept: Iterable[Kept]) -> list[Kept]:
    removed = []
    for index in kept:
        with contextlib.suppress(FileNotFoundError):
            index.file.unlink()
            removed.append(index)
    return removed


def _leftovers() -> list[Kept]:
    """Temporary files and locks of builders that are no longer running."""
    folder = cache_folder()
    if folder is None:
        return []
    removed: list[Kept] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not (entry.name.startswith(".") and entry.name.endswith((".tmp", ".lock"))):
                continue
            target = entry.name[1:].rsplit(".", 2 if entry.name.endswith(".tmp") else 1)[0]
            if _being_built(folder / target):
                continue
            with contextlib.suppress(OSError):
                status = entry.stat()
                Path(entry.path).unlink()
                if entry.name.endswith(".tmp"):
                    removed.append(Kept(Path(entry.path), status.st_size, 0, None, "unfinished"))
    return removed


def _being_built(target: Path) -> bool:
    """Whether a builder holds the lock of `target` (see `index.is_being_built`)."""
    try:
        descriptor = os.open(target.with_name(f".{target.name}.lock"), os.O_RDONLY)
    except OSError:
        return False  # no lock: no builder
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(descriptor)
    return False
