"""`timeline init` and `timeline import`: real files in the formats people hold (tests/samples,
with their provenance), read faithfully, merged idempotently, and hostile files reported row by
row without harm to the log.

The expected values are read from the sample files by hand; see tests/samples/README.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import Run

from timeline.store import load_log

SAMPLES = Path(__file__).parent / "samples"
RunCli = Callable[..., Run]


@pytest.fixture
def new_log(run: RunCli, tmp_path: Path) -> Path:
    path = tmp_path / "log.json"
    run("init", str(path), "--title", "Imported")
    return path


def imported(
    run: RunCli,
    log: Path,
    fmt: str,
    *files: Path | str,
    flags: tuple[str, ...] = (),
    expect: int = 0,
    **options: str,
) -> Run:
    given = [item for key, value in options.items() for item in (f"--{key}", value)]
    return run("import", fmt, *map(str, files), "--into", str(log), *given, *flags, expect=expect)


def summary(result: Run) -> str:
    return result.stderr.splitlines()[0]


def events(log: Path) -> dict[str, Any]:
    return load_log(log).events_by_id


# init ---------------------------------------------------------------------------------------------


def test_init_makes_a_valid_canonical_log_with_a_schema_beside_it(
    run: RunCli, tmp_path: Path
) -> None:
    path = tmp_path / "desk-log.json"
    result = run("init", str(path))
    assert f"created {path} and {tmp_path / 'desk-log.schema.json'}" in result.stderr
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["$schema"] == "desk-log.schema.json"
    assert document["title"] == "Desk log"
    assert [entry["id"] for entry in document["types"]][:3] == ["summit", "meeting", "statement"]
    assert (document["actors"], document["sources"], document["events"]) == ([], [], [])
    run("validate", "--strict", str(path))
    run("fmt", "--check", "--data", str(path))
    schema = json.loads((tmp_path / "desk-log.schema.json").read_text(encoding="utf-8"))
    assert schema["title"] == "timeline log"


def test_init_refuses_to_replace_a_file_and_can_start_with_no_types(
    run: RunCli, tmp_path: Path
) -> None:
    path = tmp_path / "log.json"
    path.write_text("keep me", encoding="utf-8")
    assert "already exists" in run("init", str(path), expect=1).stderr
    assert path.read_text(encoding="utf-8") == "keep me"
    empty = tmp_path / "empty.json"
    run("init", str(empty), "--types", "none", "--title", "Nothing yet")
    assert json.loads(empty.read_text(encoding="utf-8"))["types"] == []
    assert (
        "is not one of: built-in, none"
        in run("init", str(tmp_path / "x.json"), "--types", "all", expect=2).stderr
    )


def test_from_an_empty_folder_init_import_validate_export(run: RunCli, tmp_path: Path) -> None:
    log = tmp_path / "gdelt.json"
    run("init", str(log))
    result = imported(run, log, "gdelt", SAMPLES / "gdelt" / "gdelt1_daily_rows_loum-geoutils.tsv")
    assert summary(result).startswith(f"{log}: 3 added, 0 updated, 0 unchanged")
    run("validate", "--strict", str(log))
    csv_out = run("export", "--data", str(log), "--format", "csv").stdout
    assert csv_out.splitlines()[1].startswith("gdelt-324845984,2004-11-26,")
    page = tmp_path / "gdelt.html"
    run("export", "--data", str(log), "-o", str(page))
    assert "POLICE" in page.read_text(encoding="utf-8")


def test_import_never_writes_the_bundled_log(run: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIMELINE_DATA")
    result = run("import", "ics", str(SAMPLES / "ical" / "icalendar_tests_example.ics"), expect=1)
    assert "bundled" in result.stderr and "--data" in result.stderr


# TimelineJS ---------------------------------------------------------------------------------------


def test_timelinejs_sheet(run: RunCli, new_log: Path) -> None:
    sheet = SAMPLES / "timelinejs" / "my-own-timeline.csv"
    refused = imported(run, new_log, "timelinejs", sheet, expect=1)
    assert "lines 3, 4, 5, 7, 9 and 5 more: not imported: no actor" in refused.stderr
    assert json.loads(new_log.read_text(encoding="utf-8"))["events"] == []
    result = imported(run, new_log, "timelinejs", sheet, actor="Women in computing")
    assert summary(result).startswith(f"{new_log}: 10 added, 0 updated, 0 unchanged, 1 skipped")
    assert "line 2: skipped: the title slide ('MY OWN CSV') is not an event" in result.stderr
    found = events(new_log)
    ada = found["ada-lovelace-1815"]
    assert (ada.date.text, ada.end.text if ada.end else None) == ("1815-12-10", "1852-11-27")
    assert ada.summary.startswith("Women have been programming since before it was a thing.")
    assert ada.media is not None and ada.media.credit == "Wikimedia Commons"
    assert ada.media.caption == "Portrait by Alfred Edward Chalon"
    eniac = found["women-who-made-it-1943"]
    assert (eniac.date.text, eniac.end.text if eniac.end else None) == ("1943-07", "1946")
    log = load_log(new_log)
    credit = log.sources_by_id[eniac.sources[0]]
    assert credit.url == "https://www.youtube.com/channel/UCHDr4RtxwA1KqKGwxgdK4Vg"
    assert credit.publisher == "Computer History Museum"
    clarke = found["edith-clarke-bucking-trend-1948"]  # a quotation stands in for the media
    assert clarke.media is None and clarke.summary.startswith(
        "There is no demand for women engineers"
    )
    assert found["rozsa-peter-writes-recursion-1951"].date.precision == "year"
    again = imported(run, new_log, "timelinejs", sheet, actor="Women in computing")
    assert summary(again).startswith(f"{new_log}: 0 added, 0 updated, 10 unchanged")


def test_timelinejs_json_with_eras_deep_time_and_times(run: RunCli, new_log: Path) -> None:
    folder = SAMPLES / "timelinejs"
    result = imported(
        run, new_log, "timelinejs", folder / "eras.json", folder / "cosmo.json",
        folder / "marktwain.json", actor="TimelineJS examples",
    )  # fmt: skip
    assert summary(result).startswith(f"{new_log}: 44 added, 0 updated, 0 unchanged, 3 skipped")
    log = load_log(new_log)
    assert [(e.title, e.date.text, e.end.text) for e in log.eras] == [
        ("Era Test 650-700", "0650", "0700"),
        ("Era Test 600-650", "0600", "0650"),
        ("Era Test 700-720", "0700", "0720"),
    ]
    dates = {event.title: event.date.text for event in log.events}
    assert dates["Last great Roman-Persian War."] == "0602"
    assert dates["The Big Bang"] == "Y-13800000000"
    assert dates["Florida, Missouri"] == "2000-01-05T06:45:56"
    untitled = [e for e in log.events if e.title.startswith("Samuel Langhorne Clemens")]
    assert untitled and untitled[0].date.text == "1908-05-13"  # a slide of text alone
    run("validate", str(new_log))


# ACLED --------------------------------------------------------------------------------------------


def test_acled(run: RunCli, new_log: Path) -> None:
    sample = SAMPLES / "acled" / "acled_old_dummy_cut.csv"
    result = imported(run, new_log, "acled", sample)
    assert summary(result).startswith(
        f"{new_log}: 30 added, 0 updated, 0 unchanged, 0 skipped, 0 not imported"
    )
    log = load_log(new_log)
    first = log.events_by_id["acled-arg10607"]
    assert (first.date.text, first.end, first.window) == ("2022-06-30", None, False)
    assert first.type == "peaceful-protest" and log.vocabulary.plover(first.type) == "PROTEST"
    names = [(log.actors_by_id[ref.id].name, ref.role) for ref in first.actors]
    assert names == [
        ("Protesters (Argentina)", "actor1"),
        ("SISAP: Public Health Union", "associated-with-actor1"),
        ("Health Workers (Argentina)", "associated-with-actor1"),
        ("ATE: Association of State Workers", "associated-with-actor1"),
        ("Labour Group (Argentina)", "associated-with-actor1"),
    ]
    assert [log.sources_by_id[s].citation for s in first.sources] == [
        "Diario El Chubut",
        "Diario Cronica (Argentina)",
    ]
    assert first.location is not None
    assert (first.location.name, first.location.admin1) == ("Comodoro Rivadavia", "Chubut")
    assert (first.location.lat, first.location.lon) == (-45.8644, -67.4997)
    assert first.status == "reported" and "argentina" in first.tags
    assert first.note is not None and "Demostrations" in first.note  # the upstream typo, as given
    week = log.events_by_id["acled-arg10573"]  # time_precision 2: a day in the week of 27 June
    assert (week.date.text, week.end.text if week.end else None, week.window) == (
        "2022-06-24",
        "2022-06-30",
        True,
    )
    assert sum(1 for e in log.events if e.window) == 6
    assert len(log.actors) == 9 and len(log.sources) == 6
    assert summary(imported(run, new_log, "acled", sample)).startswith(
        f"{new_log}: 0 added, 0 updated, 30 unchanged"
    )


def test_acled_month_precision_keeps_the_month_only(
    run: RunCli, new_log: Path, tmp_path: Path
) -> None:
    sample = (SAMPLES / "acled" / "acled_old_dummy_cut.csv").read_text(encoding="utf-8")
    header, first = sample.splitlines()[:2]
    month = tmp_path / "month.csv"
    month.write_text(
        f"{header}\n{first.replace('2022-06-30,2022,1,', '2022-06-15,2022,3,')}\n", encoding="utf-8"
    )
    imported(run, new_log, "acled", month)
    event = events(new_log)["acled-arg10607"]
    assert (event.date.text, event.date.precision) == ("2022-06", "month")


# UCDP ---------------------------------------------------------------------------------------------


def test_ucdp(run: RunCli, new_log: Path) -> None:
    sample = SAMPLES / "ucdp" / "ucdpged_sample_v23_cut.csv"
    result = imported(run, new_log, "ucdp", sample)
    assert summary(result).startswith(
        f"{new_log}: 42 added, 0 updated, 0 unchanged, 0 skipped, 0 not imported"
    )
    log = load_log(new_log)
    syria = log.events_by_id["ucdp-300380"]
    assert (syria.date.text, syria.end, syria.window) == ("2013-01-03", None, False)
    assert [
        (log.actors_by_id[r.id].name, log.actors_by_id[r.id].kind, r.role) for r in syria.actors
    ] == [
        ("Government of Syria", "state", "side-a"),
        ("Syrian insurgents", "organisation", "side-b"),
    ]
    assert syria.type == "state-based-conflict"
    assert syria.location is not None and syria.location.admin1 == "Idlib governorate"
    assert "2 deaths (UCDP best estimate; low 2, high 2)" in syria.summary
    # date_prec 3 to 5: one day somewhere between the two dates
    for event_id, start, end in (
        ("ucdp-21300", "1989-05-10", "1989-05-16"),
        ("ucdp-32433", "1995-04-10", "1995-04-20"),
        ("ucdp-453523", "2022-09-21", "2022-12-07"),
    ):
        event = log.events_by_id[event_id]
        assert (event.date.text, event.end.text if event.end else None, event.window) == (
            start,
            end,
            True,
        )
    sources = [log.sources_by_id[s] for s in syria.sources]
    assert [(s.publisher, s.published.text if s.published else None) for s in sources] == [
        ("Support Kurds in Syria", "2013-01-03"),
        ("VDC", "2013-01-03"),
    ]
    assert sources[1].citation == "VDC,2013-01-03,Abdul Satar Mustafa Hankosh"
    assert summary(imported(run, new_log, "ucdp", sample)).startswith(
        f"{new_log}: 0 added, 0 updated, 42 unchanged"
    )


# PLOVER -------------------------------------------------------------------------------------------


def test_plover(run: RunCli, new_log: Path) -> None:
    sample = SAMPLES / "plover" / "PLOVER_GSR_CAMEO_cut.json"
    result = imported(run, new_log, "plover", sample, expect=1)
    assert summary(result).startswith(
        f"{new_log}: 39 added, 0 updated, 0 unchanged, 1 skipped, 1 not imported"
    )
    assert "record 1: skipped: a DOCUMENT record documents the file" in result.stderr
    assert (
        "record 39: not imported: the same id (plover-gsr01-coerce-0004) as record 38"
        in result.stderr
    )
    log = load_log(new_log)
    agree = log.events_by_id["plover-gsr01-agree-0001"]
    assert agree.date.text == "2000-01-01"  # as the record gives it (a placeholder)
    assert agree.title.startswith("Senior Hungarian and Romanian officials agreed on Wednesday")
    assert [(r.id, r.role) for r in agree.actors] == [("HUN-GOV", "source"), ("ROU-GOV", "source")]
    assert log.actors_by_id["HUN-GOV"].member_of == ("HUN",)
    assert log.vocabulary.plover("demand") == "REQUEST"  # an earlier draft's category, mapped
    assert log.vocabulary.plover("investigate") == "ACCUSE"
    assert summary(imported(run, new_log, "plover", sample, expect=1)).startswith(
        f"{new_log}: 0 added, 0 updated, 39 unchanged"
    )


# GDELT --------------------------------------------------------------------------------------------


def test_gdelt_2(run: RunCli, new_log: Path) -> None:
    sample = SAMPLES / "gdelt" / "gdelt2-20191024143000-first60.export.tsv"
    result = imported(run, new_log, "gdelt", sample)
    assert summary(result).startswith(
        f"{new_log}: 60 added, 0 updated, 0 unchanged, 0 skipped, 0 not imported"
    )
    log = load_log(new_log)
    first = log.events_by_id["gdelt-881990832"]
    assert first.date.text == "2018-10-24"  # SQLDATE, not DATEADDED (2019-10-24)
    assert [(r.id, r.role) for r in first.actors] == [("AUS", "target")]
    assert log.actors_by_id["AUS"].kind == "state"
    assert first.type == "cameo-139" and log.vocabulary.plover("cameo-139") == "THREATEN"
    assert log.sources_by_id[first.sources[0]].url.startswith("https://www.timescolonist.com/")
    second = log.events_by_id["gdelt-881990833"]
    assert log.actors_by_id["IGOEUREEC"].member_of == ("EUR",)
    assert log.vocabulary.label(second.type) == "Consult"
    assert summary(imported(run, new_log, "gdelt", sample)).startswith(
        f"{new_log}: 0 added, 0 updated, 60 unchanged"
    )


def test_gdelt_1(run: RunCli, new_log: Path) -> None:
    imported(run, new_log, "gdelt", SAMPLES / "gdelt" / "gdelt1_daily_rows_loum-geoutils.tsv")
    log = load_log(new_log)
    police = log.events_by_id["gdelt-324845984"]
    assert police.date.text == "2004-11-26"
    assert log.vocabulary.label("cameo-014") == "CAMEO 014: Make public statement"
    assert log.vocabulary.plover("cameo-014") is None  # PLOVER's table has no line for 01x
    assert [log.actors_by_id[r.id].name for r in police.actors] == ["POLICE"]


# ICS ----------------------------------------------------------------------------------------------


def test_ics(run: RunCli, new_log: Path) -> None:
    sample = SAMPLES / "ical" / "icalendar_tests_example.ics"
    result = imported(run, new_log, "ics", sample, actor="Holidays")
    assert summary(result).startswith(f"{new_log}: 3 added, 0 updated, 0 unchanged")
    found = events(new_log)
    new_year = found["636a0cc1dbd5a1667894465-icalendar"]
    # DTEND equal to DTSTART, with no VALUE=DATE: the one day
    assert (new_year.title, new_year.date.text, new_year.end) == (
        "New Year's Day",
        "2022-01-01",
        None,
    )
    assert new_year.summary == "Happy New Year!"
    christmas = found["636a0cc1dbfd91667894465-icalendar"]
    assert christmas.location is not None and christmas.location.name == "Russia"


def test_ics_times_zones_durations_and_recurrence(
    run: RunCli, new_log: Path, tmp_path: Path
) -> None:
    calendar = tmp_path / "times.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        "BEGIN:VEVENT\r\nUID:utc\r\nSUMMARY:In UTC\r\nDTSTART:20230719T071200Z\r\n"
        "DTEND:20230719T081200Z\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:seoul\r\nSUMMARY:In Seoul\r\nDTSTART;TZID=Asia/Seoul:20230719T071205\r\n"
        "DURATION:PT1H\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:floating\r\nSUMMARY:Floating\r\nDTSTART:20230719T090000\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:month\r\nSUMMARY:All September\r\nDTSTART;VALUE=DATE:20220901\r\n"
        "DTEND;VALUE=DATE:20221001\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n",
        encoding="utf-8",
    )
    imported(run, new_log, "ics", calendar, actor="Someone")
    found = events(new_log)
    assert (found["utc"].date.text, found["utc"].end.text if found["utc"].end else None) == (
        "2023-07-19T07:12Z",
        "2023-07-19T08:11Z",
    )
    assert found["seoul"].date.text == "2023-07-19T07:12:05+09:00"
    assert found["floating"].date.text == "2023-07-19T09:00"
    month = found["month"]
    assert (month.date.text, month.end) == ("2022-09", None)
    assert month.note is not None and "recurs (FREQ=YEARLY)" in month.note


# Generic records ----------------------------------------------------------------------------------


def test_csv_with_a_mapping_and_a_known_precision(
    run: RunCli, new_log: Path, tmp_path: Path
) -> None:
    rows = tmp_path / "wikidata.csv"
    rows.write_text(
        "item,label,inception,who,desc\n"
        "Q1,Battle of Hastings,+1066-10-14T00:00:00Z,Normans;Anglo-Saxons,A battle.\n"
        "Q2,Domesday Book,+1086-01-01T00:00:00Z,William the Conqueror,A survey.\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps({"id": "item", "title": "label", "actors": "who"}), encoding="utf-8"
    )
    imported(
        run, new_log, "csv", rows, mapping=str(mapping), map="date=inception:year",
    )  # fmt: skip
    found = events(new_log)
    assert (found["q1"].date.text, found["q2"].date.text) == ("1066", "1086")
    assert [r.id for r in found["q1"].actors] == ["normans", "anglo-saxons"]
    assert found["q1"].summary == "Battle of Hastings"  # no summary column mapped: the title


def test_a_semicolon_inside_an_address_stays_in_it(
    run: RunCli, new_log: Path, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "id,title,date,actor,source_urls\n"
        "a,Session id,2023-10-22,ROK,"
        "https://news.example/view.do;jsessionid=Z!6; https://wire.example/a\n"
        "b,No space,2023-10-23,ROK,https://one.example/x;https://two.example/y\n",
        encoding="utf-8",
    )
    imported(run, new_log, "csv", rows)
    log = load_log(new_log)
    urls = {e.id: [log.sources_by_id[s].url for s in e.sources] for e in log.events}
    assert urls == {
        "a": ["https://news.example/view.do;jsessionid=Z!6", "https://wire.example/a"],
        "b": ["https://one.example/x", "https://two.example/y"],
    }


def test_map_is_checked(run: RunCli, new_log: Path) -> None:
    sample = SAMPLES / "ical" / "icalendar_tests_example.ics"
    assert (
        "--map does not apply to ics"
        in imported(run, new_log, "ics", sample, map="title=x", expect=2).stderr
    )
    assert (
        "no field 'headlines'"
        in imported(run, new_log, "csv", sample, map="headlines=x", expect=2).stderr
    )
    assert (
        "is not FIELD=COLUMN" in imported(run, new_log, "csv", sample, map="title", expect=2).stderr
    )


def test_actors_map_names_to_the_logs_ids(run: RunCli, tmp_path: Path) -> None:
    log = tmp_path / "korea.json"
    log.write_bytes((Path(__file__).parents[1] / "data" / "events.json").read_bytes())
    names = tmp_path / "names.json"
    names.write_text(json.dumps({"VICTORIA": "AUS-NOT-THERE"}), encoding="utf-8")
    sample = SAMPLES / "gdelt" / "gdelt2-20191024143000-first60.export.tsv"
    refused = run(
        "import", "gdelt", str(sample), "--into", str(log), "--actors", str(names), expect=1
    )
    assert "--actors maps 'VICTORIA' to 'AUS-NOT-THERE', an actor" in refused.stderr
    names.write_text(json.dumps({"NORTH KOREA": "DPRK", "SOUTH KOREA": "ROK"}), encoding="utf-8")
    run("import", "gdelt", str(sample), "--into", str(log), "--actors", str(names), "--dry-run")
    assert log.read_bytes() == (Path(__file__).parents[1] / "data" / "events.json").read_bytes()


# Idempotence, updates, dry runs -------------------------------------------------------------------


def test_a_changed_record_is_reported_and_replaced_only_with_update(
    run: RunCli, new_log: Path, tmp_path: Path
) -> None:
    sample = (SAMPLES / "acled" / "acled_old_dummy_cut.csv").read_text(encoding="utf-8")
    imported(run, new_log, "acled", SAMPLES / "acled" / "acled_old_dummy_cut.csv")
    before = new_log.read_bytes()
    changed = tmp_path / "changed.csv"
    changed.write_text(
        sample.replace("On 30 June 2022, in Comodoro", "On 30 June 2022 in Comodoro", 1),
        encoding="utf-8",
    )
    result = imported(run, new_log, "acled", changed)
    assert summary(result).startswith(
        f"{new_log}: 0 added, 0 updated, 29 unchanged, 1 changed in the file"
    )
    assert "line 2: changed: acled-arg10607 differs from the log's; kept the log's" in result.stderr
    assert new_log.read_bytes() == before
    dry = imported(run, new_log, "acled", changed, flags=("--update", "--dry-run"))
    assert summary(dry).startswith(f"{new_log}: 0 added, 1 updated, 29 unchanged")
    assert "(dry run, nothing written)" in summary(dry)
    assert new_log.read_bytes() == before
    imported(run, new_log, "acled", changed, flags=("--update",))
    assert events(new_log)["acled-arg10607"].summary.startswith("On 30 June 2022 in Comodoro")


def test_a_dry_run_writes_nothing(run: RunCli, new_log: Path) -> None:
    before = new_log.read_bytes()
    result = imported(
        run, new_log, "ucdp", SAMPLES / "ucdp" / "ucdpged_sample_v23_cut.csv", flags=("--dry-run",)
    )
    assert (
        summary(result)
        == f"{new_log}: 42 added, 0 updated, 0 unchanged, 0 skipped, 0 not imported (dry run, nothing written)"
    )
    assert new_log.read_bytes() == before


def test_several_files_at_once_and_stdin(run: RunCli, new_log: Path) -> None:
    sample = SAMPLES / "gdelt" / "gdelt1_daily_rows_loum-geoutils.tsv"
    result = run(
        "import",
        "gdelt",
        str(sample),
        "-",
        "--into",
        str(new_log),
        input=sample.read_text(encoding="utf-8"),
        expect=1,
    )
    assert summary(result).startswith(
        f"{new_log}: 3 added, 0 updated, 0 unchanged, 0 skipped, 3 not imported"
    )
    assert "<stdin> line 1: not imported: the same id (gdelt-324845984) as " in result.stderr


# Hostile files ------------------------------------------------------------------------------------


def test_hostile_csv_rows_are_reported_one_by_one(
    run: RunCli, new_log: Path, tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile.csv"
    hostile.write_bytes(
        b"\xef\xbb\xbf"  # a byte-order mark
        b"title,date,actors,summary\n"
        b'"=HYPERLINK(""http://x.invalid"",""click"")",2023,Alpha,A formula as a title\n'
        b"Ragged,2023,Alpha\n"
        b"Caf\xe9 in Latin-1,2023,Alpha,Not UTF-8\n"
        b'Huge,2023,Alpha,"' + b"x" * 50_000_000 + b'"\n'
        b"After the huge cell,2023-02-30,Alpha,An impossible date\n"
        b"Fine,2023-05,Alpha,The last row\n"
    )
    result = imported(run, new_log, "csv", hostile, expect=1)
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        f"{new_log}: 2 added, 0 updated, 0 unchanged, 0 skipped, 4 not imported"
    )
    assert f"  {hostile} line 3: not imported: 3 cells where the header has 4" in lines
    assert (
        f"  {hostile} line 4: not imported: not UTF-8 text (byte 0xe9): save the file as UTF-8"
        in lines
    )
    assert f"  {hostile} line 5: not imported: a cell longer than 1,048,576 characters" in lines
    assert any(
        "line 6: not imported: field 'date': '2023-02-30': February 2023 has no day 30" in line
        for line in lines
    )
    found = events(new_log)
    formula = next(e for e in found.values() if e.title.startswith("=HYPERLINK"))
    assert formula.title == '=HYPERLINK("http://x.invalid","click")'  # kept as text
    csv_out = run("export", "--data", str(new_log), "--format", "csv").stdout
    assert "'=HYPERLINK" in csv_out  # and defused on its way to a spreadsheet


def test_nothing_valid_leaves_the_log_untouched(run: RunCli, new_log: Path, tmp_path: Path) -> None:
    before = new_log.read_bytes()
    gdelt = tmp_path / "short.tsv"
    row = (
        (SAMPLES / "gdelt" / "gdelt1_daily_rows_loum-geoutils.tsv")
        .read_text(encoding="utf-8")
        .splitlines()[0]
    )
    gdelt.write_text("\t".join(row.split("\t")[:57]) + "\n", encoding="utf-8")
    result = imported(run, new_log, "gdelt", gdelt, expect=1)
    assert "line 1: not imported: 57 columns: GDELT 2.0 rows have 61, 1.0 rows 58" in result.stderr
    assert "(nothing written)" in summary(result)
    broken = tmp_path / "broken.ics"
    broken.write_text(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20230101\r\nSUMMARY:Broken\r\n"
        "DESCRIPTION:A long description\r\nthat lost its fold\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    result = imported(run, new_log, "ics", broken, actor="Someone", expect=1)
    assert (
        "line 2: not imported: line 7 is not a property ('that lost its fold'): a broken fold?"
        in result.stderr
    )
    assert new_log.read_bytes() == before
    for name, content in (
        ("empty.csv", b""),
        ("header-only.csv", b"title,date\n"),
        ("not.json", b"{"),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        fmt = "json" if name.endswith("json") else "csv"
        imported(run, new_log, fmt, path, expect=1 if content in (b"", b"{") else 0)
    assert new_log.read_bytes() == before


def test_a_missing_file_or_log_is_one_clear_error(
    run: RunCli, new_log: Path, tmp_path: Path
) -> None:
    result = imported(run, new_log, "csv", tmp_path / "nowhere.csv", expect=1)
    assert result.stderr == f"error: {tmp_path / 'nowhere.csv'}: no such file\n"
    missing = tmp_path / "no-log.json"
    sample = SAMPLES / "ical" / "icalendar_tests_example.ics"
    result = run("import", "ics", str(sample), "--into", str(missing), "--actor", "x", expect=1)
    assert "no-log.json" in result.stderr and "no such file" in result.stderr


def test_a_gdelt_query_result_comes_in_as_csv_or_parquet(
    run: RunCli, new_log: Path, tmp_path: Path
) -> None:
    """The path docs/importing.md shows: GDELT rows selected by a query engine (DuckDB here, as
    BigQuery or Spark would), saved with GDELT's column names, imported as a timeline."""
    import duckdb

    from timeline.importing.gdelt import COLUMNS_2

    sample = SAMPLES / "gdelt" / "gdelt2-20191024143000-first60.export.tsv"
    query = (
        f"SELECT * FROM read_csv('{sample}', delim='\t', header=false, names={list(COLUMNS_2)}) "
        "WHERE Actor1CountryCode = 'USA' OR Actor2CountryCode = 'USA'"
    )
    duckdb.execute(f"COPY ({query}) TO '{tmp_path / 'usa.parquet'}' (FORMAT parquet)")
    duckdb.execute(f"COPY ({query}) TO '{tmp_path / 'usa.csv'}' (HEADER true)")
    first = imported(run, new_log, "gdelt", tmp_path / "usa.parquet")
    assert summary(first).startswith(f"{new_log}: 10 added, 0 updated, 0 unchanged")
    again = imported(run, new_log, "gdelt", tmp_path / "usa.csv")
    assert summary(again).startswith(f"{new_log}: 0 added, 0 updated, 10 unchanged")
    whole = imported(run, new_log, "gdelt", sample)
    assert summary(whole).startswith(f"{new_log}: 50 added, 0 updated, 10 unchanged")


def test_a_cameo_code_stored_as_a_number_gets_its_zero_back() -> None:
    from timeline.importing.gdelt import _cameo_code

    assert [_cameo_code(code) for code in ("40", "042", "311", "0311", "190", "1711")] == [
        "040", "042", "0311", "0311", "190", "1711",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="is not a CAMEO code"):
        _cameo_code("04x")
