"""Fields as Word content controls, and `propgen pull` reading Word edits back into the YAML.

The round trip of the issue: build, change the text of one field and of one paragraph
outside any field with python-docx, pull with --yes: exactly that field changes, every
YAML comment stays, and the outside edit is reported as not pulled.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import Invoke
from docx import Document
from docx.oxml.ns import qn
from lxml import etree
from ruamel.yaml import YAML
from test_pdf import needs_libreoffice

from generator.build import BuildOptions, build_files
from generator.fields import END, MC, SEP, START, W15, W15_APPEARANCE, paths_of
from generator.loader import load_submission
from generator.pull import field_texts

from helpers import LETTER, PROPOSAL, built_document

COMMENTS = (
    ("executive_summary:\n", "# Summary: keep it under 200 words\nexecutive_summary:  # 요약\n"),
    ("  members:\n", "  members:  # anchor first\n"),
)


def commented_copy(folder: Path, source: Path = PROPOSAL) -> Path:
    """The sample with more comments, one right beside the field the test edits."""
    text = source.read_text("utf-8")
    for old, new in COMMENTS:
        text = text.replace(old, new, 1)
    path = folder / source.name
    path.write_text(text, "utf-8")
    return path


def comments(path: Path) -> list[str]:
    return [m.group(0) for m in re.finditer(r"#.*", path.read_text("utf-8"))]


def controls(document: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for sdt in document.element.body.iter(qn("w:sdt")):
        tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val"))
        out.setdefault(tag, []).append(sdt)
    return out


def edit_field(document: Any, path: str, old: str, new: str) -> None:
    for sdt in controls(document)[path]:
        for node in sdt.iter(qn("w:t")):
            if old in (node.text or ""):
                node.text = node.text.replace(old, new)
                return
    raise AssertionError(f"{old!r} not in {path}")


def edit_outside(document: Any, start: str) -> str:
    """Prefix the first paragraph starting with `start` (text from the template)."""
    for paragraph in document.paragraphs:
        if paragraph.text.startswith(start):
            paragraph.runs[0].text = "[counsel] " + paragraph.runs[0].text
            return paragraph.text
    raise AssertionError(start)


def plain(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text("utf-8"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fields")
    build_files([PROPOSAL, LETTER], BuildOptions(output_dir=out))
    return out


# --- content controls ---------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_field_is_a_locked_control_tagged_with_its_path(built: Path, lang: str) -> None:
    submission, _ = load_submission(PROPOSAL)
    document = Document(str(built / f"proposal-lodestar.{lang}.docx"))
    found = controls(document)
    texts = field_texts(document)
    values = {path: value for value, path in paths_of(submission)}
    assert set(found) <= set(values)
    for path in found:
        assert texts[(lang, path)] == values[path].get(lang).strip(), path
    for required in ("executive_summary", "consortium.members[1].contribution",
                     "stack.hardware.us_manufacturing", "federal_support[0].purpose",
                     "compliance.export_controls", "milestones[0].description", "title"):
        assert required in found, required
    for sdts in found.values():
        for sdt in sdts:
            properties = sdt.find(qn("w:sdtPr"))
            assert properties.find(qn("w:lock")).get(qn("w:val")) == "sdtLocked"
            # Nothing a reader would see: no title, no placeholder text.
            assert properties.find(qn("w:alias")) is None
            assert properties.find(qn("w:showingPlcHdr")) is None
            # Hidden in Word too: no border, no tag on hover.
            assert [c.tag for c in properties] == [qn("w:tag"), qn("w:lock"), W15_APPEARANCE]
            assert properties[-1].get(f"{{{W15}}}val") == "hidden"


@pytest.mark.parametrize("name", ["proposal-lodestar.en.docx", "letter-onnuri.bilingual.docx"])
def test_w15_is_declared_once_and_ignorable(built: Path, name: str) -> None:
    """Word 2010 and LibreOffice skip w15:appearance only where the root lists w15 in
    mc:Ignorable; a prefix it names must be declared there, not on each control."""
    with zipfile.ZipFile(built / name) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    root = etree.fromstring(xml.encode("utf-8"))
    assert root.nsmap["w15"] == W15
    assert "w15" in root.get(f"{{{MC}}}Ignorable").split()
    assert {"w14", "wp14"} <= set(root.get(f"{{{MC}}}Ignorable").split())  # kept
    assert xml.count("xmlns:w15=") == 1
    assert xml.count('<w15:appearance w15:val="hidden"/>') == xml.count("<w:sdt>") > 10


def test_no_marker_is_left_in_any_part(built: Path) -> None:
    for path in built.glob("*.docx"):
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                text = package.read(name).decode("utf-8", "replace")
                assert not any(mark in text for mark in (START, SEP, END)), (path.name, name)


def test_the_reader_sees_the_same_text(built: Path) -> None:
    """A control changes nothing a reader sees: the paragraph reads as the YAML text."""
    document = Document(str(built / "letter-onnuri.en.docx"))
    submission, _ = load_submission(LETTER)
    paragraphs = [p.text for p in document.paragraphs]
    assert submission.closing.en.strip() in paragraphs  # type: ignore[union-attr]


def test_a_field_of_two_paragraphs_is_two_controls_of_one_tag(tmp_path: Path) -> None:
    source = tmp_path / "p.yaml"
    text = PROPOSAL.read_text("utf-8").replace(
        "US$1.5 billion in total.", "US$1.5 billion in total.\n\n\n    A second paragraph.", 1)  # folded: 2 blank lines
    source.write_text(text, "utf-8")
    build_files([source], BuildOptions(output_dir=tmp_path / "out"))
    document = Document(str(tmp_path / "out" / "p.en.docx"))
    summary = controls(document)["executive_summary"]
    assert len(summary) == 2
    assert summary[0].getparent() is not summary[1].getparent()
    assert field_texts(document)[("en", "executive_summary")].endswith(
        "in total.\n\nA second paragraph.")


def test_the_side_by_side_copy_keeps_both_languages_controls(built: Path) -> None:
    texts = field_texts(Document(str(built / "proposal-lodestar.bilingual.docx")))
    submission, _ = load_submission(PROPOSAL)
    for lang in ("en", "ko"):
        assert texts[(lang, "executive_summary")] == submission.executive_summary.get(lang)  # type: ignore[union-attr]


# --- pull -----------------------------------------------------------------------------


def test_pull_round_trip(tmp_path: Path, invoke: Invoke) -> None:
    yaml_path = commented_copy(tmp_path)
    kept = comments(yaml_path)
    before = plain(yaml_path)
    document = built_document(yaml_path, tmp_path / "out", "proposal-lodestar.en.docx")
    edit_field(document, "executive_summary", "complete, secure AI stack",
               "complete and secure AI stack")
    outside = edit_outside(document, "The package covers the five layers")
    edited = tmp_path / "reviewed.en.docx"
    document.save(str(edited))

    result = invoke("pull", edited, "--into", yaml_path, "--yes")
    assert result.exit_code == 0, result.output
    after = plain(yaml_path)
    assert after["executive_summary"]["en"] == before["executive_summary"]["en"].replace(
        "complete, secure", "complete and secure")
    after["executive_summary"]["en"] = before["executive_summary"]["en"]
    assert after == before  # exactly that field changed
    assert comments(yaml_path) == kept
    assert "not pulled, outside any field" in result.output
    assert "[counsel] The package covers" in result.output and outside.startswith("[counsel]")
    # The diff shown before writing names the change.
    assert "+    The Lodestar" in result.output or "and secure" in result.output
    # The YAML keeps its block style: the value is still folded, not one long line.
    text = yaml_path.read_text("utf-8")
    assert "executive_summary:  # 요약\n  en: >-\n" in text
    widest = max(len(line) for line in PROPOSAL.read_text("utf-8").splitlines())
    assert max(len(line) for line in text.splitlines()) <= widest


def test_pull_from_the_korean_document_changes_the_korean_text(tmp_path: Path,
                                                                invoke: Invoke) -> None:
    yaml_path = commented_copy(tmp_path)
    before = plain(yaml_path)
    document = built_document(yaml_path, tmp_path / "out", "proposal-lodestar.ko.docx")
    edit_field(document, "consortium.members[1].contribution", "고성능", "초고성능")
    document.save(str(tmp_path / "검토.ko.docx"))
    result = invoke("pull", tmp_path / "검토.ko.docx", "--into", yaml_path, "--yes",
                    "--lang", "ko")
    assert result.exit_code == 0, result.output
    after = plain(yaml_path)
    member = after["consortium"]["members"][1]["contribution"]
    assert member["ko"].startswith("초고성능 메모리")
    assert member["en"] == before["consortium"]["members"][1]["contribution"]["en"]
    assert "작성" in result.output


def test_pull_from_the_side_by_side_copy(tmp_path: Path, invoke: Invoke) -> None:
    yaml_path = commented_copy(tmp_path, LETTER)
    document = built_document(yaml_path, tmp_path / "out", "letter-onnuri.bilingual.docx")
    edit_field(document, "closing", "기꺼이", "언제든 기꺼이")
    document.save(str(tmp_path / "letter-onnuri.bilingual.docx"))
    result = invoke("pull", tmp_path / "letter-onnuri.bilingual.docx", "--into", yaml_path,
                    "--yes")
    assert result.exit_code == 0, result.output
    assert "언제든 기꺼이" in plain(yaml_path)["closing"]["ko"]
    assert "not pulled" not in result.output


def _tracked(near: Any, kind: str, number: str, text_tag: str, text: str) -> Any:
    """A counsel's tracked change (w:ins / w:del) holding one run of `text`."""
    mark = near.makeelement(qn(f"w:{kind}"), {qn("w:id"): number, qn("w:author"): "counsel"})
    run = mark.makeelement(qn("w:r"), {})
    node = run.makeelement(qn(f"w:{text_tag}"), {})
    node.text = text
    run.append(node)
    mark.append(run)
    return mark


def test_tracked_changes_count_as_accepted(tmp_path: Path, invoke: Invoke) -> None:
    yaml_path = commented_copy(tmp_path, LETTER)
    document = built_document(yaml_path, tmp_path / "out", "letter-onnuri.en.docx")
    sdt = controls(document)["closing"][0]
    run = sdt.find(f"{qn('w:sdtContent')}/{qn('w:r')}")
    run.addprevious(_tracked(run, "del", "1", "delText", "Old words. "))
    run.addnext(_tracked(run, "ins", "2", "t", " Thank you."))
    document.save(str(tmp_path / "tracked.en.docx"))
    result = invoke("pull", tmp_path / "tracked.en.docx", "--into", yaml_path, "--yes")
    assert result.exit_code == 0, result.output
    closing = plain(yaml_path)["closing"]["en"]
    assert closing.endswith("further information. Thank you.") and "Old words" not in closing


@pytest.mark.parametrize("variant", ["en", "ko", "bilingual", "public.en"])
@pytest.mark.parametrize("source", [PROPOSAL, LETTER])
def test_nothing_changed_writes_nothing(tmp_path: Path, invoke: Invoke, source: Path,
                                        variant: str) -> None:
    yaml_path = commented_copy(tmp_path, source)
    data = yaml_path.read_bytes()
    public = variant.startswith("public")
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "out", public=public))
    result = invoke("pull", tmp_path / "out" / f"{source.stem}.{variant}.docx", "--into",
                    yaml_path)
    assert result.exit_code == 0, result.output
    assert "no field was changed" in result.output and "not pulled" not in result.output
    assert yaml_path.read_bytes() == data


def test_a_field_shown_twice_and_edited_once(tmp_path: Path, invoke: Invoke) -> None:
    """The commenter's name heads the letter and closes it: an edit of either is pulled;
    two different edits are reported, not guessed between."""
    yaml_path = commented_copy(tmp_path, LETTER)
    document = built_document(yaml_path, tmp_path / "out", "letter-onnuri.en.docx")
    first, last = controls(document)["commenter.name"]
    last.find(f".//{qn('w:t')}").text = "Onnuri Semiconductor Company Ltd."
    document.save(str(tmp_path / "once.en.docx"))
    result = invoke("pull", tmp_path / "once.en.docx", "--into", yaml_path, "--yes")
    assert result.exit_code == 0, result.output
    assert plain(yaml_path)["commenter"]["name"]["en"] == "Onnuri Semiconductor Company Ltd."

    first.find(f".//{qn('w:t')}").text = "Onnuri Semi"
    document.save(str(tmp_path / "twice.en.docx"))
    yaml_path = commented_copy(tmp_path, LETTER)  # as it was when the document was built
    result = invoke("pull", tmp_path / "twice.en.docx", "--into", yaml_path, "--yes")
    assert "commenter.name.en is shown in several places" in result.output
    assert plain(yaml_path)["commenter"]["name"]["en"] == "Onnuri Semiconductor Co., Ltd."


@pytest.mark.parametrize("answer, code, needle", [
    ("n\n", 1, "nothing written"),
    # The terminal closes before an answer: exit 2 and the way out, not click's "Aborted!".
    ("", 2, "run again with --yes"),
])
def test_declining_or_not_answering_the_question_writes_nothing(
    tmp_path: Path, answer: str, code: int, needle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from generator import cli as cli_module

    monkeypatch.setattr(cli_module, "_can_ask", lambda: True)  # as at a terminal
    yaml_path = commented_copy(tmp_path, LETTER)
    data = yaml_path.read_bytes()
    document = built_document(yaml_path, tmp_path / "out", "letter-onnuri.en.docx")
    edit_field(document, "closing", "glad", "happy")
    document.save(str(tmp_path / "e.en.docx"))
    result = CliRunner().invoke(cli_module.cli, ["pull", str(tmp_path / "e.en.docx"), "--into",
                                                 str(yaml_path), "--lang", "en"], input=answer)
    assert result.exit_code == code, result.output
    assert "Write these changes" in result.output and needle in result.output
    assert yaml_path.read_bytes() == data


@pytest.mark.parametrize("lang, first", [
    ("en", "nothing written to {yaml}: there is no terminal to ask in; the change it would "
           "make is below; run again with --yes to write it"),
    ("ko", "{yaml}에 아무것도 쓰지 않았습니다"),
])
def test_without_a_terminal_nothing_is_written_and_that_comes_first(
    tmp_path: Path, invoke: Invoke, lang: str, first: str
) -> None:
    """A script without --yes: first and only that nothing was written, then the change
    it would make; the other language's reminder belongs to a write, which did not happen."""
    from generator.drift import mark_reviewed

    yaml_path = commented_copy(tmp_path)
    submission, _ = load_submission(yaml_path)
    mark_reviewed(yaml_path, submission)
    data = yaml_path.read_bytes()
    document = built_document(yaml_path, tmp_path / "out", "proposal-lodestar.ko.docx")
    edit_field(document, "consortium.members[1].contribution", "고성능", "초고성능")
    document.save(str(tmp_path / "edited.ko.docx"))
    result = invoke("pull", tmp_path / "edited.ko.docx", "--into", yaml_path, "--lang", lang)
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(first.format(yaml=yaml_path)), lines[0]
    assert "초고성능" in result.output  # the diff
    assert "DRIFT" not in result.output and "Write these changes" not in result.output
    assert yaml_path.read_bytes() == data


def test_a_file_that_is_not_a_document(tmp_path: Path, invoke: Invoke) -> None:
    bogus = tmp_path / "notes.docx"
    bogus.write_text("not a zip", "utf-8")
    result = invoke("pull", bogus, "--into", PROPOSAL, "--lang", "ko")
    assert result.exit_code == 2
    assert "Word 문서가 아닙니다" in result.output and "Traceback" not in result.output


def test_pulled_field_flags_the_other_language_with_the_drift_record(
        tmp_path: Path, invoke: Invoke) -> None:
    from generator.drift import mark_reviewed

    yaml_path = commented_copy(tmp_path)
    submission, _ = load_submission(yaml_path)
    mark_reviewed(yaml_path, submission)  # both languages agree, as a reviewer said
    assert "DRIFT" not in invoke("check", yaml_path).output
    document = built_document(yaml_path, tmp_path / "out", "proposal-lodestar.ko.docx")
    edit_field(document, "consortium.members[1].contribution", "고성능", "초고성능")
    document.save(str(tmp_path / "edited.ko.docx"))

    result = invoke("pull", tmp_path / "edited.ko.docx", "--into", yaml_path, "--yes")

    assert result.exit_code == 0, result.output
    assert ("consortium.members[1].contribution: the English text may no longer match; "
            "'propgen check' reports it as DRIFT") in result.output
    check = invoke("check", yaml_path)
    drift = [line for line in check.output.splitlines() if "[DRIFT]" in line]
    assert len(drift) == 1 and "consortium.members[1].contribution.ko" in drift[0]


def test_without_a_record_the_pull_starts_one_and_check_flags_the_other_language(
        tmp_path: Path, invoke: Invoke) -> None:
    """No field was marked reviewed: the pull records the texts the document was built
    from as agreeing, so the edited language shows as changed and the other as DRIFT."""
    from generator.drift import read_record, sidecar_path

    yaml_path = commented_copy(tmp_path, LETTER)
    assert "DRIFT" not in invoke("check", yaml_path).output
    document = built_document(yaml_path, tmp_path / "out", "letter-onnuri.en.docx")
    edit_field(document, "closing", "glad", "happy")
    document.save(str(tmp_path / "e.en.docx"))
    result = invoke("pull", tmp_path / "e.en.docx", "--into", yaml_path, "--yes",
                    "--lang", "ko")
    assert result.exit_code == 0, result.output
    assert "closing: 국문 내용이 더 이상 맞지 않을 수 있습니다" in result.output
    assert f"{sidecar_path(yaml_path)}" in result.output  # the record written is named
    assert list(read_record(yaml_path)) == ["closing"]  # only the pulled field
    drift = [line for line in invoke("check", yaml_path).output.splitlines()
             if "[DRIFT]" in line]
    assert len(drift) == 1 and "closing.en" in drift[0], drift


def test_a_field_in_one_language_only_is_named_not_recorded(tmp_path: Path,
                                                            invoke: Invoke) -> None:
    from generator.drift import sidecar_path

    text = LETTER.read_text("utf-8")
    start = text.index("closing:")
    yaml_path = tmp_path / "letter.yaml"
    yaml_path.write_text(text[:start] + "closing:\n  en: We are glad to help.\n", "utf-8")
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "out", draft=True))
    document = Document(str(tmp_path / "out" / "letter.en.docx"))
    edit_field(document, "closing", "glad", "happy")
    document.save(str(tmp_path / "e.en.docx"))
    result = invoke("pull", tmp_path / "e.en.docx", "--into", yaml_path, "--yes")
    assert result.exit_code == 0, result.output
    assert "closing: check that the Korean text still matches" in result.output
    assert not sidecar_path(yaml_path).exists()


def test_a_drafts_stand_in_text_is_not_pulled_but_its_translation_is(
        tmp_path: Path, invoke: Invoke) -> None:
    """A draft shows the English text, after a marker, where the Korean is missing: pulling
    it back unchanged writes nothing; the translation a reviewer types in is pulled."""
    text = LETTER.read_text("utf-8")
    start = text.index("closing:")
    yaml_path = tmp_path / "letter.yaml"
    yaml_path.write_text(text[:start] + "closing:\n  en: We thank you.  # no Korean yet\n",
                         "utf-8")
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "out", draft=True))
    korean = tmp_path / "out" / "letter.ko.docx"
    document = Document(str(korean))
    shown = field_texts(document)[("ko", "closing")]
    assert shown.endswith("We thank you.") and shown != "We thank you."  # the marker first
    unchanged = invoke("pull", korean, "--into", yaml_path, "--yes")
    assert "no field was changed" in unchanged.output
    for sdt in controls(document)["closing"]:
        runs = sdt.findall(f".//{qn('w:t')}")
        runs[0].text = "감사합니다."
        for extra in runs[1:]:
            extra.text = ""
    document.save(str(tmp_path / "translated.ko.docx"))
    result = invoke("pull", tmp_path / "translated.ko.docx", "--into", yaml_path, "--yes")
    assert result.exit_code == 0, result.output
    assert plain(yaml_path)["closing"] == {"en": "We thank you.", "ko": "감사합니다."}
    assert "# no Korean yet" in yaml_path.read_text("utf-8")


def test_a_rich_text_is_marked_through_its_prefix_and_suffix() -> None:
    """Rich text (laid out as paragraphs after rendering) carries the markers as its own
    prefix and suffix, so they open its first paragraph and close its last."""
    from generator.fields import field_paths, mark

    class Rich:
        def __init__(self, source: str, *, prefix: str = "", suffix: str = "") -> None:
            self.source, self.prefix, self.suffix = source, prefix, suffix

    submission, _ = load_submission(LETTER)
    closing = submission.closing  # type: ignore[union-attr]
    with field_paths(submission):
        marked = mark(closing, Rich("*x*", prefix="[", suffix="]"))
        plain_text = mark(closing, "x")
    assert (marked.source, marked.prefix, marked.suffix) == (
        "*x*", f"{START}closing{SEP}[", f"]{END}")
    assert plain_text == f"{START}closing{SEP}x{END}"
    assert mark(closing, "x") == "x"  # outside a build: plain text


@pytest.mark.parametrize("lang, needle", [("en", "was built from another submission"),
                                          ("ko", "다른 제출 문서")])
def test_a_document_of_another_submission_is_refused(
    tmp_path: Path, invoke: Invoke, lang: str, needle: str
) -> None:
    """The new-user trial's worst case: one company's letter pulled into another's file."""
    build_files([PROPOSAL], BuildOptions(output_dir=tmp_path / "out"))
    other = commented_copy(tmp_path, LETTER)
    data = other.read_bytes()
    result = invoke("pull", tmp_path / "out" / "proposal-lodestar.en.docx", "--into", other,
                    "--yes", "--lang", lang)
    assert result.exit_code == 2, result.output
    assert needle in result.output and "Traceback" not in result.output
    assert other.read_bytes() == data


@needs_libreoffice
@pytest.mark.libreoffice
def test_the_pdfs_show_nothing_of_the_controls(tmp_path: Path) -> None:
    """LibreOffice (7.4 and later) can export content controls as PDF form fields, boxes a
    reader could type in: the filed PDFs hold none, and a field reads as plain text with
    no placeholder."""
    import subprocess

    from test_pdf_build import pdf_text

    build_files([LETTER], BuildOptions(output_dir=tmp_path, pdf=True))
    for lang, name in (("en", "Onnuri Semiconductor Co., Ltd."), ("ko", "온누리반도체")):
        pdf = tmp_path / f"letter-onnuri.{lang}.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                              text=True).stdout
        assert re.search(r"^Form:\s+none$", info, re.MULTILINE), info
        first = pdf_text(pdf, 1)
        assert name in first and "Click or tap" not in first, first
