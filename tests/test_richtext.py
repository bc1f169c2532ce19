"""Rich text in fields: what a reader of each copy meets (paragraphs, list numbering,
emphasis, links, footnotes), and what prints as typed."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from generator.build import BuildOptions, build_files, build_submission
from generator.loader import load_profile, load_submission
from generator.pdf import convert_to_pdf
from generator.richtext import parse

from helpers import text_of

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "samples" / "letter-onnuri.yaml"
PROFILE = load_profile()
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@pytest.fixture(scope="module")
def letter() -> dict[str, DocumentObject]:
    submission, _ = load_submission(LETTER, profile=PROFILE)
    data = build_submission(submission, PROFILE, stem="letter")
    return {name.split(".")[-2]: Document(io.BytesIO(blob)) for name, blob in data.items()}


def _body_paragraphs(document: DocumentObject) -> list[etree._Element]:
    return list(document.element.body.iter(qn("w:p")))


def _text(p: etree._Element) -> str:
    return text_of(p)


def _after(document: DocumentObject, start: str, count: int) -> list[etree._Element]:
    paragraphs = _body_paragraphs(document)
    index = next(i for i, p in enumerate(paragraphs) if _text(p).startswith(start))
    return paragraphs[index:index + count]


def _footnotes(document: DocumentObject) -> etree._Element:
    rel = next(r for r in document.part.rels.values() if r.reltype == RT.FOOTNOTES)
    return etree.fromstring(rel.target_part.blob)


def _numbering(document: DocumentObject) -> etree._Element:
    return document.part.numbering_part.element


# --- the parser's subset -------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["3 * 4", "C++", "a_b_c", "[A.1]", "# heading",
                                   "<b>x</b>", "x < y && z > 1", "`code`", "| a | b |",
                                   "> quoted", "&amp;", "**", "제출일: 2025. 12. 12."])
def test_what_is_not_markup_prints_as_typed(typed: str) -> None:
    doc = parse(typed)
    assert doc.plain == typed


def test_images_and_other_links_print_as_typed() -> None:
    assert parse("see ![img](x.png)").plain == "see ![img](x.png)"
    assert parse("[doc](file.docx)").plain == "[doc](file.docx)"
    assert parse("ftp <ftp://x.example/y>").plain == "ftp <ftp://x.example/y>"
    # Names with dots are not links without a scheme.
    assert parse("Node.js and U.S.C. and www.example.com").plain == (
        "Node.js and U.S.C. and www.example.com")


def test_structure_counts() -> None:
    doc = parse("One\nline.\n\n- a\n- b\n  - c\n\n1. d\n\nText[^1] and[^1].\n\n[^1]: Note.\n"
                "\n[^x]: never used")
    assert doc.paragraphs == 2 and doc.items == 4 and doc.references == 2
    assert [b.level for b in doc.blocks if b.kind] == [0, 0, 1, 0]
    assert doc.blocks[0].spans[0].text == "One line."  # a single newline is a space
    assert doc.unused_notes == ("x",)


# --- the sample letter, in every copy ------------------------------------------------------


def test_a_blank_line_in_a_folded_scalar_starts_a_paragraph(
        letter: dict[str, DocumentObject]) -> None:
    """The introduction is a `>-` block with one blank line: two paragraphs, then the
    commenter's description, in the body style."""
    starts = {"en": "Onnuri Semiconductor welcomes", "ko": "온누리반도체는 미국산"}
    for lang, start in starts.items():
        first, second, description = _after(letter[lang], start, 3)
        assert "join consortia" in _text(second) or "컨소시엄에 참여" in _text(second)
        assert "2,300" in _text(description)
        for p in (first, second):
            assert p.find(f"{W}pPr/{W}pStyle") is None  # Normal
            assert p.find(f"{W}pPr/{W}numPr") is None


def test_list_items_are_numbered_by_word(letter: dict[str, DocumentObject]) -> None:
    expected = {"en": ("bullet", "decimal", "•", "%1."), "ko": ("bullet", "decimal", "○", "%1)")}
    for lang in ("en", "ko", "bilingual"):
        document = letter[lang]
        items = [p for p in _body_paragraphs(document) if p.find(f"{W}pPr/{W}numPr") is not None]
        # Section C: two bullets, one sub-bullet, two numbered steps (both languages in
        # the side-by-side copy).
        assert len(items) == (10 if lang == "bilingual" else 5), lang
        assert not any(_text(p).lstrip().startswith(("•", "-", "○")) for p in items)
        levels = [p.find(f"{W}pPr/{W}numPr/{W}ilvl").get(f"{W}val") for p in items]
        if lang == "bilingual":
            levels = levels[0::2]  # a row per item: English, Korean, English, ...
        assert levels[:5] == ["0", "0", "1", "0", "0"]
        numbering = _numbering(document)
        num_ids = {p.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val") for p in items}
        nums = {n.get(f"{W}numId"): n for n in numbering.iter(f"{W}num")}
        assert num_ids <= set(nums)
        abstracts = {a.get(f"{W}abstractNumId"): a for a in numbering.iter(f"{W}abstractNum")}
        formats = set()
        for num_id in num_ids:
            abstract = abstracts[nums[num_id].find(f"{W}abstractNumId").get(f"{W}val")]
            level0 = abstract.find(f"{W}lvl")
            formats.add((level0.find(f"{W}numFmt").get(f"{W}val"),
                         level0.find(f"{W}lvlText").get(f"{W}val")))
        langs = ("en", "ko") if lang == "bilingual" else (lang,)
        for each in langs:
            bullet_fmt, decimal_fmt, bullet, decimal = expected[each]
            assert (bullet_fmt, bullet) in formats and (decimal_fmt, decimal) in formats
    # The Korean second level of a numbered list: 가), the Korean item marks.
    ko = _numbering(letter["ko"])
    assert any(level.find(f"{W}numFmt").get(f"{W}val") == "ganada"
               for level in ko.iter(f"{W}lvl"))


def test_emphasis_is_run_formatting(letter: dict[str, DocumentObject]) -> None:
    def runs_with(document: DocumentObject, text: str) -> list[etree._Element]:
        return [r for r in document.element.body.iter(f"{W}r") if _text(r) == text]

    bold = runs_with(letter["en"], "trusted partners")
    assert bold and bold[0].find(f"{W}rPr/{W}b") is not None
    italic = runs_with(letter["en"], "long record")
    assert italic and italic[0].find(f"{W}rPr/{W}i") is not None
    # Korean: no slanted Hangul; emphasis dots (and bold, which LibreOffice shows).
    for document in (letter["ko"], letter["bilingual"]):
        korean = runs_with(document, "오래된")
        assert korean, "the Korean emphasis"
        props = korean[0].find(f"{W}rPr")
        assert props.find(f"{W}i") is None
        assert props.find(f"{W}em").get(f"{W}val") == "dot"
        assert props.find(f"{W}b") is not None
    assert not any(r.find(f"{W}rPr/{W}i") is not None for r in
                   letter["ko"].element.body.iter(f"{W}r"))


def test_links_are_hyperlinks_to_the_url(letter: dict[str, DocumentObject]) -> None:
    url = "https://www.regulations.gov/docket/ITA-2025-0070"
    for lang in ("en", "ko", "bilingual"):
        document = letter[lang]
        # The answer's own link; the "Submitted via" line's link is tested below.
        links = [link for link in document.element.body.iter(f"{W}hyperlink")
                 if "Regulations.gov" not in _text(link)]
        assert len(links) == (2 if lang == "bilingual" else 1), lang
        for link in links:
            rel = document.part.rels[link.get(R_ID)]
            assert rel.is_external and rel.target_ref == url
            assert _text(link) == "ITA-2025-0070"  # as Regulations.gov lists it
            assert link.find(f"{W}r/{W}rPr/{W}rStyle").get(f"{W}val") == "Hyperlink"
        assert "Hyperlink" in [s.style_id for s in document.styles]


def test_submitted_via_links_the_docket_as_regulations_gov_lists_it(
        letter: dict[str, DocumentObject]) -> None:
    """The notice's wording (ITA-ITA-2025-0070) stays in the docket line; the "Submitted via"
    line links to the docket's page under the id Regulations.gov uses (ITA-2025-0070)."""
    notice = PROFILE.notice("rfi-2025")
    url = notice.regulations_gov_url
    assert url == "https://www.regulations.gov/docket/ITA-2025-0070"
    shown = {"en": "Regulations.gov, docket ITA-2025-0070",
             "ko": "Regulations.gov, 문서 번호 ITA-2025-0070"}
    for lang in ("en", "ko", "bilingual"):
        document = letter[lang]
        paragraphs = _body_paragraphs(document)
        via = [p for p in paragraphs
               if _text(p).startswith(("Submitted via: ", "제출 경로: "))]
        assert len(via) == (2 if lang == "bilingual" else 1), lang
        for p in via:
            ko = _text(p).startswith("제출 경로")
            links = p.findall(f"{W}hyperlink")
            assert len(links) == 1
            rel = document.part.rels[links[0].get(R_ID)]
            assert rel.is_external and rel.target_ref == url
            assert _text(links[0]) == shown["ko" if ko else "en"]
            assert links[0].find(f"{W}r/{W}rPr/{W}rStyle").get(f"{W}val") == "Hyperlink"
            # The other channel stays plain text after the link.
            assert _text(p).endswith("또는 aiexports.gov" if ko else "or aiexports.gov")
        dockets = [_text(p) for p in paragraphs
                   if _text(p).startswith(("Docket No", "문서 번호(Docket No.) "))]
        assert len(dockets) == (2 if lang == "bilingual" else 1), lang
        for line in dockets:
            assert "ITA-ITA-2025-0070" in line
            assert "ITA-2025-0070" not in line.replace("ITA-ITA-2025-0070", "")


def test_footnotes_are_word_footnotes(letter: dict[str, DocumentObject]) -> None:
    texts = {"en": "Executive Order 14320, Promoting the Export",
             "ko": "행정명령 제14320호"}
    for lang in ("en", "ko", "bilingual"):
        document = letter[lang]
        refs = [r.get(f"{W}id") for r in document.element.body.iter(f"{W}footnoteReference")]
        assert len(refs) == (2 if lang == "bilingual" else 1), lang
        notes = {n.get(f"{W}id"): n for n in _footnotes(document).iter(f"{W}footnote")}
        # The separator footnotes Word expects, then one footnote per reference.
        assert notes["-1"].get(f"{W}type") == "separator"
        assert notes["0"].get(f"{W}type") == "continuationSeparator"
        note_pr = document.settings.element.find(f"{W}footnotePr")
        assert [n.get(f"{W}id") for n in note_pr] == ["-1", "0"]
        bodies = [_text(notes[r]) for r in refs]
        langs = ("en", "ko") if lang == "bilingual" else (lang,)
        for body, each in zip(bodies, langs, strict=True):
            assert texts[each] in body
            assert "[^" not in body
        for ref in refs:
            note = notes[ref]
            assert note.find(f".//{W}footnoteRef") is not None
            assert note.find(f"{W}p/{W}pPr/{W}pStyle").get(f"{W}val") == "FootnoteText"
    # The EO's title is italic in English: a run of the footnote.
    english = _footnotes(letter["en"])
    assert any(r.find(f"{W}rPr/{W}i") is not None and "Promoting" in _text(r)
               for r in english.iter(f"{W}r"))


def test_korean_closing_mark_follows_the_last_paragraph(
        letter: dict[str, DocumentObject]) -> None:
    closing = [p for p in _body_paragraphs(letter["ko"]) if _text(p).endswith("  끝.")]
    assert len(closing) == 1


# --- table cells and custom layout ----------------------------------------------------------


def test_rich_text_in_table_cells(tmp_path: Path) -> None:
    source = (ROOT / "samples" / "proposal-lodestar.yaml").read_text(encoding="utf-8")
    pattern = re.compile(r"(      contribution:\n        en: )(.*)\n", re.MULTILINE)
    assert pattern.search(source), "the sample's first contribution"
    source = pattern.sub(
        lambda m: m.group(1) + '"Servers:\\n\\n- **assembled** in Texas\\n- shipped by air"\n',
        source, count=1)
    path = tmp_path / "p.yaml"
    path.write_text(source, encoding="utf-8")
    submission, _ = load_submission(path, profile=PROFILE)
    data = build_submission(submission, PROFILE, stem="p")
    for name in ("p.en.docx", "p.bilingual.docx"):
        document = Document(io.BytesIO(data[name]))
        tables = list(document.tables)
        tables += [inner for t in document.tables for row in t.rows for c in row.cells
                   for inner in c.tables]
        cells = [c for t in tables for row in t.rows for c in row.cells
                 if "shipped by air" in c.text and not c.tables]
        cell = cells[0]
        texts = [p.text for p in cell.paragraphs]
        assert texts[-3:] == ["Servers:", "assembled in Texas", "shipped by air"], texts
        items = cell.paragraphs[-2:]
        for p in items:
            assert p._p.find(f"{W}pPr/{W}numPr") is not None
            assert p.style.name == "Table Text"


def test_every_part_stays_in_schema_order(tmp_path: Path) -> None:
    from test_ooxml import misordered

    build_files([LETTER], BuildOptions(output_dir=tmp_path))
    for path in tmp_path.glob("*.docx"):
        with zipfile.ZipFile(path) as package:
            assert "word/footnotes.xml" in package.namelist()
            for name in package.namelist():
                if name.endswith(".xml"):
                    assert misordered(package.read(name)) == [], (path.name, name)


# --- through LibreOffice --------------------------------------------------------------------

IN_CI = bool(os.environ.get("CI"))
MISSING = [tool for tool in ("soffice", "pdftotext") if shutil.which(tool) is None]


@pytest.mark.libreoffice
@pytest.mark.skipif(bool(MISSING) and not IN_CI, reason=f"not installed: {', '.join(MISSING)}")
def test_pdf_has_footnotes_at_the_page_foot_and_bullets(tmp_path: Path) -> None:
    build_files([LETTER], BuildOptions(output_dir=tmp_path))
    pdfs = convert_to_pdf([tmp_path / "letter-onnuri.en.docx", tmp_path / "letter-onnuri.ko.docx"])
    for pdf, note, bullet in zip(pdfs, ("Executive Order 14320, Promoting", "행정명령 제14320호"),
                                 ("•", "○"), strict=True):
        first = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                               capture_output=True, text=True, check=True).stdout
        lines = [line.strip() for line in first.splitlines() if line.strip()]
        # The note's text is on the page of its reference, below the body text, just
        # above the page number.
        at = next(i for i, line in enumerate(lines) if note in line)
        assert at >= len(lines) - 4, lines[-6:]
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "[^" not in text and "**" not in text
        bullets = [line for line in text.splitlines() if line.strip().startswith(bullet)]
        assert len(bullets) == 2, text


# --- the check ------------------------------------------------------------------------------


def test_check_warns_when_the_languages_differ_in_structure(tmp_path: Path) -> None:
    from generator.inputs import check_files

    source = LETTER.read_text(encoding="utf-8")
    changed = source.replace("        - 미국 내 투자", "        미국 내 투자", 1)
    changed = changed.replace("[^eo]: 행정명령", "[^kr]: 행정명령", 1)
    assert "        미국 내 투자" in changed and "[^kr]" in changed
    path = tmp_path / "letter.yaml"
    path.write_text(changed, encoding="utf-8")
    report = check_files([path], profile=PROFILE)
    found = [(f.rule, f.path, f.line) for f in report.findings
             if f.rule.startswith("RICHTEXT")]
    lines = changed.split("\n")
    answer_line = next(i for i, line in enumerate(lines, 1) if "question: C" in line) + 1
    intro_line = next(i for i, line in enumerate(lines, 1) if line == "introduction:")
    assert ("RICHTEXT-STRUCTURE", "answers[3].text", answer_line) in found  # items 5 / 4
    assert ("RICHTEXT-STRUCTURE", "introduction", intro_line) in found  # footnotes 1 / 0
    assert any(rule == "RICHTEXT-STRUCTURE" and where == "introduction.ko"
               for rule, where, _ in found)
    # The sample itself has the same structure in both languages.
    clean = check_files([LETTER], profile=PROFILE)
    assert not [f for f in clean.findings if f.rule.startswith("RICHTEXT")]


def test_unsupported_markup_prints_as_typed_in_every_copy(tmp_path: Path) -> None:
    """Headings, raw HTML and images are not Markdown here: they print as typed."""
    typed = ["# Heading", "<b>x</b> and <script>alert(1)</script>", "![img](x.png)"]
    source = LETTER.read_text(encoding="utf-8")
    start = source.index("closing:\n")
    source = source[:start] + "closing:\n  en: |-\n" + "".join(
        f"    {t}\n\n" for t in typed).rstrip("\n") + "\n  ko: |-\n" + "".join(
        f"    {t}\n\n" for t in typed).rstrip("\n") + "\n"
    path = tmp_path / "letter.yaml"
    path.write_text(source, encoding="utf-8")
    submission, _ = load_submission(path, profile=PROFILE)
    data = build_submission(submission, PROFILE, stem="l")
    for name, blob in data.items():
        document = Document(io.BytesIO(blob))
        texts = [_text(p) for p in _body_paragraphs(document)]
        for literal in typed[:2]:
            assert literal in texts, (name, literal)
        assert "![img](x.png)" in texts or "![img](x.png)  끝." in texts, name
        body = document.element.body
        assert not list(body.iter(f"{W}drawing")) and not list(body.iter("script"))


def test_a_field_in_a_page_header_prints_as_plain_text(tmp_path: Path) -> None:
    """A custom template may put a field in the header: one line of text there, no
    leftover placeholder (which Word would refuse)."""
    document = Document(str(ROOT / "templates" / "comment-letter.docx"))
    header = document.sections[0].header.paragraphs[0]
    header.text = "{{ subject }}"
    template = tmp_path / "comment-letter.docx"
    document.save(str(template))
    source = LETTER.read_text(encoding="utf-8").replace(
        "  en: Participation of allied companies", "  en: __Participation__ of allied companies")
    path = tmp_path / "letter.yaml"
    path.write_text(source, encoding="utf-8")
    submission, _ = load_submission(path, profile=PROFILE)
    data = build_submission(submission, PROFILE, stem="l", template_dir=tmp_path)
    with zipfile.ZipFile(io.BytesIO(data["l.en.docx"])) as package:
        headers = [package.read(n).decode() for n in package.namelist()
                   if n.startswith("word/header")]
    assert any("Participation of allied companies" in h for h in headers)
    assert not any("urn:propgen:richtext" in h for h in headers)


def test_a_stand_in_translation_keeps_its_structure_and_is_highlighted(tmp_path: Path) -> None:
    """A draft without the English of a list answer: the Korean stands in, as a list, with
    the marker before it and the whole passage highlighted (issue #13's gaps)."""
    source = LETTER.read_text(encoding="utf-8")
    start = source.index("  - question: C\n    text:\n      en: |-\n")
    end = source.index("      ko: |-\n", start)
    source = source[:start] + "  - question: C\n    text:\n" + source[end:]
    path = tmp_path / "letter.yaml"
    path.write_text(source, encoding="utf-8")
    submission, _ = load_submission(path, profile=PROFILE, draft=True)
    data = build_submission(submission, PROFILE, stem="l", draft=True)
    english = Document(io.BytesIO(data["l.en.docx"]))
    paragraphs = _body_paragraphs(english)
    first = next(i for i, p in enumerate(paragraphs) if "상무부는" in _text(p))
    assert _text(paragraphs[first]).startswith("[Translation needed] 상무부는")
    items = [p for p in paragraphs[first:first + 8] if p.find(f"{W}pPr/{W}numPr") is not None]
    assert len(items) == 5
    for item in items:  # the highlight runs on across the paragraphs
        runs = [r for r in item.iter(f"{W}r") if _text(r)]
        assert runs and all(r.find(f"{W}rPr/{W}highlight") is not None for r in runs)
    assert all("\ue000" not in _text(p) and "\ue001" not in _text(p) for p in paragraphs)


# --- a list written in a folded (>) block --------------------------------------------------

_FOLDED_LIST = (
    "      en: >-\n"
    "        We represent:\n"
    "        - Onnuri Semiconductor;\n"
    "        - its U.S. subsidiary,\n"
    "          which makes memory.\n"
    "\n"
    "        Both make memory.\n"
    "      ko: >-\n"
    "        당사는 다음을 대표합니다.\n"
    "        - 온누리반도체\n"
    "        - 미국 자회사\n"
    "\n"
    "        두 회사 모두 메모리를 만듭니다.\n"
)


def _folded_list_letter(tmp_path: Path) -> Path:
    source = LETTER.read_text(encoding="utf-8")
    start = source.index("      en: >-\n        We represent Onnuri")
    end = source.index("  - question: A.2")
    path = tmp_path / "letter.yaml"
    path.write_text(source[:start] + _FOLDED_LIST + source[end:], encoding="utf-8")
    return path


def test_a_list_in_a_folded_block_stays_a_list(tmp_path: Path) -> None:
    """YAML folds a `>-` block's lines into one before Markdown sees them; the loader reads
    a block with list lines as written, so the reader meets a list, not stray hyphens."""
    submission, _ = load_submission(_folded_list_letter(tmp_path), profile=PROFILE)
    data = build_submission(submission, PROFILE, stem="letter")
    for lang, (lead, first, second, after) in {
        "en": ("We represent:", "Onnuri Semiconductor;",
               "its U.S. subsidiary, which makes memory.", "Both make memory."),
        "ko": ("당사는 다음을 대표합니다.", "온누리반도체", "미국 자회사",
               "두 회사 모두 메모리를 만듭니다."),
    }.items():
        document = Document(io.BytesIO(data[f"letter.{lang}.docx"]))
        paragraphs = _after(document, lead, 4)
        assert [_text(p) for p in paragraphs] == [lead, first, second, after]
        marks = [p.find(f"{W}pPr/{W}numPr") is not None for p in paragraphs]
        assert marks == [False, True, True, False]
        assert not any(" - " in _text(p) for p in _body_paragraphs(document))


def test_a_folded_block_without_a_list_keeps_its_value() -> None:
    """Paragraphs, more-indented lines (YAML keeps their breaks) and a hyphen inside a
    sentence read as before: only a block whose lines make a Markdown list is read as
    written."""
    from ruamel.yaml import YAML

    from generator.scalars import paragraph_breaks

    text = ("a: >-\n  One\n  line.\n\n  Two.\n   more indented\n  back\n"
            "b: >-\n  costs fell by 5 - 10\n  percent\n"
            "c: >-\n  We represent:\n  - A;\n  - B\n")
    data = paragraph_breaks(YAML(typ="safe").load(text), text)
    assert data["a"] == "One line.\n\nTwo.\n\n more indented\n\nback"
    assert data["b"] == "costs fell by 5 - 10 percent"
    assert data["c"] == "We represent:\n- A;\n- B"
    assert parse(data["c"]).items == 2


def test_translate_and_pull_write_a_list_into_a_folded_field_as_lines() -> None:
    """A new text with a list, into a field that was a `>` block, is written as a `|`
    block (a folded one would join its lines), and no fold opens a line with "- "."""
    from ruamel.yaml import YAML
    from ruamel.yaml.scalarstring import LiteralScalarString

    from generator.translate import _fold_positions, _set_text

    yaml = YAML()
    node = yaml.load("text:\n  en: >-\n    Old text.\n")["text"]
    _set_text(node, "en", "We represent:\n\n- A;\n- B")
    assert isinstance(node["en"], LiteralScalarString)
    sentence = "word " * 16 + "fell by 5 - 10 percent " + "word " * 20
    for position in _fold_positions(sentence, width=88):
        assert not sentence[position + 1:].startswith("- ")
    assert 83 not in _fold_positions("x" * 83 + " - 10", width=88)


def test_a_list_in_a_quoted_text_is_warned_at_its_line(tmp_path: Path) -> None:
    """A quoted (or plain) scalar has no block style to read as written: its list lines
    are joined, and the reader of `validate`, `check` and `build` is told at the line."""
    from generator.inputs import check_files

    source = LETTER.read_text(encoding="utf-8")
    old = ("      en: >-\n        High-bandwidth memory, server DRAM, enterprise SSDs and "
           "advanced packaging services,\n        made in part in our New York and Texas "
           "plants.\n")
    assert old in source
    path = tmp_path / "letter.yaml"
    path.write_text(source.replace(old, '      en: "We supply:\n        - memory;\n'
                                        '        - server DRAM."\n'), encoding="utf-8")
    line = path.read_text(encoding="utf-8").split("\n").index("        - memory;") + 1
    for lang, words in (("en", "put '|-' after the key's colon"), ("ko", "'|-'를 쓰고")):
        report = check_files([path], profile=PROFILE, lang=lang)
        found = [(f.line, f.column, f.message) for f in report.findings
                 if f.rule == "YAML-LIST"]
        assert len(found) == 1 and found[0][:2] == (line, 9)
        assert "'- memory;'" in found[0][2] and words in found[0][2]
    assert not [f for f in check_files([LETTER], profile=PROFILE).findings
                if f.rule == "YAML-LIST"]
