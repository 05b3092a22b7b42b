"""What every reader needs from a file of text: its decoding, its rows, and HTML made plain."""

from __future__ import annotations

import contextlib
import csv
import html
import io
import re
from collections.abc import Callable, Iterator, Sequence
from html.parser import HTMLParser
from typing import Any, NamedTuple

from timeline.importing import Draft, DraftSource, Note, Reading
from timeline.model import STATUSES

MAX_CELL = 1 << 20  # characters; a longer cell is a row that cannot be imported
_UNDECODED = re.compile("[\udc80-\udcff]")


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark dropped; UTF-16 with its mark); a byte that is not UTF-8
    stays marked, so that the row holding it is reported rather than guessed at."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="surrogateescape")
    return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="surrogateescape")


def undecoded(text: str) -> str | None:
    """The problem with text that held bytes that are not UTF-8, if it did."""
    found = _UNDECODED.search(text)
    if found is None:
        return None
    return f"not UTF-8 text (byte 0x{ord(found.group()) - 0xDC00:02x}): save the file as UTF-8"


class Row(NamedTuple):
    line: int  # the line the row starts on
    cells: list[str]


@contextlib.contextmanager
def _cells_up_to(limit: int) -> Iterator[None]:
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def rows(text: str, delimiter: str = ",", *, quoting: bool = True) -> Iterator[Row | Note]:
    """The rows of delimited text with the line each starts on; a row the reader cannot take
    (an unclosed quote, a cell over a megabyte, bytes that are not UTF-8) is a Note instead."""
    stream = io.StringIO(text, newline="")
    reader = csv.reader(
        stream, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE
    )
    with _cells_up_to(MAX_CELL):
        start = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield Note(start, _csv_problem(str(error)))
                start = reader.line_num + 1
                continue
            problem = next((p for p in map(undecoded, cells) if p), None)
            if problem:
                yield Note(start, problem)
            elif cells:  # a blank line is no row
                yield Row(start, cells)
            start = reader.line_num + 1


def _csv_problem(message: str) -> str:
    if "field larger than field limit" in message:
        return f"a cell longer than {MAX_CELL:,} characters"
    return f"cannot read the row: {message}"


def records(
    text: str, delimiter: str = ","
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]] | Note]]:
    """A header row and then each row as {column: cell}; a row with more or fewer cells than
    the header is a Note (never padded or cut)."""
    found = rows(text, delimiter)
    header: list[str] = []
    for item in found:
        if isinstance(item, Note):
            continue
        header = [cell.strip() for cell in item.cells]
        break

    def by_column() -> Iterator[tuple[int, dict[str, str]] | Note]:
        for item in found:
            if isinstance(item, Note):
                yield item
            elif len(item.cells) != len(header):
                yield Note(
                    item.line,
                    f"{len(item.cells)} cells where the header has {len(header)}",
                )
            else:
                yield item.line, dict(zip(header, item.cells, strict=True))

    return header, by_column()


def read_table(
    data: bytes,
    required: Sequence[str],
    kind: str,
    draft: Callable[[int, dict[str, str]], Draft],
) -> Reading:
    """Each row of a comma-separated file with the `required` columns as `draft` makes it from
    its line and cells; a row `draft` refuses (ValueError) or that cannot be read is a Note."""
    header, rows = records(decode(data))
    missing = [column for column in required if column not in header]
    if missing:
        return Reading([], [Note(1, f"not {kind}: no {', '.join(missing)} column")], [])
    drafts: list[Draft] = []
    notes: list[Note] = []
    for row in rows:
        if isinstance(row, Note):
            notes.append(row)
            continue
        line, cells = row
        try:
            drafts.append(draft(line, cells))
        except ValueError as error:
            notes.append(Note(line, str(error)))
    return Reading(drafts, notes, [])


def coordinate(value: Any, column: str) -> float | None:
    """A latitude or longitude cell: None when it is empty, else its number."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{column} {value!r} is not a number") from None


# Our own exports, read back: a place is written `Name, ISO`, a source `Publisher — Title`.


def place_named(text: str) -> dict[str, Any]:
    """A place as `timeline` writes it, `Name, KOR`: its name and country; else just a name."""
    *named, last = [part.strip() for part in text.split(",")]
    if named and re.fullmatch(r"[A-Z]{3}", last):
        return {"name": ", ".join(named), "country": last}
    return {"name": text}


def labelled_source(label: str, url: str, published: str | None = None) -> DraftSource:
    """A source at `url` as `timeline` labels it: `Publisher — Title`, or the title alone."""
    publisher, _, title = label.partition(" — ")
    if not title:
        publisher, title = "", publisher
    return DraftSource(
        url=url,
        title=title if title != url else None,
        publisher=publisher or None,
        published=published,
    )


class _Plain(HTMLParser):
    """Text and links of an HTML fragment: block ends become line breaks."""

    BLOCKS = frozenset({"p", "div", "li", "ol", "ul", "blockquote", "h1", "h2", "h3", "h4", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, its text)
        self._href: str | None = None
        self._link_text: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a":
            self._href = dict(attrs).get("href") or None
            self._link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._link_text).split())))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        self.parts.append(data)
        if self._href is not None:
            self._link_text.append(data)


class Plain(NamedTuple):
    text: str
    links: list[tuple[str, str]]


def plain(fragment: str) -> Plain:
    """An HTML fragment as plain text, paragraphs apart, and the links it holds.

    Text that holds no tag is taken as it is (only its character references read).
    """
    if "<" not in fragment:
        return Plain(_tidy(html.unescape(fragment)), [])
    parser = _Plain()
    parser.feed(fragment)
    parser.close()
    return Plain(_tidy("".join(parser.parts)), parser.links)


def _tidy(text: str) -> str:
    """Runs of spaces one space, lines trimmed, at most one blank line between paragraphs."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


class ExportedText:
    """What an export's text says of an event, read back: the fields an ICS description and a
    TimelineJS slide both carry."""

    def __init__(self) -> None:
        self.summary = ""
        self.assessment: str | None = None
        self.note: str | None = None
        self.status: str | None = None
        self.actors: list[str] = []
        self.tags: list[str] = []
        self.sources: list[DraftSource] = []

    def read_fact(self, label: str, value: str) -> bool:
        """A `Status`, `Actors` or `Tags` line as the exports write it (actors joined by `;`,
        tags by `,`); False for any other label."""
        name = label.casefold()
        if name == "status":
            if value in STATUSES:
                self.status = value
        elif name == "actors":
            self.actors = [part.strip() for part in value.split(";") if part.strip()]
        elif name == "tags":
            self.tags = [part.strip() for part in value.split(",") if part.strip()]
        else:
            return False
        return True
