"""`propgen schema`: a JSON Schema for editors, kept in the repository as propgen.schema.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from helpers import LETTER, ROOT, SAMPLES_DIR, Invoke

SAMPLES = sorted(SAMPLES_DIR.glob("*.yaml"))
COMMITTED = ROOT / "propgen.schema.json"


def as_json(value: Any) -> Any:
    """YAML data as an editor's YAML plugin hands it to the schema: dates are strings."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def load_sample(path: Path) -> Any:
    return as_json(YAML(typ="safe").load(path.read_text(encoding="utf-8")))


@pytest.fixture
def schema(invoke: Invoke) -> dict[str, Any]:
    result = invoke("schema")
    assert result.exit_code == 0, result.output
    parsed: dict[str, Any] = json.loads(result.output)
    return parsed


def test_schema_is_a_valid_json_schema(schema: dict[str, Any]) -> None:
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_samples_satisfy_the_schema(schema: dict[str, Any], sample: Path) -> None:
    errors = list(Draft202012Validator(schema).iter_errors(load_sample(sample)))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_schema_rejects_what_validate_rejects(schema: dict[str, Any]) -> None:
    validator = Draft202012Validator(schema)
    letter = load_sample(LETTER)
    assert validator.is_valid(letter)
    assert not validator.is_valid({**letter, "kind": "letter"})
    assert not validator.is_valid({**letter, "closingg": letter["closing"]})
    assert not validator.is_valid({**letter, "introduction": "plain string"})
    assert not validator.is_valid({**letter, "date": 20251212})


def test_committed_schema_is_current(invoke: Invoke) -> None:
    """propgen.schema.json is what `propgen schema -o propgen.schema.json` writes today."""
    result = invoke("schema")
    assert COMMITTED.read_text(encoding="utf-8") == result.output, (
        "propgen.schema.json is stale; run: propgen schema -o propgen.schema.json"
    )


def test_schema_to_a_file(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "propgen.schema.json"
    result = invoke("schema", "-o", target)
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8")


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_samples_point_editors_at_the_schema(sample: Path) -> None:
    first = sample.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../propgen.schema.json"


def test_schema_enumerates_the_profiles_ids(schema: dict[str, Any]) -> None:
    """Editors complete notice ids, question ids, instruments, agencies and country codes."""
    defs = schema["$defs"]
    assert defs["CommentLetter"]["properties"]["notice"]["enum"] == ["rfi-2025"]
    questions = defs["Answer"]["properties"]["question"]["enum"]
    assert questions[:5] == ["A", "A.1", "A.2", "A.3", "B"] and "I" in questions
    assert "direct_loan" in defs["SupportRequest"]["properties"]["instrument"]["enum"]
    assert "EXIM" in defs["SupportRequest"]["properties"]["agency"]["enum"]
    countries = defs["Member"]["properties"]["country"]["enum"]
    assert {"US", "KR", "GB", "SK"} <= set(countries) and "UK" not in countries
    target = defs["Target"]["properties"]
    assert target["bloc_countries"]["items"]["enum"] == countries
    assert next(o for o in target["country"]["anyOf"] if o.get("type") == "string")["enum"] \
        == countries
    validator = Draft202012Validator(schema)
    letter = load_sample(ROOT / "samples" / "letter-onnuri.yaml")
    assert not validator.is_valid({**letter, "notice": "rfi-2024"})
    assert not validator.is_valid({**letter, "commenter": {**letter["commenter"],
                                                           "country": "UK"}})


def test_schema_follows_the_profile_given(invoke: Invoke, tmp_path: Path) -> None:
    profile = ROOT / "generator" / "profiles" / "ai-exports-2026.yaml"
    text = profile.read_text("utf-8").replace("notices:\n  - id: rfi-2025\n",
                                                 "notices:\n  - id: rfi-2027\n", 1)
    mine = tmp_path / "profile.yaml"
    mine.write_text(text, "utf-8")
    result = invoke("schema", "--program", mine)
    assert result.exit_code == 0, result.output
    notice = json.loads(result.output)["$defs"]["CommentLetter"]["properties"]["notice"]
    assert notice["enum"] == ["rfi-2027"]
