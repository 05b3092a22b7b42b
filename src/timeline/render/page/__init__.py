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
import hashlib
import html
import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import IO, Any, NamedTuple

from timeline.dates import (
    SECONDS_PER_DAY,
    PartialDate,
    civil_from_days,
    day_of,
    days_from_civil,
    year_name,
)
from timeline.model import DEFAULT_TYPES, Era, Event, Vocabulary
from timeline.query import Selection, sort_events
from timeline.render.eras import era_span, overlapping_eras
from timeline.render.phrases import interval, place, spelled
from timeline.render.sanitize import for_terminal, is_web_url

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
    vocabulary = selection.vocabulary
    known = [entry.id for entry in vocabulary if entry.id in type_counts]
    unknown = sorted(name for name in type_counts if name not in vocabulary)
    colours = type_colours(vocabulary)
    axis = Axis.of(ordered)
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
                "name": vocabulary.label(name),
                "colour": colours.get(name, OTHER_COLOUR),
                "count": type_counts[name],
            }
            for name in [*known, *unknown]
        ],
        "segments": axis.segments(),
        # Days holding an event known to the minute: the axis can mark their hours.
        "clockDays": sorted(
            {day_of(bound.earliest) for event in ordered for bound in _timed(event)}
        ),
        "eras": [
            {
                "id": era.id,
                "title": era.title,
                "when": era_span(era),
                "note": era.note or "",
                "from": days(era.earliest),
                "to": axis.last_day + 1 if era.end.is_open else days(era.latest + 1),
                "ongoing": era.end.is_open,
                "row": row,
            }
            for era, row in axis.rows(overlapping_eras(selection))
        ],
        "events": [
            _event_data(event, selection, lanes_of[event.id], on_page, axis) for event in ordered
        ],
    }


def _event_data(
    event: Event, selection: Selection, lanes: list[str], on_page: set[str], axis: Axis
) -> dict[str, Any]:
    actors = selection.actors
    return {
        "id": event.id,
        "title": event.title,
        "type": event.type,
        "status": event.status,
        "approximate": event.approximate,
        "window": event.window,
        "ongoing": event.ongoing,
        # Days from 1970-01-01 (a fraction of one for a time of day): where the event begins and
        # where it ends (for an ongoing event, the day after the axis ends).
        "from": days(event.earliest),
        "to": axis.last_day + 1 if event.ongoing else days(event.latest + 1),
        "precision": coarsest_precision(event),
        "when": spelled(event),
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
        "media": None
        if event.media is None
        else {
            "url": event.media.url if is_web_url(event.media.url) else "",
            "caption": event.media.caption or "",
            "credit": event.media.credit or "",
        },
        "sources": [
            {
                "label": source.label,
                "url": source.url if source.url and is_web_url(source.url) else "",
                "archive": source.archive if source.archive and is_web_url(source.archive) else "",
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
                "when": spelled(related.event),
                "here": related.event.id in on_page,
            }
            for related in selection.related_to(event)
        ],
    }


def type_colours(vocabulary: Vocabulary) -> dict[str, str]:
    """Each type's colour: its own, else one of the built-in palette not already taken."""
    taken = {entry.colour for entry in vocabulary if entry.colour}
    spare = [colour for colour in PALETTE if colour not in taken]
    colours: dict[str, str] = {}
    for entry in vocabulary:
        if entry.colour:
            colours[entry.id] = entry.colour
        else:
            colours[entry.id] = spare.pop(0) if spare else OTHER_COLOUR
    return colours


# Colours for types that name none: the built-in vocabulary's, then a few more.
PALETTE = [
    *(entry.colour for entry in DEFAULT_TYPES if entry.colour and entry.colour != "#6b6f76"),
    "#0277bd",
    "#ef6c00",
    "#6a1b9a",
    "#00695c",
]
OTHER_COLOUR = "#6b6f76"
# An event spanning more years than this adds only its first and last year to the axis: the
# years between are a gap unless other events are in them.
LONG_SPAN_YEARS = 200


class Axis(NamedTuple):
    """The page's time axis: every year an event touches, the runs of empty years between."""

    years: list[int]
    last_day: int  # the last day any event is known to reach (where an ongoing one is drawn to)

    @classmethod
    def of(cls, events: Sequence[Event]) -> Axis:
        busy: set[int] = set()
        ends: list[int] = []
        for event in events:
            first = civil_from_days(day_of(event.earliest))[0]
            bound = event.date if event.ongoing else (event.end or event.date)
            last_day = day_of(bound.latest)
            ends.append(last_day)
            last = civil_from_days(last_day)[0]
            busy.update(
                range(first, last + 1) if last - first <= LONG_SPAN_YEARS else (first, last)
            )
        return cls(sorted(busy), max(ends, default=0))

    def segments(self) -> list[dict[str, Any]]:
        """A year for each busy year, a gap for each run of empty ones (one empty year is shown)."""
        segments: list[dict[str, Any]] = []
        for index, year in enumerate(self.years):
            previous = self.years[index - 1] if index else None
            if previous is not None and year - previous == 2:
                segments.append(_year_segment(year - 1))
            elif previous is not None and year - previous > 2:
                segments.append(
                    {
                        "kind": "gap",
                        "label": f"{year_name(previous + 1)}\u2013{year_name(year - 1)}",
                        "start": days_from_civil(previous + 1, 1, 1),
                        "end": days_from_civil(year, 1, 1),
                    }
                )
            segments.append(_year_segment(year))
        return segments

    def rows(self, eras: Sequence[Era]) -> list[tuple[Era, int]]:
        """Each era with the row of the eras strip it is drawn in, so that none overlap."""
        ends: list[int] = []
        placed = []
        for era in sorted(eras, key=lambda era: (era.earliest, -era.latest)):
            row = next((number for number, end in enumerate(ends) if end < era.earliest), None)
            if row is None:
                row = len(ends)
                ends.append(0)
            ends[row] = era.latest
            placed.append((era, row))
        return placed


def _year_segment(year: int) -> dict[str, Any]:
    start = days_from_civil(year, 1, 1)
    return {
        "kind": "year",
        "year": year,
        "label": year_name(year),
        "start": start,
        "days": days_from_civil(year + 1, 1, 1) - start,
        "months": [days_from_civil(year, month, 1) for month in range(1, 13)],
    }


def days(second: int) -> int | float:
    """Seconds as days from 1970-01-01: a whole number for midnight, a fraction for a time."""
    whole, rest = divmod(second, SECONDS_PER_DAY)
    return whole if rest == 0 else round(second / SECONDS_PER_DAY, 6)


def _timed(event: Event) -> list[PartialDate]:
    bounds = [event.date] if event.end is None or event.end.is_open else [event.date, event.end]
    return [date for date in bounds if date.has_time]


def _published(date: PartialDate | None) -> str:
    return "" if date is None else date.text


def coarsest_precision(event: Event) -> str:
    """`year`, `month`, `day`, `minute` or `second`: the least precise of the event's dates."""
    bounds = [event.date] if event.end is None or event.end.is_open else [event.date, event.end]
    precisions = {date.precision for date in bounds}
    return next(p for p in ("year", "month", "day", "minute", "second") if p in precisions)


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
