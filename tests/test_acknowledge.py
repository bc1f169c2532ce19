"""`acknowledge:` in the YAML: a warning the team settled is silenced at that field and
listed by `check`; errors and stale entries are not silently accepted."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from test_pdf import needs_libreoffice

Invoke = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "samples" / "letter-onnuri.yaml"
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"


def without_acknowledgements(tmp_path: Path) -> Path:
    text = LETTER.read_text("utf-8")
    path = tmp_path / "letter.yaml"
    path.write_text(text[: text.index("# Warnings the team has read")], "utf-8")
    return path


def test_the_samples_check_and_build_with_no_warnings(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("check", ROOT / "samples")
    assert result.exit_code == 0, result.output
    assert "2 file(s): 0 error(s), 0 warning(s), 3 acknowledged" in result.output
    built = invoke("build", ROOT / "samples", "-o", tmp_path / "out")
    assert built.exit_code == 0, built.output
    assert "warning" not in built.output and "acknowledged" not in built.output


def test_an_acknowledged_warning_is_listed_with_its_reason(invoke: Invoke) -> None:
    result = invoke("check", LETTER)
    lines = [x for x in result.output.splitlines() if "[SECTION-TITLE]" in x]
    assert len(lines) == 2
    # Where the sample answers section C (its lines move as the sample grows).
    line = next(i for i, text in enumerate(Path(LETTER).read_text("utf-8").splitlines(), 1)
                if text.strip() == "- question: C")
    assert lines[0].startswith(
        f"{LETTER}:{line}:15: acknowledged [SECTION-TITLE] answers[3].question: ")
    assert lines[0].endswith("(acknowledged: We answer the topic as the notice's summary names "
                             "it; the section letter is what counts.)")
    korean = invoke("check", "--lang", "ko", LETTER).output
    assert f":{line}:15: 확인됨 [SECTION-TITLE]" in korean
    assert "(확인 사유: We answer the topic as the notice's summary names it;" in korean
    data = json.loads(invoke("check", "--format", "json", LETTER).output)
    assert [a["path"] for a in data["acknowledged"]] == ["answers[3].question",
                                                          "answers[4].question"]
    assert data["acknowledged"][0]["reason"].startswith("We answer the topic")
    assert data["findings"] == []


def test_without_the_list_the_warnings_come_back(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("check", without_acknowledgements(tmp_path))
    assert result.output.count(" warning [SECTION-TITLE] ") == 2
    assert "0 error(s), 2 warning(s)" in result.output
    korean = invoke("check", "--lang", "ko", without_acknowledgements(tmp_path)).output
    assert korean.count(" 경고 [SECTION-TITLE] ") == 2


def test_an_acknowledgement_only_covers_its_own_field(tmp_path: Path, invoke: Invoke) -> None:
    path = without_acknowledgements(tmp_path)
    path.write_text(path.read_text("utf-8") + (
        "acknowledge:\n  - rule: SECTION-TITLE\n    field: answers[3].question\n"
        "    reason: checked\n"), "utf-8")
    result = invoke("check", path)
    assert result.output.count(" warning [SECTION-TITLE] answers[4].question") == 1
    assert result.output.count(" acknowledged [SECTION-TITLE] answers[3].question") == 1


def test_a_stale_or_mistyped_acknowledgement_is_a_warning(tmp_path: Path, invoke: Invoke) -> None:
    path = without_acknowledgements(tmp_path)
    path.write_text(path.read_text("utf-8") + (
        "acknowledge:\n"
        "  - rule: SECTION-TITLE\n    field: answers[3].questoin\n    reason: checked\n"
        "  - rule: SECTION-TITEL\n    field: answers[4].question\n    reason: checked\n"),
        "utf-8")
    result = invoke("check", path)
    assert ("warning [ACKNOWLEDGE] acknowledge[0].field: no SECTION-TITLE warning at "
            "'answers[3].questoin' to acknowledge; delete this entry if the warning is gone; "
            "did you mean 'answers[3].question'?") in result.output
    assert ("warning [ACKNOWLEDGE] acknowledge[1].rule: 'SECTION-TITEL' is not a rule propgen "
            "knows; did you mean 'SECTION-TITLE'?") in result.output


def test_an_error_cannot_be_acknowledged(tmp_path: Path, invoke: Invoke) -> None:
    text = PROPOSAL.read_text("utf-8")
    # A country of concern is an error: acknowledging it must not make the file pass.
    text = text.replace("      controlled_from: KR", "      controlled_from: CN", 1)
    # The sample ends with its own acknowledge list: one entry more.
    assert text.rstrip().splitlines()[-4] == "acknowledge:"
    text += ("  - rule: COUNTRY-OF-CONCERN\n"
             "    field: consortium.members[1].controlled_from\n    reason: we disagree\n")
    path = tmp_path / "p.yaml"
    path.write_text(text, "utf-8")
    result = invoke("check", path)
    assert result.exit_code == 1
    assert " error [COUNTRY-OF-CONCERN] consortium.members[1].controlled_from" in result.output
    assert "an error cannot be acknowledged; fix COUNTRY-OF-CONCERN" in result.output


def _shortfall_acknowledged(folder: Path) -> Path:
    """The proposal with its U.S. content under the threshold (a US-CONTENT warning, which
    the matrix's U.S.-content row follows) and that warning acknowledged."""
    text = PROPOSAL.read_text("utf-8").replace("us_origin_percent: 62", "us_origin_percent: 40")
    assert text.rstrip().endswith("reviewed case by case.")
    text += ("  - rule: US-CONTENT\n    field: stack.hardware.us_origin_percent\n"
             "    reason: The hardware section explains the shortfall.\n")
    path = folder / "proposal.yaml"
    path.write_text(text, "utf-8")
    return path


def _annex_statuses(docx: Path, requirements: list[str]) -> list[str]:
    """The status cell of each requirement's row of the annex, as a reader sees it (the
    side-by-side copy nests the annex in its cells: every table row is looked at)."""
    from docx import Document
    from docx.oxml.ns import qn

    rows: dict[str, str] = {}
    for tr in Document(str(docx)).element.body.iter(qn("w:tr")):
        cells = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]
        if len(cells) == 4:
            rows.setdefault(cells[0], cells[3])
    return [rows.get(r, "") for r in requirements]


def test_an_acknowledged_warning_has_one_status_in_build_check_and_pull(
        tmp_path: Path, invoke: Invoke) -> None:
    from generator.pull import plan_pull

    source = _shortfall_acknowledged(tmp_path)
    for lang, word in (("en", "Accepted"), ("ko", "확인됨")):
        data = json.loads(invoke("check", "--matrix", "--format", "json", "--lang", lang,
                                 source).output)
        rows = data["matrix"][str(source)]
        row = next(r for r in rows if r["id"] == "us-content")
        assert (row["status_key"], row["status"]) == ("acknowledged", word)
        assert {r["status_key"] for r in rows if r["id"] != "us-content"} == {"met"}
        assert data["findings"] == []
        built = invoke("build", source, "-o", tmp_path / "out")
        assert built.exit_code == 0, built.output
        # The side-by-side copy shows the status column; each row as check gave it.
        shown = _annex_statuses(tmp_path / "out" / "proposal.bilingual.docx",
                                [r["requirement"] for r in rows])
        assert shown == [r["status"] for r in rows]
        assert "Check" not in shown and "확인 필요" not in shown
    # Pull rebuilds the document to tell the reviewer's edits from the template's text:
    # an unedited copy differs from that rebuild nowhere, the annex's status included.
    for name in ("proposal.bilingual.docx", "proposal.en.docx", "proposal.ko.docx"):
        plan = plan_pull(tmp_path / "out" / name, source)
        assert (plan.edits, plan.not_pulled, plan.conflicts) == ([], [], []), name
    english = json.loads(invoke("check", "--matrix", "--format", "json", source).output)
    requirement = next(r["requirement"] for r in english["matrix"][str(source)]
                       if r["id"] == "us-content")
    draft = invoke("build", source, "-o", tmp_path / "draft", "--draft")
    assert draft.exit_code == 0, draft.output
    assert _annex_statuses(tmp_path / "draft" / "proposal.en.docx",
                           [requirement]) == ["Accepted"]
    assert plan_pull(tmp_path / "draft" / "proposal.en.docx", source).not_pulled == []


@needs_libreoffice
def test_the_acknowledged_status_is_set_whole_in_the_pdfs(tmp_path: Path, invoke: Invoke) -> None:
    """The status column is narrow (2.5 cm, less in the side-by-side copy): the word a
    reader meets there is one a line holds ("Acknowledged" broke as "Acknowled" / "ged")."""
    source = _shortfall_acknowledged(tmp_path)
    result = invoke("build", source, "-o", tmp_path / "out", "--draft", "--pdf")
    assert result.exit_code == 0, result.output
    for name, words in (("proposal.en.pdf", ["Accepted"]), ("proposal.ko.pdf", ["확인됨"]),
                        ("proposal.bilingual.pdf", ["Accepted", "확인됨"])):
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "out" / name), "-"],
                              check=True, capture_output=True, text=True).stdout
        for word in words:
            assert re.search(rf"\s{word}(\s|$)", text, re.M), (name, word)
