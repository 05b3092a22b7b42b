"""The fast path from parsed JSON to a `Log`: the rules of `schema`, checked by hand.

Importing Pydantic's models costs more than everything else an everyday command does, so a log
is first checked here. Anything this module is not sure of (any rule broken, any unexpected
shape) makes it answer None, and the caller falls back to `schema`, which decides and words every
problem. The tests prove that whatever this module accepts, `schema` accepts as the same `Log`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from timeline import model
from timeline.dates import OPEN_TEXT, PartialDate

_SLUG = re.compile(model.SLUG_PATTERN)
_ACTOR_ID = re.compile(model.ACTOR_ID_PATTERN)
_COUNTRY = re.compile(model.COUNTRY_PATTERN)
_URL = re.compile(model.URL_PATTERN)
_COLOUR = re.compile(model.COLOUR_PATTERN)
_PLOVER = frozenset(model.PLOVER_CATEGORIES)
_STATUSES = frozenset(model.STATUSES)
_KINDS = frozenset(model.ACTOR_KINDS)
_RELATIONS = frozenset(model.RELATION_TYPES)

_LOG_KEYS = frozenset(
    {"$schema", "title", "description", "types", "eras", "actors", "sources", "events"}
)
_TYPE_KEYS = frozenset({"id", "label", "description", "plover", "colour"})
_ERA_KEYS = frozenset({"id", "title", "date", "end", "note"})
_ACTOR_KEYS = frozenset({"id", "name", "kind", "aliases", "member_of"})
_SOURCE_KEYS = frozenset(
    {
        "id",
        "publisher",
        "title",
        "url",
        "published",
        "note",
        "citation",
        "archive",
        "primary",
        "copy",
    }
)
_LOCATION_KEYS = frozenset({"name", "country", "admin1", "lat", "lon"})
_MEDIA_KEYS = frozenset({"url", "caption", "credit"})
_EVENT_KEYS = frozenset(
    {
        "id",
        "title",
        "date",
        "end",
        "approximate",
        "type",
        "actors",
        "location",
        "summary",
        "assessment",
        "status",
        "tags",
        "sources",
        "related",
        "note",
        "window",
        "media",
    }
)
_EVENT_REQUIRED = frozenset({"id", "title", "date", "type", "actors", "summary"})


class Unsure(Exception):
    """Something `schema` must look at."""


_Unsure = Unsure


def build(document: Any) -> model.Log | None:
    """The `Log` in `document` if it is certainly valid record by record, else None."""
    try:
        return _log(document)
    except (_Unsure, ValueError):
        return None


def build_from_text(text: str) -> model.Log | None:
    """`build(json.loads(text))`, reading the events one at a time so that a large log is never
    held whole as parsed JSON. None for anything unusual, including any JSON the strict reader
    would refuse: the caller then parses the text whole, which words the problem."""
    try:
        return _log_from_text(text)
    except (_Unsure, ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return None


def _log(document: Any, events: tuple[model.Event, ...] | None = None) -> model.Log:
    _object(document, _LOG_KEYS)
    schema_url = document.get("$schema")
    if schema_url is not None and type(schema_url) is not str:
        raise _Unsure
    types = document.get("types")
    return model.Log(
        title=_text(document.get("title", "Untitled timeline"), model.MAX_SHORT_TEXT),
        description=_optional_text(document.get("description"), model.MAX_TEXT),
        types=None if types is None else tuple(_type(item) for item in _list(types)),
        eras=tuple(_era(item) for item in _list(document.get("eras", []))),
        actors=tuple(_actor(item) for item in _list(document.get("actors", []))),
        sources=tuple(source(item) for item in _list(document.get("sources", []))),
        events=tuple(_event(item) for item in _list(document.get("events", [])))
        if events is None
        else events,
        schema_url=schema_url,
    )


def _log_from_text(text: str) -> model.Log:
    """The top-level object read by hand, its `events` array element by element."""
    if LONE_SURROGATE_ESCAPE.search(text):
        raise _Unsure
    decode = _STRICT.raw_decode
    top: dict[str, Any] = {}
    events: tuple[model.Event, ...] | None = None
    at = _skip(text, 0)
    if text[at : at + 1] != "{":
        raise _Unsure
    at = _skip(text, at + 1)
    if text[at : at + 1] != "}":
        while True:
            if text[at : at + 1] != '"':
                raise _Unsure
            key, at = decode(text, at)
            at = _skip(text, at)
            if text[at : at + 1] != ":" or key in top:
                raise _Unsure
            at = _skip(text, at + 1)
            if key == "events":
                events, at = _events_from_text(text, at)
                top[key] = []
            else:
                top[key], at = decode(text, at)
            at = _skip(text, at)
            if text[at : at + 1] == "}":
                break
            if text[at : at + 1] != ",":
                raise _Unsure
            at = _skip(text, at + 1)
    if _skip(text, at + 1) != len(text):
        raise _Unsure
    return _log(top, events or ())


def _events_from_text(text: str, at: int) -> tuple[tuple[model.Event, ...], int]:
    if text[at : at + 1] != "[":
        raise _Unsure
    decode = _STRICT.raw_decode
    events: list[model.Event] = []
    at = _skip(text, at + 1)
    if text[at : at + 1] == "]":
        return (), at + 1
    while True:
        raw, at = decode(text, at)
        events.append(_event(raw))
        at = _skip(text, at)
        if text[at : at + 1] == "]":
            return tuple(events), at + 1
        if text[at : at + 1] != ",":
            raise _Unsure
        at = _skip(text, at + 1)


def _skip(text: str, at: int) -> int:
    found = _WHITESPACE.match(text, at)
    assert found is not None  # the pattern matches the empty string
    return found.end()


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Unsure
    return result


def _no_constant(name: str) -> Any:
    raise _Unsure


_WHITESPACE = re.compile(r"[ \t\n\r]*")
# An escaped UTF-16 surrogate, which may be unpaired: the strict reader decides.
LONE_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_STRICT = json.JSONDecoder(object_pairs_hook=_unique_pairs, parse_constant=_no_constant)


def _actor(raw: Any) -> model.Actor:
    _object(raw, _ACTOR_KEYS, required=("id", "name", "kind"))
    kind = raw["kind"]
    if type(kind) is not str or kind not in _KINDS:
        raise _Unsure
    return model.Actor(
        id=_match(raw["id"], _ACTOR_ID, _ACTOR_IDS_SEEN),
        name=_text(raw["name"], model.MAX_SHORT_TEXT),
        kind=kind,
        aliases=tuple(
            _text(alias, model.MAX_SHORT_TEXT) for alias in _list(raw.get("aliases", []))
        ),
        member_of=_ids(raw.get("member_of", ()), _ACTOR_ID, _ACTOR_IDS_SEEN),
    )


def source(raw: Any) -> model.Source:
    """The source in `raw` (parsed JSON) if it is certainly valid; else `Unsure`."""
    _object(raw, _SOURCE_KEYS, required=("id",))
    url = _optional_url(raw.get("url"))
    citation = _optional_text(raw.get("citation"), model.MAX_TEXT)
    title = _optional_text(raw.get("title"), model.MAX_SHORT_TEXT)
    if citation is None and url is None:
        raise _Unsure
    return model.Source(
        id=_match(raw["id"], _SLUG, _SLUGS_SEEN),
        publisher=_optional_text(raw.get("publisher"), model.MAX_SHORT_TEXT),
        title=title,
        url=url,
        published=_optional_date(raw.get("published")),
        note=_optional_text(raw.get("note"), model.MAX_TEXT),
        citation=citation,
        archive=_optional_url(raw.get("archive")),
        primary=_flag(raw.get("primary", False)),
        copy=_flag(raw.get("copy", False)),
    )


def _flag(raw: Any) -> bool:
    if type(raw) is not bool:
        raise _Unsure
    return raw


def _optional_url(raw: Any) -> str | None:
    if raw is None:
        return None
    if type(raw) is not str or len(raw) > model.MAX_URL or not _URL.fullmatch(raw):
        raise _Unsure
    return raw


def _type(raw: Any) -> model.EventType:
    _object(raw, _TYPE_KEYS, required=("id", "label"))
    plover, colour = raw.get("plover"), raw.get("colour")
    if plover is not None and (type(plover) is not str or plover not in _PLOVER):
        raise _Unsure
    if colour is not None and (type(colour) is not str or not _COLOUR.fullmatch(colour)):
        raise _Unsure
    return model.EventType(
        _match(raw["id"], _SLUG, _SLUGS_SEEN),
        _text(raw["label"], model.MAX_SHORT_TEXT),
        _optional_text(raw.get("description"), model.MAX_TEXT),
        plover,
        colour,
    )


def _era(raw: Any) -> model.Era:
    _object(raw, _ERA_KEYS, required=("id", "title", "date", "end"))
    date, end = _date(raw["date"]), _end(raw["end"])
    if model.end_before_date(date, end):
        raise _Unsure
    return model.Era(
        _match(raw["id"], _SLUG, _SLUGS_SEEN),
        _text(raw["title"], model.MAX_SHORT_TEXT),
        date,
        end,
        _optional_text(raw.get("note"), model.MAX_TEXT),
    )


def _event(raw: Any) -> model.Event:
    if type(raw) is not dict or not raw.keys() <= _EVENT_KEYS or not raw.keys() >= _EVENT_REQUIRED:
        raise _Unsure
    get = raw.get
    status = get("status", "confirmed")
    if type(status) is not str or status not in _STATUSES:
        raise _Unsure
    approximate, window = _flag(get("approximate", False)), _flag(get("window", False))
    date = _date(raw["date"])
    end_text = get("end")
    end = None if end_text is None else _end(end_text)
    if model.end_before_date(date, end) or model.window_problem(window, end):
        raise _Unsure
    related = get("related", ())
    # Positional, in `model.Event`'s field order: the fastest way to build the record.
    return _new_event(
        (
            _match(raw["id"], _SLUG, _SLUGS_SEEN),
            _text(raw["title"], model.MAX_SHORT_TEXT),
            date,
            _match(raw["type"], _SLUG, _SLUGS_SEEN),
            _actor_refs(raw["actors"]),
            _text(raw["summary"], model.MAX_TEXT),
            end,
            approximate,
            _location(get("location")),
            _optional_text(get("assessment"), model.MAX_TEXT),
            status,
            _ids(get("tags", ()), _SLUG, _SLUGS_SEEN),
            _ids(get("sources", ()), _SLUG, _SLUGS_SEEN),
            () if type(related) is tuple else tuple([_relation(item) for item in _list(related)]),
            _optional_text(get("note"), model.MAX_TEXT),
            window,
            _media(get("media")),
        )
    )


_new_event = model.Event._make


def _actor_refs(raw: Any) -> tuple[model.ActorRef, ...]:
    if type(raw) is not list or not raw:
        raise _Unsure
    try:  # most references are bare ids seen before
        return tuple([_PLAIN_REFS[item] for item in raw])
    except (KeyError, TypeError):
        return tuple([_actor_ref(item) for item in raw])


def _actor_ref(raw: Any) -> model.ActorRef:
    if type(raw) is str:
        reference = _PLAIN_REFS.get(raw)
        if reference is None:
            reference = model.ActorRef(_match(raw, _ACTOR_ID, _ACTOR_IDS_SEEN))
            if len(_PLAIN_REFS) < _MEMO_LIMIT:
                _PLAIN_REFS[raw] = reference
        return reference
    _object(raw, frozenset({"id", "role"}), required=("id",))
    role = raw.get("role")
    return model.ActorRef(
        _match(raw["id"], _ACTOR_ID, _ACTOR_IDS_SEEN),
        None if role is None else _match(role, _SLUG, _SLUGS_SEEN),
    )


def _ids(raw: Any, pattern: re.Pattern[str], seen: set[str]) -> tuple[str, ...]:
    """A list of ids, tags or source ids, each matching `pattern`."""
    if type(raw) is tuple:  # the default: absent
        return ()
    if type(raw) is not list:
        raise _Unsure
    try:
        if seen.issuperset(raw):  # ids repeat across a log: check each text once
            return tuple(raw)
    except TypeError:  # an unhashable item, such as an object
        raise _Unsure from None
    return tuple([_match(item, pattern, seen) for item in raw])


def _relation(raw: Any) -> model.Relation:
    _object(raw, frozenset({"id", "rel"}), required=("id", "rel"))
    rel = raw["rel"]
    if type(rel) is not str or rel not in _RELATIONS:
        raise _Unsure
    return model.Relation(_match(raw["id"], _SLUG, _SLUGS_SEEN), rel)


def _location(raw: Any) -> model.Location | None:
    if raw is None:
        return None
    _object(raw, _LOCATION_KEYS, required=("name",))
    country = raw.get("country")
    if country is not None and (type(country) is not str or not _COUNTRY.fullmatch(country)):
        raise _Unsure
    return model.Location(
        _text(raw["name"], model.MAX_SHORT_TEXT),
        country,
        _optional_text(raw.get("admin1"), model.MAX_SHORT_TEXT),
        _degrees(raw.get("lat"), 90),
        _degrees(raw.get("lon"), 180),
    )


def _degrees(raw: Any, most: int) -> float | None:
    """A latitude or longitude: a JSON number (not a boolean) within +-`most`."""
    if raw is None:
        return None
    if type(raw) not in (int, float) or not -most <= raw <= most:
        raise _Unsure
    return float(raw)


def _media(raw: Any) -> model.Media | None:
    if raw is None:
        return None
    _object(raw, _MEDIA_KEYS, required=("url",))
    url = _optional_url(raw["url"])
    if url is None:
        raise _Unsure
    return model.Media(
        url,
        _optional_text(raw.get("caption"), model.MAX_SHORT_TEXT),
        _optional_text(raw.get("credit"), model.MAX_SHORT_TEXT),
    )


def _object(
    raw: Any, allowed: frozenset[str], required: tuple[str, ...] | frozenset[str] = ()
) -> None:
    if (
        type(raw) is not dict
        or not raw.keys() <= allowed
        or any(key not in raw for key in required)
    ):
        raise _Unsure


def _list(raw: Any) -> list[Any]:
    if type(raw) is not list:
        raise _Unsure
    return raw


def _text(raw: Any, longest: int) -> str:
    if type(raw) is not str or not 1 <= len(raw) <= longest:
        raise _Unsure
    return raw


def _optional_text(raw: Any, longest: int) -> str | None:
    return None if raw is None else _text(raw, longest)


def _match(raw: Any, pattern: re.Pattern[str], seen: set[str]) -> str:
    """`raw` if it is a string matching `pattern`; `seen` remembers the texts that did."""
    if type(raw) is not str:
        raise _Unsure
    if raw in seen:
        return raw
    if len(raw) > model.MAX_ID or not pattern.fullmatch(raw):
        raise _Unsure
    if len(seen) < _MEMO_LIMIT:
        seen.add(raw)
    return raw


def slug(raw: Any) -> str:
    """`raw` if it is an id, a tag or a source id (a slug); else `Unsure`."""
    return _match(raw, _SLUG, _SLUGS_SEEN)


def is_id(text: str) -> bool:
    """Whether `text` is a well-formed id (a slug), checked anew: an event id is seen once."""
    return len(text) <= model.MAX_ID and _SLUG.fullmatch(text) is not None


def actor_id(raw: Any) -> str:
    """`raw` if it is an actor id; else `Unsure`."""
    return _match(raw, _ACTOR_ID, _ACTOR_IDS_SEEN)


def is_country(text: str) -> bool:
    return bool(_COUNTRY.fullmatch(text))


def is_url(text: str) -> bool:
    return len(text) <= model.MAX_URL and bool(_URL.fullmatch(text))


# Texts known to match each pattern, and references to bare actor ids; bounded, so that a huge
# log of unique ids does not grow them without end.
MEMO_LIMIT = _MEMO_LIMIT = 100_000
SLUGS_SEEN: set[str] = set()
_SLUGS_SEEN = SLUGS_SEEN
_ACTOR_IDS_SEEN: set[str] = set()
_PLAIN_REFS: dict[str, model.ActorRef] = {}


def _date(raw: Any) -> PartialDate:
    if type(raw) is not str or raw == OPEN_TEXT:
        raise _Unsure
    return PartialDate.parse(raw)  # raises ValueError for anything but a real partial date


def _end(raw: Any) -> PartialDate:
    """An `end`: a date, or `..` for an open end."""
    if type(raw) is str and raw == OPEN_TEXT:
        return PartialDate.parse(raw)
    return _date(raw)


def _optional_date(raw: Any) -> PartialDate | None:
    return None if raw is None else _date(raw)
