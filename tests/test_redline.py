"""`propgen redline OLD NEW`: Word tracked changes a reviewer can accept or reject.

The samples against copies with one sentence changed, one member added (proposal) and one
answer removed (letter): the changes hold those texts, accepting all of them gives NEW's
build, rejecting all gives OLD's, in both languages, and LibreOffice converts the result.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import Invoke
from docx import Document
from lxml import etree
from test_ooxml import misordered
from test_pdf import needs_libreoffice
from test_pdf_build import pdf_text

from generator.build import BuildOptions, build_files
from generator.redline import (
    accept_all,
    footnotes_of,
    open_document,
    paragraph_texts,
    redline_versions,
    reject_all,
    text_of,
)

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"
LETTER = ROOT / "samples" / "letter-onnuri.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
NEW_MEMBER = """    - id: pinecrest
      name: {en: "Pinecrest Labeling LLC", ko: 파인크레스트 레이블링}
      role: member
      country: US
      headquarters: US
      controlled_from: US
      contribution: {en: Data labeling in Ohio., ko: 오하이오에서 데이터 레이블링을 수행합니다.}
"""


def version(folder: Path, source: Path, text: str) -> Path:
    """`text` written as a version of `source` (same name) in `folder`."""
    path = folder / source.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def edited_proposal(folder: Path) -> Path:
    """The proposal with one sentence changed in each language and one member added."""
    text = PROPOSAL.read_text("utf-8")
    text = text.replace("over\n    three years", "over\n    four years")
    text = text.replace("3년간 120MW", "4년간 120MW")
    text = text.replace("    - id: hanul\n", NEW_MEMBER + "    - id: hanul\n", 1)
    assert text.count("four years") == 1 and "4년간" in text and "pinecrest" in text
    return version(folder / "new", PROPOSAL, text)


def edited_letter(folder: Path) -> Path:
    """The letter without its answer to B.1."""
    text = LETTER.read_text("utf-8")
    start, end = text.index("  - question: B.1"), text.index("  - question: C")
    return version(folder / "new", LETTER, text[:start] + text[end:])


def visibly_edited_letter(folder: Path) -> Path:
    """The letter with what the body's text alone does not show: no confidential answer
    (so no marking in the page header), a footnote reworded, the docket link retargeted."""
    text = LETTER.read_text("utf-8").replace("    confidential: true\n", "", 1)
    text = text.replace("docket/ITA-2025-0070)", "docket/ITA-2025-0071)")
    text = text.replace("signed July 23, 2025", "signed on July 23, 2025")
    text = text.replace("2025년 7월 23일 서명", "2025년 7월 23일 대통령 서명")
    assert text.count("ITA-2025-0071") == 2 and "signed on" in text and "대통령 서명" in text
    return version(folder / "visible", LETTER, text)


def letter_without_notes(folder: Path) -> Path:
    """The letter with its one footnote taken out, in both languages."""
    text = LETTER.read_text("utf-8").replace("[^eo]", "")
    text = re.sub(r"\n\n    : [^\n]*\n[^\n]*\n", "\n", text)  # the definitions
    assert "[^" not in text and ": Executive Order" not in text
    return version(folder / "nonotes", LETTER, text)


def reader_view(path: Path, resolve: Any = None) -> dict[str, list[str]]:
    """What a reader meets, part by part: the body's paragraphs, its links' targets, the
    page headers' and footers' text, and each referenced footnote's text in order;
    `resolve` (accept_all / reject_all) applied to every part first."""
    document = open_document(path.read_bytes())
    body = document.element.body
    margins = []
    for ref in body.find(W + "sectPr"):
        if ref.tag in (W + "headerReference", W + "footerReference"):
            margins.append(document.part.related_parts[ref.get(R_ID)].element)
    notes = footnotes_of(document)
    for root in (body, *margins, *([notes] if notes is not None else [])):
        if resolve is not None:
            resolve(root)
    by_id = {n.get(W + "id"): n for n in notes.iter(W + "footnote")} if notes is not None \
        else {}
    return {
        "body": paragraph_texts(body),
        "links": [document.part.rels[link.get(R_ID)].target_ref if link.get(R_ID)
                  else "#" + link.get(W + "anchor", "")
                  for link in body.iter(W + "hyperlink") if text_of(link)],
        "margins": [text for root in margins for text in paragraph_texts(root)],
        "notes": [text_of(by_id[ref.get(W + "id")]).strip()
                  for ref in body.iter(W + "footnoteReference")],
    }


def body_of(path: Path) -> etree._Element:
    return Document(str(path)).element.body


def built_texts(source: Path, folder: Path, lang: str) -> list[str]:
    build_files([source], BuildOptions(output_dir=folder, force=True))
    return paragraph_texts(body_of(folder / f"{source.stem}.{lang}.docx"))


def changes(body: etree._Element, kind: str) -> list[str]:
    """The text inside each w:ins or w:del run group."""
    text_tag = W + ("delText" if kind == "del" else "t")
    return ["".join(t.text or "" for t in mark.iter(text_tag))
            for mark in body.iter(W + kind) if mark.getparent().tag != W + "rPr"]


@pytest.fixture(scope="module")
def redlines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from click.testing import CliRunner

    from generator.cli import cli

    folder = tmp_path_factory.mktemp("redline")
    out = folder / "out"
    for old, new in ((PROPOSAL, edited_proposal(folder)), (LETTER, edited_letter(folder))):
        result = CliRunner().invoke(cli, ["redline", str(old), str(new), "-o", str(out),
                                          "--author", "Jane Reviewer", "--date", "2026-07-01"])
        assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["redline", str(LETTER), str(visibly_edited_letter(folder)),
                                      "-o", str(folder / "visible-out")])
    assert result.exit_code == 0, result.output
    redlines = {path.name: path for path in out.glob("*.docx")}
    for path in (folder / "visible-out").glob("*.docx"):
        redlines["visible." + path.name] = path
    return redlines


def test_a_redline_per_language(redlines: dict[str, Path]) -> None:
    assert sorted(name for name in redlines if not name.startswith("visible.")) == [
        "letter-onnuri.redline.en.docx", "letter-onnuri.redline.ko.docx",
        "proposal-lodestar.redline.en.docx", "proposal-lodestar.redline.ko.docx",
    ]


@pytest.mark.parametrize(("lang", "old_word", "new_word", "member"),
                         [("en", "three", "four", "Pinecrest Labeling LLC"),
                          ("ko", "3년간", "4년간", "파인크레스트 레이블링")])
def test_proposal_changes_hold_the_sentence_and_the_member(
        redlines: dict[str, Path], lang: str, old_word: str, new_word: str,
        member: str) -> None:
    body = body_of(redlines[f"proposal-lodestar.redline.{lang}.docx"])
    inserted, deleted = changes(body, "ins"), changes(body, "del")
    # Word by word: the changed word, not the whole sentence.
    assert old_word in deleted and new_word in inserted
    # The member's row in the members table is an inserted row, with its name inserted.
    rows = [row for row in body.iter(W + "tr")
            if row.find(f"{W}trPr/{W}ins") is not None]
    assert len(rows) == 1
    assert member in "".join(t.text or "" for t in rows[0].iter(W + "t"))
    assert member in inserted
    for mark in body.iter(W + "ins", W + "del"):
        assert mark.get(W + "author") == "Jane Reviewer"
        assert mark.get(W + "date") == "2026-07-01T00:00:00Z"
    ids = [mark.get(W + "id") for mark in body.iter(W + "ins", W + "del")]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("lang", "answer"), [
    ("en", "Memory and advanced packaging should be named expressly"),
    ("ko", "AI 최적화 컴퓨터"),
])
def test_letter_answer_removed_as_whole_paragraphs(redlines: dict[str, Path], lang: str,
                                                   answer: str) -> None:
    body = body_of(redlines[f"letter-onnuri.redline.{lang}.docx"])
    deleted = [p for p in body.iter(W + "p") if p.find(f"{W}pPr/{W}rPr/{W}del") is not None]
    texts = ["".join(t.text or "" for t in p.iter(W + "delText")) for p in deleted]
    assert any(answer in text for text in texts), texts
    # The deleted paragraphs keep no live text: all of it is w:delText.
    assert all(p.find(f".//{W}t") is None for p in deleted)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("source", ["proposal", "letter"])
def test_accept_all_gives_new_and_reject_all_gives_old(
        redlines: dict[str, Path], tmp_path: Path, lang: str, source: str) -> None:
    old = PROPOSAL if source == "proposal" else LETTER
    new = edited_proposal(tmp_path) if source == "proposal" else edited_letter(tmp_path)
    body = body_of(redlines[f"{old.stem}.redline.{lang}.docx"])
    old_texts = built_texts(old, tmp_path / "old", lang)
    new_texts = built_texts(new, tmp_path / "new-out", lang)
    assert old_texts != new_texts
    assert paragraph_texts(accept_all(copy.deepcopy(body))) == new_texts
    assert paragraph_texts(reject_all(copy.deepcopy(body))) == old_texts


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("source", ["proposal", "letter", "visible", "nonotes"])
def test_accept_and_reject_give_each_versions_headers_links_and_footnotes(
        redlines: dict[str, Path], tmp_path: Path, lang: str, source: str) -> None:
    """Not only the body's text: what a reader sees in the page headers, the links'
    targets and the footnotes is NEW's after accepting every change, OLD's after
    rejecting every change."""
    old = PROPOSAL if source == "proposal" else LETTER
    new = {"proposal": edited_proposal, "letter": edited_letter, "nonotes": letter_without_notes,
           "visible": visibly_edited_letter}[source](tmp_path)
    name = f"{old.stem}.redline.{lang}.docx"
    if source == "nonotes":  # NEW has no footnotes part at all
        redline_versions(str(old), str(new), tmp_path / "nonotes-out")
        redline = tmp_path / "nonotes-out" / name
    else:
        redline = redlines[("visible." if source == "visible" else "") + name]
    build_files([old], BuildOptions(output_dir=tmp_path / "old"))
    build_files([new], BuildOptions(output_dir=tmp_path / "new-out"))
    old_view = reader_view(tmp_path / "old" / f"{old.stem}.{lang}.docx")
    new_view = reader_view(tmp_path / "new-out" / f"{old.stem}.{lang}.docx")
    assert reader_view(redline, accept_all) == new_view
    assert reader_view(redline, reject_all) == old_view
    if source == "nonotes":
        assert new_view["notes"] == [] and old_view["notes"]
    if source == "visible":
        for part in ("margins", "links", "notes"):
            assert old_view[part] != new_view[part], part


@pytest.mark.parametrize(("lang", "marking", "inserted"), [
    ("en", "BUSINESS CONFIDENTIAL", "on "), ("ko", "영업 기밀", "대통령 ")])
def test_header_footnote_and_link_changes_are_tracked(
        redlines: dict[str, Path], lang: str, marking: str, inserted: str) -> None:
    path = redlines[f"visible.letter-onnuri.redline.{lang}.docx"]
    document = open_document(path.read_bytes())
    header = next(document.part.related_parts[ref.get(R_ID)].element
                  for ref in document.element.body.find(W + "sectPr")
                  if ref.tag == W + "headerReference")
    assert marking in changes(header, "del")
    notes = footnotes_of(document)
    assert inserted in changes(notes, "ins")
    # The retargeted link: the old link's run deleted, the new one's inserted, same text.
    body = document.element.body
    rels = document.part.rels
    deleted = [rels[link.get(R_ID)].target_ref for link in body.iter(W + "hyperlink")
               if link.find(f"{W}del") is not None]
    added = [rels[link.get(R_ID)].target_ref for link in body.iter(W + "hyperlink")
             if link.find(f"{W}ins") is not None]
    assert deleted == ["https://www.regulations.gov/docket/ITA-2025-0070"]
    assert added == ["https://www.regulations.gov/docket/ITA-2025-0071"]
    ids = [mark.get(W + "id") for root in (body, header, notes)
           for mark in root.iter(W + "ins", W + "del")]
    assert len(ids) == len(set(ids))  # unique across the parts
    with zipfile.ZipFile(path) as package:  # nothing of the comparison is left behind
        assert b"propgen-target" not in package.read("word/document.xml")


def test_accept_and_reject_helpers_follow_words_rules() -> None:
    """The helpers a test relies on must themselves be right: a deleted paragraph mark
    joins the paragraph to the next one, an inserted row goes on rejecting."""
    xml = (f'<w:body xmlns:w="{W[1:-1]}">'
           '<w:p><w:pPr><w:rPr><w:del w:id="1" w:author="a" w:date="2026-01-01T00:00:00Z"/>'
           '</w:rPr></w:pPr><w:r><w:t>keep </w:t></w:r></w:p>'
           '<w:p><w:r><w:t>next</w:t></w:r><w:ins w:id="2"><w:r><w:t> added</w:t></w:r>'
           '</w:ins><w:del w:id="3"><w:r><w:delText> gone</w:delText></w:r></w:del></w:p>'
           '<w:tbl><w:tr><w:trPr><w:ins w:id="4"/></w:trPr><w:tc><w:p><w:r><w:t>row</w:t>'
           '</w:r></w:p></w:tc></w:tr></w:tbl></w:body>')
    accepted = paragraph_texts(accept_all(etree.fromstring(xml)))
    rejected = paragraph_texts(reject_all(etree.fromstring(xml)))
    assert accepted == ["keep next added", "row"]
    assert rejected == ["keep ", "next gone"]


def test_redline_keeps_the_schema_order(redlines: dict[str, Path]) -> None:
    for path in redlines.values():
        with zipfile.ZipFile(path) as package:
            assert misordered(package.read("word/document.xml")) == [], path.name


def test_same_inputs_same_bytes(tmp_path: Path, invoke: Invoke) -> None:
    new = edited_proposal(tmp_path)
    outputs = []
    for run in ("a", "b"):
        result = invoke("redline", PROPOSAL, new, "-o", tmp_path / run)
        assert result.exit_code == 0, result.output
        outputs.append((tmp_path / run / "proposal-lodestar.redline.ko.docx").read_bytes())
    assert outputs[0] == outputs[1]
    # Without --date, the changes carry NEW's submission date; without --author, the
    # anchor member the documents name (no output names the tool).
    body = body_of(tmp_path / "a" / "proposal-lodestar.redline.ko.docx")
    assert {m.get(W + "date") for m in body.iter(W + "ins")} == {"2026-06-15T00:00:00Z"}
    assert {m.get(W + "author") for m in body.iter(W + "ins")} == {"Lodestar Compute, Inc."}


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t",
                    *args], check=True, capture_output=True)


@needs_git
def test_old_version_from_a_git_revision(tmp_path: Path, invoke: Invoke) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    target = repo / "drafts" / "proposal.yaml"
    target.parent.mkdir()
    shutil.copy(PROPOSAL, target)
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first")
    target.write_text(edited_proposal(tmp_path).read_text("utf-8"), "utf-8")
    result = invoke("redline", f"{target}@HEAD", target, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    body = body_of(tmp_path / "out" / "proposal.redline.en.docx")
    assert "three" in changes(body, "del") and "four" in changes(body, "ins")

    missing = invoke("redline", f"{target}@no-such-rev", target, "-o", tmp_path / "out")
    assert missing.exit_code == 2
    assert "no-such-rev" in missing.output and "Traceback" not in missing.output

    # A mistake in the old version is located under the name the user typed.
    target.write_text(PROPOSAL.read_text("utf-8").replace("date: 2026-06-15",
                                                          "date: 2026-13-15"), "utf-8")
    _git(repo, "commit", "-qam", "bad date")
    shutil.copy(PROPOSAL, target)
    bad = invoke("redline", f"{target}@HEAD", target, "-o", tmp_path / "out", "--force")
    assert bad.exit_code == 2
    assert f"{target}@HEAD:6:7: date:" in bad.output


def test_two_kinds_are_refused_in_korean(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("redline", PROPOSAL, LETTER, "-o", tmp_path, "--lang", "ko")
    assert result.exit_code == 2
    assert "같은 제출 문서" in result.output
    assert not list(tmp_path.glob("*.docx"))


def test_an_edited_redline_is_not_overwritten(tmp_path: Path, invoke: Invoke) -> None:
    new = edited_letter(tmp_path)
    assert invoke("redline", LETTER, new, "-o", tmp_path / "out").exit_code == 0
    target = tmp_path / "out" / "letter-onnuri.redline.en.docx"
    target.write_bytes(target.read_bytes() + b" ")
    again = invoke("redline", LETTER, new, "-o", tmp_path / "out")
    assert again.exit_code == 2 and "--force" in again.output
    edited = target.read_bytes()
    forced = invoke("redline", LETTER, new, "-o", tmp_path / "out", "--force")
    assert forced.exit_code == 0 and "kept as" in forced.output
    backups = list((tmp_path / "out").glob("letter-onnuri.redline.en.edited-*.docx"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited


@needs_libreoffice
@pytest.mark.libreoffice
def test_redlines_convert_in_libreoffice(redlines: dict[str, Path], tmp_path: Path) -> None:
    from generator.pdf import convert_to_pdf

    docx = [shutil.copy(path, tmp_path / name) for name, path in sorted(redlines.items())]
    pdfs = convert_to_pdf([Path(p) for p in docx])
    assert len(pdfs) == 6
    english = " ".join(pdf_text(tmp_path / "proposal-lodestar.redline.en.pdf").split())
    # LibreOffice shows tracked changes: the deleted word stays visible beside the new one.
    assert "threefour years" in english and "Pinecrest Labeling" in english
    korean = " ".join(pdf_text(tmp_path / "letter-onnuri.redline.ko.pdf").split())
    assert "AI 최적화" in korean
    # Changes in the page header and a footnote convert too, and show.
    visible = " ".join(pdf_text(tmp_path / "visible.letter-onnuri.redline.en.pdf").split())
    assert "BUSINESS CONFIDENTIAL" in visible and "signed on July 23, 2025" in visible
    visible_ko = " ".join(pdf_text(tmp_path / "visible.letter-onnuri.redline.ko.pdf").split())
    assert "대통령 서명" in visible_ko


def test_a_header_only_new_has_is_inserted_whole() -> None:
    import datetime as dt

    from generator.redline import Revision, redline

    old, new = Document(), Document()
    for document in (old, new):
        document.add_paragraph("Body text.")
    header = new.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = "DRAFT FOR REVIEW"
    redline(old, new, Revision("A. Reviewer", dt.datetime(2026, 7, 1, tzinfo=dt.timezone.utc)))
    root = header.part.element
    assert changes(root, "ins") == ["DRAFT FOR REVIEW"]
    assert paragraph_texts(accept_all(copy.deepcopy(root))) == ["DRAFT FOR REVIEW"]
    assert "".join(paragraph_texts(reject_all(copy.deepcopy(root)))) == ""


def _bold_words(body: etree._Element) -> list[str]:
    """The text of every bold run a reader sees (deleted text included)."""
    out = []
    for run in body.iter(W + "r"):
        props = run.find(W + "rPr")
        bold = props.find(W + "b") if props is not None else None
        if bold is not None and bold.get(W + "val", "1") not in ("0", "false"):
            out.append("".join(t.text or "" for t in run.iter(W + "t", W + "delText")))
    return out


@pytest.mark.parametrize(("lang", "plain", "bold"), [
    ("en", "We represent Onnuri Semiconductor", "We represent **Onnuri Semiconductor**"),
    ("ko", "당사는 온누리반도체와", "당사는 **온누리반도체**와"),
])
def test_a_word_made_bold_is_a_tracked_change(tmp_path: Path, lang: str, plain: str,
                                              bold: str) -> None:
    """Formatting alone changed (a reviewer's bold word pulled into the YAML): the word
    is shown deleted and inserted, so rejecting every change gives OLD's formatting too."""
    text = LETTER.read_text("utf-8")
    assert text.count(plain) == 1
    new = version(tmp_path / "new", LETTER, text.replace(plain, bold))
    written = redline_versions(str(LETTER), str(new), tmp_path / "out")
    path = next(p for p in written.written if p.name.endswith(f".redline.{lang}.docx"))
    body = open_document(path.read_bytes()).element.body
    word = bold.split("**")[1]
    # Korean: the old word is one token with its particle ("온누리반도체와"), deleted whole.
    assert word in changes(body, "ins") and any(word in c for c in changes(body, "del"))
    assert word in _bold_words(accept_all(copy.deepcopy(body)))
    assert word not in _bold_words(reject_all(copy.deepcopy(body)))


def test_a_redline_of_two_same_versions_says_there_is_no_change(
        tmp_path: Path, invoke: Invoke) -> None:
    same = version(tmp_path / "copy", LETTER, LETTER.read_text("utf-8"))
    result = invoke("redline", str(LETTER), str(same), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert result.output.count("no changes") == 2, result.output
    changed = tmp_path / "changed"
    new = version(changed, LETTER, LETTER.read_text("utf-8").replace(
        "We represent Onnuri", "We represent and speak for Onnuri", 1))
    result = invoke("redline", str(LETTER), str(new), "-o", str(changed / "out"))
    # Only the English text changed: the Korean redline is the one with no change.
    assert result.output.count("no changes") == 1, result.output
    assert "redline.ko.docx: no changes" in result.output
