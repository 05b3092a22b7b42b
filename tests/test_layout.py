"""What a terminal shows, from 60 to 200 columns: nothing wider than the terminal, no word cut.

Each command runs as on a terminal of the given width (TTY_COMPATIBLE=1, as Rich reads it) on the
bundled log. Titles are checked word by word: every word of every title shown is printed whole,
so that a narrow terminal gets wrapped lines, never slivers of words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from tests.conftest import Run

from timeline.store import bundled_log_path, load_log

RunCli = Callable[..., Run]
WIDTHS = [60, 80, 120, 200]
ANSI = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")


def shown(run: RunCli, width: int, *args: str) -> list[str]:
    env = {"COLUMNS": str(width), "TTY_COMPATIBLE": "1", "NO_COLOR": "1"}
    result = run(*args, "--data", str(bundled_log_path()), env=env)
    return [ANSI.sub("", line) for line in result.stdout.splitlines()]


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[\w'’-]+", text))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--actor", "DPRK"],
        ["chain", "kentucky-busan-2023", "--depth", "3"],
        ["actors"],
        ["stats", "--by", "actor"],
        ["stats", "--by", "month", "--from", "2023"],
        ["chart"],
        ["chart", "--by", "type", "--from", "2022"],
    ],
    ids=" ".join,
)
def test_nothing_is_wider_than_the_terminal(run: RunCli, width: int, args: list[str]) -> None:
    lines = shown(run, width, *args)
    too_wide = [line for line in lines if len(line) > width]
    assert not too_wide, f"{len(too_wide)} lines over {width} columns: {too_wide[0]!r}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_table_wraps_titles_between_words_and_keeps_every_id(run: RunCli, width: int) -> None:
    lines = shown(run, width, "list", "--actor", "DPRK")
    text = "\n".join(lines)
    piped = run("list", "--actor", "DPRK", "--data", str(bundled_log_path())).stdout
    listed = {line.split("\t")[1] for line in piped.splitlines()}
    log = load_log(bundled_log_path())
    on_screen = {
        event.id for event in log.events if re.search(rf"(?<![\w-]){event.id}(?![\w-])", text)
    }
    assert on_screen == listed, "every id of the events is on screen, whole"
    printed = words_of(text)
    for event in log.events:
        if event.id in listed:
            missing = words_of(event.title) - printed
            assert not missing, f"{event.id}: words cut at {width} columns: {sorted(missing)}"
    assert lines[-1] == f"{len(listed)} events"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_table_gives_the_title_room(run: RunCli, width: int) -> None:
    lines = shown(run, width, "list", "--actor", "DPRK")
    header = lines[0]
    title_starts, actors_starts = header.index("Title"), header.index("Actors")
    assert actors_starts - title_starts >= 28
    # At most a handful of lines an event, not hundreds of slivers.
    events = len(
        run("list", "--actor", "DPRK", "--data", str(bundled_log_path())).stdout.splitlines()
    )
    assert len(lines) <= events * 6


def test_the_columns_give_way_in_order(run: RunCli) -> None:
    wide, middle, narrow = (shown(run, w, "list")[0].split() for w in (200, 80, 60))
    assert wide == ["When", "ID", "Title", "Actors", "Type"]
    assert middle == ["When", "Title", "Actors", "Type"]  # the id moves under the title
    assert narrow == ["When", "Title", "Actors"]  # and the type with it
    under = shown(run, 60, "list", "--actor", "RUS")
    assert any(line.strip() == "kim-putin-2023 · summit" for line in under)


def test_actors_are_shortened_with_a_count_of_the_rest(run: RunCli) -> None:
    lines = shown(run, 80, "list", "--actor", "RUS", "--actor", "UKR")
    arms = next(line for line in lines if line.startswith("2022-09~"))
    assert re.search(r"DPRK, RUS \+5", arms)


@pytest.mark.parametrize("width", [60, 80])
def test_chain_gaps_read_as_years_months_and_days(run: RunCli, width: int) -> None:
    text = "\n".join(shown(run, width, "chain", "carlin-hecker-2024", "--depth", "1"))
    assert "73 years earlier" in text  # back to 1950, not "-26863 days"
    assert not re.search(r"[+-]\d+ days", text)


def test_a_chart_leaves_out_long_empty_stretches_and_says_so(run: RunCli) -> None:
    lines = shown(run, 80, "chart")
    axis = next(line for line in lines if "┬" in line)
    years = next(lines[i + 1] for i, line in enumerate(lines) if line is axis)
    assert "≈" in axis
    assert years.split()[:3] == ["1950", "2018", "2019"]
    assert any("≈ years with no event left out" in line for line in lines)
    # 2017 to 2026 take most of the width, not a dozen columns.
    assert axis.rindex("┬") - axis.index("≈") > 50


def test_a_time_of_day_goes_under_its_date_to_keep_the_columns(run: RunCli) -> None:
    narrow = shown(run, 80, "list", "--actor", "DPRK", "--from", "2017", "--to", "2017")
    assert narrow[0].split() == ["When", "Title", "Actors", "Type"]
    launch = next(index for index, line in enumerate(narrow) if line.startswith("2017-07-04"))
    assert narrow[launch + 1].startswith("09:40+09:00 ")
    wide = shown(run, 200, "list", "--actor", "DPRK", "--from", "2017", "--to", "2017")
    assert any(line.startswith("2017-07-04 09:40+09:00 ") for line in wide)
