"""The build: YAML files in, English, Korean and side-by-side DOCX (and PDF) out.

`build_submission` is pure (a validated submission in, named document bytes out);
`build_files` adds reading, writing, the manifest and PDF conversion around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, Problem, UserError
from .i18n import resource_dir
from .models import CommentLetter, Proposal
from .program import Profile, load_profile

TEMPLATE_NAMES = {"proposal": "proposal.docx", "comment_letter": "comment-letter.docx"}
DOC_LANGS = ("en", "ko")

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


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    findings: list[Any] = field(default_factory=list)
    refused: list[Path] = field(default_factory=list)
    tool_error: UserError | None = None


def renderer_for(kind: str, template_dir: Path | None = None) -> Any:
    """The process-wide renderer of a template: loaded and compiled once."""
    from .render import Renderer

    path = ((template_dir or resource_dir("templates")) / TEMPLATE_NAMES[kind]).resolve()
    if path not in _renderers:
        if not path.is_file():
            raise UserError(f"{path}: template not found")
        _renderers[path] = Renderer(path)
    return _renderers[path]


def document_names(stem: str, public: bool = False) -> dict[str, str]:
    """Output file names for one submission, keyed by en / ko / bilingual."""
    middle = ".public" if public else ""
    return {lang: f"{stem}{middle}.{lang}.docx" for lang in (*DOC_LANGS, "bilingual")}


def build_submission(
    submission: Proposal | CommentLetter,
    profile: Profile,
    *,
    stem: str,
    draft: bool = False,
    public: bool = False,
    template_dir: Path | None = None,
) -> dict[str, bytes]:
    """Render one submission into its three documents: {file name: DOCX bytes}."""
    from .checks import check_submission, compliance_matrix
    from .context import letter_context, proposal_context
    from .render import compose_bilingual, to_bytes

    renderer = renderer_for(submission.kind, template_dir)
    if isinstance(submission, Proposal):
        author = next(m.name.get("en") for m in submission.consortium.members
                      if m.role == "anchor")
        title = submission.title
    else:
        author = submission.commenter.name.get("en")
        title = submission.subject or submission.commenter.name
    findings = check_submission(submission, profile)
    names = document_names(stem, public=public)
    documents = {}
    out: dict[str, bytes] = {}
    for lang in DOC_LANGS:
        if isinstance(submission, Proposal):
            ctx = proposal_context(submission, profile, lang, draft=draft)
            ctx["annex"] = annex_context(compliance_matrix(findings, profile, lang), lang)
        else:
            ctx = letter_context(submission, profile, lang, public=public, draft=draft)
        document = renderer.render(ctx, lang=lang, title=title.get(lang), author=author,
                                   date=submission.date)
        out[names[lang]] = to_bytes(document)
        documents[lang] = document
    bilingual = compose_bilingual(
        documents["en"], documents["ko"],
        title=f"{title.get('en')} / {title.get('ko')}", author=author, date=submission.date,
    )
    out[names["bilingual"]] = to_bytes(bilingual)
    return out


def annex_context(rows: list[dict[str, str]], lang: str) -> dict[str, Any]:
    from .i18n import gettext_for

    _ = gettext_for(lang)
    return {
        "intro": _("Each requirement of Executive Order 14320 and the 2026 call, where this "
                   "proposal addresses it, and the result of propgen's checks."),
        "rows": rows,
    }


def build_files(paths: list[Path], options: BuildOptions) -> BuildResult:
    """Build every file; one bad file does not stop the others."""
    from .checks import check_submission, locate_finding
    from .loader import load_submission
    from .output import Manifest, safe_stem, write_atomic

    result = BuildResult()
    profile = load_profile(options.program_path)
    manifest = Manifest(options.output_dir)
    for path in paths:
        try:
            submission, loaded = load_submission(
                path, lang=options.lang, draft=options.draft, profile=profile
            )
            documents = build_submission(
                submission, profile, stem=safe_stem(path.stem), draft=options.draft,
                public=options.public, template_dir=options.template_dir,
            )
        except InputError as error:
            result.errors.extend(error.problems)
            continue
        findings = [locate_finding(f, loaded, options.lang)
                    for f in check_submission(submission, profile)]
        result.findings.extend(findings)
        if not options.draft and any(f.severity == "error" for f in findings):
            result.refused.append(path)
            continue
        targets = [options.output_dir / name for name in documents]
        manifest.check_writable(targets, options.force, options.lang)
        for target, data in zip(targets, documents.values(), strict=True):
            write_atomic(target, data)
            manifest.record(target, data)
            result.written.append(target)
    if result.written:
        manifest.save()
    if options.pdf and result.written:
        try:
            result.written.extend(_convert(result.written, options.preview))
        except UserError as error:
            result.tool_error = error
    return result


def _convert(docx_paths: list[Path], preview: bool) -> list[Path]:
    from .pdf import convert_to_pdf, render_previews

    pdfs = convert_to_pdf(docx_paths)
    pngs = render_previews(pdfs) if preview else []
    return [*pdfs, *pngs]
