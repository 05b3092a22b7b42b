"""The TimelineJS3 export: the JSON itself, and the real TimelineJS library reading it."""

from __future__ import annotations

import html
import io
import json
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.browser import Browser, launch, unavailable
from tests.conftest import HOSTILE, SMALL, Run, everything

from timeline.dates import PartialDate
from timeline.model import Actor, ActorRef, Event, Log, Source
from timeline.query import Filters, select
from timeline.render.page import script_json
from timeline.render.timelinejs import timelinejs_document, write_timelinejs
from timeline.store import bundled_log_path, load_log

TIMELINEJS = Path(__file__).parent / ".readers" / "node_modules" / "@knight-lab" / "timelinejs"
MARKUP = "<img src=x onerror=\"document.title='pwned'\">"


def hostile_log() -> Log:
    """Markup in every field TimelineJS shows, and sources whose URLs are not web addresses."""
    sources = (
        Source(
            "web", "<b>Pub</b>", "</a><script>alert(1)</script>", 'https://example.org/?a=1&b="2"'
        ),
        Source("js", "Bad", "javascript link", "javascript:alert(1)"),
        Source("quote", "Quote", "quote link", "https://example.org/x' onmouseover='alert(1)"),
    )
    actor_id = f"{MARKUP}&amp;"
    events = (
        Event(
            "hostile-1",
            f"<script>document.title='pwned'</script> {MARKUP}",
            PartialDate("2020-01-05"),
            "statement",
            (ActorRef(actor_id),),
            f"Summary {MARKUP} http://autolink.example/ javascript:alert(1)",
            assessment="<svg onload=alert(1)>",
            note="&lt;already escaped&gt;",
            sources=("web", "js", "quote"),
        ),
        Event(
            "hostile-2",
            "Plain title",
            PartialDate("2020-02"),
            "threat",
            (ActorRef(actor_id),),
            "Line one\nLine two\n\nSecond paragraph",
            approximate=True,
        ),
    )
    actors = (Actor(actor_id, MARKUP, "state"),)
    return Log(
        title=f"Hostile {MARKUP}", description=MARKUP, actors=actors, sources=sources, events=events
    )


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def markup(text: str) -> _Markup:
    parser = _Markup()
    parser.feed(text)
    parser.close()
    return parser


# The JSON


def test_dates_carry_only_the_parts_the_log_knows() -> None:
    log = load_log(bundled_log_path())
    document = timelinejs_document(everything(log))
    slides = {slide["unique_id"]: slide for slide in document["events"]}
    assert len(slides) == len(log.events)
    day = ["year", "month", "day"]
    parts = {
        "year": ["year"],
        "month": ["year", "month"],
        "day": day,
        "minute": [*day, "hour", "minute"],
        "second": [*day, "hour", "minute", "second"],
    }
    for event in log.events:
        slide = slides[event.id]
        assert list(slide["start_date"]) == parts[event.date.precision], event.id
        if event.end is None:
            assert "end_date" not in slide
        else:
            assert list(slide["end_date"]) == parts[event.end.precision], event.id
    assert slides["missile-record-2019"]["start_date"] == {"year": 2019}
    assert slides["dprk-troops-russia-2024"]["start_date"] == {"year": 2024, "month": 10}
    hanoi = slides["hanoi-2019"]
    assert hanoi["start_date"] == {"year": 2019, "month": 2, "day": 27}
    assert hanoi["end_date"] == {"year": 2019, "month": 2, "day": 28}
    arms = slides["russia-dprk-arms-2023"]
    assert (arms["start_date"], arms["end_date"]) == ({"year": 2022, "month": 9}, {"year": 2024})
    assert arms["display_date"] == "about September 2022 – 2024"
    assert hanoi["display_date"] == "27–28 February 2019"
    assert slides["missile-record-2019"]["display_date"] == "2019"


def test_slides_have_the_event_id_and_group() -> None:
    log = load_log(SMALL)
    for group_by, expected in (
        ("type", {"hanoi-2019": "summit", "drill-2023": "exercise"}),
        ("status", {"hanoi-2019": "confirmed", "arms-2023": "disputed"}),
        ("actor", {"dmz-2019": "kim-jong-un", "arms-2023": "DPRK", "drill-2023": "USA"}),
    ):
        document = timelinejs_document(everything(log), group_by=group_by)
        groups = {slide["unique_id"]: slide["group"] for slide in document["events"]}
        assert list(groups) == [event.id for event in log.events]
        for event_id, group in expected.items():
            assert groups[event_id] == group
    with pytest.raises(ValueError, match="group_by"):
        timelinejs_document(everything(log), group_by="colour")


def test_title_slide_and_fields() -> None:
    log = load_log(SMALL)
    document = timelinejs_document(everything(log))
    assert document["title"] == {"text": {"headline": "Small fixture log", "text": ""}}
    assert set(document) == {"title", "events"}
    allowed = {
        "unique_id", "start_date", "end_date", "display_date", "text", "group", "autolink", "media"
    }  # fmt: skip
    for slide in document["events"]:
        assert set(slide) <= allowed
        assert slide["autolink"] is False
        assert set(slide["text"]) == {"headline", "text"}


def test_text_is_escaped_and_only_web_sources_become_links() -> None:
    for log in (load_log(HOSTILE), hostile_log(), load_log(bundled_log_path())):
        document = timelinejs_document(everything(log), group_by="actor")
        for slide in document["events"]:
            event = log.events_by_id[slide["unique_id"]]
            assert slide["text"]["headline"] == html.escape(event.title)
            body = markup(slide["text"]["text"])
            assert {tag for tag, _ in body.tags} <= {"p", "br", "strong", "ol", "li", "a"}
            for tag, attrs in body.tags:
                if tag == "a":
                    assert set(attrs) == {"href", "target", "rel"}
                    assert (attrs["href"] or "").startswith(("https://", "http://"))
                    assert attrs["target"] == "_blank"
                    assert "noopener" in (attrs["rel"] or "")
                else:
                    assert attrs == {}
            assert event.summary.replace("\n", "") in "".join(body.text)
    hostile = timelinejs_document(everything(hostile_log()), group_by="actor")
    first = hostile["events"][0]
    links = [attrs for tag, attrs in markup(first["text"]["text"]).tags if tag == "a"]
    assert [link["href"] for link in links] == [
        'https://example.org/?a=1&b="2"',
        "https://example.org/x' onmouseover='alert(1)",
    ]
    assert "javascript:" not in first["text"]["text"].split("Sources")[1]
    assert "&amp;lt;already escaped&amp;gt;" in first["text"]["text"]
    # TimelineJS reads `group` as HTML, keeps its text and writes that back as HTML: escape twice.
    assert first["group"] == html.escape(html.escape(f"{MARKUP}&amp;"))
    assert hostile["title"]["text"]["headline"] == html.escape(f"Hostile {MARKUP}")
    second = hostile["events"][1]
    assert second["text"]["text"].endswith("<p>Line one<br>Line two</p><p>Second paragraph</p>")
    assert second["display_date"] == "about February 2020"


def test_write_timelinejs_writes_the_document() -> None:
    log = load_log(HOSTILE)
    stream = io.StringIO()
    write_timelinejs(everything(log), stream, group_by="status")
    text = stream.getvalue()
    assert text.endswith("\n")
    assert json.loads(text) == timelinejs_document(everything(log), group_by="status")
    assert "\u2028" not in text and "\x1b" not in text


# The real TimelineJS


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not (TIMELINEJS / "dist" / "js" / "timeline.js").is_file():
        unavailable(f"TimelineJS is not in {TIMELINEJS}")
    with launch(1280, 900) as opened:
        yield opened


def reader_page(document: dict[str, object], path: Path) -> Path:
    """A page that hands the export to TimelineJS, as a site embedding it would."""
    dist = TIMELINEJS / "dist"
    path.write_text(
        f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS reader</title>
<link rel="stylesheet" href="{(dist / "css" / "timeline.css").resolve().as_uri()}">
<script src="{(dist / "js" / "timeline.js").resolve().as_uri()}"></script>
</head><body>
<div id="timeline-embed" style="width: 100%; height: 640px"></div>
<script type="application/json" id="export">{script_json(document)}</script>
<script>
  const data = JSON.parse(document.getElementById("export").textContent);
  // Offline, as the tests run: the library's own files, and a font that needs no download.
  const options = {{ script_path: "{(dist / "js").resolve().as_uri()}/", font: "georgia-helvetica" }};
  window.timeline = new TL.Timeline("timeline-embed", data, options);
</script>
</body></html>
""",
        encoding="utf-8",
    )
    return path


READY = (
    "document.querySelectorAll('.tl-slide').length > 0 && document.querySelector('.tl-timemarker')"
)
SLIDES = ".tl-slide:not(.tl-slide-titleslide)"


def test_timelinejs_renders_every_event(browser: Browser, tmp_path: Path) -> None:
    log = load_log(bundled_log_path())
    events = select(log, Filters()).events
    page = reader_page(timelinejs_document(everything(log)), tmp_path / "timelinejs.html")
    browser.open(page, ready=READY)
    slide_ids = browser.attributes(SLIDES, "id")
    assert sorted(slide_ids) == sorted(event.id for event in events)
    assert len(browser.all(".tl-slide-titleslide")) == 1
    assert len(browser.all(".tl-timemarker")) == len(events)
    # A year-precision event shows its year and nothing more; a source is a working link.
    dates = browser.run(
        "return Object.fromEntries(['missile-record-2019', 'russia-dprk-arms-2023', 'hanoi-2019']"
        ".map((id) => [id, document.querySelector(`#${id} .tl-headline-date`).textContent]));"
    )
    assert dates == {
        "missile-record-2019": "2019",
        "russia-dprk-arms-2023": "about September 2022 – 2024",
        "hanoi-2019": "27–28 February 2019",
    }
    event = log.events_by_id["kentucky-busan-2023"]
    hrefs = browser.attributes("#kentucky-busan-2023 .tl-text-content a", "href")
    assert hrefs == [log.sources_by_id[source].url for source in event.sources]
    browser.run("window.timeline.goToId('kentucky-busan-2023');")
    browser.screenshot(tmp_path / "timelinejs.png")
    errors = browser.console_errors()
    assert errors == []
    local = [url for url in browser.requested_urls() if not url.startswith("file://")]
    assert local == [], "TimelineJS reached for the network"


def test_timelinejs_runs_no_script_from_a_hostile_export(browser: Browser, tmp_path: Path) -> None:
    log = hostile_log()
    document = timelinejs_document(everything(log), group_by="actor")
    page = reader_page(document, tmp_path / "hostile.html")
    browser.open(page, ready=READY)
    assert browser.attributes(SLIDES, "id") == ["hostile-1", "hostile-2"]
    for slide_id in ("hostile-1", "hostile-2"):
        browser.run(f"window.timeline.goToId('{slide_id}');")
        assert browser.alert_text() is None
    assert browser.title == "TimelineJS reader"
    assert (
        browser.run(
            "return document.querySelectorAll('#timeline-embed script, #timeline-embed svg').length"
        )
        == 0
    )
    images = browser.run(
        "return [...document.querySelectorAll('#timeline-embed img')]"
        ".filter((image) => image.hasAttribute('onerror')).length"
    )
    assert images == 0
    # The markup shows as the text it is: in the headline, and in the group's label.
    headline = browser.run("return document.querySelector('#hostile-1 .tl-headline').textContent;")
    assert headline == log.events[0].title
    groups = browser.run(
        "return [...document.querySelectorAll('.tl-timegroup-message')].map((g) => g.textContent);"
    )
    assert groups == [f"{MARKUP}&amp;"]
    hrefs = browser.attributes("#timeline-embed a[href]", "href")
    assert all(href.startswith(("https://", "http://", "#")) for href in hrefs), hrefs
    assert browser.console_errors() == []


def test_export_groups_timelinejs_slides_by_the_chosen_field(run: Callable[..., Run]) -> None:
    by_type = json.loads(run("export", "--format", "timelinejs").stdout)
    assert [slide["group"] for slide in by_type["events"]][:2] == ["summit", "summit"]
    by_actor = json.loads(run("export", "--format", "timelinejs", "--group-by", "actor").stdout)
    assert [slide["group"] for slide in by_actor["events"]][:2] == ["DPRK", "DPRK"]
    assert (
        "is not one of"
        in run("export", "--format", "timelinejs", "--group-by", "colour", expect=2).stderr
    )
