"""Write a valid log of N synthetic events, the same for the same seed.

Events look like real ones in size and shape: several actors (states and their people, some with
a role), a few tags, one to three sources, partial dates at all three precisions, some spans and
approximate dates, typed relations to earlier events, a summary of a few hundred characters.

    python benchmarks/generate.py 100000 -o /tmp/log-100k.json
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


def write_log(count: int, seed: int, stream: IO[str]) -> None:
    rng = random.Random(seed)
    people = [a["id"] for a in actors() if a["kind"] == "person"]
    source_count = max(1, count // 10)
    stream.write('{\n"title": "Synthetic log",\n"actors": ')
    stream.write(json.dumps(actors()))
    stream.write(',\n"sources": [\n')
    for number in range(source_count):
        source = {
            "id": f"source-{number}",
            "publisher": f"Publisher {number % 50}",
            "title": f"Report number {number}",
            "url": f"https://example.org/reports/{number}",
            "published": f"{rng.randint(1990, 2026)}-{rng.randint(1, 12):02d}",
        }
        stream.write(("," if number else "") + json.dumps(source) + "\n")
    stream.write('],\n"events": [\n')
    for number in range(count):
        stream.write(
            ("," if number else "") + json.dumps(event(rng, number, people, source_count)) + "\n"
        )
    stream.write("]\n}\n")


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
    options = parser.parse_args()
    if options.output is None:
        write_log(options.count, options.seed, sys.stdout)
        return
    with options.output.open("w", encoding="utf-8") as stream:
        write_log(options.count, options.seed, stream)


if __name__ == "__main__":
    main()
