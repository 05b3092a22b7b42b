"""UCDP GED (the Uppsala Conflict Data Program's Georeferenced Event Dataset), as CSV.

- The id is `ucdp-` and the event's `id`.
- `date_start` and `date_end`, with `date_prec`: 1, the day is known (the two dates are the
  event's span); 2 to 5, the event happened on some day between them (a window), not over all
  of them.
- `side_a` and `side_b` are the actors, with those roles; a side named `Government of ...` is a
  state's government (a state), any other an organisation.
- The type is `type_of_violence`: state-based conflict, non-state conflict, one-sided violence.
- The summary says where and how many died (UCDP's best, low and high estimates); each of the
  `source_article` citations is a text citation, with its office, date and headline where the
  parallel `source_office`, `source_date`, `source_headline` lists give them.
- The place is `where_coordinates` in `adm_1`, at `latitude`, `longitude`; the `country` name
  and the conflict are kept as tags. Status `reported`; `event_clarity` 2 is said in the note.
"""

from __future__ import annotations

import csv
import re
from typing import Any

from timeline.importing import Draft, DraftActor, DraftSource, DraftType, Options, Reading
from timeline.importing.text import coordinate, read_table
from timeline.slugs import slug

REQUIRED = ("id", "date_start", "date_end", "side_a", "side_b", "type_of_violence")
TYPES = {
    "1": DraftType(
        "state-based-conflict", "State-based conflict", "UCDP type of violence 1", "ASSAULT"
    ),
    "2": DraftType(
        "non-state-conflict", "Non-state conflict", "UCDP type of violence 2", "ASSAULT"
    ),
    "3": DraftType(
        "one-sided-violence", "One-sided violence", "UCDP type of violence 3", "ASSAULT"
    ),
}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def read(data: bytes, label: str, options: Options) -> Reading:
    return read_table(
        data,
        REQUIRED,
        "a UCDP GED file",
        lambda line, cells: _event(line, {key: value.strip() for key, value in cells.items()}),
    )


def _event(line: int, cells: dict[str, str]) -> Draft:
    get = cells.get
    start, end = _day(get("date_start"), "date_start"), _day(get("date_end"), "date_end")
    precision = get("date_prec") or "1"
    if precision not in {"1", "2", "3", "4", "5"}:
        raise ValueError(f"date_prec {precision!r} is not 1 to 5")
    kind = TYPES.get(get("type_of_violence") or "")
    if kind is None:
        raise ValueError(f"type_of_violence {get('type_of_violence')!r} is not 1, 2 or 3")
    side_a, side_b = get("side_a") or "", get("side_b") or ""
    where = get("where_coordinates") or get("where_description") or ""
    fields: dict[str, Any] = {
        "title": f"{get('dyad_name') or side_a + ' - ' + side_b}: {where}".strip(": "),
        "date": start,
        "end": end if end != start or precision != "1" else None,
        "window": precision != "1" and end != start,
        "summary": _summary(get, side_a, side_b),
        "status": "reported",
        "tags": [
            tag
            for tag in (
                "ucdp",
                slug(get("conflict_name") or "", limit=40),
                slug(get("country") or ""),
            )
            if tag
        ],
        "note": _note(get, precision),
    }
    if where:
        location: dict[str, Any] = {"name": where}
        if get("adm_1") and get("adm_1") != where:
            location["admin1"] = get("adm_1")
        for field, column in (("lat", "latitude"), ("lon", "longitude")):
            number = coordinate(get(column), column)
            if number is not None:
                location[field] = number
        fields["location"] = location
    actors = [
        DraftActor(
            name, role, kind="state" if name.startswith("Government of ") else "organisation"
        )
        for name, role in ((side_a, "side-a"), (side_b, "side-b"))
        if name
    ]
    return Draft(
        line=line,
        fields=fields,
        type=kind,
        actors=tuple(actors),
        sources=tuple(_sources(get)),
        key=f"ucdp-{slug(get('id') or '')}",
    )


def _day(text: str | None, column: str) -> str:
    if not text or not _DAY.fullmatch(text[:10]):
        raise ValueError(f"{column} {text!r} is not a date")
    return text[:10]  # some exports add a midnight time: the day is what is known


def _summary(get: Any, side_a: str, side_b: str) -> str:
    where = get("where_description") or get("where_coordinates") or ""
    place = ", ".join(dict.fromkeys(part for part in (where, get("adm_1"), get("country")) if part))
    said = f"{side_a} and {side_b}" if side_b else side_a
    deaths = ""
    if get("best"):
        deaths = (
            f"; {get('best')} deaths (UCDP best estimate; low {get('low')}, high {get('high')})"
        )
    return f"{said}{', ' + place if place else ''}{deaths}."


def _note(get: Any, precision: str) -> str:
    facts = []
    if precision != "1":
        facts.append(f"date_prec {precision}: the event happened on one day in this window")
    if get("event_clarity") == "2":
        facts.append("event_clarity 2: the event is less clearly reported")
    if get("where_prec"):
        facts.append(f"where_prec {get('where_prec')}")
    if get("relid"):
        facts.append(f"relid {get('relid')}")
    return "UCDP: " + "; ".join(facts) + "." if facts else ""


def _sources(get: Any) -> list[DraftSource]:
    """`source_article` holds `"…";"…"`: one citation each, beside the parallel lists."""
    articles = _split(get("source_article") or "")
    offices = [part.strip() for part in (get("source_office") or "").split(";")]
    dates = [part.strip() for part in (get("source_date") or "").split(";")]
    headlines = [part.strip() for part in (get("source_headline") or "").split(";")]
    parallel = len(offices) == len(dates) == len(headlines) == len(articles)
    found = []
    for index, article in enumerate(articles):
        published = dates[index][:10] if parallel and _DAY.fullmatch(dates[index][:10]) else None
        found.append(
            DraftSource(
                citation=article,
                publisher=offices[index] or None if parallel else None,
                title=headlines[index] or None if parallel else None,
                published=published,
            )
        )
    return found


def _split(cell: str) -> list[str]:
    flat = " ".join(cell.split())  # a citation that ran over lines is one citation
    if not flat:
        return []
    reader = csv.reader([flat], delimiter=";", quotechar='"', skipinitialspace=True)
    return [part.strip() for part in next(reader) if part.strip()]
