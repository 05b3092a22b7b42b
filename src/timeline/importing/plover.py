"""PLOVER-coded event records (a JSON array or JSON Lines), such as PLOVER's gold-standard records.

- The id is the record's `id` as a slug; a `DOCUMENT` record documents the file and is skipped.
- `date` is taken as the record gives it (the gold-standard records all carry the placeholder
  2000-01-01: what the file says, not a date anyone knows).
- The type is the `event` category; categories of earlier PLOVER drafts are mapped to today's
  sixteen for the PLOVER field (DEMAND to REQUEST, DISAPPROVE and INVESTIGATE to ACCUSE, FIGHT
  to ASSAULT) and keep their own name as the type.
- `source` and `target` actors keep those roles. An actor with a `code` (ISO 3166 or CAMEO) and a
  `sector` (GOV, MIL, ...) is that sector of that state (`HUN-GOV`, a member of `HUN`); with a
  code alone, the code is the actor; with neither, its text names it.
- `text` is the summary and its first sentence the title; `context` and `mode` are tags; the
  `publication` is a text citation; the rest (event text, size, casualties, place) is the note.
"""

from __future__ import annotations

import json
import re
from typing import Any

from timeline.importing import Draft, DraftActor, DraftSource, DraftType, Note, Options, Reading
from timeline.importing.text import decode
from timeline.importing.timelinejs import first_sentence
from timeline.model import PLOVER_CATEGORIES
from timeline.slugs import slug

EARLIER = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
_DAY = re.compile(r"-?\d{4}(-\d{2}(-\d{2})?)?")


def read(data: bytes, label: str, options: Options) -> Reading:
    text = decode(data)
    notes: list[Note] = []
    items: list[tuple[int, Any]] = []
    unit = "record"
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError:
        loaded = None
        unit = "line"
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    items.append((number, json.loads(line)))
                except json.JSONDecodeError as error:
                    notes.append(Note(number, f"not JSON: {error.msg}"))
    if isinstance(loaded, dict):
        loaded = loaded.get("events", [loaded])
    if isinstance(loaded, list):
        items = list(enumerate(loaded, start=1))
    drafts: list[Draft] = []
    for number, record in items:
        if not isinstance(record, dict):
            notes.append(Note(number, "a record that is not an object"))
        elif str(record.get("event", "")).upper() == "DOCUMENT":
            notes.append(Note(number, "a DOCUMENT record documents the file", skipped=True))
        else:
            try:
                drafts.append(_event(number, record))
            except ValueError as error:
                notes.append(Note(number, str(error)))
    return Reading(drafts, notes, [], unit=unit)


def _event(number: int, record: dict[str, Any]) -> Draft:
    category = str(record.get("event") or "").strip().upper()
    if not category:
        raise ValueError("no event category")
    plover = EARLIER.get(category, category)
    date = str(record.get("date") or "").strip()[:10]
    if not _DAY.fullmatch(date):
        raise ValueError(f"date {record.get('date')!r} is not a date")
    sentence = " ".join(str(record.get("text") or "").split())
    event_text = " ".join(str(record.get("eventText") or "").split())
    title = first_sentence(sentence) if sentence else f"{category.capitalize()}: {event_text}"
    fields: dict[str, Any] = {
        "title": title,
        "date": date,
        "summary": sentence or title,
        "status": "reported",
        "tags": [
            tag
            for tag in (
                "plover",
                *(slug(str(record.get(key) or "")) for key in ("context", "mode")),
            )
            if tag
        ],
        "note": _note(record, category, event_text),
    }
    place = record.get("eventLoc")
    if isinstance(place, dict) and str(place.get("name") or "").strip():
        fields["location"] = {"name": " ".join(str(place["name"]).split())}
    actors = [*_actors(record.get("source"), "source"), *_actors(record.get("target"), "target")]
    publication = " ".join(str(record.get("publication") or "").split())
    return Draft(
        line=number,
        fields=fields,
        type=DraftType(
            slug(category),
            category.capitalize(),
            f"PLOVER {category}" + (f" ({plover} in PLOVER 2021)" if plover != category else ""),
            plover if plover in PLOVER_CATEGORIES else None,
        ),
        actors=tuple(actors),
        sources=(DraftSource(citation=publication),) if publication else (),
        key=slug(str(record.get("id") or ""), limit=80) or None,
    )


def _actors(value: Any, role: str) -> list[DraftActor]:
    found = []
    for item in value if isinstance(value, list) else [value] if value else []:
        if isinstance(item, str):
            if item.strip():
                found.append(DraftActor(item.strip(), role))
            continue
        if not isinstance(item, dict):
            continue
        text = " ".join(str(item.get("actorText") or "").split())
        code = str(item.get("code") or "").strip().upper()
        sector = str(item.get("sector") or "").strip().upper()
        if code and sector:
            found.append(
                DraftActor(text or f"{code} {sector}", role, f"{code}-{sector}", member_of=code)
            )
        elif code:
            kind = "state" if re.fullmatch(r"[A-Z]{3}", code) else "organisation"
            found.append(DraftActor(text or code, role, code, kind=kind))
        elif text:
            found.append(DraftActor(text, role))
    return found


def _note(record: dict[str, Any], category: str, event_text: str) -> str:
    facts = [f"event {category}"]
    if event_text:
        facts.append(f"event text '{event_text}'")
    for key in ("mode", "context", "size", "dead", "injured", "comment"):
        value = " ".join(str(record.get(key) or "").split())
        if value:
            facts.append(f"{key} {value}")
    place = record.get("eventLoc")
    if isinstance(place, dict) and place.get("country code"):
        facts.append(f"place country code {place['country code']}")
    return "PLOVER: " + "; ".join(facts) + "."
