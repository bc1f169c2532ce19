"""Filing-ready layout, read on the pages LibreOffice prints (issue #11): table headers
that repeat with their text, prompts on their answer's page, Korean lines that do not start
with a unit split from its number, ids that do not break at a hyphen.

Renders through a real LibreOffice; skipped without one, except under CI.
"""

from __future__ import annotations

import html
import itertools
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from test_pdf import needs_libreoffice

from generator.build import BuildOptions, build_files

from helpers import text_of

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"
LETTER = ROOT / "samples" / "letter-onnuri.yaml"
# Units and counters that follow numbers in Korean text.
UNITS = "년월일억개원호명"

pytestmark = needs_libreoffice


def pages(pdf: Path) -> list[list[str]]:
    """The lines of each page, as pdftotext -layout sets them, stripped."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip()]
            for page in text.split("\f") if page.strip()]


def docx_text(path: Path) -> str:
    document = Document(str(path))
    return " ".join(text_of(p) for p in document.element.body.iter(qn("w:p")))


def build_pdfs(out: Path, *inputs: Path) -> None:
    result = build_files(list(inputs), BuildOptions(output_dir=out, pdf=True))
    assert not result.errors and not result.refused and result.tool_error is None


MILESTONES = "".join(
    f"  - date: 2029-{month:02d}-{day:02d}\n"
    f"    description: {{en: Milestone number {n} of the rollout plan, "
    f"ko: 보급 계획의 {n}번째 주요 일정}}\n"
    for n, (month, day) in enumerate(((m, d) for m in range(1, 13) for d in (5, 12, 19, 26)),
                                     start=1)
)


@pytest.fixture(scope="module")
def long_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A proposal whose milestone table runs over pages."""
    out = tmp_path_factory.mktemp("long")
    text = PROPOSAL.read_text("utf-8").replace("milestones:\n", "milestones:\n" + MILESTONES, 1)
    source = out / "long.yaml"
    source.write_text(text, "utf-8")
    build_pdfs(out, source)
    return out


def test_a_table_over_pages_repeats_its_header_with_its_text(long_tables: Path) -> None:
    for lang, header, row in (("en", ("Date", "Milestone"), "Milestone number"),
                              ("ko", ("일자", "내용"), "번째 주요 일정")):
        with_rows = [page for page in pages(long_tables / f"long.{lang}.pdf")
                     if any(row in line for line in page)]
        assert len(with_rows) >= 2, lang
        for page in with_rows[1:]:  # the pages the table continues on
            first = next(i for i, line in enumerate(page) if row in line)
            above = page[first - 1].split()
            assert above[:1] == [header[0]] and header[1] in page[first - 1], (lang, page[:3])


def test_a_header_row_is_never_alone_at_the_foot_of_a_page(long_tables: Path) -> None:
    headers = {
        "en": re.compile(r"^(Member\s+(Role|Contact)|Target\s+Type|Instrument\s+Agency|"
                         r"Date\s+Milestone|Requirement\s+Citation|Entity\s+Country)\b"),
        "ko": re.compile(r"^(참여 기업\s+(역할|담당자)|대상\s+구분|지원 수단\s+기관|일자\s+내용|"
                         r"요건\s+근거|기관\s+국가)"),
    }
    for lang, header in headers.items():
        for page in pages(long_tables / f"long.{lang}.pdf"):
            body = [line for line in page if not re.fullmatch(r"\d+ ?/ ?\d+", line)]
            assert not header.match(body[-1]), (lang, body[-3:])


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample letter with introductions of growing length, so that its questions fall
    at different places on their pages, once near a page's foot."""
    out = tmp_path_factory.mktemp("letters")
    text = LETTER.read_text("utf-8")
    sentence = ("We add this sentence to move the questions down the page, as a longer "
                "introduction would. ")
    ko_sentence = "질문의 위치를 아래로 옮기기 위해 이 문장을 덧붙입니다. "
    inputs = []
    for n in range(0, 14, 2):
        variant = text.replace("  en: >-\n    Onnuri Semiconductor welcomes",
                               f"  en: >-\n    {sentence * n}Onnuri Semiconductor welcomes", 1)
        variant = variant.replace("  ko: >-\n    온누리반도체는 미국산",
                                  f"  ko: >-\n    {ko_sentence * n}온누리반도체는 미국산", 1)
        source = out / f"letter-{n:02d}.yaml"
        source.write_text(variant, "utf-8")
        inputs.append(source)
    build_pdfs(out, *inputs)
    return out


def _page_of(page_list: list[list[str]], needle: str) -> int:
    for number, page in enumerate(page_list):
        if needle in " ".join(" ".join(page).split()):
            return number
    raise AssertionError(f"{needle!r} is on no page")


PROMPTS = {
    "en": [("Identify and describe who", "We represent Onnuri"),
           ("If you represent a potential American AI exporter, what",
            "High-bandwidth memory, server DRAM"),
           ("Should the components of the", "Yes. Memory and advanced packaging")],
    "ko": [("귀하가 대표하는 주체가", "당사는 온누리반도체와"),
           ("잠재적 미국 AI 수출 기업을 대표하는 경우, 귀 기관이", "고대역폭 메모리(HBM)"),
           ("행정명령 제14320호에 규정된 AI 기술", "그렇습니다. 미국산 부품")],
}


def test_a_question_prompt_starts_on_the_page_of_its_answer(letters: Path) -> None:
    checked = 0
    for pdf in sorted(letters.glob("letter-*.*.pdf")):
        lang = "ko" if ".ko." in pdf.name else "en"
        if ".bilingual." in pdf.name:
            lang = "en"
        page_list = pages(pdf)
        for prompt, answer in PROMPTS[lang]:
            assert _page_of(page_list, prompt) == _page_of(page_list, answer), (
                pdf.name, prompt)
            checked += 1
    assert checked >= 30


def test_ids_are_searchable_in_the_pdf_text(long_tables: Path) -> None:
    """The DOCX's non-breaking hyphens come out of the PDF as the "-" a reader searches
    for (LibreOffice prints its U+2011 with the hyphen glyph)."""
    for lang in ("en", "ko", "bilingual"):
        text = subprocess.run(["pdftotext", str(long_tables / f"long.{lang}.pdf"), "-"],
                              check=True, capture_output=True, text=True).stdout
        assert "2026-06952" in text and "\u2011" not in text, lang


def _contents(docx: Path) -> list[tuple[str, str]]:
    """(heading, page number Word shows) of each entry of the DOCX's table of contents."""
    entries = []
    for paragraph in Document(str(docx)).element.body.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is None or style.get(qn("w:val")) not in ("toc1", "toc2"):
            continue
        instruction = next(n for n in paragraph.iter(qn("w:instrText"))
                           if "PAGEREF" in (n.text or ""))
        result = instruction.getparent().getnext().getnext()
        heading = text_of(paragraph).removesuffix(text_of(result))
        entries.append((heading, text_of(result)))
    return entries


def _starts(line: str, heading: str) -> bool:
    """Whether a PDF line is the heading, or the first line of it when it wraps."""
    line = " ".join(line.split())
    return line == heading or (len(line) > 30 and heading.startswith(line))


def test_the_contents_list_the_page_each_heading_starts_on(long_tables: Path) -> None:
    """With --pdf, the DOCX's contents show LibreOffice's page numbers (Word shows them until
    fields are updated), and each is the page of the PDF its heading starts on."""
    for lang in ("en", "ko"):
        entries = _contents(long_tables / f"long.{lang}.docx")
        page_list = pages(long_tables / f"long.{lang}.pdf")
        contents_page = next(i for i, page in enumerate(page_list)
                             if any(line.startswith(entries[0][0]) and "..." in line
                                    for line in page))
        assert len(entries) > 10, lang
        for heading, shown in entries:
            starts = [number + 1 for number, page in enumerate(page_list)
                      if number > contents_page and any(_starts(line, heading) for line in page)]
            assert shown.isdigit() and starts[:1] == [int(shown)], (lang, heading, shown)
            listed = " ".join(" ".join(page_list[contents_page]).split())
            assert re.search(re.escape(heading.split()[-1]) + r"\.+ ?" + shown + r"\b",
                             listed), (lang, heading)


@pytest.fixture(scope="module")
def korean_units(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Korean text full of numbers with units and middle dots, at many line positions."""
    out = tmp_path_factory.mktemp("units")
    phrases = " ".join(
        f"{'가' * (n % 5)} 2025년 12월 {n}일에 {n}개사가 {n}억 달러를 요청했고 미국·한국 "
        f"(FR Doc. 2025-19674, ITA-ITA-2025-0070)이 검토합니다."
        for n in range(1, 40))
    text = PROPOSAL.read_text("utf-8")
    start = text.index("executive_summary:")
    end = text.index("\nstack:\n", start) + 1
    summary = text[start:end]
    ko_at = summary.index("  ko: >-")
    replaced = summary[:ko_at] + f"  ko: >-\n    {phrases}\n\n"
    source = out / "units.yaml"
    source.write_text(text[:start] + replaced + text[end:], "utf-8")
    build_pdfs(out, source)
    return out


def _splits(lines: list[str], joined_text: str) -> list[tuple[str, str]]:
    """Line ends and starts that cut a token the document holds whole."""
    found = []
    for before, after in itertools.pairwise(lines):
        tail, head = before.split()[-1], after.split()[0]
        if re.search(r"[0-9]$", tail) and head[:1] in UNITS and \
                re.search(rf"[0-9]{re.escape(head[:1])}", joined_text) and \
                f"{tail}{head}" in joined_text:
            found.append((tail, head))
        if head.startswith("·"):
            found.append((tail, head))
        if tail.endswith("-") and re.search(r"[0-9A-Z]-$", tail) and \
                f"{tail}{head}" in joined_text:
            found.append((tail, head))
    return found


def test_korean_lines_keep_numbers_with_units_and_ids_whole(korean_units: Path,
                                                            long_tables: Path) -> None:
    for docx, pdf in ((korean_units / "units.ko.docx", korean_units / "units.ko.pdf"),
                      (long_tables / "long.ko.docx", long_tables / "long.ko.pdf"),
                      (long_tables / "long.en.docx", long_tables / "long.en.pdf")):
        text = docx_text(docx)
        lines = [line for page in pages(pdf) for line in page]
        assert _splits(lines, text) == [], pdf.name
    # The stress text really did run over many lines.
    assert sum("억 달러" in line for page in pages(korean_units / "units.ko.pdf")
               for line in page) > 20


def test_korean_counters_stay_with_their_number(korean_units: Path) -> None:
    lines = [line for page in pages(korean_units / "units.ko.pdf") for line in page]
    assert not [(a, b) for a, b in itertools.pairwise(lines)
                if re.search(r"[0-9]$", a) and b.startswith("개사가")]


def _split_words(docx: Path, pdf: Path) -> list[str]:
    """Words of the DOCX (text between spaces) that a line break cuts in two, where a Korean
    reader and Word keep them whole: not before an opening bracket, a break Korean
    typesetting allows."""
    words = set(docx_text(docx).replace("\u2060", "").split())
    lines = [line for page in pages(pdf) for line in page]
    found = []
    for before, after in itertools.pairwise(lines):
        tail, head = before.split()[-1], after.split()[0]
        if f"{tail}{head}" in words and not (tail in words and head in words) and \
                not head.startswith(("(", "[", "\u201c")):
            found.append(f"{tail}|{head}")
    return found


def test_no_korean_word_is_split_across_lines(korean_units: Path, long_tables: Path,
                                              letters: Path) -> None:
    """A number or a Latin word with the Hangul after it ("16개사가", "AI를"), "제" with
    its number, a particle after a bracket (")이") stay on one line (Export.bas)."""
    checked = [(korean_units / "units.ko.docx", korean_units / "units.ko.pdf"),
               (long_tables / "long.ko.docx", long_tables / "long.ko.pdf"),
               (long_tables / "long.bilingual.docx", long_tables / "long.bilingual.pdf"),
               (letters / "letter-00.ko.docx", letters / "letter-00.ko.pdf"),
               (letters / "letter-06.ko.docx", letters / "letter-06.ko.pdf")]
    for docx, pdf in checked:
        assert _split_words(docx, pdf) == [], pdf.name


def _pdf_words(pdf: Path) -> list[str]:
    """The words of a PDF, as poppler finds them (each line's words apart)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return [html.unescape(word) for word in re.findall(r"<word [^>]*>([^<]*)</word>", out)]


def _broken_words(docx: Path, pdf: Path) -> list[str]:
    """Words of the DOCX that the PDF prints in two pieces ("Consortiu" "m"): a piece that
    is no word of the DOCX, whose rest is a piece of the PDF and no word either."""
    words = set(docx_text(docx).split())
    printed = _pdf_words(pdf)
    pieces = set(printed)
    found = set()
    for piece in printed:
        if piece in words or len(piece) < 2:
            continue
        for word in words:
            rest = word[len(piece):]
            if word.startswith(piece) and rest and rest in pieces and rest not in words \
                    and not rest.startswith("("):
                found.add(f"{piece}|{rest}")
    return sorted(found)


def test_side_by_side_tables_break_no_word(long_tables: Path, letters: Path) -> None:
    """The side-by-side copy's half-width tables give each column room for its longest
    word, so none breaks inside ("Consortiu|m", "jiwon.kim@hanul|-memory.example")."""
    for docx in (long_tables / "long.bilingual.docx", letters / "letter-00.bilingual.docx"):
        assert _broken_words(docx, docx.with_suffix(".pdf")) == [], docx.name


def test_side_by_side_tables_repeat_their_header_on_every_page(long_tables: Path) -> None:
    """A table too long for a page goes on in parts, each under its header row in both
    languages, with the same rows side by side."""
    for page in pages(long_tables / "long.bilingual.pdf"):
        rows = [i for i, line in enumerate(page) if "Milestone number" in line]
        if not rows:
            continue
        above = " ".join(page[:rows[0]])
        assert "Date" in above and "Milestone" in above and "일자" in above, page[:8]
        text = " ".join(page)
        english = re.findall(r"[A-Z][a-z]{2} \d{1,2}, 2029", text)
        korean = re.findall(r"2029\. \d{1,2}\. \d{1,2}\.", text)
        assert len(english) == len(korean) > 0, page


def _loose_lines(pdf: Path, points: float) -> list[str]:
    """Lines of running text whose words stand on average more than `points` apart (a
    justified line spread wide before a word that did not fit); table rows left out."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    loose = []
    for page in out.split("<page ")[1:]:
        lines: dict[int, list[tuple[float, float, str]]] = {}
        for found in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" '
                                 r'yMax="([\d.]+)">([^<]*)</word>', page):
            lines.setdefault(round(float(found[3])), []).append(
                (float(found[1]), float(found[2]), html.unescape(found[4])))
        for words in lines.values():
            words.sort()
            gaps = [b[0] - a[1] for a, b in itertools.pairwise(words)]
            if len(gaps) >= 3 and max(gaps) < 40 and sum(gaps) / len(gaps) > points:
                loose.append(" ".join(w for _x, _y, w in words))
    return loose


def test_the_korean_letter_has_no_line_spread_wide(letters: Path) -> None:
    """The Korean letter's justified lines keep ordinary gaps: no id or address that
    cannot break leaves a line before it spread across the page (a space at 12 pt is
    about 3 pt; a line is loose from 7 pt on average)."""
    assert _loose_lines(letters / "letter-00.ko.pdf", 7) == []
    assert _loose_lines(letters / "letter-00.ko.pdf", 2)  # the measure sees the gaps
