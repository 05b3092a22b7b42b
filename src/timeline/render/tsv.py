"""Plain tab-separated lines for pipes: one event per line, nothing truncated or coloured."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from timeline.model import Event
from timeline.render.dates import interval
from timeline.render.sanitize import one_line


def write_tsv(events: Sequence[Event], stream: IO[str]) -> None:
    for event in events:
        fields = (interval(event), event.id, event.title, ",".join(event.actor_ids), event.type)
        stream.write("\t".join(one_line(field) for field in fields))
        stream.write("\n")
