"""Progress of long work (reading a large log, writing a long export), told to whoever listens.

The core reports; it never draws. The command line installs a listener (`install`) that shows a
bar on a terminal once the work has lasted about a second; without one, reporting costs a
function call every few thousand events.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")

# How many events go by between two reports: often enough for a smooth bar, seldom enough to
# cost nothing.
EVERY = 2048


class Listener(Protocol):
    def start(self, task: str, total: int) -> None: ...

    def advance(self, done: int) -> None:
        """`done` more units of the task are done."""

    def stop(self) -> None: ...


_listener: Listener | None = None


def install(listener: Listener | None) -> None:
    """Report to `listener` from now on (None: to nobody, as in a second process)."""
    global _listener  # noqa: PLW0603 - one listener per process, as there is one terminal
    _listener = listener


@contextlib.contextmanager
def task(name: str, total: int) -> Iterator[Callable[[int], None]]:
    """A task of `total` units: yields the function to call with each number of units done."""
    listener = _listener
    if listener is None:
        yield _nothing
        return
    listener.start(name, total)
    try:
        yield listener.advance
    finally:
        listener.stop()


def counted(name: str, items: tuple[T, ...]) -> tuple[T, ...]:
    """`items`, reporting as they are gone through (by a writer, say) if anyone listens."""
    if _listener is None or len(items) < EVERY:
        return items
    return _Counted(name, items)


class _Counted(tuple[T, ...]):
    """A tuple that reports progress each time it is gone through, as a task of its length."""

    def __new__(cls, name: str, items: Sequence[T]) -> _Counted[T]:
        made = super().__new__(cls, items)
        made.name = name
        return made

    name: str

    def __iter__(self) -> Iterator[T]:
        with task(self.name, len(self)) as advance:
            for number, item in enumerate(super().__iter__(), 1):
                if not number % EVERY:
                    advance(EVERY)
                yield item


def _nothing(done: int) -> None:
    pass
