"""ACLED (Armed Conflict Location & Event Data) events, as its exports and API write them (CSV).

- The id is `acled-` and `event_id_cnty` (`ARG10607` -> `acled-arg10607`).
- `event_date` keeps the precision `time_precision` gives it: 1, the day; 2, a day within about
  a week (a window of the three days either side of the coded date); 3, only the month is known,
  though a day is filled in (the month alone).
- `actor1`, `actor2` and the associated actors (`assoc_actor_1`, `assoc_actor_2`, several to a
  cell, split on `;`) keep those roles; ACLED's actors are groups and forces: organisations.
- The type is `sub_event_type` (`peaceful-protest`), its description the `event_type`, and its
  PLOVER category the one that `event_type` codes.
- `notes` is the summary; each of the `;`-separated names in `source` is a text citation
  (ACLED gives no URL); the place is `location`, `admin1`, `latitude` and `longitude`, with
  `iso3` as the country where the file has it (its `country` name is kept as a tag).
- Status `reported`: ACLED codes what sources report. What has no field of its own (fatalities,
  the disorder type, the interaction, precision codes, ACLED's own tags) is kept in the note.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from timeline.importing import Draft, DraftActor, DraftSource, DraftType, Options, Reading
from timeline.importing.text import coordinate, read_table
from timeline.slugs import slug

REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1")
# ACLED's event types, as PLOVER codes them.
PLOVER = {
    "battles": "ASSAULT",
    "violence against civilians": "ASSAULT",
    "explosions/remote violence": "ASSAULT",
    "protests": "PROTEST",
    "riots": "PROTEST",
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"],
        start=1,
    )
}  # fmt: skip


def read(data: bytes, label: str, options: Options) -> Reading:
    return read_table(data, REQUIRED, "an ACLED file", _event)


def _event(line: int, cells: dict[str, str]) -> Draft:
    get = {key: value.strip() for key, value in cells.items()}.get
    event_id = get("event_id_cnty") or ""
    if not event_id:
        raise ValueError("no event_id_cnty")
    day = _day(get("event_date") or "")
    precision = get("time_precision") or "1"
    fields: dict[str, Any] = {}
    if precision == "1":
        fields["date"] = day.isoformat()
    elif precision == "2":
        fields["date"] = (day - timedelta(days=3)).isoformat()
        fields["end"] = (day + timedelta(days=3)).isoformat()
        fields["window"] = True
    elif precision == "3":
        fields["date"] = day.isoformat()[:7]
    else:
        raise ValueError(f"time_precision {precision!r} is not 1, 2 or 3")
    sub_type = get("sub_event_type") or get("event_type") or ""
    event_type = get("event_type") or ""
    place = get("location") or ""
    fields["title"] = f"{sub_type} in {place}" if place else sub_type
    fields["summary"] = get("notes") or fields["title"]
    fields["status"] = "reported"
    fields["tags"] = [tag for tag in ("acled", slug(event_type), slug(get("country") or "")) if tag]
    fields["note"] = _note(get, precision)
    if place:
        location: dict[str, Any] = {"name": place}
        country = (get("iso3") or "").upper()
        if re.fullmatch(r"[A-Z]{3}", country):
            location["country"] = country
        if get("admin1"):
            location["admin1"] = get("admin1")
        for field, column in (("lat", "latitude"), ("lon", "longitude")):
            number = coordinate(get(column), column)
            if number is not None:
                location[field] = number
        fields["location"] = location
    actors = [DraftActor(get("actor1") or "", "actor1")] if get("actor1") else []
    actors += _names(get("assoc_actor_1"), "associated-with-actor1")
    actors += [DraftActor(get("actor2") or "", "actor2")] if get("actor2") else []
    actors += _names(get("assoc_actor_2"), "associated-with-actor2")
    return Draft(
        line=line,
        fields=fields,
        type=DraftType(
            slug(sub_type, limit=40),
            sub_type,
            f"ACLED: {event_type}" if event_type else None,
            PLOVER.get(event_type.casefold()),
        ),
        actors=tuple(actors),
        sources=tuple(
            DraftSource(citation=name)
            for name in (part.strip() for part in (get("source") or "").split(";"))
            if name
        ),
        key=f"acled-{slug(event_id)}",
    )


def _day(text: str) -> date:
    """ACLED writes its dates as 2022-06-30, or 30 June 2022 in older exports."""
    try:
        if _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        day, month, year = text.split()
        return date(int(year), _MONTHS[month.casefold()], int(day))
    except (ValueError, KeyError):
        raise ValueError(f"event_date {text!r} is not a date") from None


def _names(cell: str | None, role: str) -> list[DraftActor]:
    return [DraftActor(name.strip(), role) for name in (cell or "").split(";") if name.strip()]


def _note(get: Any, precision: str) -> str:
    facts = []
    if get("fatalities"):
        facts.append(f"fatalities reported: {get('fatalities')}")
    if precision == "2":
        facts.append("the date is known to within about a week (time_precision 2)")
    for column, name in (
        ("disorder_type", "disorder type"),
        ("interaction", "interaction"),
        ("civilian_targeting", "civilian targeting"),
        ("geo_precision", "geo precision"),
        ("source_scale", "source scale"),
        ("tags", "ACLED tags"),
    ):
        if get(column):
            facts.append(f"{name}: {get(column)}")
    return "ACLED: " + "; ".join(facts) + "." if facts else ""
