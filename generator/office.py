"""A LibreOffice kept running between conversions, for `propgen watch`.

A cold `soffice` start costs a second or more; converting a letter in a running one costs a
fraction of that. `WarmOffice` starts ONE headless LibreOffice with its own throw-away
profile (the one `pdf.py` prepares, with propgen's export macro) listening on a named pipe,
and drives it through UNO. UNO needs LibreOffice's Python binding, which lives in another
Python than propgen's (Debian's python3-uno is for /usr/bin/python3), so a small bridge
script (`libreoffice/uno_bridge.py`) runs under that Python and takes one JSON line per
document on a pipe. The bridge calls the same Basic macro as a cold build, so a watched PDF
has the same fixes (no gap between Hangul and digits) as `build --pdf`.

Not unoserver: it too must be installed into the Python that has `uno` (on Debian the
system's, where pip refuses to install), it talks XML-RPC over TCP ports that parallel
watches would contend for, and its conversion runs LibreOffice's export filter without a
hook for propgen's macro, so the PDFs would differ from a cold build's. The bridge is
standard library only and reaches LibreOffice over a named pipe of its own.

Both processes run in their own process groups: a Ctrl-C in the terminal reaches propgen
only, which then closes them itself. A LibreOffice that died or overran a conversion's
timeout is killed with its whole group and started afresh for the next document. If
propgen itself is killed, the bridge sees its standard input close and tells LibreOffice
to quit and removes the temporary folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import IO, Any

from .errors import ToolMissingError
from .i18n import N_
from .pdf import (
    ConversionError,
    _child_env,
    _looks_like,
    _move_into_place,
    _prepare_profile,
    _reported,
    _tail,
    convert_to_pdf,
    find_soffice,
    no_autospace,
)

UNO_PYTHON_ENV = "PROPGEN_UNO_PYTHON"
BRIDGE = Path(__file__).parent / "libreoffice" / "uno_bridge.py"
TEMP_PREFIX = "propgen-office-"

_UNO_MISSING = N_(
    "No Python with LibreOffice's UNO module was found ({where}), so LibreOffice cannot be "
    "kept running between rebuilds.\n"
    "Install it to make watched PDFs fast:\n"
    "  Debian/Ubuntu: sudo apt-get install python3-uno\n"
    "  macOS, Windows: the Python that comes with LibreOffice is found on its own\n"
    "or set {env} to a Python that can `import uno`.\n"
    "Each PDF is made by a new LibreOffice instead (slower)."
)

_uno_python: str | None = None


def _uno_candidates(soffice: str) -> list[str]:
    """Pythons that may have `uno`: LibreOffice's own first, then the system's."""
    program = Path(os.path.realpath(soffice)).parent
    found = [
        str(program / "python"),  # Linux tarballs
        str(program / "python.exe"),  # Windows
        str(program.parent / "Resources" / "python"),  # macOS (.app/Contents/MacOS/soffice)
        "/usr/bin/python3",  # Debian/Ubuntu with python3-uno
    ]
    which = shutil.which("python3")
    if which:
        found.append(which)
    return list(dict.fromkeys(found))


def find_uno_python(soffice: str) -> str:
    """The Python to run the bridge with; `PROPGEN_UNO_PYTHON` wins, as for soffice."""
    global _uno_python
    override = os.environ.get(UNO_PYTHON_ENV)
    if not override and _uno_python is not None:
        return _uno_python
    candidates = [override] if override else _uno_candidates(soffice)
    for candidate in candidates:
        if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
            continue
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            probe = subprocess.run([candidate, "-c", "import uno"], stdin=subprocess.DEVNULL,
                                   capture_output=True, timeout=30)
            if probe.returncode == 0:
                if not override:
                    _uno_python = candidate
                return candidate
    where = f"{UNO_PYTHON_ENV}={override}" if override else ", ".join(candidates)
    raise ToolMissingError(template=_UNO_MISSING, ctx={"where": where, "env": UNO_PYTHON_ENV})


def _kill_group(process: subprocess.Popen[Any] | None) -> None:
    """Kill a process and everything it started (soffice is a launcher with a worker)."""
    if process is None:
        return
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    else:
        with contextlib.suppress(OSError):
            process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


class WarmOffice:
    """One running LibreOffice converting DOCX to PDF on demand; use it as a context manager.

    `convert` starts LibreOffice on first use and again after it died or overran `timeout`;
    `close` (also on Ctrl-C, through `with`) stops it and removes its temporary folder.
    """

    def __init__(self, timeout: float = 120.0, start_timeout: float = 90.0) -> None:
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.starts = 0
        self._temp: Path | None = None
        self._soffice: subprocess.Popen[bytes] | None = None
        self._bridge: subprocess.Popen[str] | None = None
        self._pipe = ""
        self._replies: queue.Queue[str | None] = queue.Queue()

    def __enter__(self) -> WarmOffice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def soffice_pid(self) -> int | None:
        """The LibreOffice launcher's process id (also its process group), while running."""
        return self._soffice.pid if self._soffice is not None else None

    @property
    def temp_dir(self) -> Path | None:
        return self._temp

    def alive(self) -> bool:
        return (self._soffice is not None and self._soffice.poll() is None
                and self._bridge is not None and self._bridge.poll() is None)

    def start(self) -> None:
        """Start LibreOffice and the bridge; return once the bridge is connected."""
        soffice = find_soffice()
        python = find_uno_python(soffice)
        self._stop()
        self._temp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
        self.starts += 1
        profile = self._temp / f"profile-{self.starts}"
        _prepare_profile(profile)
        (self._temp / "pdf").mkdir()
        (self._temp / "tmp").mkdir()
        self._pipe = pipe = f"propgen-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        posix = os.name == "posix"
        # LibreOffice's own temporary files (lu*.tmp) go into our folder, removed with it.
        # A UTF-8 character type, as for a cold build: paths need not be ASCII.
        env = {**_child_env(), "TMPDIR": str(self._temp / "tmp")}
        with (self._temp / "soffice.log").open("wb") as log:
            self._soffice = subprocess.Popen(
                [soffice, "--headless", "--invisible", "--norestore", "--nologo",
                 "--nodefault", "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
                 f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=posix, env=env,
            )
        with (self._temp / "bridge.log").open("wb") as log:
            self._bridge = subprocess.Popen(
                [python, str(BRIDGE), pipe, str(self._soffice.pid), str(self._temp)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=log, text=True, encoding="utf-8", start_new_session=posix,
                env=_child_env(),
            )
        self._replies = queue.Queue()
        threading.Thread(target=_pump, args=(self._bridge.stdout, self._replies),
                         daemon=True).start()
        answer = self._answer(self.start_timeout, "LibreOffice")
        if not answer.get("ready"):
            details = answer.get("error") or self._log_tail()
            self._stop()
            raise ConversionError(f"LibreOffice could not be started.\n{details}".rstrip())

    def convert(self, docx: Path, target: Path | None = None) -> Path:
        """Convert one DOCX to PDF (beside it, or to `target`), replacing the PDF atomically.

        A LibreOffice that died since the last call (or during this one) is restarted and
        the document converted once more; one that overruns the timeout is killed, and the
        next call starts a new one.
        """
        docx = Path(docx).absolute()
        target = Path(target).absolute() if target is not None else docx.with_suffix(".pdf")
        if not _looks_like(docx, b"PK\x03\x04"):
            raise ConversionError(f"Cannot convert {docx}: it is not a Word (DOCX) file.")
        for attempt in (1, 2):
            if not self.alive():
                self.start()
            assert self._temp is not None
            staged = self._temp / "pdf" / f"{uuid.uuid4().hex}.pdf"
            errors = self._temp / "errors.txt"
            errors.unlink(missing_ok=True)
            self._send({"source": docx.as_uri(), "target": staged.as_uri(),
                        "nogap": no_autospace(docx), "errors": errors.as_uri()})
            answer = self._answer(self.timeout, "LibreOffice")
            staged.with_name(staged.name + ".pages").unlink(missing_ok=True)  # not used here
            if answer.get("ok") and _looks_like(staged, b"%PDF-"):
                target.parent.mkdir(parents=True, exist_ok=True)
                _move_into_place(staged, target)
                return target
            staged.unlink(missing_ok=True)
            if answer.get("ok"):  # the macro ran and reported why this document failed
                reason = _reported(errors).get(docx.as_uri(), "")
                raise ConversionError(
                    f"LibreOffice did not convert {docx} to PDF.\n{reason}".rstrip())
            # No answer, or UNO failed (DisposedException): LibreOffice went away.
            if attempt == 2:
                details = answer.get("error") or self._log_tail()
                self._stop()
                raise ConversionError(
                    f"LibreOffice stopped while converting {docx}.\n{details}".rstrip())
            self._stop()  # died mid-conversion: once more with a fresh one
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Ask LibreOffice to quit, kill what is left, and remove the temporary folder."""
        try:
            if self.alive():
                self._send({"quit": True})  # the bridge tells LibreOffice to quit
                for process in (self._bridge, self._soffice):
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        if process is not None:
                            process.wait(timeout=10)
        finally:  # also when a second Ctrl-C cuts the wait short
            self._stop()

    def _stop(self) -> None:
        bridge, soffice = self._bridge, self._soffice
        self._bridge = self._soffice = None
        _kill_group(bridge)  # first: it would tidy up after us on seeing its input close
        _kill_group(soffice)
        if soffice is not None and self._pipe:
            # A killed LibreOffice leaves its pipe's socket behind (in /tmp, whatever
            # TMPDIR says); the name is ours alone.
            for folder in {tempfile.gettempdir(), "/tmp"}:
                for stale in Path(folder).glob(f"OSL_PIPE_*_{self._pipe}"):
                    stale.unlink(missing_ok=True)
        if bridge is not None:
            for stream in (bridge.stdin, bridge.stdout):
                with contextlib.suppress(OSError):
                    if stream is not None:
                        stream.close()
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None

    def _send(self, job: dict[str, object]) -> None:
        assert self._bridge is not None and self._bridge.stdin is not None
        try:
            self._bridge.stdin.write(json.dumps(job) + "\n")
            self._bridge.stdin.flush()
        except OSError:
            pass  # the bridge is gone; _answer sees its end of output

    def _answer(self, timeout: float, what: str) -> dict[str, Any]:
        """The bridge's next reply; {} when it or LibreOffice ended; kills everything on
        timeout."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._replies.get(timeout=max(0.0, min(0.25, deadline - time.monotonic())))
                break
            except queue.Empty:
                if self._soffice is None or self._soffice.poll() is not None:
                    return {}  # LibreOffice is gone: no answer is coming
                if time.monotonic() >= deadline:
                    self._stop()
                    raise ConversionError(
                        f"{what} did not finish within {timeout:g} seconds and was stopped."
                    ) from None
        if line is None:
            return {}
        try:
            answer = json.loads(line)
        except ValueError:
            return {"ok": False, "error": line.strip()}
        return answer if isinstance(answer, dict) else {}

    def _log_tail(self) -> str:
        if self._temp is None:
            return ""
        text = ""
        for name in ("bridge.log", "soffice.log"):
            with contextlib.suppress(OSError):
                text += (self._temp / name).read_text("utf-8", errors="replace") + "\n"
        return _tail(text)


def _pump(stream: IO[str] | None, replies: queue.Queue[str | None]) -> None:
    """Hand the bridge's output lines to the waiting convert call; None at its end."""
    if stream is not None:
        with contextlib.suppress(OSError, ValueError):
            for line in stream:
                replies.put(line)
    replies.put(None)


class ColdOffice:
    """The fallback without UNO: a new LibreOffice for each document, as `build --pdf`."""

    starts = 0

    def __enter__(self) -> ColdOffice:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def convert(self, docx: Path, target: Path | None = None) -> Path:
        docx = Path(docx).absolute()
        outdir = target.parent if target is not None else None
        if target is not None and target.name != docx.with_suffix(".pdf").name:
            raise ConversionError(f"Cannot convert {docx} to {target}: names differ.")
        return convert_to_pdf([docx], outdir)[0]

    def close(self) -> None:
        return None


def open_office(warn: Any = None) -> WarmOffice | ColdOffice:
    """A warm LibreOffice when a UNO Python is there, else the cold fallback (with `warn`).

    Raises ToolMissingError when LibreOffice itself is missing: no PDF can be made at all.
    """
    soffice = find_soffice()
    try:
        find_uno_python(soffice)
    except ToolMissingError as error:
        if warn is not None:
            warn(error)
        return ColdOffice()
    return WarmOffice()

