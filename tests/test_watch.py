"""`propgen watch` and the LibreOffice it keeps running.

What a writer relies on: one save gives one rebuild of that file; a bad save prints where the
mistake is and leaves the last good documents alone; Ctrl-C (or SIGTERM) leaves no LibreOffice
and no temporary file behind; a LibreOffice that died or hung is replaced. Tests marked
`libreoffice` are skipped without soffice or a Python with `uno`, except under CI.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Invoke
from test_pdf import IN_CI, make_docx, pdf_text, spaced_docx

from generator.build import BuildOptions
from generator.errors import ToolMissingError
from generator.office import ColdOffice, WarmOffice, find_uno_python, open_office
from generator.pdf import ConversionError, find_soffice
from generator.watch import Rebuild, watch

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "samples" / "letter-onnuri.yaml"
FIRST_ANSWER = "products are part of the hardware layer of any full-stack AI export package."


def _has_uno() -> bool:
    try:
        find_uno_python(find_soffice())
    except ToolMissingError:
        return False
    return True


needs_office = pytest.mark.skipif(not IN_CI and not _has_uno(),
                                  reason="needs soffice and a Python with uno (python3-uno)")
posix_only = pytest.mark.skipif(os.name != "posix", reason="process groups and signals")


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml").decode("utf-8")


class Watching:
    """`watch` running in a thread, with every rebuild and line it reported."""

    def __init__(self, paths: list[Path], options: BuildOptions,
                 office: WarmOffice | None = None) -> None:
        self.rebuilds: queue.Queue[Rebuild] = queue.Queue()
        self.lines: list[str] = []
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=watch, args=(paths, options), kwargs={
            "echo": self.lines.append, "office": office, "stop_event": self.stop,
            "ready": self.ready.set, "on_rebuild": self.rebuilds.put}, daemon=True)

    def __enter__(self) -> Watching:
        self.thread.start()
        assert self.ready.wait(120), self.lines
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive()

    def next(self, timeout: float = 60) -> Rebuild:
        return self.rebuilds.get(timeout=timeout)

    def quiet(self, seconds: float = 1.5) -> bool:
        """True if no further rebuild comes within `seconds` (well past the debounce)."""
        try:
            extra = self.rebuilds.get(timeout=seconds)
        except queue.Empty:
            return True
        self.rebuilds.put(extra)
        return False


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    path = tmp_path / "src" / "letter.yaml"
    path.parent.mkdir()
    # Without the sample's acknowledge: list, so the letter keeps its two warnings.
    text = LETTER.read_text("utf-8")
    path.write_text(text[: text.index("# Warnings the team has read")], "utf-8")
    return path


def append_sentence(path: Path, sentence: str) -> None:
    """Edit as an editor saves: the whole file rewritten, the first answer one sentence longer."""
    text = path.read_text("utf-8")
    assert FIRST_ANSWER in text
    path.write_text(text.replace(FIRST_ANSWER, f"{FIRST_ANSWER} {sentence}", 1), "utf-8")


def test_one_edit_gives_one_rebuild_of_that_file(
    letter: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = letter.with_name("proposal.yaml")
    other.write_text((ROOT / "samples" / "proposal-lodestar.yaml").read_text("utf-8"), "utf-8")
    out = letter.parent / "out"  # inside the watched folder: its writes are no edits
    monkeypatch.chdir(tmp_path)  # the files are below it, but were named in full
    with Watching([letter.parent], BuildOptions(output_dir=out, lang="en")) as watching:
        first = {watching.next().path.name, watching.next().path.name}
        assert first == {"letter.yaml", "proposal.yaml"}
        proposal_docx = (out / "proposal.en.docx").read_bytes()

        append_sentence(letter, "We thank the Department for this notice.")
        letter.write_text(letter.read_text("utf-8"), "utf-8")  # saved twice, same bytes
        rebuild = watching.next()
        assert rebuild.path.name == "letter.yaml" and rebuild.ok, rebuild.messages
        assert [p.name for p in rebuild.written] == [
            "letter.en.docx", "letter.ko.docx", "letter.bilingual.docx"]
        assert watching.quiet()
        assert "We thank the Department for this notice." in docx_text(out / "letter.en.docx")
        assert (out / "proposal.en.docx").read_bytes() == proposal_docx

        letter.touch()  # no new bytes: nothing to do
        assert watching.quiet()
    summaries = [line for line in watching.lines if " built in " in line]
    assert len(summaries) == 3, watching.lines
    # Named as the user named them, after an edit too.
    assert re.fullmatch(re.escape(str(letter)) + r": built in \d+\.\d\d s, 2 warning\(s\)",
                        summaries[-1]), summaries
    assert sorted(line.split(": ")[0] for line in summaries) == [
        str(letter), str(letter), str(other)]
    # The letter's two warnings were printed with the first build, not again.
    assert sum("letter.yaml:" in line and "SECTION-TITLE" in line
               for line in watching.lines) == 2
    assert f"watching 2 files in {letter.parent} for changes; Ctrl-C stops" in watching.lines


def test_a_broken_edit_keeps_the_last_good_documents(letter: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Watching([letter], BuildOptions(output_dir=out, lang="en")) as watching:
        assert watching.next().ok
        good = {p.name: p.read_bytes() for p in out.iterdir()}

        text = letter.read_text("utf-8")
        line = text[: text.index("  - question: A.2")].count("\n") + 1
        letter.write_text(text.replace("  - question: A.2", "  - questoin: A.2", 1), "utf-8")
        broken = watching.next()
        assert not broken.ok and broken.written == []
        assert any(m.startswith(f"{letter}:{line}:5: ") and "questoin" in m
                   for m in broken.messages), broken.messages
        assert {p.name: p.read_bytes() for p in out.iterdir()} == good

        letter.write_text(text, "utf-8")  # fixed again: built again
        assert watching.next().ok
    assert any(line.endswith("letter.yaml: not built, 2 error(s), 0 warning(s); the last good "
                             "documents are kept")
               for line in watching.lines), watching.lines
    assert any(m.startswith(f"{letter}:{line}:5: ") for m in watching.lines)


def test_the_watch_writes_the_bytes_build_writes(invoke: Invoke, letter: Path,
                                                tmp_path: Path) -> None:
    assert invoke("build", letter, "-o", tmp_path / "built").exit_code == 0
    with Watching([letter], BuildOptions(output_dir=tmp_path / "watched")) as watching:
        assert watching.next().ok
    for name in ("letter.en.docx", "letter.ko.docx", "letter.bilingual.docx"):
        assert (tmp_path / "watched" / name).read_bytes() == (
            tmp_path / "built" / name).read_bytes()


def test_korean_summary_line(letter: Path, tmp_path: Path) -> None:
    with Watching([letter], BuildOptions(output_dir=tmp_path / "out", lang="ko")) as watching:
        assert watching.next().ok
    assert any(re.search(r"letter\.yaml: 문서를 만들었습니다\(\d+\.\d\d초\), 경고 2건$", line)
               for line in watching.lines), watching.lines
    assert f"{letter}의 변경 사항을 지켜보고 있습니다. 끝내려면 Ctrl-C를 누르십시오" in watching.lines


def test_the_watch_names_what_it_watches(tmp_path: Path) -> None:
    from generator.watch import watching_line

    one = tmp_path / "letter.yaml"
    one.write_text("kind: comment_letter\n", "utf-8")
    assert watching_line([one], [one], "en") == (
        f"watching {one} for changes; Ctrl-C stops")
    assert watching_line([tmp_path], [one], "en") == (
        f"watching 1 file in {tmp_path} for changes; Ctrl-C stops")
    assert watching_line([tmp_path, one], [one, one], "en") == (
        f"watching 2 files for changes ({tmp_path}, {one}); Ctrl-C stops")
    assert watching_line([tmp_path], [one, one, one], "ko") == (
        f"{tmp_path} 폴더에 있는 파일 3개의 변경 사항을 지켜보고 있습니다. 끝내려면 Ctrl-C를 "
        "누르십시오")


def test_without_uno_the_watch_falls_back_to_a_new_libreoffice_each_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PROPGEN_UNO_PYTHON", sys.executable)  # a Python without uno
    monkeypatch.setenv("PROPGEN_SOFFICE", sys.executable)  # any executable will do here
    said: list[ToolMissingError] = []
    assert isinstance(open_office(said.append), ColdOffice)
    assert "python3-uno" in str(said[0]) and "PROPGEN_UNO_PYTHON" in str(said[0])


def test_watch_pdf_without_libreoffice_says_how_to_install(
    invoke: Invoke, letter: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROPGEN_SOFFICE", str(tmp_path / "no-soffice"))
    result = invoke("watch", letter, "-o", tmp_path / "out", "--pdf")
    assert result.exit_code == 3
    assert "sudo apt-get install libreoffice-writer-nogui" in result.output
    assert not (tmp_path / "out").exists()


def test_watch_help_has_an_example(invoke: Invoke) -> None:
    result = invoke("watch", "--help")
    assert result.exit_code == 0
    assert "propgen watch samples/letter-onnuri.yaml -o out/ --pdf" in result.output


# --- the warm LibreOffice ---------------------------------------------------------------


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return status.rsplit(")", 1)[1].split()[0] != "Z"


def _processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that contain `text`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or not _running(int(proc.name)):
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(f"{proc.name}: {cmdline}")
    return found


@pytest.fixture
def office() -> Iterator[WarmOffice]:
    with WarmOffice() as warm:
        yield warm


@pytest.mark.libreoffice
@needs_office
@posix_only
def test_a_killed_libreoffice_is_restarted_and_the_next_conversion_succeeds(
    office: WarmOffice, tmp_path: Path
) -> None:
    first = office.convert(make_docx(tmp_path / "a.en.docx", title="Before"))
    assert "Before" in pdf_text(first)
    pid = office.soffice_pid
    assert pid is not None
    os.killpg(pid, signal.SIGKILL)
    second = office.convert(make_docx(tmp_path / "b.en.docx", title="After the crash"))
    assert "After the crash" in pdf_text(second)
    assert office.starts == 2 and office.soffice_pid != pid
    assert not _running(pid)


@pytest.mark.libreoffice
@needs_office
@posix_only
def test_a_conversion_over_the_timeout_kills_libreoffice_and_the_next_one_starts_afresh(
    office: WarmOffice, tmp_path: Path
) -> None:
    docx = make_docx(tmp_path / "a.en.docx")
    office.start()
    pid, temp = office.soffice_pid, office.temp_dir
    assert pid is not None and temp is not None
    office.timeout = 0.001  # no conversion is that fast
    with pytest.raises(ConversionError, match="did not finish within"):
        office.convert(docx)
    assert not _running(pid) and not temp.exists()
    assert not docx.with_suffix(".pdf").exists()
    office.timeout = 120
    assert pdf_text(office.convert(docx)).strip()
    assert office.starts == 2


@pytest.mark.libreoffice
@needs_office
@posix_only
def test_closing_stops_libreoffice_and_removes_its_files(tmp_path: Path) -> None:
    with WarmOffice() as office:
        office.convert(make_docx(tmp_path / "a.en.docx"))
        pid, temp = office.soffice_pid, office.temp_dir
    assert pid is not None and temp is not None
    assert not _running(pid) and not temp.exists()
    assert not list(Path("/tmp").glob(f"OSL_PIPE_*_propgen-{os.getpid()}-*"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.en.docx", "a.en.pdf"]


@needs_office
@posix_only
def test_a_libreoffice_that_cannot_start_is_an_error_leaving_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n", "utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv("PROPGEN_SOFFICE", str(broken))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # gettempdir() caches
    (tmp_path / "tmp").mkdir()
    office = WarmOffice()
    with pytest.raises(ConversionError) as raised:
        office.start()
    assert office.temp_dir is None and not office.alive()
    assert "LibreOffice could not be started" in str(raised.value)
    assert "cannot open display" in str(raised.value)
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.libreoffice
@needs_office
def test_a_document_with_a_korean_name_converts_with_the_locale_cleared(
    office: WarmOffice, tmp_path: Path
) -> None:
    pdf = office.convert(make_docx(tmp_path / "한글-이름.ko.docx"))
    assert pdf.name == "한글-이름.ko.pdf" and "컨소시엄 제안서" in pdf_text(pdf)


@pytest.mark.libreoffice
@needs_office
def test_the_warm_export_keeps_hangul_and_digits_together(office: WarmOffice,
                                                          tmp_path: Path) -> None:
    """The same macro as a cold build: no LibreOffice gap in "2025년" when the document asks."""
    tight = office.convert(spaced_docx(tmp_path / "tight.ko.docx", autospace=False))
    spaced = office.convert(spaced_docx(tmp_path / "spaced.ko.docx", autospace=True))
    assert "2025년 12월 12일, 미국 인력 2,300명" in pdf_text(tight)
    assert "2025 년 12 월 12 일, 미국 인력 2,300 명" in pdf_text(spaced)


@pytest.mark.libreoffice
@needs_office
def test_an_edit_replaces_the_pdfs_in_reading_order(letter: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Watching([letter], BuildOptions(output_dir=out, lang="en", pdf=True),
                  office=WarmOffice()) as watching:
        assert watching.next().ok
        append_sentence(letter, "Our engineers in Texas test every module.")
        rebuild = watching.next()
        assert rebuild.ok, rebuild.messages
    assert [p.name for p in rebuild.written if p.suffix == ".pdf"] == [
        "letter.en.pdf", "letter.ko.pdf", "letter.bilingual.pdf"]
    assert "Our engineers in Texas test every module." in " ".join(
        pdf_text(out / "letter.en.pdf").split())


def start_watch(letter: Path, out: Path, temp: Path) -> tuple[subprocess.Popen[str], list[str]]:
    """`propgen watch LETTER --pdf` in a new process with its own TMPDIR, once it watches."""
    env = {**os.environ, "TMPDIR": str(temp), "LANG": "C"}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "watch", str(letter), "-o", str(out), "--pdf"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=env,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:  # until the first build is done and the watch is on
        lines.append(line)
        if line.startswith("watching"):
            break
    assert (out / "letter.en.pdf").exists(), lines
    assert _processes_mentioning(f"propgen-{process.pid}-"), "no warm LibreOffice running"
    return process, lines


def assert_nothing_left(ours: str, temp: Path, out: Path) -> None:
    assert not _processes_mentioning(ours)
    assert not _processes_mentioning(str(temp))
    assert list(temp.iterdir()) == []
    assert not list(Path("/tmp").glob(f"OSL_PIPE_*_{ours}*"))
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")
                and p.name != ".propgen-manifest.json"]


@pytest.mark.libreoffice
@needs_office
@posix_only
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_watch_leaving_no_libreoffice_and_no_temporary_file(
    letter: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    temp, out = tmp_path / "tmp", tmp_path / "out"
    temp.mkdir()
    process, lines = start_watch(letter, out, temp)
    append_sentence(letter, "A last sentence.")  # a rebuild under way is stopped too
    time.sleep(0.2)
    process.send_signal(stop)
    rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, [*lines, rest]
    assert "stopped" in rest and "Traceback" not in rest
    assert_nothing_left(f"propgen-{process.pid}-", temp, out)


@pytest.mark.libreoffice
@needs_office
@posix_only
def test_a_killed_watch_still_takes_its_libreoffice_with_it(letter: Path, tmp_path: Path) -> None:
    """SIGKILL runs no code of propgen's: the bridge sees its input close and tidies up."""
    temp, out = tmp_path / "tmp", tmp_path / "out"
    temp.mkdir()
    process, _lines = start_watch(letter, out, temp)
    process.kill()
    process.communicate(timeout=60)
    ours = f"propgen-{process.pid}-"
    deadline = time.monotonic() + 60  # LibreOffice is given ten seconds to quit on its own
    while (_processes_mentioning(ours) or any(temp.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert_nothing_left(ours, temp, out)
