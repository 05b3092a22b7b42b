"""Plain tab-separated lines for pipes: one event per line, nothing truncated or coloured."""

from __future__ import annotations

from typing import IO

from timeline.query import Selection
from timeline.render.delimited import write_tsv_rows
from timeline.render.phrases import interval


def write_tsv(selection: Selection, stream: IO[str], *, raw: bool = False) -> None:
    write_tsv_rows(
        (
            (interval(event), event.id, event.title, ",".join(event.actor_ids), event.type)
            for event in selection.events
        ),
        stream,
        raw=raw,
    )
