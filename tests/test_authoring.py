"""validate, fmt, add, schema and diff: data as code, with nothing ever lost."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import SMALL, Run, minimal_log

from timeline.cache import lock_file
from timeline.edit import canonical_text
from timeline.slugs import propose_id
from timeline.store import load_log

RunCli = Callable[..., Run]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "log.json"
    shutil.copy(SMALL, path)
    return path


# validate -----------------------------------------------------------------------------------------


def test_validate_reports_warnings_and_passes_without_strict(run: RunCli, small: Path) -> None:
    result = run("validate", str(small))
    assert result.stdout.splitlines() == [
        f"warning: {small}: actor 'unused-org' (actors[7]): takes part in no event",
        f"warning: {small}: event 'drill-2023' (events[5]), field 'sources': no source given",
    ]
    assert result.stderr == "0 errors, 2 warnings in 1 log\n"
    assert run("validate", "--strict", str(small), expect=1).stdout == result.stdout


def test_validate_lists_every_error_of_every_file(
    run: RunCli, small: Path, write_log: Callable[..., Path]
) -> None:
    bad = write_log(minimal_log(date="2023-02-30", actors=["ghost"]))
    broken = write_log(b'{"title": }')
    result = run("validate", str(small), str(bad), str(broken), expect=1)
    errors = [line for line in result.stdout.splitlines() if line.startswith("error")]
    assert errors == [
        f"error: {bad}: event 'only-event' (events[0]), field 'date': '2023-02-30': February 2023 has no day 30",
        # the bad date does not hide the broken reference: every problem in one run
        f"error: {bad}: event 'only-event' (events[0]), field 'actors[0]': unknown actor 'ghost'",
        f"error: {broken}: line 1 column 11: invalid JSON: Expecting value",
    ]
    assert result.stderr == "3 errors, 2 warnings in 3 logs\n"


def test_validate_reports_references_whatever_else_is_wrong(
    run: RunCli, write_log: Callable[..., Path]
) -> None:
    """The README's example: a bad date and a bad type, and a reference to a mistyped id."""
    document = json.loads(SMALL.read_text(encoding="utf-8"))
    by_id = {event["id"]: event for event in document["events"]}
    by_id["hanoi-2019"].update(date="2019-02-30", end=None, type="sumit")
    by_id["dmz-2019"]["related"] = [{"id": "hanoi-219", "rel": "follows"}]
    by_id["arms-2023"]["actors"].append("NATO")
    path = write_log(document, "mylog.json")
    errors = run("list", "--data", str(path), expect=1).stderr.splitlines()
    assert errors == [
        f"error: {path}: event 'hanoi-2019' (events[1]), field 'date': '2019-02-30': February 2019 has no day 30",
        f"error: {path}: event 'hanoi-2019' (events[1]), field 'type': unknown type 'sumit'; "
        "did you mean 'summit'?",
        f"error: {path}: event 'dmz-2019' (events[2]), field 'related[0].id': unknown event 'hanoi-219'",
        f"error: {path}: event 'arms-2023' (events[4]), field 'actors[2]': unknown actor 'NATO'",
    ]


def test_validate_json_is_a_list_of_findings(run: RunCli, small: Path) -> None:
    findings = json.loads(run("validate", "--format", "json", str(small)).stdout)
    assert findings[1] == {
        "file": str(small),
        "level": "warning",
        "section": "events",
        "index": 5,
        "id": "drill-2023",
        "field": "sources",
        "line": None,
        "column": None,
        "message": "no source given",
    }


def test_validate_finds_near_duplicates(run: RunCli, write_log: Callable[..., Path]) -> None:
    log = minimal_log(tags=["sanctions"])
    log["actors"].append(
        {"id": "BBB", "name": "Alpha-state", "kind": "state", "aliases": ["Alphas"]}
    )
    twin = {**log["events"][0], "id": "same-again", "date": "2020-05-03", "tags": ["Sanction"]}
    twin["tags"] = ["sanction"]
    log["events"].append(twin)
    path = write_log(log)
    lines = run("validate", str(path)).stdout.splitlines()
    assert (
        f"warning: {path}: event 'same-again' (events[1]): may duplicate 'only-event': same type, "
        "mostly the same actors, within 3 days" in lines
    )
    assert (
        f"warning: {path}: event 'same-again' (events[1]), field 'tags[0]': tag 'sanction' looks like "
        "'sanctions'" in lines
    )
    assert (
        f"warning: {path}: actor 'BBB' (actors[1]), field 'aliases[0]': 'Alphas' looks like 'Alpha', a name "
        "of actor 'AAA'" in lines
    )


def test_the_bundled_log_has_no_warnings(run: RunCli) -> None:
    result = run("validate", "--strict", str(ROOT / "data" / "events.json"))
    assert (result.stdout, result.stderr) == ("", "0 errors, 0 warnings in 1 log\n")


# fmt ----------------------------------------------------------------------------------------------


def shuffled(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text())
    document["events"].reverse()
    document["events"][0] = {"note": "moved keys", **document["events"][0]}
    path.write_text(json.dumps(document, indent=4, ensure_ascii=True))
    return document


def test_fmt_rewrites_in_canonical_form_without_changing_a_value(run: RunCli, small: Path) -> None:
    shuffled(small)
    before = load_log(small)
    assert "not in canonical form" in run("fmt", "--check", str(small), expect=1).stderr
    assert run("fmt", str(small)).stderr == f"{small}: reformatted\n"
    after = load_log(small)
    assert sorted(after.events, key=lambda e: e.id) == sorted(before.events, key=lambda e: e.id)
    assert [e.id for e in after.events][:3] == ["singapore-2018", "hanoi-2019", "dmz-2019"]
    text = small.read_text(encoding="utf-8")
    assert text.endswith("}\n") and "\\u" not in text
    assert run("fmt", "--check", str(small)).stderr == f"{small}: already canonical\n"


def test_fmt_refuses_an_invalid_log_and_leaves_it(
    run: RunCli, write_log: Callable[..., Path]
) -> None:
    path = write_log(minimal_log(type="sumit"))
    before = path.read_bytes()
    assert "did you mean 'summit'" in run("fmt", str(path), expect=1).stderr
    assert path.read_bytes() == before


def test_fmt_will_not_touch_the_installed_copy(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, small: Path
) -> None:
    import timeline.store

    monkeypatch.setattr(timeline.store, "is_packaged", lambda path: True)
    assert "is the log installed with timeline" in run("fmt", str(small), expect=1).stderr


def test_the_bundled_log_is_canonical() -> None:
    path = ROOT / "data" / "events.json"
    assert path.read_text(encoding="utf-8") == canonical_text(load_log(path))


# schema -------------------------------------------------------------------------------------------


def test_schema_matches_the_copy_in_the_repository_and_the_bundled_log_uses_it(run: RunCli) -> None:
    printed = run("schema").stdout
    assert printed == (ROOT / "data" / "events.schema.json").read_text(encoding="utf-8")
    assert json.loads(printed)["properties"]["events"]["type"] == "array"
    assert load_log(ROOT / "data" / "events.json").schema_url == "events.schema.json"


# add ----------------------------------------------------------------------------------------------


ADD = [
    "--title",
    "Talks resume in Stockholm",
    "--date",
    "2019-10-05",
    "--type",
    "meeting",
    "--actor",
    "USA",
    "--actor",
    "North Korea",
    "--summary",
    "Working-level talks.",
    "--source",
    "wire-2019-02-28",
    "--related",
    "dmz-2019:follows",
    "--tag",
    "diplomacy",
]


def test_add_from_options_previews_writes_canonically_and_diff_shows_only_it(
    run: RunCli, small: Path, tmp_path: Path
) -> None:
    before = tmp_path / "before.json"
    shutil.copy(small, before)
    result = run("add", "--data", str(small), *ADD)
    assert result.stdout.startswith(
        "Talks resume in Stockholm\ntalks-resume-stockholm-2019 · meeting"
    )
    assert result.stderr == f"added talks-resume-stockholm-2019 to {small}\n"
    added = load_log(small).events_by_id["talks-resume-stockholm-2019"]
    assert added.actor_ids == ["USA", "DPRK"]
    assert small.read_text(encoding="utf-8") == canonical_text(load_log(small))
    changes = json.loads(run("diff", str(before), str(small), "--format", "json").stdout)
    assert changes == [
        {
            "change": "added",
            "section": "events",
            "id": "talks-resume-stockholm-2019",
            "title": "Talks resume in Stockholm",
            "fields": [],
        }
    ]


def test_add_dry_run_writes_nothing(run: RunCli, small: Path) -> None:
    before = small.read_bytes()
    result = run("add", "--data", str(small), *ADD, "--dry-run")
    assert "dry run: would add talks-resume-stockholm-2019" in result.stderr
    assert small.read_bytes() == before


def test_an_invalid_event_is_refused_naming_the_field_and_the_log_is_kept(
    run: RunCli, small: Path
) -> None:
    before = small.read_bytes()
    result = run(
        "add",
        "--data",
        str(small),
        *ADD[:-4],
        "--related",
        "nowhere:follows",
        "--end",
        "2019-10-01",
        expect=1,
    )
    assert result.stderr.splitlines() == [
        f"error: {small} with the new event: event 'talks-resume-stockholm-2019' (events[6]), field 'end': "
        "end 2019-10-01 is before date 2019-10-05",
        f"error: {small} with the new event: event 'talks-resume-stockholm-2019' (events[6]), "
        "field 'related[0].id': unknown event 'nowhere'",
    ]
    assert small.read_bytes() == before


def test_add_a_duplicate_id_is_refused(run: RunCli, small: Path) -> None:
    result = run("add", "--data", str(small), *ADD, "--id", "hanoi-2019", expect=1)
    assert "duplicate id 'hanoi-2019'" in result.stderr


def test_add_from_json_with_a_new_source(run: RunCli, small: Path, tmp_path: Path) -> None:
    payload = {
        "event": {
            "title": "A new report",
            "date": "2024",
            "type": "publication",
            "actors": ["RUS"],
            "summary": "Published.",
            "sources": ["new-source"],
        },
        "sources": [
            {"id": "new-source", "publisher": "P", "title": "T", "url": "https://example.org/new"}
        ],
    }
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    run("add", "--data", str(small), "--json", str(path))
    log = load_log(small)
    assert log.events_by_id["new-report-2024"].sources == ("new-source",)
    assert "new-source" in log.sources_by_id


def test_add_from_json_on_stdin(run: RunCli, small: Path) -> None:
    event = {
        "id": "from-stdin",
        "title": "From stdin",
        "date": "2021",
        "type": "statement",
        "actors": ["USA"],
        "summary": "Said.",
    }
    run("add", "--data", str(small), "--json", "-", input=json.dumps(event))
    assert "from-stdin" in load_log(small).events_by_id


def test_add_asks_for_each_field_and_checks_the_answers(run: RunCli, small: Path) -> None:
    answers = (
        "\n".join(
            [
                "Interactive event",
                "2023-02-30",
                "2023-02-14",
                "",
                "picnic",
                "meeting",
                "Nowhere",
                "USA, dprk:guest",
                "Seoul",
                "It happened.",
                "",
                "",
                "confirmed",
                "diplomacy",
                "wire-2019-02-28",
                "hanoi-2019:context",
            ]
        )
        + "\n"
    )
    result = run("add", "--data", str(small), "--interactive", input=answers)
    assert "February 2023 has no day 30" in result.stderr
    assert "unknown type 'picnic'" in result.stderr
    assert "unknown actor" in result.stderr
    event = load_log(small).events_by_id["interactive-event-2023"]
    assert (event.date.text, event.type, event.actor_ids) == (
        "2023-02-14",
        "meeting",
        ["USA", "DPRK"],
    )
    assert event.actors[1].role == "guest"
    assert event.related[0].rel == "context"


def test_add_without_fields_off_a_terminal_is_a_usage_error(run: RunCli, small: Path) -> None:
    assert "give the event's fields" in run("add", "--data", str(small), expect=2).stderr


def test_a_held_lock_times_out_with_a_clear_message(run: RunCli, small: Path) -> None:
    handle = os.open(lock_file(small), os.O_RDWR | os.O_CREAT)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        before = small.read_bytes()
        result = run("add", "--data", str(small), *ADD, "--lock-timeout", "0.2", expect=1)
        assert "another process has held the log's lock" in result.stderr
        assert small.read_bytes() == before
    finally:
        os.close(handle)


def test_proposed_ids_are_short_guessable_and_unused() -> None:
    assert propose_id("The Hanoi summit", "2019", set()) == "hanoi-summit-2019"
    assert propose_id("The Hanoi summit", "2019", {"hanoi-summit-2019"}) == "hanoi-summit-2019-2"
    assert propose_id("Kim–Putin summit at Vostochny Cosmodrome, Amur", "2023", set()) == (
        "kim-putin-summit-vostochny-2023"
    )


# diff ---------------------------------------------------------------------------------------------


def test_diff_names_each_field_change(run: RunCli, small: Path, tmp_path: Path) -> None:
    document = json.loads(small.read_text())
    by_id = {e["id"]: e for e in document["events"]}
    by_id["launches-2022"]["date"] = "2022-11"
    by_id["arms-2023"]["status"] = "confirmed"
    by_id["hanoi-2019"]["sources"].append("paper-2023")
    document["events"] = [e for e in document["events"] if e["id"] != "drill-2023"]
    document["events"].append(
        {
            "id": "new-one",
            "title": "New",
            "date": "2024",
            "type": "meeting",
            "actors": ["USA"],
            "summary": "New.",
        }
    )
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))
    assert run("diff", str(small), str(changed)).stdout.splitlines() == [
        "changed  event  hanoi-2019     Hanoi summit ends without agreement",
        "                                 sources: source added: paper-2023",
        "changed  event  launches-2022  A record year of launches",
        "                                 date: made more precise: 2022 -> 2022-11",
        "changed  event  arms-2023      Arms trade with Russia",
        "                                 status: revised: disputed -> confirmed",
        "added    event  new-one        New",
        "removed  event  drill-2023     Allied drill near the coast",
    ]


def test_diff_covers_the_log_actors_and_sources_and_shows_values_as_written(
    run: RunCli, small: Path, tmp_path: Path
) -> None:
    document = json.loads(small.read_text())
    document["title"] = "Renamed"
    document["description"] = "Now with a description."
    document["actors"][0]["name"] = "DPR Korea"
    document["actors"].append({"id": "JPN", "name": "Japan", "kind": "state"})
    document["sources"][0]["title"] = "A corrected headline"
    for event in document["events"]:
        if event["id"] == "arms-2023":
            del event["approximate"]
        if event["id"] == "drill-2023":
            event["approximate"] = True
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))
    lines = run("diff", str(small), str(changed)).stdout.splitlines()
    assert lines == [
        "changed  log                     Renamed",
        "                                   title: Small fixture log -> Renamed",
        "                                   description: added: Now with a description.",
        "changed  actor  DPRK             DPR Korea",
        "                                   name: North Korea -> DPR Korea",
        "added    actor  JPN              Japan",
        "changed  source wire-2018-06-12  Example Wire — A corrected headline",
        "                                   title: Leaders meet in Singapore -> A corrected headline",
        "changed  event  drill-2023       Allied drill near the coast",
        "                                   approximate: added: true",
        "changed  event  arms-2023        Arms trade with Russia",
        "                                   approximate: removed: true",
    ]
    assert "False" not in "\n".join(lines) and "True" not in "\n".join(lines)
    records = json.loads(run("diff", str(small), str(changed), "--format", "json").stdout)
    assert [(r["section"], r["change"], r["id"]) for r in records][:3] == [
        ("log", "changed", ""),
        ("actors", "changed", "DPRK"),
        ("actors", "added", "JPN"),
    ]


def test_diff_without_new_compares_with_the_log_itself(run: RunCli, small: Path) -> None:
    result = run("diff", str(small), "--data", str(small))
    assert (result.stdout, result.stderr) == ("", "no differences\n")


def test_diff_of_identical_logs_says_so(run: RunCli, small: Path) -> None:
    result = run("diff", str(small), str(small))
    assert (result.stdout, result.stderr) == ("", "no differences\n")


def test_diff_reads_a_committed_version_from_git(run: RunCli, small: Path, tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", small.name)
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "log")
    run("add", "--data", str(small), *ADD)
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = run("diff", f"git:HEAD:{small.name}", small.name)
        assert result.stdout.startswith("added    event  talks-resume-stockholm-2019")
        missing = run("diff", "git:HEAD:nope.json", small.name, expect=1)
        assert "nope.json" in missing.stderr
    finally:
        os.chdir(cwd)
