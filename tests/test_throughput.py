"""The shortcuts the build takes for speed give the bytes the long way gives.

benchmarks/throughput.py measures them; these tests hold them to docxtpl's own results and
to a full render: the review copy's annex without a fourth render, the body parsed once
into the document, tabs and breaks resolved only where a paragraph holds one.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docxtpl import DocxTemplate
from lxml import etree
from test_hardening import sample_with

from generator import output
from generator.build import BuildOptions, build_files, build_submission
from generator.loader import load_profile, load_submission
from generator.render import Renderer, _Template

from helpers import PROPOSAL

DATE = dt.date(2026, 1, 5)


def _build(path: Path, monkeypatch: pytest.MonkeyPatch, *, swap: bool,
           public: bool = False) -> tuple[dict[str, bytes], list[bool]]:
    """The sample's documents, with the annex swapped in or rendered again."""
    taken: list[bool] = []
    original = Renderer.render_variant

    def variant(self: Renderer, *args: Any) -> Any:
        result = original(self, *args) if swap else None
        taken.append(result is not None)
        return result

    monkeypatch.setattr(Renderer, "render_variant", variant)
    profile = load_profile()
    submission, _ = load_submission(path, profile=profile)
    return build_submission(submission, profile, stem="p", public=public), taken


@pytest.mark.parametrize("public", [False, True])
@pytest.mark.parametrize("rich", [False, True])
def test_review_copy_without_a_fourth_render_is_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, public: bool, rich: bool) -> None:
    """The side-by-side copy shows the annex's status column: swapping the annex's elements
    into the filed document gives the bytes of rendering it again (rich text elsewhere,
    laid out before the swap, included)."""
    path = PROPOSAL
    if rich:
        path = sample_with(PROPOSAL, tmp_path / "rich.yaml", {
            ("executive_summary", "en"): "Two points:\n\n- **first**[^1]\n- second\n\n"
                                         "[^1]: A note.",
            ("executive_summary", "ko"): "두 가지입니다.\n\n- **첫째**[^1]\n- 둘째\n\n"
                                         "[^1]: 주석입니다.",
        })
    swapped, taken = _build(path, monkeypatch, swap=True, public=public)
    assert taken == [True, True]  # the shortcut was taken, for English and Korean
    rendered, _ = _build(path, monkeypatch, swap=False, public=public)
    assert swapped.keys() == rendered.keys()
    for name in rendered:
        assert swapped[name] == rendered[name], name
    # And the review copy does show the status column the filed copy leaves out.
    names = sorted(swapped)
    bilingual = Document(io.BytesIO(swapped[next(n for n in names if "bilingual" in n)]))
    filed = Document(io.BytesIO(swapped[next(n for n in names if n.endswith(".en.docx"))]))
    assert "Status" in _cell_texts(bilingual) and "Status" not in _cell_texts(filed)


def _cell_texts(document: Any) -> set[str]:
    return {"".join(t.text or "" for t in tc.iter(_qn("w:t")))
            for tc in document.element.body.iter(_qn("w:tc"))}


def _qn(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag[2:]


def _template(path: Path, paragraphs: Sequence[tuple[str, str | None]], header: str = "",
              table: list[list[str]] | None = None) -> Path:
    document = Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    if table is not None:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, texts in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, texts, strict=True):
                cell.text = text
    if header:
        document.sections[0].header.paragraphs[0].text = header
    document.save(str(path))
    return path


def _render(renderer: Renderer, context: dict[str, Any]) -> Any:
    return renderer.render(context, lang="en", title="T", author="A", date=DATE)


def _xml(document: Any) -> bytes:
    return etree.tostring(document.element)


ANNEX: list[tuple[str, str | None]] = [("{{ intro }}", None), ("{%p if flag %}", None), ("With status", None),
         ("{%p else %}", None), ("Without", None), ("{%p endif %}", None),
         ("{{ closing }}", None)]


def test_variant_swaps_the_end_of_the_body(tmp_path: Path) -> None:
    renderer = Renderer(_template(tmp_path / "t.docx", ANNEX))
    context = {"intro": "Intro", "flag": False, "closing": "Bye"}
    document = _render(renderer, context)
    variant = renderer.render_variant(document, context, {"flag": True})
    assert variant is document
    assert _xml(variant) == _xml(_render(renderer, {**context, "flag": True}))
    assert "With status" in _xml(variant).decode()


@pytest.mark.parametrize(("paragraphs", "header"), [
    # The changed value read in a page header: the header would change too.
    (ANNEX, "{{ flag }}"),
    # A value set before the part that reads it: that part cannot render alone.
    ([("{% set x = 1 %}{{ intro }}", None), *ANNEX[1:]], ""),
    # A heading among the changed elements: the contents would list it.
    ([*ANNEX[:2], ("With status", "Heading 1"), *ANNEX[3:]], ""),
])
def test_variant_renders_again_where_a_swap_is_not_enough(
        tmp_path: Path, paragraphs: list[tuple[str, str | None]], header: str) -> None:
    renderer = Renderer(_template(tmp_path / "t.docx", paragraphs, header=header))
    context = {"intro": "Intro", "flag": False, "closing": "Bye"}
    document = _render(renderer, context)
    assert renderer.render_variant(document, context, {"flag": True}) is None


def test_variant_of_another_document_is_refused(tmp_path: Path) -> None:
    renderer = Renderer(_template(tmp_path / "t.docx", ANNEX))
    context = {"intro": "Intro", "flag": False, "closing": "Bye"}
    first = _render(renderer, context)
    _render(renderer, context)
    assert renderer.render_variant(first, context, {"flag": True}) is None


@pytest.mark.parametrize("cells", [
    ["{{ a }}", "{{ b }}", "", ""],  # the body parsed once, straight into the document
    # Five cells from the loop and one more, in a grid of four: docxtpl adds columns.
    ["{%tc for x in xs %}", "{{ x }}", "{%tc endfor %}", "{{ b }}"],
])
def test_body_and_tables_as_docxtpl_makes_them(tmp_path: Path, cells: list[str]) -> None:
    path = _template(tmp_path / "t.docx", [("{{ a }}", None)],
                     table=[cells, ["w", "x", "y", "z"]])
    context = {"a": "A & B", "b": "b", "xs": ["1", "2", "3", "4", "5"]}
    ours = _render(Renderer(path), context)
    theirs = DocxTemplate(path)
    theirs.render(context, autoescape=True)
    ours_tables = [etree.tostring(t) for t in ours.element.body.iter(_qn("w:tbl"))]
    their_tables = [etree.tostring(t) for t in theirs.docx.element.body.iter(_qn("w:tbl"))]
    assert ours_tables == their_tables
    columns = len(next(ours.element.body.iter(_qn("w:tblGrid"))))
    assert columns == (6 if "tc for" in cells[0] else 4)


def test_tabs_and_breaks_resolved_as_docxtpl_does(tmp_path: Path) -> None:
    """Only paragraphs holding a tab or break go through docxtpl's resolve_listing; the
    result is what it gives for the whole part."""
    path = _template(tmp_path / "t.docx", [("x", None)])
    template = _Template(path.read_bytes(), lambda: Document(str(path)), {}, lambda _w15: None)
    paragraphs = [
        '<w:p><w:r><w:t>plain</w:t></w:r></w:p>',
        '<w:p><w:pPr><w:jc w:val="left"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>'
        '<w:t>mail\nphone\tfax</w:t></w:r></w:p>',
        '<w:p w:rsidR="1"><w:r><w:t xml:space="preserve">a\fb</w:t></w:r></w:p>',
        '<w:p><w:r><w:t>c\ad</w:t></w:r><w:r><w:t>plain again</w:t></w:r></w:p>',
    ]
    xml = "<w:body>" + "".join(paragraphs) + "</w:body>"
    assert template.finish(xml) == DocxTemplate.resolve_listing(template, xml)
    assert template.finish(xml) != xml


def test_documents_written_together_land_in_order_after_the_manifest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A submission's documents are synced at the same time, but renamed into place one
    after the other in their order, each once the manifest on disk expects its hash (so an
    interrupted build leaves only files propgen knows as its own)."""
    out = tmp_path / "out"
    real_replace = output.os.replace
    landed: list[tuple[str, bool]] = []

    def replace(src: Any, dst: Any) -> None:
        if str(dst).endswith(".docx"):
            manifest = json.loads((out / output.MANIFEST_NAME).read_text("utf-8"))
            expected = manifest.get("pending", {}).get(Path(dst).name, [])
            landed.append((Path(dst).name, output.sha256(Path(src).read_bytes()) in expected))
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", replace)
    result = build_files([PROPOSAL], BuildOptions(output_dir=out))
    assert not result.errors
    assert landed == [(f"proposal-lodestar.{kind}.docx", True)
                      for kind in ("en", "ko", "bilingual")]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [output.MANIFEST_NAME, *(name for name, _ in landed)])
