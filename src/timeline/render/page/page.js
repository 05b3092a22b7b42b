"use strict";
(() => {
  const data = JSON.parse(document.getElementById("timeline-data").textContent);
  // Pixels per year. The last levels (an hour 28 to 110 pixels wide) are for logs with times.
  const ZOOMS = [30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360,
    61440, 245760, 983040];
  const DAY_ZOOM = 7680;
  const ROW = 26;
  const LANE_PAD = 6;
  const GAP_W = 66;
  const START = 10;
  const LABEL_MAX = 240;
  const ERA_ROW = 20;
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
  const colourOf = (type) => colours.get(type) || "var(--muted)";
  // The axis, as the page's data gives it (days from 1970-01-01, for any year, BCE included):
  // every year some event touches, and a narrow break for each run of empty years.
  const segments = data.segments;
  const lengthOf = (segment) => (segment.kind === "year" ? segment.days : segment.end - segment.start);
  function segmentAt(day) {
    let low = 0;
    let high = segments.length - 1;
    let found = 0;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (segments[middle].start <= day) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return segments[found];
  }
  function xOf(segment, day) {
    const fraction = Math.max(0, Math.min(1, (day - segment.start) / lengthOf(segment)));
    return segment.x + fraction * segment.w;
  }
  const xAt = (day) => (segments.length ? xOf(segmentAt(day), day) : START);
  const xAfter = (dayAfter) => (segments.length ? xOf(segmentAt(dayAfter - 1), dayAfter) : START);
  const timed = data.events.some((ev) => ev.precision === "minute" || ev.precision === "second");
  // Browsers lay nothing out beyond about 33 million pixels: the closest zoom keeps the whole
  // axis well inside that.
  const MAX_WIDTH = 16e6;
  const yearSegments = segments.filter((segment) => segment.kind === "year").length;
  let MAX_ZOOM = timed ? ZOOMS.length - 1 : ZOOMS.indexOf(15360);
  while (MAX_ZOOM > 0 && ZOOMS[MAX_ZOOM] * yearSegments > MAX_WIDTH) MAX_ZOOM -= 1;

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
    if (ev.precision === "year" || ev.precision === "month") item.classList.add("vague");
    else if (ev.to - ev.from > 1) item.classList.add("span");
    if (ev.window) item.classList.add("window");
    if (ev.ongoing) item.classList.add("ongoing");
    item.style.setProperty("--c", colourOf(ev.type));
    item.setAttribute("title", `${ev.when} \u2014 ${ev.title}`);
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
      ...ev.actors.map((actor) => actor.name), ...ev.tags].join(" \n ").toLowerCase();
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
    let labelsEnd = -Infinity; // a year's label is left out where the one before runs over it
    segments.forEach((segment, index) => {
      // A label runs on over the years after it, never into a break.
      const gapAfter = segments.slice(index + 1).find((each) => each.kind === "gap");
      segment.room = (gapAfter ? gapAfter.x : width) - segment.x;
    });
    for (const segment of segments) {
      if (segment.kind === "gap") {
        const span = segment.label;
        const gap = node("div", "gap", segment.w > 60 ? span : "");
        gap.setAttribute("title", `No events in ${span}`);
        gap.style.left = px(segment.x);
        gap.style.width = px(segment.w);
        ticks.append(gap);
        line(segment.x, "gap-line").style.width = px(segment.w);
        continue;
      }
      const room = segment.x >= labelsEnd;
      const tick = node("div", "tick", room ? segment.label : "");
      tick.style.left = px(segment.x);
      tick.style.maxWidth = px(segment.room);
      tick.setAttribute("title", segment.label);
      ticks.append(tick);
      if (room) labelsEnd = segment.x + Math.min(segment.room, textWidth(segment.label) + 10);
      line(segment.x, "year");
      if (perYear < 240) continue;
      for (let month = 0; month < 12; month += 1) {
        const x = xAt(segment.months[month]);
        const name = perYear >= 960 ? MONTHS[month] : MONTHS[month][0];
        const minor = node("div", "tick minor", name);
        minor.style.left = px(x);
        ticks.append(minor);
        if (month > 0) line(x, "month");
      }
      if (perYear >= DAY_ZOOM) drawDays(segment, perYear, line);
    }
    if (timed && perYear >= ZOOMS[10]) drawHours(perYear, line);
  }

  const axisFont = document.createElement("canvas").getContext("2d");
  function textWidth(text) {
    axisFont.font = "650 12.8px system-ui, sans-serif"; // a year label's, as page.css sets it
    return axisFont.measureText(text).width;
  }

  // Close in, a tick for each day (numbered once there is room), and on the days that hold an
  // event known to the minute, the hours in UTC.
  function drawDays(segment, perYear, line) {
    const ticks = byId("ticks");
    const perDay = perYear / 365;
    for (let month = 0; month < 12; month += 1) {
      const first = segment.months[month];
      const next = month < 11 ? segment.months[month + 1] : segment.start + segment.days;
      for (let day = first + 1; day < next; day += 1) {
        const x = xAt(day);
        line(x, "day");
        const number = day - first + 1;
        if (perDay >= 24 || number % 5 === 0) {
          const tick = node("div", "tick minor day", String(number));
          tick.style.left = px(x);
          ticks.append(tick);
        }
      }
    }
  }
  function drawHours(perYear, line) {
    const ticks = byId("ticks");
    const perHour = perYear / 365 / 24;
    const step = perHour >= 40 ? 1 : perHour >= 14 ? 3 : 6;
    for (const day of data.clockDays) {
      for (let hour = step; hour < 24; hour += step) {
        const x = xAt(day + hour / 24);
        line(x, "hour");
        const clock = `${String(hour).padStart(2, "0")}:00`;
        const tick = node("div", "tick minor hour", hour === step ? `${clock} UTC` : clock);
        tick.setAttribute("title", `${clock} UTC`);
        tick.style.left = px(x);
        ticks.append(tick);
      }
    }
  }

  // Eras: a band behind the lanes, and the era's name in the strip above them.
  function drawEras(width) {
    const strip = byId("eras");
    strip.replaceChildren();
    strip.style.width = px(width);
    const rows = data.eras.reduce((most, era) => Math.max(most, era.row + 1), 0);
    byId("era-row").hidden = rows === 0;
    strip.style.height = px(rows * ERA_ROW);
    for (const era of data.eras) {
      const left = xAt(era.from);
      const width = Math.max(4, xAfter(era.to) - left);
      const band = node("div", "era-band");
      band.style.left = px(left);
      band.style.width = px(width);
      byId("grid").append(band);
      const name = node("div", era.ongoing ? "era ongoing" : "era", era.title);
      name.setAttribute("title", `${era.title}: ${era.when}${era.note ? ` \u2014 ${era.note}` : ""}`);
      name.style.left = px(left);
      name.style.width = px(width);
      name.style.top = px(era.row * ERA_ROW);
      strip.append(name);
    }
  }

  function layout() {
    const width = placeSegments() + LABEL_MAX;
    drawAxis(width);
    drawEras(width);
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
    byId("zoom-in").disabled = state.zoom === MAX_ZOOM;
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
    state.words = event.target.value.toLowerCase().split(/\s+/).filter(Boolean);
    applyFilters();
  });

  // Zoom around the middle of what is in view.
  function setZoom(next) {
    const zoom = Math.max(0, Math.min(MAX_ZOOM, next));
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
    while (zoom + 1 <= MAX_ZOOM && ZOOMS[zoom + 1] * yearCount + gapWidth <= room) zoom += 1;
    state.zoom = zoom;
    layout();
    scroller.scrollLeft = 0;
  }
  // The corner above the lane names says which year the left edge of the view is in.
  function showYearInView() {
    const left = scroller.scrollLeft;
    const segment = segments.find((each) => each.x + each.w > left + 1);
    let text = "";
    if (segment) text = segment.label;
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
    if ((ev.precision === "year" || ev.precision === "month") && !ev.window) {
      when.append(" ", node("span", "precision", `(known to the ${ev.precision})`));
    }
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
    if (ev.media) {
      const href = webUrl(ev.media.url);
      const label = ev.media.caption || "Media";
      const media = node("p");
      if (href) {
        const link = node("a", null, label);
        link.setAttribute("href", href);
        link.setAttribute("target", "_blank");
        link.setAttribute("rel", "noopener noreferrer");
        media.append(link, " ", node("span", "host", new URL(href).host));
      } else {
        media.append(node("span", null, label));
      }
      if (ev.media.credit) media.append(node("span", "source-note", ev.media.credit));
      section("Media", media);
    }
    if (ev.sources.length) {
      const list = node("ol", "sources");
      for (const source of ev.sources) {
        const item = node("li");
        const label = source.label;
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
        const archive = webUrl(source.archive);
        if (archive) {
          const copy = node("a", "archive", "archived copy");
          copy.setAttribute("href", archive);
          copy.setAttribute("target", "_blank");
          copy.setAttribute("rel", "noopener noreferrer");
          item.append(" ", copy);
        }
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
