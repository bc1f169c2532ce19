"""Translation sheets and drift: export, edit as a translator would, import, and the
review record that tells which language of a field changed."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree
from openpyxl import load_workbook
from ruamel.yaml import YAML

from generator.cli import cli
from generator.translate import XLIFF_NS, parse_path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
NAMES = ("proposal-lodestar.yaml", "letter-onnuri.yaml")


def run(*args: object) -> Any:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture
def work(tmp_path: Path) -> Path:
    for name in NAMES:
        shutil.copy(SAMPLES / name, tmp_path / name)
    return tmp_path


def plain(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text("utf-8"))


def at(data: Any, field: str) -> Any:
    for step in parse_path(field):
        data = data[step]
    return data


def comment_lines(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().splitlines() if line.lstrip().startswith(b"#")]


EDITS = {  # (file, field, language): new text
    ("proposal-lodestar.yaml", "title", "ko"): "동남아시아 신뢰 AI 스택",
    ("proposal-lodestar.yaml", "executive_summary", "en"):
        "A shorter summary.\n\nIt has a second paragraph now.",
    ("letter-onnuri.yaml", "commenter.name", "ko"): "온누리반도체 주식회사",
}


def assert_only_edits_changed(work: Path, edits: dict[tuple[str, str, str], str]) -> None:
    for name in NAMES:
        before, after = plain(SAMPLES / name), plain(work / name)
        for (file, field, lang), text in edits.items():
            if file == name:
                assert at(after, field)[lang] == text
                at(before, field)[lang] = text
        assert after == before, name  # nothing else changed
        assert comment_lines(work / name) == comment_lines(SAMPLES / name)
        # Line by line, only the edited scalars' lines differ.
        old = (SAMPLES / name).read_text("utf-8").splitlines()
        new = (work / name).read_text("utf-8").splitlines()
        unchanged = sum(1 for line in new if line in old)
        assert unchanged >= len(old) - 8


def test_xlsx_round_trip(work: Path) -> None:
    sheet = work / "sheet.xlsx"
    result = run("translate", "export", *(work / n for n in NAMES), "-o", sheet)
    assert result.exit_code == 0, result.output
    book = load_workbook(sheet)
    rows = book["Translation"]
    assert [c.value for c in rows[1]][:7] == ["File", "Field", "Line", "English", "Korean",
                                              "Status", "Note"]
    columns = {"en": 4, "ko": 5}
    for cells in rows.iter_rows(min_row=2):
        key = (cells[0].value, cells[1].value)
        for (file, field, lang), text in EDITS.items():
            if key == (file, field):
                cells[columns[lang] - 1].value = text
    book.save(sheet)
    result = run("translate", "import", sheet)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [
        f"{work / 'proposal-lodestar.yaml'}: title.ko: changed",
        f"{work / 'proposal-lodestar.yaml'}: executive_summary.en: changed",
        f"{work / 'letter-onnuri.yaml'}: commenter.name.ko: changed",
    ]
    assert "3 text(s) changed in 2 file(s)" in result.output
    assert_only_edits_changed(work, EDITS)
    # Imported fields are recorded as reviewed: no drift, and a second import does nothing.
    assert (work / "proposal-lodestar.review.tsv").read_text("utf-8").count("\n") == 4 + 2
    again = run("translate", "import", sheet)
    assert again.exit_code == 0 and "0 text(s) changed in 0 file(s)" in again.output


def test_xlsx_layout_and_protection(work: Path) -> None:
    sheet = work / "sheet.xlsx"
    run("translate", "export", work / NAMES[0], "-o", sheet)
    book = load_workbook(sheet)
    rows = book["Translation"]
    assert rows.protection.sheet
    assert rows.freeze_panes == "A2"
    assert rows.column_dimensions["D"].width >= 50 and rows.column_dimensions["E"].width >= 50
    assert rows.column_dimensions["H"].hidden and rows.column_dimensions["I"].hidden
    first = rows[2]
    assert [c.protection.locked for c in first[:9]] == [True, True, True, False, False, True,
                                                        False, True, True]
    assert first[3].alignment.wrap_text and first[4].alignment.wrap_text
    assert first[1].value == "title" and first[2].value == 7  # the line of 'title:'
    # One input, one sheet: the same bytes every time, whatever the clock says.
    with zipfile.ZipFile(sheet) as package:
        core = package.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2, core
    again = work / "again.xlsx"
    run("translate", "export", work / NAMES[0], "-o", again)
    assert again.read_bytes() == sheet.read_bytes()


def test_the_sheet_names_the_translation_not_the_tool(work: Path) -> None:
    """The sheet goes to outside translators: its worksheet and its author are no tool's
    name; a sheet exported before, with the worksheet named "propgen", still imports."""
    sheet = work / "sheet.xlsx"
    run("translate", "export", work / NAMES[0], "-o", sheet)
    with zipfile.ZipFile(sheet) as package:
        text = b"".join(package.read(name) for name in package.namelist()).decode()
    assert "propgen" not in text.casefold()
    assert load_workbook(sheet).sheetnames == ["Translation"]
    korean = work / "sheet-ko.xlsx"
    run("translate", "export", work / NAMES[0], "-o", korean, "--lang", "ko")
    assert load_workbook(korean).sheetnames == ["번역"]

    book = load_workbook(sheet)
    page = book["Translation"]
    page.title = "propgen"  # as exported before
    row = next(r for r in page.iter_rows(min_row=2) if r[1].value == "title")
    row[4].value = "예전 시트에서 고친 제목"
    book.save(sheet)
    result = run("translate", "import", sheet)
    assert result.exit_code == 0, result.output
    assert "title.ko: changed" in result.output
    assert "예전 시트에서 고친 제목" in (work / NAMES[0]).read_text("utf-8")


def test_xliff_round_trip(work: Path) -> None:
    sheet = work / "sheet.xlf"
    result = run("translate", "export", *(work / n for n in NAMES), "-o", sheet)
    assert result.exit_code == 0, result.output
    tree = etree.parse(str(sheet))
    ns = {"x": XLIFF_NS}
    assert tree.getroot().get("version") == "1.2"
    for file_element in tree.getroot().iterfind("x:file", ns):
        assert file_element.get("source-language") == "en-US"
        for unit in file_element.iterfind(".//x:trans-unit", ns):
            for (file, field, lang), text in EDITS.items():
                if (file_element.get("original"), unit.get("id")) == (file, field):
                    tag = "source" if lang == "en" else "target"
                    unit.find(f"x:{tag}", ns).text = text
    tree.write(str(sheet), xml_declaration=True, encoding="UTF-8")
    result = run("translate", "import", sheet)
    assert result.exit_code == 0, result.output
    assert_only_edits_changed(work, EDITS)


def test_stale_rows_are_refused_and_nothing_is_written(work: Path) -> None:
    sheet = work / "sheet.xlsx"
    run("translate", "export", *(work / n for n in NAMES), "-o", sheet)
    # After the export, someone edits the English title in the YAML...
    proposal = work / "proposal-lodestar.yaml"
    proposal.write_text(proposal.read_text("utf-8").replace(
        "en: Lodestar Trusted AI Stack for Southeast Asia", "en: Lodestar AI Stack"), "utf-8")
    before = {name: (work / name).read_bytes() for name in NAMES}
    # ...while the translator edits its Korean, and a fine row in the other file.
    book = load_workbook(sheet)
    rows = book["Translation"]
    numbers = {}
    for cells in rows.iter_rows(min_row=2):
        if (cells[0].value, cells[1].value) == ("proposal-lodestar.yaml", "title"):
            cells[4].value = "새 제목"
            numbers["title"] = cells[0].row
        if (cells[0].value, cells[1].value) == ("letter-onnuri.yaml", "commenter.name"):
            cells[4].value = "온누리반도체 주식회사"
    book.save(sheet)
    result = run("translate", "import", sheet)
    assert result.exit_code == 2
    assert (f"{sheet}: row {numbers['title']} (proposal-lodestar.yaml, title): the YAML text "
            "of this field changed after the sheet was exported") in result.output
    assert "nothing was written" in result.output
    assert {name: (work / name).read_bytes() for name in NAMES} == before
    assert not list(work.glob("*.review.tsv"))


def test_an_emptied_cell_is_refused(work: Path) -> None:
    sheet = work / "sheet.xlsx"
    run("translate", "export", work / NAMES[0], "-o", sheet)
    before = (work / NAMES[0]).read_bytes()
    book = load_workbook(sheet)
    row = next(r for r in book["Translation"].iter_rows(min_row=2) if r[1].value == "title")
    row[4].value = None
    book.save(sheet)
    result = run("translate", "import", sheet)
    assert result.exit_code == 2
    assert f"row {row[0].row} (proposal-lodestar.yaml, title): the Korean cell is empty" in result.output
    assert (work / NAMES[0]).read_bytes() == before


def test_row_whose_field_is_gone_is_refused(work: Path) -> None:
    sheet = work / "sheet.xlf"
    run("translate", "export", work / NAMES[1], "-o", sheet)
    letter = work / NAMES[1]
    text = letter.read_text("utf-8")
    start = text.index("  address:")
    end = text.index("\n", text.index("    ko:", start)) + 1
    letter.write_text(text[:start] + text[end:], "utf-8")
    tree = etree.parse(str(sheet))
    unit = next(u for u in tree.iter(f"{{{XLIFF_NS}}}trans-unit")
                if u.get("id") == "commenter.address")
    unit.find(f"{{{XLIFF_NS}}}target").text = "새 주소"
    tree.write(str(sheet))
    result = run("translate", "import", sheet, "--lang", "ko")
    assert result.exit_code == 2
    assert "단위 'commenter.address'(letter-onnuri.yaml, commenter.address): 이 항목이 YAML " \
        "파일에 더 이상 없습니다" in result.output


def test_import_fills_a_missing_translation(work: Path) -> None:
    proposal = work / NAMES[0]
    proposal.write_text(proposal.read_text("utf-8").replace(
        "  ko: 동남아시아를 위한 로드스타 신뢰 AI 스택\n", ""), "utf-8")
    sheet = work / "sheet.xlsx"
    result = run("translate", "export", proposal, "-o", sheet, "--lang", "ko")
    assert "번역 없음 1개" in result.output
    book = load_workbook(sheet)
    row = next(r for r in book["번역"].iter_rows(min_row=2) if r[1].value == "title")
    assert row[5].value == "국문 없음"
    row[4].value = "새 국문 제목"
    book.save(sheet)
    assert run("translate", "import", sheet).exit_code == 0
    assert plain(proposal)["title"] == {"en": "Lodestar Trusted AI Stack for Southeast Asia",
                                        "ko": "새 국문 제목"}
    assert proposal.read_text("utf-8").splitlines()[6:9] == [
        "title:", "  en: Lodestar Trusted AI Stack for Southeast Asia", "  ko: 새 국문 제목"]


def test_not_a_sheet(work: Path) -> None:
    result = run("translate", "import", work / NAMES[0])
    assert result.exit_code == 2
    assert "a translation sheet ends in .xlsx, .xlf or .xliff" in result.output
    fake = work / "fake.xlsx"
    fake.write_bytes(b"not a zip")
    result = run("translate", "import", fake)
    assert result.exit_code == 2 and "cannot read the sheet" in result.output


# --- drift ------------------------------------------------------------------------------


def check_json(*args: object) -> list[dict[str, Any]]:
    result = run("check", "--format", "json", *args)
    return list(json.loads(result.output)["findings"])


def test_drift_warns_for_the_edited_field_only(work: Path) -> None:
    proposal = work / NAMES[0]
    assert not [f for f in check_json(proposal) if f["rule"] == "DRIFT"]
    result = run("translate", "mark-reviewed", proposal)
    assert result.exit_code == 0, result.output
    record = work / "proposal-lodestar.review.tsv"
    assert record.read_text("utf-8").splitlines()[4].startswith("title\t")
    # Reflowing a text is no edit; changing its words is.
    text = proposal.read_text("utf-8").replace(
        "en: Lodestar Trusted AI Stack for Southeast Asia",
        "en: Lodestar Trusted AI Stack for South and Southeast Asia")
    proposal.write_text(text, "utf-8")
    drift = [f for f in check_json(proposal) if f["rule"] == "DRIFT"]
    assert [(f["path"], f["line"], f["severity"]) for f in drift] == [("title.en", 8, "warning")]
    assert "English text changed" in str(drift[0]["message"])
    korean = [f for f in check_json(proposal, "--lang", "ko") if f["rule"] == "DRIFT"]
    assert "영문은 바뀌었지만 국문은 바뀌지 않았습니다" in str(korean[0]["message"])
    # Once the Korean is brought up to date and marked, the warning goes.
    assert run("translate", "mark-reviewed", proposal, "title").exit_code == 0
    assert not [f for f in check_json(proposal) if f["rule"] == "DRIFT"]


def test_drift_sidecar_reads_well_and_without_it_nothing_changes(work: Path) -> None:
    proposal = work / NAMES[0]
    plain_findings = check_json(proposal)
    run("translate", "mark-reviewed", proposal, "consortium.members[1]", "stack")
    lines = (work / "proposal-lodestar.review.tsv").read_text("utf-8").splitlines()
    body = [line for line in lines if not line.startswith("#")]
    assert [line.split("\t")[0] for line in body][:2] == [
        "consortium.members[1].name", "consortium.members[1].contribution"]
    assert all(len(line.split("\t")) == 3 for line in body)
    assert check_json(proposal) == plain_findings
    bad = run("translate", "mark-reviewed", proposal, "no.such.field")
    assert bad.exit_code == 2 and "no bilingual text at 'no.such.field'" in bad.output


def test_xliff_from_korean_and_a_sheet_naming_other_files(work: Path) -> None:
    sheet = work / "sheet.xliff"
    result = run("translate", "export", work / NAMES[0], "-o", sheet, "--source", "ko")
    assert result.exit_code == 0, result.output
    tree = etree.parse(str(sheet))
    file_element = tree.getroot()[0]
    assert (file_element.get("source-language"), file_element.get("target-language")) == (
        "ko-KR", "en-US")
    unit = next(u for u in tree.iter(f"{{{XLIFF_NS}}}trans-unit") if u.get("id") == "title")
    assert unit.find(f"{{{XLIFF_NS}}}source").text == "동남아시아를 위한 로드스타 신뢰 AI 스택"
    unit.find(f"{{{XLIFF_NS}}}target").text = "Lodestar AI for Southeast Asia"
    tree.write(str(sheet))
    assert run("translate", "import", sheet).exit_code == 0
    assert plain(work / NAMES[0])["title"]["en"] == "Lodestar AI for Southeast Asia"
    # A sheet can only write YAML files.
    notes = work / "notes.txt"
    notes.write_text("mine", "utf-8")
    file_element.set("original", "notes.txt")
    unit.find(f"{{{XLIFF_NS}}}target").text = "changed"
    tree.write(str(sheet))
    result = run("translate", "import", sheet)
    assert result.exit_code == 2 and "is not a YAML file" in result.output
    assert notes.read_text("utf-8") == "mine"


def test_a_translation_added_later_is_no_drift(work: Path) -> None:
    proposal = work / NAMES[0]
    full = proposal.read_text("utf-8")
    proposal.write_text(full.replace("  ko: 동남아시아를 위한 로드스타 신뢰 AI 스택\n", ""), "utf-8")
    result = run("translate", "mark-reviewed", proposal)
    assert result.exit_code == 0, result.output
    record = (work / "proposal-lodestar.review.tsv").read_text("utf-8")
    assert "\ntitle\t" not in record  # one language only: nothing agrees yet
    proposal.write_text(full, "utf-8")
    assert not [f for f in check_json(proposal) if f["rule"] == "DRIFT"]
