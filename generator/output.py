"""Writing outputs: deterministic DOCX bytes, atomic files, safe names, and the manifest.

A build either leaves a complete file or none (temporary file + rename in the same folder),
and never overwrites a file someone edited after propgen wrote it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import re
import shutil
import stat
import tempfile
import threading
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import UserError
from .i18n import N_, gettext_for, message

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MANIFEST_NAME = ".propgen-manifest.json"
# Windows also reserves COM¹-³ and LPT¹-³ (superscript digits).
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL",
                     *(f"{port}{i}" for port in ("COM", "LPT") for i in (*range(1, 10), *"¹²³"))}
# Folders hold names of at most 255 bytes; an output name adds up to 22 bytes to the stem
# (".public.bilingual.docx") and its temporary file 14 more.
MAX_STEM_BYTES = 150


COMPRESS_LEVEL = 6


class _FixedTimeZip:
    """The writer python-docx's PackageWriter expects, with fixed timestamps, so a document
    is compressed once, straight into its final, reproducible form."""

    def __init__(self, buffer: io.BytesIO) -> None:
        self._zip = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri: object, blob: bytes) -> None:
        entry = zipfile.ZipInfo(pack_uri.membername, date_time=FIXED_ZIP_TIME)  # type: ignore[attr-defined]
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        entry.create_system = 0
        self._zip.writestr(entry, blob, compresslevel=COMPRESS_LEVEL)

    def close(self) -> None:
        self._zip.close()


def docx_bytes(document: object) -> bytes:
    """Serialise a python-docx document deterministically (fixed zip times, one pass)."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package  # type: ignore[attr-defined]
    for part in package.parts:
        part.before_marshal()
    buffer = io.BytesIO()
    writer = _FixedTimeZip(buffer)
    PackageWriter._write_content_types_stream(writer, package.parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, package.parts)  # type: ignore[arg-type]
    writer.close()
    return buffer.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename."""
    replace_staged(path, stage(path, data))


def stage(path: Path, data: bytes) -> str:
    """`data` in a temporary file beside `path`, synced to disk: the name, for
    `replace_staged`. Nothing stays if it fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as temp:
            os.chmod(temp_name, 0o666 & ~_umask())
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
    except BaseException:
        discard_staged(temp_name)
        raise
    return temp_name


def replace_staged(path: Path, temp_name: str) -> None:
    """Put a `stage`d file in place of `path` (atomic); the temporary file goes if not."""
    try:
        os.replace(temp_name, path)
    except BaseException:
        discard_staged(temp_name)
        raise


def discard_staged(temp_name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp_name)


def _umask() -> int:
    # Reading the umask means setting it for a moment: one thread at a time (a build
    # stages a submission's documents in parallel), so none reads another's 022.
    with _UMASK_LOCK:
        current = os.umask(0o022)
        os.umask(current)
    return current


_UMASK_LOCK = threading.Lock()


def safe_stem(name: str) -> str:
    """A file-name stem from user data: no separators, no `..`, no reserved device names.

    Names are NFC (macOS hands out decomposed ones, whose accents would become "-") and
    short enough in bytes for every file system, Hangul included.
    """
    name = unicodedata.normalize("NFC", name)
    stem = re.sub(r"[^\w.\-]+", "-", name, flags=re.UNICODE).strip(".-_ ")
    stem = re.sub(r"\.{2,}", ".", stem)
    while len(stem.encode("utf-8", "replace")) > MAX_STEM_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(".-_ ") or "document"
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    return stem


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# A manifest is a few hundred bytes a file; anything far larger is not one propgen wrote.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
LOCK_NAME = ".propgen-lock"
# Hidden folders a build converts PDFs into, inside the output folder; a dead run's are removed.
STAGING_PREFIX = ".propgen-staging-"


def is_regular_file(path: Path) -> bool:
    """True if `path` itself (not what a link points at) is a regular file."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _file_hash(path: Path) -> str | None:
    """The SHA-256 of a regular file, read in pieces without following a link; None if
    it is not one (a link, FIFO, device or folder must never be read: /dev/zero never ends)."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None
        digest = hashlib.sha256()
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
        return digest.hexdigest()


class Manifest:
    """Hashes of the files propgen wrote into one output folder.

    Before a file is replaced its new hash is saved as *pending* beside the old one, and
    only after the rename does the old one go: whatever interrupts a build (a full disk, a
    signal, a crash), each file on disk matches a hash the manifest accepts, so the next
    build never refuses propgen's own files.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / MANIFEST_NAME
        self.hashes: dict[str, str] = {}
        self.pending: dict[str, set[str]] = {}
        self.damaged = False
        body = self._read()
        if body is None:
            return
        files, pending = (body.get("files"), body.get("pending", {})) if isinstance(
            body, dict) else (None, None)
        if not isinstance(files, dict) or not isinstance(pending, dict):
            self.damaged = True  # trust no file in it
            return
        self.hashes = {k: v for k, v in files.items() if isinstance(v, str)}
        self.pending = {k: {h for h in v if isinstance(h, str)}
                        for k, v in pending.items() if isinstance(v, list)}

    def _read(self) -> Any:
        if not os.path.lexists(self.path):
            return None
        try:
            if not is_regular_file(self.path) or self.path.stat().st_size > MAX_MANIFEST_BYTES:
                raise ValueError("not a manifest")
            return json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError, RecursionError):
            # Hand-corrupted (or nested past Python's recursion limit): rebuilt by this
            # build, and meanwhile no file is taken for propgen's.
            self.damaged = True
            return None

    def accepts(self, name: str, digest: str) -> bool:
        return self.hashes.get(name) == digest or digest in self.pending.get(name, set())

    def edited(self, target: Path) -> bool:
        """True if `target` exists and differs from what propgen last wrote there."""
        if not os.path.lexists(target):
            return False
        digest = _file_hash(target)
        return digest is None or not self.accepts(target.name, digest)

    def refusal(self, target: Path, force: bool, lang: str = "en") -> str | None:
        """Why `target` must not be replaced, or None: not a regular file (a link, FIFO or
        device, even with `force`), or edited since propgen wrote it (unless `force`)."""
        if not os.path.lexists(target):
            return None
        if not is_regular_file(target):
            return gettext_for(lang)(N_(
                "is not a regular file (a link, folder, FIFO or device); propgen only "
                "replaces files it wrote. Remove it and build again"))
        if not force and self.edited(target):
            return self.edited_message(target, lang)
        return None

    def edited_targets(self, targets: list[Path], force: bool) -> list[Path]:
        """The targets that must not be overwritten (none with `force`)."""
        return [] if force else [t for t in targets if self.edited(t)]

    @staticmethod
    def edited_message(target: Path, lang: str = "en") -> str:
        return message(
            "edited",
            N_("changed since propgen wrote it, or not written by propgen; not overwritten. "
               "Move it away, or build with --force to replace it"),
            {"file": str(target)}, lang,
        )

    def expect(self, targets: dict[Path, bytes]) -> None:
        """Save the hashes `targets` are about to get, before any of them is replaced."""
        for target, data in targets.items():
            self.pending.setdefault(target.name, set()).add(sha256(data))
        self.save(keep_pending=True)

    def record(self, target: Path, data: bytes) -> None:
        self.hashes[target.name] = sha256(data)

    def save(self, keep_pending: bool = False) -> None:
        """Write the manifest; pending hashes stay while files may still be replaced."""
        body: dict[str, Any] = {"generator": "propgen", "files": dict(sorted(self.hashes.items()))}
        if not keep_pending:
            # Settled where the recorded hash is one of those expected; a file whose rename
            # happened but was not recorded (interrupted just then) keeps both accepted.
            self.pending = {name: expected for name, expected in self.pending.items()
                            if self.hashes.get(name) not in expected}
        if self.pending:
            body["pending"] = {k: sorted(v) for k, v in sorted(self.pending.items())}
        write_atomic(self.path, (json.dumps(body, indent=2) + "\n").encode("utf-8"))


class FolderBusy(UserError):
    """Another build holds the output folder's lock."""


@contextlib.contextmanager
def folder_lock(folder: Path, wait: float = 0) -> Iterator[None]:
    """Hold the output folder's lock, so two builds never interleave their files and
    manifests; waits up to `wait` seconds for another build, then refuses clearly.

    The lock file is removed on release (while still held); a build that locked a file
    removed meanwhile sees that its inode is no longer the folder's and tries again.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; builds are not serialised
        yield
        return
    created = not folder.exists()
    path = folder / LOCK_NAME
    deadline = time.monotonic() + wait
    handle = _locked(path, deadline, fcntl)
    try:
        remove_stale_staging(folder)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        if created:  # a build that wrote nothing leaves no empty folder behind
            with contextlib.suppress(OSError):
                folder.rmdir()
        os.close(handle)


def _locked(path: Path, deadline: float, fcntl: Any) -> int:
    flags = (os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
             | getattr(os, "O_NONBLOCK", 0))
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # again: an empty one is removed
            handle = os.open(path, flags, 0o644)
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                os.close(handle)
                raise OSError(errno.EINVAL, "not a regular file")
        except OSError as error:
            raise FolderBusy(
                template=N_("cannot lock the output folder: {file} is not a regular file "
                            "({reason}); remove it"),
                ctx={"file": str(path), "reason": error.strerror or error}) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            if time.monotonic() >= deadline:
                raise FolderBusy(
                    template=N_("another propgen build is writing into {folder}; wait for it "
                                "to finish, or build into another folder"),
                    ctx={"folder": str(path.parent)}) from None
            time.sleep(0.1)
            continue
        try:
            same = os.fstat(handle).st_ino == os.lstat(path).st_ino
        except OSError:
            same = False
        if same:
            return handle
        os.close(handle)  # the holder removed it as we locked it: lock the new one


def remove_stale_staging(folder: Path) -> None:
    """Staging folders of a build that was killed (under the lock, none is in use)."""
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            if entry.name.startswith(STAGING_PREFIX) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)


def place_file(source: Path, target: Path) -> None:
    """Move a finished `source` onto `target` atomically; across file systems through an
    exclusive temporary file beside the target, removed again if the copy fails."""
    try:
        os.replace(source, target)
        return
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as temp, source.open("rb") as original:
            shutil.copyfileobj(original, temp)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, 0o666 & ~_umask())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
