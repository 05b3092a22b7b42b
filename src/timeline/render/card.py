"""What the `show` card says, as plain data: every field of one event, ready to lay out.

All text here has passed the sanitiser. `card_rich.write_card_rich` lays it out with Rich for a
terminal; `write_card_text` writes it as plain text for a pipe, without importing Rich at all.
"""

from __future__ import annotations

from typing import IO, NamedTuple
from urllib.parse import urlsplit

from timeline.model import Event
from timeline.query import Selection
from timeline.render.phrases import compact, place, spelled
from timeline.render.sanitize import for_terminal, one_line


class Citation(NamedTuple):
    marker: str
    publisher: str  # may be empty: a citation of its own
    title: str  # the title and date, or the citation
    note: str | None
    urls: list[str]  # the source's address, then an archived copy's


class RelatedLine(NamedTuple):
    """One related event, as the card lists it: `followed by  2019-06-30  dmz-2019  Title`."""

    rel: str
    when: str
    id: str
    title: str


class Card(NamedTuple):
    title: str
    id: str
    type_line: str  # the type, and its PLOVER category if it has one
    status: str
    facts: list[tuple[str, str]]
    texts: list[tuple[str, str]]
    citations: list[Citation]
    related: list[RelatedLine]


def card_content(event: Event, selection: Selection) -> Card:
    category = selection.vocabulary.plover(event.type)
    plover = f" (PLOVER {category})" if category else ""
    facts = [("When", one_line(spelled(event)))]
    if event.location is not None:
        where = place(event)
        if event.location.lat is not None and event.location.lon is not None:
            where += f" ({event.location.lat:g}, {event.location.lon:g})"
        facts.append(("Where", one_line(where)))
    facts.append(("Actors", one_line("; ".join(_actor_names(event, selection)))))
    if event.tags:
        facts.append(("Tags", ", ".join(event.tags)))
    if event.media is not None:
        media = event.media
        said = " — ".join(part for part in (media.caption, media.credit) if part)
        facts.append(("Media", one_line(f"{said} {media.url}" if said else media.url)))
    texts = [
        (label, for_terminal(body).expandtabs(4))
        for label, body in (
            ("Summary", event.summary),
            ("Assessment", event.assessment),
            ("Note", event.note),
        )
        if body
    ]
    citations = []
    for number, source in enumerate(selection.cited(event), start=1):
        published = f" ({source.published.text})" if source.published else ""
        standing = [
            word
            for word, held in (("primary record", source.primary), ("copy", source.copy))
            if held
        ]
        published += f" · {', '.join(standing)}" if standing else ""
        title = source.title if source.title else source.citation or ""
        publisher = source.publisher or ""
        if not title:  # a publisher's name alone, or a bare address: named by its site
            title, publisher = publisher or urlsplit(source.url or "").hostname or "", ""
        note = " ".join(
            part for part in (source.citation if source.title else None, source.note) if part
        )
        citations.append(
            Citation(
                marker=f"{number}. ",
                publisher=one_line(publisher),
                title=one_line(title) + published,
                note=one_line(note) if note else None,
                # validated: http(s), no spaces or control characters
                urls=[url for url in (source.url, source.archive) if url],
            )
        )
    links = [
        RelatedLine(link.rel, compact(link.event), link.event.id, one_line(link.event.title))
        for link in selection.related_to(event)
    ]
    return Card(
        one_line(event.title),
        event.id,
        f"{event.type}{plover}",
        event.status,
        facts,
        texts,
        citations,
        links,
    )


def _actor_names(event: Event, selection: Selection) -> list[str]:
    names = []
    for ref in event.actors:
        role = f", {ref.role}" if ref.role else ""
        names.append(f"{selection.actors.name(ref.id)} ({ref.id}{role})")
    return names


def write_card_text(content: Card, stream: IO[str]) -> None:
    """The card as plain text: same layout as on a terminal, nothing wrapped or coloured."""
    lines = [content.title, f"{content.id} · {content.type_line} · {content.status}", ""]
    width = max(len(label) for label, _ in content.facts)
    lines += [f"{label.ljust(width)}  {value}" for label, value in content.facts]
    for label, body in content.texts:
        lines += ["", label, *(f"  {line}" for line in body.split("\n"))]
    lines += ["", "Sources"]
    if not content.citations:
        lines.append("  none given")
    for citation in content.citations:
        indent = " " * (2 + len(citation.marker))
        named = f"{citation.publisher} — " if citation.publisher else ""
        lines.append(f"  {citation.marker}{named}{citation.title}")
        if citation.note:
            lines.append(indent + citation.note)
        lines += [indent + url for url in citation.urls]
    if content.related:
        widths = [max(len(row[column]) for row in content.related) for column in range(3)]
        lines += ["", "Related"]
        for row in content.related:
            cells = [value.ljust(widths[column]) for column, value in enumerate(row[:3])]
            lines.append("  " + "  ".join([*cells, row[3]]))
    stream.write("".join(line.rstrip() + "\n" for line in lines))
