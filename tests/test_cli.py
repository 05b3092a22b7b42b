from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import HOSTILE, Run, minimal_log

RunCli = Callable[..., Run]
RAW_CONTROL = [
    chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]
] + [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]


def first_column(stdout: str, column: int = 1) -> list[str]:
    return [line.split("\t")[column] for line in stdout.splitlines()]


# list -------------------------------------------------------------------------------------------


def test_list_piped_prints_tab_separated_lines(run: RunCli) -> None:
    result = run("list")
    assert result.stdout.splitlines()[0] == (
        "2018-06-12\tsingapore-2018\tSingapore summit\tDPRK,USA,kim-jong-un,donald-trump\tsummit"
    )
    assert first_column(result.stdout) == [
        "singapore-2018",
        "hanoi-2019",
        "dmz-2019",
        "launches-2022",
        "drill-2023",
        "arms-2023",
    ]
    assert result.stderr == ""


@pytest.mark.parametrize("name", ["DPRK", "prk", "North Korea"])
def test_actor_id_alias_and_name_give_the_same_events(run: RunCli, name: str) -> None:
    assert first_column(run("list", "--actor", name).stdout) == [
        "singapore-2018",
        "hanoi-2019",
        "dmz-2019",
        "launches-2022",
        "arms-2023",
    ]


def test_filters_combine(run: RunCli) -> None:
    result = run(
        "list", "-a", "USA", "--from", "2019-03", "--to", "2023", "-t", "exercise", "-t", "meeting"
    )
    assert first_column(result.stdout) == ["dmz-2019", "drill-2023"]


def test_the_table_shows_dates_at_their_precision(run: RunCli) -> None:
    result = run("list", "--format", "table")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["When", "ID", "Title", "Actors", "Type"]
    assert any(line.split()[:2] == ["2022", "launches-2022"] for line in lines)
    assert any(line.split()[:3] == ["2023-09~", "–", "2024-06~"] for line in lines)
    assert lines[-1] == "6 events"


def test_nothing_is_truncated_when_piped(run: RunCli, write_log: Callable[..., Path]) -> None:
    title = "A very long title " * 15
    path = write_log(minimal_log(title=title.strip()))
    result = run("list", "--data", str(path), env={"COLUMNS": "40"})
    assert result.stdout == f"2020-05-01\tonly-event\t{title.strip()}\tAAA\tmeeting\n"
    table = run("list", "--data", str(path), "--format", "table", env={"COLUMNS": "40"})
    assert "…" not in table.stdout
    assert "".join(table.stdout.split()).count("Averylongtitle") == 15


def test_list_formats(run: RunCli) -> None:
    as_json = json.loads(run("list", "-f", "json", "--limit", "2").stdout)
    assert [e["id"] for e in as_json] == ["singapore-2018", "hanoi-2019"]
    jsonl = run("list", "-f", "jsonl", "--sort", "id", "-r").stdout.splitlines()
    assert json.loads(jsonl[0])["id"] == "singapore-2018"
    rows = list(csv.DictReader(io.StringIO(run("list", "-f", "csv", "--tag", "missiles").stdout)))
    assert [r["id"] for r in rows] == ["launches-2022", "arms-2023"]


def test_an_empty_result_is_success(run: RunCli) -> None:
    result = run("list", "--search", "no such words anywhere")
    assert (result.stdout, result.stderr) == ("", "")
    assert json.loads(run("list", "--search", "zzz", "-f", "json").stdout) == []


def test_data_can_be_given_before_the_command(run: RunCli, write_log: Callable[..., Path]) -> None:
    path = write_log(minimal_log())
    assert first_column(run("--data", str(path), "list").stdout) == ["only-event"]
    assert first_column(run("list", "--data", str(path)).stdout) == ["only-event"]


# usage errors: exit 2 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["list", "--from", "2023-02-30"], "February 2023 has no day 30"),
        (["list", "--from", "yesterday"], "is not a date"),
        (["list", "--from", "2024", "--to", "2023"], "--to 2023 is before --from 2024"),
        (["list", "--sort", "colour"], "is not one of: date, title, id"),
        (["list", "--limit", "-1"], "-1 is not in the range x>=0"),
        (["list", "--format", "xml"], "is not one of"),
        (["show", "hanoi-2019", "--format", "csv"], "is not one of: card, json"),
        (["export"], "say which format with --format"),
        (["export", "-o", "out.txt"], "or give --output a name ending in"),
        (["frobnicate"], "no such command"),
    ],
)
def test_usage_errors_exit_2(run: RunCli, args: list[str], fragment: str) -> None:
    result = run(*args, expect=2)
    assert fragment in result.stderr
    assert result.stdout == ""


# lookup and data errors: exit 1 -------------------------------------------------------------------


def test_show_an_unknown_id_suggests_the_right_one(run: RunCli) -> None:
    result = run("show", "hanoi-2109", expect=1)
    assert result.stderr == "error: no event with id 'hanoi-2109'; did you mean 'hanoi-2019'?\n"
    assert result.stdout == ""


def test_an_unknown_actor_is_exit_1_with_a_suggestion(run: RunCli) -> None:
    result = run("list", "--actor", "Norht Korea", expect=1)
    assert result.stderr == "error: no actor called 'Norht Korea'; did you mean 'DPRK' or 'ROK'?\n"


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--type", "sumit"],
        ["export", "-f", "csv", "--type", "sumit"],
        ["add", "--type", "sumit", "--title", "x", "--dry-run"],
    ],
)
def test_a_type_the_vocabulary_lacks_is_exit_1_with_a_suggestion(
    run: RunCli, args: list[str]
) -> None:
    result = run(*args, expect=1)
    assert result.stderr == "error: unknown type 'sumit'; did you mean 'summit'?\n"
    assert result.stdout == ""


BAD_LOGS: list[tuple[str, bytes, str]] = [
    ("missing", b"", "no such file"),
    ("not-utf8", b'{"title": "\xff"}', "line 1 column 12: not UTF-8 text (byte 0xff)"),
    (
        "malformed",
        b'{"title": "x",}',
        "line 1 column 15: invalid JSON: Expecting property name enclosed in double quotes",
    ),
    ("duplicate-key", b'{"title": "a", "title": "b"}', "invalid JSON: duplicate key 'title'"),
    ("nan", b'{"title": NaN}', "line 1 column 11: invalid JSON: NaN is not a number JSON allows"),
    ("nesting", b"[" * 50_000 + b"]" * 50_000, "invalid JSON: nested too deeply"),
    ("top-level", b"[]", "top level: expected a JSON object, got an array"),
    (
        "schema",
        json.dumps(minimal_log(date="2023-02-30")).encode(),
        "event 'only-event' (events[0]), field 'date': '2023-02-30': February 2023 has no day 30",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_LOGS, ids=[b[0] for b in BAD_LOGS])
@pytest.mark.parametrize("command", [["list"], ["show", "x"], ["export", "-f", "csv"]])
def test_every_bad_input_class_is_one_clear_message(
    run: RunCli, tmp_path: Path, name: str, content: bytes, message: str, command: list[str]
) -> None:
    path = tmp_path / f"{name}.json"
    if name != "missing":
        path.write_bytes(content)
    result = run(*command, "--data", str(path), expect=1)
    assert result.stderr == f"error: {path}: {message}\n"
    assert result.stdout == ""


def test_a_directory_as_data(run: RunCli, tmp_path: Path) -> None:
    assert (
        run("list", "--data", str(tmp_path), expect=1).stderr
        == f"error: {tmp_path}: is a directory, not a log file\n"
    )


def test_an_unreadable_log(
    run: RunCli, write_log: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_log(minimal_log())
    opening = Path.open

    def denied(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied")
        return opening(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    assert (
        run("list", "--data", str(path), expect=1).stderr == f"error: {path}: permission denied\n"
    )


def test_the_environment_variable_names_the_log(
    run: RunCli, write_log: Callable[..., Path]
) -> None:
    path = write_log(minimal_log())
    assert first_column(run("list", env={"TIMELINE_DATA": str(path)}).stdout) == ["only-event"]


def test_every_schema_problem_is_listed_one_per_line(
    run: RunCli, write_log: Callable[..., Path]
) -> None:
    raw = minimal_log(type="sumit", actors=["ghost"])
    raw["events"].append({**raw["events"][0], "id": "second", "date": "2020-13"})
    path = write_log(raw)
    lines = run("list", "--data", str(path), expect=1).stderr.splitlines()
    assert lines == [
        f"error: {path}: event 'only-event' (events[0]), field 'type': "
        + lines[0].split("field 'type': ")[1],
        f"error: {path}: event 'only-event' (events[0]), field 'actors[0]': unknown actor 'ghost'",
        f"error: {path}: event 'second' (events[1]), field 'date': '2020-13': month 13 does not exist",
        f"error: {path}: event 'second' (events[1]), field 'type': "
        + lines[3].split("field 'type': ")[1],
        f"error: {path}: event 'second' (events[1]), field 'actors[0]': unknown actor 'ghost'",
    ]
    assert "did you mean 'summit'?" in lines[0]


def test_hostile_text_in_an_error_message_is_made_visible(
    run: RunCli, write_log: Callable[..., Path]
) -> None:
    path = write_log(minimal_log(date="\x1b[2J2023", type="\x1b]0;title\x07"))
    result = run("list", "--data", str(path), expect=1)
    assert "\\x1b[2J2023" in result.stderr
    for char in RAW_CONTROL:
        assert char not in result.stderr.replace("\n", "")


def test_an_unexpected_error_is_one_line_unless_debugging(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import timeline.index

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(timeline.index, "select_from_file", broken)
    result = run("list", expect=1)
    assert (
        result.stderr
        == "error: internal error: ZeroDivisionError: boom (set TIMELINE_DEBUG=1 for details)\n"
    )
    from typer.testing import CliRunner

    from timeline.cli.app import app

    debug = CliRunner().invoke(app, ["list"], env={"TIMELINE_DEBUG": "1"})
    assert isinstance(debug.exception, ZeroDivisionError)


# show -------------------------------------------------------------------------------------------


def test_show_prints_every_field(run: RunCli) -> None:
    out = run("show", "hanoi-2019").stdout
    for expected in [
        "Hanoi summit ends without agreement",
        "hanoi-2019 · summit (PLOVER CONSULT) · confirmed",
        "When    27–28 February 2019",
        "Where   Hanoi, VNM",
        "Actors  North Korea (DPRK); United States (USA); Kim Jong Un (kim-jong-un); Donald Trump (donald-trump)",
        "Tags    diplomacy, nuclear",
        'Talks broke down over sanctions relief, "Yongbyon", and sequencing.',
        "A turning point, in one reading.",
        "1. Example Wire — Summit ends, no deal",
        "https://example.org/2019/02/28/hanoi",
        "follows      2018-06-12  singapore-2018  Singapore summit",
        "followed by  2019-06-30  dmz-2019        Meeting at the DMZ",
    ]:
        assert expected in out, expected


def test_show_gives_roles_partial_dates_and_a_missing_source(run: RunCli) -> None:
    arms = run("show", "arms-2023").stdout
    assert "North Korea (DPRK, supplier); Russia (RUS, recipient)" in arms
    assert "When    about September 2023 – June 2024\n" in arms
    assert "disputed" in arms
    assert "Both governments deny it." in arms
    assert "none given" in run("show", "drill-2023").stdout
    assert "When    2022\n" in run("show", "launches-2022").stdout


def test_show_json(run: RunCli) -> None:
    document = json.loads(run("show", "hanoi-2019", "--format", "json").stdout)
    assert document["event"]["id"] == "hanoi-2019"
    assert [a["id"] for a in document["actors"]] == ["DPRK", "USA", "kim-jong-un", "donald-trump"]
    assert document["sources"][0]["url"] == "https://example.org/2019/02/28/hanoi"
    assert document["related"] == [
        {
            "rel": "follows",
            "direction": "outgoing",
            "id": "singapore-2018",
            "title": "Singapore summit",
            "date": "2018-06-12",
            "end": None,
        },
        {
            "rel": "followed by",
            "direction": "incoming",
            "id": "dmz-2019",
            "title": "Meeting at the DMZ",
            "date": "2019-06-30",
            "end": None,
        },
    ]


# export -----------------------------------------------------------------------------------------


def test_export_csv_reads_back_with_one_row_per_json_event(run: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "events.csv"
    result = run("export", "--format", "csv", "-o", str(target))
    assert result.stdout == ""
    assert result.stderr == f"wrote 6 events to {target}\n"
    with target.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    events = json.loads(run("export", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [e["id"] for e in events]
    assert [r["title"] for r in rows] == [e["title"] for e in events]


def test_export_infers_the_format_from_the_extension(run: RunCli, tmp_path: Path) -> None:
    run("export", "-o", str(tmp_path / "a.jsonl"), "--actor", "RUS")
    assert [json.loads(line)["id"] for line in (tmp_path / "a.jsonl").read_text().splitlines()] == [
        "arms-2023"
    ]


def test_export_refuses_to_overwrite_without_force(run: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "events.csv"
    target.write_text("precious")
    result = run("export", "-f", "csv", "-o", str(target), expect=1)
    assert result.stderr == f"error: {target}: already exists (use --force to replace it)\n"
    assert target.read_text() == "precious"
    run("export", "-f", "csv", "-o", str(target), "--force")
    assert target.read_text().startswith("id,date,end")


def test_export_refuses_to_write_over_the_log_it_reads(
    run: RunCli, write_log: Callable[..., Path]
) -> None:
    path = write_log(minimal_log())
    before = path.read_bytes()
    result = run("export", "-f", "json", "-o", str(path), "--force", "--data", str(path), expect=1)
    assert "is the log being read" in result.stderr
    assert path.read_bytes() == before


def test_export_excel_adds_a_bom_and_default_has_none(run: RunCli, tmp_path: Path) -> None:
    run("export", "-o", str(tmp_path / "plain.csv"))
    run("export", "-o", str(tmp_path / "excel.csv"), "--excel")
    assert not (tmp_path / "plain.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "excel.csv").read_bytes().startswith(b"\xef\xbb\xbfid,date")


def test_export_csv_defuses_formulas_unless_raw(run: RunCli) -> None:
    safe = run("export", "-f", "csv", "--data", str(HOSTILE)).stdout
    cells = [c for row in csv.reader(io.StringIO(safe)) for c in row]
    assert not [c for c in cells if c[:1] in set("=+-@\t\r\n＝＋－＠")]
    raw = run("export", "-f", "csv", "--raw", "--data", str(HOSTILE)).stdout
    assert "=HYPERLINK" in [c[:10] for row in csv.reader(io.StringIO(raw)) for c in row]


def test_export_into_a_missing_folder(run: RunCli, tmp_path: Path) -> None:
    result = run("export", "-o", str(tmp_path / "nope" / "x.csv"), expect=1)
    assert "no such folder" in result.stderr
    assert result.stdout == ""


# hostile log through every human sink ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["list", "-f", "table"],
        ["list"],
        ["show", "markup"],
        ["show", "escapes"],
        ["show", "formula"],
        ["show", "html"],
        ["list", "-f", "json"],
        ["list", "-f", "jsonl"],
        ["show", "escapes", "-f", "json"],
    ],
)
def test_hostile_log_output_carries_no_raw_control_characters(run: RunCli, args: list[str]) -> None:
    result = run(*args, "--data", str(HOSTILE))
    for char in RAW_CONTROL:
        assert char not in result.stdout.replace("\n", "").replace("\t", ""), repr(char)
    assert "\x1b]8;" not in result.stdout


def test_hostile_markup_is_printed_literally(run: RunCli) -> None:
    out = run("show", "markup", "--data", str(HOSTILE)).stdout
    assert "[link=https://evil.example]x[/link] [bold]B closing [/Pattern] tag :smile:" in out
    assert "Rich [red]markup[/red] and :thumbs_up: emoji codes." in out
    assert "[bold red]Evil[/] \\x1b]8;;https://evil.example\\x1b\\click" in out


def test_forced_colour_still_prints_markup_literally(run: RunCli) -> None:
    result = run(
        "list", "-f", "table", "--data", str(HOSTILE), env={"FORCE_COLOR": "1", "NO_COLOR": ""}
    )
    assert "\x1b[" in result.stdout  # colour is on...
    assert "[/Pattern]" in result.stdout  # ...and the data is still literal
    assert "\x1b]8;" not in result.stdout


# help and version ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["list", "show", "export"])
def test_every_command_has_help_with_an_example(run: RunCli, command: str) -> None:
    out = run(command, "--help").stdout
    assert "Example" in out
    assert f"timeline {command}" in out


def test_version_comes_from_the_package_metadata(run: RunCli) -> None:
    from importlib.metadata import version

    assert run("--version").stdout == f"timeline {version('timeline')}\n"
