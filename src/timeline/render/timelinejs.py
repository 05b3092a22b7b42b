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
from timeline.render.phrases import place

GroupBy = Literal["type", "status", "actor"]
GROUP_BY: tuple[str, ...] = get_args(GroupBy)


def timelinejs_document(selection: Selection, group_by: str = "type") -> dict[str, Any]:
    """The TimelineJS3 document for a selection: a title slide and one slide per event."""
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by must be one of {', '.join(GROUP_BY)}, not {group_by!r}")
    title: dict[str, Any] = {"text": {"headline": _text(selection.title), "text": ""}}
    if selection.description:
        title["text"]["text"] = _paragraphs(selection.description)
    return {
        "title": title,
        "events": [_slide(event, selection, group_by) for event in selection.events],
    }


def write_timelinejs(selection: Selection, stream: IO[str], group_by: str = "type") -> None:
    stream.write(dumps(timelinejs_document(selection, group_by)))
    stream.write("\n")


def _slide(event: Event, selection: Selection, group_by: str) -> dict[str, Any]:
    slide: dict[str, Any] = {
        "unique_id": event.id,
        "start_date": date_parts(event.date),
    }
    if event.end is not None:
        slide["end_date"] = date_parts(event.end)
    slide["display_date"] = _stripped_field(display_date(event))
    slide["text"] = {"headline": _text(event.title), "text": _body(event, selection)}
    group = _group(event, group_by)
    if group:
        slide["group"] = _stripped_field(group)
    slide["autolink"] = False
    return slide


def date_parts(date: PartialDate) -> dict[str, int]:
    """The parts of `date` the log knows: year; year and month; or year, month and day."""
    parts = {"year": date.earliest.year}
    if date.precision in ("month", "day"):
        parts["month"] = date.earliest.month
    if date.precision == "day":
        parts["day"] = date.earliest.day
    return parts


def display_date(event: Event) -> str:
    """The date as the log writes it: `2019-02-27 – 2019-02-28`, `about 2022-09 – 2024`."""
    text = event.date.text if event.end is None else f"{event.date.text} – {event.end.text}"
    return f"about {text}" if event.approximate else text


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
    label = f"{_text(source.publisher)} — {_text(source.title)}"
    if is_web_url(source.url):
        label = (
            f'<a href="{html.escape(source.url, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer">{label}</a>'
        )
    if source.published is not None:
        label += f" ({_text(source.published.text)})"
    return label


def is_web_url(url: str) -> bool:
    """True for an absolute http or https URL, the only kind that becomes a link."""
    scheme, separator, rest = url.partition("://")
    return bool(separator) and scheme.lower() in ("http", "https") and bool(rest)


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
