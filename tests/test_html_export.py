"""The HTML export: one self-contained page, checked as text and read by a real browser."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.browser import Browser, launch
from tests.conftest import HOSTILE, SMALL, everything

from timeline.dates import PartialDate
from timeline.model import Actor, ActorRef, Event, Location, Log, Source
from timeline.query import Filters, select
from timeline.render.page import (
    _assets,
    content_security_policy,
    html_page,
    page_data,
    write_html,
)
from timeline.render.phrases import spelled
from timeline.store import bundled_log_path, load_log

READY = "document.documentElement.dataset.ready === 'true'"
STYLE, SCRIPT = _assets().style, _assets().script
PWNED = [
    "<img src=x onerror=\"document.title='pwned'\">",
    "<script>document.title='pwned'</script>",
    '<svg onload="alert(1)"></svg>',
    "</script><script>alert(2)</script>",
    "<!--",
    "\u2028line\u2029separators",
]


def hostile_log() -> Log:
    """A log no validator would pass: markup everywhere, and sources with non-web URLs."""
    sources = (
        Source("web", PWNED[0], PWNED[1], "https://example.org/a?b=c&d=<e>", PartialDate("2020")),
        Source("js", "<b>Bad</b>", "javascript link", "javascript:alert(document.domain)"),
        Source("data", "Data", "data link", "data:text/html,<script>alert(3)</script>"),
        Source("spaced", "Spaced", "spaced link", " javascript:alert(4)"),
    )
    actors = (
        Actor("EVIL", PWNED[2], "state"),
        Actor("agent", PWNED[3], "person", member_of=("EVIL",)),
    )
    events = tuple(
        Event(
            id=f"pwned-{index}",
            title=text,
            date=PartialDate(f"2020-01-{index + 1:02d}"),
            type="statement",
            actors=(ActorRef("EVIL"), ActorRef("agent", role=PWNED[0])),
            summary=f"Summary {text}",
            assessment=PWNED[(index + 1) % len(PWNED)],
            note=PWNED[(index + 2) % len(PWNED)],
            location=Location(PWNED[4], None),
            tags=("<i>tag</i>",),
            sources=("web", "js", "data", "spaced"),
        )
        for index, text in enumerate(PWNED)
    )
    return Log(title="Hostile <title> & test", actors=actors, sources=sources, events=events)


def page_for(log: Log, path: Path, filters: Filters | None = None) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        write_html(select(log, filters or Filters(), with_related=True), stream)
    return path


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data_blocks: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if self.tags and self.tags[-1][0] == "script":
            self.data_blocks.append(data)


def parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def data_block(page: str) -> str:
    match = re.search(
        r'<script type="application/json" id="timeline-data">(.*?)</script>', page, re.S
    )
    assert match, "no data block"
    return match[1]


# The page as text


def test_page_is_self_contained() -> None:
    log = load_log(bundled_log_path())
    page = html_page(everything(log))
    parsed = parse(page)
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, f"<{tag}> loads {attrs['src']}"
        assert tag != "link", "no external stylesheet or icon"
        assert "href" not in attrs, f"<{tag}> links to {attrs['href']}"
        assert "style" not in attrs, "inline style attributes would need 'unsafe-inline'"
        assert not any(name.startswith("on") for name in attrs), f"<{tag}> has a handler"
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "timeline-data"}, {}]
    assert re.search(r"https?://", SCRIPT + STYLE) is None
    assert "@import" not in STYLE and "url(" not in STYLE
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert page.startswith("<!DOCTYPE html>")


def test_content_security_policy_is_strict_and_matches_the_inline_blocks() -> None:
    import base64
    import hashlib

    log = load_log(SMALL)
    page = html_page(everything(log))
    csp = content_security_policy()
    assert f'<meta http-equiv="Content-Security-Policy" content="{csp}">' in page
    directives = dict(part.split(" ", 1) for part in csp.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "data:"
    assert "unsafe" not in csp
    script = re.findall(r"<script>(.*?)</script>", page, re.S)
    style = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert script == [SCRIPT] and style == [STYLE]
    for directive, text in (("script-src", SCRIPT), ("style-src", STYLE)):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert directives[directive] == f"'sha256-{digest}'"
    # The CSP comes before anything it governs.
    assert page.index("Content-Security-Policy") < page.index("<style>")


@pytest.mark.parametrize("source", ["fixture", "constructed"])
def test_data_block_escapes_everything_that_could_end_it(source: str) -> None:
    log = load_log(HOSTILE) if source == "fixture" else hostile_log()
    page = html_page(everything(log))
    block = data_block(page)
    for character in ("<", ">", "&", "\u2028", "\u2029"):
        assert character not in block
    assert json.loads(block) == json.loads(json.dumps(page_data(everything(log))))
    # Exactly the page's own two scripts, however many the log tried to add.
    assert page.count("<script") == 2
    assert page.lower().count("</script") == 2


def test_hostile_strings_never_appear_in_html_context() -> None:
    for log in (load_log(HOSTILE), hostile_log()):
        page = html_page(everything(log))
        outside_data = page.replace(data_block(page), "")
        for needle in ("<img", "<svg", "onerror", "onload", "alert(", "javascript:", "<b>", "<!--"):
            assert needle not in outside_data.lower(), needle
        tags = {tag for tag, _ in parse(page).tags}
        assert tags <= {
            *("html", "head", "meta", "title", "style", "body", "header", "h1", "p", "div"),
            *("label", "select", "option", "input", "button", "span", "details", "summary"),
            *("i", "aside", "noscript", "script"),
        }
    page = html_page(everything(hostile_log()))
    assert "<title>Hostile &lt;title&gt; &amp; test</title>" in page


def test_only_web_urls_reach_the_page() -> None:
    data = page_data(everything(hostile_log()))
    urls = {source["url"] for event in data["events"] for source in event["sources"]}
    assert urls == {"https://example.org/a?b=c&d=<e>", ""}


def test_events_carry_their_real_precision() -> None:
    log = load_log(SMALL)
    data = {event["id"]: event for event in page_data(everything(log))["events"]}
    year = data["launches-2022"]
    assert year["precision"] == "year" and year["when"] == "2022"
    assert year["to"] - year["from"] == 365  # every day of 2022, the first to the last
    hanoi = data["hanoi-2019"]
    assert (hanoi["precision"], hanoi["when"], hanoi["to"] - hanoi["from"]) == (
        "day",
        "27–28 February 2019",
        2,
    )
    arms = data["arms-2023"]
    assert arms["approximate"] and arms["when"] == "about September 2023 – June 2024"
    assert arms["edtf"] == "2023-09~/2024-06~"
    assert data["drill-2023"]["when"] == "August 2023"
    assert data["singapore-2018"]["when"] == "12 June 2018"


def test_human_dates_never_invent_precision() -> None:
    def event(date: str, end: str | None = None, approximate: bool = False) -> Event:
        return Event(
            "e",
            "t",
            PartialDate(date),
            "meeting",
            (),
            "s",
            end=PartialDate(end) if end else None,
            approximate=approximate,
        )

    assert spelled(event("2024-06-27", "2024-07-01")) == "27 June – 1 July 2024"
    assert spelled(event("2023-12-30", "2024-01-02")) == "30 December 2023 – 2 January 2024"
    assert spelled(event("2022-09", "2024", approximate=True)) == "about September 2022 – 2024"
    assert spelled(event("2023-03", "2023-05")) == "March – May 2023"
    assert spelled(event("0950")) == "950"


def test_lanes_are_top_level_actors_and_people_count_for_their_state() -> None:
    log = load_log(SMALL)
    data = page_data(everything(log))
    events = {event["id"]: event for event in data["events"]}
    # The DMZ meeting has only people as actors; each is drawn in their state's lane.
    assert events["dmz-2019"]["lanes"] == ["DPRK", "USA", "ROK"]
    assert "DPRK" in events["dmz-2019"]["involves"]
    lanes = [lane["id"] for lane in data["lanes"]]
    assert set(lanes) == {"DPRK", "USA", "ROK", "RUS"}
    assert lanes[0] == "DPRK"  # the busiest lane first
    assert "unused-org" not in {actor["id"] for actor in data["actors"]}


def test_an_empty_selection_still_makes_a_page() -> None:
    log = load_log(SMALL)
    page = html_page(everything(log, []))
    assert json.loads(data_block(page))["events"] == []


# The page in a browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch(1440, 960) as opened:
        yield opened


@pytest.fixture(scope="module")
def bundled() -> Log:
    return load_log(bundled_log_path())


def visible_ids(browser: Browser) -> set[str]:
    return set(browser.attributes(".ev", "data-id", visible_only=True))


def assert_quiet(browser: Browser, page: Path) -> None:
    """No console error, and no request but the page itself."""
    assert browser.console_errors() == []
    assert browser.requested_urls() == [page.resolve().as_uri()]


def test_browser_shows_every_event(browser: Browser, bundled: Log, tmp_path: Path) -> None:
    page = page_for(bundled, tmp_path / "timeline.html")
    browser.open(page, ready=READY)
    assert visible_ids(browser) == {event.id for event in bundled.events}
    assert len(bundled.events) >= 120
    # An event is drawn once per lane it belongs to, and every drawing is the same event.
    hanoi = browser.all('.ev[data-id="hanoi-2019"]')
    assert {element.get_attribute("data-lane") for element in hanoi} == {"DPRK", "USA"}
    assert browser.one("#count").text == f"{len(bundled.events)} events"
    assert browser.title == bundled.title
    browser.screenshot(tmp_path / "bundled.png")
    assert_quiet(browser, page)


def test_browser_draws_dates_at_their_precision(
    browser: Browser, bundled: Log, tmp_path: Path
) -> None:
    page = page_for(bundled, tmp_path / "timeline.html")
    browser.open(page, ready=READY)
    widths = browser.run(
        """
        const width = (id) => document.querySelector(`.ev[data-id="${id}"] .bar`)
          .getBoundingClientRect().width;
        const ticks = [...document.querySelectorAll('.tick:not(.minor)')];
        const x = (year) => ticks.find((tick) => tick.textContent === String(year))
          .getBoundingClientRect().left;
        return {
          year: width('missile-record-2019'), yearAxis: x(2020) - x(2019),
          days: width('kentucky-busan-2023'), day: width('ncg-2023'),
          month: width('dprk-troops-russia-2024'),
        };
        """
    )
    assert widths["year"] == pytest.approx(widths["yearAxis"], abs=2)
    assert widths["month"] == pytest.approx(widths["yearAxis"] * 31 / 366, abs=2)
    assert widths["days"] == pytest.approx(widths["yearAxis"] * 4 / 365, abs=2)
    assert widths["day"] < widths["days"]
    precision = browser.one('.ev[data-id="missile-record-2019"]').get_attribute("data-precision")
    assert precision == "year"
    arms = browser.one('.ev[data-id="russia-dprk-arms-2023"]')
    assert arms.get_attribute("data-approximate") == "true"
    assert arms.text.startswith("~ ")


def test_browser_zooms_and_scrolls(browser: Browser, bundled: Log, tmp_path: Path) -> None:
    page = page_for(bundled, tmp_path / "timeline.html")
    browser.open(page, ready=READY)

    def year_width() -> float:
        return float(
            browser.run(
                "return document.querySelector('.ev[data-id=\"missile-record-2019\"] .bar')"
                ".getBoundingClientRect().width;"
            )
        )

    before = year_width()
    browser.click("#zoom-in")
    assert year_width() == pytest.approx(before * 2, rel=0.01)
    browser.click("#zoom-out")
    browser.click("#zoom-out")
    assert year_width() == pytest.approx(before / 2, rel=0.01)
    assert browser.run("const s = document.getElementById('scroller'); return s.scrollWidth;") > 0
    browser.click("#zoom-fit")
    fits = browser.run(
        "const s = document.getElementById('scroller'); return s.scrollWidth <= s.clientWidth + 260;"
    )
    assert fits
    assert visible_ids(browser) == {event.id for event in bundled.events}


def test_browser_filters_by_actor_and_type(browser: Browser, bundled: Log, tmp_path: Path) -> None:
    page = page_for(bundled, tmp_path / "timeline.html")
    browser.open(page, ready=READY)
    for actor in ("DPRK", "RUS", "kim-jong-un"):
        browser.choose("#actor-filter", actor)
        expected = {event.id for event in select(bundled, Filters(actors=(actor,))).events}
        assert visible_ids(browser) == expected, actor
        assert 0 < len(expected) < len(bundled.events)
        count = browser.one("#count").text
        assert count == f"{len(expected)} of {len(bundled.events)} events"
    # Lanes with nothing left to show fold away.
    browser.choose("#actor-filter", "RUS")
    lanes = set(browser.attributes(".lane", "data-lane", visible_only=True))
    assert "RUS" in lanes and "AUS" not in lanes
    browser.choose("#actor-filter", "")
    assert visible_ids(browser) == {event.id for event in bundled.events}
    # Types: leave only summits and weapons tests checked.
    for box in browser.all('input[name="type"]'):
        if box.get_attribute("value") not in ("summit", "weapons-test"):
            browser.click(box)
    expected = {
        event.id for event in select(bundled, Filters(types=("summit", "weapons-test"))).events
    }
    assert visible_ids(browser) == expected
    # Both filters at once.
    browser.choose("#actor-filter", "RUS")
    expected = {
        event.id
        for event in select(
            bundled, Filters(actors=("RUS",), types=("summit", "weapons-test"))
        ).events
    }
    assert visible_ids(browser) == expected
    assert {"kim-putin-2023", "putin-kim-beijing-2025"} <= expected
    assert_quiet(browser, page)


def test_browser_search_box(browser: Browser, bundled: Log, tmp_path: Path) -> None:
    page = page_for(bundled, tmp_path / "timeline.html")
    browser.open(page, ready=READY)
    browser.one("#search").send_keys("kentucky")
    assert "kentucky-busan-2023" in visible_ids(browser)
    assert len(visible_ids(browser)) < 10


def test_browser_details_show_the_sources(browser: Browser, bundled: Log, tmp_path: Path) -> None:
    page = page_for(bundled, tmp_path / "timeline.html")
    browser.open(page, ready=READY)
    assert not browser.one("#details").is_displayed()
    event = bundled.events_by_id["kentucky-busan-2023"]
    browser.click('.ev[data-id="kentucky-busan-2023"]')
    panel = browser.one("#details")
    assert panel.is_displayed()
    assert browser.one("#details h2").text == event.title
    assert browser.one("#details .when").text == "18–21 July 2023"
    assert event.summary[:60] in panel.text
    assert event.assessment is not None and event.assessment[:60] in panel.text
    assert event.note is not None and event.note[:60] in panel.text
    links = browser.all("#details ol.sources li a")
    sources = [bundled.sources_by_id[source_id] for source_id in event.sources]
    assert [link.get_attribute("href") for link in links] == [source.url for source in sources]
    for link, source in zip(links, sources, strict=True):
        assert link.text == source.label
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in (link.get_attribute("rel") or "")
    items = browser.all("#details ol.sources li")
    assert len(items) == len(sources) and "(2023-07-18)" in items[0].text
    assert all(
        element.get_attribute("aria-pressed") == "true"
        for element in browser.all('.ev[data-id="kentucky-busan-2023"]')
    )
    # A related event opens from the panel.
    browser.click('#details button[data-related="ncg-2023"]')
    assert browser.one("#details h2").text == bundled.events_by_id["ncg-2023"].title
    browser.screenshot(tmp_path / "details.png")
    browser.click("#close")
    assert not browser.one("#details").is_displayed()
    assert_quiet(browser, page)


def test_browser_opens_the_event_named_in_the_address(
    browser: Browser, bundled: Log, tmp_path: Path
) -> None:
    page = page_for(bundled, tmp_path / "timeline.html")
    browser.open(page, ready=READY, fragment="hanoi-2019")
    assert browser.one("#details").is_displayed()
    assert browser.one("#details h2").text == bundled.events_by_id["hanoi-2019"].title


@pytest.mark.parametrize("source", ["fixture", "constructed"])
def test_browser_runs_no_script_from_a_hostile_log(
    browser: Browser, tmp_path: Path, source: str
) -> None:
    log = load_log(HOSTILE) if source == "fixture" else hostile_log()
    page = page_for(log, tmp_path / "hostile.html")
    browser.open(page, ready=READY)
    title = browser.title
    assert "pwned" not in title
    if source == "constructed":
        assert title == log.title
    ids = [event.id for event in log.events]
    assert visible_ids(browser) == set(ids)
    for event_id in ids:
        browser.click(f'.ev[data-id="{event_id}"]')
        assert browser.alert_text() is None
        # The text is shown as text, exactly as the log has it.
        assert browser.run("return document.querySelector('#details h2').textContent;") == (
            log.events_by_id[event_id].title
        )
        hrefs = browser.attributes("a", "href")
        assert all(href.startswith(("https://", "http://")) for href in hrefs), hrefs
    browser.one("#search").send_keys("script")
    assert browser.alert_text() is None
    assert browser.title == title
    assert browser.run("return document.querySelectorAll('script').length;") == 2
    assert browser.run("return document.querySelectorAll('img, svg, iframe, object').length;") == 0
    assert browser.run("return window.name;") == ""
    if source == "constructed":
        # The one web source is a link; the javascript:, data: and spaced ones are plain text.
        links = browser.all("#details ol.sources a")
        assert [link.get_attribute("href") for link in links] == [
            "https://example.org/a?b=c&d=%3Ce%3E"
        ]
        assert browser.one("#details ol.sources").text.count("(no web link)") == 3
    browser.screenshot(tmp_path / "hostile.png")
    # A CSP violation would be logged as an error: there must be none.
    assert_quiet(browser, page)


def test_browser_reads_well_on_a_phone(browser: Browser, bundled: Log, tmp_path: Path) -> None:
    page = page_for(bundled, tmp_path / "timeline.html")
    try:
        browser.resize(390, 844)
        browser.open(page, ready=READY)
        width = browser.run("return [document.documentElement.scrollWidth, window.innerWidth];")
        assert width[0] <= width[1], "the page itself must not scroll sideways"
        assert browser.run("return document.getElementById('scroller').scrollWidth") > 390
        browser.click('.ev[data-id="camp-david-2023"]')
        rect = browser.run(
            "const r = document.getElementById('details').getBoundingClientRect();"
            "return [r.left, r.right, r.bottom, window.innerWidth, window.innerHeight];"
        )
        assert rect[0] >= 0 and rect[1] <= rect[3] and rect[2] <= rect[4] + 1
        assert browser.one("#details h2").is_displayed()
        browser.screenshot(tmp_path / "phone.png")
        assert_quiet(browser, page)
    finally:
        browser.resize(1440, 960)
