"""The build: YAML files in, English, Korean and side-by-side DOCX (and PDF) out.

`build_submission` is pure (a validated submission in, named document bytes out);
`build_files` adds reading, writing, the manifest and PDF conversion around it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .checks import compliance_matrix, reviewed_findings
from .errors import InputError, Problem, UserError
from .fields import field_paths
from .i18n import LANGS, N_, gettext_for, resource_dir
from .inputs import find_inputs, limits_for, load_checked
from .language import gap_marker
from .loader import load_profile
from .models import Bilingual, CommentLetter, Proposal
from .program import Profile

TEMPLATE_NAMES = {"proposal": "proposal.docx", "comment_letter": "comment-letter.docx"}
DOC_LANGS = LANGS

_renderers: dict[Path, Any] = {}


@dataclass(frozen=True)
class BuildOptions:
    output_dir: Path = Path("out")
    draft: bool = False
    public: bool = False
    pdf: bool = False
    preview: bool = False
    lang: str = "en"
    program_path: Path | None = None
    template_dir: Path | None = None
    force: bool = False
    max_bytes: int | None = None
    strip_control_chars: bool = False


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    built_files: int = 0
    findings: list[Any] = field(default_factory=list)
    refused: list[Path] = field(default_factory=list)
    tool_error: UserError | None = None
    # Hand-edited outputs --force replaced, each with its backup; older PDFs and previews.
    backups: list[tuple[Path, Path]] = field(default_factory=list)
    stale: Any = None
    # Inputs with parts marked confidential: built with them (or, with --public, without).
    confidential: list[Path] = field(default_factory=list)
    # Passages marked as missing translations, per document written, and their marker.
    gaps: dict[Path, tuple[int, str]] = field(default_factory=dict)


def template_path(kind: str, template_dir: Path | None = None) -> Path:
    """The template a submission of `kind` is rendered with.

    A folder of one's own templates may hold only one of them: the other is the shipped one.
    """
    name = TEMPLATE_NAMES[kind]
    folder = template_dir if template_dir and (template_dir / name).exists() else None
    return ((folder or resource_dir("templates")) / name).resolve()


def renderer_for(kind: str, template_dir: Path | None = None) -> Any:
    """The process-wide renderer of a template: loaded and compiled once."""
    from .render import Renderer, TemplateProblem

    path = template_path(kind, template_dir)
    if path not in _renderers:
        if not path.is_file():
            raise TemplateProblem(template=N_("template not found"), prefix=f"{path}: ")
        _renderers[path] = Renderer(path)
    return _renderers[path]


def document_names(stem: str, public: bool = False) -> dict[str, str]:
    """Output file names for one submission, keyed by en / ko / bilingual."""
    middle = ".public" if public else ""
    return {lang: f"{stem}{middle}.{lang}.docx" for lang in (*DOC_LANGS, "bilingual")}


def document_identity(submission: Proposal | CommentLetter) -> tuple[str, Bilingual]:
    """The company and the title a submission's documents carry in their properties (the
    anchor member or the commenter; the title or the letter's subject): `pull` reads them
    back to tell which submission a document was built from."""
    if isinstance(submission, Proposal):
        author = next(m.name.get("en") for m in submission.consortium.members
                      if m.role == "anchor")
        return author, submission.title
    return (submission.commenter.name.get("en"),
            submission.subject or submission.commenter.name)


def build_submission(
    submission: Proposal | CommentLetter,
    profile: Profile,
    *,
    stem: str,
    draft: bool = False,
    public: bool = False,
    template_dir: Path | None = None,
    findings: list[Any] | None = None,
    gaps: dict[str, tuple[int, str]] | None = None,
    acknowledged: list[Any] | None = None,
) -> dict[str, bytes]:
    """Render one submission into its three documents: {file name: DOCX bytes}.

    `findings` and `acknowledged` are `reviewed_findings`' pair (found here when not given),
    so the compliance matrix of a build, of `check --matrix` and of pull's comparison
    build agree.

    `gaps`, if given, receives the number of passages marked as a missing translation in
    each document, with the marker they start with in its language (a draft's passages,
    highlighted and preceded by "[Translation needed]").
    """
    from .context import letter_context, proposal_context
    from .gaps import highlight_gaps
    from .render import compose_bilingual, to_bytes

    renderer = renderer_for(submission.kind, template_dir)
    author, title = document_identity(submission)
    if findings is None:
        findings, acknowledged = reviewed_findings(submission, profile, draft=draft)
    names = document_names(stem, public=public)
    documents = {}
    out: dict[str, bytes] = {}
    for lang in DOC_LANGS:
        with field_paths(submission):  # each field's text in a Word content control
            if isinstance(submission, Proposal):
                ctx = proposal_context(submission, profile, lang, draft=draft, public=public)
                matrix = compliance_matrix(findings, profile, lang, acknowledged)
                ctx["annex"] = annex_context(matrix, lang, status=ctx["show_status"])
            else:
                ctx = letter_context(submission, profile, lang, public=public, draft=draft)
        document = renderer.render(ctx, lang=lang, title=title.get(lang), author=author,
                                   date=submission.date)
        marked = highlight_gaps(document)
        if gaps is not None and marked:
            gaps[names[lang]] = (marked, gap_marker(lang))
        out[names[lang]] = to_bytes(document)
        if isinstance(submission, Proposal) and not ctx["show_status"]:
            # The review copy shows the checks' status, which a filed document does not:
            # the saved document with the annex's elements swapped, or one more render.
            status = {"show_status": True, "annex": annex_context(matrix, lang, status=True)}
            variant = renderer.render_variant(document, ctx, status)
            if variant is None:
                ctx.update(status)
                document = renderer.render(ctx, lang=lang, title=title.get(lang),
                                           author=author, date=submission.date)
                highlight_gaps(document)
            else:
                document = variant
        documents[lang] = document
    bilingual = compose_bilingual(
        documents["en"], documents["ko"],
        title=f"{title.get('en')} / {title.get('ko')}", author=author, date=submission.date,
    )
    out[names["bilingual"]] = to_bytes(bilingual)
    return out


def annex_context(rows: list[dict[str, str]], lang: str,
                  status: bool = True) -> dict[str, Any]:
    """The compliance annex: with the checks' status only where `status` (review)."""
    from .context import cite

    _ = gettext_for(lang)
    intro = (_("Each requirement of Executive Order 14320 and the 2026 call, where this "
               "proposal addresses it, and the result of the review against it.") if status
             else _("Each requirement of Executive Order 14320 and the 2026 call, and where "
                    "this proposal addresses it."))
    return {
        "intro": intro,
        "rows": [{**row, "citation": cite(row["citation"], lang)} for row in rows],
    }


@dataclass
class FileOutcome:
    """What building one input file gave: documents, or the reasons it gave none."""

    path: Path
    documents: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    findings: list[Any] = field(default_factory=list)
    refused: bool = False
    template_error: UserError | None = None
    confidential: bool = False
    gaps: dict[str, tuple[int, str]] = field(default_factory=dict)


def build_one(path: Path, options: BuildOptions) -> FileOutcome:
    """Load, check and render one file; never raises for the user's mistakes."""
    from .output import safe_stem
    from .render import TemplateProblem
    from .template_checks import template_diagnostics

    outcome = FileOutcome(path)
    try:
        profile = load_profile(options.program_path, options.lang)
        checked = load_checked(
            path, profile, lang=options.lang, draft=options.draft,
            limits=limits_for(options.max_bytes, options.strip_control_chars),
        )
        submission, findings = checked.submission, checked.findings
        outcome.findings.extend(checked.located(options.lang))
        if not options.draft and any(f.severity == "error" for f in findings):
            outcome.refused = True
            return outcome
        outcome.documents = build_submission(
            submission, profile, stem=safe_stem(path.stem), draft=options.draft,
            public=options.public, template_dir=options.template_dir, findings=findings,
            gaps=outcome.gaps, acknowledged=checked.acknowledged,
        )
        from .context import holds_confidential

        outcome.confidential = holds_confidential(submission)
        if isinstance(submission, CommentLetter):
            outcome.findings.extend(template_diagnostics(
                template_path(submission.kind, options.template_dir),
                profile.notice(submission.notice), options.lang))
    except InputError as error:
        outcome.problems = error.problems
    except TemplateProblem as error:
        # The template, not this file, is at fault: reported once, without a position.
        outcome.template_error = error
    except UserError as error:
        outcome.problems = [Problem(str(path), 1, 1, "", str(error))]
    return outcome


def build_files(
    paths: list[Path],
    options: BuildOptions,
    jobs: int = 1,
    progress: Callable[[FileOutcome], None] | None = None,
) -> BuildResult:
    """Build every file, across `jobs` processes; one bad file does not stop the others.

    Workers only render; this process writes every file, in input order, so a parallel
    build gives exactly the bytes of a serial one.
    """
    from .output import folder_lock

    with folder_lock(options.output_dir, wait=LOCK_WAIT_SECONDS):
        return _build_locked(paths, options, jobs, progress)


# A second build into the same folder waits this long for the first, then says so.
LOCK_WAIT_SECONDS = 60.0


def _build_locked(
    paths: list[Path],
    options: BuildOptions,
    jobs: int,
    progress: Callable[[FileOutcome], None] | None,
) -> BuildResult:
    from .keep import back_up, clear_stale, same_bytes
    from .output import Manifest, is_regular_file

    result = BuildResult()
    changed: list[Path] = []  # documents whose bytes this build changed
    inputs = find_inputs(paths)
    manifest = Manifest(options.output_dir)
    # Output names already written, case-folded: Windows and macOS ignore case.
    claimed: dict[str, tuple[str, Path]] = {}
    # Closed on the way out, so that workers stop at once however the loop ends (a SIGTERM
    # while files are written would otherwise leave the pool to finish the batch at exit).
    outcomes = _outcomes(inputs, options, jobs)
    try:
        for outcome in outcomes:
            if progress is not None:
                progress(outcome)
            result.errors.extend(outcome.problems)
            # A template's warnings (line 0) come with every file built with it: once.
            result.findings.extend(f for f in outcome.findings
                                   if f.line != 0 or f not in result.findings)
            if outcome.template_error is not None and result.tool_error is None:
                result.tool_error = outcome.template_error
            if outcome.refused:
                result.refused.append(outcome.path)
            if not outcome.documents:
                continue
            clash = next(((n, *claimed[n.casefold()]) for n in outcome.documents
                          if n.casefold() in claimed), None)
            if clash is not None:
                result.errors.append(Problem(
                    str(outcome.path), 0, 0, "", _clash_message(*clash, options.lang)))
                continue
            targets = {options.output_dir / name: data
                       for name, data in outcome.documents.items()}
            # A file that already holds these bytes loses nothing (the manifest may be lost);
            # each target is read once for that, not once per question below.
            same = {t: is_regular_file(t) and same_bytes(t, data) for t, data in targets.items()}
            refusals = [(t, None if same[t] else manifest.refusal(t, options.force, options.lang))
                        for t in targets]
            if any(reason for _t, reason in refusals):
                result.errors.extend(
                    Problem(str(t), 0, 0, "", reason) for t, reason in refusals if reason)
                continue
            if options.force:  # hand-edited files are kept as dated backups, never lost
                result.backups.extend((t, back_up(t)) for t in targets
                                      if manifest.edited(t) and not same[t])
            for target in targets:
                claimed[target.name.casefold()] = (target.name, outcome.path)
                if not same[target]:
                    changed.append(target)
            # The hashes the targets are about to get are saved before any is replaced.
            for target in _write_together(targets, before=partial(manifest.expect, targets)):
                manifest.record(target, targets[target])
                result.written.append(target)
                if target.name in outcome.gaps:
                    result.gaps[target] = outcome.gaps[target.name]
            result.built_files += 1
            if outcome.confidential:
                result.confidential.append(outcome.path)
        if options.pdf and result.written:
            try:
                result.written.extend(_convert(result.written, options, manifest, result))
            except UserError as error:
                result.tool_error = result.tool_error or error
        result.stale = clear_stale(changed, manifest, set(result.written))
    finally:
        outcomes.close()
        # Also when interrupted: the files already written are propgen's, and the next
        # build must not refuse to overwrite them as if someone had edited them.
        if result.written or (result.stale is not None and result.stale.removed):
            manifest.save()
    return result


def _write_together(targets: dict[Path, bytes],
                    before: Callable[[], None] = lambda: None) -> Iterator[Path]:
    """Write a submission's documents, each atomically, as one after the other would
    (renamed into place in order; a failure stops the rest), but synced to disk at the same
    time, and while `before` runs (the manifest's save): the file system commits the syncs
    together. Yields each target once it is in place; no temporary file stays."""
    from concurrent.futures import Future, ThreadPoolExecutor

    from .output import discard_staged, replace_staged, stage

    futures: list[tuple[Path, Future[str]]] = []
    done = 0
    pool = ThreadPoolExecutor(max_workers=len(targets))
    try:
        try:
            for target, data in targets.items():
                futures.append((target, pool.submit(stage, target, data)))
            before()
        finally:
            pool.shutdown(wait=True)  # even when interrupted: every temporary file is done
        for target, future in futures:
            failure = future.exception()
            if failure is not None:
                raise failure
            replace_staged(target, future.result())
            done += 1
            yield target
    finally:
        for _target, future in futures[done:]:  # not put in place: removed
            if future.exception() is None:
                discard_staged(future.result())


def place_outputs(options: BuildOptions, staged: dict[Path, Path]) -> tuple[list[Path],
                                                                          list[Problem]]:
    """Files made outside a build (`propgen watch`'s PDFs and previews), finished at
    `staged` paths, moved to their targets in the output folder under its lock and manifest
    as a build moves its own: a target edited by hand (or not a regular file) is refused."""
    from .output import Manifest, folder_lock, place_file

    with folder_lock(options.output_dir, wait=LOCK_WAIT_SECONDS):
        manifest = Manifest(options.output_dir)
        refusals = [(t, manifest.refusal(t, options.force, options.lang))
                    for t in staged.values()]
        problems = [Problem(str(t), 0, 0, "", reason) for t, reason in refusals if reason]
        if problems:
            return [], problems
        data = {target: source.read_bytes() for source, target in staged.items()}
        manifest.expect(data)
        placed: list[Path] = []
        try:
            for source, target in staged.items():
                place_file(source, target)
                manifest.record(target, data[target])
                placed.append(target)
        finally:
            manifest.save()
        return placed, []


def _clash_message(name: str, other_name: str, other: Path, lang: str) -> str:
    _ = gettext_for(lang)
    if name != other_name:
        return _(N_("writes file names that differ from those of {other} only in capitals, "
                    "which Windows and macOS take for the same files; rename one of the two "
                    "files")).format(other=other)
    return _(N_("writes the same file names as {other}; rename one of the two files")).format(
        other=other)


# Below this many files per process, starting workers costs more than it saves.
MIN_FILES_PER_JOB = 3


def _outcomes(inputs: list[Path], options: BuildOptions, jobs: int
              ) -> Generator[FileOutcome, None, None]:
    jobs = min(jobs, len(inputs) // MIN_FILES_PER_JOB)
    if jobs <= 1:
        for path in inputs:
            yield build_one(path, options)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Load what every worker needs once, before forking, so workers share it. What fails
    # here (a bad profile, a template the batch may not even need) is left to the workers,
    # which report it like any other problem of a file.
    with contextlib.suppress(UserError):
        load_profile(options.program_path, options.lang)
    for kind in TEMPLATE_NAMES:
        with contextlib.suppress(UserError):
            renderer_for(kind, options.template_dir)

    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(inputs)), mp_context=context,
                               initializer=_worker_signals)
    try:
        # Chunks submitted by hand rather than pool.map: leaving map's iterator cancels its
        # pending futures from this thread while the pool's own thread marks them broken,
        # and on Python < 3.12 that race kills the pool's thread half-way (CPython
        # gh-107219): an InvalidStateError traceback, and a queue thread left writing to a
        # pipe nobody reads, which hangs the exit of a stopped build.
        chunk = max(1, len(inputs) // (jobs * 8))
        futures = [pool.submit(_build_chunk, inputs[start:start + chunk], options)
                   for start in range(0, len(inputs), chunk)]
        for future in futures:
            yield from future.result()
    except BrokenProcessPool as error:
        # A worker died (killed from outside, or a crash propgen's guards did not foresee):
        # a message, not the pool's traceback; the files already written stay propgen's.
        _stop_workers(pool)
        raise UserError(template=N_(
            "a build process stopped unexpectedly ({reason}); build again, or with --jobs 1 "
            "to see which file stops it"), ctx={"reason": str(error) or "killed"}) from None
    except BaseException:
        # Ctrl-C, SIGTERM or a failure here: the workers go too, at once, not after
        # finishing the batch (or never, when nobody is left to collect their results).
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)


def _worker_signals() -> None:
    """Workers leave Ctrl-C and SIGTERM to the parent, which stops them itself; a worker
    that inherited the parent's handler would report the signal as a file's result."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _build_chunk(paths: list[Path], options: BuildOptions) -> list[FileOutcome]:
    """A worker's share of a batch: several files per round trip to the pool."""
    return [build_one(path, options) for path in paths]


def _stop_workers(pool: Any) -> None:
    """Kill the workers now; the pool's thread marks what was pending as broken and winds
    down, joined here so nothing of the pool outlives the build."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(5)


def _convert(docx_paths: list[Path], options: BuildOptions, manifest: Any,
             result: BuildResult) -> list[Path]:
    """PDFs (and previews) of the written documents, made in a hidden staging folder inside
    the output folder and moved into place under the manifest like the DOCX files: a PDF
    or PNG edited by hand (or not a regular file) is not overwritten."""
    import shutil
    import tempfile

    from .output import STAGING_PREFIX, place_file, write_atomic
    from .pdf import convert_to_pdf, render_previews

    folder = options.output_dir
    wanted: list[Path] = []
    for docx in docx_paths:
        outputs = [docx.with_suffix(".pdf")]
        if options.preview:
            outputs.append(docx.with_suffix(".png"))
        refusals = [(t, manifest.refusal(t, options.force, options.lang)) for t in outputs]
        if any(reason for _t, reason in refusals):
            result.errors.extend(
                Problem(str(t), 0, 0, "", reason) for t, reason in refusals if reason)
        else:
            wanted.append(docx)
    if not wanted:
        return []
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
    try:
        pages: dict[Path, list[str]] = {}
        pdfs = convert_to_pdf(wanted, outdir=staging, pages=pages)
        made = [*pdfs, *(render_previews(pdfs) if options.preview else [])]
        targets = {folder / path.name: path.read_bytes() for path in made}
        targets.update(_with_contents_pages(folder, pages))
        manifest.expect(targets)
        placed: list[Path] = []
        for path, (target, data) in zip(made, targets.items(), strict=False):
            place_file(path, target)
            manifest.record(target, data)
            placed.append(target)
        for target, data in list(targets.items())[len(made):]:
            write_atomic(target, data)
            manifest.record(target, data)
        return placed
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _with_contents_pages(folder: Path, pages: dict[Path, list[str]]) -> dict[Path, bytes]:
    """The DOCX files whose table of contents now shows the page numbers of the PDF just
    made from them (Word shows a field's last result until fields are updated)."""
    from .render import with_toc_pages

    updated = {}
    for pdf, numbers in sorted(pages.items()):
        docx = folder / f"{pdf.stem}.docx"
        data = with_toc_pages(docx.read_bytes(), numbers)
        if data is not None:
            updated[docx] = data
    return updated
