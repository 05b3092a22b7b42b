"""A log that uses every feature of the format, through every command and format, and in the real
readers: its own vocabulary, eras, a BCE war, three-digit years, deep time, a crisis timed to the
minute across time zones, a window, open ends, text-only sources, coordinates and media.

The fixture is `tests/fixtures/everything.json`; what each event should look like is written out
here by hand, from the dates as the log gives them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest
from markdown_it import MarkdownIt
from tests.browser import Browser, launch
from tests.conftest import FIXTURES, Run, everything
from tests.test_layout import ANSI

from timeline.render.page import html_page
from timeline.render.timelinejs import timelinejs_document
from timeline.schema import json_schema
from timeline.store import load_log

EVERYTHING = FIXTURES / "everything.json"
RunCli = Callable[..., Run]

IN_ORDER = [
    "big-bang",
    "han-gojoseon-war",
    "salsu-612",
    "balhae-698",
    "dharani-sutra",
    "armistice-1953",
    "hawaii-alert",  # 08:07 -10:00 = 18:07 UTC
    "hawaii-no-threat",  # 18:20 UTC
    "hawaii-correction",  # 08:45 -10:00 = 18:45 UTC
]
WHEN = {
    "big-bang": "about 13,800,000,001 BCE",
    "han-gojoseon-war": "109 BCE – 108 BCE",
    "salsu-612": "612",
    "balhae-698": "698",
    "dharani-sutra": "some time between 704 and 751",
    "armistice-1953": "27 July 1953, 10:00 – ongoing",
    "hawaii-alert": "13 January 2018, 08:07 -10:00",
    "hawaii-no-threat": "13 January 2018, 18:20 UTC",
    "hawaii-correction": "13 January 2018, 08:45:00 -10:00",
}


@pytest.fixture(autouse=True)
def _the_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMELINE_DATA", str(EVERYTHING))


def ids(run: RunCli, *args: str) -> list[str]:
    return [event["id"] for event in json.loads(run("list", *args, "-f", "json").stdout)]


# The log itself


def test_the_log_is_valid_strictly_and_canonical(run: RunCli) -> None:
    result = run("validate", "--strict", str(EVERYTHING))
    assert result.stderr == "0 errors, 0 warnings in 1 log\n"
    run("fmt", "--check")


def test_the_json_schema_accepts_it_and_names_its_types() -> None:
    import jsonschema

    document = json.loads(EVERYTHING.read_text(encoding="utf-8"))
    log = load_log(EVERYTHING)
    assert log.types is not None
    schema = json_schema([entry.id for entry in log.types])
    jsonschema.validate(document, schema)
    document["events"][0]["type"] = "summit"  # built in, but not in this log's vocabulary
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


# Reading


def test_events_are_ordered_by_instant_across_zones(run: RunCli) -> None:
    assert ids(run) == IN_ORDER
    assert ids(run, "--reverse") == IN_ORDER[::-1]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--to", "-0001"], ["big-bang", "han-gojoseon-war"]),
        (["--from", "-0107", "--to", "0612"], ["han-gojoseon-war", "salsu-612"]),
        # A window overlaps a range that holds any part of it; an open end runs on for ever.
        (["--from", "0750", "--to", "0750"], ["dharani-sutra"]),
        (["--from", "2100"], ["armistice-1953"]),
        (
            ["--from", "2018-01-13T18:10Z", "--to", "2018-01-13T08:30-10:00"],
            ["armistice-1953", "hawaii-no-threat"],
        ),
        (["--era", "north-south-states"], ["balhae-698", "dharani-sutra"]),
        (["--era", "three-kingdoms"], ["salsu-612"]),
        (["--type", "alert"], ["hawaii-alert", "hawaii-correction"]),
        (["--actor", "usa"], ["hawaii-alert", "hawaii-no-threat", "hawaii-correction"]),
    ],
)
def test_filters_read_bce_times_windows_open_ends_and_eras(
    run: RunCli, args: list[str], expected: list[str]
) -> None:
    assert ids(run, *args) == expected


def test_a_type_outside_the_log_vocabulary_is_named_with_the_closest(run: RunCli) -> None:
    result = run("list", "--type", "alrt", expect=1)
    assert result.stderr == "error: unknown type 'alrt'; did you mean 'alert'?\n"
    assert run("list", "--type", "summit", expect=1).stderr == "error: unknown type 'summit'\n"


def test_an_unknown_era_is_named_with_the_closest(run: RunCli) -> None:
    result = run("list", "--era", "three-kingdom", expect=1)
    assert "no era 'three-kingdom'; did you mean 'three-kingdoms'?" in result.stderr


@pytest.mark.parametrize("event_id", IN_ORDER)
def test_show_says_when_in_words(run: RunCli, event_id: str) -> None:
    card = run("show", event_id).stdout
    assert f"\nWhen    {WHEN[event_id]}\n" in card


def test_show_has_places_media_and_text_only_sources(run: RunCli) -> None:
    sutra = run("show", "dharani-sutra").stdout
    assert "Where   Bulguksa, North Gyeongsang, KOR (35.79, 129.332)" in sutra
    assert "Media   The scroll, unrolled — Example Museum https://example.org/dharani.jpg" in sutra
    assert "https://example.org/archive/dharani" in sutra
    shiji = run("show", "han-gojoseon-war").stdout
    assert "1. Sima Qian, Records of the Grand Historian (Shiji), chapter 115" in shiji
    assert "war (PLOVER ASSAULT)" in shiji
    assert "artefact ·" in sutra and "PLOVER" not in sutra.splitlines()[1]


@pytest.mark.parametrize("columns", ["80", "200"])
def test_the_table_fits_and_shows_every_kind_of_date(run: RunCli, columns: str) -> None:
    env = {"COLUMNS": columns, "TTY_COMPATIBLE": "1"}
    table = ANSI.sub("", run("list", "-f", "table", env=env).stdout)
    assert all(len(line) <= int(columns) for line in table.splitlines())
    for text in ("13,800,000,001 BCE~", "109 BCE – 108 BCE", "612", "[704..751]"):
        assert text in table
    # On one line, or with the time of day under its date where that gives the title room.
    armistice, alert = ("1953-07-27", "10:00 – ongoing"), ("2018-01-13", "08:07-10:00")
    for day, time in (armistice, alert):
        assert f"{day} {time}" in table or re.search(rf"{day} [^\n]*\n{time} ", table)


# Analysing


def test_eras_lists_each_with_its_events(run: RunCli) -> None:
    lines = run("eras").stdout.splitlines()
    assert lines[1].split() == ["three-kingdoms", "57", "BCE", "–", "668", "1", "Three", "Kingdoms",
                                "of", "Korea"]  # fmt: skip
    assert "27 July 1953 – ongoing" in lines[3] and " 4 " in lines[3]
    rows = json.loads(run("eras", "-f", "json").stdout)
    assert [(row["id"], row["events"]) for row in rows] == [
        ("three-kingdoms", 1),
        ("north-south-states", 2),
        ("armistice-era", 4),
    ]


def test_chart_draws_eras_windows_and_open_ends(run: RunCli) -> None:
    chart = run("chart", "--width", "100").stdout
    lines = chart.splitlines()
    assert lines[0].startswith("eras") and "Three Kingdoms of" in lines[0]
    assert any(line.startswith("SILLA") and "┄" in line for line in lines)
    assert any(line.startswith("UNC") and line.endswith("→") for line in lines)
    assert "109 BCE" in chart
    assert chart.endswith("9 events, 13,800,000,001 BCE to 2018-01-13 08:45:00-10:00\n")


def test_chart_of_one_day_has_an_axis_of_hours(run: RunCli) -> None:
    chart = run(
        "chart", "--width", "80", "--from", "2018-01-13T18:00Z", "--to", "2018-01-13T19:00Z"
    )
    lines = chart.stdout.splitlines()
    axis = next(line for line in lines if "18:00" in line)
    assert axis.split() == ["18:00", "18:05", "18:10", "18:15", "18:20", "18:25", "18:30", "18:35",
                            "18:40"]  # fmt: skip
    usa = next(line for line in lines if line.startswith("USA"))
    assert usa.index("hawaii-alert") < usa.index("hawaii-no-threat")
    assert lines[-1] == "4 events, 2018-01-13 18:00 UTC to 2018-01-13 18:45 UTC"


def test_stats_count_by_the_log_vocabulary_and_by_era(run: RunCli) -> None:
    rows = json.loads(run("stats", "--by", "type", "-f", "json").stdout)
    assert [(row["key"], row["label"], row["count"]) for row in rows] == [
        ("alert", "Alert", 2),
        ("war", "War", 2),
        ("artefact", "Artefact", 1),
        ("cosmic", "Cosmic", 1),
        ("founding", "Founding", 1),
        ("statement", "Statement", 1),
        ("truce", "Truce", 1),
    ]
    by_year = json.loads(
        run("stats", "--by", "year", "--era", "three-kingdoms", "-f", "json").stdout
    )
    assert [(row["key"], row["label"], row["count"]) for row in by_year] == [("0612", "612", 1)]


def test_chain_follows_the_crisis_minute_by_minute(run: RunCli) -> None:
    chain = run("chain", "hawaii-alert").stdout.splitlines()
    assert chain[0].startswith("2018-01-13 08:07-10:00  hawaii-alert")
    assert [line.split()[4] for line in chain[1:]] == ["hawaii-no-threat", "hawaii-correction"]


def test_diff_names_changes_to_types_and_eras(run: RunCli, tmp_path: Path) -> None:
    document = json.loads(EVERYTHING.read_text(encoding="utf-8"))
    document["types"][0]["label"] = "Armed conflict"
    document["eras"].pop()
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document), encoding="utf-8")
    out = run("diff", str(EVERYTHING), "--data", str(changed)).stdout.splitlines()
    assert out[0].split() == ["changed", "type", "war", "Armed", "conflict"]
    assert out[1].split() == ["label:", "War", "->", "Armed", "conflict"]
    assert out[2].split() == ["removed", "era", "armistice-era", "The", "armistice"]


# Authoring


def test_add_takes_a_bce_date_an_own_type_and_a_place(run: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "log.json"
    target.write_bytes(EVERYTHING.read_bytes())
    run("add", "--data", str(target), "--title", "Goguryeo is founded", "--date", "-0036",
        "--approximate", "--type", "founding", "--actor", "GOGURYEO", "--summary",
        "The traditional date.", "--lat", "41.15", "--lon", "126.19", "--place", "Jolbon")  # fmt: skip
    added = load_log(target).events_by_id["goguryeo-is-founded-37-bce"]
    assert added.date.text == "-0036" and added.date.year == -36
    assert added.location is not None and added.location.lat == 41.15
    run("validate", str(target))
    run("fmt", "--check", "--data", str(target))
    refused = run("add", "--data", str(target), "--title", "x", "--type", "summit", expect=1)
    assert refused.stderr == "error: unknown type 'summit'\n"


def test_add_an_ongoing_event_and_a_window(run: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "log.json"
    target.write_bytes(EVERYTHING.read_bytes())
    common = ["--data", str(target), "--type", "alert", "--actor", "USA", "--summary", "s"]
    run("add", *common, "--title", "Still on", "--date", "2020-03-11T12:00Z", "--end", "..")
    run("add", *common, "--title", "Some day", "--date", "2020-03-01", "--end", "2020-03-31",
        "--window")  # fmt: skip
    events = load_log(target).events_by_id
    assert events["still-2020"].ongoing
    assert events["some-day-2020"].window
    assert run("add", *common, "--title", "x", "--date", "2020", "--window", expect=1).stderr


# Exports, read back by the readers


def test_csv_has_iso_bounds_precision_and_places(run: RunCli) -> None:
    rows = {
        row["id"]: row for row in csv.DictReader(io.StringIO(run("export", "-f", "csv").stdout))
    }
    assert (rows["big-bang"]["earliest"], rows["big-bang"]["precision"]) == (
        "'-13800000000-01-01",
        "year",
    )
    hawaii = rows["hawaii-alert"]
    assert (hawaii["earliest"], hawaii["precision"], hawaii["lat"], hawaii["lon"]) == (
        "2018-01-13T08:07-10:00",
        "minute",
        "21.307",
        "-157.858",
    )
    assert (rows["armistice-1953"]["end"], rows["armistice-1953"]["latest"]) == ("..", "")
    assert rows["dharani-sutra"]["window"] == "true"
    assert rows["dharani-sutra"]["media"] == "https://example.org/dharani.jpg"


def test_json_keeps_every_field(run: RunCli) -> None:
    events = {e["id"]: e for e in json.loads(run("export", "-f", "json").stdout)}
    assert events["dharani-sutra"]["window"] is True
    assert events["dharani-sutra"]["location"]["lat"] == 35.79
    assert events["dharani-sutra"]["media"]["credit"] == "Example Museum"
    assert events["armistice-1953"]["end"] == ".."
    lines = run("export", "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == IN_ORDER


def test_ics_holds_utc_floating_and_all_day_events_and_says_what_it_left_out(run: RunCli) -> None:
    calendar = icalendar.Calendar.from_ical(run("export", "-f", "ics").stdout)
    events = {str(e["UID"]).removesuffix("@timeline"): e for e in calendar.walk("VEVENT")}
    assert list(events) == IN_ORDER[2:]  # before the year 1: iCalendar cannot hold them
    assert "2 events dated before the year 1 or after 9999 left out" in str(
        calendar["X-WR-CALDESC"]
    )
    start = events["hawaii-alert"].decoded("DTSTART")
    assert start == datetime(2018, 1, 13, 18, 7, tzinfo=UTC)
    floating = events["armistice-1953"].decoded("DTSTART")
    assert floating == datetime(1953, 7, 27, 10, 0) and floating.tzinfo is None
    assert events["salsu-612"].decoded("DTSTART") == date(612, 1, 1)
    assert events["salsu-612"].decoded("DTEND") == date(613, 1, 1)
    assert "some time between 704 and 751" in str(events["dharani-sutra"]["DESCRIPTION"])
    geo = events["dharani-sutra"]["GEO"]
    assert (geo.latitude, geo.longitude) == (35.79, 129.332)


def test_markdown_heads_years_as_readers_name_them(run: RunCli) -> None:
    text = run("export", "-f", "md").stdout
    html = MarkdownIt().render(text)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Eras", "## 13,800,000,001 BCE", "## 109 BCE", "## 612", "## 698",
                        "## 704", "## 1953", "## 2018"]  # fmt: skip
    assert "<h3>109 BCE – 108 BCE: Han conquers Gojoseon</h3>" in html
    assert "<strong>Three Kingdoms of Korea</strong>, 57 BCE – 668" in html
    assert "<h3>13 January 2018, 08:07 -10:00: A false missile alert reaches phones" in html


def test_timelinejs_has_negative_years_times_and_eras() -> None:
    log = load_log(EVERYTHING)
    document = timelinejs_document(everything(log))
    slides = {slide["unique_id"]: slide for slide in document["events"]}
    assert slides["han-gojoseon-war"]["start_date"] == {"year": -108}
    assert slides["han-gojoseon-war"]["end_date"] == {"year": -107}
    assert slides["hawaii-alert"]["start_date"] == {
        "year": 2018, "month": 1, "day": 13, "hour": 8, "minute": 7
    }  # fmt: skip
    assert "end_date" not in slides["armistice-1953"]
    assert slides["dharani-sutra"]["media"]["url"] == "https://example.org/dharani.jpg"
    assert [era["text"]["headline"] for era in document["eras"]] == [
        "Three Kingdoms of Korea",
        "North and South States",
        "The armistice",
    ]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch(1440, 900) as opened:
        yield opened


def test_timelinejs_reads_it(browser: Browser, tmp_path: Path) -> None:
    from tests.test_timelinejs_export import READY, SLIDES, TIMELINEJS, reader_page

    if not (TIMELINEJS / "dist" / "js" / "timeline.js").is_file():
        pytest.skip(f"TimelineJS is not in {TIMELINEJS}")
    log = load_log(EVERYTHING)
    page = reader_page(timelinejs_document(everything(log)), tmp_path / "timelinejs.html")
    browser.open(page, ready=READY)
    assert browser.attributes(SLIDES, "id") == IN_ORDER
    shown = browser.run(
        "return Object.fromEntries([...document.querySelectorAll('.tl-slide')]"
        ".filter((s) => s.id).map((s) => [s.id, s.querySelector('.tl-headline-date').textContent]));"
    )
    assert {key: shown[key] for key in IN_ORDER} == WHEN
    eras = browser.run(
        "return [...document.querySelectorAll('.tl-timeera-text')].map((e) => e.textContent);"
    )
    assert eras == ["Three Kingdoms of Korea", "North and South States", "The armistice"]
    assert browser.console_errors() == []


def test_the_page_draws_eras_and_closes_in_to_the_hours(browser: Browser, tmp_path: Path) -> None:
    log = load_log(EVERYTHING)
    page = tmp_path / "page.html"
    page.write_text(html_page(everything(log)), encoding="utf-8")
    browser.open(page, ready="document.querySelector('.ev')")
    browser.click(browser.one("#zoom-fit"))
    assert set(browser.attributes(".ev", "data-id")) == set(IN_ORDER)
    eras = browser.attributes("#eras .era", "title")
    assert eras[0] == (
        "Three Kingdoms of Korea: 57 BCE – 668 — The traditional dates: Silla's founding in 57 BCE "
        "to the fall of Goguryeo."
    )
    assert len(eras) == 3
    sutra = browser.one('.ev[data-id="dharani-sutra"]')
    assert "window" in sutra.get_attribute("class").split()
    armistice = browser.all('.ev[data-id="armistice-1953"]')
    assert all("ongoing" in element.get_attribute("class").split() for element in armistice)
    while not browser.one("#zoom-in").get_attribute("disabled"):
        browser.click(browser.one("#zoom-in"))
    hours = browser.run("return [...document.querySelectorAll('.tick.hour')].map((t) => t.title);")
    assert "18:00 UTC" in hours
    x = browser.run(
        "return Object.fromEntries(['hawaii-alert', 'hawaii-no-threat', 'hawaii-correction']"
        ".map((id) => [id, document.querySelector(`.ev[data-id='${id}']`).offsetLeft]));"
    )
    assert x["hawaii-alert"] < x["hawaii-no-threat"] < x["hawaii-correction"]
    # 13 minutes then 25: the positions keep the proportion, to a pixel or two.
    first, second = (
        x["hawaii-no-threat"] - x["hawaii-alert"],
        x["hawaii-correction"] - x["hawaii-no-threat"],
    )
    assert second / first == pytest.approx(25 / 13, rel=0.05)
    assert browser.console_errors() == []
    assert browser.requested_urls() == [page.resolve().as_uri()]
