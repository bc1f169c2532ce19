"""No silent loss: --force keeps a backup, stale PDFs and previews do not linger, and a lost
manifest does not block a rebuild that changes nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import Invoke
from test_pdf import needs_libreoffice

from generator.output import MANIFEST_NAME

from helpers import LETTER, PROPOSAL


def changed_copy(folder: Path, source: Path = LETTER) -> Path:
    """The letter under the same name with a different closing, so its DOCX changes."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / source.name
    path.write_text(source.read_text("utf-8").replace(
        "would\n    be glad", "would\n    be very glad").replace("기꺼이", "언제든 기꺼이"),
        "utf-8")
    assert path.read_text("utf-8") != source.read_text("utf-8")
    return path


def hand_edited(invoke: Invoke, folder: Path, name: str, content: bytes) -> Path:
    """The letter built into `folder`/out, then its document `name` replaced by hand."""
    out = folder / "out"
    assert invoke("build", LETTER, "-o", out).exit_code == 0
    (out / name).write_bytes(content)
    return out


def test_force_keeps_the_hand_edited_bytes_in_a_dated_backup(invoke: Invoke,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("build", PROPOSAL, "-o", out).exit_code == 0
    edited = out / "proposal-lodestar.en.docx"
    hand = edited.read_bytes() + b"counsel's edits"
    edited.write_bytes(hand)
    os.utime(edited, (1_780_000_000, 1_780_000_000))  # 2026-05-28 20:26:40 UTC

    result = invoke("build", PROPOSAL, "-o", out, "--force")

    assert result.exit_code == 0, result.output
    backup = out / "proposal-lodestar.en.edited-20260528-202640.docx"
    assert backup.read_bytes() == hand
    assert edited.read_bytes() != hand
    assert f"{edited} was edited after propgen wrote it; kept as {backup}" in result.output
    # Only the edited file gets a backup; the backup is not propgen's to overwrite.
    assert sorted(p.name for p in out.glob("*.edited-*")) == [backup.name]
    assert backup.name not in json.loads((out / MANIFEST_NAME).read_text("utf-8"))["files"]

    # A second edit and --force: a second backup, the first one untouched.
    edited.write_bytes(hand + b" again")
    os.utime(edited, (1_780_000_000, 1_780_000_000))
    assert invoke("build", PROPOSAL, "-o", out, "--force").exit_code == 0
    assert backup.read_bytes() == hand
    assert (out / "proposal-lodestar.en.edited-20260528-202640-2.docx").read_bytes() == (
        hand + b" again")


def test_force_without_edits_makes_no_backup(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("build", PROPOSAL, "-o", out).exit_code == 0
    result = invoke("build", PROPOSAL, "-o", out, "--force")
    assert result.exit_code == 0 and "kept as" not in result.output
    assert not list(out.glob("*.edited-*"))


def test_backup_message_in_korean(invoke: Invoke, tmp_path: Path) -> None:
    out = hand_edited(invoke, tmp_path, "letter-onnuri.ko.docx", b"hand-made")
    result = invoke("build", LETTER, "-o", out, "--force", "--lang", "ko")
    assert result.exit_code == 0, result.output
    assert "백업" in result.output


@pytest.mark.parametrize("damage", ["delete", "not json"])
def test_lost_manifest_does_not_block_a_rebuild_of_the_same_bytes(
        invoke: Invoke, tmp_path: Path, damage: str) -> None:
    out = tmp_path / "out"
    assert invoke("build", PROPOSAL, "-o", out).exit_code == 0
    manifest = out / MANIFEST_NAME
    if damage == "delete":
        manifest.unlink()
    else:
        manifest.write_text("not json", "utf-8")
    result = invoke("build", PROPOSAL, "-o", out)
    assert result.exit_code == 0, result.output
    # And the manifest knows the files again.
    assert len(json.loads(manifest.read_text("utf-8"))["files"]) == 3


def test_lost_manifest_still_protects_a_different_file(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("build", LETTER, "-o", out).exit_code == 0
    (out / MANIFEST_NAME).unlink()
    edited = out / "letter-onnuri.en.docx"
    edited.write_bytes(edited.read_bytes() + b"edited")
    result = invoke("build", LETTER, "-o", out)
    assert result.exit_code == 2 and "not overwritten" in result.output
    assert edited.read_bytes().endswith(b"edited")


def fake_outputs(out: Path, stem: str) -> dict[Path, bytes]:
    """PDF and PNG files of an earlier build, recorded in the manifest as propgen's."""
    manifest = out / MANIFEST_NAME
    body = json.loads(manifest.read_text("utf-8"))
    made = {}
    from generator.output import sha256

    for lang in ("en", "ko", "bilingual"):
        for suffix in (".pdf", ".png"):
            path = out / f"{stem}.{lang}{suffix}"
            data = f"older {path.name}".encode()
            path.write_bytes(data)
            body["files"][path.name] = sha256(data)
            made[path] = data
    manifest.write_text(json.dumps(body), "utf-8")
    return made


def test_a_docx_only_build_removes_propgens_older_pdfs(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("build", LETTER, "-o", out).exit_code == 0
    older = fake_outputs(out, "letter-onnuri")
    result = invoke("build", changed_copy(tmp_path / "v2"), "-o", out)
    assert result.exit_code == 0, result.output
    for path in older:
        assert not path.exists(), path
        assert f"removed {path}: it was made from an earlier version" in result.output
    files = json.loads((out / MANIFEST_NAME).read_text("utf-8"))["files"]
    assert not [name for name in files if name.endswith((".pdf", ".png"))]


def test_an_unchanged_docx_keeps_its_pdf(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("build", LETTER, "-o", out).exit_code == 0
    older = fake_outputs(out, "letter-onnuri")
    result = invoke("build", LETTER, "-o", out)
    assert result.exit_code == 0, result.output
    assert all(path.exists() for path in older)
    assert "removed" not in result.output
    # Only the English text changes: the Korean PDF still shows its document.
    english_only = tmp_path / "v2" / LETTER.name
    english_only.parent.mkdir()
    english_only.write_text(LETTER.read_text("utf-8").replace("be glad", "be very glad"),
                            "utf-8")
    result = invoke("build", english_only, "-o", out)
    assert result.exit_code == 0, result.output
    assert not (out / "letter-onnuri.en.pdf").exists()
    assert (out / "letter-onnuri.ko.pdf").exists()


def test_a_pdf_propgen_did_not_write_is_reported_not_removed(invoke: Invoke,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("build", LETTER, "-o", out).exit_code == 0
    mine = out / "letter-onnuri.en.pdf"
    mine.write_bytes(b"%PDF- printed from Word by counsel")
    result = invoke("build", changed_copy(tmp_path / "v2"), "-o", out, "--lang", "ko")
    assert result.exit_code == 0, result.output
    assert mine.read_bytes() == b"%PDF- printed from Word by counsel"
    assert f"{mine}" in result.output and "--pdf" in result.output
    assert "삭제" in result.output  # the warning, in Korean


@needs_libreoffice
@pytest.mark.libreoffice
def test_pdfs_of_a_real_build_are_known_and_cleared(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("build", LETTER, "-o", out, "--pdf")
    assert result.exit_code == 0, result.output
    files = json.loads((out / MANIFEST_NAME).read_text("utf-8"))["files"]
    assert "letter-onnuri.en.pdf" in files
    result = invoke("build", changed_copy(tmp_path / "v2"), "-o", out)
    assert result.exit_code == 0, result.output
    assert not list(out.glob("*.pdf"))


def test_json_build_reports_backups(invoke: Invoke, tmp_path: Path) -> None:
    out = hand_edited(invoke, tmp_path, "letter-onnuri.en.docx", b"counsel")
    result = invoke("build", LETTER, "-o", out, "--force", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    [(target, backup)] = body["backups"].items()
    assert target.endswith("letter-onnuri.en.docx") and Path(backup).read_bytes() == b"counsel"
