"""chain, stats, actors and chart: reading a log for its shape."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from tests.conftest import HOSTILE, Run

RunCli = Callable[..., Run]


def test_chain_walks_relations_both_ways_with_gaps(run: RunCli) -> None:
    assert run("chain", "hanoi-2019").stdout.splitlines() == [
        "2019-02-27–28  hanoi-2019  Hanoi summit ends without agreement",
        "├── follows  2018-06-12  singapore-2018  Singapore summit  (9 months earlier)",
        "└── followed by  2019-06-30  dmz-2019  Meeting at the DMZ  (4 months later)",
    ]


def test_chain_marks_gaps_between_partial_dates_as_approximate(run: RunCli) -> None:
    lines = run("chain", "arms-2023").stdout.splitlines()
    assert lines[1] == (
        "└── context  2022  launches-2022  A record year of launches  (about 1 year 8 months earlier)"
    )


def test_chain_depth_and_json(run: RunCli) -> None:
    assert len(run("chain", "singapore-2018", "--depth", "1").stdout.splitlines()) == 2
    deep = json.loads(run("chain", "singapore-2018", "--depth", "2", "--format", "json").stdout)
    assert deep["related"][0]["id"] == "hanoi-2019"
    assert deep["related"][0]["related"][0] == {
        "id": "dmz-2019",
        "title": "Meeting at the DMZ",
        "date": "2019-06-30",
        "end": None,
        "rel": "followed by",
        "gap_days": 123,
        "exact": True,
        "overlapping": False,
        "related": [],
    }


def test_chain_of_an_unknown_id_suggests(run: RunCli) -> None:
    assert "did you mean 'hanoi-2019'" in run("chain", "hanoi-2109", expect=1).stderr


def test_stats_by_type_with_bars(run: RunCli) -> None:
    lines = run("stats", "--by", "type").stdout.splitlines()
    assert lines[0] == "Summit         2  " + "█" * 30  # the vocabulary's labels
    assert lines[1] == "Arms transfer  1  " + "█" * 15


def test_stats_by_month_counts_a_year_in_each_of_its_months_but_never_as_within_one(
    run: RunCli,
) -> None:
    rows = json.loads(run("stats", "--by", "month", "--format", "json").stdout)
    # launches-2022 is dated to the year: it overlaps every month of 2022, lies within none.
    assert {"key": "2022-03", "label": "2022-03", "count": 1, "within": 0} in rows
    assert {"key": "2023-08", "label": "2023-08", "count": 1, "within": 1} in rows
    assert not [row for row in rows if "?" in row["key"]]


def test_stats_by_dyad_counts_people_for_their_state(run: RunCli) -> None:
    rows = list(csv.reader(io.StringIO(run("stats", "--by", "dyad", "--format", "csv").stdout)))
    assert rows[0] == ["dyad", "label", "events", "within"]
    # dmz-2019 lists only people: Kim, Trump and Moon count for DPRK, USA and ROK.
    assert ["DPRK–USA", "DPRK–USA", "3", "3"] in rows
    assert ["DPRK–ROK", "DPRK–ROK", "1", "1"] in rows


def test_stats_honours_filters(run: RunCli) -> None:
    lines = run("stats", "--by", "year", "--actor", "RUS").stdout.splitlines()
    # arms-2023 runs from 2023-09 to 2024-06: once in each year, within neither.
    assert lines[:2] == ["2023  1  " + "▒" * 30, "2024  1  " + "▒" * 30]


def test_actors_lists_the_registry_with_members_and_counts(run: RunCli) -> None:
    lines = run("actors").stdout.splitlines()
    assert lines[0].split() == ["id", "name", "kind", "events", "aliases", "·", "members"]
    dprk = next(line for line in lines if line.startswith("DPRK "))
    assert dprk.endswith("· members: kim-jong-un")
    assert " 5 " in dprk
    rows = json.loads(run("actors", "--format", "json").stdout)
    assert next(r for r in rows if r["id"] == "unused-org")["events"] == 0


def test_chart_places_events_at_their_precision(run: RunCli) -> None:
    lines = run("chart", "--width", "80", "--from", "2022", "--to", "2023").stdout.splitlines()
    dprk = next(line for line in lines if line.startswith("DPRK"))
    assert "━" * 20 in dprk  # launches-2022 covers its whole year
    assert "╌" in dprk  # the approximate arms trade
    assert all(len(line) <= 80 for line in lines)
    assert any("2022-01" in line for line in lines)
    by_type = run("chart", "--by", "type", "--width", "80").stdout
    assert by_type.splitlines()[0].startswith("summit")


def test_chart_of_hostile_text_is_inert(run: RunCli) -> None:
    out = run("chart", "--by", "type", "--width", "120", "--data", str(HOSTILE)).stdout
    assert "\x1b" not in out


RAW_CONTROLS = [chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]]


def test_analysis_of_a_hostile_log_prints_no_raw_control_character(run: RunCli) -> None:
    for args in (
        ["chain", "escapes"],
        ["stats", "--by", "actor"],
        ["stats", "--by", "tag", "-f", "csv"],
        ["actors"],
    ):
        out = run(*args, "--data", str(HOSTILE)).stdout
        assert not [c for c in RAW_CONTROLS if c in out.replace("\r\n", "\n")], args
    assert "[bold red]Evil[/]" in run("actors", "--data", str(HOSTILE)).stdout
