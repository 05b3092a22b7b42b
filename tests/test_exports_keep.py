"""Every human-facing export keeps what a reader needs to judge an event: its status, actors and
place (and tags), so that an alleged event never reads as fact."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest
from tests.conftest import SMALL, Run

RunCli = Callable[..., Run]


def test_timelinejs_slides_say_status_actors_place_and_tags(run: RunCli) -> None:
    document = json.loads(run("export", "--format", "timelinejs").stdout)
    slides = {slide["unique_id"]: slide["text"]["text"] for slide in document["events"]}
    arms = slides["arms-2023"]
    assert "<strong>Status:</strong> disputed" in arms
    assert "<strong>Actors:</strong> North Korea; Russia" in arms
    assert "<strong>Where:</strong> Singapore, SGP" in slides["singapore-2018"]
    assert "<strong>Tags:</strong> russia-dprk, missiles" in arms


def test_ics_events_say_status_actors_and_place(run: RunCli) -> None:
    calendar = icalendar.Calendar.from_ical(run("export", "--format", "ics").stdout)
    events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    description = str(events["arms-2023"]["DESCRIPTION"])
    assert "Status: disputed" in description
    assert "Actors: North Korea; Russia" in description
    assert str(events["singapore-2018"]["LOCATION"]) == "Singapore, SGP"
    assert [str(c) for c in events["arms-2023"]["CATEGORIES"].cats] == [
        "arms-transfer",
        "russia-dprk",
        "missiles",
    ]


def test_markdown_says_status_actors_place_and_tags(run: RunCli) -> None:
    text = run("export", "--format", "md").stdout
    assert (
        "*summit · confirmed · North Korea, United States, Kim Jong Un, Donald Trump · Singapore, SGP*"
        in text
    )
    assert "Tags: russia-dprk, missiles" in text


def test_the_page_says_status_actors_and_place(run: RunCli) -> None:
    page = run("export", "--format", "html").stdout
    data = json.loads(page.split('id="timeline-data">')[1].split("</script>")[0])
    arms = next(event for event in data["events"] if event["id"] == "arms-2023")
    assert arms["status"] == "disputed"
    assert [a["name"] for a in arms["actors"]] == ["North Korea", "Russia"]
    singapore = next(event for event in data["events"] if event["id"] == "singapore-2018")
    assert singapore["location"] == "Singapore, SGP"


@pytest.mark.parametrize(
    ("name", "starts"),
    [("page.htm", "<!DOCTYPE html>"), ("notes.markdown", "# Small fixture log"),
     ("rows.ndjson", '{"id": "singapore-2018"'), ("rows.tab", "2018-06-12\t")],
)  # fmt: skip
def test_export_knows_every_usual_file_ending(
    run: RunCli, tmp_path: Path, name: str, starts: str
) -> None:
    target = tmp_path / name
    run("export", "-o", str(target), "--data", str(SMALL))
    assert target.read_text(encoding="utf-8").startswith(starts)
