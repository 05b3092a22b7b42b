"""`timeline schema` says what `validate` says, as far as a JSON Schema can say it.

Checked with the `jsonschema` library (Python's `re` for patterns, as most tools that are not
browsers use) on the bundled log, generated logs, every case of the hostile corpus and logs
mutated at random:

- whatever the Pydantic schema (the reference) accepts, the JSON Schema accepts;
- whatever it refuses, the JSON Schema refuses too, unless every reason is one JSON Schema
  cannot express: an impossible date (2023-02-30), an end before its date. References between
  records (unknown actors, duplicate ids) are checked after the schema, by `validate` alone.
"""

from __future__ import annotations

import copy
import json
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from benchmarks.generate import write_log as write_synthetic_log
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from tests.test_properties import JSON_VALUES, logs

from timeline import schema
from timeline.store import bundled_log_path, parse_json

HOSTILE = Path(__file__).parent / "hostile"
# What the Pydantic models check in Python that a JSON Schema has no words for.
BEYOND_JSON_SCHEMA = frozenset({"partial_date", "end_before_date"})


@cache
def validator() -> jsonschema.protocols.Validator:
    document = schema.json_schema()
    cls = jsonschema.validators.validator_for(document)
    cls.check_schema(document)
    return cls(document)  # type: ignore[no-any-return]


def agree(document: Any) -> None:
    """The JSON Schema and the Pydantic schema come to the same verdict on `document`."""
    by_schema = sorted(validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    try:
        schema.LogModel.model_validate(copy.deepcopy(document))
    except ValidationError as error:
        kinds = {detail["type"] for detail in error.errors()}
        if not kinds <= BEYOND_JSON_SCHEMA:
            assert by_schema, f"the JSON Schema accepts what validate refuses: {error}"
        return
    assert not by_schema, f"the JSON Schema refuses a valid log: {by_schema[0].message}"


def test_the_bundled_log_is_valid_by_its_own_schema() -> None:
    document = json.loads(bundled_log_path().read_text(encoding="utf-8"))
    errors = list(validator().iter_errors(document))
    assert errors == []
    assert document["$schema"] == "events.schema.json"


def test_bare_actor_ids_and_objects_with_roles_are_both_allowed() -> None:
    document = json.loads(bundled_log_path().read_text(encoding="utf-8"))
    refs = [ref for event in document["events"] for ref in event["actors"]]
    assert any(isinstance(ref, str) for ref in refs)
    assert any(isinstance(ref, dict) for ref in refs)
    agree(document)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_logs_are_valid(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "log.json"
    with path.open("w", encoding="utf-8") as stream:
        write_synthetic_log(300, seed, stream)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert list(validator().iter_errors(document)) == []


def _hostile_documents() -> list[tuple[str, Any]]:
    cases = tomllib.loads((HOSTILE / "cases.toml").read_text(encoding="utf-8"))
    found = []
    for name, case in cases.items():
        if "file" not in case or not case["file"].endswith(".json"):
            continue
        try:
            found.append((name, parse_json((HOSTILE / case["file"]).read_bytes(), name)))
        except Exception:  # not JSON at all: nothing for a JSON Schema to say
            continue
    return found


@pytest.mark.parametrize(("name", "document"), _hostile_documents(), ids=lambda v: str(v)[:40])
def test_every_hostile_case_gets_the_same_verdict(name: str, document: Any) -> None:
    agree(document)


@pytest.mark.parametrize(
    "value", ["hanoi-2019\n", "Hanoi-2019", "-x", "", "a" * 101, "x\u0301", "x y"]
)
def test_a_slug_the_log_refuses_is_refused_by_the_schema_too(value: str) -> None:
    document = json.loads(bundled_log_path().read_text(encoding="utf-8"))
    document["events"][0]["id"] = value
    agree(document)
    assert list(validator().iter_errors(document))


@settings(max_examples=150, deadline=None)
@given(logs(), st.data())
def test_mutated_logs_get_the_same_verdict(raw: dict[str, Any], data: st.DataObject) -> None:
    document = json.loads(json.dumps(raw))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(document)
        path = data.draw(st.sampled_from(paths))
        *parents, last = path
        container = document
        for step in parents:
            container = container[step]
        container[last] = copy.deepcopy(data.draw(JSON_VALUES))
    agree(document)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found
