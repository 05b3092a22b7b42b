"""One self-contained HTML page that draws the timeline: a lane per actor, time left to right.

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
from typing import IO, Any

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
    """The whole page as one string."""
    parts = {
        "CSP": content_security_policy().replace("&", "&amp;").replace('"', "&quot;"),
        # Plain text in the page, and possibly on a terminal: controls shown, not obeyed.
        "TITLE": html.escape(for_terminal(selection.title), quote=False),
        "STYLE": STYLE,
        "DATA": script_json(page_data(selection)),
        "SCRIPT": SCRIPT,
    }
    # One pass: text put in for one placeholder is never searched for another.
    return _PLACEHOLDER.sub(lambda match: parts[match[1]], TEMPLATE)


def content_security_policy() -> str:
    """Nothing may load or run but the page's own inline script and style."""
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src '{_sha256(SCRIPT)}'",
            f"style-src '{_sha256(STYLE)}'",
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


TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="@@CSP@@">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="timeline">
<title>@@TITLE@@</title>
<style>@@STYLE@@</style>
</head>
<body>
<header>
<h1 id="title"></h1>
<p class="description" id="description"></p>
<div class="toolbar">
<label>Actor <select id="actor-filter"><option value="">All actors</option></select></label>
<label>Find <input type="search" id="search" placeholder="words in the text" autocomplete="off">
</label>
<div class="zoom" role="group" aria-label="Zoom">
<button type="button" id="zoom-out" aria-label="Zoom out" title="Zoom out">&minus;</button>
<button type="button" id="zoom-in" aria-label="Zoom in" title="Zoom in">+</button>
<button type="button" id="zoom-fit" title="Show the whole span">Fit</button>
</div>
<span class="count" id="count" aria-live="polite"></span>
</div>
<details class="types" id="types-box">
<summary>Event types</summary>
<div class="chips" id="type-filter"></div>
</details>
<div class="legend" aria-label="Legend">
<span><i class="sample day"></i>known to the day</span>
<span><i class="sample span"></i>several days</span>
<span><i class="sample vague"></i>known only to the month or year</span>
<span><i class="sample approx"></i>~ approximate</span>
</div>
</header>
<div class="main">
<div class="scroller" id="scroller" tabindex="0" aria-label="Timeline, one lane per actor">
<div class="canvas" id="canvas">
<div class="axis"><div class="corner" id="corner"></div><div class="ticks" id="ticks"></div></div>
<div class="grid" id="grid"></div>
<div class="lanes" id="lanes"></div>
<p class="empty" id="empty" hidden>No event matches these filters.</p>
</div>
</div>
<aside id="details" hidden aria-label="Event details">
<button type="button" class="close" id="close" aria-label="Close details">&times;</button>
<div id="details-body"></div>
</aside>
</div>
<noscript><p>This page needs JavaScript to draw the timeline.</p></noscript>
<script type="application/json" id="timeline-data">@@DATA@@</script>
<script>@@SCRIPT@@</script>
</body>
</html>
"""

STYLE = """
:root {
  --bg: #f7f6f2; --fg: #1d1f23; --muted: #5c6169; --line: #e2dfd6; --panel: #fff;
  --accent: #0b57d0; --name-w: 136px; --axis-h: 42px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color-scheme: light;
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body {
  background: var(--bg); color: var(--fg); font-size: 15px; line-height: 1.45;
  display: flex; flex-direction: column;
}
header { padding: 12px 16px 8px; background: var(--panel); border-bottom: 1px solid var(--line); }
h1 { font-size: 1.25rem; margin: 0 0 2px; line-height: 1.25; }
.description { margin: 0 0 8px; color: var(--muted); font-size: .88rem; max-width: 90ch; }
.description:empty { display: none; }
.toolbar { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; }
.toolbar label { display: flex; gap: 6px; align-items: center; font-size: .85rem; color: var(--muted); }
select, input, button { font: inherit; font-size: .9rem; color: var(--fg); }
select, input[type=search] {
  padding: 4px 6px; border: 1px solid #c9c5bb; border-radius: 6px; background: #fff;
  max-width: 62vw;
}
.zoom { display: flex; gap: 4px; }
.zoom button, .close {
  min-width: 34px; height: 32px; padding: 0 8px; border: 1px solid #c9c5bb; border-radius: 6px;
  background: #fff; cursor: pointer;
}
.zoom button:disabled { opacity: .4; cursor: default; }
.count { margin-left: auto; font-size: .85rem; color: var(--muted); }
.types { margin-top: 8px; }
.types summary { cursor: pointer; font-size: .85rem; color: var(--muted); }
.chips { display: flex; flex-wrap: wrap; gap: 4px 6px; margin-top: 6px; }
.chip {
  display: inline-flex; align-items: center; gap: 5px; padding: 2px 9px 2px 5px;
  border: 1px solid var(--line); border-radius: 999px; background: #fff; font-size: .8rem;
  cursor: pointer; user-select: none;
}
.chip input { margin: 0; accent-color: var(--c); }
.chip .swatch { width: 10px; height: 10px; border-radius: 3px; background: var(--c); }
.chip small { color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 6px; font-size: .76rem; color: var(--muted); }
.sample {
  display: inline-block; width: 24px; height: 11px; margin-right: 5px; vertical-align: -1px;
  border-radius: 3px; --c: #5c6169;
}
.sample.day { width: 9px; background: var(--c); }
.sample.span { background: color-mix(in srgb, var(--c) 22%, transparent); border-left: 3px solid var(--c); }
.sample.vague, .ev.vague .bar {
  background: repeating-linear-gradient(135deg,
    color-mix(in srgb, var(--c) 38%, transparent) 0 4px,
    color-mix(in srgb, var(--c) 10%, transparent) 4px 9px);
  border-left: 3px solid var(--c);
}
.sample.approx { background: none; outline: 2px dashed var(--c); outline-offset: -2px; }
.main { flex: 1; min-height: 0; display: flex; }
.scroller { flex: 1; min-width: 0; overflow: auto; position: relative; overscroll-behavior-x: contain; }
.scroller:focus-visible { outline: 2px solid var(--accent); outline-offset: -2px; }
.canvas { position: relative; min-width: 100%; width: max-content; }
.axis {
  position: sticky; top: 0; z-index: 4; display: flex; height: var(--axis-h);
  background: var(--panel); border-bottom: 1px solid var(--line);
}
.corner {
  position: sticky; left: 0; z-index: 5; flex: none; width: var(--name-w); padding: 3px 8px 0;
  background: var(--panel); border-right: 1px solid var(--line); font-size: .8rem;
  font-weight: 650; color: var(--muted);
}
.ticks { position: relative; flex: none; height: 100%; overflow: hidden; }
.tick {
  position: absolute; top: 0; height: 100%; padding: 3px 0 0 5px; border-left: 1px solid #bdb8ad;
  font-size: .8rem; font-weight: 650; white-space: nowrap;
}
.tick.minor {
  top: 22px; height: 20px; padding-top: 1px; border-color: #e0dcd2; font-weight: 400;
  font-size: .68rem; color: var(--muted);
}
.gap {
  position: absolute; top: 0; height: 100%; padding-top: 22px; overflow: hidden; text-align: center;
  white-space: nowrap; font-size: .64rem; color: var(--muted);
  background: repeating-linear-gradient(135deg, #ece9e1 0 3px, transparent 3px 7px);
}
.grid { position: absolute; top: var(--axis-h); bottom: 0; left: var(--name-w); pointer-events: none; }
.grid div { position: absolute; top: 0; bottom: 0; border-left: 1px solid #e8e5dc; }
.grid div.month { border-left-color: #f0eee8; }
.grid div.gap-line { background: repeating-linear-gradient(135deg, #efece5 0 3px, transparent 3px 7px); }
.lanes { position: relative; }
.lane { display: flex; border-bottom: 1px solid var(--line); }
.lane[hidden] { display: none; }
.lane-name {
  position: sticky; left: 0; z-index: 3; flex: none; width: var(--name-w); padding: 6px 8px;
  background: var(--panel); border-right: 1px solid var(--line); font-size: .85rem;
  font-weight: 650; line-height: 1.25; overflow-wrap: anywhere; unicode-bidi: isolate;
}
.lane-name small { display: block; font-weight: 400; color: var(--muted); font-size: .72rem; }
.track { position: relative; flex: none; }
.ev {
  position: absolute; height: 22px; margin: 0; padding: 0; border: 0; background: none;
  color: var(--fg); font: inherit; font-size: 12px; line-height: 22px; text-align: left;
  cursor: pointer; --c: #6b6f76;
}
.ev[hidden] { display: none; }
.ev .bar { position: absolute; left: 0; top: 3px; bottom: 3px; border-radius: 4px; background: var(--c); }
.ev.span .bar { background: color-mix(in srgb, var(--c) 24%, transparent); border-left: 3px solid var(--c); }
.ev.approx .bar { outline: 2px dashed var(--c); outline-offset: -1px; }
.ev .label {
  position: relative; display: block; width: 100%; overflow: hidden; white-space: nowrap;
  text-overflow: ellipsis; unicode-bidi: isolate;
}
.ev[data-status=alleged] .label, .ev[data-status=disputed] .label { font-style: italic; }
.ev:hover .label { text-decoration: underline; }
.ev:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; border-radius: 4px; }
.ev.selected .bar { box-shadow: 0 0 0 2px var(--fg); }
.ev.selected .label { font-weight: 700; }
.empty { padding: 24px; color: var(--muted); }
aside#details {
  flex: none; width: min(420px, 40vw); overflow: auto; padding: 14px 18px 28px;
  background: var(--panel); border-left: 1px solid var(--line); overflow-wrap: anywhere;
}
aside#details[hidden] { display: none; }
.close { float: right; margin: 0 0 6px 8px; font-size: 1.1rem; }
#details h2 { margin: 0 0 6px; font-size: 1.1rem; line-height: 1.3; unicode-bidi: isolate; }
#details h3 {
  margin: 16px 0 4px; font-size: .74rem; letter-spacing: .05em; text-transform: uppercase;
  color: var(--muted);
}
#details p { margin: 0 0 6px; }
#details ul, #details ol { margin: 0; padding-left: 1.3em; }
#details li { margin-bottom: 5px; unicode-bidi: isolate; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 8px 0 0; font-size: .9rem; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; unicode-bidi: isolate; }
.when { font-weight: 650; }
.precision, .edtf, .host, .source-note, .role { color: var(--muted); font-size: .82rem; }
.prose { white-space: pre-line; unicode-bidi: isolate; }
.type-badge {
  display: inline-block; padding: 0 7px; border-radius: 999px; color: #fff; font-size: .78rem;
  background: var(--c);
}
.sources a { color: var(--accent); }
.source-note { display: block; }
.linkish {
  padding: 0; border: 0; background: none; color: var(--accent); text-align: left;
  text-decoration: underline; cursor: pointer; font: inherit;
}
@media (max-width: 720px) {
  :root { --name-w: 84px; }
  body { font-size: 14px; }
  header { padding: 8px 10px 6px; }
  h1 { font-size: 1.05rem; }
  .description { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
  .toolbar { gap: 6px 10px; }
  .count { margin-left: 0; }
  .legend { display: none; }
  .lane-name { padding: 4px 5px; font-size: .74rem; }
  aside#details {
    position: fixed; left: 0; right: 0; bottom: 0; z-index: 10; width: auto; max-height: 72vh;
    border-left: 0; border-top: 1px solid var(--line); border-radius: 14px 14px 0 0;
    box-shadow: 0 -8px 28px rgba(0, 0, 0, .2);
  }
}
"""

SCRIPT = """
"use strict";
(() => {
  const data = JSON.parse(document.getElementById("timeline-data").textContent);
  const DAY_MS = 864e5;
  const ZOOMS = [30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360];
  const ROW = 26;
  const LANE_PAD = 6;
  const GAP_W = 66;
  const START = 10;
  const LABEL_MAX = 240;
  const INSIDE_MIN = 64;
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const byId = (id) => document.getElementById(id);
  const px = (value) => `${Math.round(value * 10) / 10}px`;
  const scroller = byId("scroller");
  const details = byId("details");
  const detailsBody = byId("details-body");

  function node(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = String(text);
    return element;
  }

  function webUrl(url) {
    if (typeof url !== "string" || url === "") return null;
    try {
      const parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? url : null;
    } catch (error) {
      return null;
    }
  }

  const colours = new Map(data.types.map((type) => [type.id, type.colour]));
  const typeNames = new Map(data.types.map((type) => [type.id, type.name]));
  const colourOf = (type) => colours.get(type) || "#6b6f76";
  const yearOf = (day) => new Date(day * DAY_MS).getUTCFullYear();
  function dayOf(year, month) {
    const date = new Date(0);
    date.setUTCFullYear(year, month, 1);
    return Math.round(date.getTime() / DAY_MS);
  }

  // The axis: every year some event touches, and a narrow break for each run of empty years.
  const busy = new Set();
  for (const ev of data.events) {
    for (let year = yearOf(ev.from); year <= yearOf(ev.to - 1); year += 1) busy.add(year);
  }
  const years = [...busy].sort((a, b) => a - b);
  const segments = [];
  years.forEach((year, index) => {
    const missing = index > 0 ? year - years[index - 1] - 1 : 0;
    if (missing === 1) segments.push({ kind: "year", year: year - 1 });
    if (missing > 1) segments.push({ kind: "gap", first: years[index - 1] + 1, last: year - 1 });
    segments.push({ kind: "year", year });
  });
  const yearSegments = new Map();
  for (const segment of segments) {
    if (segment.kind !== "year") continue;
    segment.start = dayOf(segment.year, 0);
    segment.days = dayOf(segment.year + 1, 0) - segment.start;
    yearSegments.set(segment.year, segment);
  }
  const xAt = (day) => {
    const segment = yearSegments.get(yearOf(day));
    return segment.x + ((day - segment.start) / segment.days) * segment.w;
  };
  const xAfter = (dayAfter) => {
    const segment = yearSegments.get(yearOf(dayAfter - 1));
    return segment.x + ((dayAfter - segment.start) / segment.days) * segment.w;
  };

  const state = {
    actor: "",
    types: new Set(data.types.map((type) => type.id)),
    words: [],
    zoom: window.innerWidth < 720 ? 4 : 5,
    selected: null,
  };

  // Header and filters.
  byId("title").textContent = data.title;
  byId("description").textContent = data.description;
  const actorSelect = byId("actor-filter");
  const groups = [["Lanes", true], ["People and organisations", false]];
  for (const [label, lane] of groups) {
    const actors = data.actors.filter((actor) => actor.lane === lane);
    if (actors.length === 0) continue;
    const group = node("optgroup");
    group.setAttribute("label", label);
    for (const actor of actors) {
      const option = node("option", null, actor.name);
      option.value = actor.id;
      group.append(option);
    }
    actorSelect.append(group);
  }
  const chips = byId("type-filter");
  for (const type of data.types) {
    const chip = node("label", "chip");
    chip.style.setProperty("--c", type.colour);
    const box = node("input");
    box.type = "checkbox";
    box.name = "type";
    box.value = type.id;
    box.checked = true;
    box.addEventListener("change", () => {
      if (box.checked) state.types.add(type.id);
      else state.types.delete(type.id);
      applyFilters();
    });
    chip.append(box, node("span", "swatch"), node("span", null, type.name));
    chip.append(" ", node("small", null, type.count));
    chips.append(chip);
  }
  byId("types-box").open = window.innerWidth >= 720;

  // Lanes and the events in them: an event is drawn in the lane of each actor it involves.
  const lanesBox = byId("lanes");
  const lanes = data.lanes.map((lane) => {
    const row = node("div", "lane");
    row.dataset.lane = lane.id;
    const name = node("div", "lane-name");
    const count = node("small");
    name.append(node("span", null, lane.name), count);
    const track = node("div", "track");
    row.append(name, track);
    lanesBox.append(row);
    return { id: lane.id, row, track, count, items: [] };
  });
  const laneById = new Map(lanes.map((lane) => [lane.id, lane]));
  const eventsById = new Map();

  function makeItem(ev, laneId) {
    const item = node("button", "ev");
    item.type = "button";
    item.dataset.id = ev.id;
    item.dataset.lane = laneId;
    item.dataset.type = ev.type;
    item.dataset.status = ev.status;
    item.dataset.precision = ev.precision;
    if (ev.approximate) {
      item.classList.add("approx");
      item.dataset.approximate = "true";
    }
    if (ev.precision !== "day") item.classList.add("vague");
    else if (ev.to - ev.from > 1) item.classList.add("span");
    item.style.setProperty("--c", colourOf(ev.type));
    item.setAttribute("title", `${ev.when} \\u2014 ${ev.title}`);
    item.setAttribute("aria-pressed", "false");
    item.append(node("span", "bar"), node("span", "label", ev.label));
    item.addEventListener("click", () => select(ev.id, "nearest"));
    return item;
  }

  for (const ev of data.events) {
    ev.label = (ev.approximate ? "~ " : "") + ev.title;
    ev.visible = true;
    ev.elements = [];
    ev.haystack = [ev.title, ev.summary, ev.assessment, ev.note, ev.location, ev.id,
      ...ev.actors.map((actor) => actor.name), ...ev.tags].join(" \\n ").toLowerCase();
    eventsById.set(ev.id, ev);
    for (const laneId of ev.lanes) {
      const lane = laneById.get(laneId);
      const item = makeItem(ev, laneId);
      lane.track.append(item);
      lane.items.push({ ev, item });
      ev.elements.push(item);
    }
  }

  // Label widths, measured once in the labels' own font, so that events can be packed in rows.
  const measure = document.createElement("canvas").getContext("2d");
  let labelFont = null;
  function labelWidth(ev, item) {
    if (ev.labelWidth === undefined) {
      if (labelFont === null) {
        const style = getComputedStyle(item);
        labelFont = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      }
      measure.font = labelFont;
      ev.labelWidth = Math.min(LABEL_MAX, Math.ceil(measure.measureText(ev.label).width) + 12);
    }
    return ev.labelWidth;
  }

  function placeSegments() {
    const perYear = ZOOMS[state.zoom];
    let x = START;
    for (const segment of segments) {
      segment.x = x;
      segment.w = segment.kind === "year" ? perYear : GAP_W;
      x += segment.w;
    }
    return x;
  }

  function drawAxis(width) {
    const ticks = byId("ticks");
    const grid = byId("grid");
    ticks.replaceChildren();
    grid.replaceChildren();
    ticks.style.width = px(width);
    grid.style.width = px(width);
    const perYear = ZOOMS[state.zoom];
    const line = (x, className) => {
      const element = node("div", className);
      element.style.left = px(x);
      grid.append(element);
      return element;
    };
    for (const segment of segments) {
      if (segment.kind === "gap") {
        const span = `${segment.first}\\u2013${segment.last}`;
        const gap = node("div", "gap", segment.w > 60 ? span : "");
        gap.setAttribute("title", `No events in ${span}`);
        gap.style.left = px(segment.x);
        gap.style.width = px(segment.w);
        ticks.append(gap);
        line(segment.x, "gap-line").style.width = px(segment.w);
        continue;
      }
      const tick = node("div", "tick", segment.year);
      tick.style.left = px(segment.x);
      ticks.append(tick);
      line(segment.x, "year");
      if (perYear < 240) continue;
      for (let month = 0; month < 12; month += 1) {
        const x = xAt(dayOf(segment.year, month));
        const name = perYear >= 960 ? MONTHS[month] : MONTHS[month][0];
        const minor = node("div", "tick minor", name);
        minor.style.left = px(x);
        ticks.append(minor);
        if (month > 0) line(x, "month");
      }
    }
  }

  function layout() {
    const width = placeSegments() + LABEL_MAX;
    drawAxis(width);
    let shown = 0;
    for (const ev of data.events) if (ev.visible) shown += 1;
    for (const lane of lanes) {
      const visible = lane.items.filter(({ ev }) => ev.visible);
      lane.row.hidden = visible.length === 0;
      lane.count.textContent = `${visible.length} event${visible.length === 1 ? "" : "s"}`;
      for (const { ev, item } of lane.items) item.hidden = !ev.visible;
      visible.sort((a, b) => a.ev.from - b.ev.from || a.ev.to - b.ev.to);
      const rowEnds = [];
      for (const { ev, item } of visible) {
        const left = xAt(ev.from);
        const bar = Math.max(8, xAfter(ev.to) - left);
        const label = labelWidth(ev, item);
        const inside = bar >= INSIDE_MIN;
        const itemWidth = inside ? Math.max(bar, label) : bar + 4 + label;
        let row = rowEnds.findIndex((end) => end <= left);
        if (row < 0) {
          row = rowEnds.length;
          rowEnds.push(0);
        }
        rowEnds[row] = left + itemWidth + 6;
        item.style.left = px(left);
        item.style.top = px(LANE_PAD + row * ROW);
        item.style.width = px(itemWidth);
        item.firstChild.style.width = px(bar);
        item.lastChild.style.paddingLeft = px(inside ? 8 : bar + 4);
      }
      lane.track.style.width = px(width);
      lane.track.style.height = px(LANE_PAD * 2 + Math.max(1, rowEnds.length) * ROW);
    }
    const total = data.events.length;
    byId("count").textContent = shown === total
      ? `${total} event${total === 1 ? "" : "s"}`
      : `${shown} of ${total} events`;
    byId("empty").hidden = shown > 0;
    byId("zoom-in").disabled = state.zoom === ZOOMS.length - 1;
    byId("zoom-out").disabled = state.zoom === 0;
    showYearInView();
  }

  function applyFilters() {
    for (const ev of data.events) {
      ev.visible = (state.actor === "" || ev.involves.includes(state.actor))
        && state.types.has(ev.type)
        && state.words.every((word) => ev.haystack.includes(word));
    }
    layout();
  }

  actorSelect.addEventListener("change", () => {
    state.actor = actorSelect.value;
    applyFilters();
  });
  byId("search").addEventListener("input", (event) => {
    state.words = event.target.value.toLowerCase().split(/\\s+/).filter(Boolean);
    applyFilters();
  });

  // Zoom around the middle of what is in view.
  function setZoom(next) {
    const zoom = Math.max(0, Math.min(ZOOMS.length - 1, next));
    if (zoom === state.zoom || segments.length === 0) return;
    const nameWidth = lanesBox.querySelector(".lane-name")?.offsetWidth || 0;
    const half = (scroller.clientWidth - nameWidth) / 2;
    const middle = scroller.scrollLeft + half;
    const anchor = segments.find((segment) => segment.x + segment.w > middle)
      || segments[segments.length - 1];
    const fraction = Math.max(0, Math.min(1, (middle - anchor.x) / anchor.w));
    state.zoom = zoom;
    layout();
    scroller.scrollLeft = anchor.x + fraction * anchor.w - half;
  }
  function fit() {
    const nameWidth = lanesBox.querySelector(".lane-name")?.offsetWidth || 0;
    const room = scroller.clientWidth - nameWidth - START - 24;
    const yearCount = segments.filter((segment) => segment.kind === "year").length;
    const gapWidth = (segments.length - yearCount) * GAP_W;
    let zoom = 0;
    while (zoom + 1 < ZOOMS.length && ZOOMS[zoom + 1] * yearCount + gapWidth <= room) zoom += 1;
    state.zoom = zoom;
    layout();
    scroller.scrollLeft = 0;
  }
  // The corner above the lane names says which year the left edge of the view is in.
  function showYearInView() {
    const left = scroller.scrollLeft;
    const segment = segments.find((each) => each.x + each.w > left + 1);
    let text = "";
    if (segment && segment.kind === "year") text = String(segment.year);
    else if (segment) text = `${segment.first}\u2013${segment.last}`;
    byId("corner").textContent = text;
  }
  scroller.addEventListener("scroll", showYearInView, { passive: true });
  byId("zoom-in").addEventListener("click", () => setZoom(state.zoom + 1));
  byId("zoom-out").addEventListener("click", () => setZoom(state.zoom - 1));
  byId("zoom-fit").addEventListener("click", fit);

  // The details panel: every piece of text goes in through textContent.
  function section(title, content) {
    detailsBody.append(node("h3", null, title));
    detailsBody.append(content);
  }
  function prose(text) {
    return node("p", "prose", text);
  }
  function fact(list, term, value) {
    if (value === "" || value === null || value === undefined) return;
    list.append(node("dt", null, term));
    const dd = node("dd");
    dd.append(value);
    list.append(dd);
  }

  function fillDetails(ev) {
    detailsBody.replaceChildren();
    detailsBody.append(node("h2", null, ev.title));
    const when = node("span");
    when.append(node("span", "when", ev.when));
    if (ev.precision !== "day") when.append(" ", node("span", "precision", `(known to the ${ev.precision})`));
    when.append(" ", node("span", "edtf", ev.edtf));
    const badge = node("span", "type-badge", typeNames.get(ev.type) || ev.type);
    badge.style.setProperty("--c", colourOf(ev.type));
    const facts = node("dl", "facts");
    fact(facts, "When", when);
    fact(facts, "Type", badge);
    fact(facts, "Status", ev.status);
    fact(facts, "Where", ev.location);
    if (ev.tags.length) fact(facts, "Tags", ev.tags.join(", "));
    detailsBody.append(facts);
    if (ev.actors.length) {
      const list = node("ul", "actors");
      for (const actor of ev.actors) {
        const item = node("li", null, actor.name);
        if (actor.role) item.append(" ", node("span", "role", `(${actor.role})`));
        list.append(item);
      }
      section("Actors", list);
    }
    section("Summary", prose(ev.summary));
    if (ev.assessment) section("Assessment", prose(ev.assessment));
    if (ev.note) section("Note", prose(ev.note));
    if (ev.sources.length) {
      const list = node("ol", "sources");
      for (const source of ev.sources) {
        const item = node("li");
        const label = `${source.publisher} \\u2014 ${source.title}`;
        const href = webUrl(source.url);
        if (href) {
          const link = node("a", null, label);
          link.setAttribute("href", href);
          link.setAttribute("target", "_blank");
          link.setAttribute("rel", "noopener noreferrer");
          item.append(link);
        } else {
          item.append(node("span", null, label));
        }
        if (source.published) item.append(` (${source.published})`);
        if (href) item.append(" ", node("span", "host", new URL(href).host));
        else item.append(" ", node("span", "host", "(no web link)"));
        if (source.note) item.append(node("span", "source-note", source.note));
        list.append(item);
      }
      section("Sources", list);
    }
    if (ev.related.length) {
      const list = node("ul", "related");
      for (const related of ev.related) {
        const item = node("li", null, `${related.rel} `);
        if (related.here) {
          const button = node("button", "linkish", related.title);
          button.type = "button";
          button.dataset.related = related.id;
          button.addEventListener("click", () => select(related.id, true));
          item.append(button);
        } else {
          item.append(node("span", null, related.title));
        }
        item.append(" ", node("span", "precision", `(${related.when})`));
        list.append(item);
      }
      section("Related", list);
    }
  }

  function select(id, reveal) {
    const ev = eventsById.get(id);
    if (!ev) return;
    for (const item of document.querySelectorAll(".ev.selected")) {
      item.classList.remove("selected");
      item.setAttribute("aria-pressed", "false");
    }
    for (const item of ev.elements) {
      item.classList.add("selected");
      item.setAttribute("aria-pressed", "true");
    }
    state.selected = id;
    fillDetails(ev);
    details.hidden = false;
    details.scrollTop = 0;
    const shown = ev.elements.find((item) => !item.hidden);
    // The panel takes room from the timeline: keep the chosen event in view.
    if (reveal && shown) {
      shown.scrollIntoView({ block: "nearest", inline: reveal === "nearest" ? "nearest" : "center" });
    }
    try {
      history.replaceState(null, "", `#${encodeURIComponent(id)}`);
    } catch (error) {
      // Some file: URLs cannot be rewritten; the page works the same without it.
    }
  }

  function closeDetails() {
    details.hidden = true;
    state.selected = null;
    for (const item of document.querySelectorAll(".ev.selected")) {
      item.classList.remove("selected");
      item.setAttribute("aria-pressed", "false");
    }
    try {
      history.replaceState(null, "", location.pathname + location.search);
    } catch (error) {
      // As above.
    }
  }
  byId("close").addEventListener("click", closeDetails);
  document.addEventListener("keydown", (event) => {
    const typing = event.target instanceof HTMLInputElement
      || event.target instanceof HTMLSelectElement;
    if (event.key === "Escape" && !details.hidden) closeDetails();
    else if (!typing && (event.key === "+" || event.key === "=")) setZoom(state.zoom + 1);
    else if (!typing && event.key === "-") setZoom(state.zoom - 1);
  });

  layout();
  let wanted = "";
  try {
    wanted = decodeURIComponent(location.hash.slice(1));
  } catch (error) {
    wanted = "";
  }
  if (eventsById.has(wanted)) select(wanted, true);
  document.documentElement.dataset.ready = "true";
})();
"""
