"""Output-folder traps, interrupted and concurrent builds, hostile templates and profiles.

Each case: its own inputs, the exit code, a located message, no traceback, a time bound,
and nothing outside the output folder changed.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from generator import budget, output, pdf
from generator.build import BuildOptions, build_files
from generator.output import LOCK_NAME, MANIFEST_NAME, Manifest, folder_lock
from generator.pdf import ConversionError, render_previews

from helpers import (
    BOUND,
    LETTER,
    MALFORMED,
    PROFILE,
    PROPOSAL,
    SAMPLES_DIR,
    TEMPLATES,
    assert_clean,
    posix_only,
)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def fake_convert(docx_paths: list[Path], outdir: Path | None = None,
                 timeout: float = 600, pages: dict[Path, list[str]] | None = None) -> list[Path]:
    """convert_to_pdf without LibreOffice: a small PDF per document."""
    assert outdir is not None
    made = []
    for docx in docx_paths:
        target = outdir / f"{docx.stem}.pdf"
        target.write_bytes(b"%PDF-1.4 " + docx.name.encode())
        made.append(target)
    return made


# --- PDF and PNG are under the manifest too ----------------------------------------------


def test_edited_pdf_is_not_overwritten_without_force(
    invoke: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "convert_to_pdf", fake_convert)
    out = tmp_path / "out"
    assert invoke("build", PROPOSAL, "-o", out, "--pdf").exit_code == 0
    mine = out / "proposal-lodestar.en.pdf"
    mine.write_bytes(b"%PDF- my annotated copy")
    started = time.monotonic()
    result = invoke("build", PROPOSAL, "-o", out, "--pdf")
    assert time.monotonic() - started < BOUND
    assert_clean(result, f"{mine}:", "changed since propgen wrote it")
    assert mine.read_bytes() == b"%PDF- my annotated copy"
    # The other PDFs were rebuilt, and the next build without --pdf is not refused.
    assert invoke("build", PROPOSAL, "-o", out).exit_code == 0
    assert invoke("build", PROPOSAL, "-o", out, "--pdf", "--force").exit_code == 0
    assert mine.read_bytes().startswith(b"%PDF-1.4")
    assert invoke("build", PROPOSAL, "-o", out, "--pdf").exit_code == 0
    assert not [p for p in out.iterdir() if p.name.startswith(".propgen-staging")]


# --- temporary files: exclusive, never followed ------------------------------------------


@posix_only
def test_planted_link_at_the_old_preview_name_is_not_followed(tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    folder = tmp_path / "out"
    folder.mkdir()
    source = folder / "x.en.pdf"
    # A one-page PDF from reportlab-free bytes: made by pdftoppm's sibling would be heavier.
    source.write_bytes(_tiny_pdf())
    for trap in (".x.en.partial.png", ".x.en.png.partial", ".x.en.partial"):
        (folder / trap).symlink_to(victim)
    render_previews([source])
    assert victim.read_text() == "keep me"
    assert (folder / "x.en.png").read_bytes().startswith(b"\x89PNG")


def _tiny_pdf() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return body


@posix_only
def test_cross_device_move_uses_an_exclusive_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / ".x.en.pdf.partial").symlink_to(victim)
    source = tmp_path / "made.pdf"
    source.write_bytes(b"%PDF-1.4 new")
    real_replace = os.replace

    def no_cross_device(src: Any, dst: Any) -> None:
        if Path(src) == source:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", no_cross_device)
    pdf._move_into_place(source, folder / "x.en.pdf")
    assert victim.read_text() == "keep me"
    assert (folder / "x.en.pdf").read_bytes() == b"%PDF-1.4 new"
    assert sorted(p.name for p in folder.iterdir()) == [".x.en.pdf.partial", "x.en.pdf"]


def test_full_disk_while_placing_a_pdf_leaves_nothing_and_names_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    source = tmp_path / "made.pdf"
    source.write_bytes(b"%PDF-1.4 " + b"x" * 100_000)

    def cross_device(src: Any, dst: Any) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    def full(src: Any, dst: Any) -> None:
        dst.write(b"%PDF-1.4 half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "replace", cross_device)
    monkeypatch.setattr(output.shutil, "copyfileobj", full)
    with pytest.raises(ConversionError) as raised:
        pdf._move_into_place(source, folder / "x.en.pdf")
    assert str(folder / "x.en.pdf") in str(raised.value)
    assert "No space left" in str(raised.value)
    assert ".tmp" not in str(raised.value)
    assert list(folder.iterdir()) == []


# --- the manifest never lies -------------------------------------------------------------


def test_failed_manifest_save_does_not_make_the_next_build_refuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    real_save = Manifest.save

    def full_at_the_end(self: Manifest, keep_pending: bool = False) -> None:
        if not keep_pending:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_save(self, keep_pending)

    monkeypatch.setattr(Manifest, "save", full_at_the_end)
    with pytest.raises(OSError, match="No space"):
        build_files([PROPOSAL], BuildOptions(output_dir=out))
    monkeypatch.undo()
    assert len(list(out.glob("*.docx"))) == 3
    result = build_files([PROPOSAL], BuildOptions(output_dir=out))
    assert not result.errors, result.errors
    assert result.built_files == 1


def test_interrupt_between_rename_and_record_keeps_the_file_propgens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert build_files([PROPOSAL], BuildOptions(output_dir=out)).built_files == 1
    # A build of other bytes (a draft) dies right after its first rename.
    calls: list[Path] = []

    def dies_after_rename(self: Manifest, target: Path, data: bytes) -> None:
        calls.append(target)
        raise KeyboardInterrupt

    monkeypatch.setattr(Manifest, "record", dies_after_rename)
    with pytest.raises(KeyboardInterrupt):
        build_files([PROPOSAL], BuildOptions(output_dir=out, draft=True))
    monkeypatch.undo()
    assert calls
    assert not build_files([PROPOSAL], BuildOptions(output_dir=out)).errors


def test_deeply_nested_manifest_is_a_clear_refusal(invoke: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("build", PROPOSAL, "-o", out).exit_code == 0
    (out / MANIFEST_NAME).write_text('{"files": ' + "[" * 100_000 + "]" * 100_000 + "}")
    # A file that differs from what the build writes is refused (one holding exactly those
    # bytes loses nothing and is rebuilt even without a manifest: tests/test_keep.py).
    edited = out / "proposal-lodestar.ko.docx"
    edited.write_bytes(edited.read_bytes() + b"edited")
    started = time.monotonic()
    result = invoke("build", PROPOSAL, "-o", out)
    assert time.monotonic() - started < BOUND
    assert_clean(result, "not overwritten", "--force")
    assert Manifest(out).damaged
    assert invoke("build", PROPOSAL, "-o", out, "--force").exit_code == 0
    assert not Manifest(out).damaged


# --- outputs and manifests that are not regular files ------------------------------------


@posix_only
@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "folder", "dangling"])
def test_output_that_is_not_a_regular_file_is_refused(
    invoke: Any, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    trap = out / "proposal-lodestar.en.docx"
    if kind == "dev-zero":
        trap.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(trap)
    elif kind == "folder":
        trap.mkdir()
    else:
        trap.symlink_to(tmp_path / "nowhere")
    for force in ((), ("--force",)):
        started = time.monotonic()
        result = invoke("build", PROPOSAL, "-o", out, *force)
        assert time.monotonic() - started < BOUND
        assert_clean(result, f"{trap}:", "not a regular file")
    assert not (tmp_path / "nowhere").exists()
    assert not (out / "proposal-lodestar.ko.docx").exists()


@posix_only
def test_manifest_that_is_a_fifo_does_not_block(invoke: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / MANIFEST_NAME)
    started = time.monotonic()
    result = invoke("build", PROPOSAL, "-o", out)
    assert time.monotonic() - started < BOUND
    assert result.exit_code == 0, result.output


# --- one build at a time per folder ------------------------------------------------------


def test_second_build_into_a_locked_folder_says_so(
    invoke: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.name != "posix":
        pytest.skip("advisory locks are POSIX here")
    monkeypatch.setattr("generator.build.LOCK_WAIT_SECONDS", 0.3)
    out = tmp_path / "out"
    with folder_lock(out):
        started = time.monotonic()
        result = invoke("build", PROPOSAL, "-o", out)
        assert time.monotonic() - started < BOUND
    assert_clean(result, "another propgen build is writing into", str(out))
    assert not list(out.glob("*.docx"))
    assert not (out / LOCK_NAME).exists()
    assert invoke("build", PROPOSAL, "-o", out).exit_code == 0


@posix_only
def test_concurrent_builds_keep_every_manifest_entry(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = [subprocess.Popen([sys.executable, "-m", "generator", "build", str(sample), "-o",
                              str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for sample in (PROPOSAL, LETTER, PROPOSAL, LETTER)]
    for run in runs:
        _out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err.decode()
    recorded = json.loads((out / MANIFEST_NAME).read_text())["files"]
    assert sorted(recorded) == sorted(p.name for p in out.glob("*.docx"))
    assert len(recorded) == 6
    assert not build_files([PROPOSAL, LETTER], BuildOptions(output_dir=out)).errors


# --- signals -----------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _gone(pids: list[int], within: float = 10.0) -> bool:
    """True once none of `pids` runs (zombies count as gone), polling up to `within` s."""
    deadline = time.monotonic() + within
    while any(_alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux /proc")


def _parallel_build_under_way(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """`propgen build --jobs 2` of 24 files in a subprocess, once its first document is
    written (its workers are running then); the process and its output folder."""
    batch = tmp_path / "batch"
    batch.mkdir()
    for number in range(24):
        shutil.copy(PROPOSAL if number % 2 else LETTER, batch / f"s{number:02d}.yaml")
    out = tmp_path / "out"
    run = subprocess.Popen([sys.executable, "-m", "generator", "build", str(batch), "-o",
                            str(out), "--jobs", "2"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(out.glob("*.docx")) and time.monotonic() < deadline:
        time.sleep(0.05)
    return run, out


@needs_proc
def test_sigterm_to_a_parallel_build_ends_its_workers_and_keeps_a_true_manifest(
    tmp_path: Path,
) -> None:
    run, out = _parallel_build_under_way(tmp_path)
    batch = tmp_path / "batch"
    workers = _children(run.pid)
    assert workers, "the build had no workers"
    run.send_signal(signal.SIGTERM)
    _out, err = run.communicate(timeout=30)
    assert run.returncode != 0
    assert b"Traceback" not in err, err.decode()
    assert _gone(workers), [w for w in workers if _alive(w)]
    assert not (out / LOCK_NAME).exists()
    result = build_files([batch], BuildOptions(output_dir=out))
    assert not result.errors, result.errors[:3]


FAKE_SOFFICE = """#!{python}
import os, sys, time
# Like soffice: a launcher whose worker is a child, both holding the profile.
if os.fork() == 0:
    os.execv({python!r}, [{python!r}, "-c", "import time; time.sleep(60)", *sys.argv[1:]])
open(os.environ["FAKE_STARTED"], "w").write(str(os.getpid()))
time.sleep(60)
"""


def _start_converting(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path, Path]:
    fake = tmp_path / "soffice"
    fake.write_text(FAKE_SOFFICE.format(python=sys.executable))
    fake.chmod(0o755)
    temp = tmp_path / "tmp"
    temp.mkdir()
    started = tmp_path / "started"
    env = {**os.environ, "PROPGEN_SOFFICE": str(fake), "TMPDIR": str(temp),
           "FAKE_STARTED": str(started)}
    out = tmp_path / "out"
    run = subprocess.Popen([sys.executable, "-m", "generator", "build", str(LETTER), "-o",
                            str(out), "--pdf"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    assert started.exists(), "LibreOffice stand-in never started"
    return run, temp, out


def _profile_users(temp: Path) -> list[int]:
    users = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(temp).encode() in (entry / "cmdline").read_bytes() and _alive(
                        int(entry.name)):
                    users.append(int(entry.name))
            except OSError:
                continue
    return users


@needs_proc
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopped_build_stops_libreoffice_and_removes_its_profile(
    tmp_path: Path, stop: signal.Signals
) -> None:
    run, temp, out = _start_converting(tmp_path)
    assert _profile_users(temp)
    run.send_signal(stop)
    _out, err = run.communicate(timeout=30)
    assert run.returncode != 0
    assert b"Traceback" not in err, err.decode()
    time.sleep(0.3)
    assert not _profile_users(temp)
    assert list(temp.iterdir()) == []
    assert not (out / LOCK_NAME).exists()
    assert not build_files([LETTER], BuildOptions(output_dir=out)).errors


@needs_proc
def test_the_next_run_cleans_up_after_a_killed_one(tmp_path: Path) -> None:
    run, temp, out = _start_converting(tmp_path)
    run.kill()
    run.communicate(timeout=30)
    assert _profile_users(temp), "nothing left to clean up"
    assert list(temp.glob("propgen-soffice-*"))
    pdf._remove_leftovers(temp)
    time.sleep(0.3)
    assert not _profile_users(temp)
    assert list(temp.iterdir()) == []
    assert not build_files([LETTER], BuildOptions(output_dir=out)).errors


# --- parallel builds say what serial ones say --------------------------------------------


def test_parallel_build_prints_the_messages_of_a_serial_one(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    shutil.copytree(MALFORMED, batch)
    for sample in SAMPLES_DIR.glob("*.yaml"):
        shutil.copy(sample, batch)
    printed = []
    for jobs in ("1", "2"):
        run = subprocess.run([sys.executable, "-m", "generator", "build", str(batch), "-o",
                              str(tmp_path / "out"), "--jobs", jobs, "--force"],
                             capture_output=True, text=True, timeout=300)
        assert "Traceback" not in run.stderr
        lines = [line for line in run.stderr.splitlines() if " files in " not in line]
        printed.append((run.returncode, lines, run.stdout))
    assert printed[0] == printed[1]


# --- custom templates: budgets and no reaching outside -----------------------------------


def _template_dir(folder: Path, payload: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("proposal.docx", "comment-letter.docx"):
        shutil.copy(TEMPLATES / name, folder / name)
    document = Document(str(folder / "proposal.docx"))
    paragraph = next(p for p in document.paragraphs if p.text == "{{ executive_summary }}")
    paragraph.text = payload
    document.save(str(folder / "proposal.docx"))
    return folder


HOSTILE_TEMPLATES = {
    "percent width": "{{ '%01000000000d' % 1 }}",
    "center filter": "{{ 'x'|center(1000000000) }}",
    "ljust method": "{{ 'x'.ljust(10**9) }}",
    "indent filter": "{{ 'x'|indent(10**9) }}",
    "format method": "{{ '{:>1000000000}'.format(1) }}",
    "tower of powers": "{{ 2**1000**1000 }}",
    "power of a power": "{{ (10**1000)**1000 }}",
    "nested ranges": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
                     "{% endfor %}",
    "lipsum": "{{ lipsum(10**9) }}",
    "replace": "{{ 'a'.replace('', 'x'*999999) }}",
    "join": "{{ ('x'*999999).join(['a','b','c']) }}",
    "doubling with ~": "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
                       "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "doubling with +": "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
                       "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}",
    "list doubling": "{% set ns = namespace(s=[1]) %}{% for i in range(40) %}"
                     "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}",
    "output in loops": "{% for i in range(100000) %}{{ 'x'*999999 }}{% endfor %}",
}


@pytest.mark.parametrize("payload", HOSTILE_TEMPLATES.values(), ids=HOSTILE_TEMPLATES.keys())
def test_hostile_template_ends_within_its_budget(
    invoke: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, payload: str
) -> None:
    monkeypatch.setattr(budget, "RENDER_SECONDS", 2.0)
    monkeypatch.setattr(budget, "RENDER_MEMORY_BYTES", 256 << 20)
    templates = _template_dir(tmp_path / "templates", payload)
    before = snapshot(tmp_path)
    started = time.monotonic()
    result = invoke("build", PROPOSAL, "-o", tmp_path / "out", "--template-dir", templates)
    assert time.monotonic() - started < BOUND
    assert_clean(result, f"{templates / 'proposal.docx'}:")
    assert "stopped" in result.output or "not allowed" in result.output, result.output
    assert not list((tmp_path / "out").glob("*.docx"))
    assert {k: v for k, v in snapshot(tmp_path).items() if not k.startswith("out")} == before


def _with_part(template: Path, name: str, edit: Any) -> None:
    with zipfile.ZipFile(template) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    parts[name] = edit(parts.get(name, b""))
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as target:
        for part, data in parts.items():
            target.writestr(part, data)


LINKED_PICTURE = (b'<Relationship Id="rIdLinked" Type="http://schemas.openxmlformats.org/'
                  b'officeDocument/2006/relationships/image" Target="file:///etc/passwd" '
                  b'TargetMode="External"/></Relationships>')


@pytest.mark.parametrize("kind", ["linked picture", "INCLUDEPICTURE", "INCLUDETEXT", "huge part"])
def test_template_that_reaches_outside_or_inflates_is_refused(
    invoke: Any, tmp_path: Path, kind: str
) -> None:
    templates = _template_dir(tmp_path / "templates", "{{ executive_summary }}")
    template = templates / "proposal.docx"
    rels = "word/_rels/document.xml.rels"
    if kind == "linked picture":
        _with_part(template, rels, lambda xml: xml.replace(b"</Relationships>", LINKED_PICTURE))
    elif kind == "huge part":
        _with_part(template, "word/media/zeros.bin", lambda _b: b"\0" * (70 << 20))
    else:
        field = (f'<w:r><w:instrText xml:space="preserve"> {kind} "http://example.invalid/x" '
                 f'</w:instrText></w:r></w:p>').encode()
        _with_part(template, "word/document.xml",
                   lambda xml: xml.replace(b"</w:p>", field, 1))
    started = time.monotonic()
    result = invoke("build", PROPOSAL, "-o", tmp_path / "out", "--template-dir", templates)
    assert time.monotonic() - started < BOUND
    assert_clean(result, f"{template}:", "the template cannot be used")
    assert not list((tmp_path / "out").glob("*.docx"))


def test_shipped_templates_pass_the_package_check() -> None:
    for template in TEMPLATES.glob("*.docx"):
        assert budget.check_package(template.read_bytes()) is None, template


def test_libreoffice_profile_blocks_links_from_documents(tmp_path: Path) -> None:
    pdf._prepare_profile(tmp_path / "profile")
    settings = (tmp_path / "profile" / "user" / "registrymodifications.xcu").read_text()
    assert 'oor:name="BlockUntrustedRefererLinks"' in settings


# --- hostile program profiles ------------------------------------------------------------


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(("field", "value", "needle"), [
    ("us_content_threshold_percent:", ".nan", "finite number"),
    ("us_content_threshold_percent:", "-1e308", "at least 0"),
    ("us_content_threshold_percent:", "250", "at most 100"),
    ("section:", '""', "must not be empty"),
    ("citation:", '"bad \\x07 bell"', "U+0007"),
    ("min_font_pt:", "-3", "at least 1"),
])
@pytest.mark.parametrize("command", ["check", "build", "validate"])
def test_hostile_profile_is_refused_in_place(
    invoke: Any, tmp_path: Path, field: str, value: str, needle: str, command: str
) -> None:
    text = PROFILE.read_text(encoding="utf-8")
    line = _line_of(text, field)
    lines = text.splitlines()
    lines[line - 1] = lines[line - 1].split(field)[0] + f"{field} {value}"
    profile = tmp_path / "profile.yaml"
    profile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["-o", tmp_path / "out"] if command == "build" else []
    started = time.monotonic()
    result = invoke(command, "--program", profile, PROPOSAL, *args)
    assert time.monotonic() - started < BOUND
    assert_clean(result, f"{profile}:{line}:", needle)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))


# --- options and paths -------------------------------------------------------------------


def test_max_bytes_is_range_checked(invoke: Any) -> None:
    result = invoke("validate", "--max-bytes", str(4 * 10**12), PROPOSAL)
    assert_clean(result, "--max-bytes", "1<=x<=1073741824")


def test_schema_to_an_unwritable_path(invoke: Any, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "deeper" / "schema.json"
    (tmp_path / "missing").write_text("a file, not a folder")
    result = invoke("schema", "-o", target)
    assert_clean(result, f"cannot write {target.parent}", code=4)


def test_a_dead_runs_document_lock_is_removed_and_anyone_elses_kept(tmp_path: Path) -> None:
    ours = tmp_path / "a.en.docx"
    theirs = tmp_path / "b.en.docx"
    for path in (ours, theirs):
        path.write_bytes(b"PK\x03\x04")
    dead = tmp_path / "propgen-soffice-gone" / "profile"
    (tmp_path / ".~lock.a.en.docx#").write_text(f",me,host,01.12.2026 21:15,{dead.as_uri()};")
    user = tmp_path / "home" / ".config" / "libreoffice" / "4"
    (tmp_path / ".~lock.b.en.docx#").write_text(f",me,host,01.12.2026 21:15,{user.as_uri()};")
    pdf._remove_stale_document_locks([ours, theirs])
    assert not (tmp_path / ".~lock.a.en.docx#").exists()
    assert (tmp_path / ".~lock.b.en.docx#").exists()


@pytest.mark.libreoffice
@needs_proc
def test_real_libreoffice_killed_with_propgen_does_not_break_the_next_build(
    tmp_path: Path,
) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "out"
    env = {**os.environ, "TMPDIR": str(temp)}
    command = [sys.executable, "-m", "generator", "build", str(PROPOSAL), str(LETTER), "-o",
               str(out), "--pdf"]
    run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not _profile_users(temp) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # LibreOffice is loading documents, and locking them
    run.kill()
    run.communicate(timeout=30)
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    time.sleep(0.3)
    assert not _profile_users(temp)
    assert list(temp.iterdir()) == []
    assert len(list(out.glob("*.pdf"))) == 6
    assert not [p.name for p in out.iterdir() if p.name.startswith((".~lock", ".propgen-staging"))]


@needs_proc
def test_a_worker_killed_from_outside_is_a_message(tmp_path: Path) -> None:
    run, out = _parallel_build_under_way(tmp_path)
    batch = tmp_path / "batch"
    workers = _children(run.pid)
    assert workers
    os.kill(workers[0], signal.SIGKILL)
    _out, err = run.communicate(timeout=60)
    assert run.returncode == 2, err.decode()
    assert b"Traceback" not in err, err.decode()
    assert b"a build process stopped unexpectedly" in err
    assert _gone(workers)
    assert not build_files([batch], BuildOptions(output_dir=out)).errors


def test_the_word_template_a_custom_template_was_made_from_is_dropped(
    invoke: Any, tmp_path: Path
) -> None:
    templates = _template_dir(tmp_path / "templates", "{{ executive_summary }}")
    template = templates / "proposal.docx"
    attached = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                "attachedTemplate")
    _with_part(template, "word/_rels/settings.xml.rels", lambda _old: (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdT" '
        f'Type="{attached}" Target="file:///C:/Users/me/Normal.dotm" TargetMode="External"/>'
        "</Relationships>").encode())
    _with_part(template, "word/settings.xml", lambda xml: xml.replace(
        b"<w:zoom", b'<w:attachedTemplate r:id="rIdT"/><w:zoom', 1))
    with zipfile.ZipFile(template) as package:
        assert b"attachedTemplate" in package.read("word/settings.xml")
    out = tmp_path / "out"
    result = invoke("build", PROPOSAL, "-o", out, "--template-dir", templates)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out / "proposal-lodestar.en.docx") as built:
        assert not any(b"attachedTemplate" in built.read(name) or b"C:/Users/me" in
                       built.read(name) for name in built.namelist())


def _png(width: int = 40, height: int = 40) -> bytes:
    import struct
    import zlib

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.mark.libreoffice
def test_libreoffice_does_not_load_a_linked_picture(tmp_path: Path) -> None:
    # Were a document with a linked picture ever converted (the template check refuses
    # one), LibreOffice must not read the file it points at into the PDF.
    if shutil.which("soffice") is None or shutil.which("pdfimages") is None:
        pytest.skip("LibreOffice or poppler not installed")
    import io
    import re

    secret = tmp_path / "secret.png"
    secret.write_bytes(_png())
    document = Document()
    document.add_paragraph("A linked picture follows.")
    document.add_picture(io.BytesIO(_png()))
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    body = parts["word/document.xml"].decode()
    embedded = re.search(r'r:embed="(rId\d+)"', body)
    assert embedded is not None
    parts["word/document.xml"] = body.replace(embedded.group(0), 'r:link="rIdLinked"').encode()
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", LINKED_PICTURE.replace(b"file:///etc/passwd",
                                                    secret.as_uri().encode()))
    linked = tmp_path / "linked.docx"
    with zipfile.ZipFile(linked, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    [made] = pdf.convert_to_pdf([linked])
    images = subprocess.run(["pdfimages", "-list", str(made)], capture_output=True, text=True,
                            check=True).stdout.splitlines()
    assert len(images) == 2, images  # the header lines only: no picture was loaded


class _FakeOffice:
    """A warm LibreOffice stand-in for the watch: a small PDF at the target it is given."""

    def convert(self, docx: Path, target: Path | None = None) -> Path:
        target = target or docx.with_suffix(".pdf")
        target.write_bytes(b"%PDF-1.4 watched " + docx.name.encode())
        return target

    def close(self) -> None:
        return None


def test_the_watchs_pdfs_are_under_the_manifest_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from generator.watch import rebuild_file

    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    out = tmp_path / "out"
    options = BuildOptions(output_dir=out, pdf=True)
    first = rebuild_file(LETTER, options, _FakeOffice())
    assert first.ok, first.messages
    recorded = json.loads((out / MANIFEST_NAME).read_text())["files"]
    assert {p.name for p in out.glob("*.pdf")} <= set(recorded)
    # A later build (or watch) knows them as propgen's ...
    monkeypatch.setattr(pdf, "convert_to_pdf", fake_convert)
    assert not build_files([LETTER], options).errors
    # ... and neither overwrites one edited by hand.
    mine = out / "letter-onnuri.ko.pdf"
    mine.write_bytes(b"%PDF- annotated")
    again = rebuild_file(LETTER, options, _FakeOffice())
    assert not again.ok
    assert any(f"{mine}:" in m and "changed since propgen wrote it" in m for m in again.messages)
    assert mine.read_bytes() == b"%PDF- annotated"
    assert list(private.iterdir()) == []  # the watch's staging folders are gone
