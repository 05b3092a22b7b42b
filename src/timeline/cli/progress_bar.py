"""A progress bar on the terminal for long work (`timeline.progress`): on stderr, and only once
the work has lasted about a second, so that quick commands never draw one and pipes never see
one."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

DELAY = 1.0  # seconds of work before a bar is worth showing
REFRESH = 0.1  # seconds between two drawings of it


class Bar:
    """A `progress.Listener` drawing a Rich bar on `stream`, a terminal, after `delay` seconds."""

    def __init__(
        self,
        stream: IO[str],
        *,
        delay: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._delay = DELAY if delay is None else delay
        self._clock = clock
        self._shown: Progress | None = None
        self._task: TaskID | None = None
        self._name = ""
        self._total = 0
        self._done = 0
        self._started = self._drawn = 0.0

    def start(self, task: str, total: int) -> None:
        self.stop()
        self._name, self._total, self._done = task, total, 0
        self._started = self._clock()

    def advance(self, done: int) -> None:
        self._done = min(self._total, self._done + done)
        now = self._clock()
        if self._shown is None:
            if now - self._started < self._delay:
                return
            self._shown, self._task = self._show()
        elif now - self._drawn < REFRESH:
            return
        assert self._task is not None
        self._shown.update(self._task, completed=self._done)
        self._shown.refresh()
        self._drawn = now

    def stop(self) -> None:
        if self._shown is not None:
            self._shown.stop()  # (transient: the bar is erased)
            self._shown = self._task = None

    def _show(self) -> tuple[Progress, TaskID]:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        console: Any = Console(file=self._stream, stderr=True)
        shown = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            auto_refresh=False,  # no drawing thread: the work forks, and a fork keeps one thread
        )
        shown.start()
        return shown, shown.add_task(self._name, total=self._total, completed=self._done)
