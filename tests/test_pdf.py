"""PDF conversion and previews: one LibreOffice process per batch, clear errors otherwise.

Tests marked `libreoffice` run a real `soffice` and poppler. They are skipped on a machine
without them, except under CI (CI=true), where a missing tool must fail rather than hide.
"""

from __future__ import annotations

import os
import shutil
import stat
import struct
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from generator.errors import ToolMissingError, UserError
from generator.pdf import (
    ConversionError,
    convert_to_pdf,
    find_soffice,
    no_autospace,
    render_previews,
)

from helpers import TEMPLATES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IN_CI = bool(os.environ.get("CI"))


def _missing(*tools: str) -> list[str]:
    return [tool for tool in tools if shutil.which(tool) is None]


def _needs(*tools: str) -> pytest.MarkDecorator:
    missing = _missing(*tools)
    return pytest.mark.skipif(
        bool(missing) and not IN_CI, reason=f"not installed: {', '.join(missing)}"
    )


needs_libreoffice = _needs("soffice", "pdfinfo", "pdftotext")
needs_poppler = _needs("pdftoppm")
posix_only = pytest.mark.skipif(os.name != "posix", reason="uses a shell-script wrapper")


def make_docx(path: Path, title: str = "컨소시엄 제안서") -> Path:
    """A small Word file with Hangul and Latin text, like a propgen output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph(
        "미국 AI 수출 프로그램(American AI Exports Program) 컨소시엄 제안서 초안입니다. " * 3
    )
    document.add_paragraph("Full-stack AI export package: chips, cloud, models, applications.")
    document.save(str(path))
    return path


def write_script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def counting_soffice(tmp_path: Path) -> tuple[Path, Path]:
    """A wrapper that logs each start to a counter file, then becomes the real soffice."""
    real = shutil.which("soffice")
    assert real is not None
    counter = tmp_path / "soffice-starts.log"
    (tmp_path / "bin").mkdir(exist_ok=True)
    wrapper = write_script(
        tmp_path / "bin" / "soffice-counting",
        f'echo "started $$" >> "{counter}"\nexec "{real}" "$@"\n',
    )
    return wrapper, counter


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = [line.split(":", 1)[1] for line in info.splitlines() if line.startswith("Pages:")]
    return int(pages[0]) if pages else 0


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.libreoffice
@needs_libreoffice
@posix_only
def test_one_soffice_process_converts_a_whole_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrapper, counter = counting_soffice(tmp_path)
    monkeypatch.setenv("PROPGEN_SOFFICE", str(wrapper))
    out = tmp_path / "out"
    docx = [
        make_docx(out / f"{name}.{lang}.docx", title=f"컨소시엄 제안서 {name} {lang}")
        for name in ("proposal-lodestar", "letter-onnuri")
        for lang in ("en", "ko", "bilingual")
    ] + [make_docx(out / "한글-이름.ko.docx")]
    assert len(docx) >= 6

    pdfs = convert_to_pdf(docx)

    starts = counter.read_text(encoding="utf-8").splitlines()
    assert len(starts) == 1, starts
    assert pdfs == [path.with_suffix(".pdf") for path in docx]
    assert out / "proposal-lodestar.en.pdf" in pdfs
    for pdf in pdfs:
        assert pdf.is_file() and pdf.stat().st_size > 0
        assert pdf_pages(pdf) > 0
    assert "컨소시엄 제안서" in pdf_text(pdfs[0])
    # Nothing left over besides the documents themselves.
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [p.name for p in docx] + [p.name for p in pdfs]
    )


@pytest.mark.libreoffice
@needs_libreoffice
@posix_only
def test_files_in_several_folders_still_use_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrapper, counter = counting_soffice(tmp_path)
    monkeypatch.setenv("PROPGEN_SOFFICE", str(wrapper))
    first = make_docx(tmp_path / "a" / "same.ko.docx", title="첫째 문서")
    second = make_docx(tmp_path / "b" / "same.ko.docx", title="둘째 문서")
    third = make_docx(tmp_path / "b" / "other.en.docx", title="Third document")
    stale = tmp_path / "b" / "other.en.pdf"
    stale.write_bytes(b"not a pdf from an earlier run")

    pdfs = convert_to_pdf([first, second, third])

    assert len(counter.read_text(encoding="utf-8").splitlines()) == 1
    assert pdfs == [first.with_suffix(".pdf"), second.with_suffix(".pdf"), stale]
    assert "첫째" in pdf_text(pdfs[0])
    assert "둘째" in pdf_text(pdfs[1])
    assert stale.read_bytes().startswith(b"%PDF-")


@pytest.mark.libreoffice
@needs_libreoffice
def test_outdir_collects_the_pdfs(tmp_path: Path) -> None:
    docx = make_docx(tmp_path / "src" / "x.en.docx")
    pdfs = convert_to_pdf([docx], outdir=tmp_path / "pdf")
    assert pdfs == [tmp_path / "pdf" / "x.en.pdf"]
    assert pdf_pages(pdfs[0]) > 0
    assert not (tmp_path / "src" / "x.en.pdf").exists()


def spaced_docx(path: Path, autospace: bool) -> Path:
    """A Korean line with dates and counts; `autospace=False` asks, as propgen's templates
    do, for no extra gap between Hangul and digits."""
    make_docx(path)
    document = Document(str(path))
    document.add_paragraph("2025년 12월 12일, 미국 인력 2,300명")
    if not autospace:
        ppr = document.styles["Normal"].element.get_or_add_pPr()
        for name in ("autoSpaceDE", "autoSpaceDN"):
            ppr.append(parse_xml(f'<w:{name} {nsdecls("w")} w:val="0"/>'))
    document.save(str(path))
    return path


def test_no_autospace_reads_the_default_paragraph_style(tmp_path: Path) -> None:
    assert no_autospace(spaced_docx(tmp_path / "tight.ko.docx", autospace=False))
    assert not no_autospace(spaced_docx(tmp_path / "spaced.ko.docx", autospace=True))
    for template in TEMPLATES.glob("*.docx"):
        assert no_autospace(template), template


@pytest.mark.libreoffice
@needs_libreoffice
def test_pdf_keeps_hangul_and_digits_together_when_the_document_asks(tmp_path: Path) -> None:
    """LibreOffice's DOCX import ignores w:autoSpaceDE/DN and would print "2025 년"."""
    tight, spaced = convert_to_pdf([spaced_docx(tmp_path / "tight.ko.docx", autospace=False),
                                    spaced_docx(tmp_path / "spaced.ko.docx", autospace=True)])
    # pdftotext shows LibreOffice's extra gap as a space.
    assert "2025년 12월 12일, 미국 인력 2,300명" in pdf_text(tight)
    assert "2025 년 12 월 12 일, 미국 인력 2,300 명" in pdf_text(spaced)


@pytest.mark.libreoffice
@needs_libreoffice
def test_a_document_libreoffice_cannot_open_is_named_with_the_reason(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.en.docx")
    broken = tmp_path / "broken.ko.docx"
    with zipfile.ZipFile(broken, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<not-word/>")
    with pytest.raises(ConversionError) as raised:
        convert_to_pdf([good, broken])
    assert f"did not convert {broken} to PDF" in str(raised.value)
    assert "the file could not be loaded" in str(raised.value)  # the macro's own report
    assert not broken.with_suffix(".pdf").exists()
    assert not good.with_suffix(".pdf").exists()  # all or nothing: no PDF moved into place


def test_missing_soffice_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PROPGEN_SOFFICE", str(tmp_path / "no" / "soffice"))
    monkeypatch.setenv("PATH", str(empty))

    with pytest.raises(ToolMissingError) as raised:
        find_soffice()
    message = str(raised.value)
    assert "sudo apt-get install libreoffice-writer-nogui fonts-nanum poppler-utils" in message
    assert "brew install --cask libreoffice" in message
    assert "Windows" in message
    assert "DOCX files were still written" in message
    assert raised.value.exit_code == 3

    # The conversion itself fails the same way, before doing anything.
    with pytest.raises(ToolMissingError):
        convert_to_pdf([make_docx(tmp_path / "x.en.docx")])
    assert not (tmp_path / "x.en.pdf").exists()

    # Without the override, the lookup on an empty PATH fails too.
    monkeypatch.delenv("PROPGEN_SOFFICE")
    monkeypatch.setattr("generator.pdf._SOFFICE_FALLBACKS", ())
    with pytest.raises(ToolMissingError, match="libreoffice-writer-nogui"):
        find_soffice()


def test_missing_pdftoppm_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROPGEN_PDFTOPPM", str(tmp_path / "no" / "pdftoppm"))
    pdf = tmp_path / "x.en.pdf"
    pdf.write_bytes(minimal_pdf())
    with pytest.raises(ToolMissingError, match="poppler-utils"):
        render_previews([pdf])


@posix_only
def test_soffice_that_writes_nothing_is_an_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Real soffice exits 0 when it cannot load a file; so does this stand-in.
    fake = write_script(tmp_path / "soffice", 'echo "Error: source file could not be loaded" >&2\n')
    monkeypatch.setenv("PROPGEN_SOFFICE", str(fake))
    docx = make_docx(tmp_path / "letter.ko.docx")

    with pytest.raises(ConversionError) as raised:
        convert_to_pdf([docx])
    assert isinstance(raised.value, UserError)
    assert raised.value.exit_code == 5  # not 1, the code of check errors
    assert str(docx) in str(raised.value)
    assert "could not be loaded" in str(raised.value)
    assert not docx.with_suffix(".pdf").exists()


@posix_only
def test_hung_soffice_is_stopped_with_its_children(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The child `sleep` keeps the output pipe open: only killing the group ends the wait.
    fake = write_script(tmp_path / "soffice", 'PATH="$PATH:/usr/bin:/bin"\nsleep 60\n')
    monkeypatch.setenv("PROPGEN_SOFFICE", str(fake))
    started = time.monotonic()
    with pytest.raises(ConversionError, match="did not finish within 1 seconds"):
        convert_to_pdf([make_docx(tmp_path / "x.en.docx")], timeout=1)
    assert time.monotonic() - started < 20


def test_not_a_docx_is_refused_before_starting_libreoffice(tmp_path: Path) -> None:
    text = tmp_path / "notes.docx"
    text.write_text("plain text", encoding="utf-8")
    with pytest.raises(ConversionError, match="not a Word"):
        convert_to_pdf([text])
    with pytest.raises(ConversionError, match="does not exist"):
        convert_to_pdf([tmp_path / "missing.docx"])


def test_same_target_twice_is_refused(tmp_path: Path) -> None:
    first = make_docx(tmp_path / "a" / "x.en.docx")
    second = make_docx(tmp_path / "b" / "x.en.docx")
    with pytest.raises(ConversionError, match="both would be written"):
        convert_to_pdf([first, second], outdir=tmp_path / "pdf")


def test_nothing_to_convert_needs_no_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROPGEN_SOFFICE", "/nonexistent/soffice")
    assert convert_to_pdf([]) == []
    assert render_previews([]) == []


def minimal_pdf() -> bytes:
    """A one-page US Letter PDF with a line of text, built by hand so no converter is needed."""
    stream = b"BT /F1 24 Tf 72 700 Td (propgen preview) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@needs_poppler
def test_render_previews_writes_a_png_of_the_first_page(tmp_path: Path) -> None:
    pdf = tmp_path / "proposal-lodestar.en.pdf"
    pdf.write_bytes(minimal_pdf())

    previews = render_previews([pdf], dpi=60)

    assert previews == [tmp_path / "proposal-lodestar.en.png"]
    data = previews[0].read_bytes()
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (510, 660)  # 8.5 x 11 in at 60 dpi
    assert sorted(p.name for p in tmp_path.iterdir()) == [pdf.name, previews[0].name]


@needs_poppler
def test_render_previews_of_a_broken_pdf_is_an_error(tmp_path: Path) -> None:
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    with pytest.raises(ConversionError, match=r"broken\.pdf"):
        render_previews([pdf])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.pdf"]


@pytest.mark.libreoffice
@needs_libreoffice
@needs_poppler
def test_preview_of_a_converted_korean_document(tmp_path: Path) -> None:
    pdfs = convert_to_pdf([make_docx(tmp_path / "letter-onnuri.ko.docx")])
    previews = render_previews(pdfs)
    assert previews == [tmp_path / "letter-onnuri.ko.png"]
    assert previews[0].read_bytes()[:8] == PNG_SIGNATURE
