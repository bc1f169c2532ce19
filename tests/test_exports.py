"""`propgen profile export` and `propgen templates export`: copies that --program and
--template-dir accept; a template folder lacking one template uses the shipped one."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from generator.program import DEFAULT_PROFILE

Invoke = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"
LETTER = ROOT / "samples" / "letter-onnuri.yaml"


def document_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml")


def test_profile_export_round_trip(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("profile", "export", tmp_path / "mine")
    assert result.exit_code == 0, result.output
    exported = tmp_path / "mine" / DEFAULT_PROFILE.name
    assert result.output == f"wrote {exported}\n"
    assert exported.read_bytes() == DEFAULT_PROFILE.read_bytes()
    # The copy is what --program reads: a title confirmed there stops being "inferred".
    old = ("        title: {en: Consortia Membership and Formation, ko: 컨소시엄 구성 및 참여}\n"
           "        title_inferred: true\n")
    text = exported.read_text("utf-8")
    assert old in text
    exported.write_text(text.replace(old, old.replace("title_inferred: true",
                                                      "title_inferred: false")), "utf-8")
    checked = invoke("check", LETTER, "--program", exported)
    assert checked.exit_code == 0, checked.output
    assert "[SECTION-TITLE] answers[3].question" not in checked.output
    assert "[ACKNOWLEDGE] acknowledge[0].field: no SECTION-TITLE warning" in checked.output
    listed = invoke("questions", "--program", exported).output
    assert "C  Consortia Membership and Formation / 컨소시엄 구성 및 참여\n" in listed


def test_export_refuses_to_overwrite_unless_forced(tmp_path: Path, invoke: Invoke) -> None:
    assert invoke("templates", "export", tmp_path).exit_code == 0
    again = invoke("templates", "export", tmp_path)
    assert again.exit_code == 2
    assert again.output == f"{tmp_path / 'proposal.docx'} exists; use --force to overwrite\n"
    korean = invoke("templates", "export", tmp_path, "--lang", "ko")
    assert "파일이 이미 있습니다" in korean.output
    assert invoke("templates", "export", tmp_path, "--force").exit_code == 0
    afile = tmp_path / "file.txt"
    afile.write_text("x", "utf-8")
    refused = invoke("profile", "export", afile)
    assert refused.exit_code == 2 and "is a file; give a folder" in refused.output


def test_exported_templates_build_the_same_documents(tmp_path: Path, invoke: Invoke) -> None:
    templates = tmp_path / "templates"
    assert invoke("templates", "export", templates).exit_code == 0
    assert invoke("build", PROPOSAL, LETTER, "-o", tmp_path / "shipped").exit_code == 0
    result = invoke("build", PROPOSAL, LETTER, "-o", tmp_path / "own", "--template-dir", templates)
    assert result.exit_code == 0, result.output
    for built in sorted((tmp_path / "shipped").glob("*.docx")):
        assert document_xml(built) == document_xml(tmp_path / "own" / built.name), built.name


def test_a_folder_lacking_one_template_uses_the_shipped_one(
    tmp_path: Path, invoke: Invoke
) -> None:
    templates = tmp_path / "templates"
    assert invoke("templates", "export", templates).exit_code == 0
    (templates / "comment-letter.docx").unlink()
    # Mark the team's proposal template so its documents can be told apart.
    source = templates / "proposal.docx"
    with zipfile.ZipFile(source) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"</w:body>", b"<w:p><w:r><w:t>OUR HOUSE STYLE</w:t></w:r></w:p></w:body>", 1)
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    result = invoke("build", PROPOSAL, LETTER, "-o", tmp_path / "out", "--template-dir",
                    templates)
    assert result.exit_code == 0, result.output
    assert b"OUR HOUSE STYLE" in document_xml(tmp_path / "out" / "proposal-lodestar.en.docx")
    assert (tmp_path / "out" / "letter-onnuri.en.docx").is_file()
