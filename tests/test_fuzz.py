"""Fuzzing the way in: near-valid logs, arbitrary JSON and arbitrary bytes, through every output.

Each input goes through `tests/invariants.check_log_bytes`, the oracle shared with the atheris
harness in fuzz/: loading raises nothing but `LogError` (whose findings each say where), the fast
reader agrees with the strict one, and an accepted log renders in every format without a raw
control character on a terminal sink, a live CSV formula or markup of the log's making, and `fmt`
keeps it and is idempotent.

Bounded and derandomised, like the other property tests: a few hundred examples in all. The open
ended search is the atheris harness (fuzz/README.md).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import FIXTURES, HOSTILE, SMALL
from tests.invariants import (
    EDGE_DATES,
    EXTRA_KEYS,
    PAYLOADS,
    SPECIAL_CHARACTERS,
    check_log_bytes,
    json_paths,
)

from timeline.errors import LogError
from timeline.store import parse_log

HOSTILE_CORPUS = Path(__file__).parent / "hostile"


def fuzz_settings(examples: int) -> settings:
    """Reproducible (derandomised, no example database) and without a time limit per example."""
    return settings(
        max_examples=examples * int(os.environ.get("TIMELINE_FUZZ_SCALE", "1")),
        derandomize=os.environ.get("TIMELINE_FUZZ_SCALE") is None,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


BASES = [
    json.loads(path.read_text(encoding="utf-8"))
    for path in (SMALL, HOSTILE, FIXTURES / "everything.json")
]

ALPHABET = st.one_of(st.sampled_from(SPECIAL_CHARACTERS), st.characters())
hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(ALPHABET, max_size=30),
    st.tuples(st.sampled_from(PAYLOADS), st.text(ALPHABET, max_size=10)).map("".join),
)
# Text that is valid where the log wants prose (1 to 500 characters, no lone surrogate), so that
# mostly-valid logs are accepted and reach every renderer.
hostile_prose = hostile_text.map(lambda text: _no_surrogates(text)[:500] or "x")

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)
    ),
    max_leaves=12,
)
date_like = st.one_of(
    st.builds(
        "{:04d}{}{}".format,
        st.integers(0, 10000),
        st.sampled_from(["", "-00", "-01", "-02", "-12", "-13"]),
        st.sampled_from(["", "-00", "-01", "-28", "-29", "-30", "-31", "-32"]),
    ),
    st.sampled_from(EDGE_DATES),
    st.from_regex(r"\A[0-9-]{0,12}\Z"),
    st.from_regex(
        r"\A-?[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?\Z"
    ),
    st.from_regex(r"\AY-?[0-9]{4,13}\Z"),
)
id_like = st.one_of(
    st.sampled_from(["hanoi-2019", "HANOI-2019", "USA", "usa", "DPRK", "wire-2019-02-28", "x"]),
    st.from_regex(r"\A[a-zA-Z0-9-]{1,12}\Z"),
    hostile_text,
)

# Where free text lives in a log, as (section or None, field) pairs.
PROSE_FIELDS = {
    None: ["title", "description"],
    "actors": ["name"],
    "sources": ["publisher", "title", "note", "citation"],
    "events": ["title", "summary", "assessment", "note"],
    "types": ["label", "description"],
    "eras": ["title", "note"],
}


def _no_surrogates(text: str) -> str:
    return "".join(char for char in text if not "\ud800" <= char <= "\udfff")


def _container(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


DATE_KEYS = frozenset({"date", "end", "published"})
# Where ids live: a record's own id, and every reference to one.
ID_KEYS = frozenset({"id", "member_of", "actors", "sources", "related", "tags"})


def _mutate(document: Any, draw: st.DrawFn) -> None:
    """One change: a string, a type, a key gone or added, a date, an id or reference, a duplicate."""
    action = draw(st.sampled_from(["text", "value", "delete", "extra", "date", "id", "duplicate"]))
    paths = json_paths(document)[1:]
    if action in ("date", "id"):
        keys = DATE_KEYS if action == "date" else ID_KEYS
        paths = [path for path in paths if keys & {p for p in path if isinstance(p, str)}] or paths
    path = draw(st.sampled_from(paths))
    container, last = _container(document, path), path[-1]
    if action == "text":
        container[last] = draw(hostile_text)
    elif action == "value":
        container[last] = draw(json_values)
    elif action == "delete":
        del container[last]
    elif action == "extra" and isinstance(container, dict):
        key = draw(st.sampled_from(EXTRA_KEYS))
        container[key] = draw(json_values)
    elif action == "date":
        container[last] = draw(date_like)
    elif action == "id":
        container[last] = draw(id_like)
    elif action == "duplicate" and isinstance(container, list):
        container.append(copy.deepcopy(container[last]))


def _serialised(document: Any, draw: st.DrawFn) -> bytes:
    text = json.dumps(
        document,
        ensure_ascii=draw(st.booleans()),
        indent=draw(st.sampled_from([None, 2])),
    )
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate makes invalid UTF-8
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + data


@st.composite
def near_valid_logs(draw: st.DrawFn) -> bytes:
    document = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        _mutate(document, draw)
    return _serialised(document, draw)


@st.composite
def valid_logs_with_hostile_text(draw: st.DrawFn) -> bytes:
    document = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 6))):
        section = draw(
            st.sampled_from([name for name in PROSE_FIELDS if name in (None, *document)])
        )
        field = draw(st.sampled_from(PROSE_FIELDS[section]))
        records = [document] if section is None else document[section]
        record = draw(st.sampled_from(records))
        text = draw(hostile_prose)
        # Two actors may not share a name: each keeps its id in front, so names stay distinct.
        record[field] = f"{record['id']} {text}"[:500] if section == "actors" else text
    return _serialised(document, draw)


@st.composite
def mangled_bytes(draw: st.DrawFn) -> bytes:
    data = bytearray(json.dumps(draw(st.sampled_from(BASES))).encode())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        change = draw(st.sampled_from(["cut", "insert", "flip"]))
        if change == "cut":
            del data[at:]
        elif change == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


@fuzz_settings(100)
@given(near_valid_logs())
def test_near_valid_logs_are_rejected_cleanly_or_render_safely(data: bytes) -> None:
    check_log_bytes(data)


@fuzz_settings(40)
@given(valid_logs_with_hostile_text())
def test_hostile_text_in_every_prose_field_renders_safely_everywhere(data: bytes) -> None:
    assert check_log_bytes(data) is not None, "prose of 1 to 500 characters is valid"


@fuzz_settings(60)
@given(json_values.map(lambda value: json.dumps(value).encode()))
def test_arbitrary_json_is_rejected_cleanly_or_renders_safely(data: bytes) -> None:
    check_log_bytes(data)


@fuzz_settings(80)
@given(st.one_of(st.binary(max_size=300), mangled_bytes()))
def test_arbitrary_and_mangled_bytes_are_rejected_cleanly(data: bytes) -> None:
    check_log_bytes(data)


def _regressions() -> list[Path]:
    """Inputs that once broke a promise under fuzzing, kept in the hostile corpus."""
    table = HOSTILE_CORPUS / "cases.toml"
    if not table.exists():
        return []
    import tomllib

    cases = tomllib.loads(table.read_text(encoding="utf-8"))
    return [
        HOSTILE_CORPUS / case["file"]
        for case in cases.values()
        if case.get("class") == "fuzz-regression"
    ]


@pytest.mark.parametrize("path", _regressions(), ids=lambda path: path.name)
def test_inputs_fuzzing_once_broke_now_hold(path: Path) -> None:
    check_log_bytes(path.read_bytes())


@pytest.mark.parametrize(
    ("document", "line", "column"),
    [
        (b'{"title": "t",\n "events": [NaN]}', 2, 13),
        (b'{"note": "NaN, Infinity",\n "x": -Infinity}', 2, 7),
        (b'{"title": 1' + b"0" * 5000 + b"}", 1, 11),
    ],
    ids=["nan", "infinity-after-a-string-that-names-it", "huge-integer"],
)
def test_a_json_level_problem_names_its_line(document: bytes, line: int, column: int) -> None:
    with pytest.raises(LogError) as raised:
        parse_log(document, "gap.json")
    (finding,) = raised.value.findings
    assert (finding.line, finding.column) == (line, column), str(finding)


def test_a_duplicate_key_names_the_key_and_its_object() -> None:
    with pytest.raises(LogError) as raised:
        parse_log(b'{"events": [{"id": "a", "title": "t",\n "title": "u"}]}', "gap.json")
    (finding,) = raised.value.findings
    assert "duplicate key 'title'" in finding.message and "'a'" in finding.message


@pytest.mark.parametrize(
    "document",
    [b'{"": 1}', b'{"": "\\ud803"}'],  # the second found by the atheris harness
    ids=["unknown-field", "lone-surrogate"],
)
def test_a_problem_under_an_empty_top_level_key_is_located(document: bytes) -> None:
    with pytest.raises(LogError) as raised:
        parse_log(document, "gap.json")
    (finding,) = raised.value.findings
    assert finding.where() == "field '\"\"'", str(finding)
