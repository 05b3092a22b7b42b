"""Write a valid log of N synthetic events, the same for the same seed.

Events look like real ones in size and shape: several actors (states and their people, some with
a role), a few tags, one to three sources, partial dates at all three precisions, some spans and
approximate dates, typed relations to earlier events, a summary of a few hundred characters.

    python benchmarks/generate.py 100000 -o /tmp/log-100k.json

With `--every-feature`, the log also declares its own types and eras, and some events carry BCE
years, times with and without a zone, windows, open ends, coordinates, media and text-only
sources (the tests compare the index with the whole log on it). Without it, the log is the same
as it always was for a seed, so that timings compare across versions.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import IO

STATES = ["DPRK", "ROK", "USA", "JPN", "RUS", "CHN", "UKR", "AUS", "GBR", "FRA", "DEU", "IND"]
TYPES = [
    "summit",
    "meeting",
    "statement",
    "threat",
    "agreement",
    "weapons-test",
    "deployment",
    "exercise",
    "sanctions",
    "arms-transfer",
    "policy",
    "publication",
]
TAGS = [
    "diplomacy",
    "nuclear",
    "missiles",
    "deterrence",
    "alliance",
    "sanctions",
    "trade",
    "cyber",
    "maritime",
    "russia-dprk",
    "trilateral",
    "history",
]
ROLES = ["supplier", "recipient", "target", "host"]
RELATIONS = ["follows", "response-to", "part-of", "escalates", "context"]
WORDS = [
    "talks",
    "delegation",
    "missile",
    "launch",
    "statement",
    "ministry",
    "officials",
    "reported",
    "agreement",
    "exercise",
    "naval",
    "forces",
    "summit",
    "sanctions",
    "shipment",
    "satellite",
    "envoy",
    "council",
    "resolution",
    "border",
    "region",
    "defence",
]


def actors() -> list[dict[str, object]]:
    registry: list[dict[str, object]] = [
        {
            "id": state,
            "name": f"State {state}",
            "kind": "state",
            "aliases": [state.lower() + "-land"],
        }
        for state in STATES
    ]
    registry.append({"id": "ALLIANCE", "name": "The Alliance", "kind": "organisation"})
    registry[2]["member_of"] = ["ALLIANCE"]  # a state that belongs to an organisation
    for state in STATES:
        for number in range(3):
            registry.append(
                {
                    "id": f"{state.lower()}-official-{number}",
                    "name": f"Official {number} of {state}",
                    "kind": "person",
                    "member_of": [state],
                }
            )
    return registry


CUSTOM_TYPE = "protest"  # a type only a log's own vocabulary has
ERAS = [
    {"id": "first-era", "title": "The first era", "date": "-0500", "end": "1999-12-31"},
    {"id": "second-era", "title": "The second era", "date": "2000", "end": "2014-06"},
    {"id": "open-era", "title": "The era still going on", "date": "2014-07", "end": ".."},
]
ZONES = ["Z", "+09:00", "-05:00", "+05:45", ""]


def write_log(count: int, seed: int, stream: IO[str], *, every_feature: bool = False) -> None:
    rng = random.Random(seed)
    extra = random.Random(seed + 1) if every_feature else None  # leaves `rng`'s draws as they were
    people = [a["id"] for a in actors() if a["kind"] == "person"]
    source_count = max(1, count // 10)
    stream.write('{\n"title": "Synthetic log",\n')
    if every_feature:
        types = [{"id": name, "label": name.replace("-", " ").capitalize()} for name in TYPES]
        types.append({"id": CUSTOM_TYPE, "label": "Protest", "plover": "PROTEST"})
        stream.write(f'"types": {json.dumps(types)},\n"eras": {json.dumps(ERAS)},\n')
    stream.write('"actors": ')
    stream.write(json.dumps(actors()))
    stream.write(',\n"sources": [\n')
    for number in range(source_count):
        source: dict[str, object] = {
            "id": f"source-{number}",
            "publisher": f"Publisher {number % 50}",
            "title": f"Report number {number}",
            "url": f"https://example.org/reports/{number}",
            "published": f"{rng.randint(1990, 2026)}-{rng.randint(1, 12):02d}",
        }
        if extra is not None and extra.random() < 0.1:
            del source["url"]
            source["citation"] = f"Interview number {number}, print edition"
        stream.write(("," if number else "") + json.dumps(source) + "\n")
    stream.write('],\n"events": [\n')
    for number in range(count):
        record = event(rng, number, people, source_count)
        if extra is not None:
            add_features(extra, record)
        stream.write(("," if number else "") + json.dumps(record) + "\n")
    stream.write("]\n}\n")


def add_features(rng: random.Random, record: dict[str, object]) -> None:
    """Give some events what the format has beyond the bundled log's needs."""
    draw = rng.random()
    if draw < 0.03:  # a BCE year, or a three-digit one
        record["date"] = _year(rng.randint(-800, 900))
        record.pop("end", None)
    elif draw < 0.10:  # a time of day, in some zone or none
        date = str(record["date"])
        if len(date) == 10:
            clock = f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
            if rng.random() < 0.3:
                clock += f":{rng.randint(0, 59):02d}"
            record["date"] = date + clock + rng.choice(ZONES)
            record.pop("end", None)
    elif draw < 0.13 and "end" in record:
        record["window"] = True
    elif draw < 0.15:
        record["end"] = ".."
        record.pop("window", None)
    if rng.random() < 0.02:
        record["type"] = CUSTOM_TYPE
    if rng.random() < 0.05:
        record["location"] = {
            "name": f"Place {rng.randrange(100)}",
            "admin1": f"Province {rng.randrange(10)}",
            "lat": round(rng.uniform(-90, 90), 4),
            "lon": round(rng.uniform(-180, 180), 4),
        }
    if rng.random() < 0.02:
        record["media"] = {"url": "https://example.org/picture.jpg", "caption": "A picture"}


def _year(year: int) -> str:
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def event(rng: random.Random, number: int, people: list[str], sources: int) -> dict[str, object]:
    year, month, day = rng.randint(1990, 2026), rng.randint(1, 12), rng.randint(1, 28)
    precision = rng.random()
    date = (
        f"{year}"
        if precision < 0.1
        else f"{year}-{month:02d}"
        if precision < 0.3
        else f"{year}-{month:02d}-{day:02d}"
    )
    actor_ids = sorted(
        set(rng.sample(STATES, rng.randint(1, 3)) + rng.sample(people, rng.randint(0, 2)))
    )
    record: dict[str, object] = {
        "id": f"event-{number}",
        "title": " ".join(rng.choices(WORDS, k=rng.randint(4, 9))).capitalize(),
        "date": date,
        "type": rng.choice(TYPES),
        "actors": [
            {"id": actor, "role": rng.choice(ROLES)} if rng.random() < 0.1 else actor
            for actor in actor_ids
        ],
        "summary": " ".join(rng.choices(WORDS, k=rng.randint(35, 60))).capitalize() + ".",
        "tags": sorted(rng.sample(TAGS, rng.randint(1, 3))),
        "sources": sorted({f"source-{rng.randrange(sources)}" for _ in range(rng.randint(1, 3))}),
    }
    if precision >= 0.3 and rng.random() < 0.15:
        record["end"] = f"{year}-{month:02d}-{min(28, day + rng.randint(1, 3)):02d}"
    elif rng.random() < 0.03:
        record["end"] = str(min(2026, year + rng.randint(1, 3)))  # a span over years
    if rng.random() < 0.05:
        record["approximate"] = True
    if number and rng.random() < 0.2:
        earlier = sorted({rng.randrange(number) for _ in range(rng.randint(1, 2))})
        record["related"] = [
            {"id": f"event-{other}", "rel": rng.choice(RELATIONS)} for other in earlier
        ]
    if rng.random() < 0.5:
        record["assessment"] = (
            " ".join(rng.choices(WORDS, k=rng.randint(15, 30))).capitalize() + "."
        )
    return record


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("count", type=int, help="number of events")
    parser.add_argument(
        "--seed", type=int, default=1, help="the same seed gives the same log (default 1)"
    )
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument(
        "--every-feature", action="store_true", help="use every feature of the log format"
    )
    options = parser.parse_args()
    if options.output is None:
        write_log(options.count, options.seed, sys.stdout, every_feature=options.every_feature)
        return
    with options.output.open("w", encoding="utf-8") as stream:
        write_log(options.count, options.seed, stream, every_feature=options.every_feature)


if __name__ == "__main__":
    main()
