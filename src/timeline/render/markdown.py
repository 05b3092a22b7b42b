"""A report-ready Markdown chronology: headed by year, each event with its sources numbered.

Log text is escaped so that no Markdown or HTML in it is interpreted: no emphasis, heading, link,
image, raw HTML or autolink can come from the log. Links are made only by this module, only for
http(s) URLs.
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import IO
from urllib.parse import quote

from timeline.dates import year_name
from timeline.model import Event
from timeline.query import Selection
from timeline.render.eras import era_span, overlapping_eras
from timeline.render.phrases import place, spelled
from timeline.render.sanitize import for_terminal, is_web_url, one_line

# Characters that make inline markup anywhere (emphasis, code, links, images, tables,
# strikethrough) are backslash-escaped; `<`, `>` and `&` become entities, so no raw HTML, autolink
# or entity survives. Block markup only counts at the start of a line, so it is escaped there.
_INLINE = re.compile(r"([\\`*_\[\]|~!])")
_LINE_START = re.compile(r"^(\s*\d*)([#+\-=.)])")


def md_text(text: str) -> str:
    """Log text as Markdown that renders as exactly that text (line breaks kept as breaks).

    Control characters and bidi overrides are shown as escapes, as on a terminal: a report has no
    use for them, and a Markdown file is often read with `cat`.
    """
    escaped = for_terminal(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _INLINE.sub(r"\\\1", escaped)
    lines = [_LINE_START.sub(r"\1\\\2", line.strip()) for line in escaped.splitlines()]
    return "  \n".join(lines or [""])


def md_line(text: str) -> str:
    """Log text for a heading, a link label or a list of names: a line break in it would end the
    heading (or break the link), so it is shown as `\\n`, as in the terminal's table and card."""
    return md_text(one_line(text))


def md_url(url: str) -> str:
    """A URL safe inside `<...>` link destinations: anything that could end or break it is encoded."""
    return quote(url, safe=":/?#[]@!$&'*+,;=%-._~")


def write_markdown(selection: Selection, stream: IO[str]) -> None:
    events = selection.events
    stream.write(f"# {md_line(selection.title)}\n\n")
    stream.write(
        f"{len(events)} event{'' if len(events) == 1 else 's'}, dated to the precision the sources support.\n"
    )
    eras = overlapping_eras(selection)
    if eras:
        stream.write("\n## Eras\n\n")
        for era in eras:
            note = f": {md_text(era.note)}" if era.note else ""
            stream.write(f"- **{md_line(era.title)}**, {md_text(era_span(era))}{note}\n")
    for year, in_year in groupby(events, key=lambda event: event.date.year):
        stream.write(f"\n## {md_text(year_name(year))}\n")
        for event in in_year:
            _event(event, selection, stream)


def _event(event: Event, selection: Selection, stream: IO[str]) -> None:
    stream.write(f"\n### {md_text(spelled(event))}: {md_line(event.title)}\n\n")
    names = ", ".join(md_line(selection.actors.name(a)) for a in event.actor_ids)
    facts = [md_text(event.type), md_text(event.status), names]
    if event.location is not None:
        facts.append(md_line(place(event)))
    stream.write(f"*{' · '.join(facts)}*\n\n")
    if event.tags:
        stream.write(f"Tags: {md_line(', '.join(event.tags))}\n\n")
    stream.write(md_text(event.summary) + "\n")
    if event.assessment:
        stream.write(f"\n**Assessment.** {md_text(event.assessment)}\n")
    if event.note:
        stream.write(f"\n**Note.** {md_text(event.note)}\n")
    if event.media is not None and is_web_url(event.media.url):
        media = event.media
        label = md_line(media.caption or "Media")
        credit = f" ({md_line(media.credit)})" if media.credit else ""
        stream.write(f"\n**Media.** [{label}](<{md_url(media.url)}>){credit}\n")
    sources = selection.cited(event)
    if sources:
        stream.write("\nSources:\n\n")
        for number, source in enumerate(sources, start=1):
            published = f" ({md_text(source.published.text)})" if source.published else ""
            named = ": ".join(md_line(part) for part in (source.publisher, source.title) if part)
            label = (named or md_line(source.citation or source.id)) + published
            if source.url and is_web_url(source.url):
                line = f"{number}. [{label}](<{md_url(source.url)}>)"
            else:
                line = f"{number}. {label}"
            if source.title and source.citation:
                line += f" — {md_line(source.citation)}"
            if source.archive and is_web_url(source.archive):
                line += f" ([archived copy](<{md_url(source.archive)}>))"
            stream.write(line + "\n")
