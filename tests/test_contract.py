"""One contract for every registered command (`timeline.cli.app.COMMANDS`).

- A usage error (unknown option, bad choice, malformed value) is one `error:` line and one
  `hint:` line on stderr, nothing on stdout, exit 2; a lookup or data error is `error:` lines,
  exit 1.
- Choices take any case; `--data` works before or after every command.
- Every option with a fixed set of values completes them in the shell; so do actors, tags, types
  and event ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import SMALL, Run
from tests.test_import import SAMPLES
from typer.main import get_command

from timeline.cli.app import COMMANDS, app
from timeline.edit import canonical_text
from timeline.store import load_log

RunCli = Callable[..., Run]

# What each command needs to run on the small fixture log.
ARGUMENTS: dict[str, list[str]] = {
    "list": [],
    "show": ["hanoi-2019"],
    "export": ["--format", "json"],
    "chain": ["hanoi-2019"],
    "stats": [],
    "actors": [],
    "eras": [],
    "chart": ["--width", "60"],
    "validate": [],
    "fmt": ["--check"],
    "init": [],  # creates the log --data names
    "add": ["--title", "T", "--date", "2020", "--type", "meeting", "--actor", "USA",
            "--summary", "S", "--dry-run"],
    "import": ["ics", str(SAMPLES / "ical" / "icalendar_tests_example.ics"), "--actor", "USA",
               "--dry-run"],
    "schema": [],
    "diff": [str(SMALL)],
    "cache": [],
}  # fmt: skip


def test_every_command_is_covered() -> None:
    assert set(ARGUMENTS) == set(COMMANDS)


@pytest.fixture
def log_copy(tmp_path: Path) -> Path:
    """The small log, in canonical form (so that `fmt --check` passes)."""
    path = tmp_path / "log.json"
    path.write_text(canonical_text(load_log(SMALL)), encoding="utf-8")
    return path


def _fresh(path: Path) -> Path:
    """Where `init` may create a log: gone, with its schema, before each run."""
    for made in (path, path.with_name(f"{path.stem}.schema.json")):
        made.unlink(missing_ok=True)
    return path


@pytest.mark.parametrize("name", list(COMMANDS))
def test_data_works_before_and_after_every_command(run: RunCli, log_copy: Path, name: str) -> None:
    env = {"TIMELINE_DATA": ""}
    target = log_copy if name != "init" else log_copy.with_name("new.json")
    before = run(
        "--data", str(_fresh(target) if name == "init" else target), name, *ARGUMENTS[name], env=env
    )
    after = run(
        name, *ARGUMENTS[name], "--data", str(_fresh(target) if name == "init" else target), env=env
    )
    assert (before.stdout, before.stderr) == (after.stdout, after.stderr)


def usage(result: Run, command: str) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("error: ")
    assert lines[1] == f"hint: see 'timeline {command} --help'"
    assert result.stdout == ""
    return lines[0]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_an_unknown_option_is_one_line_and_a_hint(run: RunCli, name: str) -> None:
    line = usage(run(name, *ARGUMENTS[name], "--colour", expect=2), name)
    assert "--colour" in line


def _options_with_choices() -> list[tuple[str, str, list[str]]]:
    """(command, option, choices) for every option checked against a fixed set of values."""
    group = get_command(app)
    found = []
    for name in COMMANDS:
        command = group.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None
        for param in command.params:
            callback = getattr(param, "callback", None)
            checked = getattr(callback, "__name__", "").startswith("check_")
            if callback is not None and checked and param.param_type_name == "option":
                completer = param._custom_shell_complete  # type: ignore[attr-defined]
                assert completer is not None, f"{name} {param.opts}: no completion"
                choices = [item.value for item in completer(None, param, "")]
                found.append((name, param.opts[0], choices))
    return found


CHOICES = _options_with_choices()


def test_the_options_with_choices_are_found() -> None:
    options = {(name, option) for name, option, _ in CHOICES}
    assert {("list", "--format"), ("list", "--sort"), ("stats", "--by"), ("export", "--group-by"),
            ("add", "--status"), ("show", "--format"), ("diff", "--format")} <= options  # fmt: skip


@pytest.mark.parametrize(("name", "option", "choices"), CHOICES, ids=lambda v: str(v)[:30])
def test_a_bad_choice_is_a_usage_error_naming_the_choices(
    run: RunCli, name: str, option: str, choices: list[str]
) -> None:
    line = usage(run(name, *ARGUMENTS[name], option, "nonsense", expect=2), name)
    assert "'nonsense' is not one of: " + ", ".join(choices) in line


@pytest.mark.parametrize(("name", "option", "choices"), CHOICES, ids=lambda v: str(v)[:30])
def test_choices_take_any_case(
    run: RunCli, name: str, option: str, choices: list[str], log_copy: Path
) -> None:
    target = log_copy.with_name("new.json") if name == "init" else log_copy
    args = [*ARGUMENTS[name], "--data", str(target)]
    if name == "export" and option == "--format":
        args = ["--data", str(log_copy)]
    if name == "export" and option == "--group-by":
        args = ["--format", "timelinejs", "--data", str(log_copy)]
    lower = run(name, *args, option, choices[0])
    if name == "init":
        _fresh(target)
    upper = run(name, *args, option, choices[0].upper())
    assert (lower.stdout, lower.stderr) == (upper.stdout, upper.stderr)


def test_completion_offers_the_choices_tags_types_actors_and_ids() -> None:
    group = get_command(app)

    def complete(command: str, option: str, typed: str) -> list[str]:
        found = group.get_command(None, command)  # type: ignore[arg-type]
        assert found is not None
        param = next(p for p in found.params if option in p.opts or p.name == option)
        context = found.make_context(command, [], resilient_parsing=True)
        return [item.value for item in param.shell_complete(context, typed)]

    assert complete("list", "--format", "t") == ["table", "tsv", "timelinejs"]
    assert complete("list", "--sort", "") == ["date", "title", "id"]
    assert complete("stats", "--by", "d") == ["dyad"]
    assert "summit" in complete("list", "--type", "su")
    assert complete("list", "--tag", "nuc") == ["nuclear"]
    assert "DPRK" in complete("list", "--actor", "DP")
    assert complete("show", "event_id", "hanoi") == ["hanoi-2019"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["export", "--format", "json", "--excel"], "--excel does not apply to --format json"),
        (["export", "--format", "csv", "--group-by", "actor"], "--group-by does not apply"),
        (["export", "--format", "md", "--raw"], "--raw does not apply to --format md"),
        (["list", "--format", "json", "--raw"], "--raw does not apply to --format json"),
        (["list", "--from", "2023-02-30"], "February 2023 has no day 30"),
        (["add", "--date", "2023-02-30", "--title", "x"], "February 2023 has no day 30"),
        (["add", "--tag", "Missiles", "--title", "x"], "'Missiles' is not a tag"),
        (["add", "--country", "Korea", "--title", "x"], "is not an ISO 3166-1 alpha-3 code"),
    ],
)
def test_the_same_kind_of_mistake_is_the_same_usage_error_everywhere(
    run: RunCli, args: list[str], fragment: str, log_copy: Path
) -> None:
    line = usage(run(*args, "--data", str(log_copy), expect=2), args[0])
    assert fragment in line


@pytest.mark.parametrize(
    "args",
    [
        ["show", "hanoi-2109"],
        ["chain", "nope"],
        ["list", "--actor", "Atlantis"],
        ["list", "--tag", "nothing-like-it"],
        ["list", "--type", "sumit"],
        ["list", "--era", "nothing-like-it"],
        ["export", "--format", "csv", "--tag", "nothing-like-it"],
        ["stats", "--actor", "Atlantis"],
    ],
)
def test_a_lookup_error_exits_1_with_error_lines_only(run: RunCli, args: list[str]) -> None:
    result = run(*args, expect=1)
    assert result.stdout == ""
    assert all(line.startswith("error: ") for line in result.stderr.splitlines())


def test_help_and_usage_errors_never_show_a_box(run: RunCli) -> None:
    for args in (["list", "--frm", "2020"], ["nonsense"], ["show"]):
        result = run(*args, expect=2)
        assert not re.search(r"[╭╮╰╯│─]", result.stderr)
