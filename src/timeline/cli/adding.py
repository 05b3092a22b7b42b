"""`timeline add`: one new event, from options, from JSON, or by asking for each field."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from timeline.cli.options import (
    DataOption,
    LockTimeoutOption,
    choice,
    complete_actor,
    complete_choices,
    complete_tag,
    complete_type,
    log_path,
    partial_date,
)
from timeline.errors import TimelineError
from timeline.model import RELATION_TYPES, STATUSES
from timeline.render.sanitize import for_terminal

if TYPE_CHECKING:
    from timeline.model import Log


def add(
    ctx: typer.Context,
    id_: Annotated[
        str | None,
        typer.Option(
            "--id",
            show_default=False,
            callback=_slugs("id"),
            help="The event's id (default: made from the title and year).",
        ),
    ] = None,
    title: Annotated[str | None, typer.Option(show_default=False, help="One line.")] = None,
    date: Annotated[
        str | None,
        typer.Option(
            show_default=False,
            callback=_date_text,
            help="YYYY, YYYY-MM, YYYY-MM-DD, or a time YYYY-MM-DDThh:mm[zone]; -0107 is 108 BCE.",
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            show_default=False,
            callback=_end_text,
            help="The last date, for an event that lasted; '..' if it is still going on.",
        ),
    ] = None,
    approximate: Annotated[
        bool, typer.Option("--approximate", help="The date itself is uncertain.")
    ] = False,
    window: Annotated[
        bool,
        typer.Option(
            "--window", help="--date and --end bound one moment, not a duration (needs --end)."
        ),
    ] = False,
    type_: Annotated[
        str | None,
        typer.Option(
            "--type",
            "-t",
            show_default=False,
            autocompletion=complete_type,
            callback=_slugs("type"),
            help="One of the log's types (`timeline add --help` lists the built-in ones).",
        ),
    ] = None,
    actor: Annotated[
        list[str] | None,
        typer.Option(
            "--actor",
            "-a",
            show_default=False,
            autocompletion=complete_actor,
            help="An actor id, name or alias; ID:ROLE for a role. Repeat.",
        ),
    ] = None,
    place: Annotated[
        str | None, typer.Option(show_default=False, help="Where it happened.")
    ] = None,
    country: Annotated[
        str | None,
        typer.Option(
            show_default=False, callback=_country, help="ISO 3166-1 alpha-3 code, such as KOR."
        ),
    ] = None,
    admin1: Annotated[
        str | None,
        typer.Option(show_default=False, help="The region: a province or state."),
    ] = None,
    lat: Annotated[
        float | None,
        typer.Option(min=-90, max=90, show_default=False, help="Latitude (WGS84 degrees)."),
    ] = None,
    lon: Annotated[
        float | None,
        typer.Option(min=-180, max=180, show_default=False, help="Longitude (WGS84 degrees)."),
    ] = None,
    media: Annotated[
        str | None,
        typer.Option(
            show_default=False, metavar="URL", help="A picture, video or page showing the event."
        ),
    ] = None,
    caption: Annotated[
        str | None, typer.Option(show_default=False, help="The media's caption.")
    ] = None,
    credit: Annotated[
        str | None, typer.Option(show_default=False, help="Whom the media is credited to.")
    ] = None,
    summary: Annotated[
        str | None, typer.Option(show_default=False, help="What happened (facts).")
    ] = None,
    assessment: Annotated[
        str | None, typer.Option(show_default=False, help="What it meant, and to whom.")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            show_default=False,
            callback=choice("status", STATUSES),
            autocompletion=complete_choices(STATUSES),
            help="confirmed (default), reported, alleged or disputed.",
        ),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            show_default=False,
            callback=_slugs("tag"),
            autocompletion=complete_tag,
            help="A tag (lower case, digits and hyphens). Repeat.",
        ),
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(show_default=False, help="The id of a source in the log. Repeat."),
    ] = None,
    related: Annotated[
        list[str] | None,
        typer.Option(
            show_default=False, help="ID:REL, REL one of " + ", ".join(RELATION_TYPES) + ". Repeat."
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(show_default=False, help="Where sources disagree or the telling differs."),
    ] = None,
    json_input: Annotated[
        str | None,
        typer.Option(
            "--json",
            metavar="FILE",
            show_default=False,
            help="Read the event (or {event, sources, actors}) from FILE, or - for stdin.",
        ),
    ] = None,
    interactive: Annotated[
        bool,
        typer.Option(
            "--interactive",
            "-i",
            help="Ask for each field (the default on a terminal with no fields given).",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the event and what would change; write nothing.")
    ] = False,
    lock_timeout: LockTimeoutOption = 10.0,
    data: DataOption = None,
) -> None:
    """Add an event to a log: checked against the whole log, previewed, written atomically.

    The log is rewritten in canonical form under a lock, so that concurrent adds all land and an
    interruption leaves the old log or the new one, never a broken one. New sources and actors can
    come with the event in --json: {"event": {...}, "sources": [...], "actors": [...]}.

    Examples:

      timeline add --data desk.json --title "Talks resume in Stockholm" \\
        --date 2019-10-05 --type meeting --actor USA --actor DPRK \\
        --summary "Working-level talks." --source wire-2019-10-05

      timeline add --data desk.json --json event.json --dry-run
    """
    from timeline.edit import add_event
    from timeline.errors import LookupFailed
    from timeline.query import selection_of
    from timeline.render.card import card_content, write_card_text
    from timeline.store import load_log, parse_json, writable

    target = writable(log_path(ctx, data))
    fields = {
        "id": id_,
        "title": title,
        "date": date,
        "end": end,
        "type": type_,
        "summary": summary,
        "assessment": assessment,
        "status": status,
        "note": note,
    }
    location = {
        key: value
        for key, value in (
            ("name", place),
            ("country", country),
            ("admin1", admin1),
            ("lat", lat),
            ("lon", lon),
        )
        if value is not None
    }
    shown = {
        key: value
        for key, value in (("url", media), ("caption", caption), ("credit", credit))
        if value is not None
    }
    given = any(v is not None for v in fields.values()) or any(
        (actor, tag, source, related, location, shown, window)
    )
    if json_input is not None:
        if given:
            raise typer.BadParameter("give the event either as options or as --json, not both")
        additions = _read_json(json_input, parse_json)
    elif interactive or (not given and sys.stdin.isatty()):
        additions = _ask(load_log(target))
    elif given:
        current = load_log(target)
        if type_ is not None and type_ not in current.vocabulary:
            raise LookupFailed(current.vocabulary.unknown(type_))
        additions = {k: v for k, v in fields.items() if v is not None}
        if approximate:
            additions["approximate"] = True
        if window:
            additions["window"] = True
        additions["actors"] = [_actor_ref(current, text) for text in actor or []]
        if location:
            additions["location"] = location
        if shown:
            additions["media"] = shown
        additions["tags"] = list(tag or [])
        additions["sources"] = list(source or [])
        additions["related"] = [_relation(text) for text in related or []]
    else:
        raise typer.BadParameter(
            "give the event's fields as options, --json FILE, or --interactive"
        )

    added = add_event(target, additions, lock_timeout=lock_timeout, dry_run=dry_run)
    preview = selection_of(added.log, [added.event], with_related=True)
    write_card_text(card_content(added.event, preview), sys.stdout)
    if not added.written:
        sys.stderr.write(f"dry run: would add {added.event.id} to {for_terminal(str(target))}\n")
        return
    sys.stderr.write(f"added {added.event.id} to {for_terminal(str(target))}\n")


def _date_text(value: str | None) -> str | None:
    """A date option, checked as `--from` is (a usage error if malformed), kept as written."""
    return None if value is None else partial_date(value).text


def _end_text(value: str | None) -> str | None:
    """An end: a date, or `..` for an event still going on."""
    from timeline.dates import OPEN_TEXT

    if value is not None and value.strip() == OPEN_TEXT:
        return OPEN_TEXT
    return _date_text(value)


def _slugs(name: str) -> Any:
    """Check a slug option (an id, tags): lower-case letters, digits and hyphens."""
    import re

    from timeline.model import SLUG_PATTERN

    def check(value: Any) -> Any:
        for item in value if isinstance(value, list) else [value]:
            if item is not None and not re.fullmatch(SLUG_PATTERN, item):
                raise typer.BadParameter(
                    f"{for_terminal(str(item))!r} is not a {name}: use lower-case letters, digits "
                    "and hyphens, starting with a letter or digit"
                )
        return value

    return check


def _country(value: str | None) -> str | None:
    import re

    from timeline.model import COUNTRY_PATTERN

    if value is not None and not re.fullmatch(COUNTRY_PATTERN, value.upper()):
        raise typer.BadParameter(
            f"{for_terminal(value)!r} is not an ISO 3166-1 alpha-3 code such as KOR or USA"
        )
    return None if value is None else value.upper()


def _read_json(name: str, parse_json: Any) -> dict[str, Any]:
    if name == "-":
        data = (
            sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        )
        label = "<stdin>"
    else:
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            raise TimelineError(f"{name}: {error.strerror or error}") from None
        label = name
    value = parse_json(data, label)
    if not isinstance(value, dict):
        raise TimelineError(
            f"{label}: expected a JSON object (an event, or event, sources and actors)"
        )
    return value


def _actor_ref(log: Log, text: str) -> str | dict[str, str]:
    """`ID` or `ID:ROLE`; a name or alias is turned into the actor's id."""
    name, _, role = text.rpartition(":") if ":" in text else (text, "", "")
    found = log.registry.find(name)
    if found is not None:
        name = found.id
    return {"id": name, "role": role} if role else name


def _relation(text: str) -> dict[str, str]:
    event_id, separator, rel = text.rpartition(":")
    if not separator or rel not in RELATION_TYPES:
        raise typer.BadParameter(
            f"{for_terminal(text)!r}: expected ID:REL, REL one of {', '.join(RELATION_TYPES)}",
            param_hint="'--related'",
        )
    return {"id": event_id, "rel": rel}


def _ask(log: Log) -> dict[str, Any]:
    """Ask for each field on the terminal, checking each answer as it is given."""
    from timeline.dates import PartialDate

    def required(prompt: str, check: Any = None, default: str | None = None) -> str:
        while True:
            answer = str(typer.prompt(prompt, default=default, err=True)).strip()
            problem = check(answer) if check else None
            if answer and not problem:
                return answer
            typer.echo(f"  {problem or 'required'}", err=True)

    def optional(prompt: str, check: Any = None) -> str:
        while True:
            answer = str(typer.prompt(prompt, default="", show_default=False, err=True)).strip()
            problem = check(answer) if (check and answer) else None
            if not problem:
                return answer
            typer.echo(f"  {problem}", err=True)

    def date_problem(text: str) -> str | None:
        try:
            PartialDate(text)
        except ValueError as error:
            return str(error)
        return None

    def listed(known: set[str], noun: str) -> Any:
        def check(text: str) -> str | None:
            unknown = [item for item in _split(text) if item.split(":")[0] not in known]
            return f"unknown {noun}: {', '.join(unknown)}" if unknown else None

        return check

    actor_ids = {a.id for a in log.actors}
    tags = sorted({t for e in log.events for t in e.tags})
    typer.echo(
        f"Adding an event to {log.title!r}. Known actors: {', '.join(sorted(actor_ids))}", err=True
    )
    event: dict[str, Any] = {"title": required("Title")}
    event["date"] = required(
        "Date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[zone]; -0107 is 108 BCE)",
        date_problem,
    )
    end = optional(
        "End, for an event that lasted ('..' if still going on)",
        lambda text: None if text == ".." else date_problem(text),
    )
    if end:
        event["end"] = end
        if end != ".." and typer.confirm(
            "Do date and end bound one unknown moment (a window) rather than a duration?",
            default=False,
            err=True,
        ):
            event["window"] = True
    types = log.vocabulary.ids()
    event["type"] = required(
        f"Type ({', '.join(types)})",
        lambda t: None if t in log.vocabulary else log.vocabulary.unknown(t),
    )
    raw_actors = required(
        "Actors (ids, names or aliases, comma-separated; ID:ROLE for a role)",
        lambda text: (
            None
            if all(log.registry.find(a.split(":")[0]) for a in _split(text))
            else "unknown actor"
        ),
    )
    event["actors"] = [_actor_ref(log, a) for a in _split(raw_actors)]
    place = optional("Place")
    if place:
        event["location"] = {"name": place}
    event["summary"] = required("Summary (what happened)")
    for key, prompt in (
        ("assessment", "Assessment (what it meant, and to whom)"),
        ("note", "Note"),
    ):
        answer = optional(prompt)
        if answer:
            event[key] = answer
    event["status"] = required(
        "Status (confirmed, reported, alleged, disputed)",
        lambda s: None if s in STATUSES else "not a known status",
        default="confirmed",
    )
    event["tags"] = _split(optional(f"Tags (known: {', '.join(tags) or 'none yet'})"))
    event["sources"] = _split(
        optional("Sources (ids, comma-separated)", listed({s.id for s in log.sources}, "source"))
    )
    relations = optional(
        "Related events (ID:REL, comma-separated)", listed({e.id for e in log.events}, "event")
    )
    event["related"] = [_relation(text) for text in _split(relations)]
    return event


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]
