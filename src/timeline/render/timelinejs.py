"""TimelineJS3 JSON: the events as slides for Knight Lab's TimelineJS.

The format is described at https://timeline.knightlab.com/docs/json-format.html. Each date gives
only the parts the log knows (a year-precision event has a year and nothing else), so TimelineJS
shows it at its real precision instead of as 1 January.

Log text is untrusted, and TimelineJS puts most fields into the page as HTML:

- `text.headline` and `text.text` go through DOMPurify and then `innerHTML`: they are written as
  HTML, with every piece of log text escaped and the only links made here (http/https sources).
- `display_date` and `group` are read as HTML and reduced to their text (`stripMarkup`), and that
  text is then put into the page with `innerHTML` again. One escaping would be undone by the first
  step and obeyed by the second, so these are escaped twice (a no-op for the slugs and digits they
  normally hold).
- `autolink` is off, so TimelineJS never turns text into links by itself.
"""

from __future__ import annotations

import html
from typing import IO, Any, Literal, get_args

from timeline.dates import PartialDate
from timeline.document import dumps
from timeline.model import Event, Source
from timeline.query import Selection
from timeline.render.phrases import place, spelled
from timeline.render.sanitize import is_web_url

GroupBy = Literal["type", "status", "actor"]
GROUP_BY: tuple[str, ...] = get_args(GroupBy)


def timelinejs_document(selection: Selection, group_by: str = "type") -> dict[str, Any]:
    """The TimelineJS3 document for a selection: a title slide and one slide per event."""
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by must be one of {', '.join(GROUP_BY)}, not {group_by!r}")
    title: dict[str, Any] = {"text": {"headline": _text(selection.title), "text": ""}}
    if selection.description:
        title["text"]["text"] = _paragraphs(selection.description)
    document: dict[str, Any] = {
        "title": title,
        "events": [_slide(event, selection, group_by) for event in selection.events],
    }
    eras = _eras(selection)
    if eras:
        document["eras"] = eras
    return document


def write_timelinejs(selection: Selection, stream: IO[str], group_by: str = "type") -> None:
    stream.write(dumps(timelinejs_document(selection, group_by)))
    stream.write("\n")


def _slide(event: Event, selection: Selection, group_by: str) -> dict[str, Any]:
    slide: dict[str, Any] = {
        "unique_id": event.id,
        "start_date": date_parts(event.date),
    }
    if event.end is not None and not event.end.is_open:  # TimelineJS knows no open end
        slide["end_date"] = date_parts(event.end)
    slide["display_date"] = _stripped_field(spelled(event))
    slide["text"] = {"headline": _text(event.title), "text": _body(event, selection)}
    if event.media is not None:
        media = event.media
        slide["media"] = {"url": media.url}
        if media.caption:
            slide["media"]["caption"] = _text(media.caption)
        if media.credit:
            slide["media"]["credit"] = _text(media.credit)
    group = _group(event, group_by)
    if group:
        slide["group"] = _stripped_field(group)
    slide["autolink"] = False
    return slide


def date_parts(date: PartialDate) -> dict[str, int]:
    """The parts of `date` the log knows, down to the minute or second: astronomical years
    (TimelineJS counts 0 as 1 BCE too), the time as written (its zone is in `display_date`)."""
    parts = {"year": date.year}
    for name in ("month", "day", "hour", "minute", "second"):
        value = getattr(date, name)
        if value is not None:
            parts[name] = value
    return parts


def _eras(selection: Selection) -> list[dict[str, Any]]:
    """The log's eras that reach the events shown; an open era ends with the last of them."""
    events = selection.events
    if not events:
        return []
    first = min(event.earliest for event in events)
    last = max(event.latest for event in events)
    closed_ends = [event.end or event.date for event in events if not event.ongoing]
    last_known = max(closed_ends, key=lambda date: date.latest, default=events[-1].date)
    eras = []
    for era in selection.eras:
        if era.latest < first or era.earliest > last:
            continue
        end = last_known if era.end.is_open else era.end
        eras.append(
            {
                "start_date": date_parts(era.date),
                "end_date": date_parts(end if end.latest >= era.earliest else era.date),
                "text": {"headline": _text(era.title)},
            }
        )
    return eras


def _group(event: Event, group_by: str) -> str:
    if group_by == "status":
        return event.status
    if group_by == "actor":
        return event.actors[0].id if event.actors else ""
    return event.type


def _body(event: Event, selection: Selection) -> str:
    facts = [("Status", event.status)]
    facts.append(("Actors", "; ".join(selection.actors.name(ref.id) for ref in event.actors)))
    if event.location is not None:
        facts.append(("Where", place(event)))
    if event.tags:
        facts.append(("Tags", ", ".join(event.tags)))
    lines = "<br>".join(
        f"<strong>{_text(label)}:</strong> {_text(value)}" for label, value in facts
    )
    parts = [f"<p>{lines}</p>", _paragraphs(event.summary)]
    if event.assessment:
        parts.append(_paragraphs(event.assessment, label="Assessment"))
    if event.note:
        parts.append(_paragraphs(event.note, label="Note"))
    sources = selection.cited(event)
    if sources:
        items = "".join(f"<li>{source_html(source)}</li>" for source in sources)
        parts.append(f"<p><strong>Sources</strong></p><ol>{items}</ol>")
    return "".join(parts)


def source_html(source: Source) -> str:
    """One source as HTML: a link when its URL is http(s), plain text otherwise."""
    label = _text(source.label)
    if source.url and is_web_url(source.url):
        label = _link(source.url, label)
    if source.published is not None:
        label += f" ({_text(source.published.text)})"
    if source.archive and is_web_url(source.archive):
        label += f" [{_link(source.archive, 'archived copy')}]"
    return label


def _link(url: str, label: str) -> str:
    return (
        f'<a href="{html.escape(url, quote=True)}" target="_blank" '
        f'rel="noopener noreferrer">{label}</a>'
    )


def _paragraphs(text: str, label: str | None = None) -> str:
    """Plain text as HTML paragraphs: blank lines part paragraphs, single newlines break lines."""
    blocks = [block for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    rendered = [_text(block.strip("\n")).replace("\n", "<br>") for block in blocks] or [""]
    if label is not None:
        rendered[0] = f"<strong>{_text(label)}:</strong> {rendered[0]}"
    return "".join(f"<p>{block}</p>" for block in rendered)


def _text(text: str) -> str:
    return html.escape(text, quote=True)


def _stripped_field(text: str) -> str:
    # TimelineJS reads these as HTML, keeps their text, and writes that text as HTML: escape twice.
    return html.escape(html.escape(text, quote=True), quote=True)
