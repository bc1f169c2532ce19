"""Rich text pulled back: a field written in Markdown comes back as the same Markdown subset.

The reader (generator/readback.py) is the inverse of the build's layout (ooxml.resolve),
and `richtext.serialise` the inverse of `richtext.parse`: both checked on the sample
letter's rich fields and, for the serialiser, on generated documents. Then the edits a
reviewer makes in Word (a bold word, a list item's text, a new list item, a link's target,
a footnote's text), in English and in Korean, pulled with --yes: the YAML holds the new
Markdown and a rebuild shows the edit. What the subset cannot hold is reported.
"""

from __future__ import annotations

import copy
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import Invoke
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.build import BuildOptions, build_files
from generator.fields import paths_of
from generator.loader import load_submission
from generator.pull import _RICH, field_places
from generator.readback import Reader
from generator.richtext import (
    Block,
    RichDoc,
    Span,
    canonical,
    parse,
    reference_labels,
    serialise,
)

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "samples" / "letter-onnuri.yaml"


def plain(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text("utf-8"))


def controls(document: Any, path: str) -> list[Any]:
    return [sdt for sdt in document.element.body.iter(qn("w:sdt"))
            if sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) == path]


def texts_of(sdts: list[Any]) -> list[Any]:
    return [t for sdt in sdts for t in sdt.iter(qn("w:t"))]


def replace_in(sdts: list[Any], old: str, new: str) -> Any:
    for node in texts_of(sdts):
        if old in (node.text or ""):
            node.text = node.text.replace(old, new)
            return node
    raise AssertionError(old)


def rewrite_member(docx: Path, name: str, old: str, new: str) -> None:
    """Edit one part of a saved document as Word would (python-docx has no footnotes)."""
    with zipfile.ZipFile(docx) as package:
        members = [(info, package.read(info)) for info in package.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            if info.filename == name:
                text = data.decode("utf-8")
                assert old in text, old
                data = text.replace(old, new).encode("utf-8")
            out.writestr(info, data)
    docx.write_bytes(buffer.getvalue())


def rich_fields(lang: str) -> dict[str, str]:
    submission, _ = load_submission(LETTER)
    return {path: value.get(lang) for value, path in paths_of(submission)
            if _RICH.search(value.get(lang) or "")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rich")
    build_files([LETTER], BuildOptions(output_dir=out))
    return out


# --- the reader and the serialiser are inverses ------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_reader_reads_back_what_the_build_laid_out(built: Path, lang: str) -> None:
    document = Document(str(built / f"letter-onnuri.{lang}.docx"))
    places = field_places(document)
    reader = Reader(document, korean=lang == "ko")
    fields = rich_fields(lang)
    assert {"introduction", "answers[3].text"} <= set(fields)
    for path, source in fields.items():
        read = reader.read(places[(lang, path)][0].paragraphs)
        assert read.problems == []
        assert canonical(read.doc) == canonical(parse(source)), path
        # ...and its Markdown renders to the same document.
        markdown = serialise(read.doc, reference_labels(source), width=80)
        assert canonical(parse(markdown)) == canonical(parse(source)), markdown


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_samples_markdown_comes_back_as_written(lang: str) -> None:
    """Unwrapped, the serialiser writes the sample's own Markdown (lines joined)."""
    source = rich_fields(lang)["answers[3].text"]
    markdown = serialise(parse(source), reference_labels(source), width=0)
    unwrap = re.compile(r"\n(?! *(?:[-*]|\d+\.) |\n)(?<!\n\n) *")
    assert markdown == unwrap.sub(" ", source).replace("\n\n ", "\n\n")


_WORDS = st.sampled_from(["word", "trusted", "U.S.", "2,300", "a*b", "x_y", "[note]",
                          "<tag>", "back\\slash", "신뢰하는", "파트너", "1.", "-", "(see)",
                          "https://example.com/a"])
_TEXT = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)


@st.composite
def _spans(draw: Any) -> tuple[Span, ...]:
    out = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["text", "text", "link"]))
        text = draw(_TEXT)
        link = draw(st.sampled_from(["https://example.com/x", "mailto:a@b.example"])) \
            if kind == "link" else None
        out.append(Span(text, draw(st.booleans()), draw(st.booleans()), link))
        out.append(Span(" "))
    return tuple(out)


@st.composite
def _docs(draw: Any) -> RichDoc:
    count = draw(st.integers(0, 2))
    blocks: list[Block] = []
    lists = 0
    for _ in range(draw(st.integers(1, 5))):
        shape = draw(st.sampled_from(["paragraph", "list"]))
        spans = draw(_spans())
        if shape == "paragraph":
            blocks.append(Block(spans))
            continue
        kind = draw(st.sampled_from(["bullet", "decimal"]))
        index, lists = lists, lists + 1
        start = draw(st.integers(1, 3)) if kind == "decimal" else 1
        for number in range(draw(st.integers(1, 3))):
            blocks.append(Block(draw(_spans()), kind, 0, index, start, True))
            if number == 0 and draw(st.booleans()):  # a nested list under the first item
                nested = draw(st.sampled_from(["bullet", "decimal"]))
                blocks.append(Block(draw(_spans()), nested, 1, lists, 1, True))
                lists += 1
    # Every note referenced in order (as parse numbers them): one reference each.
    refs = [Span(note=n) for n in range(count)]
    blocks.append(Block(tuple(s for s in blocks[-1].spans if s.note is None) + tuple(refs)))
    clean = [Block(tuple(s for s in b.spans if s.note is None), b.kind, b.level,
                   b.list_index, b.start, b.item) for b in blocks[:-1]]
    notes = tuple((Block(draw(_spans())),) for _ in range(count))
    return RichDoc((*clean, blocks[-1]), notes)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_docs(), st.sampled_from([0, 40, 80]))
def test_serialised_markdown_parses_to_the_same_document(doc: RichDoc, width: int) -> None:
    """parse(serialise(doc)) lays out as doc: emphasis next to punctuation, marks that
    are Markdown (`*`, `_`, `[`, `<`, a line starting "1." or "-"), Korean, nested and
    adjacent lists, links and footnotes, wrapped or not."""
    wanted = canonical(doc)
    markdown = serialise(doc, width=width)
    assert canonical(parse(markdown)) == wanted, markdown


# --- edits in Word, pulled --------------------------------------------------------------

EDITS: dict[str, dict[str, Any]] = {
    "en": {"bold": ("trusted partners", "trusted allied partners"),
           "item": ("production and", "production, research and"),
           "added": "review the criteria every year.",
           "note": ("signed July 23, 2025", "signed by the President on July 23, 2025")},
    "ko": {"bold": ("신뢰하는 파트너", "신뢰할 수 있는 파트너"),
           "item": ("고용 실적이", "고용 기록이"),
           "added": "기준을 매년 검토합니다.",
           "note": ("2025년 7월 23일 서명", "2025년 7월 23일 대통령 서명")},
}
NEW_DOCKET = "https://www.regulations.gov/docket/ITA-2025-0071"


def edit_in_word(document: Any, lang: str) -> None:
    edits = EDITS[lang]
    intro, answer = controls(document, "introduction"), controls(document, "answers[3].text")
    bold = replace_in(intro, *edits["bold"])
    assert bold.getparent().find(f"{qn('w:rPr')}/{qn('w:b')}") is not None  # the bold run
    replace_in(answer, *edits["item"])
    # A new list item: the last item's paragraph copied, as Enter at its end in Word.
    last = answer[-1].getparent()
    added = copy.deepcopy(last)
    nodes = list(added.iter(qn("w:t")))
    nodes[0].text = edits["added"]
    for node in nodes[1:]:
        node.text = ""
    last.addnext(added)
    # The docket link to a new target: Word adds a relationship for it.
    link = next(sdt for sdt in intro if sdt.find(f".//{qn('w:hyperlink')}") is not None)
    hyperlink = link.find(f".//{qn('w:hyperlink')}")
    hyperlink.set(qn("r:id"), document.part.relate_to(NEW_DOCKET, RT.HYPERLINK,
                                                      is_external=True))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_edits_in_word_come_back_as_markdown(tmp_path: Path, invoke: Invoke,
                                             lang: str) -> None:
    text = LETTER.read_text("utf-8").replace("introduction:\n", "introduction:  # 서론\n")
    yaml_path = tmp_path / "letter-onnuri.yaml"
    yaml_path.write_text(text, "utf-8")
    before = plain(yaml_path)
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "out"))
    document = Document(str(tmp_path / "out" / f"letter-onnuri.{lang}.docx"))
    edit_in_word(document, lang)
    edited = tmp_path / f"reviewed.{lang}.docx"
    document.save(str(edited))
    rewrite_member(edited, "word/footnotes.xml", *EDITS[lang]["note"])

    result = invoke("pull", edited, "--into", yaml_path, "--yes")

    assert result.exit_code == 0, result.output
    assert "not pulled" not in result.output, result.output
    after = plain(yaml_path)
    intro, answer = after["introduction"][lang], after["answers"][3]["text"][lang]
    flat = " ".join(intro.split())
    edits = EDITS[lang]
    assert f"**{edits['bold'][1]}**" in flat
    assert f"]({NEW_DOCKET}))" in flat and "ITA-2025-0070)" not in flat
    assert "[^eo]: " in flat and edits["note"][1] in flat  # the YAML's own label kept
    assert flat.count("[^eo]") == 2
    assert edits["item"][1] in " ".join(answer.split())
    assert re.search(rf"^3\. {re.escape(edits['added'])}$", answer, re.MULTILINE), answer
    assert "  - " in answer  # the nested item stays nested
    # Italics stay italics (Korean: the emphasis dots and bold the build sets for them).
    assert re.search(r"(?<!\*)\*(long record|오래된)\*(?!\*)", answer), answer
    # Nothing else changed: the other language, other fields, the comment.
    after["introduction"][lang] = before["introduction"][lang]
    after["answers"][3]["text"][lang] = before["answers"][3]["text"][lang]
    assert after == before
    assert "introduction:  # 서론" in yaml_path.read_text("utf-8")

    # A rebuild shows each edit where the reader meets it.
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "again"))
    rebuilt = Document(str(tmp_path / "again" / f"letter-onnuri.{lang}.docx"))
    places = field_places(rebuilt)
    reader = Reader(rebuilt, korean=lang == "ko")
    shown = reader.read(places[(lang, "introduction")][0].paragraphs).doc
    spans = [s for b in shown.blocks for s in b.spans]
    assert any(s.bold and s.text == edits["bold"][1] for s in spans)
    assert any(s.link == NEW_DOCKET for s in spans)
    note = "".join(s.text for b in shown.notes[0] for s in b.spans)
    assert edits["note"][1] in note
    items = reader.read(places[(lang, "answers[3].text")][0].paragraphs).doc.blocks
    numbered = [b for b in items if b.kind == "decimal"]
    assert len(numbered) == 3 and "".join(s.text for s in numbered[-1].spans) == (
        edits["added"])


def test_an_unedited_but_reflowed_field_is_no_edit(tmp_path: Path, invoke: Invoke) -> None:
    """The YAML's own line breaks are not what a reader sees: a Word file whose runs were
    split differently (Word does this when it saves) pulls as no edit."""
    yaml_path = tmp_path / "letter-onnuri.yaml"
    yaml_path.write_bytes(LETTER.read_bytes())
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "out"))
    document = Document(str(tmp_path / "out" / "letter-onnuri.en.docx"))
    for sdt in controls(document, "introduction"):
        for run in list(sdt.iter(qn("w:r"))):
            node = run.find(qn("w:t"))
            if node is None or len(node.text or "") < 8:
                continue
            second = copy.deepcopy(run)
            half = len(node.text) // 2
            second.find(qn("w:t")).text = node.text[half:]
            node.text = node.text[:half]
            run.addnext(second)
    document.save(str(tmp_path / "split.en.docx"))
    result = invoke("pull", tmp_path / "split.en.docx", "--into", yaml_path, "--yes")
    assert "no field was changed" in result.output, result.output
    assert yaml_path.read_bytes() == LETTER.read_bytes()


def _png() -> bytes:
    """A one-pixel PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def _insert_table(document: Any) -> None:
    first = controls(document, "introduction")[0].getparent()
    table = document.add_table(rows=1, cols=2)._tbl
    first.addnext(table)


def _insert_image(document: Any, tmp_path: Path) -> None:
    image = tmp_path / "dot.png"
    image.write_bytes(_png())
    run = controls(document, "introduction")[0].find(f".//{qn('w:r')}")
    holder = document.add_paragraph().add_run()
    holder.add_picture(str(image))
    drawing = holder._r.find(qn("w:drawing"))
    run.append(drawing)
    holder._r.getparent().getparent().remove(holder._r.getparent())


def _heading_style(document: Any) -> None:
    paragraph = controls(document, "introduction")[-1].getparent()
    paragraph.get_or_add_pPr().style = "Heading1"  # Word's Heading 1 button


@pytest.mark.parametrize("change, needle", [
    ("table", "introduction.en now holds a table"),
    ("image", "introduction.en now holds an image"),
    ("heading", "introduction.en now holds a paragraph style"),
])
def test_what_the_markdown_cannot_hold_is_reported_not_dropped(
        tmp_path: Path, invoke: Invoke, change: str, needle: str) -> None:
    yaml_path = tmp_path / "letter-onnuri.yaml"
    yaml_path.write_bytes(LETTER.read_bytes())
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "out"))
    document = Document(str(tmp_path / "out" / "letter-onnuri.en.docx"))
    replace_in(controls(document, "introduction"), "welcomes", "warmly welcomes")
    if change == "table":
        _insert_table(document)
    elif change == "image":
        _insert_image(document, tmp_path)
    else:
        _heading_style(document)
    document.save(str(tmp_path / "e.en.docx"))
    result = invoke("pull", tmp_path / "e.en.docx", "--into", yaml_path, "--yes")
    assert result.exit_code == 0, result.output
    assert needle in result.output and "copy the edit into the YAML by hand" in result.output
    assert yaml_path.read_bytes() == LETTER.read_bytes()  # nothing half-pulled


def test_the_report_in_korean(tmp_path: Path, invoke: Invoke) -> None:
    yaml_path = tmp_path / "letter-onnuri.yaml"
    yaml_path.write_bytes(LETTER.read_bytes())
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "out"))
    document = Document(str(tmp_path / "out" / "letter-onnuri.ko.docx"))
    _insert_table(document)
    document.save(str(tmp_path / "e.ko.docx"))
    result = invoke("pull", tmp_path / "e.ko.docx", "--into", yaml_path, "--yes",
                    "--lang", "ko")
    assert "반영하지 않음: introduction.ko에 YAML의 마크다운으로 담을 수 없는 내용(표)" in result.output


def test_bold_added_to_a_plain_field_comes_back_as_markdown(tmp_path: Path,
                                                           invoke: Invoke) -> None:
    """A field the YAML holds as plain text, edited in Word with a word made bold: pulled
    as Markdown, not as plain text that would drop the bold."""
    yaml_path = tmp_path / "letter-onnuri.yaml"
    yaml_path.write_bytes(LETTER.read_bytes())
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "out"))
    document = Document(str(tmp_path / "out" / "letter-onnuri.en.docx"))
    node = replace_in(controls(document, "closing"), "glad", "glad")
    run = node.getparent()
    text = node.text
    start = text.index("glad")
    after = copy.deepcopy(run)
    bold = copy.deepcopy(run)
    node.text, bold.find(qn("w:t")).text = text[:start], "glad"
    after.find(qn("w:t")).text = text[start + len("glad"):]
    properties = bold.find(qn("w:rPr"))
    if properties is None:
        properties = bold.makeelement(qn("w:rPr"), {})
        bold.insert(0, properties)
    properties.append(properties.makeelement(qn("w:b"), {}))
    run.addnext(bold)
    bold.addnext(after)
    document.save(str(tmp_path / "e.en.docx"))
    result = invoke("pull", tmp_path / "e.en.docx", "--into", yaml_path, "--yes")
    assert result.exit_code == 0, result.output
    assert "**glad**" in plain(yaml_path)["closing"]["en"]


@pytest.mark.parametrize("lang, field, old, new", [
    ("en", "answers[3].text", "long record", "long, steady record"),  # a literal block
    ("ko", "answers[3].text", "오래된", "오래되고 꾸준한"),
    ("en", "introduction", "trusted partners", "trusted allied partners"),  # folded
    ("ko", "introduction", "신뢰하는 파트너", "신뢰할 수 있는 파트너"),
])
def test_one_item_or_paragraph_edited_changes_its_lines_only(
        tmp_path: Path, invoke: Invoke, lang: str, field: str, old: str, new: str) -> None:
    """The other items and paragraphs keep the YAML's own lines: the diff a reviewer is
    shown, and the commit, hold the edited item or paragraph only."""
    import difflib

    yaml_path = tmp_path / "letter-onnuri.yaml"
    yaml_path.write_bytes(LETTER.read_bytes())
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "out"))
    document = Document(str(tmp_path / "out" / f"letter-onnuri.{lang}.docx"))
    replace_in(controls(document, field), old, new)
    document.save(str(tmp_path / f"e.{lang}.docx"))
    result = invoke("pull", tmp_path / f"e.{lang}.docx", "--into", yaml_path, "--yes")
    assert result.exit_code == 0, result.output
    diff = [line for line in difflib.unified_diff(
        LETTER.read_text("utf-8").splitlines(), yaml_path.read_text("utf-8").splitlines(),
        lineterm="", n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    removed = " ".join(" ".join(line[1:].split()) for line in diff if line[0] == "-")
    added = " ".join(" ".join(line[1:].split()) for line in diff if line[0] == "+")
    item = next(i for i in re.split(r"\n(?= *- )|\n\n", rich_fields(lang)[field])
                if old in i)
    assert removed and removed in " ".join(item.split()), diff  # that item's lines only
    assert added == removed.replace(old, new), diff


def test_tracked_changes_in_a_markdown_field_count_as_accepted(tmp_path: Path,
                                                               invoke: Invoke) -> None:
    yaml_path = tmp_path / "letter-onnuri.yaml"
    yaml_path.write_bytes(LETTER.read_bytes())
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "out"))
    document = Document(str(tmp_path / "out" / "letter-onnuri.en.docx"))
    bold = replace_in(controls(document, "introduction"), "trusted partners",
                      "trusted partners").getparent()
    inserted = bold.makeelement(qn("w:ins"), {qn("w:id"): "1", qn("w:author"): "counsel"})
    added = copy.deepcopy(bold)  # bold too: typed inside the bold words
    added.find(qn("w:t")).text = " and allies"
    inserted.append(added)
    bold.addnext(inserted)
    deleted = bold.makeelement(qn("w:del"), {qn("w:id"): "2", qn("w:author"): "counsel"})
    gone = copy.deepcopy(bold)
    gone.find(qn("w:t")).tag = qn("w:delText")
    gone.find(qn("w:delText")).text = "very "
    deleted.append(gone)
    bold.addprevious(deleted)
    document.save(str(tmp_path / "tracked.en.docx"))
    result = invoke("pull", tmp_path / "tracked.en.docx", "--into", yaml_path, "--yes")
    assert result.exit_code == 0, result.output
    intro = " ".join(plain(yaml_path)["introduction"]["en"].split())
    assert "as **trusted partners and allies**." in intro and "very" not in intro


def test_both_languages_edited_in_the_side_by_side_copy(tmp_path: Path,
                                                        invoke: Invoke) -> None:
    """Both languages of a list item edited in one pull: both pulled, neither reported as
    left behind, no DRIFT."""
    yaml_path = tmp_path / "letter-onnuri.yaml"
    yaml_path.write_bytes(LETTER.read_bytes())
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "out"))
    document = Document(str(tmp_path / "out" / "letter-onnuri.bilingual.docx"))
    answer = controls(document, "answers[3].text")
    replace_in(answer, "long record", "long, steady record")
    replace_in(answer, "오래된", "오래되고 꾸준한")
    document.save(str(tmp_path / "e.bilingual.docx"))
    result = invoke("pull", tmp_path / "e.bilingual.docx", "--into", yaml_path, "--yes")
    assert result.exit_code == 0, result.output
    text = plain(yaml_path)["answers"][3]["text"]
    assert "*long, steady record*" in text["en"] and "*오래되고 꾸준한*" in text["ko"]
    assert "may no longer match" not in result.output
    assert "DRIFT" not in invoke("check", yaml_path).output


def test_korean_bold_italics_unedited_are_no_edit(tmp_path: Path, invoke: Invoke) -> None:
    """Korean sets italics as bold with emphasis dots, so ***bold italics*** look as
    *italics* do: read back unedited, they are no edit."""
    yaml_path = tmp_path / "letter-onnuri.yaml"
    yaml_path.write_text(LETTER.read_text("utf-8").replace("*오래된*", "***오래된***"),
                         "utf-8")
    data = yaml_path.read_bytes()
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "out"))
    result = invoke("pull", tmp_path / "out" / "letter-onnuri.ko.docx", "--into", yaml_path)
    assert "no field was changed" in result.output, result.output
    assert yaml_path.read_bytes() == data


FR_DOC = "https://www.federalregister.gov/d/2025-14218"


def test_a_link_in_a_footnote_is_the_footnotes_own_and_comes_back(
        tmp_path: Path, invoke: Invoke) -> None:
    """An r:id is looked up in the part that holds it: a footnote's link is a relationship
    of footnotes.xml (Word and LibreOffice drop it otherwise; the PDF lost it), in every
    document, the side-by-side copy's Korean notes included; pulled, it is a link again."""
    text = LETTER.read_text("utf-8").replace(
        "(FR Doc. 2025-14218,", f"([FR Doc. 2025-14218]({FR_DOC}),").replace(
        "서명(FR Doc.\n    2025-14218,", f"서명([FR Doc.\n    2025-14218]({FR_DOC}),")
    assert text.count(FR_DOC) == 2
    yaml_path = tmp_path / "letter-onnuri.yaml"
    yaml_path.write_text(text, "utf-8")
    build_files([yaml_path], BuildOptions(output_dir=tmp_path / "out"))
    for variant, links in (("en", 1), ("ko", 1), ("bilingual", 2)):
        with zipfile.ZipFile(tmp_path / "out" / f"letter-onnuri.{variant}.docx") as package:
            notes = package.read("word/footnotes.xml").decode("utf-8")
            rels = package.read("word/_rels/footnotes.xml.rels").decode("utf-8")
        ids = re.findall(r'<w:hyperlink r:id="([^"]+)"', notes)
        assert len(ids) == links, variant
        for r_id in ids:
            assert re.search(rf'Id="{r_id}"[^>]*Target="{re.escape(FR_DOC)}"', rels), variant
    # Unedited: no edit. Retargeted in Word: the new target in the YAML's footnote.
    document = tmp_path / "out" / "letter-onnuri.en.docx"
    assert "no field was changed" in invoke("pull", document, "--into", yaml_path).output
    rewrite_member(document, "word/_rels/footnotes.xml.rels", FR_DOC, FR_DOC + "?v=2")
    result = invoke("pull", document, "--into", yaml_path, "--yes")
    assert result.exit_code == 0, result.output
    intro = " ".join(plain(yaml_path)["introduction"]["en"].split())
    assert f"[FR Doc. 2025-14218]({FR_DOC}?v=2)" in intro
