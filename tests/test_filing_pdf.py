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
    sentence = ("We add this sentence to move the questions down the page, as a longer "
                "introduction would. ")
    return longer_introductions(tmp_path_factory.mktemp("letters"), "letter", range(0, 14, 2),
                                sentence, "질문의 위치를 아래로 옮기기 위해 이 문장을 덧붙입니다. ")


def longer_introductions(out: Path, stem: str, counts: range, en: str, ko: str) -> Path:
    """PDFs of the sample letter with `en` and `ko` put `n` times before its introduction,
    for each `n` of `counts`."""
    text = LETTER.read_text("utf-8")
    inputs = []
    for n in counts:
        variant = text.replace("  en: >-\n    Onnuri Semiconductor welcomes",
                               f"  en: >-\n    {en * n}Onnuri Semiconductor welcomes", 1)
        variant = variant.replace("  ko: >-\n    온누리반도체는 미국산",
                                  f"  ko: >-\n    {ko * n}온누리반도체는 미국산", 1)
        source = out / f"{stem}-{n:02d}.yaml"
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


SIGNATURES = {
    "en": ("Respectfully submitted,", "Park Seo-yeon", "Onnuri Semiconductor Co., Ltd."),
    "ko": ("끝.", "온누리반도체", "글로벌대외협력 부사장 박서연"),
}


@pytest.fixture(scope="module")
def signatures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample letter with introductions of growing length, so that the signature
    block slides down its page and past the foot of it."""
    return longer_introductions(
        tmp_path_factory.mktemp("signatures"), "sign", range(24, 44, 2),
        "We would be glad to discuss these comments with the agency at any time. ",
        "당사는 언제든지 이 의견을 국제무역청(ITA)과 논의할 준비가 되어 있습니다. ")


def test_the_signature_stays_on_the_page_of_the_closing(signatures: Path) -> None:
    """Room to sign, the name, title and company on one page with the closing, wherever
    the letter's length puts them."""
    seen = set()
    for pdf in sorted(signatures.glob("sign-*.*.pdf")):
        page_list = pages(pdf)
        langs = ("en", "ko") if ".bilingual." in pdf.name else (
            ("ko",) if ".ko." in pdf.name else ("en",))
        for lang in langs:
            needles: tuple[str, ...] = SIGNATURES[lang]
            if lang == "ko" and ".bilingual." in pdf.name:
                # The review copy sets the block in a row of its own: the body's 끝. ends
                # the row before, which may break across pages.
                needles = needles[1:]
            # The last page that shows each line: the company also heads the letter.
            found = [max(n for n, page in enumerate(page_list)
                         if any(line.endswith(needle) or f"{needle} " in f"{line} "
                                for line in page))
                     for needle in needles]
            assert len(set(found)) == 1, (pdf.name, lang, found)
            seen.add(found[0])
    assert len(seen) >= 2  # the block fell on more than one page number across variants


def _fullness(pdf: Path, tmp: Path) -> list[float]:
    """For each page, how far down its text area the lowest ink reaches (0 to 1), read from
    greyscale renderings (PGM: a header, then one byte a pixel)."""
    dpi, margin_in = 30, 1.0  # the templates' 2.54 cm margins
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), str(tmp / "p")],
                   check=True)
    out = []
    for image in sorted(tmp.glob("p-*.pgm")):
        _magic, width, height, _depth, pixels = image.read_bytes().split(maxsplit=4)
        w, h = int(width), int(height)
        top, bottom = int(margin_in * dpi), h - int(margin_in * dpi)
        inked = [y for y in range(top, bottom) if min(pixels[y * w:(y + 1) * w]) < 160]
        out.append((max(inked, default=top) - top) / (bottom - top))
        image.unlink()
    return out


LONG_EN = ("Data pipelines and labeling systems are the layer where allied providers add the "
           "most value, because local data must be collected, cleaned and labeled under the "
           "laws of the target country. ") * 10
LONG_KO = ("데이터 파이프라인과 레이블링 시스템은 대상 국가의 법령에 따라 현지 데이터를 수집하고 "
           "정제하며 레이블링해야 하므로 동맹국 기업이 가장 큰 가치를 더하는 계층입니다. ") * 10


@pytest.fixture(scope="module")
def long_letters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample letter with answers of many lines each, one answered in three English and
    two Korean paragraphs (paired as a whole section), at three places on their pages."""
    out = tmp_path_factory.mktemp("long-letters")
    # No footnote: at a page's foot it would pass for a full page in `_fullness`.
    text = LETTER.read_text("utf-8").replace("[^eo]", "")
    edits = [
        ("        We represent Onnuri", f"        {LONG_EN}We represent Onnuri"),
        ("        당사는 온누리반도체와 미국", f"        {LONG_KO}당사는 온누리반도체와 미국"),
        ("        High-bandwidth memory,", f"        {LONG_EN}High-bandwidth memory,"),
        ("        고대역폭 메모리(HBM),", f"        {LONG_KO}고대역폭 메모리(HBM),"),
        ("        Yes. Memory and advanced", f"        {LONG_EN}\n\n        {LONG_EN}\n\n"
                                             "        Yes. Memory and advanced"),
        ("        그렇습니다. 미국산", f"        {LONG_KO}\n\n        그렇습니다. 미국산"),
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    inputs = []
    for n in (0, 4, 8):
        variant = text.replace("We represent Onnuri",
                               f"{'We add this sentence to move the answers down. ' * n}"
                               "We represent Onnuri", 1)
        source = out / f"long-{n}.yaml"
        source.write_text(variant, "utf-8")
        inputs.append(source)
    build_pdfs(out, *inputs)
    return out


def test_side_by_side_pages_are_full_and_long_answers_break(long_letters: Path,
                                                           tmp_path: Path) -> None:
    """Rows kept whole left pages half empty (a third full, before); a long row now breaks
    across pages. Only the last page may be short, and a page before it by at most one row
    kept whole (some 12 lines, the signature block with its room to sign), about 40 %."""
    for pdf in sorted(long_letters.glob("long-*.bilingual.pdf")):
        fullness = _fullness(pdf, tmp_path)
        assert len(fullness) >= 5, pdf.name
        assert min(fullness[:-1]) >= 0.55, (pdf.name, [round(f, 2) for f in fullness])


def test_long_answers_start_on_the_page_of_their_prompt(long_letters: Path) -> None:
    """A prompt and the first line of its answer on one page, though the answer's row may
    break: pdftotext without -layout reads each column of the page in turn."""
    prompts = [("Identify and describe who you represent", "Data pipelines and labeling"),
               ("what goods or services does your organization offer?",
                "Data pipelines and labeling"),
               ("be clarified or expanded upon?", "Data pipelines and labeling")]
    for pdf in sorted([*long_letters.glob("long-*.en.pdf"),
                       *long_letters.glob("long-*.bilingual.pdf")]):
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout
        page_list = [" ".join(page.split()) for page in text.split("\f")]
        for prompt, answer in prompts:
            holding = [n for n, page in enumerate(page_list) if prompt in page]
            assert len(holding) == 1, (pdf.name, prompt)  # the prompt is not cut by a page
            assert answer in page_list[holding[0]].split(prompt, 1)[1], (pdf.name, prompt)
