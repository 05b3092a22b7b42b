"""The hostile corpus (tests/hostile/): every case through every command that reads a log.

A rejected case must fail every command the same way: its exit code, one line per problem on
stderr naming the file and the field, nothing on stdout, no traceback. An accepted case must
succeed everywhere and render safely in every format: no raw control character on any stream a
terminal could show, no live formula in CSV, no live script, handler or link in HTML, Markdown or
TimelineJS, and the log's text kept exactly where a format promises to keep it.

One test per case runs every command on it and reports the failures of all of them together:
thousands of separate test items would cost more to collect than to run. The commands run
in-process against one prebuilt Click command (building it from the Typer app costs more than
running it), each file is read and parsed once per case (every command still renders from a real
parse), and fsync is skipped: durability is proven elsewhere, and costs 10 ms a file here.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import json
import operator
import os
import re
import shutil
import sys
import tomllib
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import typer.main
from markdown_it import MarkdownIt
from typer.testing import CliRunner

import timeline.index
import timeline.store
from timeline.cli.app import app
from timeline.errors import Finding, LogError
from timeline.model import Log
from timeline.render.sanitize import for_terminal, one_line

CORPUS = Path(__file__).parent / "hostile"
CASES_FILE = CORPUS / "cases.toml"
BASE_LOG = CORPUS / "valid-base.json"
MIN_CASES = 60
REQUIRED_CLASSES = frozenset(
    {
        *("malformed-json", "encoding", "duplicate-keys", "numbers", "deep-nesting", "huge"),
        *("top-level-type", "schema", "references", "dates", "terminal-escapes", "rich-markup"),
        *("bidi", "zero-width", "formula", "markup-injection", "output-path"),
    }
)

# What a terminal (or a reader of the file) would act on rather than show: C0 controls but tab and
# newline, DEL, C1, the bidirectional embeddings, overrides and isolates, and the invisible
# characters the sanitiser also shows (zero-width space, BOM, line and paragraph separators).
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
# The styles Rich adds on a terminal, and the OSC 8 links the card makes for source URLs.
SGR = re.compile(r"\x1b\[[0-9;]*m")
OSC8_LINK = re.compile(r"\x1b\]8;[^;\x1b\x07]*;([^\x1b\x07]*)\x1b\\")
# A spreadsheet runs (or shifts) a cell starting with one of these.
FORMULA_START = frozenset("=+-@\t\r\n\0＝＋－＠﹦﹢﹣﹫")
FILE_FORMATS = ("tsv", "csv", "json", "jsonl", "md", "ics", "html", "timelinejs")
TTY = {"TTY_COMPATIBLE": "1"}


# The corpus ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    klass: str
    why: str
    outcome: str
    file: str | None = None
    generate: str | None = None
    exit: int = 0
    says: tuple[str, ...] = ()
    problems: int | None = None
    events: int | None = None
    output: str | None = None
    writes: str | None = None

    @property
    def rejected(self) -> bool:
        return self.outcome == "rejected"


def load_cases() -> list[Case]:
    with CASES_FILE.open("rb") as stream:
        tables = tomllib.load(stream)
    cases = []
    for name, table in tables.items():
        keys = dict(table)
        cases.append(
            Case(
                name=name,
                klass=keys.pop("class"),
                why=keys.pop("why"),
                outcome=keys.pop("outcome"),
                says=tuple(keys.pop("says", ())),
                **keys,
            )
        )
    return cases


CASES = load_cases()


# Inputs built at test time, too big to commit ---------------------------------------------------------


def _deep_nesting(path: Path) -> None:
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)


def _huge_summary(path: Path) -> None:
    text = json.dumps(json.loads(BASE_LOG.read_bytes()), indent=2)
    head, tail = text.split('"The two leaders met."')
    path.write_bytes(head.encode() + b'"' + b"x" * 50_000_000 + b'"' + tail.encode())


def _huge_whitespace(path: Path) -> None:
    """The most hostile accepted log padded to 20 MB, twenty times the size `list` indexes."""
    text = (CORPUS / "escapes-all-together.json").read_text(encoding="utf-8")
    head, tail = text.split('"events": [', 1)
    padding = b" \n\t\r" * 5_000_000
    path.write_bytes(head.encode() + b'"events": [' + padding + tail.encode())


HOSTILE_TEXTS = (
    "\x1b]52;c;Y2FsYw==\x07 clipboard",
    "\x1b[2J\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    '=HYPERLINK("https://evil.example")',
    "[bold]markup[/bold] [link=https://evil.example]x[/link]",
    "</script><img src=x onerror=alert(1)>",
    "\u202eright-to-left\u202c zero\u200bwidth",
    "[x](javascript:alert(1))\n# heading",
    "+1+1 \r carriage",
)


def _many_events(path: Path) -> None:
    document = json.loads(BASE_LOG.read_bytes())
    template = document["events"][0]
    events = []
    for number in range(120):
        text = HOSTILE_TEXTS[number % len(HOSTILE_TEXTS)]
        event = dict(template, id=f"event-{number}", title=f"{text} {number}", summary=text)
        event["date"] = f"{2000 + number % 25}-{1 + number % 12:02d}-{1 + number % 28:02d}"
        event.pop("end")
        event["related"] = [{"id": f"event-{number - 1}", "rel": "follows"}] if number else []
        events.append(event)
    document["events"] = events
    path.write_text(json.dumps(document), encoding="utf-8")


GENERATORS: dict[str, Callable[[Path], None]] = {
    "deep-nesting-100k": _deep_nesting,
    "huge-summary-50mb": _huge_summary,
    "huge-whitespace-20mb": _huge_whitespace,
    "many-hostile-events": _many_events,
}


@pytest.fixture(scope="session")
def generated_inputs(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The path of a generated input, written the first time a test asks for it."""
    folder = tmp_path_factory.mktemp("hostile-generated")

    @functools.cache
    def path_of(name: str) -> Path:
        path = folder / f"{name}.json"
        GENERATORS[name](path)
        return path

    return path_of


# Running the CLI ----------------------------------------------------------------------------------


class Run(NamedTuple):
    exit_code: int
    stdout: str  # exactly as written (CRLF kept), strictly UTF-8
    stderr: str


_RUNNER = CliRunner()
_CLI = typer.main.get_command(app)


def invoke(args: list[str], env: dict[str, str] | None = None) -> Run:
    """Run the CLI in-process; an exception the CLI lets escape fails the test with its traceback."""
    with _RUNNER.isolation(env=env) as (stdout, stderr, _):
        try:
            _CLI.main(args=args, prog_name="timeline")
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        _build_put_off_indexes()
        return Run(code, stdout.getvalue().decode("utf-8"), stderr.getvalue().decode("utf-8"))


def _build_put_off_indexes() -> None:
    """What the console entry point does after a command, in a detached child: done here in-line.

    `list`, `export` and `show` put off indexing a large log until their output is complete; run
    in-process, nothing would ever build the index (and the jobs, holding the log, would pile up).
    """
    timeline.index.build_deferred_indexes(detach=False)


class OneParsePerFile:
    """For one case: each file read once (by its identity) and each content parsed once.

    Wraps whichever of the loader's functions the store and the index have: reading a file, and
    parsing its bytes or its text into a `Log` (a function of the content alone, but for the
    file's name in messages).
    """

    PARSERS = ("parse_log", "parse_log_text")

    def __init__(self) -> None:
        self.files: dict[tuple[str, tuple[int, ...]], tuple[bytes, os.stat_result | None]] = {}
        self.logs: dict[tuple[type, int, int], Log | list[Finding]] = {}

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for module in (timeline.store, timeline.index):
            if hasattr(module, "read_log_file"):
                monkeypatch.setattr(module, "read_log_file", self.reading(module.read_log_file))
            for name in self.PARSERS:
                if hasattr(module, name):
                    monkeypatch.setattr(module, name, self.parsing(getattr(module, name)))

    def reading(
        self, read: Callable[[Path], tuple[bytes, os.stat_result | None]]
    ) -> Callable[[Path], tuple[bytes, os.stat_result | None]]:
        def read_once(path: Path) -> tuple[bytes, os.stat_result | None]:
            try:
                key = (str(path), tuple(timeline.store.file_identity(path.stat())))
            except OSError:
                return read(path)
            if key not in self.files:
                self.files[key] = read(path)
            return self.files[key]

        return read_once

    def parsing(self, parse: Callable[[Any, str], Log]) -> Callable[[Any, str], Log]:
        def parse_once(content: bytes | str, label: str) -> Log:
            key = (type(content), len(content), hash(content))
            if key not in self.logs:
                try:
                    self.logs[key] = parse(content, label)
                except LogError as error:
                    self.logs[key] = error.findings
            found = self.logs[key]
            if isinstance(found, Log):
                return found
            raise LogError(label, found)

        return parse_once


@pytest.fixture(autouse=True)
def _quick_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    OneParsePerFile().install(monkeypatch)
    monkeypatch.setattr(os, "fsync", lambda descriptor: None)


# One case, as the commands see it -------------------------------------------------------------------


@functools.cache
def plain_json(path: Path) -> dict[str, Any]:
    """An accepted log as plain JSON, read without the project's code: the reference."""
    document: dict[str, Any] = json.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    return document


@functools.cache
def events_by_id(path: Path) -> dict[str, dict[str, Any]]:
    return {event["id"]: event for event in plain_json(path).get("events", [])}


@dataclass
class Subject:
    """One case as a command sees it. `tmp` is an empty folder of the command's own."""

    case: Case
    log: Path
    scratch: Path
    command: str = "setup"
    exported: dict[str, str] = field(default_factory=dict)

    @property
    def tmp(self) -> Path:
        folder = self.scratch / self.command
        folder.mkdir(exist_ok=True)
        return folder

    @property
    def document(self) -> dict[str, Any]:
        assert not self.case.rejected
        return plain_json(self.log)

    @property
    def events(self) -> dict[str, dict[str, Any]]:
        assert not self.case.rejected
        return events_by_id(self.log)

    @property
    def source_urls(self) -> set[str]:
        """The log's own web addresses: the only links an export may make."""
        if self.case.rejected:
            return set()
        # Every address the log gives: sources, their archived copies, media.
        sources = self.document.get("sources", [])
        found = {source[key] for source in sources for key in ("url", "archive") if key in source}
        events = self.document.get("events", [])
        return found | {event["media"]["url"] for event in events if "media" in event}

    @property
    def first_id(self) -> str:
        """The first event in the file (an id that may not exist, for a rejected log)."""
        if self.case.rejected:
            return "first-event"
        return next(iter(self.events), "no-such-event")

    def run(self, *args: str, env: dict[str, str] | None = None, exact: bool = False) -> Run:
        """Run a command on this case and check what every run must satisfy.

        `exact` marks output that keeps the log's text as it is (CSV to a pipe or a file), where a
        raw control character in the log legitimately reaches stdout.
        """
        result = invoke(list(args), env)
        assert "Traceback" not in result.stdout + result.stderr
        assert "internal error" not in result.stderr, result.stderr
        assert_no_raw_control(result.stderr, "stderr")
        if not exact:
            assert_no_raw_control(visible_part(result.stdout, self.source_urls), "stdout")
        if self.case.rejected:
            assert result.exit_code == self.case.exit, result
        return result

    def expect_rejection(self, result: Run, *, report_on_stdout: bool = False) -> None:
        """One line per problem, each naming the file (and the field); nothing else printed.

        `validate` prints its report on stdout (`error: FILE: ...`) and a count on stderr.
        """
        report = result.stdout if report_on_stdout else result.stderr
        if not report_on_stdout:
            assert result.stdout == ""
        lines = report.splitlines()
        assert lines, "no message"
        for line in lines:
            assert line.startswith(f"error: {one_line(str(self.log))}: "), line
        for fragment in self.case.says:
            assert fragment in report, f"{fragment!r} not in:\n{report}"
        if self.case.problems is not None:
            assert len(lines) == self.case.problems, report


def assert_no_raw_control(text: str, where: str) -> None:
    found = sorted(set(RAW_CONTROL.findall(text.replace("\r\n", "\n"))))
    assert not found, f"raw control characters on {where}: {found!r}"


def visible_part(text: str, source_urls: set[str]) -> str:
    """`text` less the styles Rich adds and the links the card makes to the log's own sources."""

    def link(match: re.Match[str]) -> str:
        url = match[1]
        assert url == "" or (url in source_urls and url.startswith(("https://", "http://"))), url
        return ""

    return OSC8_LINK.sub(link, SGR.sub("", text))


def subject_of(case: Case, generated_inputs: Callable[[str], Path], scratch: Path) -> Subject:
    if case.generate is not None:
        return Subject(case, generated_inputs(case.generate), scratch)
    assert case.file is not None
    return Subject(case, CORPUS / case.file, scratch)


# What each format must look like --------------------------------------------------------------------


class Markup(HTMLParser):
    """Every start tag of an HTML document or fragment, with its attributes."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_inert(markup: Markup, allowed_tags: set[str], allowed_attributes: set[str]) -> None:
    """Only the tags and attributes the format makes itself, and links only to web pages."""
    for tag, attributes in markup.tags:
        assert tag in allowed_tags, f"<{tag}> in output"
        assert set(attributes) <= allowed_attributes, (tag, attributes)
        href = attributes.get("href")
        if href is not None:
            assert href.startswith(("https://", "http://")), href


def squeeze(text: str) -> str:
    return " ".join(text.split())


def strict_json(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def contains(whole: Any, part: Any) -> bool:
    """Whether `whole` holds every member of `part` (recursively), of the same type and value."""
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(
            key in whole and contains(whole[key], value) for key, value in part.items()
        )
    if isinstance(part, list):
        return (
            isinstance(whole, list)
            and len(whole) == len(part)
            and all(contains(w, p) for w, p in zip(whole, part, strict=True))
        )
    numbers = (int, float)
    if type(part) in numbers and type(whole) in numbers:  # JSON's 0 and 0.0 are one number
        return bool(whole == part)
    return type(whole) is type(part) and bool(whole == part)


def plural(count: int) -> str:
    return f"{count} event{'' if count == 1 else 's'}"


def check_tsv(subject: Subject, text: str) -> None:
    rows = [line.split("\t") for line in text.splitlines()]
    assert all(len(row) == 5 for row in rows), "a field broke out of its column"
    assert sorted(row[1] for row in rows) == sorted(subject.events)
    for row in rows:  # formula-safe, like CSV: a leading ' on anything a spreadsheet would run
        assert row[2] == one_line(csv_cell(subject.events[row[1]]["title"]))


def csv_cell(value: str) -> str:
    """How a formula-safe CSV writes `value`: a leading ' on anything a spreadsheet would run."""
    return "'" + value if value[:1] in FORMULA_START | {"'"} else value


def check_csv(subject: Subject, text: str, *, terminal: bool = False) -> None:
    """No live formula; written to a file or pipe, every text cell exactly the log's value."""
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert sorted(row["id"] for row in rows) == sorted(subject.events)
    actors = {actor["id"]: actor for actor in subject.document.get("actors", [])}
    for row in rows:
        for cell in row.values():
            number = re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cell, re.ASCII)  # a longitude, say
            assert cell[:1] not in FORMULA_START or number, f"live formula {cell!r}"
        if terminal:
            continue
        event = subject.events[row["id"]]
        for column in ("title", "summary"):
            assert row[column] == csv_cell(event[column])
        for column in ("assessment", "note"):
            assert row[column] == csv_cell(event.get(column, ""))
        assert row["location"] == csv_cell(event.get("location", {}).get("name", ""))
        names = "; ".join(
            actors[ref if isinstance(ref, str) else ref["id"]]["name"] for ref in event["actors"]
        )
        assert row["actor_names"] == csv_cell(names)


def check_json(subject: Subject, text: str) -> None:
    """Every event, holding every field of the log exactly (each actor as `{"id", "role"}`)."""
    exported = strict_json(text)
    assert sorted(event["id"] for event in exported) == sorted(subject.events)
    for event in exported:
        raw = subject.events[event["id"]]
        typed = [
            ref if isinstance(ref, dict) else {"id": ref, "role": None} for ref in raw["actors"]
        ]
        assert contains(event, {**raw, "actors": typed}), event["id"]


def check_jsonl(subject: Subject, text: str) -> None:
    check_json(subject, "[" + ",".join(text.splitlines()) + "]")


MARKDOWN_TAGS = {"h1", "h2", "h3", "p", "em", "strong", "ol", "ul", "li", "a", "br"}


def check_md(subject: Subject, text: str) -> None:
    """Rendered by CommonMark with raw HTML allowed (the strictest reader): only the structure the
    export makes, one link per cited web source, and each title whole in its heading."""
    rendered = MarkdownIt().render(text)
    markup = Markup(rendered)
    assert_inert(markup, MARKDOWN_TAGS, {"href"})
    by_id = {source["id"]: source for source in subject.document.get("sources", [])}
    cited = [
        address
        for event in subject.events.values()
        for source_id in event.get("sources", [])
        for address in (by_id[source_id].get("url", ""), by_id[source_id].get("archive", ""))
    ]
    cited += [event.get("media", {}).get("url", "") for event in subject.events.values()]
    links = [tag for tag, _ in markup.tags if tag == "a"]
    assert len(links) == sum(url.startswith(("https://", "http://")) for url in cited)
    headings = [squeeze(html.unescape(h)) for h in re.findall(r"<h3>(.*?)</h3>", rendered, re.S)]
    for event in subject.events.values():
        title = squeeze(one_line(event["title"]))
        assert any(heading.endswith(title) for heading in headings), title


def check_ics(subject: Subject, text: str) -> None:
    """CRLF lines folded at 75 octets, and each event's title, parsed back, as a terminal shows it."""
    import icalendar

    assert text.endswith("\r\n")
    lines = text.split("\r\n")[:-1]
    assert all("\n" not in line and "\r" not in line for line in lines), "a bare line break"
    assert all(len(line.encode("utf-8")) <= 75 for line in lines), "an unfolded line"
    calendar = icalendar.Calendar.from_ical(text)
    summaries = {str(event["uid"]): str(event["summary"]) for event in calendar.walk("VEVENT")}
    # iCalendar holds the years 1 to 9999 only; the calendar says how many it leaves out.
    held = {
        event_id: event
        for event_id, event in subject.events.items()
        if all(
            re.match(r"^(?!0000)\d{4}", date)
            for date in (event["date"], event.get("end") or "..")
            if date != ".."
        )
    }
    assert summaries == {
        f"{event_id}@timeline": for_terminal(event["title"]) for event_id, event in held.items()
    }
    if len(held) < len(subject.events):
        assert "cannot hold such dates" in str(calendar["X-WR-CALDESC"])


HTML_PAGE_TAGS = {
    *("html", "head", "meta", "title", "style", "body", "header", "h1", "p", "div"),
    *("label", "select", "option", "input", "button", "span", "details", "summary"),
    *("i", "aside", "noscript", "script"),
}
HTML_PAGE_ATTRIBUTES = {
    *("lang", "charset", "http-equiv", "content", "name", "id", "class", "value"),
    *("type", "placeholder", "autocomplete", "role", "aria-label", "aria-live", "title"),
    *("tabindex", "hidden"),
}


def check_html(subject: Subject, text: str) -> None:
    """The page's own tags and two scripts only; the data block cannot end early and holds every
    title exactly."""
    markup = Markup(text)
    assert_inert(markup, HTML_PAGE_TAGS, HTML_PAGE_ATTRIBUTES)
    assert [tag for tag, _ in markup.tags].count("script") == 2
    assert text.lower().count("</script") == 2
    block = re.search(r'<script type="application/json" id="timeline-data">(.*?)</script>', text)
    assert block, "no data block"
    assert not set("<>&") & set(block[1]), "the data block could end early"
    data = strict_json(block[1])
    assert {event["id"]: event["title"] for event in data["events"]} == {
        event_id: event["title"] for event_id, event in subject.events.items()
    }


TIMELINEJS_TAGS = {"p", "br", "strong", "ol", "li", "a"}


def check_timelinejs(subject: Subject, text: str) -> None:
    """Headlines are text (exact once unescaped), bodies the export's own HTML with links only to
    the log's sources, and the fields TimelineJS reads as HTML twice escaped twice."""
    assert "</script" not in text.lower()
    document = strict_json(text)
    assert html.unescape(document["title"]["text"]["headline"]) == subject.document.get(
        "title", "Untitled timeline"
    )
    assert sorted(slide["unique_id"] for slide in document["events"]) == sorted(subject.events)
    for slide in document["events"]:
        event = subject.events[slide["unique_id"]]
        assert Markup(slide["text"]["headline"]).tags == []
        assert html.unescape(slide["text"]["headline"]) == event["title"]
        body = Markup(slide["text"]["text"])
        assert_inert(body, TIMELINEJS_TAGS, {"href", "target", "rel"})
        for tag, attributes in body.tags:
            if tag == "a":
                assert attributes["href"] in subject.source_urls
        for key in ("display_date", "group"):
            assert "<" not in html.unescape(slide.get(key, "")), "read as HTML twice"


FORMAT_CHECKS: dict[str, Callable[[Subject, str], None]] = {
    "tsv": check_tsv,
    "csv": check_csv,
    "json": check_json,
    "jsonl": check_jsonl,
    "md": check_md,
    "ics": check_ics,
    "html": check_html,
    "timelinejs": check_timelinejs,
}
DTSTAMP = re.compile(r"DTSTAMP:[0-9T]+Z")


# The commands ---------------------------------------------------------------------------------------


def export_command(fmt: str) -> Callable[[Subject], None]:
    def command(subject: Subject) -> None:
        target = subject.tmp / f"out.{fmt}"
        result = subject.run(
            "export", "-f", fmt, "-o", str(target), "--data", str(subject.log), exact=fmt == "csv"
        )
        if subject.case.rejected:
            subject.expect_rejection(result)
            assert list(subject.tmp.iterdir()) == [], "a rejected log left a file"
            return
        assert result.exit_code == 0, result
        assert result.stdout == ""
        assert result.stderr == f"wrote {plural(len(subject.events))} to {target}\n"
        assert [path.name for path in subject.tmp.iterdir()] == [target.name]
        written = target.read_bytes().decode("utf-8")
        if fmt != "csv":
            assert_no_raw_control(written, target.name)
        FORMAT_CHECKS[fmt](subject, written)
        subject.exported[fmt] = written

    return command


def list_command(fmt: str) -> Callable[[Subject], None]:
    """`list` prints what `export` wrote for the same format (checked there)."""

    def command(subject: Subject) -> None:
        result = subject.run("list", "-f", fmt, "--data", str(subject.log), exact=fmt == "csv")
        if subject.case.rejected:
            subject.expect_rejection(result)
            return
        assert (result.exit_code, result.stderr) == (0, ""), result
        if fmt == "table":
            assert result.stdout.splitlines()[-1] == plural(len(subject.events))
            for event in subject.events.values():
                assert one_line(event["title"]) in result.stdout
        elif fmt in subject.exported:
            written = subject.exported[fmt]
            assert DTSTAMP.sub("", result.stdout) == DTSTAMP.sub("", written)
        else:
            FORMAT_CHECKS[fmt](subject, result.stdout)

    return command


def list_on_a_terminal(fmt: str) -> Callable[[Subject], None]:
    def command(subject: Subject) -> None:
        result = subject.run("list", "-f", fmt, "--data", str(subject.log), env=TTY)
        if subject.case.rejected:
            subject.expect_rejection(result)
        elif fmt == "csv":
            check_csv(subject, result.stdout, terminal=True)

    return command


def show_card(subject: Subject) -> None:
    result = subject.run("show", subject.first_id, "--data", str(subject.log))
    if subject.case.rejected:
        subject.expect_rejection(result)
        return
    assert result.exit_code == 0, result
    event = subject.events[subject.first_id]
    assert result.stdout.splitlines()[0] == one_line(event["title"]).rstrip()
    assert squeeze(for_terminal(event["summary"])) in squeeze(result.stdout)


def show_card_on_a_terminal(subject: Subject) -> None:
    result = subject.run("show", subject.first_id, "--data", str(subject.log), env=TTY)
    if subject.case.rejected:
        subject.expect_rejection(result)


def show_json(subject: Subject) -> None:
    result = subject.run("show", subject.first_id, "-f", "json", "--data", str(subject.log))
    if subject.case.rejected:
        subject.expect_rejection(result)
        return
    assert result.exit_code == 0, result
    assert contains(strict_json(result.stdout)["event"], subject.events[subject.first_id])


def validate(subject: Subject) -> None:
    result = subject.run("validate", str(subject.log))
    if subject.case.rejected:
        subject.expect_rejection(result, report_on_stdout=True)
        return
    assert result.exit_code == 0, result
    assert all(line.startswith("warning: ") for line in result.stdout.splitlines())
    assert result.stderr.startswith("0 errors, ")


def fmt(subject: Subject) -> None:
    """`fmt --check` agrees with `fmt` on a copy, which loses nothing; a rejected log is left alone.

    An accepted case's file is usually not in canonical form, so `fmt --check` exits 1 for it; it
    exits 0 exactly when `fmt` leaves the copy unchanged.
    """
    copy = subject.tmp / "copy.json"
    shutil.copyfile(subject.log, copy)
    before = copy.read_bytes()
    rewrite = subject.run("fmt", str(copy))
    check = subject.run("fmt", "--check", str(subject.log))
    if subject.case.rejected:
        assert copy.read_bytes() == before, "a rejected log was rewritten"
        assert rewrite.stdout == ""
        subject.expect_rejection(check)
        return
    assert rewrite.exit_code == 0, rewrite
    changed = copy.read_bytes() != before
    assert check.exit_code == int(changed), check
    assert check.stdout == ""
    if changed:
        assert "not in canonical form" in check.stderr
    assert subject.run("fmt", "--check", str(copy)).exit_code == 0
    original, rewritten = timeline.store.load_log(subject.log), timeline.store.load_log(copy)
    by_id = operator.attrgetter("id")
    assert sorted(rewritten.events, key=by_id) == sorted(original.events, key=by_id)
    assert (rewritten.title, rewritten.description, rewritten.actors, rewritten.sources) == (
        original.title,
        original.description,
        original.actors,
        original.sources,
    )


def stats_text(subject: Subject) -> None:
    result = subject.run("stats", "--by", "actor", "--data", str(subject.log))
    if subject.case.rejected:
        subject.expect_rejection(result)
        return
    assert result.exit_code == 0, result


def stats_csv(env: dict[str, str] | None) -> Callable[[Subject], None]:
    def command(subject: Subject) -> None:
        args = ("stats", "--by", "actor", "-f", "csv", "--data", str(subject.log))
        result = subject.run(*args, env=env, exact=env is None)
        if subject.case.rejected:
            subject.expect_rejection(result)
            return
        assert result.exit_code == 0, result
        for row in csv.reader(io.StringIO(result.stdout, newline="")):
            assert not [cell for cell in row if cell[:1] in FORMULA_START], row

    return command


def stats_json(subject: Subject) -> None:
    result = subject.run("stats", "--by", "tag", "-f", "json", "--data", str(subject.log))
    if subject.case.rejected:
        subject.expect_rejection(result)
        return
    assert result.exit_code == 0, result
    counted = sum(row["count"] for row in strict_json(result.stdout))
    assert counted == sum(len(event.get("tags", [])) for event in subject.events.values())


def chain(fmt: str) -> Callable[[Subject], None]:
    def command(subject: Subject) -> None:
        result = subject.run("chain", subject.first_id, "-f", fmt, "--data", str(subject.log))
        if subject.case.rejected:
            subject.expect_rejection(result)
            return
        assert result.exit_code == 0, result
        if fmt == "json":
            root = strict_json(result.stdout)
            assert (root["id"], root["title"]) == (
                subject.first_id,
                subject.events[subject.first_id]["title"],
            )
        else:
            assert subject.first_id in result.stdout.splitlines()[0]

    return command


def actors(fmt: str) -> Callable[[Subject], None]:
    def command(subject: Subject) -> None:
        result = subject.run("actors", "-f", fmt, "--data", str(subject.log))
        if subject.case.rejected:
            subject.expect_rejection(result)
            return
        assert result.exit_code == 0, result
        registry = {actor["id"]: actor["name"] for actor in subject.document.get("actors", [])}
        if fmt == "json":
            assert {row["id"]: row["name"] for row in strict_json(result.stdout)} == registry
        else:
            assert len(result.stdout.splitlines()) == 1 + len(registry)

    return command


def chart(subject: Subject) -> None:
    result = subject.run("chart", "--width", "100", "--data", str(subject.log))
    if subject.case.rejected:
        subject.expect_rejection(result)
        return
    assert result.exit_code == 0, result


def diff_with_itself(subject: Subject) -> None:
    result = subject.run("diff", str(subject.log), str(subject.log))
    if subject.case.rejected:
        subject.expect_rejection(result)
        return
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no differences\n")


def diff_with_the_base(env: dict[str, str] | None) -> Callable[[Subject], None]:
    def command(subject: Subject) -> None:
        result = subject.run("diff", str(BASE_LOG), str(subject.log), env=env)
        if subject.case.rejected:
            subject.expect_rejection(result)
            return
        assert result.exit_code == 0, result

    return command


LOG_COMMANDS: dict[str, Callable[[Subject], None]] = {
    **{f"export-{fmt}": export_command(fmt) for fmt in FILE_FORMATS},
    **{f"list-{fmt}": list_command(fmt) for fmt in ("table", *FILE_FORMATS)},
    "list-table-tty": list_on_a_terminal("table"),
    "list-csv-tty": list_on_a_terminal("csv"),
    "show-card": show_card,
    "show-card-tty": show_card_on_a_terminal,
    "show-json": show_json,
    "validate": validate,
    "fmt": fmt,
    "stats-text": stats_text,
    "stats-csv": stats_csv(None),
    "stats-csv-tty": stats_csv(TTY),
    "stats-json": stats_json,
    "chain-text": chain("text"),
    "chain-json": chain("json"),
    "actors-text": actors("text"),
    "actors-json": actors("json"),
    "chart": chart,
    "diff-self": diff_with_itself,
    "diff-base": diff_with_the_base(None),
    "diff-base-tty": diff_with_the_base(TTY),
}

# A rejected log fails while it is loaded, before any format is chosen: each command runs once.
REJECTED_COMMANDS = (
    *("list-tsv", "show-card", "export-json", "validate", "fmt", "stats-text", "chain-text"),
    *("actors-text", "chart", "diff-self"),
)


# Output paths (export -o) ------------------------------------------------------------------------


def export_to_the_case_path(fmt: str) -> Callable[[Subject], None]:
    """`export -o` to the path the case names, from a working folder inside a scratch folder.

    Placeholders: {tmp} the scratch folder (holding log.json, sub/ and work/), {cwd} the working
    folder, {log} the log being read, {existing} a file that already exists, {ext} the format.
    """

    def command(subject: Subject) -> None:
        assert subject.case.output is not None
        scratch = subject.tmp
        log = scratch / "log.json"
        shutil.copyfile(subject.log, log)
        existing = scratch / f"existing.{fmt}"
        existing.write_text("precious", encoding="utf-8")
        (scratch / "sub").mkdir()
        work = scratch / "work"
        work.mkdir()
        places = {"tmp": scratch, "cwd": work, "log": log, "existing": existing, "ext": fmt}
        output = subject.case.output.format(**places)
        before = sorted(scratch.rglob("*"))
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(work)
            result = subject.run("export", "-f", fmt, "-o", output, "--data", str(log))
        assert result.stdout == ""
        assert existing.read_text(encoding="utf-8") == "precious"
        assert log.read_bytes() == subject.log.read_bytes()
        if subject.case.rejected:
            assert result.stderr.startswith("error: ")
            for fragment in subject.case.says:
                assert fragment in result.stderr, result.stderr
            assert sorted(scratch.rglob("*")) == before, "a refused export left a file"
            return
        assert result.exit_code == 0, result
        assert subject.case.writes is not None
        written = Path(subject.case.writes.format(**places))
        assert result.stderr == f"wrote {plural(len(subject.events))} to {for_terminal(output)}\n"
        assert sorted(scratch.rglob("*")) == sorted([*before, written])
        FORMAT_CHECKS[fmt](subject, written.read_bytes().decode("utf-8"))

    return command


OUTPUT_COMMANDS = {f"export-{fmt}": export_to_the_case_path(fmt) for fmt in FILE_FORMATS}


def commands_for(case: Case) -> dict[str, Callable[[Subject], None]]:
    if case.output is not None:
        return OUTPUT_COMMANDS
    if case.rejected:
        return {name: LOG_COMMANDS[name] for name in REJECTED_COMMANDS}
    if case.events == 0:  # nothing for show or chain to start from
        return {n: c for n, c in LOG_COMMANDS.items() if not n.startswith(("show", "chain"))}
    return LOG_COMMANDS


# The tests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_case(case: Case, generated_inputs: Callable[[str], Path], tmp_path: Path) -> None:
    """Every command on one case; the failures of all commands are reported together."""
    subject = subject_of(case, generated_inputs, tmp_path / "commands")
    subject.scratch.mkdir()
    failures = []
    for name, command in commands_for(case).items():
        subject.command = name
        try:
            command(subject)
        except Exception:
            failures.append(f"--- {name}\n{traceback.format_exc(limit=-3)}")
    assert not failures, f"{len(failures)} commands failed on {case.name}:\n" + "\n".join(failures)


def test_the_corpus_is_large_and_covers_every_class() -> None:
    assert len(CASES) >= MIN_CASES
    assert {case.klass for case in CASES} >= REQUIRED_CLASSES
    accepted = [case for case in CASES if not case.rejected and case.output is None]
    assert len(accepted) >= 20, "accepted-but-hostile logs are the interesting ones"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_case_is_well_formed(case: Case) -> None:
    assert case.outcome in ("accepted", "rejected")
    assert case.why.strip() and "\n" not in case.why
    assert (case.file is None) != (case.generate is None), "a file or a generator, not both"
    if case.file is not None:
        assert (CORPUS / case.file).is_file()
    else:
        assert case.generate in GENERATORS
    if case.rejected:
        assert case.exit != 0 and case.says, "a rejection says why"
    else:
        assert not case.says and case.problems is None
    if case.output is not None:
        assert case.klass == "output-path"
        assert case.rejected or case.writes is not None


def test_every_committed_input_is_a_case_and_the_corpus_stays_small() -> None:
    named = {case.file for case in CASES if case.file}
    inputs = {path.name for path in CORPUS.iterdir() if path.suffix in (".json", ".bin")}
    assert inputs == named
    assert sum((CORPUS / name).stat().st_size for name in inputs) < 1_000_000
