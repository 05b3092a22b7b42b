"""Plain-text views of a log's shape: the chain tree, counts with bars, the actor registry.

Plain text reads the same on a terminal and in a pipe; every log string passes the sanitiser.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from timeline.analysis import ActorRow, Count, Link
from timeline.model import Event
from timeline.render.dates import compact
from timeline.render.sanitize import one_line

BAR_WIDTH = 30


def write_chain(root: Event, links: Sequence[Link], stream: IO[str]) -> None:
    stream.write(f"{compact(root)}  {root.id}  {one_line(root.title)}\n")
    _branches(links, "", stream)


def _branches(links: Sequence[Link], prefix: str, stream: IO[str]) -> None:
    for position, link in enumerate(links):
        last = position == len(links) - 1
        event = link.event
        stream.write(
            f"{prefix}{'└── ' if last else '├── '}{link.rel}  {compact(event)}  {event.id}  "
            f"{one_line(event.title)}  ({gap(link)})\n"
        )
        _branches(link.children, prefix + ("    " if last else "│   "), stream)


def gap(link: Link) -> str:
    """`+142 days`, `-3 days`, `same day`; `~` when a date is not known to the day."""
    approximate = "" if link.exact else "~"
    if link.gap_days == 0:
        return f"{approximate}same day" if link.exact else "~0 days"
    unit = "day" if abs(link.gap_days) == 1 else "days"
    return f"{approximate}{link.gap_days:+d} {unit}"


def chain_json(root: Event, links: Sequence[Link]) -> dict[str, Any]:
    def node(link: Link) -> dict[str, Any]:
        return {
            "id": link.event.id,
            "title": link.event.title,
            "date": link.event.date.text,
            "end": link.event.end.text if link.event.end else None,
            "rel": link.rel,
            "gap_days": link.gap_days,
            "exact": link.exact,
            "related": [node(child) for child in link.children],
        }

    return {
        "id": root.id,
        "title": root.title,
        "date": root.date.text,
        "end": root.end.text if root.end else None,
        "related": [node(link) for link in links],
    }


def write_counts(rows: Sequence[Count], stream: IO[str]) -> None:
    if not rows:
        return
    most = max(row.number for row in rows)
    width = max(len(one_line(row.label)) for row in rows)
    digits = len(str(most))
    for row in rows:
        bar = "█" * max(1, round(row.number / most * BAR_WIDTH))
        stream.write(f"{one_line(row.label):<{width}}  {row.number:>{digits}}  {bar}\n")


def counts_json(rows: Sequence[Count]) -> list[dict[str, Any]]:
    return [{"key": row.key, "label": row.label, "count": row.number} for row in rows]


def write_actors(rows: Sequence[ActorRow], stream: IO[str]) -> None:
    header = ("id", "name", "kind", "events", "aliases", "members")
    lines = [
        (
            row.actor.id,
            one_line(row.actor.name),
            row.actor.kind,
            str(row.events),
            one_line(", ".join(row.actor.aliases)),
            ", ".join(row.members),
        )
        for row in rows
    ]
    widths = [
        max(len(line[column]) for line in [header, *lines]) for column in range(len(header) - 1)
    ]
    for line in [header, *lines]:
        cells = [cell.ljust(widths[column]) for column, cell in enumerate(line[:-1])]
        stream.write(("  ".join([*cells, line[-1]])).rstrip() + "\n")


def actors_json(rows: Sequence[ActorRow]) -> list[dict[str, Any]]:
    return [
        {
            "id": row.actor.id,
            "name": row.actor.name,
            "kind": row.actor.kind,
            "aliases": list(row.actor.aliases),
            "member_of": list(row.actor.member_of),
            "members": row.members,
            "events": row.events,
        }
        for row in rows
    ]
