"""One language table: every document language is a row and a catalog."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from generator.build import DOC_LANGS, BuildOptions, build_files
from generator.i18n import BABEL_LOCALES, LANGS, LANGUAGES, language, resource_dir
from generator.models import LANGS as MODEL_LANGS

from helpers import LETTER


def test_every_language_of_the_table_has_a_catalog_and_is_built() -> None:
    assert DOC_LANGS == LANGS == MODEL_LANGS == tuple(LANGUAGES)
    assert {code: row.babel_locale for code, row in LANGUAGES.items()} == BABEL_LOCALES
    for code in LANGUAGES:
        assert (resource_dir("locales") / code / "LC_MESSAGES" / "propgen.po").is_file(), code
    assert language("xx") is LANGUAGES["en"]


def test_documents_follow_their_row(tmp_path: Path) -> None:
    build_files([LETTER], BuildOptions(output_dir=tmp_path))
    for code, row in LANGUAGES.items():
        document = Document(str(tmp_path / f"letter-onnuri.{code}.docx"))
        assert document.core_properties.language == row.bcp47
        width, height = document.sections[0].page_width, document.sections[0].page_height
        assert width is not None and height is not None
        assert (round(width.cm, 2), round(height.cm, 2)) == row.page_cm
        body = [p.text for p in document.paragraphs if p.text.strip()]
        closing = [t for t in body if t.endswith(row.closing_mark)] if row.closing_mark else []
        assert bool(closing) == bool(row.closing_mark), code
        assert document.styles["Question"].font.italic is (not row.upright_italics), code
