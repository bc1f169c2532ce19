"""Writing outputs: deterministic DOCX bytes, atomic files, safe names, and the manifest.

A build either leaves a complete file or none (temporary file + rename in the same folder),
and never overwrites a file someone edited after propgen wrote it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import tempfile
import unicodedata
import zipfile
from pathlib import Path

from .i18n import N_, message

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
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as temp:
            os.chmod(temp_name, 0o666 & ~_umask())
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


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


class Manifest:
    """Hashes of the files propgen wrote into one output folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / MANIFEST_NAME
        try:
            self.hashes: dict[str, str] = json.loads(self.path.read_text("utf-8"))["files"]
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            self.hashes = {}
        if not isinstance(self.hashes, dict):  # a damaged manifest: trust no file in it
            self.hashes = {}

    def edited(self, target: Path) -> bool:
        """True if `target` exists and differs from what propgen last wrote there."""
        if not target.exists():
            return False
        recorded = self.hashes.get(target.name)
        return recorded is None or recorded != sha256(target.read_bytes())

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

    def record(self, target: Path, data: bytes) -> None:
        self.hashes[target.name] = sha256(data)

    def save(self) -> None:
        body = {"generator": "propgen", "files": dict(sorted(self.hashes.items()))}
        write_atomic(self.path, (json.dumps(body, indent=2) + "\n").encode("utf-8"))
