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
  const colourOf = (type) => colours.get(type) || "var(--muted)";
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
    for (const segment of segments) {
      if (segment.kind === "gap") {
        const span = `${segment.first}\u2013${segment.last}`;
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
    state.words = event.target.value.toLowerCase().split(/\s+/).filter(Boolean);
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
        const label = `${source.publisher} \u2014 ${source.title}`;
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
