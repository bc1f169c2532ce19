"""Section numbers and titles come from one table: headings, layer headings and the matrix."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from generator.build import BuildOptions, build_files
from generator.i18n import gettext_for
from generator.sections import PROPOSAL_SECTIONS

from helpers import PROPOSAL


def test_headings_layer_headings_and_matrix_follow_the_table(tmp_path: Path) -> None:
    build_files([PROPOSAL], BuildOptions(output_dir=tmp_path))
    for lang in ("en", "ko"):
        _ = gettext_for(lang)
        document = Document(str(tmp_path / f"proposal-lodestar.{lang}.docx"))
        headings = [p.text for p in document.paragraphs
                    if p.style is not None and str(p.style.name).startswith("Heading")]
        for section in PROPOSAL_SECTIONS:
            if not section.number:
                continue
            if section.key.startswith("stack."):
                letter = "ABCDE"[int(section.number.split(".")[1]) - 1]
                expected = f"{section.number} ({letter}) {_(section.title)}"
            elif "." in section.number:
                expected = f"{section.number} {_(section.title)}"
            else:
                expected = f"{section.number}. {_(section.title)}"
            assert expected in headings, (lang, expected)
        matrix = document.tables[-1]
        where = {row.cells[2].text for row in matrix.rows[1:]}
        assert f"3.1 {_(PROPOSAL_SECTIONS[4].title)}" in where
        assert f"7 {_(PROPOSAL_SECTIONS[-6].title)}" in where
