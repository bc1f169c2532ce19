"""No input crashes the loader: nesting of every kind, huge numbers, tags, lone surrogates,
alias amplification, odd files, invisible text; and the same bytes under any hash seed.

Each case: its own input, exit 2 with a located message, no traceback, a time bound, and
nothing outside the output folder changed. Inputs that would kill the process (deep
nesting overflows the C stack) run in a subprocess, serial and parallel.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.errors import InputError
from generator.loader import Limits, load_submission, read_yaml
from generator.models import CommentLetter, Proposal

from helpers import BOUND, LETTER, PROFILE, PROPOSAL, assert_clean, posix_only, variant


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                if needle in line)


def run_propgen(*args: str | Path, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})


# --- nesting the parser would recurse on: refused before it sees it ----------------------

DEEP = {
    "block sequences": "kind: proposal\nx:\n" + "- " * 50_000 + "a\n",
    "block mappings": "kind: proposal\nx:\n" + "".join(f"{' ' * i}k:\n" for i in range(1, 2000)),
    "flow after an anchor": "kind: proposal\nx: &a " + "[" * 50_000 + "\n",
    "flow after a tag": "kind: proposal\nx: !!seq " + "[" * 50_000 + "\n",
    "flow mappings": "kind: proposal\nx: " + "{a: " * 50_000 + "\n",
    "mixed": "kind: proposal\nx:\n- " + "[{a: " * 20_000 + "\n",
}


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_deep_nesting_ends_with_a_message_serial_and_parallel(
    tmp_path: Path, text: str, jobs: str
) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    for number in range(5):  # enough files for --jobs 2 to start workers
        shutil.copy(LETTER, batch / f"letter{number}.yaml")
    deep = batch / "zz-deep.yaml"
    deep.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    started = time.monotonic()
    run = run_propgen("build", batch, "-o", out, "--jobs", jobs, cwd=tmp_path)
    assert time.monotonic() - started < 30  # five letters built besides
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert f"{deep}:" in run.stderr, run.stderr
    assert "nested too deeply" in run.stderr or "tags such as '!!seq'" in run.stderr
    assert len(list(out.glob("*.docx"))) == 15


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
@pytest.mark.parametrize("command", ["validate", "check"])
def test_deep_nesting_in_validate_check_and_a_profile(
    tmp_path: Path, text: str, command: str
) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text(text, encoding="utf-8")
    for args in ((deep,), ("--program", deep, LETTER)):
        started = time.monotonic()
        run = run_propgen(command, *args, cwd=tmp_path)
        assert time.monotonic() - started < BOUND * 2  # a fresh interpreter each time
        assert run.returncode == 2, run.stderr
        assert "Traceback" not in run.stderr
        assert f"{deep}:" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep.yaml"]


def test_brackets_at_the_start_of_a_continuation_line_are_text(tmp_path: Path) -> None:
    path = variant(tmp_path, PROPOSAL, "  en: Lodestar Trusted AI Stack for Southeast Asia",
                   "  en: Lodestar Trusted AI Stack\n    [1] for Southeast Asia\n"
                   "    {draft} and [[more]] {{even}} text")
    submission, _loaded = load_submission(path)
    assert isinstance(submission, Proposal)
    assert submission.title.en == ("Lodestar Trusted AI Stack [1] for Southeast Asia {draft} "
                                   "and [[more]] {{even}} text")


def test_nesting_within_the_limit_still_loads(tmp_path: Path) -> None:
    path = variant(tmp_path, PROPOSAL, "  en: Lodestar Trusted AI Stack for Southeast Asia",
                   '  en: "' + "[" * 200 + '"')
    submission, _loaded = load_submission(path)
    assert isinstance(submission, Proposal) and submission.title.en == "[" * 200


# --- numbers ----------------------------------------------------------------------------

LONG_NUMBERS = {"decimal": "9" * 5000, "negative": "-" + "9" * 5000, "hex": "0x" + "f" * 5000,
                "float": "1" * 5000 + ".5"}


@pytest.mark.parametrize("number", LONG_NUMBERS.values(), ids=LONG_NUMBERS.keys())
@pytest.mark.parametrize("command", ["validate", "check", "build"])
def test_a_number_too_long_for_python_is_refused_in_place(
    invoke: Any, tmp_path: Path, number: str, command: str
) -> None:
    path = variant(tmp_path, PROPOSAL, "us_origin_percent: 62", f"us_origin_percent: {number}")
    args = ["-o", tmp_path / "out"] if command == "build" else []
    started = time.monotonic()
    result = invoke(command, path, *args)
    assert time.monotonic() - started < BOUND
    assert_clean(result, f"{path}:{line_of(path, 'us_origin_percent')}:24:",
                 "characters long")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_number_too_long_in_a_profile(invoke: Any, tmp_path: Path) -> None:
    profile = variant(tmp_path, PROFILE, "us_content_threshold_percent: 51",
                      "us_content_threshold_percent: " + "5" * 5000, "profile.yaml")
    result = invoke("check", "--program", profile, PROPOSAL)
    assert_clean(result, f"{profile}:{line_of(profile, 'us_content_threshold')}:", "characters long")


@pytest.mark.parametrize(("old", "new", "needle"), [
    ("us_origin_percent: 62", "us_origin_percent: 150", "must be at most 100"),
    ("us_origin_percent: 62", "us_origin_percent: -1", "must be at least 0"),
    ("us_origin_percent: 62", "us_origin_percent: .nan", "us_origin_percent"),
    ("amount: 1000000000,", "amount: 1" + "0" * 30 + ",", "has more than 18 digits"),
    ("amount: 1000000000,", "amount: .inf,", "amount"),
])
def test_numbers_out_of_range_are_located(
    invoke: Any, tmp_path: Path, old: str, new: str, needle: str
) -> None:
    path = variant(tmp_path, PROPOSAL, old, new)
    result = invoke("validate", path)
    assert_clean(result, f"{path}:{line_of(path, new.split(':')[0])}:", needle)


# --- lone surrogates ---------------------------------------------------------------------

SURROGATES = [
    (PROPOSAL, "country: US", 'country: "\\udcff"'),
    (PROPOSAL, "currency: USD", 'currency: "\\udcff"'),
    (PROPOSAL, "agency: EXIM", 'agency: "\\ud800"'),
    (LETTER, "notice: rfi-2025", 'notice: "\\udcff"'),
]


@pytest.mark.parametrize(("source", "old", "new"), SURROGATES)
def test_a_lone_surrogate_is_refused_in_place_also_as_json(
    invoke: Any, tmp_path: Path, source: Path, old: str, new: str
) -> None:
    path = variant(tmp_path, source, old, new)
    line = line_of(path, new)
    assert_clean(invoke("validate", path), f"{path}:{line}:", "U+D")
    result = invoke("check", "--format", "json", path)
    assert result.exit_code == 2
    body = json.loads(result.stdout)
    [problem] = body["input_errors"]
    assert (problem["file"], problem["line"]) == (str(path), line)
    assert "U+D" in problem["message"] and problem["values"]["codepoint"].startswith("D")
    assert_clean(invoke("build", path, "-o", tmp_path / "out"), f"{path}:{line}:")


# --- tags ---------------------------------------------------------------------------------

TAGS = {
    "!!binary": ("  ko: 동남아시아를 위한 로드스타 신뢰 AI 스택", "  ko: !!binary aGVsbG8="),
    "!!set": ("providers: [lodestar, hanul, saebyeok]",
              "providers: !!set {lodestar, hanul, saebyeok}"),
    "!!omap": ("providers: [lodestar, hanul, saebyeok]", "providers: !!omap [lodestar: 1]"),
    "!!str": ("us_origin_percent: 62", "us_origin_percent: !!str 62"),
    "!!float": ("us_origin_percent: 62", "us_origin_percent: !!float 62"),
    "!": ("us_origin_percent: 62", "us_origin_percent: ! 62"),
    "!local": ("us_origin_percent: 62", "us_origin_percent: !local 62"),
}


@pytest.mark.parametrize(("tag", "edit"), TAGS.items(), ids=TAGS.keys())
def test_every_yaml_tag_is_refused_in_place(
    invoke: Any, tmp_path: Path, tag: str, edit: tuple[str, str]
) -> None:
    path = variant(tmp_path, PROPOSAL, *edit)
    line = line_of(path, edit[1].strip())
    column = path.read_text("utf-8").splitlines()[line - 1].index("!") + 1
    started = time.monotonic()
    result = invoke("validate", path)
    assert time.monotonic() - started < BOUND
    assert_clean(result, f"{path}:{line}:{column}:", f"YAML tags such as '{tag}")


# --- alias amplification -------------------------------------------------------------------


def test_aliases_of_one_long_string_are_bounded_by_expanded_size(
    invoke: Any, tmp_path: Path
) -> None:
    path = tmp_path / "amplify.yaml"
    path.write_text("kind: proposal\nbig: &b " + "x" * 1_500_000 + "\nlist:\n"
                    + "- *b\n" * 2000, encoding="utf-8")
    assert path.stat().st_size < 4 * 1024 * 1024  # under the size limit, so the file is read
    for command in ("validate", "build"):
        started = time.monotonic()
        result = invoke(command, path, *(["-o", tmp_path / "out"] if command == "build" else []))
        assert time.monotonic() - started < BOUND
        assert_clean(result, f"{path}:", "aliases in this file expand it")


def test_honest_aliases_still_load(tmp_path: Path) -> None:
    path = variant(tmp_path, PROPOSAL, "  en: Lodestar Trusted AI Stack for Southeast Asia",
                   "  en: &title Lodestar Trusted AI Stack for Southeast Asia")
    text = path.read_text("utf-8").replace(
        "  ko: 동남아시아를 위한 로드스타 신뢰 AI 스택", "  ko: *title", 1)
    path.write_text(text, encoding="utf-8")
    submission, _loaded = load_submission(path)
    assert isinstance(submission, Proposal) and submission.title.ko == submission.title.en


# --- inputs that are not regular files ------------------------------------------------------


@posix_only
def test_a_link_loop_as_input(invoke: Any, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    loop = tmp_path / "a.yaml"
    assert_clean(invoke("validate", loop), f"{loop}:1:1:", "cannot be read")
    result = invoke("build", loop, "-o", tmp_path / "out")
    assert_clean(result, f"{loop}:1:1:", "cannot be read")
    assert "cannot write" not in result.output


@posix_only
def test_a_fifo_as_input_does_not_block(invoke: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = invoke("build", fifo, "-o", tmp_path / "out")
    assert time.monotonic() - started < BOUND
    assert_clean(result, f"{fifo}:1:1:", "not a regular file")


def test_a_device_as_input(invoke: Any) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    started = time.monotonic()
    assert_clean(invoke("validate", "/dev/zero"), "/dev/zero:1:1:", "not a regular file")
    assert time.monotonic() - started < BOUND


# --- invisible text -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_placeholder_behind_a_zero_width_space(invoke: Any, tmp_path: Path, lang: str) -> None:
    path = variant(tmp_path, PROPOSAL, "  en: Lodestar Trusted AI Stack for Southeast Asia",
                   '  en: "\\u200bFILL-IN: your title"')
    result = invoke("validate", "--lang", lang, path)
    assert_clean(result, f"{path}:8:7: title.en: ")
    assert ("replace the placeholder" if lang == "en" else "FILL-IN") in result.output


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_list_placeholder_behind_a_zero_width_space(
    invoke: Any, tmp_path: Path, lang: str
) -> None:
    # TBD is one of the program check's markers (exit 1), found through the U+200B too.
    path = variant(tmp_path, PROPOSAL, "  en: Lodestar Trusted AI Stack for Southeast Asia",
                   '  en: "\\u200bTBD"')
    for command in ("check", "build"):
        extra = ("-o", tmp_path / "out") if command == "build" else ()
        result = invoke(command, "--lang", lang, path, *extra)
        assert_clean(result, f"{path}:8:7: ", "[PLACEHOLDER] title.en:", "'TBD'", code=1)
    assert not list((tmp_path / "out").glob("*.docx"))


MISSING = {"en": "the 'ko' text is missing; add it, or use --draft",
           "ko": "'ko' 텍스트가 없습니다. 추가하거나 --draft 옵션을 쓰십시오"}
INVISIBLE = ["\\u200b\\u200b", "\\u2060 \\ufeff", "\\u200d", "\\u3164", " "]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("command", ["validate", "check", "build"])
@pytest.mark.parametrize("invisible", INVISIBLE)
def test_a_title_of_invisible_characters_is_missing(
    invoke: Any, tmp_path: Path, invisible: str, command: str, lang: str
) -> None:
    # Refused while validating, at the field, like a text not given (issue #18).
    path = variant(tmp_path, PROPOSAL, "  ko: 동남아시아를 위한 로드스타 신뢰 AI 스택",
                   f'  ko: "{invisible}"')
    out = tmp_path / "out"
    extra = ("-o", out) if command == "build" else ()
    started = time.monotonic()
    result = invoke(command, "--lang", lang, path, *extra)
    assert_clean(result, f"{path}:9:7: title.ko: {MISSING[lang]}")
    assert "[TRANSLATION]" not in result.output
    assert time.monotonic() - started < BOUND
    assert not out.exists() or not list(out.glob("*.docx"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_title_of_invisible_characters_is_a_marked_gap_in_a_draft(
    invoke: Any, tmp_path: Path, lang: str
) -> None:
    # Drafts keep the marked gap of #13: a warning, and the documents are built.
    path = variant(tmp_path, PROPOSAL, "  ko: 동남아시아를 위한 로드스타 신뢰 AI 스택",
                   '  ko: "\\u200b"')
    out = tmp_path / "out"
    assert_clean(invoke("validate", "--draft", "--lang", lang, path), code=0)
    result = invoke("build", "--draft", "--lang", lang, path, "-o", out)
    assert_clean(result, f"{path}:9:7: ", "[TRANSLATION] title.ko:", code=0)
    assert list(out.glob("*.docx"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_invisible_text_in_both_languages_is_missing_in_both(
    invoke: Any, tmp_path: Path, lang: str
) -> None:
    path = variant(tmp_path, PROPOSAL, "  ko: 동남아시아를 위한 로드스타 신뢰 AI 스택",
                   '  ko: "\\u200b"')
    both = path.read_text("utf-8").replace(
        "  en: Lodestar Trusted AI Stack for Southeast Asia", '  en: "\\u200b "', 1)
    path.write_text(both, encoding="utf-8")
    missing_en = MISSING[lang].replace("'ko'", "'en'")
    for command in ("validate", "check", "build"):
        extra = ("-o", tmp_path / "out") if command == "build" else ()
        result = invoke(command, "--lang", lang, path, *extra)
        assert_clean(result, f"{path}:8:7: title.en: {missing_en}",
                     f"{path}:9:7: title.ko: {MISSING[lang]}")
    # In a draft a text must still be given in one language.
    result = invoke("validate", "--draft", "--lang", lang, path)
    assert_clean(result, f"{path}:7:1: title: ")


def test_an_id_of_invisible_characters_is_empty(tmp_path: Path) -> None:
    # Single-language texts that must not be empty (NonEmptyText) count invisible text too.
    from pydantic import TypeAdapter, ValidationError

    from generator.models import NonEmptyText

    adapter = TypeAdapter(NonEmptyText)
    assert adapter.validate_python("a\u200b") == "a\u200b"
    with pytest.raises(ValidationError, match="at least 1 character"):
        adapter.validate_python("\u200b\u2060 ")


# --- the structure fuzz: random nesting, tags, anchors and numbers into the loader --------

_scalars = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.sampled_from(["0x1F", "0o17", "1e308", "-1e308", ".nan", ".inf", "1_000", "9" * 120,
                     "-" + "9" * 4400, "null", "~", "true", "NO", "2026-02-30", "2026-06-15",
                     "'quoted'", '"\\udcff"', '"\\u200b"', "FILL-IN", "[1] x", "{draft}",
                     "proposal", "comment_letter", "US", "KR", "USD", "EXIM", "rfi-2025"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=8).map(
        lambda text: json.dumps(text)),
)
_tags = st.sampled_from(["", "", "", "!!str ", "!!int ", "!!set ", "!!binary ", "!!omap ",
                         "!local ", "! ", "!!python/object:builtins.dict "])
_keys = st.sampled_from(["kind", "title", "en", "ko", "date", "consortium", "members", "id",
                         "country", "stack", "hardware", "us_origin_percent", "amount",
                         "currency", "agency", "notice", "answers", "x"])


def _node(depth: int) -> st.SearchStrategy[str]:
    if depth <= 0:
        return _scalars
    child = _node(depth - 1)
    flow_seq = st.lists(child, max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
    flow_map = st.lists(st.tuples(_keys, child), max_size=3).map(
        lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}")
    return st.one_of(_scalars, flow_seq, flow_map)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A YAML document: block mappings and sequences, flow nodes, tags, anchors, aliases,
    odd numbers, and now and then nesting far beyond any limit."""
    lines = ["kind: " + draw(st.sampled_from(["proposal", "comment_letter", "x"]))]
    anchors: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        key = draw(_keys)
        shape = draw(st.sampled_from(["scalar", "flow", "block", "deep", "alias", "anchor"]))
        if shape == "alias" and anchors:
            lines.append(f"{key}: *{draw(st.sampled_from(anchors))}")
        elif shape == "anchor":
            name = f"a{len(anchors)}"
            anchors.append(name)
            lines.append(f"{key}: &{name} {draw(_tags)}{draw(_node(2))}")
        elif shape == "block":
            lines.append(f"{key}:")
            for item in draw(st.lists(_node(1), min_size=1, max_size=3)):
                lines.append(f"  - {draw(_tags)}{item}")
        elif shape == "deep":
            levels = draw(st.sampled_from([39, 41, 500, 20_000]))
            opener = draw(st.sampled_from(["[", "{a: ", "- "]))
            prefix = draw(st.sampled_from(["", "&d ", "!!seq ", "!!map "]))
            lines.append(f"{key}: {prefix}" + (("\n  " + opener * levels + "x") if opener == "- "
                                               else opener * levels))
        else:
            lines.append(f"{key}: {draw(_tags)}{draw(_node(2 if shape == 'flow' else 0))}")
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(text=documents())
def test_structure_fuzz_gives_a_located_error_or_a_model(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    try:
        submission, _loaded = load_submission(path)
    except InputError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file == str(path)
            assert problem.line >= 1 and problem.column >= 1
            problem.message.encode("utf-8")  # printable, also as JSON
            json.dumps(str(problem), ensure_ascii=False).encode("utf-8")
    else:
        assert isinstance(submission, Proposal | CommentLetter)
    assert time.monotonic() - started < BOUND


def test_read_yaml_refuses_before_building_deep_structures(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("- " * 200_000 + "x\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(InputError, match="nested too deeply"):
        read_yaml(path, limits=Limits(max_bytes=1 << 20))
    assert time.monotonic() - started < BOUND


# --- the same bytes under any hash seed ------------------------------------------------------


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.suffix == ".docx"}


def test_documents_are_the_same_bytes_under_any_hash_seed(tmp_path: Path) -> None:
    # A set-like input (providers listed in another order) and both samples.
    extra = tmp_path / "inputs"
    extra.mkdir()
    for sample in (PROPOSAL, LETTER):
        shutil.copy(sample, extra)
    seen = []
    for seed in ("0", "1", "4242", "123456789"):
        out = tmp_path / f"out-{seed}"
        run = subprocess.run([sys.executable, "-m", "generator", "build", str(extra), "-o",
                              str(out), "--jobs", "1"], capture_output=True, text=True,
                             timeout=120, env={**os.environ, "PYTHONHASHSEED": seed})
        assert run.returncode == 0, run.stderr
        seen.append(_digests(out))
    assert len(seen[0]) == 6
    assert all(digests == seen[0] for digests in seen[1:])


def test_a_set_cannot_reach_a_document(tmp_path: Path) -> None:
    path = variant(tmp_path, PROPOSAL, "providers: [lodestar, hanul, saebyeok]",
                   "providers: !!set {lodestar, hanul, saebyeok}")
    with pytest.raises(InputError, match="!!set"):
        load_submission(path)
    yaml = YAML(typ="safe", pure=True)
    assert isinstance(yaml.load(io.StringIO("a: !!set {x, y}"))["a"], set)  # what it would be


@pytest.mark.parametrize("text", [
    "kind: proposal\nkind: " + "[" * 39 + "\n",  # unclosed, within the nesting limit
    "kind: proposal\nx: " + "{a: " * 39 + "\n",
    'kind: proposal\nx: "never closed\n',
])
def test_unclosed_flow_or_quote_at_the_end_of_the_file(
    invoke: Any, tmp_path: Path, text: str
) -> None:
    # Found by the structure fuzz: the parser's mark lies past the last line.
    path = tmp_path / "unclosed.yaml"
    path.write_text(text, encoding="utf-8")
    assert_clean(invoke("validate", path), f"{path}:")
