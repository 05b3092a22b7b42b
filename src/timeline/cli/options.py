"""Options shared by the commands: filters, the log to read, completions and value checks.

Every option with a fixed set of values goes through `choice`, which accepts any case, answers a
bad value with a usage error (exit 2) and offers the values to shell completion.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.exceptions import UsageError  # Typer 0.28 carries its own Click

from timeline.errors import TimelineError
from timeline.query import SORT_KEYS
from timeline.render.sanitize import for_terminal

if TYPE_CHECKING:
    from timeline.dates import PartialDate
    from timeline.model import Log
    from timeline.query import Filters
    from timeline.store import LogPath


# Values ---------------------------------------------------------------------------------------


def choice(name: str, choices: Sequence[str]) -> Callable[[Any], Any]:
    """A callback that folds a value (or each of a list) to one of `choices`, in any case."""
    folded = {value.casefold(): value for value in choices}

    def check(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, list | tuple):
            return [check(item) for item in value]
        found = folded.get(str(value).casefold())
        if found is None:
            close = difflib.get_close_matches(str(value).casefold(), list(folded), n=1)
            hint = f"; did you mean {folded[close[0]]!r}?" if close else ""
            raise typer.BadParameter(
                f"{for_terminal(str(value))!r} is not one of: {', '.join(choices)}{hint}"
            )
        return found

    check.__name__ = f"check_{name}"
    return check


def complete_choices(choices: Sequence[str]) -> Callable[[str], list[str]]:
    """Shell completion for an option whose values are `choices`."""

    def complete(incomplete: str) -> list[str]:
        return [value for value in choices if value.startswith(incomplete.casefold())]

    return complete


def partial_date(value: str) -> PartialDate:
    from timeline.dates import OPEN_TEXT, PartialDate

    if value.strip() == OPEN_TEXT:
        raise typer.BadParameter("'..' (an open end) is for a log's `end`, not an option")
    try:
        return PartialDate(value.strip())
    except ValueError as error:
        raise typer.BadParameter(for_terminal(str(error))) from None


# Completion -----------------------------------------------------------------------------------


def complete_actor(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    log = log_for_completion(ctx)
    if log is None:
        return []
    found: list[tuple[str, str]] = []
    for actor in log.actors:
        for name in (actor.id, *actor.aliases):
            completion = completing(name, incomplete)
            if completion and " " not in completion:
                found.append((completion, actor.name))
    return found


def complete_tag(ctx: typer.Context, incomplete: str) -> list[str]:
    log = log_for_completion(ctx)
    if log is None:
        return []
    tags = sorted({tag for event in log.events for tag in event.tags})
    return [tag for tag in tags if completing(tag, incomplete)]


def complete_type(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The log's own types (or the built-in ones), with their labels."""
    log = log_for_completion(ctx)
    if log is None:
        return []
    return [
        (entry.id, entry.label)
        for entry in log.vocabulary
        if entry.id.startswith(incomplete.casefold())
    ]


def complete_era(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    log = log_for_completion(ctx)
    if log is None:
        return []
    return [(era.id, era.title) for era in log.eras if era.id.startswith(incomplete.casefold())]


def complete_event_id(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from timeline.index import completions_from_index

    indexed = completions_from_index(_data_for_completion(ctx), incomplete)
    if indexed is not None:
        completions = ((completing(event_id, incomplete), title) for event_id, title in indexed)
    else:
        log = log_for_completion(ctx)
        if log is None:
            return []
        completions = ((completing(event.id, incomplete), event.title) for event in log.events)
    return [(value, title) for value, title in completions if value]


def completing(name: str, typed: str) -> str | None:
    """`name` as a completion of `typed`, which it must extend exactly (the shell filters by prefix).

    Matching is case-insensitive, so `pr` completes to `prk` for the actor `PRK`.
    """
    if name.startswith(typed):
        return name
    if not name.casefold().startswith(typed.casefold()):
        return None
    return name.lower() if typed == typed.lower() else typed + name[len(typed) :]


def log_for_completion(ctx: typer.Context) -> Log | None:
    from timeline.store import load_log

    try:
        return load_log(_data_for_completion(ctx))
    except TimelineError:
        return None


def _data_for_completion(ctx: typer.Context) -> Path:
    from timeline.store import resolve_log_path

    data = None
    context: Any = ctx
    while context is not None and data is None:
        data = context.params.get("data")
        context = context.parent
    return resolve_log_path(data).path


# The log --------------------------------------------------------------------------------------

LockTimeoutOption = Annotated[
    float, typer.Option(min=0, metavar="SECONDS", help="How long to wait for another writer.")
]
DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        "-d",
        metavar="PATH",
        show_default=False,
        help="The log to read. Default: $TIMELINE_DATA, else the bundled Korean Peninsula log.",
    ),
]


def log_path(ctx: typer.Context, data: Path | None) -> LogPath:
    """`--data` after the command, else before it (`timeline --data X list`), else the defaults."""
    from timeline.store import resolve_log_path

    if data is None and isinstance(ctx.obj, dict):
        data = ctx.obj.get("data")
    return resolve_log_path(data)


# Filters --------------------------------------------------------------------------------------

ActorOption = Annotated[
    list[str] | None,
    typer.Option(
        "--actor",
        "-a",
        metavar="ACTOR",
        autocompletion=complete_actor,
        help="Events this actor took part in: an id, name or alias, any case. A state includes its "
        "people. Repeat to require every actor named (a dyad).",
        rich_help_panel="Filters",
    ),
]
TypeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--type",
        "-t",
        metavar="TYPE",
        autocompletion=complete_type,
        help="Events of this type (any case), one of the log's types; repeat for any of several.",
        rich_help_panel="Filters",
    ),
]
EraOption = Annotated[
    str | None,
    typer.Option(
        "--era",
        metavar="ERA",
        autocompletion=complete_era,
        help="Events that overlap this era of the log (its id): its dates, as --from and --to.",
        rich_help_panel="Filters",
    ),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        metavar="TAG",
        autocompletion=complete_tag,
        help="Events with this tag (any case); repeat for any of several.",
        rich_help_panel="Filters",
    ),
]


_DATE_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD, a time YYYY-MM-DDThh:mm[zone], -0107 for 108 BCE"


def _date_option(name: str, help: str) -> Any:
    return typer.Option(
        name,
        metavar="DATE",
        parser=partial_date,
        show_default=False,
        help=help,
        rich_help_panel="Filters",
    )


FromOption = Annotated[
    Any,
    _date_option("--from", f"Events that reach into or past this date ({_DATE_FORMS})."),
]
ToOption = Annotated[
    Any,
    _date_option("--to", f"Events that begin on or before the end of this date ({_DATE_FORMS})."),
]
SearchOption = Annotated[
    str | None,
    typer.Option(
        "--search",
        "-s",
        metavar="TEXT",
        help="Events whose title, summary, assessment, note, place or actor names contain every word "
        "of TEXT (any case).",
        rich_help_panel="Filters",
    ),
]
SortOption = Annotated[
    str,
    typer.Option(
        "--sort",
        metavar="KEY",
        callback=choice("sort", SORT_KEYS),
        autocompletion=complete_choices(SORT_KEYS),
        help="Order by date (chronological, the default), title or id.",
        rich_help_panel="Order",
    ),
]
ReverseOption = Annotated[
    bool, typer.Option("--reverse", "-r", help="Reverse the order.", rich_help_panel="Order")
]
LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        min=0,
        metavar="N",
        show_default=False,
        help="At most N events (after sorting).",
        rich_help_panel="Order",
    ),
]
RawOption = Annotated[
    bool,
    typer.Option(
        "--raw",
        help="CSV and TSV: write cells exactly, without the leading ' that stops "
        "spreadsheets running formula-like text.",
    ),
]


def filters(
    actor: list[str] | None,
    type_: list[str] | None,
    tag: list[str] | None,
    date_from: PartialDate | None,
    date_to: PartialDate | None,
    search: str | None,
    era: str | None = None,
) -> Filters:
    from timeline.query import Filters

    if date_from is not None and date_to is not None and date_to.latest < date_from.earliest:
        raise UsageError(f"--to {date_to.text} is before --from {date_from.text}")
    return Filters(
        actors=actor or (),
        types=type_ or (),
        tags=tag or (),
        date_from=date_from,
        date_to=date_to,
        search=search,
        era=era,
    )


def format_option(choices: Sequence[str], help: str) -> Any:
    """The `--format/-f` option, checked against `choices`; every command spells it the same way."""
    return typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        callback=choice("format", choices),
        autocompletion=complete_choices(choices),
        show_default=False,
        help=help,
    )


def only_for(format_name: str, given: dict[str, bool], accepted: frozenset[str]) -> None:
    """Refuse an option that the chosen format does not use, rather than ignore it."""
    for option, used in given.items():
        if used and option not in accepted:
            flag = "--" + option.replace("_", "-")
            raise UsageError(f"{flag} does not apply to --format {format_name}")
