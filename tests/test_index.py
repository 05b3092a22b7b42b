"""The SQLite index of a large log: the same answers as a full load, and never stale."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from benchmarks.generate import CUSTOM_TYPE, ERAS, STATES, TAGS, TYPES, WORDS
from benchmarks.generate import write_log as write_synthetic_log
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import FIXTURES, SMALL

from timeline import bulkload, cache, index, tables
from timeline.dates import PartialDate
from timeline.errors import LogError, LookupFailed
from timeline.query import Filters, SortKey, find_event, related_events, select, selection_of
from timeline.render.card import card_content, write_card_text
from timeline.store import bundled_log_path, load_log


@pytest.fixture
def indexed_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Index logs of any size, so that small test logs go through the index."""
    monkeypatch.setattr(index, "MIN_BYTES", 0)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "log.json"
    with path.open("w", encoding="utf-8") as stream:
        write_synthetic_log(400, 7, stream, every_feature=True)
    return path


def _written_long_ago(path: Path) -> None:
    """Age the file beyond the window in which its timestamps could hide a second write."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def _index_rows(log_path: Path) -> int:
    """How many events the log's index holds (it must match the log)."""
    opened = index.open_index(log_path)
    assert opened is not None
    try:
        return opened.count
    finally:
        opened.close()


def _never_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(log_path: Path, defer_indexing: bool) -> None:
        raise AssertionError(f"{log_path} was read whole although its index matches")

    monkeypatch.setattr(index, "_read", refuse)


def test_records_are_read_again_exactly_from_where_the_index_says() -> None:
    for path in (bundled_log_path(), SMALL, FIXTURES / "everything.json"):
        log = load_log(path)
        data = path.read_bytes()
        surveyed = bulkload.survey(data)
        assert surveyed is not None
        assert surveyed.registries == log.with_events(())
        reader = bulkload.Reader(surveyed.registries)
        facts = surveyed.events
        places = zip(facts.offsets, facts.lengths, strict=True)
        again = [reader.event(data[offset : offset + length]) for offset, length in places]
        assert again == list(log.events)
        assert facts.ids == [event.id for event in log.events]
        assert list(facts.earliest) == [event.earliest for event in log.events]
        assert list(facts.latest) == [event.latest for event in log.events]
        by_id = log.sources_by_id
        for source_id, offset, length in surveyed.sources:
            assert reader.source(data[offset : offset + length]) == by_id[source_id]
        assert [index.decode_actor(index.encode_actor(a)) for a in log.actors] == list(log.actors)
        assert [index.decode_era(index.encode_era(e)) for e in log.eras] == list(log.eras)


@pytest.mark.usefixtures("indexed_everything")
def test_second_query_is_answered_from_the_index(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filters = Filters(actors=("DPRK",), date_from=PartialDate("2023"))
    first = index.select_from_file(synthetic, filters)
    assert _index_rows(synthetic) == len(load_log(synthetic).events)
    _never_parse(monkeypatch)
    second = index.select_from_file(synthetic, filters)
    assert second == first == select(load_log(synthetic), filters)
    assert first.events and all(e.sources for e in second.events)
    assert {s for e in second.events for s in e.sources} == set(second.sources)


FILTER_WORDS = [*WORDS[:6], "state dprk", "OFFICIAL 1", "zzz-nowhere"]


@st.composite
def queries(draw: st.DrawFn) -> tuple[Filters, SortKey, bool, int | None]:
    actors = draw(
        st.lists(st.sampled_from([*STATES[:5], "dprk-official-1", "rok-land"]), max_size=2)
    )
    years = st.none() | st.sampled_from(
        ["-0400", "0100", "1995", "2010-06", "2023-02-14", "2023-02-14T08:00-05:00", "2026"]
    )
    filters = Filters(
        actors=actors,
        types=draw(st.lists(st.sampled_from([*TYPES, CUSTOM_TYPE]), max_size=2)),
        tags=draw(st.lists(st.sampled_from(TAGS), max_size=2)),
        date_from=None if (text := draw(years)) is None else PartialDate(text),
        date_to=None if (text := draw(years)) is None else PartialDate(text),
        search=draw(st.none() | st.sampled_from(FILTER_WORDS)),
        era=draw(st.none() | st.sampled_from([era["id"] for era in ERAS])),
    )
    sort: SortKey = draw(st.sampled_from(["date", "title", "id"]))
    return filters, sort, draw(st.booleans()), draw(st.none() | st.integers(0, 30))


@pytest.mark.usefixtures("indexed_everything")
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries())
def test_index_answers_exactly_as_select_does(
    synthetic: Path, query: tuple[Filters, SortKey, bool, int | None]
) -> None:
    filters, sort, reverse, limit = query
    full = load_log(synthetic)
    index.select_from_file(synthetic, Filters())  # builds the index if needed
    opened = index.open_index(synthetic)
    assert opened is not None
    try:
        expected = select(full, filters, sort=sort, reverse=reverse, limit=limit, with_related=True)
        events = opened.select(filters, sort=sort, reverse=reverse, limit=limit)
        assert list(events) == list(expected.events)
        assert opened.selection(events, with_related=True) == expected
    except LookupFailed as error:
        with pytest.raises(LookupFailed, match=r"no event is tagged|no actor|no era") as raised:
            opened.select(filters, sort=sort, reverse=reverse, limit=limit)
        assert str(raised.value) == str(error)
    finally:
        opened.close()


@pytest.fixture
def small_copy(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "log.json"
    path.write_bytes(SMALL.read_bytes())
    yield path


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Change bytes without changing the size, then put the modification time back."""
    assert len(old.encode()) == len(new.encode())
    status = path.stat()
    data = path.read_bytes()
    assert data.count(old.encode()) == 1
    path.write_bytes(data.replace(old.encode(), new.encode()))
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert path.stat().st_size == status.st_size
    assert path.stat().st_mtime_ns == status.st_mtime_ns


def _a_title(path: Path) -> str:
    return str(json.loads(path.read_text(encoding="utf-8"))["events"][0]["title"])


@pytest.mark.usefixtures("indexed_everything")
def test_a_same_size_edit_with_the_old_mtime_is_never_served_stale(
    small_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no digest to fall back on, the change time alone must reveal the edit."""
    monkeypatch.setattr(index, "RACY_NS", 0)
    title = _a_title(small_copy)
    changed = title[:-1] + ("X" if title[-1] != "X" else "Y")
    before = index.select_from_file(small_copy, Filters()).events
    assert title in [e.title for e in before]
    _same_size_edit(small_copy, f'"{title}"', f'"{changed}"')
    after = index.select_from_file(small_copy, Filters()).events
    assert changed in [e.title for e in after]
    assert title not in [e.title for e in after]


@pytest.mark.usefixtures("indexed_everything")
def test_an_index_built_just_after_a_write_is_checked_by_digest(
    small_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a file system whose timestamps did not move, the digest still tells the edit apart."""
    title = _a_title(small_copy)
    changed = title[:-1] + ("X" if title[-1] != "X" else "Y")
    index.select_from_file(small_copy, Filters())
    frozen = index.file_identity(small_copy.stat())
    monkeypatch.setattr(index, "file_identity", lambda status: frozen)
    _same_size_edit(small_copy, f'"{title}"', f'"{changed}"')
    after = index.select_from_file(small_copy, Filters()).events
    assert changed in [e.title for e in after]


@pytest.mark.usefixtures("indexed_everything")
def test_an_index_of_an_old_write_is_trusted_without_reading_the_log(
    small_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index, "RACY_NS", 0)
    _written_long_ago(small_copy)
    index.select_from_file(small_copy, Filters())
    _never_parse(monkeypatch)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the log was read"))
    events = index.select_from_file(small_copy, Filters()).events
    assert len(events) == len(load_log(SMALL).events)


@pytest.mark.usefixtures("indexed_everything")
def test_a_damaged_index_is_rebuilt(small_copy: Path) -> None:
    index.select_from_file(small_copy, Filters())
    target = index.index_file(small_copy)
    assert target is not None
    target.write_bytes(b"not a database" * 100)
    events = index.select_from_file(small_copy, Filters()).events
    assert events == select(load_log(SMALL), Filters()).events
    assert _index_rows(small_copy) == len(events)


@pytest.mark.usefixtures("indexed_everything")
def test_an_unwritable_cache_folder_only_costs_the_index(
    small_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    events = index.select_from_file(small_copy, Filters()).events
    assert events == select(load_log(SMALL), Filters()).events


@pytest.mark.usefixtures("indexed_everything")
def test_indexing_can_be_switched_off(small_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(index.SWITCH_ENV, "off")
    index.select_from_file(small_copy, Filters())
    assert index.index_file(small_copy) is None
    assert not list((Path(os.environ[cache.CACHE_ENV])).glob("*"))


@pytest.mark.usefixtures("indexed_everything")
def test_an_index_never_hides_a_log_made_invalid(small_copy: Path) -> None:
    index.select_from_file(small_copy, Filters())
    document = json.loads(small_copy.read_text(encoding="utf-8"))
    document["events"][1]["date"] = "2023-02-30"
    small_copy.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(LogError) as raised:
        index.select_from_file(small_copy, Filters())
    bad_id = document["events"][1]["id"]
    assert any(f.item_id == bad_id and f.field == "date" for f in raised.value.findings)


def test_small_logs_are_not_indexed(small_copy: Path) -> None:
    index.select_from_file(small_copy, Filters())
    target = index.index_file(small_copy)
    assert target is not None and not target.exists()


# End to end, on a log large enough to be indexed by default.


@pytest.fixture(scope="module")
def large_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "large.json"
    with path.open("w", encoding="utf-8") as stream:
        write_synthetic_log(1600, 3, stream)
    assert path.stat().st_size >= index.MIN_BYTES
    return path


def _wait_for_the_detached_build(log: Path) -> None:
    """The first query returns before its index is built; poll (not time) until it is."""
    target = index.index_file(log)
    assert target is not None
    deadline = time.monotonic() + 600
    while not target.exists() or index.is_being_built(log):
        assert time.monotonic() < deadline, "the index was never built"
        time.sleep(0.05)


def _timeline(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "timeline", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def test_cli_export_from_the_index_is_identical_and_never_stale(
    large_log: Path, tmp_path: Path
) -> None:
    log = tmp_path / "copy.json"
    log.write_bytes(large_log.read_bytes())
    query = ("export", "--format", "csv", "--actor", "DPRK", "--from", "2023", "--data", str(log))
    first = _timeline(*query)
    assert first.returncode == 0, first.stderr
    _wait_for_the_detached_build(log)
    assert _index_rows(log) == 1600
    second = _timeline(*query)
    assert second.returncode == 0 and second.stdout == first.stdout
    unindexed = subprocess.run(
        [sys.executable, "-m", "timeline", *query],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, index.SWITCH_ENV: "off"},
    )
    assert unindexed.stdout == first.stdout

    first_row = first.stdout.splitlines()[1]
    event_id, _, _ = first_row.partition(",")
    document = json.loads(log.read_text(encoding="utf-8"))
    title = next(e["title"] for e in document["events"] if e["id"] == event_id)
    changed = title.swapcase()
    assert changed != title
    _same_size_edit(log, f'"title": "{title}"', f'"title": "{changed}"')
    third = _timeline(*query)
    assert third.returncode == 0, third.stderr
    assert changed in third.stdout and f",{title}," not in third.stdout


def test_cli_reports_a_bad_event_deep_in_a_large_log(large_log: Path, tmp_path: Path) -> None:
    document = json.loads(large_log.read_text(encoding="utf-8"))
    document["events"][1234]["type"] = "parade"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    result = _timeline("list", "--data", str(broken))
    assert result.returncode == 1 and result.stdout == ""
    assert "event-1234" in result.stderr and "type" in result.stderr
    assert "Traceback" not in result.stderr


# show and completion, on the bundled log (which has relations), indexed whatever its size.


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    path = tmp_path / "events.json"
    path.write_bytes(bundled_log_path().read_bytes())
    return path


@pytest.mark.usefixtures("indexed_everything")
def test_show_from_the_index_finds_and_relates_as_the_whole_log_does(
    bundled_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = load_log(bundled_copy)
    index.select_from_file(bundled_copy, Filters())
    _never_parse(monkeypatch)
    for event in full.events:
        view, found = index.show_from_file(bundled_copy, event.id.upper())
        assert found == event
        assert list(view.related_to(found)) == related_events(full, event)
        assert view == selection_of(full, [event], with_related=True)
        expected, actual = io.StringIO(), io.StringIO()
        write_card_text(
            card_content(event, selection_of(full, [event], with_related=True)), expected
        )
        write_card_text(card_content(found, view), actual)
        assert actual.getvalue() == expected.getvalue()


@pytest.mark.usefixtures("indexed_everything")
@pytest.mark.parametrize("typed", ["hanoi-2109", "kentucky", "camp david", "zzzz"])
def test_an_unknown_id_gets_the_same_suggestions_from_the_index(
    bundled_copy: Path, typed: str
) -> None:
    full = load_log(bundled_copy)
    with pytest.raises(LookupFailed) as expected:
        find_event(full, typed)
    index.select_from_file(bundled_copy, Filters())
    with pytest.raises(LookupFailed) as actual:
        index.show_from_file(bundled_copy, typed)
    assert str(actual.value) == str(expected.value)


@pytest.mark.usefixtures("indexed_everything")
@pytest.mark.parametrize("typed", ["", "h", "HAN", "kim-", "nothing-like-it"])
def test_completion_from_the_index_lists_what_the_log_has(bundled_copy: Path, typed: str) -> None:
    assert index.completions_from_index(bundled_copy, typed) is None  # not indexed yet
    index.select_from_file(bundled_copy, Filters())
    found = index.completions_from_index(bundled_copy, typed)
    expected = sorted(
        (event.id, event.title)
        for event in load_log(bundled_copy).events
        if event.id.startswith(typed.casefold())
    )
    assert found == expected


@pytest.mark.usefixtures("indexed_everything")
def test_the_index_is_private_to_its_owner(small_copy: Path) -> None:
    index.select_from_file(small_copy, Filters())
    target = index.index_file(small_copy)
    assert target is not None
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.usefixtures("indexed_everything")
def test_an_interrupted_build_leaves_no_temporary_file(
    small_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def terminated(*args: object) -> None:
        raise SystemExit(143)  # what SIGTERM raises in the builder

    monkeypatch.setattr(tables, "write", terminated)
    with pytest.raises(SystemExit):
        index.select_from_file(small_copy, Filters())
    target = index.index_file(small_copy)
    assert target is not None
    assert sorted(p.name for p in target.parent.iterdir() if not p.name.endswith(".lock")) == []


@pytest.mark.usefixtures("indexed_everything")
@pytest.mark.parametrize("typed", ["event-123x", "evnt-123", "event-3999"])
def test_suggestions_from_the_index_catch_a_slip_in_a_long_run_of_ids(
    synthetic: Path, typed: str
) -> None:
    with pytest.raises(LookupFailed) as expected:
        find_event(load_log(synthetic), typed)
    index.select_from_file(synthetic, Filters())
    with pytest.raises(LookupFailed) as actual:
        index.show_from_file(synthetic, typed)
    # Among a million ids the index looks only near the typed text, so the best suggestion is
    # the same, not always the runners-up.
    best = str(expected.value).split("did you mean ")[1].split(" or ")[0]
    assert str(actual.value).split("did you mean ")[1].startswith(best)
