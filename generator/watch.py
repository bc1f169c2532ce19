"""`propgen watch`: build once, then rebuild each submission whose YAML file changed.

Writing a letter is a loop of edit and look. The loop here redoes only what changed: the
documents of the edited file, through the same `build_files` as `propgen build` (same checks,
same messages, same manifest), then its PDFs in reading order (English, Korean, side by
side), each replaced atomically as soon as LibreOffice has made it. LibreOffice stays
running between rebuilds (`office.WarmOffice`). File events come from watchfiles (inotify,
FSEvents, ReadDirectoryChangesW) and are debounced, so an editor's save (often a write, a
rename and a chmod) is one rebuild. A file whose bytes did not change is not rebuilt.

A bad edit prints its located error and writes nothing: the last good documents stay.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from .build import BuildOptions, build_files, place_outputs
from .errors import UserError
from .i18n import N_, gettext_for
from .inputs import find_inputs
from .pdf import render_previews

YAML_SUFFIXES = (".yaml", ".yml")
# watchfiles yields once no new event came for STEP ms, and after DEBOUNCE ms at the latest.
STEP_MS = 50
DEBOUNCE_MS = 400
# watchfiles yields an empty set after this long without events: the first one says the
# watcher is up.
IDLE_MS = 200


class Converter(Protocol):
    """What the watch needs of a LibreOffice: `office.WarmOffice` or `office.ColdOffice`."""

    def convert(self, docx: Path, target: Path | None = None) -> Path: ...

    def close(self) -> None: ...


@dataclass
class Rebuild:
    """One rebuild of one file: what it wrote and said, for the terminal and for tests."""

    path: Path
    seconds: float = 0.0
    written: list[Path] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # located errors, then warnings
    errors: int = 0
    warnings: int = 0

    @property
    def ok(self) -> bool:
        return self.errors == 0


def rebuild_file(path: Path, options: BuildOptions, office: Converter | None = None,
                 ) -> Rebuild:
    """Build one file's documents (and PDFs, previews) like `propgen build`, never raising
    for the user's mistakes: they are in `Rebuild.messages`."""
    started = time.perf_counter()
    _ = gettext_for(options.lang)
    rebuild = Rebuild(path)
    try:
        result = build_files([path], replace(options, pdf=False, preview=False), jobs=1)
    except OSError as error:  # a full disk, a read-only folder: the watch goes on
        rebuild.errors = 1
        rebuild.messages.append(_("propgen: cannot write {file}: {reason}").format(
            file=error.filename or options.output_dir, reason=error.strerror or error))
        rebuild.seconds = time.perf_counter() - started
        return rebuild
    rebuild.messages.extend(str(problem) for problem in result.errors)
    for finding in result.findings:
        if getattr(finding, "severity", "warning") == "error":
            rebuild.errors += 1
        else:
            rebuild.warnings += 1
        rebuild.messages.append(str(finding))
    rebuild.errors += len(result.errors)
    for refused in result.refused:
        rebuild.messages.append(_(
            "{path}: not built: the program checks found errors (fix them, or build a draft "
            "with --draft)").format(path=refused))
    problem: UserError | None = result.tool_error
    rebuild.written.extend(result.written)
    if problem is None and options.pdf and office is not None:
        # Made aside, then moved in under the output folder's lock and manifest, as build
        # does: a PDF edited by hand is not overwritten, and a later build knows these.
        staging = Path(tempfile.mkdtemp(prefix="propgen-watch-"))
        try:
            for docx in [p for p in result.written if p.suffix == ".docx"]:
                pdf = office.convert(docx, staging / docx.with_suffix(".pdf").name)
                staged = {pdf: docx.with_suffix(".pdf")}
                if options.preview:
                    staged.update((png, docx.with_suffix(".png"))
                                  for png in render_previews([pdf]))
                placed, blocked = place_outputs(options, staged)
                rebuild.written.extend(placed)
                rebuild.messages.extend(str(p) for p in blocked)
                rebuild.errors += len(blocked)
        except UserError as error:
            problem = error
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    if problem is not None:
        rebuild.errors += 1
        rebuild.messages.append(problem.localized(options.lang))
    rebuild.seconds = time.perf_counter() - started
    return rebuild


def summary_line(rebuild: Rebuild, lang: str) -> str:
    """The one terminal line of a rebuild: which file, how long, how many warnings."""
    _ = gettext_for(lang)
    if rebuild.ok:
        return _(N_("{file}: built in {seconds} s, {warnings} warning(s)")).format(
            file=rebuild.path, seconds=f"{rebuild.seconds:.2f}", warnings=rebuild.warnings)
    return _(N_("{file}: not built, {errors} error(s), {warnings} warning(s); the last good "
                "documents are kept")).format(
        file=rebuild.path, errors=rebuild.errors, warnings=rebuild.warnings)


class _Inputs:
    """Which changed paths are submissions to rebuild: the files given, and YAML files
    below the folders given, outside the output folder."""

    def __init__(self, paths: list[Path], output_dir: Path) -> None:
        self.files = {p.resolve(): p for p in paths if not p.is_dir()}
        self.dirs = {p.resolve(): p for p in paths if p.is_dir()}
        self.output_dir = output_dir.resolve()

    def shown(self, path: Path) -> Path:
        """A changed file named as the user named it (or its folder): the event's absolute
        path would print differently from the first build's lines."""
        path = path.resolve()
        if path in self.files:
            return self.files[path]
        for folder, given in self.dirs.items():
            if path.is_relative_to(folder):
                return given / path.relative_to(folder)
        return path

    def roots(self) -> list[Path]:
        """Folders to watch: editors save by writing a new file and renaming it over the
        old one, which a watch on the file itself would lose after the first save."""
        return sorted({*self.dirs, *(f.parent for f in self.files)})

    def wanted(self, path: Path) -> bool:
        path = path.resolve()
        if path in self.files:
            return True
        if path.suffix not in YAML_SUFFIXES or path.name.startswith("."):
            return False
        if path.is_relative_to(self.output_dir):
            return False
        return any(path.is_relative_to(folder) for folder in self.dirs)


def watching_line(paths: list[Path], found: list[Path], lang: str) -> str:
    """What is watched, in the user's words: the file given, or the files found in the
    folder given (the folders watched behind the scenes are no business of theirs). The
    catalogs hold no plural forms: one file and several are two messages."""
    _ = gettext_for(lang)
    count = len(found)
    if len(paths) == 1 and not paths[0].is_dir():
        return _(N_("watching {file} for changes; Ctrl-C stops")).format(file=paths[0])
    if len(paths) == 1:
        template = (N_("watching 1 file in {folder} for changes; Ctrl-C stops") if count == 1
                    else N_("watching {count} files in {folder} for changes; Ctrl-C stops"))
        return _(template).format(count=count, folder=paths[0])
    template = (N_("watching 1 file for changes ({names}); Ctrl-C stops") if count == 1
                else N_("watching {count} files for changes ({names}); Ctrl-C stops"))
    return _(template).format(count=count, names=", ".join(str(p) for p in paths))


def _digest(path: Path) -> str | None:
    """The file's hash, or None when it is gone (or a folder)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


_EMPTY = hashlib.sha256(b"").hexdigest()


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the watch like Ctrl-C does, so LibreOffice is closed either way."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def watch(
    paths: list[Path],
    options: BuildOptions,
    *,
    echo: Callable[[str], None],
    office: Converter | None = None,
    stop_event: threading.Event | None = None,
    ready: Callable[[], None] | None = None,
    on_rebuild: Callable[[Rebuild], None] | None = None,
) -> None:
    """Build every input once, then rebuild each one that changes until stopped.

    Stops on Ctrl-C or SIGTERM (KeyboardInterrupt propagates) or when `stop_event` is set;
    `office` is closed in every case. Warnings are printed when they differ from the
    file's previous build, errors every time; `echo` gets every line.
    """
    import watchfiles

    inputs = _Inputs(paths, options.output_dir)
    built: dict[Path, str | None] = {}
    said: dict[Path, list[str]] = {}

    def run(path: Path) -> None:
        built[path.resolve()] = _digest(path)
        rebuild = rebuild_file(path, options, office)
        shown = rebuild.messages if not rebuild.ok else (
            [] if said.get(path.resolve()) == rebuild.messages else rebuild.messages)
        said[path.resolve()] = rebuild.messages
        for line in shown:
            echo(line)
        echo(summary_line(rebuild, options.lang))
        if on_rebuild is not None:
            on_rebuild(rebuild)

    try:
        with _sigterm_as_interrupt():
            first = find_inputs(paths)
            for path in first:
                run(path)
            watching = False
            for changes in watchfiles.watch(
                *inputs.roots(),
                watch_filter=lambda change, name: (change != watchfiles.Change.deleted
                                                   and inputs.wanted(Path(name))),
                debounce=DEBOUNCE_MS, step=STEP_MS, stop_event=stop_event,
                recursive=bool(inputs.dirs), raise_interrupt=True,
                rust_timeout=IDLE_MS, yield_on_timeout=True,
            ):
                changed = {inputs.shown(Path(name)) for _change, name in changes}
                if not watching:
                    # The watcher is up only now: catch edits saved during the first build.
                    watching = True
                    changed.update(first)
                    echo(watching_line(paths, first, options.lang))
                    if ready is not None:
                        ready()
                for path in sorted(changed):
                    # An empty file is an editor between truncating and writing it: its
                    # next event brings the text.
                    digest = _digest(path)
                    if digest not in (None, _EMPTY) and built.get(path.resolve()) != digest:
                        run(path)
    finally:
        if office is not None:
            office.close()
