"""PDF and PNG preview output through LibreOffice and poppler, as library calls.

Starting LibreOffice costs about a second or more while converting a small document costs a
fraction of that, so `convert_to_pdf` hands every document of a build to ONE `soffice`
process. Each call gets a throw-away LibreOffice profile: a user's running LibreOffice (or a
parallel build) would otherwise grab the request or lock the profile, and no setting of the
user's leaks into the output. The export itself is a Basic macro put into that profile
(`libreoffice/Export.bas`): `--convert-to pdf` cannot switch off LibreOffice's own gap
between Hangul and digits ("2025 년"), which the documents ask for and Word honours.
`soffice` exits 0 even when a file could not be converted, so every expected PDF is checked
afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from .errors import ConversionError, ToolMissingError
from .i18n import N_
from .output import place_file

SOFFICE_ENV = "PROPGEN_SOFFICE"
PDFTOPPM_ENV = "PROPGEN_PDFTOPPM"

_SOFFICE_MISSING = N_(
    "LibreOffice (soffice) was not found ({where}).\n"
    "Install LibreOffice (Writer) to make PDF files:\n"
    "  Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui fonts-nanum poppler-utils\n"
    "  macOS:         brew install --cask libreoffice\n"
    "  Windows:       run the LibreOffice installer from the LibreOffice website\n"
    "or set {env} to the full path of the soffice program.\n"
    "The DOCX files were still written; only the PDF step was skipped."
)
_PDFTOPPM_MISSING = N_(
    "Cannot make previews: pdftoppm was not found ({where}).\n"
    "Install poppler's pdftoppm to make PNG previews:\n"
    "  Debian/Ubuntu: sudo apt-get install poppler-utils\n"
    "  macOS:         brew install poppler\n"
    "  Windows:       install poppler (e.g. conda install -c conda-forge poppler) "
    "and put its bin folder on PATH\n"
    "or set {env} to the full path of pdftoppm.\n"
    "The DOCX and PDF files were still written; only the previews were skipped."
)

# Places the LibreOffice installers use that are usually not on PATH.
_SOFFICE_FALLBACKS = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)

# Written into the fresh profile so that an official (non-distribution) build does not look
# for updates: conversion must not touch the network.
_REGISTRY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry"'
    ' xmlns:xs="http://www.w3.org/2001/XMLSchema"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '<item oor:path="/org.openoffice.Office.Jobs/Jobs/'
    "org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments\">"
    '<prop oor:name="AutoCheckEnabled" oor:op="fuse"><value>false</value></prop></item>\n'
    # Documents may not load linked pictures or other outside resources (LibreOffice's
    # "block any links from documents not among the trusted locations").
    '<item oor:path="/org.openoffice.Office.Common/Security/Scripting">'
    '<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop>'
    '</item>\n'
    '<item oor:path="/org.openoffice.Office.Common/Misc">'
    '<prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>\n'
    # Set up already: on a first start LibreOffice would replace the Basic library below
    # with its presets.
    '<item oor:path="/org.openoffice.Setup/Office">'
    '<prop oor:name="ooSetupInstCompleted" oor:op="fuse"><value>true</value></prop></item>\n'
    "</oor:items>\n"
)

_DOCTYPE = '<!DOCTYPE {kind} PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "{dtd}">'
_LIBRARY_FILES = {
    "script.xlc": (
        _DOCTYPE.format(kind="library:libraries", dtd="libraries.dtd") + "\n"
        '<library:libraries xmlns:library="http://openoffice.org/2000/library"'
        ' xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<library:library library:name="Propgen" xlink:href="$(USER)/basic/Propgen/script.xlb/"'
        ' xlink:type="simple" library:link="false"/></library:libraries>\n'
    ),
    "Propgen/script.xlb": (
        _DOCTYPE.format(kind="library:library", dtd="library.dtd") + "\n"
        '<library:library xmlns:library="http://openoffice.org/2000/library"'
        ' library:name="Propgen" library:readonly="true" library:passwordprotected="false">'
        '<library:element library:name="Export"/></library:library>\n'
    ),
    "Propgen/Export.xba": (
        _DOCTYPE.format(kind="script:module", dtd="module.dtd") + "\n"
        '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Export"'
        ' script:language="StarBasic">{code}</script:module>\n'
    ),
}
_MACRO = "macro:///Propgen.Export.ExportPdfs(\"{job}\",\"{errors}\")"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _executable(candidate: str) -> str | None:
    """Resolve a program name or path to an executable file, or None."""
    if os.sep in candidate or (os.altsep and os.altsep in candidate):
        path = Path(candidate).expanduser()
        return str(path) if path.is_file() and os.access(path, os.X_OK) else None
    return shutil.which(candidate)


def find_soffice() -> str:
    """Return the LibreOffice program to run; `PROPGEN_SOFFICE` wins so tests can wrap it."""
    override = os.environ.get(SOFFICE_ENV)
    if override:
        found = _executable(override)
        if found is None:
            raise ToolMissingError(
                template=_SOFFICE_MISSING,
                ctx={"where": f"{SOFFICE_ENV}={override}", "env": SOFFICE_ENV},
            )
        return found
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in _SOFFICE_FALLBACKS:
        found = _executable(path)
        if found:
            return found
    raise ToolMissingError(template=_SOFFICE_MISSING, ctx={"where": "PATH", "env": SOFFICE_ENV})


def find_pdftoppm() -> str:
    """Return poppler's pdftoppm; `PROPGEN_PDFTOPPM` wins, as for soffice."""
    override = os.environ.get(PDFTOPPM_ENV)
    found = _executable(override) if override else shutil.which("pdftoppm")
    if found is None:
        where = f"{PDFTOPPM_ENV}={override}" if override else "PATH"
        raise ToolMissingError(
            template=_PDFTOPPM_MISSING, ctx={"where": where, "env": PDFTOPPM_ENV})
    return found


def _child_env() -> dict[str, str]:
    """The environment for a converter, with a UTF-8 character type.

    Without one (no LANG or LC_* set, as under cron or a cleared environment) LibreOffice
    cannot open a document whose path is not ASCII ("한글-이름.ko.docx").
    """
    env = dict(os.environ)
    ctype = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    if "utf-8" not in ctype.lower() and "utf8" not in ctype.lower():
        env.pop("LC_ALL", None)
        env["LC_CTYPE"] = "C.UTF-8"
    return env


def _run(command: list[str], timeout: float, what: str,
         started: Callable[[int], object] | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a converter with stdin closed; on timeout, and on every other way out (Ctrl-C,
    SIGTERM turned into SystemExit, an error), kill its whole process group and reap it.

    `soffice` is a launcher script whose real worker is a child process: killing only the
    direct child would leave the worker running and holding the temporary profile.
    `started` learns the process group, so a killed propgen's leftovers can be found.
    """
    posix = os.name == "posix"
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=posix,
        env=_child_env() if env is None else env,
    ) as process:
        try:
            if started is not None:
                started(process.pid)
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ConversionError(
                f"{what} did not finish within {timeout:g} seconds and was stopped."
            ) from None
        except BaseException:
            _kill_group(process)
            raise
        finally:
            if posix:
                # The launcher may have exited while its worker lives on in the group.
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen[str]) -> None:
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    else:
        process.kill()
    with contextlib.suppress(Exception):
        process.communicate(timeout=10)


_TEMP_PREFIX = "propgen-soffice-"
_OWNER = "owner"


def _remove_leftovers(temp_root: Path | None = None) -> None:
    """Profiles (and LibreOffice processes still using them) of a propgen that was killed
    (SIGKILL, a crash) while converting: its `owner` file names a process that is gone."""
    root = Path(temp_root or tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for folder in root.glob(f"{_TEMP_PREFIX}*"):
            try:
                recorded = [int(n) for n in (folder / _OWNER).read_text("ascii").split()]
            except (OSError, ValueError):
                continue  # not ours, or still being set up
            if not recorded or _alive(recorded[0]):
                continue
            _kill_users_of(folder, recorded[1] if len(recorded) > 1 else None)
            shutil.rmtree(folder, ignore_errors=True)


def _remove_stale_document_locks(sources: list[Path]) -> None:
    """LibreOffice's lock files (`.~lock.NAME#`) beside the documents, left by a propgen
    LibreOffice that was killed: while one exists LibreOffice will not load the document.
    A lock naming any other profile (someone has the file open) is left alone."""
    for source in sources:
        lock = source.with_name(f".~lock.{source.name}#")
        try:
            owner = lock.read_text("utf-8", errors="replace").strip().rstrip(";").rsplit(",", 1)[-1]
        except OSError:
            continue
        if f"/{_TEMP_PREFIX}" not in owner or not owner.startswith("file://"):
            continue
        profile = Path(unquote(owner[len("file://"):])).parent
        if not profile.exists():
            with contextlib.suppress(OSError):
                lock.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _kill_users_of(folder: Path, group: int | None) -> None:
    """Kill the LibreOffice processes a dead propgen left: those whose command line names
    `folder`, or that are still in its recorded process group and are LibreOffice's
    (Linux /proc; elsewhere the folder is only removed)."""
    needle = folder.as_uri().encode()
    proc = Path("/proc")
    if not proc.is_dir():
        return
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            pgrp = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2])
            ours = needle in cmdline or (pgrp == group and (
                b"soffice" in cmdline or b"oosplash" in cmdline))
            if ours:
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            continue


def _move_into_place(source: Path, target: Path) -> None:
    """Replace `target` by `source` atomically, also across file systems (through an
    exclusive temporary file beside the target, removed if the copy fails)."""
    try:
        place_file(source, target)
    except OSError as error:
        raise ConversionError(
            f"Cannot write {target}: {error.strerror or error}. Nothing was left half-written."
        ) from None


def _looks_like(path: Path, signature: bytes) -> bool:
    """True if `path` is a non-empty file starting with `signature`."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(signature)) == signature
    except OSError:
        return False


def _tail(text: str, lines: int = 8) -> str:
    """The last lines of a converter's output, without LibreOffice's harmless Java warning."""
    kept = [line for line in text.strip().splitlines() if "javaldx" not in line]
    return "\n".join(kept[-lines:])


def convert_to_pdf(
    docx_paths: list[Path], outdir: Path | None = None, timeout: float = 600,
    pages: dict[Path, list[str]] | None = None,
) -> list[Path]:
    """Convert DOCX files to PDF with one LibreOffice process; return the PDFs in input order.

    Each PDF goes beside its DOCX (`x.en.docx` -> `x.en.pdf`), or into `outdir` when given.
    LibreOffice writes into a private temporary folder first and each finished PDF is then
    moved into place, so a failed run never leaves a half-written or stale PDF looking new.
    `pages`, if given, receives for each PDF that has a table of contents the page number
    of each entry, in order, as LibreOffice laid the pages out.
    """
    sources = [Path(p).absolute() for p in docx_paths]
    if not sources:
        return []
    for source in sources:
        if not source.is_file():
            raise ConversionError(f"Cannot convert {source}: the file does not exist.")
        # LibreOffice happily turns an empty or plain-text file into a blank-looking PDF.
        if not _looks_like(source, b"PK\x03\x04"):
            raise ConversionError(f"Cannot convert {source}: it is not a Word (DOCX) file.")

    targets = [
        (Path(outdir).absolute() if outdir is not None else source.parent) / f"{source.stem}.pdf"
        for source in sources
    ]
    unique: dict[Path, Path] = {}  # target PDF -> source DOCX, duplicates dropped
    for source, target in zip(sources, targets, strict=True):
        if unique.setdefault(target, source) != source:
            raise ConversionError(
                f"Cannot convert both {unique[target]} and {source}: both would be written "
                f"to {target}."
            )

    soffice = find_soffice()
    _remove_leftovers()
    _remove_stale_document_locks(sources)
    with tempfile.TemporaryDirectory(prefix=_TEMP_PREFIX, ignore_cleanup_errors=True) as temp:
        owner = Path(temp, _OWNER)
        owner.write_text(f"{os.getpid()}\n", encoding="ascii")
        profile = Path(temp, "profile")
        _prepare_profile(profile)
        staging = Path(temp, "pdf")
        staging.mkdir()
        # Numbered names: same-named files from different folders cannot collide.
        produced = {target: staging / f"{number}.pdf" for number, target in enumerate(unique)}
        job, errors = Path(temp, "job.txt"), Path(temp, "errors.txt")
        job.write_text("".join(
            f"{source.as_uri()}\t{produced[target].as_uri()}\t{int(no_autospace(source))}\n"
            for target, source in unique.items()
        ), encoding="ascii")  # file URLs are percent-encoded: Basic reads them as they are
        command = [
            soffice,
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            _MACRO.format(job=job.as_uri(), errors=errors.as_uri()),
        ]
        # LibreOffice's own temporary files go into the throw-away folder too, so that a
        # LibreOffice killed mid-way leaves nothing behind in the system's temporary folder.
        scratch = Path(temp, "tmp")
        scratch.mkdir()
        result = _run(command, timeout, "LibreOffice", started=lambda group: owner.write_text(
            f"{os.getpid()}\n{group}\n", encoding="ascii"),
            env={**_child_env(), "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)})
        reported = _reported(errors)
        details = _tail(result.stderr + "\n" + result.stdout)
        for target, pdf in produced.items():
            if not _looks_like(pdf, b"%PDF-"):
                source = unique[target]
                reason = reported.get(source.as_uri()) or reported.get(job.as_uri()) or details
                raise ConversionError(
                    f"LibreOffice did not convert {source} to PDF "
                    f"(exit code {result.returncode}).\n{reason}".rstrip()
                )
        for target, pdf in produced.items():
            if pages is not None:
                numbers = contents_pages(pdf)
                if numbers:
                    pages[target] = numbers
            target.parent.mkdir(parents=True, exist_ok=True)
            _move_into_place(pdf, target)
    return targets


def contents_pages(pdf: Path) -> list[str]:
    """The page numbers of the contents' entries the export macro reported beside `pdf`
    (`x.pdf.pages`, removed), or none."""
    report = pdf.with_name(pdf.name + ".pages")
    try:
        lines = report.read_text("ascii", errors="replace").split()
    except OSError:
        return []
    with contextlib.suppress(OSError):
        report.unlink()
    return [line for line in lines if line.isdigit()]


def _prepare_profile(profile: Path) -> None:
    """A fresh LibreOffice profile: no update check, and propgen's export macro."""
    user = profile / "user"
    (user / "basic" / "Propgen").mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
    code = escape((Path(__file__).parent / "libreoffice" / "Export.bas").read_text("utf-8"))
    for name, text in _LIBRARY_FILES.items():
        body = text.replace("{code}", code)
        (user / "basic" / name).write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n' + body, encoding="utf-8")


def _reported(errors: Path) -> dict[str, str]:
    """What the macro reported, by source URL."""
    try:
        lines = errors.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return {}
    return dict(line.split("\t", 1) for line in lines if "\t" in line)


def no_autospace(docx: Path) -> bool:
    """Whether the document switches off the gap between Hangul and Latin letters or digits
    (w:autoSpaceDE and w:autoSpaceDN = 0), read from its default paragraph style over its
    document defaults, where propgen's templates set it. Word honours it; LibreOffice's
    DOCX import does not."""
    try:
        with zipfile.ZipFile(docx) as package:
            styles = ElementTree.fromstring(package.read("word/styles.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return False
    places = [styles.find(f"{_W}docDefaults/{_W}pPrDefault/{_W}pPr")] + [
        style.find(f"{_W}pPr") for style in styles.iter(f"{_W}style")
        if style.get(f"{_W}type") == "paragraph"
        and style.get(f"{_W}default") in ("1", "true", "on")
    ]
    spaced: dict[str, bool] = {}
    for ppr in places:
        for name in ("autoSpaceDE", "autoSpaceDN"):
            setting = None if ppr is None else ppr.find(_W + name)
            if setting is not None:
                spaced[name] = setting.get(f"{_W}val", "1") not in ("0", "false", "off")
    return spaced.get("autoSpaceDE") is False and spaced.get("autoSpaceDN") is False


def render_previews(pdf_paths: list[Path], dpi: int = 60) -> list[Path]:
    """Render the first page of each PDF to a PNG beside it (`x.en.pdf` -> `x.en.png`).

    A picture of the page is what shows fonts and line breaks as a reader sees them.
    """
    if not pdf_paths:
        return []
    pdftoppm = find_pdftoppm()
    previews: list[Path] = []
    for pdf in (Path(p).absolute() for p in pdf_paths):
        if not pdf.is_file():
            raise ConversionError(f"Cannot make a preview of {pdf}: the file does not exist.")
        target = pdf.with_suffix(".png")
        # pdftoppm writes to a name it makes itself; inside a private folder (created
        # exclusively beside the target) a planted link at that name cannot be followed.
        private = Path(tempfile.mkdtemp(prefix=f".{pdf.stem}.", dir=target.parent))
        partial = private / "page.png"
        command = [
            pdftoppm,
            "-r",
            str(dpi),
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(private / "page"),
        ]
        try:
            result = _run(command, 120, "pdftoppm")
            if result.returncode != 0 or not _looks_like(partial, b"\x89PNG\r\n\x1a\n"):
                raise ConversionError(
                    f"pdftoppm could not render {pdf} (exit code {result.returncode}).\n"
                    f"{_tail(result.stderr)}".rstrip()
                )
            _move_into_place(partial, target)
        finally:
            shutil.rmtree(private, ignore_errors=True)
        previews.append(target)
    return previews
