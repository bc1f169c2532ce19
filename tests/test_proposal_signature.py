"""The proposal's signature block has room to sign, as the letter's has: a 36 pt Signature
Space between "Submitted on behalf of the consortium ..." and the signer's name, kept on one
page with both, in English, Korean and the side-by-side copy."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Pt
from test_filing import build
from test_filing_pdf import MILESTONES, build_pdfs
from test_letter_blocks import _keep
from test_pdf import needs_libreoffice

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"
INTRO = {"en": "Submitted on behalf of the consortium by its anchor member.",
         "ko": "주관 기업이 컨소시엄을 대표하여 제출합니다."}
SIGNER = {"en": ["Daniel Reyes", "Chief Executive Officer", "Lodestar Compute, Inc."],
          "ko": ["대니얼 레예스", "최고경영자", "로드스타 컴퓨트"]}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("proposal"), PROPOSAL)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_signature_block_leaves_room_to_sign_kept_with_the_name(built: Path,
                                                                     lang: str) -> None:
    paragraphs = Document(str(built / f"proposal-lodestar.{lang}.docx")).paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == INTRO[lang])
    intro, space, *after = paragraphs[start:start + 5]
    assert [p.text for p in after] == SIGNER[lang]
    # The letter's style: one empty line exactly 36 pt high.
    assert space.text == "" and space.style is not None
    assert space.style.name == "Signature Space"
    fmt = space.style.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing >= Pt(36)
    # The heading, the closing line and the room to sign keep with the name; each is whole.
    heading = paragraphs[start - 1]
    assert heading.style is not None and heading.style.name == "Heading 1"
    for paragraph in (heading, intro, space, after[0]):
        assert _keep(paragraph, "keep_with_next"), (lang, paragraph.text)
    for paragraph in (intro, space, *after):
        assert _keep(paragraph, "keep_together"), (lang, paragraph.text)


Line = tuple[int, float, float, str]  # page, top, bottom, text


def _lines(pdf: Path) -> list[Line]:
    """Each line of the PDF with its page and vertical extent in points (pdftotext -bbox:
    the words of one line share their top)."""
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    lines: dict[tuple[int, float], list[tuple[float, float, str]]] = {}
    for number, page in enumerate(ET.fromstring(xhtml).iterfind(".//h:page", ns)):
        for word in page.iterfind("h:word", ns):
            top = round(float(word.get("yMin", 0)))
            lines.setdefault((number, top), []).append(
                (float(word.get("xMin", 0)), float(word.get("yMax", 0)), word.text or ""))
    return [(number, float(top), max(w[1] for w in words),
             " ".join(w[2] for w in sorted(words)))
            for (number, top), words in sorted(lines.items())]


def _last(lines: list[Line], needle: str) -> Line:
    return [line for line in lines if needle in line[3]][-1]


@pytest.fixture(scope="module")
def signatures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample proposal with more milestones in steps, so that the signature block after
    them slides down its page and past the foot of it."""
    out = tmp_path_factory.mktemp("signatures")
    text = PROPOSAL.read_text("utf-8")
    rows = MILESTONES.splitlines(keepends=True)
    inputs = []
    for count in range(0, 32, 4):
        source = out / f"sign-{count:02d}.yaml"
        source.write_text(text.replace("milestones:\n", "milestones:\n" + "".join(
            rows[:2 * count]), 1), "utf-8")
        inputs.append(source)
    build_pdfs(out, *inputs)
    return out


@needs_libreoffice
def test_the_name_is_on_the_page_of_the_closing_line_below_room_to_sign(
        signatures: Path) -> None:
    seen = set()
    for pdf in sorted(signatures.glob("sign-*.pdf")):
        lines = _lines(pdf)
        langs = ["en", "ko"] if ".bilingual." in pdf.name else [pdf.name.split(".")[-2]]
        for lang in langs:
            intro, name = _last(lines, INTRO[lang]), _last(lines, SIGNER[lang][0])
            title = _last(lines, SIGNER[lang][1])
            assert intro[0] == name[0] == title[0], (pdf.name, lang, intro, name)
            # About three blank lines between them (36 pt); one (some 14 pt) is no room.
            assert name[1] - intro[2] >= 30, (pdf.name, lang, intro, name)
            seen.add(intro[0])
    assert len(seen) >= 2  # the block fell on more than one page across the variants
