"""Batch builds: folders, parallel equals serial, one bad file does not stop the rest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.build import BuildOptions, build_files, find_inputs
from generator.cli import cli

from helpers import LETTER, PROPOSAL, ROOT, TEMPLATES


def make_batch(folder: Path, count: int) -> list[Path]:
    """`count` proposals and letters that differ in their titles and dates."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        source = PROPOSAL if index % 2 == 0 else LETTER
        text = source.read_text("utf-8")
        if source == PROPOSAL:
            text = text.replace("for Southeast Asia", f"for Southeast Asia {index}")
        else:
            text = text.replace("reference: ONR-GA-2025-117", f"reference: ONR-GA-2025-{index}")
        path = folder / f"{index:02d}-{source.name}"
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def test_parallel_build_equals_serial_build(tmp_path: Path) -> None:
    paths = make_batch(tmp_path / "in", 8)
    serial = build_files(paths, BuildOptions(output_dir=tmp_path / "serial"), jobs=1)
    parallel = build_files(paths, BuildOptions(output_dir=tmp_path / "parallel"), jobs=2)
    assert len(serial.written) == len(parallel.written) == 24
    assert [p.name for p in serial.written] == [p.name for p in parallel.written]
    for a, b in zip(serial.written, parallel.written, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_one_bad_file_in_ten(tmp_path: Path) -> None:
    paths = make_batch(tmp_path / "in", 10)
    bad = paths[3]
    bad.write_text(bad.read_text("utf-8").replace("country: KR\n", "country: XK1\n", 1), "utf-8")
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                                      "--jobs", "2"])
    assert result.exit_code == 2
    built = {p.name.split(".")[0] for p in (tmp_path / "out").glob("*.docx")}
    assert len(built) == 9 and bad.stem not in built
    assert len(list((tmp_path / "out").glob("*.docx"))) == 27
    line = next(n for n, text in enumerate(bad.read_text("utf-8").splitlines(), 1)
                if "XK1" in text)
    assert f"{bad}:{line}:" in result.output and "'XK1' is not an ISO 3166 country code" in \
        result.output
    assert "27 documents from 9 of 10 files" in result.output
    assert "Traceback" not in result.output


def test_folders_are_searched_for_yaml(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b"
    make_batch(nested, 2)
    (tmp_path / "a" / "notes.txt").write_text("not yaml", "utf-8")
    (nested / ".hidden.yaml").write_text("kind: proposal", "utf-8")
    found = find_inputs([tmp_path / "a", PROPOSAL])
    assert [p.name for p in found] == ["00-proposal-lodestar.yaml", "01-letter-onnuri.yaml",
                                       "proposal-lodestar.yaml"]


def test_two_inputs_with_one_output_name(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    copy = tmp_path / "x" / PROPOSAL.name
    copy.write_text(PROPOSAL.read_text("utf-8"), "utf-8")
    result = build_files([PROPOSAL, copy], BuildOptions(output_dir=tmp_path / "out"))
    assert len(result.written) == 3
    assert result.errors and "same file names" in result.errors[0].message


def test_output_names_that_differ_only_in_capitals_clash(tmp_path: Path) -> None:
    """Windows and macOS would overwrite Lodestar.en.docx with lodestar.en.docx."""
    upper, lower = tmp_path / "Lodestar.yaml", tmp_path / "x" / "lodestar.yaml"
    lower.parent.mkdir()
    for path in (upper, lower):
        path.write_text(PROPOSAL.read_text("utf-8"), "utf-8")
    result = build_files([upper, lower], BuildOptions(output_dir=tmp_path / "out"))
    assert [p.name for p in result.written] == [
        "Lodestar.en.docx", "Lodestar.ko.docx", "Lodestar.bilingual.docx"]
    [error] = result.errors
    assert error.file == str(lower)
    assert error.message.startswith(f"writes file names that differ from those of {upper} "
                                    "only in capitals")
    korean = build_files([upper, lower], BuildOptions(output_dir=tmp_path / "ko", lang="ko"))
    assert "대소문자만 다른 이름" in korean.errors[0].message


def test_help_and_validate_do_not_import_the_renderer() -> None:
    """Fast start: docxtpl, python-docx and the PDF helpers load only when building."""
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from generator.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\n"
        "assert r.exit_code == 0\n"
        f"r = CliRunner().invoke(cli, ['validate', {str(PROPOSAL)!r}, {str(LETTER)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "loaded = [m for m in ('docxtpl', 'docx', 'jinja2', 'generator.render', "
        "'generator.pdf', 'lxml') if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == ""


def test_parallel_batch_with_only_the_template_it_needs(tmp_path: Path) -> None:
    """A team's own folder may hold proposal.docx alone; proposals still build in parallel."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "proposal.docx").write_bytes((TEMPLATES / "proposal.docx").read_bytes())
    inputs = tmp_path / "in"
    inputs.mkdir()
    for index in range(6):
        (inputs / f"p{index}.yaml").write_text(PROPOSAL.read_text("utf-8"), "utf-8")
    result = CliRunner().invoke(cli, ["build", str(inputs), "-o", str(tmp_path / "out"),
                                      "--template-dir", str(templates), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").glob("*.docx"))) == 18
