"""`propgen init`: starter files that fail until every FILL-IN is replaced, then validate.

The placeholder scheme: every value a team must supply is a string starting with `FILL-IN`
(optionally followed by `: a hint`), and no such string passes validation. Optional fields
are commented-out lines `# field: ...` that validate once uncommented and filled.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from generator.errors import UserError
from generator.models import SUBMISSION_ADAPTER
from generator.starters import PLACEHOLDER, StarterError, starter_text, write_starter

from helpers import Invoke

KINDS = {"proposal": "proposal", "letter": "comment_letter"}

# What a team would write for each placeholder, by the key the value sits under.
FILL: dict[str, Any] = {
    "en": "English text",
    "ko": "한국어 글",
    "date": "2026-06-15",
    "country": "KR",
    "headquarters": "KR",
    "controlled_from": "US",
    "bloc_countries": "PH",
    "currency": "USD",
    "amount": 1_500_000,
    "us_origin_percent": 62,
    "instrument": "direct_loan",
    "agency": "EXIM",
    "email": "contact@example.com",
    "phone": "+82 2 555 0100",
    "website": "www.example.com",
    "reference": "REF-2026-01",
    "reason": "Checked against the notice.",
}
MEMBER_REFS = {"providers", "manufacturers", "build", "own", "operate", "member"}
QUESTIONS = ("A.1", "C", "B.1")

# A commented-out field: "# key: ..." or "# - key: ..." at any indentation.
OPTIONAL_LINE = re.compile(r"^(\s*)# (\s*(?:- )?[a-z_]+:(?:\s.*)?)$")


def uncomment_optional(text: str) -> str:
    return "\n".join(OPTIONAL_LINE.sub(r"\1\2", line) for line in text.splitlines()) + "\n"


def fill_placeholders(text: str) -> str:
    """Replace every FILL-IN value according to the key it sits under."""
    yaml = YAML(typ="rt")
    data = yaml.load(text)
    counters = {"id": 0, "question": 0}

    def value_for(key: str) -> Any:
        if key == "id":
            counters["id"] += 1
            return f"member-{counters['id']}"
        if key in MEMBER_REFS:
            return "member-1"
        if key == "question":
            counters["question"] += 1
            return QUESTIONS[counters["question"] - 1]
        return FILL[key]

    def walk(node: Any, key: str) -> None:
        items: Iterator[tuple[Any, Any]]
        if isinstance(node, dict):
            items = iter(list(node.items()))
        elif isinstance(node, list):
            items = iter(list(enumerate(node)))
        else:
            return
        for child_key, child in items:
            name = child_key if isinstance(child_key, str) else key
            if isinstance(child, str) and child.startswith(PLACEHOLDER):
                node[child_key] = value_for(name)
            else:
                walk(child, name)

    walk(data, "")
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def field_names(kind: str) -> set[str]:
    """Every property name a submission of `kind` can hold, from the JSON Schema."""
    schema = SUBMISSION_ADAPTER.json_schema()
    defs = schema["$defs"]
    names: set[str] = set()
    seen: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    visit(defs[name])
            for key, value in node.get("properties", {}).items():
                names.add(key)
                visit(value)
            for key, value in node.items():
                if key != "properties":
                    visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    model = "Proposal" if kind == "proposal" else "CommentLetter"
    seen.add(model)
    visit(defs[model])
    return names


def keys_in(text: str) -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                found.add(key)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(YAML(typ="safe").load(text))
    return found


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_init_writes_the_starter(invoke: Invoke, kind: str) -> None:
    result = invoke("init", kind, "new.yaml")
    assert result.exit_code == 0, result.output
    assert result.output == "wrote new.yaml\n"
    text = Path("new.yaml").read_text(encoding="utf-8")
    assert text == starter_text(kind)
    assert text.startswith("# yaml-language-server: $schema=propgen.schema.json\n")
    assert f"\nkind: {KINDS[kind]}\n" in text


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_starter_fails_as_is_at_every_placeholder(invoke: Invoke, kind: str) -> None:
    invoke("init", kind, "new.yaml")
    result = invoke("validate", "new.yaml")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    reported = {int(line.split(":")[1]) for line in result.output.splitlines()}
    lines = Path("new.yaml").read_text(encoding="utf-8").splitlines()
    placeholders = {
        # A block scalar (`|-`) is located at its indicator, the line before its text.
        number - 1 if lines[number - 2].rstrip().endswith(("|-", ">-")) else number
        for number, line in enumerate(lines, start=1)
        if PLACEHOLDER in line and not line.lstrip().startswith("#")
    }
    assert placeholders and reported == placeholders


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_starter_validates_once_filled(invoke: Invoke, kind: str) -> None:
    filled = fill_placeholders(starter_text(kind))
    left = [x for x in filled.splitlines() if PLACEHOLDER in x and not x.lstrip().startswith("#")]
    assert not left
    Path("filled.yaml").write_text(filled, encoding="utf-8")
    result = invoke("validate", "filled.yaml")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_optional_fields_validate_once_uncommented(invoke: Invoke, kind: str) -> None:
    text = uncomment_optional(starter_text(kind))
    Path("full.yaml").write_text(fill_placeholders(text), encoding="utf-8")
    result = invoke("validate", "full.yaml")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_starter_covers_every_field(kind: str) -> None:
    text = uncomment_optional(starter_text(kind))
    assert field_names(kind) <= keys_in(text)
    # Without the optional lines the starter is smaller: optional fields are commented out.
    assert keys_in(starter_text(kind)) < keys_in(text)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_comments_come_in_english_korean_pairs(kind: str) -> None:
    hangul = re.compile("[\uac00-\ud7a3]")
    comments = [
        line.strip()[2:]
        for line in starter_text(kind).splitlines()[1:]
        if line.strip().startswith("# ") and not OPTIONAL_LINE.match(line)
    ]
    assert len(comments) % 2 == 0 and len(comments) > 20
    for english, korean in zip(comments[::2], comments[1::2], strict=True):
        assert not hangul.search(english), english
        assert hangul.search(korean), (english, korean)


def test_init_refuses_to_overwrite(invoke: Invoke) -> None:
    Path("mine.yaml").write_text("kind: proposal\n", encoding="utf-8")
    result = invoke("init", "letter", "mine.yaml")
    assert result.exit_code == 2
    assert result.output == "mine.yaml exists; use --force to overwrite\n"
    assert Path("mine.yaml").read_text(encoding="utf-8") == "kind: proposal\n"

    result = invoke("init", "letter", "mine.yaml", "--force")
    assert result.exit_code == 0, result.output
    assert Path("mine.yaml").read_text(encoding="utf-8") == starter_text("letter")


def test_init_refusal_in_korean(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    Path("mine.yaml").write_text("", encoding="utf-8")
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    result = invoke("init", "proposal", "mine.yaml")
    assert result.exit_code == 2
    assert result.output == "mine.yaml 파일이 이미 있습니다. 덮어쓰려면 --force를 쓰십시오\n"


def test_write_starter_library(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "p.yaml"
    write_starter("proposal", target)
    assert target.read_text(encoding="utf-8") == starter_text("proposal")
    with pytest.raises(StarterError) as caught:
        write_starter("proposal", target)
    assert isinstance(caught.value, UserError)
    assert str(caught.value) == f"{target} exists; use --force to overwrite"
    write_starter("letter", target, force=True)
    assert target.read_text(encoding="utf-8") == starter_text("letter")
    with pytest.raises(StarterError, match="is a folder"):
        write_starter("letter", tmp_path, force=True)
    with pytest.raises(StarterError, match="not a kind of starter"):
        write_starter("memo", tmp_path / "m.yaml")
    assert not list(tmp_path.glob("**/.*.tmp"))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_filled_starter_meets_the_program_rules(invoke: Invoke, kind: str) -> None:
    """A realistic skeleton: once filled, `propgen check` finds no error (warnings may stay)."""
    Path("filled.yaml").write_text(fill_placeholders(starter_text(kind)), encoding="utf-8")
    result = invoke("check", "filled.yaml")
    assert result.exit_code == 0, result.output
    assert " error " not in result.output


def test_letter_starter_says_the_doubled_docket_id_is_the_notices_own() -> None:
    """A writer meets "ITA-ITA-2025-0070" in the starter and would "fix" it: the comment at
    the notice says why it stays, with the ids the profile holds (so it cannot go stale)."""
    from generator.loader import load_profile

    notice = load_profile().notice("rfi-2025")
    head = starter_text("letter").split("\nnotice: rfi-2025\n")[0]
    comment = " ".join(line.strip("# ") for line in head.splitlines()[-10:])
    notice_id, agency_id = notice.docket_ids
    assert "is not a typo: the notice itself prints" in comment
    assert f'"docket number {notice_id}"' in comment and f'"{agency_id}"' in comment
    assert f"Regulations.gov lists the comments under {notice.regulations_gov_docket} " \
           "(reported, not verified)" in comment
    assert "오타가 아닙니다" in comment and "미검증" in comment
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    letter_part = readme[readme.index("A **comment letter** has"):readme.index("**Confidential")]
    words = " ".join(letter_part.split())
    assert f'the notice itself says "Regulations.gov docket number {notice_id}"' in words
    assert f"Regulations.gov lists the comments under {notice.regulations_gov_docket} " \
           "(reported" in words
