"""Program checks: one sample per rule that breaks only that rule, and the matrix annex."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from generator.build import BuildOptions, build_files
from generator.cli import cli

from helpers import LETTER, PROFILE, PROPOSAL, Invoke


def run_check(*args: str) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(cli, ["check", "--format", "json", *args])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.output)["findings"]


def mutate(tmp_path: Path, source: Path, old: str, new: str, name: str = "case.yaml") -> Path:
    text = source.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {source.name}"
    target = tmp_path / name
    target.write_text(text.replace(old, new), "utf-8")
    return target


def line_of(path: Path, marker: str) -> int:
    """Line of the first line holding `marker`; `LAST:marker` for the last one."""
    last = marker.startswith("LAST:")
    marker = marker.removeprefix("LAST:")
    numbers = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
               if marker in line]
    assert numbers, f"{marker!r} not in {path}"
    return numbers[-1] if last else numbers[0]


def test_shipped_samples_have_no_errors() -> None:
    code, findings = run_check(str(PROPOSAL), str(LETTER))
    assert code == 0
    assert not [f for f in findings if f["severity"] == "error"]
    assert not [f for f in findings if f["file"] == str(PROPOSAL)]


LETTER_BASELINE = {"SECTION-TITLE"}

# (case, sample, old text, new text, rule, severity, line marker in the mutated file)
CASES = [
    ("duplicate member id", PROPOSAL, "    - id: prairie\n",
     "    - id: hanul\n      name: {en: Hanul Two, ko: 한울투}\n      role: member\n"
     "      country: KR\n      headquarters: KR\n      controlled_from: KR\n"
     "      contribution: {en: Memory, ko: 메모리}\n    - id: prairie\n",
     "MEMBER-ID-UNIQUE", "error", "LAST:- id: hanul"),
    ("no anchor", PROPOSAL, "      role: anchor\n", "      role: member\n",
     "ANCHOR-MEMBER", "error", "  members:"),
    ("provider outside the consortium", PROPOSAL, "    providers: [prairie]\n",
     "    providers: [nobody]\n", "STACK-LAYER", "error", "providers: [nobody]"),
    ("business model names a stranger", PROPOSAL, "    build: [lodestar]\n",
     "    build: [acme]\n", "MEMBER-REF", "error", "build: [acme]"),
    ("no U.S. manufacturing statement", PROPOSAL,
     "    us_manufacturing:\n      en: >-\n        Servers are assembled and tested in Austin, "
     "Texas. HBM stacks are finished in Arizona\n        and accelerators are packaged in Ohio; "
     "memory wafers are made in Korea.\n      ko: >-\n        서버는 텍사스주 오스틴에서 조립·시험하고, "
     "HBM 적층은 애리조나에서, 가속기 패키징은\n        오하이오에서 수행합니다. 메모리 웨이퍼는 한국에서 "
     "생산합니다.\n", "", "US-MANUFACTURING", "error", "  hardware:"),
    ("no U.S.-origin share", PROPOSAL, "    us_origin_percent: 62\n", "",
     "US-CONTENT", "error", "  hardware:"),
    ("U.S.-origin share under the threshold", PROPOSAL, "    us_origin_percent: 62\n",
     "    us_origin_percent: 40\n", "US-CONTENT", "warning", "us_origin_percent: 40"),
    ("member controlled from a country of concern", PROPOSAL,
     "      country: KR\n      headquarters: KR\n      controlled_from: KR\n      contribution:\n"
     "        en: Advanced packaging",
     "      country: KR\n      headquarters: KR\n      controlled_from: HK\n      contribution:\n"
     "        en: Advanced packaging", "COUNTRY-OF-CONCERN", "error", "controlled_from: HK"),
    ("software provider based in a restricted country", PROPOSAL,
     "    - id: prairie\n      name: {en: \"Prairie Data Labs LLC\", ko: 프레리 데이터 랩스}\n"
     "      role: member\n      country: US\n      headquarters: US\n",
     "    - id: prairie\n      name: {en: \"Prairie Data Labs LLC\", ko: 프레리 데이터 랩스}\n"
     "      role: member\n      country: US\n      headquarters: RU\n",
     "SOFTWARE-PROVIDER-COUNTRY", "warning", "providers: [prairie]"),
    ("target without rationale", PROPOSAL,
     "  - country: ID\n    rationale:\n      en: Largest digital economy in ASEAN, with public "
     "hospitals seeking clinical AI.\n      ko: 아세안 최대의 디지털 경제로, 공공병원이 임상 AI 도입을 "
     "추진하고 있습니다.\n", "  - country: ID\n", "TARGETS", "error", "- country: ID"),
    ("target needing an export-control look", PROPOSAL, "    bloc_countries: [PH, MY, TH]\n",
     "    bloc_countries: [PH, MY, MO]\n", "TARGET-EXPORT-CONTROL", "warning",
     "bloc_countries: [PH, MY, MO]"),
    ("nobody operates the data centers", PROPOSAL, "    operate: [lodestar, bulwark]\n", "",
     "BUSINESS-MODEL", "error", "  data_centers:"),
    ("loan without an amount", PROPOSAL,
     "    agency: EXIM\n    amount: {amount: 1000000000, currency: USD}\n",
     "    agency: EXIM\n", "FEDERAL-SUPPORT", "error", "- instrument: direct_loan"),
    ("instrument from the wrong agency", PROPOSAL, "    agency: EXIM\n", "    agency: DFC\n",
     "FEDERAL-SUPPORT", "warning", "agency: DFC"),
    ("no outbound-investment statement", PROPOSAL,
     "  outbound_investment:\n    en: >-\n      No member invests in covered foreign persons in "
     "countries of concern, as defined under\n      the outbound investment rules (31 CFR Part "
     "850).\n    ko: >-\n      어떤 참여 기업도 대외 투자 규정(31 CFR Part 850)이 정하는 우려 국가의 "
     "대상 외국인에 투자하지\n      않습니다.\n", "", "COMPLIANCE", "error", "compliance:"),
    ("missing Korean text", PROPOSAL,
     "  name:\n    en: Lodestar Trusted AI Consortium\n    ko: 로드스타 신뢰 AI 컨소시엄\n",
     "  name:\n    en: Lodestar Trusted AI Consortium\n", "TRANSLATION", "error",
     "  name:"),
    ("proposal dated after the call closed", PROPOSAL, "date: 2026-06-15\n",
     "date: 2026-07-15\n", "CALL-WINDOW", "warning", "date: 2026-07-15"),
    ("unknown question", LETTER, "  - question: B.1\n", "  - question: B.7\n",
     "QUESTION-ID", "error", "question: B.7"),
    ("question answered twice", LETTER, "  - question: A.2\n", "  - question: A.1\n",
     "QUESTION-ONCE", "error", "LAST:- question: A.1"),
    ("letter after the deadline", LETTER, "date: 2025-12-12\n", "date: 2025-12-20\n",
     "NOTICE-DEADLINE", "warning", "date: 2025-12-20"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_each_rule(tmp_path: Path, case: tuple) -> None:
    _name, source, old, new, rule, severity, marker = case
    path = mutate(tmp_path, source, old, new)
    code, findings = run_check(str(path))
    rules = {f["rule"] for f in findings}
    baseline = LETTER_BASELINE if source == LETTER else set()
    assert rules - baseline == {rule}, findings
    hits = [f for f in findings if f["rule"] == rule]
    assert all(f["severity"] == severity for f in hits)
    lines = [f["line"] for f in hits]
    expected = line_of(path, marker)
    assert expected in lines, (lines, expected)
    assert code == (1 if severity == "error" else 0)
    assert all(f["citation"] or rule in {"MEMBER-REF", "MEMBER-ID-UNIQUE", "QUESTION-ONCE",
                                         "TRANSLATION"} for f in hits)


def test_missing_translation_is_a_warning_in_drafts(tmp_path: Path) -> None:
    path = mutate(tmp_path, PROPOSAL,
                  "  name:\n    en: Lodestar Trusted AI Consortium\n    ko: 로드스타 신뢰 AI 컨소시엄\n",
                  "  name:\n    en: Lodestar Trusted AI Consortium\n")
    code, findings = run_check("--draft", str(path))
    assert code == 0
    assert [f["severity"] for f in findings] == ["warning"]
    assert findings[0]["path"] == "consortium.name.ko"


def test_text_format_names_rule_place_and_citation(tmp_path: Path) -> None:
    path = mutate(tmp_path, PROPOSAL, "    us_origin_percent: 62\n", "    us_origin_percent: 40\n")
    result = CliRunner().invoke(cli, ["check", str(path)])
    line = line_of(path, "us_origin_percent: 40")
    assert (f"{path}:{line}:24: warning [US-CONTENT] stack.hardware.us_origin_percent: "
            "U.S.-origin content is 40%") in result.output
    assert "(2026 call (FR Doc. 2026-06952))" in result.output
    korean = CliRunner().invoke(cli, ["check", "--lang", "ko", str(path)])
    assert "[US-CONTENT]" in korean.output and "미국산 부품 비중" in korean.output


def test_one_response_per_institution(tmp_path: Path) -> None:
    second = tmp_path / "again.yaml"
    second.write_text(LETTER.read_text("utf-8"), "utf-8")
    code, findings = run_check(str(LETTER), str(second))
    hits = [f for f in findings if f["rule"] == "ONE-RESPONSE"]
    assert len(hits) == 1 and hits[0]["file"] == str(second)
    assert code == 0


def _profile_variant(tmp_path: Path, old: str, new: str) -> Path:
    return mutate(tmp_path, PROFILE, old, new, name="profile.yaml")


def test_page_limit_from_the_profile(tmp_path: Path) -> None:
    profile = _profile_variant(tmp_path, "    page_limit: null\n", "    page_limit: 1\n")
    code, findings = run_check("--program", str(profile), str(LETTER))
    assert {f["rule"] for f in findings} - LETTER_BASELINE == {"PAGE-LIMIT"}
    assert code == 0


def test_notice_without_caption(tmp_path: Path) -> None:
    profile = _profile_variant(tmp_path, "    caption: American AI Exports Program Comments\n",
                               "    caption: ''\n")
    code, findings = run_check("--program", str(profile), str(LETTER))
    hits = [f for f in findings if f["rule"] == "NOTICE-CAPTION"]
    assert hits and hits[0]["line"] == line_of(LETTER, "notice: rfi-2025")
    assert code == 1


def test_build_refuses_on_errors_unless_draft(tmp_path: Path) -> None:
    path = mutate(tmp_path, PROPOSAL, "    us_origin_percent: 62\n", "")
    refused = CliRunner().invoke(cli, ["build", str(path), "-o", str(tmp_path / "out")])
    assert refused.exit_code == 1
    assert "[US-CONTENT]" in refused.output and "--draft" in refused.output
    assert not list((tmp_path / "out").glob("*.docx"))
    draft = CliRunner().invoke(cli, ["build", "--draft", str(path), "-o", str(tmp_path / "d")])
    assert draft.exit_code == 0, draft.output
    assert len(list((tmp_path / "d").glob("*.docx"))) == 3


def test_matrix_printed_and_in_every_proposal_language(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--matrix", str(PROPOSAL)])
    assert result.exit_code == 0
    assert "EO 14320 §3(b)(i)(A)" in result.output and "§3(b)(v)" in result.output

    build_files([PROPOSAL], BuildOptions(output_dir=tmp_path))
    from generator.loader import load_profile

    elements = load_profile().proposal.required_elements
    # Filed copies: requirement, citation, where addressed; no review status.
    expected_headers = {
        "en": ["Requirement", "Citation", "Where addressed"],
        "ko": ["요건", "근거", "해당 부분"],
    }
    for lang, header in expected_headers.items():
        document = Document(str(tmp_path / f"proposal-lodestar.{lang}.docx"))
        table = next(t for t in document.tables if t.rows[0].cells[0].text == header[0])
        rows = [[c.text for c in r.cells] for r in table.rows]
        assert rows[0] == header
        assert len(rows) == 1 + len(elements)
        if lang == "en":
            assert [r[1] for r in rows[1:]] == [e.citation for e in elements]
        else:
            assert rows[1][1] == "행정명령 제14320호 제3조(b)(i)(A)"
    # The review copy: the status column in both languages.
    bilingual = Document(str(tmp_path / "proposal-lodestar.bilingual.docx"))
    nested = [t for row in bilingual.tables[0].rows for cell in row.cells for t in cell.tables
              if t.rows[0].cells[0].text in ("Requirement", "요건")]
    # A table too long for a page goes on in parts, each under its header row.
    english = [t for t in nested if t.rows[0].cells[0].text == "Requirement"]
    korean = [t for t in nested if t.rows[0].cells[0].text == "요건"]
    for parts in (english, korean):
        assert sum(len(t.rows) - 1 for t in parts) == len(elements)
    assert {t.rows[0].cells[-1].text for t in english} == {"Status"}
    assert {t.rows[0].cells[-1].text for t in korean} == {"상태"}
    assert {r.cells[3].text for t in english for r in t.rows[1:]} == {"Met"}


def test_matrix_marks_a_missing_element(tmp_path: Path) -> None:
    path = mutate(tmp_path, PROPOSAL, "    us_origin_percent: 62\n", "")
    code, _ = run_check(str(path))
    result = CliRunner().invoke(cli, ["check", "--matrix", "--format", "json", str(path)])
    matrix = json.loads(result.output)["matrix"][str(path)]
    status = {row["id"]: row["status_key"] for row in matrix}
    assert status["us-content"] == "missing"
    assert {k for k, v in status.items() if v != "met"} == {"us-content"}
    assert code == 1


def test_check_summary_counts_a_file_it_could_not_read(tmp_path: Path) -> None:
    """A file refused before any rule ran is an error in the summary, not "0 error(s)"."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(LETTER.read_text("utf-8").replace("kind: comment_letter",
                                                        "kind: comment_letter\nkind: again"),
                      "utf-8")
    result = CliRunner().invoke(cli, ["check", str(broken), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "1 file(s): 1 error(s), 0 warning(s)" in result.output


def test_check_prints_findings_in_the_order_of_the_file(tmp_path: Path) -> None:
    text = PROPOSAL.read_text("utf-8")
    # Findings of two rules, the later rule's (Hangul in English) earlier in the file than
    # the earlier rule's (placeholders): the rules' order is not the file's.
    lines = text.splitlines(keepends=True)
    # Block-style lines with plain text after "en: " (not flow mappings, not quoted).
    marked = [i for i, line in enumerate(lines)
              if line.lstrip().startswith("en: ") and line.split("en: ", 1)[1][:1].isalpha()
              ][::5][:4]
    lines[marked[0]] = lines[marked[0]].replace("en: ", "en: 한글 ", 1)
    for i in marked[1:]:
        lines[i] = lines[i].replace("en: ", "en: TBD ", 1)
    path = tmp_path / "p.yaml"
    path.write_text("".join(lines), "utf-8")
    result = CliRunner().invoke(cli, ["check", str(path), "--draft", "--lang", "en"])
    # Findings in force (acknowledged ones follow in a list of their own).
    numbers = [int(line.split(":")[1]) for line in result.output.splitlines()
               if line.startswith(str(path) + ":") and " acknowledged [" not in line]
    assert len(numbers) >= 3, result.output
    assert numbers == sorted(numbers), result.output


def test_matrix_of_a_letter_says_why_there_is_none(invoke: Invoke) -> None:
    """A letter has no compliance matrix: `check --matrix` says so and names the rules it
    ran on the letter, rather than printing nothing; not an error (exit 0)."""
    from generator.rules import rule_ids_for

    rules = rule_ids_for("comment_letter")
    assert {"QUESTION-ID", "NOTICE-DEADLINE", "SECTION-TITLE"} <= set(rules)
    assert "STACK-LAYER" not in rules
    result = invoke("check", "--matrix", LETTER)
    assert result.exit_code == 0, result.output
    assert (f"{LETTER}: a comment letter has no compliance matrix (proposals have one); "
            f"check ran the rules for comment letters on it: {', '.join(rules)}"
            in result.output)
    korean = invoke("check", "--matrix", "--lang", "ko", LETTER)
    assert korean.exit_code == 0
    assert (f"{LETTER}: 의견서에는 요건 준수 대조표가 없습니다(대조표는 제안서에만 있습니다). "
            f"이 파일에는 의견서 점검 규칙을 적용했습니다: {', '.join(rules)}" in korean.output)
    data = json.loads(invoke("check", "--matrix", "--format", "json", LETTER).output)
    assert data["matrix"] == {}
    assert data["no_matrix"] == [{"file": str(LETTER), "kind": "comment_letter",
                                  "rules": rules}]
    # Without --matrix nothing about it; a proposal beside the letter keeps its matrix.
    assert "no compliance matrix" not in invoke("check", LETTER).output
    both = invoke("check", "--matrix", LETTER, PROPOSAL).output
    assert "no compliance matrix" in both and f"\n{PROPOSAL}\n  Met" in both
