"""Coverage-guided fuzzing of `timeline` with atheris: bytes -> parse_log -> every renderer.

Each input is checked by `tests/invariants.check_log_bytes`, the oracle tests/test_fuzz.py uses:
loading raises nothing but `LogError`, whose findings each say where; an accepted log renders in
every format with no raw control character on a terminal sink, no live CSV formula, no markup of
the log's making; `fmt` keeps it and is idempotent. Anything else is a crash, and libFuzzer saves
the input as crash-<sha1>.

Half of the mutations are libFuzzer's own (bytes); the other half parse the input as JSON and
change one thing in it (a string for hostile text, a value for another type, a key removed or
added, a date, an id, a duplicated record), so that the search reaches the renderers and not
only the JSON parser. See fuzz/README.md for how to run it.
"""

from __future__ import annotations

import copy
import json
import os
import pkgutil
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Output laid out as in the tests: no colour, a fixed width, never a terminal unless forced.
os.environ.update({"NO_COLOR": "1", "COLUMNS": "100"})
for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "TIMELINE_DEBUG"):
    os.environ.pop(name, None)

import atheris  # noqa: E402  (after the environment is set)

with atheris.instrument_imports(include=["timeline"]):
    import timeline

    # Renderers are imported when first used; import them all now, so that all are instrumented.
    for module in pkgutil.walk_packages(timeline.__path__, "timeline."):
        if not module.name.startswith(("timeline.cli", "timeline.__main__")):
            __import__(module.name)

from tests.invariants import (  # noqa: E402
    EDGE_DATES,
    EXTRA_KEYS,
    PAYLOADS,
    SPECIAL_CHARACTERS,
    check_log_bytes,
    json_paths,
)

DATE_KEYS = frozenset({"date", "end", "published"})
ID_KEYS = frozenset({"id", "member_of", "actors", "sources", "related", "tags"})
IDS = ["hanoi-2019", "HANOI-2019", "USA", "usa", "DPRK", "x", "a--b", "-a", "é"]


def test_one_input(data: bytes) -> None:
    check_log_bytes(data)


def mutate(data: bytes, max_size: int, seed: int) -> bytes:
    """A structural change to a JSON input half the time; libFuzzer's byte mutations otherwise."""
    chance = random.Random(seed)
    if chance.random() < 0.5:
        try:
            document = json.loads(data)
        except (ValueError, RecursionError):
            document = None
        if isinstance(document, dict | list) and document:
            for _ in range(chance.randint(1, 3)):
                _change_one_thing(document, chance)
            text = json.dumps(document, ensure_ascii=chance.random() < 0.3)
            mutated = text.encode("utf-8", "surrogatepass")
            if len(mutated) <= max_size:
                return mutated
    return bytes(atheris.Mutate(data, max_size))


def _change_one_thing(document: Any, chance: random.Random) -> None:
    paths = json_paths(document)[1:]
    if not paths:
        return
    action = chance.choice(["text", "value", "delete", "extra", "date", "id", "duplicate"])
    if action in ("date", "id"):
        keys = DATE_KEYS if action == "date" else ID_KEYS
        paths = [path for path in paths if keys & {p for p in path if isinstance(p, str)}] or paths
    path = chance.choice(paths)
    container = document
    for step in path[:-1]:
        container = container[step]
    last = path[-1]
    if action == "text":
        container[last] = _hostile_text(chance)
    elif action == "value":
        container[last] = _json_value(chance, depth=2)
    elif action == "delete":
        del container[last]
    elif action == "extra" and isinstance(container, dict):
        key = chance.choice(EXTRA_KEYS)
        container[key] = _json_value(chance, depth=1)
    elif action == "date":
        container[last] = chance.choice(
            [
                *EDGE_DATES,
                f"{chance.randint(0, 10000):04d}-{chance.randint(0, 13):02d}",
                f"-{chance.randint(0, 9999):04d}-{chance.randint(0, 13):02d}-{chance.randint(0, 32):02d}"
                f"T{chance.randint(0, 25):02d}:{chance.randint(0, 61):02d}"
                f"{chance.choice(['', 'Z', '+09:00', '-25:00', '+05:61'])}",
                f"{chance.randint(0, 10000):04d}-{chance.randint(0, 13):02d}-{chance.randint(0, 32):02d}",
            ]
        )
    elif action == "id":
        container[last] = chance.choice([*IDS, _hostile_text(chance)])
    elif action == "duplicate" and isinstance(container, list):
        container.append(copy.deepcopy(container[last]))


def _hostile_text(chance: random.Random) -> str:
    pieces = [chance.choice(PAYLOADS) if chance.random() < 0.5 else ""]
    for _ in range(chance.randint(0, 8)):
        if chance.random() < 0.5:
            pieces.append(chance.choice(SPECIAL_CHARACTERS))
        else:
            pieces.append(
                chr(chance.choice([chance.randint(0x20, 0x7E), chance.randint(0, 0x10FFFF)]))
            )
    return "".join(pieces)


def _json_value(chance: random.Random, depth: int) -> Any:
    kind = chance.randint(0, 7 if depth > 0 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return chance.random() < 0.5
    if kind == 2:
        return chance.choice([0, -1, 1, 2**53, 10**30, 1.5, -0.0, 1e308])
    if kind in (3, 4, 5):
        return _hostile_text(chance)
    if kind == 6:
        return [_json_value(chance, depth - 1) for _ in range(chance.randint(0, 3))]
    return {
        _hostile_text(chance): _json_value(chance, depth - 1) for _ in range(chance.randint(0, 3))
    }


def main() -> None:
    atheris.Setup(sys.argv, test_one_input, custom_mutator=mutate)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
