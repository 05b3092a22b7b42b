"""Plain-text views of a log's shape (the chain tree, counts with bars, the actor registry) and
of the cache's indexes.

Plain text reads the same on a terminal and in a pipe; every log string passes the sanitiser.
Given a width (a terminal's), lines are fitted to it: long texts wrap on word boundaries under
their own column, never split inside a word; without one (piped), nothing is wrapped.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import datetime
from typing import IO, Any

from timeline.analysis import PERIOD_KEYS, ActorRow, Count, EraRow, Link
from timeline.housekeeping import Kept
from timeline.model import Event
from timeline.render.eras import era_span
from timeline.render.phrases import compact, span_in_words
from timeline.render.sanitize import for_terminal, one_line

BAR_WIDTH = 30
MIN_BAR = 8


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns, broken only between words (a word longer
    than the width gets a line of its own rather than being cut)."""
    return textwrap.wrap(text, max(width, 1), break_long_words=False, break_on_hyphens=False) or [
        ""
    ]


# Chains ---------------------------------------------------------------------------------------


def write_chain(
    root: Event, links: Sequence[Link], stream: IO[str], *, width: int | None = None
) -> None:
    _lines(f"{compact(root)}  {root.id}  ", one_line(root.title), "", "", width, stream)
    _branches(links, "", stream, width)


def _branches(links: Sequence[Link], prefix: str, stream: IO[str], width: int | None) -> None:
    for position, link in enumerate(links):
        last = position == len(links) - 1
        event = link.event
        lead = f"{prefix}{'└── ' if last else '├── '}"
        below = prefix + ("    " if last else "│   ")
        head = f"{link.rel}  {compact(event)}  {event.id}  "
        if width is not None and len(lead + head) > width:  # the id goes under the relation
            stream.write(f"{lead}{link.rel}  {compact(event)}".rstrip() + "\n")
            lead, head = below + "    ", f"{event.id}  "
        _lines(lead + head, one_line(event.title), f"  ({gap(link)})", below, width, stream)
        _branches(link.children, below, stream, width)


def _lines(head: str, title: str, tail: str, below: str, width: int | None, out: IO[str]) -> None:
    """`head title tail` on one line if it fits, else the title wrapped under the head."""
    line = head + title + tail
    if width is None or len(line) <= width:
        out.write(line.rstrip() + "\n")
        return
    first = head + tail.strip()
    if len(first) > width:  # the gap joins the title below
        first, title = head, title + tail
    out.write(first.rstrip() + "\n")
    indent = below + "    "
    for part in wrap(title, width - len(indent)):
        out.write(indent + part + "\n")


def gap(link: Link) -> str:
    """How far the event begins from the one above: `3 months later`, `about 2 years earlier`,
    `same day`, or `overlapping` when their dates overlap (a step inside a longer event)."""
    if link.gap_days == 0 and link.exact:
        return "same day"
    if link.overlapping and not (link.exact and link.gap_days):
        return "overlapping"
    words = span_in_words(abs(link.gap_days))
    direction = "later" if link.gap_days > 0 else "earlier"
    return f"{'' if link.exact else 'about '}{words} {direction}"


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
            "overlapping": link.overlapping,
            "related": [node(child) for child in link.children],
        }

    return {
        "id": root.id,
        "title": root.title,
        "date": root.date.text,
        "end": root.end.text if root.end else None,
        "related": [node(link) for link in links],
    }


# Counts ---------------------------------------------------------------------------------------


def write_counts(
    rows: Sequence[Count], by: str, stream: IO[str], *, width: int | None = None
) -> None:
    """One line per key: label, count, and a bar; by period, the part of the bar for events
    that also reach outside the period is drawn lighter."""
    if not rows:
        return
    most = max(row.number for row in rows)
    labels = [one_line(row.label) for row in rows]
    digits = len(str(most))
    label_width = max(len(label) for label in labels)
    bar_width = BAR_WIDTH
    if width is not None:
        label_width = min(label_width, max(8, width // 3))
        bar_width = max(MIN_BAR, min(BAR_WIDTH, width - label_width - digits - 4))
    spilling = False
    for row, full_label in zip(rows, labels, strict=True):
        label = (
            full_label if len(full_label) <= label_width else full_label[: label_width - 1] + "…"
        )
        length = max(1, round(row.number / most * bar_width))
        solid = round(length * row.within / row.number) if row.number else 0
        if by in PERIOD_KEYS and row.within == 0:
            solid = 0
        spilling = spilling or solid < length
        bar = "█" * solid + "▒" * (length - solid)
        stream.write(f"{label:<{label_width}}  {row.number:>{digits}}  {bar}\n")
    if by in PERIOD_KEYS:
        total = "each event counts in every " + by + " its dates overlap"
        note = "; ▒ events that also reach outside the " + by if spilling else ""
        for line in wrap(total + note, width or 10_000):
            stream.write(line + "\n")


def counts_json(rows: Sequence[Count], by: str) -> list[dict[str, Any]]:
    if by in PERIOD_KEYS:
        return [
            {"key": row.key, "label": row.label, "count": row.number, "within": row.within}
            for row in rows
        ]
    return [{"key": row.key, "label": row.label, "count": row.number} for row in rows]


# Actors ---------------------------------------------------------------------------------------


def write_actors(rows: Sequence[ActorRow], stream: IO[str], *, width: int | None = None) -> None:
    """A table of the registry; given a width, the last column (aliases and members) wraps, and
    where even the first four columns do not fit, each actor is written as a short block."""
    header = ("id", "name", "kind", "events", "aliases · members")
    lines = [
        (
            row.actor.id,
            one_line(row.actor.name),
            row.actor.kind,
            str(row.events),
            _aliases_and_members(row),
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in [header, *lines]) for column in range(4)]
    lead = sum(widths) + 2 * 4
    rest = None if width is None else width - lead
    if width is not None and rest is not None and rest < 16:
        _actor_blocks(rows, stream, width)
        return
    for line in [header, *lines]:
        cells = "  ".join(cell.ljust(widths[column]) for column, cell in enumerate(line[:4]))
        if rest is None or len(line[4]) <= rest:
            stream.write(f"{cells}  {line[4]}".rstrip() + "\n")
        elif rest >= 16:
            first, *more = wrap(line[4], rest)
            stream.write(f"{cells}  {first}".rstrip() + "\n")
            stream.writelines(" " * lead + part + "\n" for part in more)
        else:  # too narrow for a column: the names go on lines of their own below the row
            stream.write(cells.rstrip() + "\n")
            stream.writelines("    " + part + "\n" for part in wrap(line[4], (width or 80) - 4))


def _actor_blocks(rows: Sequence[ActorRow], stream: IO[str], width: int) -> None:
    for row in rows:
        count = f"{row.events} event{'' if row.events == 1 else 's'}"
        head = f"{row.actor.id}  {one_line(row.actor.name)} · {row.actor.kind} · {count}"
        for number, part in enumerate(wrap(head, width - 4)):
            stream.write(("    " if number else "") + part + "\n")
        for label, names in (("aliases", row.actor.aliases), ("members", row.members)):
            if names:
                text = f"{label}: {one_line(', '.join(names))}"
                stream.writelines("    " + part + "\n" for part in wrap(text, width - 4))


def _aliases_and_members(row: ActorRow) -> str:
    aliases = one_line(", ".join(row.actor.aliases))
    members = ", ".join(row.members)
    if members:
        return f"{aliases} · members: {members}" if aliases else f"members: {members}"
    return aliases


def write_eras(rows: Sequence[EraRow], stream: IO[str], *, width: int | None = None) -> None:
    """One line per era: id, dates in words, events, title (wrapped under itself if need be)."""
    if not rows:
        stream.write("the log has no eras\n")
        return
    lines = [
        (row.era.id, era_span(row.era), str(row.events), one_line(row.era.title)) for row in rows
    ]
    header = ("id", "when", "events", "title")
    widths = [max(len(line[column]) for line in [header, *lines]) for column in range(3)]
    lead = sum(widths) + 2 * 3
    for line in [header, *lines]:
        cells = "  ".join(cell.ljust(widths[column]) for column, cell in enumerate(line[:3]))
        title = line[3]
        if width is None or lead + len(title) <= width:
            stream.write(f"{cells}  {title}".rstrip() + "\n")
            continue
        stream.write(cells.rstrip() + "\n")
        stream.writelines("    " + part + "\n" for part in wrap(title, width - 4))


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


def write_cache(
    folder: str, kept: Sequence[Kept], cap: int, stream: IO[str], *, width: int | None = None
) -> None:
    """Where indexes live, then one line per index: size, last used, state, log."""
    total = sum(index.size for index in kept)
    stream.write(
        f"{for_terminal(folder)}: {len(kept)} index{'' if len(kept) == 1 else 'es'}, "
        f"{byte_size(total)} of the {byte_size(cap)} cap\n"
    )
    if not kept:
        return
    lines = [
        (byte_size(index.size), _when(index.used_ns), index.state, one_line(index.log or "?"))
        for index in kept
    ]
    header = ("size", "last used", "state", "log")
    widths = [max(len(line[column]) for line in [header, *lines]) for column in range(3)]
    for line in [header, *lines]:
        cells = "  ".join(
            cell.rjust(widths[0]) if column == 0 else cell.ljust(widths[column])
            for column, cell in enumerate(line[:3])
        )
        stream.write(f"{cells}  {line[3]}".rstrip() + "\n")


def cache_json(folder: str, kept: Sequence[Kept], cap: int) -> dict[str, Any]:
    return {
        "folder": folder,
        "cap_bytes": cap,
        "total_bytes": sum(index.size for index in kept),
        "indexes": [
            {
                "log": index.log,
                "state": index.state,
                "bytes": index.size,
                "last_used": _when(index.used_ns, iso=True),
                "file": str(index.file),
            }
            for index in kept
        ],
    }


def byte_size(count: int) -> str:
    """`512 B`, `3.4 KiB`, `1.2 GiB`: powers of 1024, as the cap's units count."""
    size = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{count} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


def _when(ns: int, *, iso: bool = False) -> str:
    moment = datetime.fromtimestamp(ns / 1e9).astimezone()
    return moment.isoformat(timespec="seconds") if iso else moment.strftime("%Y-%m-%d %H:%M")
