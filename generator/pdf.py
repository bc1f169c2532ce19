"""PDF and PNG preview output through LibreOffice and poppler, as library calls.

Starting LibreOffice costs about a second or more while converting a small document costs a
fraction of that, so `convert_to_pdf` hands every document of a build to ONE `soffice`
process. Each call gets a throw-away LibreOffice profile: a user's running LibreOffice (or a
parallel build) would otherwise grab the request or lock the profile, and no setting of the
user's leaks into the output. `soffice` exits 0 even when a file could not be converted, so
every expected PDF is checked afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .errors import ToolMissingError, UserError
from .i18n import N_

SOFFICE_ENV = "PROPGEN_SOFFICE"
PDFTOPPM_ENV = "PROPGEN_PDFTOPPM"
EXIT_CONVERSION_FAILED = 1

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
    '<item oor:path="/org.openoffice.Office.Common/Misc">'
    '<prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>\n'
    "</oor:items>\n"
)


class ConversionError(UserError):
    """LibreOffice or pdftoppm ran but did not produce the expected file."""

    exit_code = EXIT_CONVERSION_FAILED


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


def _run(command: list[str], timeout: float, what: str) -> subprocess.CompletedProcess[str]:
    """Run a converter with stdin closed; on timeout kill its whole process group.

    `soffice` is a launcher script whose real worker is a child process: killing only the
    direct child would leave the worker running and holding the temporary profile.
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
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            if posix:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
            process.communicate()
            raise ConversionError(
                f"{what} did not finish within {timeout:g} seconds and was stopped."
            ) from None
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _move_into_place(source: Path, target: Path) -> None:
    """Replace `target` by `source` atomically, also when they are on different file systems."""
    try:
        os.replace(source, target)
    except OSError:
        # Different file system: copy next to the target first, then rename there.
        partial = target.with_name(f".{target.name}.partial")
        shutil.copyfile(source, partial)
        os.replace(partial, target)


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
    docx_paths: list[Path], outdir: Path | None = None, timeout: float = 600
) -> list[Path]:
    """Convert DOCX files to PDF with one LibreOffice process; return the PDFs in input order.

    Each PDF goes beside its DOCX (`x.en.docx` -> `x.en.pdf`), or into `outdir` when given.
    LibreOffice writes into a private temporary folder first and each finished PDF is then
    moved into place, so a failed run never leaves a half-written or stale PDF looking new.
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
    with tempfile.TemporaryDirectory(prefix="propgen-soffice-", ignore_cleanup_errors=True) as temp:
        profile = Path(temp, "profile")
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        staging = Path(temp, "pdf")
        staging.mkdir()
        # Same-named files from different folders would overwrite each other in the one
        # staging folder: give those a numbered copy under a unique name.
        inputs: list[Path] = []
        produced: dict[Path, Path] = {}
        stems: set[str] = set()
        for number, (target, source) in enumerate(unique.items()):
            if source.stem.casefold() in stems:
                copy_dir = Path(temp, "in", str(number))
                copy_dir.mkdir(parents=True)
                source_copy = copy_dir / f"{number}-{source.name}"
                shutil.copyfile(source, source_copy)
                source = source_copy
            stems.add(source.stem.casefold())
            inputs.append(source)
            produced[target] = staging / f"{source.stem}.pdf"

        command = [
            soffice,
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(staging),
            *(str(path) for path in inputs),
        ]
        result = _run(command, timeout, "LibreOffice")
        details = _tail(result.stderr + "\n" + result.stdout)
        for target, pdf in produced.items():
            if not _looks_like(pdf, b"%PDF-"):
                raise ConversionError(
                    f"LibreOffice did not convert {unique[target]} to PDF "
                    f"(exit code {result.returncode}).\n{details}".rstrip()
                )
        for target, pdf in produced.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            _move_into_place(pdf, target)
    return targets


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
        partial_stem = target.with_name(f".{pdf.stem}.partial")
        partial = partial_stem.with_name(partial_stem.name + ".png")
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
            str(partial_stem),
        ]
        try:
            result = _run(command, 120, "pdftoppm")
            if result.returncode != 0 or not _looks_like(partial, b"\x89PNG\r\n\x1a\n"):
                raise ConversionError(
                    f"pdftoppm could not render {pdf} (exit code {result.returncode}).\n"
                    f"{_tail(result.stderr)}".rstrip()
                )
            os.replace(partial, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
        previews.append(target)
    return previews
