"""What goes out comes back: every export `timeline import` reads gives back the same events, for
every field the format can hold, on generated logs (BCE, deep time, times and zones, windows,
open ends) and on the bundled log and the every-feature fixture.

TimelineJS holds no roles, relations or sources of its own; iCalendar holds instants (in UTC),
not the zone a time was written in, nor years before 1 or after 9999; CSV holds a media URL
without its caption. An imported date never claims more than the export held: its interval
always covers the original's.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from tests.conftest import FIXTURES, everything
from tests.test_properties import logs

from timeline.dates import civil_from_days, day_of
from timeline.importing import FORMATS, Options
from timeline.importing.merge import merge
from timeline.model import Event, Log
from timeline.render.formats import FORMATS as OUTPUTS
from timeline.render.formats import Options as OutputOptions
from timeline.render.phrases import place
from timeline.render.sanitize import for_terminal
from timeline.store import build_log, bundled_log_path, load_log, parse_log

ROUND_TRIPS = ("timelinejs", "ics", "csv", "json", "jsonl", "parquet")


def exported(log: Log, fmt: str) -> bytes:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    OUTPUTS[fmt].write(everything(log), stream, OutputOptions())
    stream.flush()
    return stream.buffer.getvalue()  # type: ignore[attr-defined, no-any-return]


def round_trip(log: Log, document: dict[str, Any], fmt: str) -> Log:
    """The log's export in `fmt`, imported into the same log emptied of events and sources."""
    empty = copy.deepcopy(document)
    empty["events"], empty["sources"], empty["eras"] = [], [], []
    reading = FORMATS[fmt].reader()(exported(log, fmt), f"export.{fmt}", Options())
    outcome = merge(empty, "empty", [(f"export.{fmt}", reading)], options=Options())
    assert [note.note for note in outcome.problems] == []
    return build_log(outcome.document, "imported")


def words(text: str | None) -> str:
    return " ".join((text or "").split())


def same_event(before: Event, after: Event, fmt: str) -> None:
    # iCalendar text is made safe on the way out: a control character is written visibly.
    kept: Any = (lambda text: words(for_terminal(text or ""))) if fmt == "ics" else words
    assert words(after.title) == kept(before.title)
    assert words(after.summary) == kept(before.summary)
    assert words(after.assessment) == kept(before.assessment)
    assert words(after.note) == kept(before.note)
    assert (after.type, after.status, after.tags) == (before.type, before.status, before.tags)
    assert [ref.id for ref in after.actors] == [ref.id for ref in before.actors]
    assert (after.approximate, after.window, after.ongoing) == (
        before.approximate,
        before.window,
        before.ongoing,
    )
    assert place(after) == place(before)
    # Never more precise than the original; exact wherever the format holds the precision.
    if fmt == "ics":
        bounds = (
            [before.date] if before.end is None or before.end.is_open else [before.date, before.end]
        )
        if not any(date.has_time for date in bounds):  # all-day events: the very same days
            assert (after.earliest, after.latest) == (
                before.earliest,
                before.latest,
            ) or before.ongoing
            return
        # A time written as a day (beside a date without one) is that day where it was written:
        # up to a day's width of zones away from its instant.
        slack = 0 if all(date.has_time for date in bounds) else 14 * 3600
        assert after.earliest <= before.earliest + slack
        assert after.latest >= before.latest - slack or before.ongoing
        return
    assert after.earliest <= before.earliest
    assert after.latest >= before.latest or before.ongoing
    assert after.date.text == before.date.text
    assert (after.end.text if after.end else None) == (before.end.text if before.end else None)
    if fmt != "timelinejs":  # TimelineJS holds neither roles nor relations
        assert after.actors == before.actors and after.related == before.related
        media = after.media if fmt != "csv" or after.media is None else after.media.url
        assert media == (before.media if fmt != "csv" or before.media is None else before.media.url)


def in_calendar(event: Event) -> bool:
    """Whether iCalendar can date the event: every date it writes (in UTC, for a time with a
    zone) in the years 1 to 9999."""
    bounds = [event.date] if event.end is None or event.end.is_open else [event.date, event.end]
    for date in bounds:
        if date.text.startswith("Y") or not 1 <= date.year <= 9999:
            return False
        if date.offset is not None:
            years = {
                civil_from_days(day_of(second))[0] for second in (date.earliest, date.latest + 1)
            }
            if not years <= set(range(1, 10_000)):
                return False
    return True


@pytest.mark.parametrize("fmt", ROUND_TRIPS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=logs())
def test_generated_logs_come_back(fmt: str, raw: dict[str, Any]) -> None:
    for event in raw["events"]:  # text the formats keep only as words: something to keep
        assume(words(event["title"]) and words(event["summary"]))
        assume(words(event.get("assessment")) or "assessment" not in event)
    log = parse_log(json.dumps(raw).encode(), "generated")
    back = round_trip(log, raw, fmt)
    originals = [e for e in log.events if fmt != "ics" or in_calendar(e)]
    assert sorted(e.id for e in back.events) == sorted(e.id for e in originals)
    for before in originals:
        same_event(before, back.events_by_id[before.id], fmt)


@pytest.mark.parametrize("fmt", ROUND_TRIPS)
@pytest.mark.parametrize(
    "path", [bundled_log_path(), FIXTURES / "everything.json"], ids=["bundled", "everything"]
)
def test_real_logs_come_back(fmt: str, path: Path) -> None:
    log = load_log(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    back = round_trip(log, document, fmt)
    originals = [e for e in log.events if fmt != "ics" or in_calendar(e)]
    assert sorted(e.id for e in back.events) == sorted(e.id for e in originals)
    for before in originals:
        same_event(before, back.events_by_id[before.id], fmt)
        cited = sorted(s.url for s in (log.sources_by_id[i] for i in before.sources) if s.url)
        came = sorted(
            s.url
            for s in (back.sources_by_id[i] for i in back.events_by_id[before.id].sources)
            if s.url
        )
        assert came == cited or (fmt == "ics" and set(came) <= set(cited))
    if fmt == "timelinejs":  # an open era ends, in TimelineJS, where the last event does
        assert [era.title for era in back.eras] == [era.title for era in log.eras]


def test_importing_an_export_into_its_own_log_changes_nothing(tmp_path: Path) -> None:
    log = load_log(bundled_log_path())
    document = json.loads(bundled_log_path().read_text(encoding="utf-8"))
    for fmt in ROUND_TRIPS:
        reading = FORMATS[fmt].reader()(exported(log, fmt), f"export.{fmt}", Options())
        outcome = merge(document, "bundled", [(f"export.{fmt}", reading)], options=Options())
        if fmt in ("json", "jsonl", "parquet"):
            assert (outcome.added, outcome.changed) == ([], []), fmt
            assert len(outcome.unchanged) == len(log.events)
