"""What must hold for any bytes handed to `timeline` as a log: the oracle of the fuzzers.

`check_log_bytes` loads the bytes through the entry point the CLI uses (`store.parse_log`), then:

- the fast reader and the strict one (whole document, then the Pydantic schema) agree: the same
  log, or the same problems;
- a rejected log raises only `LogError`, and each of its findings says where the problem is;
- an accepted log goes through every registered format, the `show` card, chain, stats, actors,
  chart, lint, diff and fmt, and none of them raises;
- nothing meant for a terminal (table, TSV, card, Markdown, ICS, JSON, chain, stats, findings,
  diff, CSV on a terminal) holds a raw control character, ESC, C1 control or bidi override;
- CSV has no live formula and reads back as the log's values; JSON and JSON Lines read back as the
  events; Markdown renders to HTML with no tag, attribute or link of the log's making; the HTML
  page has log text only as escaped text in its <title> and in its JSON data block;
- `fmt` keeps every value and is idempotent.

Used by tests/test_fuzz.py (Hypothesis) and fuzz/harness.py (atheris), which also share the
hostile text they try (`PAYLOADS`, `SPECIAL_CHARACTERS`). Any exception other than
`LogError` from loading, and any exception at all from rendering an accepted log, is a finding.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import os
import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from timeline import analysis, diff, lint
from timeline.document import dumps
from timeline.edit import canonical, canonical_text
from timeline.errors import Finding, LogError, TimelineError
from timeline.model import Log
from timeline.query import Selection, relations_of, selection_of, sort_events
from timeline.render.card import card_content, write_card_text
from timeline.render.card_rich import write_card_rich
from timeline.render.chart import write_chart
from timeline.render.delimited import FORMULA_TRIGGERS, undefuse
from timeline.render.diff_table import write_changes_table
from timeline.render.findings import (
    changes_json,
    findings_json,
    write_changes_text,
    write_findings_text,
)
from timeline.render.formats import FORMATS, Options
from timeline.render.jsondoc import show_document
from timeline.render.page import html_page, page_data
from timeline.render.records import COLUMNS, as_row, typed_record
from timeline.render.reports import (
    actors_json,
    chain_json,
    counts_json,
    write_actors,
    write_chain,
    write_counts,
)
from timeline.store import build_log, describe, parse_json, parse_log

LABEL = "fuzzed.json"
REFERENCE_LOG = Path(__file__).parent / "fixtures" / "small.json"
# Cards, chains and charts cost the most; a handful of events shows whether they hold.
MOST_EVENTS_IN_DETAIL = 3

# What a terminal would obey rather than show: C0 controls but tab and newline (ESC among them),
# DEL, C1, bidi embeddings, overrides and isolates; the invisible characters the sanitiser shows
# too (zero-width space, line and paragraph separators, BOM); lone surrogates, which cannot even
# be encoded.
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
    "\ud800-\udfff]"
)
# The escape sequences Rich itself writes on a terminal: SGR styles and OSC 8 hyperlinks.
RICH_SEQUENCE = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b\x07]*\x1b\\")
_HTML_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_HTML_DATA = re.compile(
    r'<script type="application/json" id="timeline-data">(.*?)</script>', re.DOTALL
)
_MARKDOWN_LINK_TARGET = re.compile(r"\]\(<[^<>\s]*>\)")
_TIMELINEJS_TAG = re.compile(
    r'<(?:/?(?:p|strong|ol|li|a)|br|a href="[^"<>]*" target="_blank" rel="noopener noreferrer")>'
)
_MORE_PROBLEMS = re.compile(r"^\.\.\. and \d+ more problems$")
_ALL_STATS = analysis.STAT_KEYS


# Text that has broken a renderer somewhere: terminal escapes, bidi, markup for Rich, Markdown,
# HTML and TimelineJS, spreadsheet formulas, template syntax, line breaks of every kind.
PAYLOADS = [
    "=1+1",
    "@SUM(1,1)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "＝1+1",
    "\t=1",
    "\r=1",
    "'quoted",
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "<!-- comment",
    "[link=https://evil.example]x[/link]",
    "[/Pattern]",
    "[x](javascript:alert(1))",
    "![i](https://evil.example/i.png)",
    "<https://evil.example>",
    "\x1b]52;c;aGVsbG8=\x07",
    "\x1b[2J\x1b[H",
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "\x9b31m",
    "\u202eevil\u202c",
    "\u2066isolate\u2069",
    "\u061c\u200b\ufeff",
    "\u2028\u2029",
    ":smile:",
    "# heading",
    "1. item",
    "- item",
    "| a | b |",
    "***bold***",
    "`code`",
    "a\\",
    "${jndi:x}",
    "{{7*7}}",
    "%s%n",
    "\r\n",
    "\x00",
    "\x7f",
    "x" * 501,
    "Renée 東京 مرحبا 👍🏽",
]
SPECIAL_CHARACTERS = (
    "\x00\x07\x08\t\n\x0b\x0c\r\x1b\x7f\x85\x9b\u061c\u200b\u202e\u2066\u2028\ufeff"
    "<>&\"'[]()|*_`#=+-@:\\ "
)
# Dates at the edges of the grammar, for the fuzzers: the ends of the calendar, year 0 and BCE,
# deep time and its cap, times and zones that exist or nearly do, the open end, look-alikes.
EDGE_DATES = [
    "0001", "0001-01-01", "9999", "9999-12", "9999-12-31", "2020-02-29", "2021-02-29", "0000",
    "-0000", "-0001", "-0107-02-29", "-0100-02-29", "-9999-01-01", "Y10000", "Y-10000", "Y9999",
    "Y-13800000000", "Y100000000001", "Y-0100000", "2023-07-19T07:12", "2023-07-19T07:12Z",
    "2023-07-19T07:12:05+09:00", "2023-07-19T23:59:59-23:59", "2023-07-19T24:00", "2023-07-19T07:60Z",
    "2023-07-19T07:12:60", "2023-07-19T07:12+25:00", "2023-07-19T07:12+09:60", "2023-07T07:12",
    "2023-07-19t07:12z", "2023-07-19 07:12", "2023-07-19T07:12+0900", "..", "...", "../2023",
    "-0000-01", "1-1-1", "86400", "２０２０",
]  # fmt: skip
# Keys the fuzzers add where they do not belong (or do): the format's newer fields among them.
EXTRA_KEYS = [
    "extra", "role", "end", "note", "approximate", "Date", "", "window", "media", "lat", "lon",
    "admin1", "archive", "citation", "types", "eras", "plover", "colour", "location", "primary",
    "copy",
]  # fmt: skip


def check_log_bytes(data: bytes) -> Log | None:
    """Load `data` as the CLI does and check every promise; the log if it was accepted.

    Raises AssertionError naming the broken promise, or whatever unexpected exception occurred.
    """
    strict = strict_reading(data)
    try:
        log = parse_log(data, LABEL)
    except LogError as error:
        check_rejection(error)
        assert str(error) == strict, f"the strict reader says otherwise: {strict!r}"
        return None
    assert log == strict, f"the strict reader says otherwise: {strict!r}"
    check_accepted(log)
    return log


def strict_reading(data: bytes) -> Log | str:
    """The log as the strict reader (whole JSON document, then the schema) takes it, or its error.

    `parse_log` first tries a faster reader that gives up on anything unusual; whatever it
    accepts, the strict reader and the Pydantic schema must accept as the same log.
    """
    try:
        document = parse_json(data, LABEL)
        log = build_log(document, LABEL)
    except LogError as error:
        return str(error)
    from timeline import schema

    assert schema.validate(document) == log, "the schema reads the log otherwise"
    return log


def check_rejection(error: LogError) -> None:
    assert error.label == LABEL
    assert error.findings, "a rejected log must say why"
    for finding in error.findings:
        assert names_a_place(finding), f"finding without a location: {finding!r}"
    _terminal_safe(
        "validate findings", _captured(partial(write_findings_text, [(LABEL, error.findings)]))
    )
    reported = json.loads(findings_json([(LABEL, error.findings)]))
    assert [item["message"] for item in reported] == [f.message for f in error.findings]


def names_a_place(finding: Finding) -> bool:
    """A line and column, a record or field, the top level, or the summary of further problems."""
    return bool(
        finding.where()
        or finding.message.startswith("top level")
        or _MORE_PROBLEMS.match(finding.message)
        or is_a_known_unlocated_finding(finding)
    )


# JSON-level findings located by what they name rather than by line: a duplicate key names the
# key and its object's id; nesting too deep to read has no one place.
LOCATED_BY_NAME = re.compile(r"^invalid JSON: (?:duplicate key |nested too deeply)")


def is_a_known_unlocated_finding(finding: Finding) -> bool:
    if finding.line is not None or finding.section is not None:
        return False
    return bool(LOCATED_BY_NAME.match(finding.message))


def json_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of `value` and of everything inside it, for mutating a JSON document at random."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += json_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += json_paths(item, (*path, index))
    return found


def check_accepted(log: Log) -> None:
    selection = selection_of(log, sort_events(log.events), with_related=True)
    for name, format_ in FORMATS.items():
        if format_.binary:
            BINARY_CHECKS[name](_written_bytes(name, selection), selection)
        else:
            FORMAT_CHECKS[name](_formatted(name, selection), selection)
    _check_csv(_formatted("csv", selection, Options(raw=True)), selection, raw=True)
    with _on_a_terminal():
        _terminal_safe("table on a terminal", _formatted("table", selection))
        _terminal_safe("csv on a terminal", _formatted("csv", selection))
    _check_details(selection, log)
    _check_analysis(selection, log)
    _check_lint(log)
    _check_diff(log)
    _check_fmt(log)


# Formats ------------------------------------------------------------------------------------------


def _check_table(text: str, selection: Selection) -> None:
    events = selection.events
    _terminal_safe("table", text)
    assert f"\n{len(events)} event" in f"\n{text}"


def _check_tsv(text: str, selection: Selection) -> None:
    events = selection.events
    _terminal_safe("tsv", text)
    lines = text.split("\n")
    assert lines.pop() == ""
    assert len(lines) == len(events), "one TSV line per event, whatever the text holds"
    for line, event in zip(lines, events, strict=True):
        fields = line.split("\t")
        assert len(fields) == 5, f"a TSV line has 5 fields: {line!r}"
        assert fields[1] == event.id


def _check_csv(text: str, selection: Selection, *, raw: bool = False) -> None:
    events = selection.events
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == len(events) + 1
    for row, event in zip(rows[1:], events, strict=True):
        expected = list(as_row(event, selection).values())
        if raw:
            assert row == expected
            continue
        for cell in row:
            number = re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cell, re.ASCII)
            live = cell and cell[0] in FORMULA_TRIGGERS - {"'"} and not number
            assert not live, f"live formula: {cell!r}"
        assert [undefuse(cell) for cell in row] == expected


def _check_json(text: str, selection: Selection) -> None:
    events = selection.events
    _terminal_safe("json", text)
    assert json.loads(text) == [typed_record(event, selection) for event in events]


def _check_jsonl(text: str, selection: Selection) -> None:
    events = selection.events
    _terminal_safe("jsonl", text)
    lines = text.splitlines()
    assert [json.loads(line) for line in lines] == [typed_record(e, selection) for e in events]


def _check_markdown(text: str, selection: Selection) -> None:
    _terminal_safe("md", text)
    assert "<" not in _MARKDOWN_LINK_TARGET.sub("", text), "raw HTML in Markdown"
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(text)
    assert not re.search(r"<(?!/?(?:h1|h2|h3|p|em|strong|ol|ul|li|a|br)\b)", rendered), rendered
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", rendered, re.IGNORECASE), "event handler"
    urls = {
        *(source.url for source in selection.sources.values()),
        *(source.archive for source in selection.sources.values()),
        *(event.media.url for event in selection.events if event.media),
    } - {None}
    for href in re.findall(r'<a href="([^"]*)"', rendered):
        assert html.unescape(href).startswith(("http://", "https://")), href
        assert any(_same_url(href, url) for url in urls), f"a link the log did not give: {href}"


def _same_url(href: str, url: str) -> bool:
    """Whether an href markdown-it wrote is the source URL (percent-encoded as md_url did)."""
    from urllib.parse import unquote

    return unquote(html.unescape(href)) == unquote(url)


def _check_ics(text: str, selection: Selection) -> None:
    events = selection.events
    assert text.endswith("\r\n")
    lines = text[:-2].split("\r\n")
    for line in lines:
        _terminal_safe("ics", line)
        assert "\n" not in line, f"a bare line break inside an ICS line: {line!r}"
        assert len(line.encode()) <= 75, f"an ICS line over 75 octets: {line!r}"
    unfolded = text.replace("\r\n ", "")
    # An event iCalendar cannot date (before the year 1, after 9999) is left out, and counted.
    left_out = re.search(r"^X-WR-CALDESC:(\d+) events? dated before the year 1", unfolded, re.M)
    assert unfolded.count("BEGIN:VEVENT") + (int(left_out[1]) if left_out else 0) == len(events)
    for value in re.findall(r"^DT(?:START|END)[^:\r]*:([^\r]*)\r$", unfolded, re.M):
        assert re.fullmatch(r"(?!0000)[0-9]{8}(T[0-9]{6}Z?)?", value), (
            f"not an iCalendar date: {value}"
        )


def _check_html(text: str, selection: Selection) -> None:
    _terminal_safe("html", text)
    title = _HTML_TITLE.search(text)
    data = _HTML_DATA.search(text)
    assert title is not None and data is not None
    assert "<" not in title[1], "markup in the page title"
    assert "<" not in data[1], "markup in the page's data block"
    assert json.loads(data[1]) == json.loads(json.dumps(page_data(selection)))
    # With log text taken out of those two slots, every page is the same page.
    skeleton = text.replace(data[0], "").replace(title[0], "")
    assert skeleton == _empty_page_skeleton(), "log text outside the title and the data block"


_SKELETON: list[str] = []


def _empty_page_skeleton() -> str:
    if not _SKELETON:
        page = html_page(selection_of(Log(), []))
        data = _HTML_DATA.search(page)
        title = _HTML_TITLE.search(page)
        assert data is not None and title is not None
        _SKELETON.append(page.replace(data[0], "").replace(title[0], ""))
    return _SKELETON[0]


def _check_timelinejs(text: str, selection: Selection) -> None:
    events = selection.events
    _terminal_safe("timelinejs", text)
    document = json.loads(text)
    assert len(document["events"]) == len(events)
    for slide in document["events"]:
        for html_text in (slide["text"]["headline"], slide["text"]["text"]):
            assert "<" not in _TIMELINEJS_TAG.sub("", html_text), (
                f"markup from the log: {html_text}"
            )
        # TimelineJS reads these as HTML, keeps the text and writes that as HTML again.
        for read_twice in (slide["display_date"], slide.get("group", "")):
            assert "<" not in html.unescape(read_twice), f"markup from the log: {read_twice}"


FORMAT_CHECKS: dict[str, Callable[[str, Selection], None]] = {
    "table": _check_table,
    "tsv": _check_tsv,
    "csv": _check_csv,
    "json": _check_json,
    "jsonl": _check_jsonl,
    "md": _check_markdown,
    "ics": _check_ics,
    "html": _check_html,
    "timelinejs": _check_timelinejs,
}


def _check_parquet(data: bytes, selection: Selection) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(data))
    assert table.to_pylist() == [typed_record(event, selection) for event in selection.events]


BINARY_CHECKS: dict[str, Callable[[bytes, Selection], None]] = {"parquet": _check_parquet}


def _written_bytes(name: str, selection: Selection) -> bytes:
    binary = io.BytesIO()
    stream = io.TextIOWrapper(binary, encoding="utf-8", newline="")
    FORMATS[name].write(selection, stream, Options())
    stream.flush()
    return binary.getvalue()


# Card, analysis, lint, diff, fmt -------------------------------------------------------------------


def _check_details(selection: Selection, log: Log) -> None:
    for event in selection.events[:MOST_EVENTS_IN_DETAIL]:
        content = card_content(event, selection)
        _terminal_safe("card", _captured(partial(write_card_text, content)))
        _terminal_safe("card (rich, piped)", _captured(partial(write_card_rich, content)))
        with _on_a_terminal():
            _terminal_safe("card (rich, terminal)", _captured(partial(write_card_rich, content)))
        _terminal_safe("show --format json", dumps(show_document(event, selection)))
        links = analysis.chain(event, 3, relations_of(log))
        _terminal_safe("chain", _captured(partial(write_chain, event, links)))
        _terminal_safe("chain, 60 columns", _captured(partial(write_chain, event, links, width=60)))
        _terminal_safe("chain --format json", dumps(chain_json(event, links)))


def _check_analysis(selection: Selection, log: Log) -> None:
    events = selection.events
    for key in _ALL_STATS:
        try:
            counts = analysis.stats(selection, key)
        except TimelineError as error:  # an event over millions of years, counted by month
            assert key in ("year", "month") and "narrow it with --from and --to" in str(error)
            continue
        assert sum(c.number for c in counts) >= (len(events) if key in ("type", "year") else 0)
        for width in (None, 60):
            _terminal_safe(
                f"stats --by {key}", _captured(partial(write_counts, counts, key, width=width))
            )
        _terminal_safe(f"stats --by {key} json", dumps(counts_json(counts, key)))
    rows = analysis.actor_rows(log)
    for width in (None, 60):
        _terminal_safe("actors", _captured(partial(write_actors, rows, width=width)))
    _terminal_safe("actors json", dumps(actors_json(rows)))
    for by in ("actor", "type"):
        _terminal_safe(
            f"chart --by {by}", _captured(partial(write_chart, selection, width=100, by=by))
        )


def _check_lint(log: Log) -> None:
    index = {
        "events": [{"id": e.id} for e in log.events],
        "actors": [{"id": a.id} for a in log.actors],
        "sources": [{"id": s.id} for s in log.sources],
    }
    found = [describe(problem, index, level="warning") for problem in lint.warnings(log)]
    for finding in found:
        assert finding.section is not None, f"a warning without its record: {finding!r}"
    _terminal_safe("validate warnings", _captured(partial(write_findings_text, [(LABEL, found)])))


def _check_diff(log: Log) -> None:
    assert diff.compare(log, log) == []
    added = [c for c in diff.compare(Log(), log) if c.section == "events"]
    assert [c.change for c in added] == ["added"] * len(log.events)
    reference = parse_log(REFERENCE_LOG.read_bytes(), str(REFERENCE_LOG))
    for old, new in ((reference, log), (log, reference)):
        changes = diff.compare(old, new)
        _terminal_safe("diff", _captured(partial(write_changes_text, changes)))
        _terminal_safe("diff table", _captured(partial(write_changes_table, changes)))
        json.loads(changes_json(changes))


def _check_fmt(log: Log) -> None:
    text = canonical_text(log)
    _terminal_safe("fmt", text)
    again = parse_log(text.encode(), "formatted")
    assert again == canonical(log), "fmt changed a value"
    assert canonical_text(again) == text, "fmt is not idempotent"


# Helpers ------------------------------------------------------------------------------------------


def _formatted(name: str, selection: Selection, options: Options | None = None) -> str:
    stream = io.StringIO()
    FORMATS[name].write(selection, stream, options or Options())
    return stream.getvalue()


def _captured(write: Callable[..., None]) -> str:
    """What `write(stream)` writes."""
    stream = io.StringIO()
    write(stream)
    return stream.getvalue()


def _terminal_safe(sink: str, text: str) -> None:
    """No character a terminal would obey, but Rich's own styles and CRLF line ends (CSV, ICS)."""
    found = RAW_CONTROL.search(RICH_SEQUENCE.sub("", text).replace("\r\n", "\n"))
    if found:
        start = max(0, found.start() - 30)
        raise AssertionError(
            f"{sink}: raw {found[0]!r} reaches the terminal: {text[start : found.end() + 30]!r}"
        )


@contextlib.contextmanager
def _on_a_terminal() -> Iterator[None]:
    """Rich and the CSV writer decide as for a terminal (TTY_COMPATIBLE=1, as Rich reads it)."""
    saved = os.environ.get("TTY_COMPATIBLE")
    os.environ["TTY_COMPATIBLE"] = "1"
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TTY_COMPATIBLE"]
        else:
            os.environ["TTY_COMPATIBLE"] = saved
