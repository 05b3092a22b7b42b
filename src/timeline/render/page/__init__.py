"""One self-contained HTML page that draws the timeline: a lane per actor, time left to right.

The page is `page.html`, `page.css` and `page.js` beside this module (read with
`importlib.resources`); Python only puts in the data, the title and the Content-Security-Policy.
The page needs no network and no other file: its style, its script and the events are inline.
Each event is drawn at the precision the log knows (a year-precision event spans its year, a
multi-day event its days, an approximate date is outlined with dashes); the reader zooms, scrolls,
filters by actor, type and words, and clicks an event to read its details and sources.

Log text is untrusted. It reaches the page only as JSON inside `<script type="application/json">`
with `<`, `>`, `&`, U+2028 and U+2029 escaped (so no string can close the block or start a
comment), and the script puts it into the document only through `textContent` and `setAttribute`
on inert attributes; a source becomes a link only when its URL is http or https. A strict
Content-Security-Policy lets nothing run or load but the page's own inline script and style,
named by their SHA-256 hashes.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import html
import json
import re
from functools import cache
from importlib import resources
from typing import IO, Any, NamedTuple

from timeline.dates import PartialDate
from timeline.model import EVENT_TYPES, Event
from timeline.query import Selection, sort_events
from timeline.render.phrases import interval, place
from timeline.render.sanitize import for_terminal
from timeline.render.timelinejs import is_web_url

# One colour per event type, chosen to stay apart from their neighbours on a light background.
TYPE_COLOURS: dict[str, str] = {
    "summit": "#1f5fa8",
    "meeting": "#3d8fd1",
    "statement": "#6b6f76",
    "threat": "#c62828",
    "accusation": "#d0589b",
    "agreement": "#2e7d32",
    "treaty": "#00838f",
    "policy": "#795548",
    "weapons-test": "#e65100",
    "deployment": "#9e9d24",
    "exercise": "#7b52ab",
    "military-action": "#8e0000",
    "arms-transfer": "#5d4037",
    "sanctions": "#283593",
    "election": "#558b2f",
    "publication": "#ad6800",
    "budget": "#4a5a6a",
}
_OTHER_COLOUR = "#6b6f76"

# Characters that must not appear raw in a <script> block: `<` (and with it `</script>` and
# `<!--`), `>` and `&` for good measure, the JavaScript line separators, and lone surrogates,
# which UTF-8 cannot encode. Nor, since the page may be printed to a terminal (`export -f html`
# without -o), DEL, C1 controls, bidi overrides and invisible format characters: JSON escapes
# the C0 controls itself. JSON reads each \uXXXX back as the same character.
_UNSAFE_IN_SCRIPT = re.compile(
    "[<>&\x7f-\x9f\u061c\u200b\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_PLACEHOLDER = re.compile(r"@@([A-Z]+)@@")


def write_html(selection: Selection, stream: IO[str]) -> None:
    """Write the page showing the selection's events to `stream`."""
    stream.write(html_page(selection))


def html_page(selection: Selection) -> str:
    """The whole page as one string: the template with its style, script and data put in."""
    assets = _assets()
    parts = {
        "CSP": content_security_policy().replace("&", "&amp;").replace('"', "&quot;"),
        # Plain text in the page, and possibly on a terminal: controls shown, not obeyed.
        "TITLE": html.escape(for_terminal(selection.title), quote=False),
        "STYLE": assets.style,
        "DATA": script_json(page_data(selection)),
        "SCRIPT": assets.script,
    }
    # One pass: text put in for one placeholder is never searched for another.
    return _PLACEHOLDER.sub(lambda match: parts[match[1]], assets.template)


def content_security_policy() -> str:
    """Nothing may load or run but the page's own inline script and style."""
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src '{_sha256(_assets().script)}'",
            f"style-src '{_sha256(_assets().style)}'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def script_json(value: Any) -> str:
    """`value` as JSON that is safe inside a `<script type="application/json">` element."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return _UNSAFE_IN_SCRIPT.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def page_data(selection: Selection) -> dict[str, Any]:
    """Everything the page's script draws, as plain data (all of it untrusted text)."""
    actors = selection.actors
    ordered = sort_events(selection.events)
    on_page = {event.id for event in ordered}
    lanes_of = {event.id: actors.lanes_of(event) for event in ordered}
    lane_counts: dict[str, int] = {}
    for lane_ids in lanes_of.values():
        for lane_id in lane_ids:
            lane_counts[lane_id] = lane_counts.get(lane_id, 0) + 1
    lane_order = sorted(
        lane_counts, key=lambda lane_id: (-lane_counts[lane_id], lane_id.casefold())
    )
    involved = {actor_id for event in ordered for actor_id in actors.counted_for(event)}
    lane_set = set(lane_order)
    others = sorted(
        (actor_id for actor_id in involved if actor_id not in lane_set),
        key=lambda actor_id: actors.name(actor_id).casefold(),
    )
    type_counts: dict[str, int] = {}
    for event in ordered:
        type_counts[event.type] = type_counts.get(event.type, 0) + 1
    known_types = [name for name in EVENT_TYPES if name in type_counts]
    other_types = sorted(name for name in type_counts if name not in EVENT_TYPES)
    return {
        "title": selection.title,
        "description": selection.description or "",
        "lanes": [{"id": lane_id, "name": actors.name(lane_id)} for lane_id in lane_order],
        "actors": [
            *({"id": a, "name": actors.name(a), "lane": True} for a in lane_order),
            *({"id": a, "name": actors.name(a), "lane": False} for a in others),
        ],
        "types": [
            {
                "id": name,
                "name": name.replace("-", " "),
                "colour": TYPE_COLOURS.get(name, _OTHER_COLOUR),
                "count": type_counts[name],
            }
            for name in [*known_types, *other_types]
        ],
        "events": [_event_data(event, selection, lanes_of[event.id], on_page) for event in ordered],
    }


def _event_data(
    event: Event, selection: Selection, lanes: list[str], on_page: set[str]
) -> dict[str, Any]:
    actors = selection.actors
    return {
        "id": event.id,
        "title": event.title,
        "type": event.type,
        "status": event.status,
        "approximate": event.approximate,
        # Epoch days: the first day the event can cover, and the day after the last.
        "from": _epoch_day(event.earliest.toordinal()),
        "to": _epoch_day(event.latest.toordinal()) + 1,
        "precision": coarsest_precision(event),
        "when": human_when(event),
        "edtf": interval(event),
        "lanes": lanes,
        "involves": sorted(actors.counted_for(event)),
        "actors": [
            {"id": ref.id, "name": actors.name(ref.id), "role": ref.role or ""}
            for ref in event.actors
        ],
        "location": place(event),
        "summary": event.summary,
        "assessment": event.assessment or "",
        "note": event.note or "",
        "tags": list(event.tags),
        "sources": [
            {
                "publisher": source.publisher,
                "title": source.title,
                "url": source.url if is_web_url(source.url) else "",
                "published": _published(source.published),
                "note": source.note or "",
            }
            for source in selection.cited(event)
        ],
        "related": [
            {
                "id": related.event.id,
                "rel": related.rel,
                "title": related.event.title,
                "when": human_when(related.event),
                "here": related.event.id in on_page,
            }
            for related in selection.related_to(event)
        ],
    }


_EPOCH_ORDINAL = 719_163  # date(1970, 1, 1).toordinal()


def _epoch_day(ordinal: int) -> int:
    return ordinal - _EPOCH_ORDINAL


def _published(date: PartialDate | None) -> str:
    return "" if date is None else date.text


def coarsest_precision(event: Event) -> str:
    """`day`, `month` or `year`: the least precise of the event's dates."""
    precisions = {event.date.precision, event.end.precision if event.end else "day"}
    for precision in ("year", "month"):
        if precision in precisions:
            return precision
    return "day"


def _spoken(date: PartialDate) -> str:
    year = date.text[:4].lstrip("0") or "0"
    if date.precision == "year":
        return year
    month = calendar.month_name[date.earliest.month]
    if date.precision == "month":
        return f"{month} {year}"
    return f"{date.earliest.day} {month} {year}"


def human_when(event: Event) -> str:
    """The date in words, never more precise than the log: `27–28 February 2019`, `2019`."""
    start, end = event.date, event.end
    if end is None:
        text = _spoken(start)
    elif start.precision == end.precision == "day" and start.text[:4] == end.text[:4]:
        if start.text[:7] == end.text[:7]:
            text = f"{start.earliest.day}–{_spoken(end)}"
        else:
            month = calendar.month_name[start.earliest.month]
            text = f"{start.earliest.day} {month} – {_spoken(end)}"
    elif start.precision == end.precision == "month" and start.text[:4] == end.text[:4]:
        text = f"{calendar.month_name[start.earliest.month]} – {_spoken(end)}"
    else:
        text = f"{_spoken(start)} – {_spoken(end)}"
    return f"about {text}" if event.approximate else text


class Assets(NamedTuple):
    template: str
    style: str
    script: str


@cache
def _assets() -> Assets:
    """The page's own files, as shipped in the package."""
    folder = resources.files(__name__)
    return Assets(*(folder.joinpath(name).read_text(encoding="utf-8") for name in PAGE_FILES))


PAGE_FILES = ("page.html", "page.css", "page.js")
