"""Outputs follow the WordprocessingML schema's element order, which Word enforces.

LibreOffice opens a document whose property elements are out of order; Word reports
"unreadable content". No Word runs here, so the order is checked against ECMA-376.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generator.build import BuildOptions, build_files
from generator.render import PPR_ORDER

from helpers import LETTER, SAMPLES_DIR, TEMPLATES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _order(names: str) -> tuple[str, ...]:
    return tuple(W + name for name in names.split())


ORDERS = {
    W + "pPr": PPR_ORDER,
    W + "rPr": _order(
        "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
        "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs "
        "highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout "
        "specVanish oMath rPrChange"),
    W + "tblPr": _order(
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW "
        "jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
        "tblDescription tblPrChange"),
    W + "tcPr": _order(
        "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection "
        "tcFitText vAlign hideMark headers cellIns cellDel cellMerge tcPrChange"),
    W + "style": _order(
        "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden "
        "unhideWhenUsed qFormat locked personal personalCompose personalReply rsid pPr rPr "
        "tblPr trPr tcPr tblStylePr"),
}


def misordered(xml: bytes) -> list[str]:
    problems = []
    for parent in etree.fromstring(xml).iter(*ORDERS):
        order = ORDERS[parent.tag]
        ranks = [order.index(child.tag) for child in parent if child.tag in order]
        if ranks != sorted(ranks):
            names = [child.tag.replace(W, "") for child in parent]
            problems.append(f"{parent.tag.replace(W, '')}: {names}")
    return problems


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("ooxml")
    build_files([SAMPLES_DIR], BuildOptions(output_dir=out))
    build_files([LETTER],
                BuildOptions(output_dir=out, public=True))
    return sorted(out.glob("*.docx")) + sorted(TEMPLATES.glob("*.docx"))


def test_every_part_keeps_the_schema_order(outputs: list[Path]) -> None:
    assert len(outputs) == 11
    for path in outputs:
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                if name.startswith("word/") and name.endswith(".xml"):
                    assert misordered(package.read(name)) == [], (path.name, name)


def test_the_check_sees_a_misplaced_element() -> None:
    good = (f'<w:p xmlns:w="{W[1:-1]}"><w:pPr><w:pStyle w:val="a"/><w:keepNext/>'
            '<w:spacing/></w:pPr></w:p>').encode()
    bad = (f'<w:p xmlns:w="{W[1:-1]}"><w:pPr><w:pStyle w:val="a"/><w:spacing/>'
           '<w:keepNext/></w:pPr></w:p>').encode()
    assert misordered(good) == []
    assert misordered(bad) == ["pPr: ['pStyle', 'spacing', 'keepNext']"]
