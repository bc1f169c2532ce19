"""How much one LibreOffice process for a whole batch saves over one process per file.

Run: python benchmarks/pdf_batch.py [--files 12]
Makes small bilingual DOCX files in a temporary folder, converts them all with one
`convert_to_pdf` call (one soffice process), then again with one call per file, and prints
both times and their ratio. The target is a ratio of 4x or more for 12 files.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from docx import Document

from generator.pdf import convert_to_pdf, find_soffice

PARAGRAPH_KO = (
    "본 컨소시엄은 미국 AI 수출 프로그램에 따라 반도체, 클라우드, 모델, 응용 서비스를 "
    "하나로 묶은 풀스택 AI 수출 패키지를 제안합니다. "
)
PARAGRAPH_EN = (
    "The consortium proposes a full-stack AI export package: chips, cloud infrastructure, "
    "models and applications, delivered with financing and security commitments. "
)


def make_documents(folder: Path, count: int) -> list[Path]:
    """`count` two-page-ish DOCX files, alternating Korean and English, like a build's output."""
    paths = []
    for number in range(count):
        lang = ("ko", "en", "bilingual")[number % 3]
        document = Document()
        document.add_heading(f"컨소시엄 제안서 {number + 1} / Consortium proposal", level=1)
        for _ in range(12):
            if lang in ("ko", "bilingual"):
                document.add_paragraph(PARAGRAPH_KO * 3)
            if lang in ("en", "bilingual"):
                document.add_paragraph(PARAGRAPH_EN * 3)
        path = folder / f"proposal-{number + 1:02d}.{lang}.docx"
        document.save(str(path))
        paths.append(path)
    return paths


def clear_pdfs(folder: Path) -> None:
    for pdf in folder.glob("*.pdf"):
        pdf.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=12, help="number of DOCX files (12)")
    args = parser.parse_args()

    soffice = find_soffice()
    print(f"machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"python:  {platform.python_version()}; soffice: {soffice}")

    with tempfile.TemporaryDirectory(prefix="propgen-bench-") as temp:
        folder = Path(temp)
        docx = make_documents(folder, args.files)

        # Warm the disk cache for LibreOffice's own files so both runs start alike.
        convert_to_pdf(docx[:1])
        clear_pdfs(folder)

        started = time.perf_counter()
        batch = convert_to_pdf(docx)
        batch_seconds = time.perf_counter() - started
        assert all(p.stat().st_size > 0 for p in batch)
        clear_pdfs(folder)

        started = time.perf_counter()
        single = [pdf for path in docx for pdf in convert_to_pdf([path])]
        single_seconds = time.perf_counter() - started
        assert single == batch

    print(f"files:   {len(docx)}")
    print(f"one process for all:  {batch_seconds:6.2f} s ({batch_seconds / len(docx):.2f} s/file)")
    print(
        f"one process per file: {single_seconds:6.2f} s ({single_seconds / len(docx):.2f} s/file)"
    )
    ratio = single_seconds / batch_seconds
    print(f"ratio:   {ratio:.1f}x ({'meets' if ratio >= 4 else 'below'} the 4x target)")


if __name__ == "__main__":
    main()
