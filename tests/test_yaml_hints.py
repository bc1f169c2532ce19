"""YAML syntax mistakes in plain words: one case per mistake a business team makes, with the
line and column, the character named and the fix, in English and Korean, and never the
parser's own phrase as the message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.errors import InputError
from generator.yaml_source import parse_yaml

RAW_PHRASES = ("while scanning", "mapping values are not allowed here", "expected <block end>",
               "while parsing", "could not find expected", "found character")

LIST = "kind: proposal\nconsortium:\n  members:\n    - id: lead\n      name: Lead\n"

# name: (text, line, column, English fragments, Korean fragments)
CASES: dict[str, tuple[str, int, int, tuple[str, ...], tuple[str, ...]]] = {
    "tab": ("kind: proposal\nconsortium:\n\tname: x\n", 3, 1,
            ("a tab character", "replace the tab with spaces"),
            ("탭 문자", "공백으로 바꾸십시오")),
    "fullwidth space": ("kind: proposal\nconsortium:\n\u3000\u3000name: x\n", 3, 1,
                        ("U+3000", "retype the spaces"),
                        ("전각 공백(U+3000)", "공백을 다시 입력하십시오")),
    "fullwidth colon": ("kind: proposal\ntitle\uff1a Plan\ndate: 2026-01-01\n", 2, 6,
                        ("'：' (U+FF1A", "after 'title'", "ordinary colon ':'"),
                        ("'title' 뒤의", "'：'(U+FF1A)", "반각 콜론 ':'")),
    "unquoted colon": ("kind: proposal\ntitle: Plan: the best\n", 2, 12,
                       ("'title' contains ': '", "in quotes", "'title: |'"),
                       ("'title'의 텍스트에 ': '", "따옴표", "'title: |'")),
    "missing dash": (LIST + "    id: partner\n    name: Partner\n", 6, 5,
                     ("line 6 ('id')", "list that starts on line 4", "write '- ' before 'id'"),
                     ("6행('id')", "4행에서 시작하는 목록", "'id' 앞에 '- '를 쓰십시오")),
    "duplicate key in a list entry": (LIST + "      id: partner\n", 6, 7,
                                      ("if line 6 starts another entry", "'- ' on line 4"),
                                      ("6행이 새 항목의 시작이라면", "4행의 '- '")),
    "indentation lines up with nothing": (
        "kind: proposal\nconsortium:\n    name: x\n  members: []\n", 4, 3,
        ("indented 2 spaces", "line it up with 'name' on line 3 (4 spaces)"),
        ("들여쓰기(2칸)", "3행의 'name'에 맞춰 4칸")),
    "indentation deeper than its siblings": (
        "kind: proposal\nconsortium:\n  name: x\n   members: []\n", 4, 4,
        ("indented 3 spaces", "line it up with 'name' on line 3 (2 spaces)"),
        ("들여쓰기(3칸)", "3행의 'name'에 맞춰 2칸")),
    "unclosed double quote": ('kind: proposal\ntitle: "Plan\ndate: 2026-01-01\n', 2, 8,
                              ('quote " opened at line 2, column 8', 'end the text with "'),
                              ('2행 8열에서 연 따옴표 "', '텍스트 끝에 "')),
    "unclosed single quote": ("kind: proposal\ntitle: 'Plan\n", 2, 8,
                              ("quote ' opened at line 2, column 8", "''"),
                              ("2행 8열에서 연 따옴표 '", "''")),
    "unclosed brace": ("kind: proposal\ntitle: {en: Plan, ko: 계획\ndate: 2026-01-01\n", 3, 5,
                       ("'{' opened at line 2, column 8", "'}'"),
                       ("2행 8열에서 연 '{'", "'}'")),
}


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", list(CASES))
def test_syntax_mistake_is_named_with_its_fix(name: str, lang: str) -> None:
    text, line, col, english, korean = CASES[name]
    with pytest.raises(InputError) as caught:
        parse_yaml(text.encode("utf-8"), "f.yaml", Path("f.yaml"), lang)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (line, col), str(problem)
    for fragment in english if lang == "en" else korean:
        assert fragment in problem.message, problem.message
    for phrase in RAW_PHRASES:
        assert phrase not in problem.message


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_hash_inside_text_is_a_warning_naming_what_is_dropped(lang: str) -> None:
    loaded = parse_yaml(b"kind: proposal\ntitle: Plan #1 for Asia\n", "f.yaml", Path("f.yaml"),
                        lang)
    assert loaded.data["title"] == "Plan"
    [warning] = loaded.warnings
    assert (warning.line, warning.column) == (2, 13)
    assert "'#1 for Asia'" in warning.message
    assert ("in quotes" if lang == "en" else "따옴표로 묶으십시오") in warning.message


def test_ordinary_comments_and_block_text_are_left_alone() -> None:
    text = ("kind: proposal  # a note\ntitle: Plan # a note\nsummary: |\n  Item #1: ok\n"
            "other: 'quoted #1'\n")
    assert parse_yaml(text.encode(), "f.yaml", Path("f.yaml")).warnings == []


def test_the_hash_warning_is_labelled_in_every_command(tmp_path: Path, invoke: Any) -> None:
    letter = Path(__file__).resolve().parent.parent / "samples" / "letter-onnuri.yaml"
    path = tmp_path / "letter.yaml"
    path.write_text(letter.read_text("utf-8").replace("reference: ", "reference: ONR #1 ", 1),
                    "utf-8")
    checked = invoke("check", path)
    assert checked.exit_code == 0
    assert f"{path}:8:16: warning [YAML-COMMENT] ' #' starts a comment" in checked.output
    assert "0 error(s), 1 warning(s)" in checked.output
    korean = invoke("validate", "--lang", "ko", path)
    assert korean.exit_code == 0
    assert f"{path}:8:16: 경고 [YAML-COMMENT] YAML에서 ' #'은 주석의 시작이므로" in korean.output


# --- a document given where the YAML file is expected ---------------------------------


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A propgen-built DOCX, a plain Word file, an xlsx and an XLIFF sheet, a PDF, each
    also under a .yaml name (the file is told by its content, not its name)."""
    from docx import Document
    from openpyxl import Workbook

    from generator.build import BuildOptions, build_files

    from helpers import PROPOSAL

    folder = tmp_path_factory.mktemp("documents")
    build_files([PROPOSAL], BuildOptions(output_dir=folder / "out"))
    Document().save(str(folder / "memo.docx"))
    Workbook().save(str(folder / "sheet.xlsx"))
    (folder / "sheet.xlf").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" '
        'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file/></xliff>\n', "utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    files = {"built": folder / "out" / "proposal-lodestar.en.docx",
             "word": folder / "memo.docx", "xlsx": folder / "sheet.xlsx",
             "xlf": folder / "sheet.xlf", "pdf": folder / "scan.pdf"}
    for key, path in list(files.items()):
        renamed = folder / f"{key}-renamed.yaml"
        renamed.write_bytes(path.read_bytes())
        files[key + " as yaml"] = renamed
    return files


# kind: (English fragments, Korean fragments); {file} is the path given.
NOT_YAML = {
    "built": (("this is a Word document propgen built", "propgen pull {file} --into "),
              ("propgen이 만든 Word 문서이며 YAML 파일이 아닙니다", "'propgen pull {file} --into ")),
    "word": (("this is a Word document (DOCX)", "propgen init proposal FILE.yaml"),
             ("Word 문서(DOCX)이며", "propgen init proposal FILE.yaml")),
    "xlsx": (("Excel workbook (xlsx)", "'propgen translate import {file}'"),
             ("Excel 통합 문서(xlsx)", "'propgen translate import {file}'")),
    "xlf": (("XLIFF translation file", "'propgen translate import {file}'"),
            ("XLIFF 번역 파일", "'propgen translate import {file}'")),
    "pdf": (("this is a PDF document", "propgen pull FILE.docx --into FILE.yaml"),
            ("PDF 문서이며", "propgen pull FILE.docx --into FILE.yaml")),
}


@pytest.mark.parametrize("command", ["validate", "check", "build"])
@pytest.mark.parametrize("key", [*NOT_YAML, *(k + " as yaml" for k in NOT_YAML)])
def test_a_document_given_for_yaml_is_named_with_the_command_that_takes_it(
        documents: dict[str, Path], key: str, command: str, invoke: Any,
        tmp_path: Path) -> None:
    path = documents[key]
    english, korean = NOT_YAML[key.removesuffix(" as yaml")]
    extra = ["-o", str(tmp_path / "out")] if command == "build" else []
    for lang, fragments in (("en", english), ("ko", korean)):
        result = invoke(command, path, "--lang", lang, *extra)
        assert result.exit_code == 2, result.output
        line = next(x for x in result.output.splitlines() if x.startswith(f"{path}: "))
        for fragment in fragments:
            assert fragment.format(file=path) in line
        assert "UTF-8" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.docx"))


def test_the_pull_command_names_the_yaml_the_document_was_built_from(
        documents: dict[str, Path], invoke: Any) -> None:
    result = invoke("validate", documents["built"])
    assert (f"'propgen pull {documents['built']} --into proposal-lodestar.yaml'"
            in result.output)


def test_a_document_over_the_size_limit_is_named_too(
        documents: dict[str, Path], invoke: Any) -> None:
    """Only the file's start is read when it is over --max-bytes; the zip's directory is at
    its end, read from the file."""
    result = invoke("validate", documents["built"], "--max-bytes", "1000")
    assert result.exit_code == 2
    assert "this is a Word document propgen built" in result.output
    assert "more than the limit" not in result.output
