from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import SMALL, minimal_log

from timeline.errors import LogError, OutputError
from timeline.store import atomic_output, bundled_log_path, load_log, parse_log, resolve_log_path


def problems_of(data: bytes) -> list[str]:
    with pytest.raises(LogError) as caught:
        parse_log(data, "log.json")
    assert str(caught.value) == "\n".join(f"log.json: {p}" for p in caught.value.problems)
    return caught.value.problems


def test_a_valid_log_loads() -> None:
    log = load_log(SMALL)
    assert [e.id for e in log.events][:2] == ["singapore-2018", "hanoi-2019"]


def test_a_utf8_bom_is_accepted() -> None:
    assert parse_log(b"\xef\xbb\xbf" + SMALL.read_bytes(), "x").title == "Small fixture log"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LogError, match=r"nope\.json: no such file$"):
        load_log(tmp_path / "nope.json")


def test_a_directory(tmp_path: Path) -> None:
    with pytest.raises(LogError, match="is a directory, not a log file"):
        load_log(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(write_log: Callable[..., Path]) -> None:
    path = write_log(minimal_log())
    path.chmod(0)
    with pytest.raises(LogError, match="permission denied"):
        load_log(path)


def test_not_utf8_names_the_line_column_and_byte() -> None:
    assert problems_of(b'{\n  "title": "caf\xe9"\n}') == [
        "line 2 column 16: not UTF-8 text (byte 0xe9)"
    ]


def test_malformed_json_names_line_and_column() -> None:
    assert problems_of(b'{\n  "title": "x",\n  "events": [}\n') == [
        "line 3 column 14: invalid JSON: Expecting value"
    ]


def test_truncated_json() -> None:
    assert problems_of(SMALL.read_bytes()[:200])[0].startswith("line ")


def test_empty_file() -> None:
    assert problems_of(b"") == ["line 1 column 1: invalid JSON: Expecting value"]


def test_duplicate_keys_are_an_error_naming_the_key_and_object() -> None:
    data = b'{"events": [{"id": "a", "date": "2020", "date": "2021"}]}'
    assert problems_of(data) == ["invalid JSON: duplicate key 'date' in the object with id 'a'"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_rejected(constant: str) -> None:
    assert problems_of(f'{{"title": {constant}}}'.encode()) == [
        f"line 1 column 11: invalid JSON: {constant} is not a number JSON allows"
    ]


def test_absurd_nesting_is_rejected() -> None:
    assert problems_of(b"[" * 100_000 + b"]" * 100_000) == ["invalid JSON: nested too deeply"]


def test_a_huge_integer_is_rejected_cleanly() -> None:
    (problem,) = problems_of(b'{"title": ' + b"9" * 5000 + b"}")
    assert (
        problem == "line 1 column 11: invalid JSON: a number too long to read (thousands of digits)"
    )


def test_a_lone_surrogate_is_rejected_with_its_place() -> None:
    raw = json.dumps(minimal_log(title="bad \ud800 text"))
    assert problems_of(raw.encode()) == [
        "event 'only-event' (events[0]), field 'title': contains an unpaired UTF-16 surrogate"
    ]


def test_a_paired_surrogate_escape_is_fine() -> None:
    raw = json.dumps(minimal_log(title="emoji \U0001f600"), ensure_ascii=True)
    assert "\\ud83d" in raw
    assert parse_log(raw.encode(), "x").events[0].title == "emoji \U0001f600"


@pytest.mark.parametrize(
    ("document", "kind"),
    [("[]", "an array"), ('"x"', "a string"), ("3", "a number"), ("null", "null")],
)
def test_the_top_level_must_be_an_object(document: str, kind: str) -> None:
    assert problems_of(document.encode()) == [f"top level: expected a JSON object, got {kind}"]


def test_schema_errors_are_all_listed_with_event_id_and_field() -> None:
    raw = minimal_log(date="2023-02-30", type="sumit", colour="red")
    raw["events"].append(
        {
            "id": "second",
            "title": "",
            "date": "2020",
            "type": "meeting",
            "actors": ["AAA"],
            "summary": "x",
        }
    )
    raw["actors"][0]["kind"] = "country"
    problems = problems_of(json.dumps(raw).encode())
    assert problems == [
        "actor 'AAA' (actors[0]), field 'kind': 'country' is not one of: state, person, organisation",
        "event 'only-event' (events[0]), field 'date': '2023-02-30': February 2023 has no day 30",
        "event 'only-event' (events[0]), field 'colour': unknown field",
        "event 'only-event' (events[0]), field 'type': unknown type 'sumit'; did you mean 'summit'?",
        "event 'second' (events[1]), field 'title': String should have at least 1 character (got \"\")",
    ]


def test_a_missing_required_field_is_named() -> None:
    raw = minimal_log()
    del raw["events"][0]["summary"]
    assert problems_of(json.dumps(raw).encode()) == [
        "event 'only-event' (events[0]), field 'summary': required field is missing"
    ]


def test_reference_errors_are_all_listed() -> None:
    raw = minimal_log(actors=["AAA", "ghost"], related=[{"id": "nowhere", "rel": "follows"}])
    assert problems_of(json.dumps(raw).encode()) == [
        "event 'only-event' (events[0]), field 'actors[1]': unknown actor 'ghost'",
        "event 'only-event' (events[0]), field 'related[0].id': unknown event 'nowhere'",
    ]


def test_an_event_without_an_id_is_named_by_position() -> None:
    raw = minimal_log()
    del raw["events"][0]["id"]
    assert problems_of(json.dumps(raw).encode()) == [
        "event events[0], field 'id': required field is missing"
    ]


def test_the_log_path_comes_from_the_option_then_the_environment_then_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TIMELINE_DATA", "/from/env.json")
    assert resolve_log_path("given.json") == (Path("given.json"), True)
    assert resolve_log_path(None) == (Path("/from/env.json"), True)
    monkeypatch.setenv("TIMELINE_DATA", "")
    assert resolve_log_path(None) == (bundled_log_path(), False)
    assert bundled_log_path().is_file()


def test_atomic_output_writes_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with atomic_output(target, overwrite=False) as stream:
        stream.write("a,b\r\n")
    assert target.read_bytes() == b"a,b\r\n"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_output_refuses_an_existing_file_and_keeps_it(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("precious")
    with (
        pytest.raises(OutputError, match="already exists"),
        atomic_output(target, overwrite=False) as stream,
    ):
        stream.write("new")
    assert target.read_text() == "precious"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_output_replaces_with_overwrite_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    with atomic_output(target, overwrite=True) as stream:
        stream.write("new")
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target, overwrite=True) as stream:
        stream.write("half")
        raise RuntimeError("crash")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with (
        pytest.raises(OutputError, match="no such folder"),
        atomic_output(tmp_path / "no" / "x.csv", overwrite=False),
    ):
        pass


def test_a_directory_as_output_is_a_clear_error(tmp_path: Path) -> None:
    with (
        pytest.raises(OutputError, match="is a directory"),
        atomic_output(tmp_path, overwrite=True),
    ):
        pass


def test_a_full_disk_is_a_clear_error_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    with (
        pytest.raises(OutputError, match="No space left on device"),
        atomic_output(target, overwrite=True) as stream,
    ):
        stream.write("new")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]
