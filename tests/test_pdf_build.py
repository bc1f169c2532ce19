"""`propgen build --pdf --preview` on the samples, read back as a reviewer would.

Renders through a real LibreOffice; skipped without one, except under CI.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_pdf import PNG_SIGNATURE, needs_libreoffice, needs_poppler

from generator.cli import cli

from helpers import LETTER, SAMPLES_DIR

# Faces a CJK font fallback picks for Hangul when the Korean settings are missing.
NOT_KOREAN = re.compile(r"CJK(jp|sc|tc|hk)|JP|SC-|TC-|SimSun|MingLiU|MS ?Mincho|Gothic ?JP",
                        re.IGNORECASE)
KOREAN = re.compile(r"Nanum|Malgun|NotoSansCJKkr|NotoSerifCJKkr|NotoSansKR|Baekmuk|UnDotum",
                    re.IGNORECASE)


def pdf_text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]


def pdf_fonts(pdf: Path) -> list[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                             text=True).stdout.splitlines()[2:]
    return [line.split()[0].split("+")[-1] for line in listing if line.strip()]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    result = CliRunner().invoke(
        cli, ["build", str(SAMPLES_DIR), "-o", str(out), "--pdf", "--preview"])
    assert result.exit_code == 0, result.output
    return out


@needs_libreoffice
@needs_poppler
def test_every_document_has_a_pdf_and_a_preview(built: Path) -> None:
    docx = sorted(built.glob("*.docx"))
    assert len(docx) == 6
    for path in docx:
        pdf = path.with_suffix(".pdf")
        assert pdf_pages(pdf) > 0, pdf.name
        assert path.with_suffix(".png").read_bytes()[:8] == PNG_SIGNATURE


@needs_libreoffice
@needs_poppler
def test_page_numbers_on_every_page(built: Path) -> None:
    for pdf in sorted(built.glob("*.pdf")):
        pages = pdf_pages(pdf)
        for page in range(1, pages + 1):
            footer = pdf_text(pdf, page).strip().splitlines()[-1]
            assert re.fullmatch(rf"{page} ?/ ?{pages}", footer.strip()), (pdf.name, page, footer)


@needs_libreoffice
@needs_poppler
def test_korean_pdfs_carry_hangul_in_a_korean_face(built: Path) -> None:
    for name, headings in {
        "proposal-lodestar.ko.pdf": ["1. 요약", "2. 컨소시엄 참여 기업 및 역할", "주관 기업"],
        "letter-onnuri.ko.pdf": ["1. 개요", "2. 응답자 배경(섹션 A)", "끝."],
        "proposal-lodestar.bilingual.pdf": ["1. Executive Summary", "1. 요약"],
    }.items():
        text = pdf_text(built / name)
        for heading in headings:
            assert heading in text, (name, heading)
        fonts = pdf_fonts(built / name)
        assert any(KOREAN.search(f) for f in fonts), (name, fonts)
        assert not [f for f in fonts if NOT_KOREAN.search(f)], (name, fonts)


def footnote_texts(path: Path) -> list[str]:
    """The paragraphs of a DOCX's footnotes (python-docx does not read them)."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as package:
        if "word/footnotes.xml" not in package.namelist():
            return []
        root = etree.fromstring(package.read("word/footnotes.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in root.iter(f"{w}p")]


def hangul_fragments(document_texts: list[str], rendered: str) -> list[str]:
    """Hangul runs of the rendered text that the document never contains: what a line
    broken inside a word (제|안서) leaves behind. Runs only, because pdftotext puts a space
    where the font changes (2030|년)."""
    known = {w for text in document_texts for w in re.findall("[가-힣]+", text)}
    return sorted({w for w in re.findall("[가-힣]+", rendered) if w not in known})


def test_fragment_detector_sees_a_word_broken_across_lines() -> None:
    texts = ["컨소시엄 제안서를 제출합니다."]
    assert hangul_fragments(texts, "컨소시엄 제안서를\n제출합니다.") == []
    assert hangul_fragments(texts, "컨소시엄 제\n안서를 제출합니다.") == ["안서를", "제"]


@needs_libreoffice
@needs_poppler
def test_korean_lines_break_between_words(built: Path) -> None:
    from docx import Document

    for stem in ("proposal-lodestar", "letter-onnuri"):
        document = Document(str(built / f"{stem}.ko.docx"))
        texts = [p.text for p in document.paragraphs]
        texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
        texts += footnote_texts(built / f"{stem}.ko.docx")
        rendered = subprocess.run(["pdftotext", str(built / f"{stem}.ko.pdf"), "-"],
                                  check=True, capture_output=True, text=True).stdout
        assert len(re.findall("[가-힣]+", rendered)) > 200
        assert hangul_fragments(texts, rendered) == []


@needs_libreoffice
def test_english_pdf_is_latin_only(built: Path) -> None:
    fonts = pdf_fonts(built / "proposal-lodestar.en.pdf")
    assert fonts and not any(KOREAN.search(f) for f in fonts), fonts


def test_missing_libreoffice_keeps_the_documents(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROPGEN_SOFFICE", str(tmp_path / "no-such-soffice"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = CliRunner().invoke(
        cli, ["build", str(LETTER), "-o", str(tmp_path),
              "--pdf"])
    assert result.exit_code == 3
    assert "libreoffice" in result.output.lower() and "apt-get install" in result.output
    assert "Traceback" not in result.output
    assert len(list(tmp_path.glob("*.docx"))) == 3
