"""The `propgen` command: parses arguments, calls the library, prints.

Every command is a thin wrapper over a library function of the same purpose; user errors
are printed as messages, never as tracebacks, and exit with the code `errors.EXIT_CODES`
gives their kind (`_handle_exceptions` is the one place that turns them into an exit).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .click_i18n import LocalizedGroup, block_lines, table_lines
from .errors import ExitCode, InputError, UserError, exit_code_for
from .i18n import LANGS, N_, detect_lang, gettext_for
from .suggest import closest

F = TypeVar("F", bound=Callable[..., Any])
# The largest --max-bytes: aliases may expand a file a few times over, in memory.
MAX_BYTES_LIMIT = 1 << 30


def _lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(list(LANGS)),
        default=None,
        help="Language of messages (default: from your locale, LANG=ko_KR.UTF-8 gives Korean).",
    )(func)


def _program_option(func: F) -> F:
    return click.option(
        "--program",
        "program_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="A program profile YAML to use instead of the one shipped with propgen.",
    )(func)


def _max_bytes_option(func: F) -> F:
    return click.option(
        "--max-bytes",
        type=click.IntRange(min=1, max=MAX_BYTES_LIMIT),
        default=None,
        help="Refuse YAML files larger than this (default: 4 MiB, at most 1 GiB). "
        "Example: --max-bytes 8388608",
    )(func)


def _strip_option(func: F) -> F:
    return click.option(
        "--strip-control-chars",
        is_flag=True,
        help="Remove characters a Word document cannot hold (with a warning each) instead "
        "of refusing the file.",
    )(func)


SEVERITY_LABELS = {"error": N_("error"), "warning": N_("warning"),
                   "acknowledged": N_("acknowledged")}


def _finding_line(finding: Any, lang: str, severity: str | None = None) -> str:
    """A finding as `check` prints it, with the severity label in the user's language
    (English output keeps `error` / `warning` for scripts that grep it)."""
    text = str(finding)
    own = getattr(finding, "severity", None)
    label = severity or own
    if own and label in SEVERITY_LABELS and (lang != "en" or label != own):
        text = text.replace(f" {own} [", f" {gettext_for(lang)(SEVERITY_LABELS[label])} [", 1)
    return text


def _format_option(func: F) -> F:
    return click.option(
        "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
        show_default=True,
        help="json prints one object for programs, each problem as a record with its "
        "message id and values.")(func)


def _echo_json(body: dict[str, Any]) -> None:
    click.echo(json.dumps(body, indent=2, ensure_ascii=False))


def _fail(error: UserError, lang: str = "en") -> None:
    click.echo(error.localized(lang), err=True)
    sys.exit(exit_code_for(error))


@contextlib.contextmanager
def _handle_exceptions(lang: str, output: Path | None = None) -> Iterator[None]:
    """Turn the user's errors into a message and their exit code (as copier's CLI does).

    An `OSError` here is a write that failed (a full disk, a read-only folder): atomic
    writes leave nothing half-written, and the exit code is not that of check errors.
    """
    try:
        yield
    except UserError as error:
        _fail(error, lang)
    except OSError as error:
        _ = gettext_for(lang)
        click.echo(_("propgen: cannot write {file}: {reason}").format(
            file=error.filename or output, reason=error.strerror or error), err=True)
        sys.exit(exit_code_for(error))


@click.group(cls=LocalizedGroup,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="propgen")
def cli() -> None:
    """Bilingual American AI Exports Program documents from one YAML file.

    \b
    Start from a sample or a starter file, check it, then build Word files:
      propgen init proposal my-proposal.yaml
      propgen validate my-proposal.yaml
      propgen build my-proposal.yaml -o out/
    """


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--draft", is_flag=True,
              help="Allow text given in one language only, and placeholders such as FILL-IN.")
@click.option("--explain", is_flag=True,
              help="Also print what each valid file says, in words, section by section: "
              "members and their countries, who builds, owns and operates the data centers, "
              "amounts, milestones, the signatory, and what is confidential.")
@_format_option
@_lang_option
@_program_option
@_max_bytes_option
@_strip_option
def validate(
    files: tuple[Path, ...], draft: bool, explain: bool, output_format: str,
    lang: str | None,
    program_path: Path | None, max_bytes: int | None, strip_control_chars: bool,
) -> None:
    """Check that YAML files (or every *.yaml in folders) are complete submissions.

    \b
    Example:
      propgen validate samples/
      propgen validate samples/ --format json
      propgen validate --explain my-proposal.yaml
    Each problem is printed as FILE:LINE:COLUMN: FIELD: MESSAGE (a broken reference
    also names its rule: error [RULE-ID]), as check and build print it. Exit code 2
    if any.
    """
    from .inputs import find_inputs, limits_for
    from .loader import load_profile, load_submission

    lang = detect_lang(lang)
    with _handle_exceptions(lang):
        profile = load_profile(program_path, lang)
    _ = gettext_for(lang)
    failed = False
    body: dict[str, list[Any]] = {"files": [], "input_errors": [], "findings": []}
    text = output_format == "text"
    for path in find_inputs(list(files)):
        try:
            _submission, loaded = load_submission(
                path, lang=lang, draft=draft, profile=profile,
                limits=limits_for(max_bytes, strip_control_chars))
        except InputError as error:
            if text:
                click.echo(str(error), err=True)
            body["input_errors"] += [p.as_dict() for p in error.problems]
            body["files"].append({"file": str(path), "ok": False})
            failed = True
        else:
            for warning in loaded.warnings:
                if text:
                    click.echo(_finding_line(warning, lang), err=True)
                body["findings"].append(warning.as_dict())
            if text:
                click.echo(_("{path}: ok").format(path=path))
                if explain:
                    from .explain import explain as explain_submission

                    click.echo("\n".join(explain_submission(_submission, profile, lang)) + "\n")
            body["files"].append({"file": str(path), "ok": True})
    if not text:
        _echo_json(body)
    if failed:
        sys.exit(ExitCode.BAD_INPUT)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_format_option
@click.option("--matrix", is_flag=True,
              help="Also print the compliance matrix of proposals (a comment letter has "
              "none: the rules checked on it are listed instead).")
@click.option("--draft", is_flag=True,
              help="Missing translations and placeholders are warnings, not errors.")
@_lang_option
@_program_option
@_max_bytes_option
@_strip_option
def check(files: tuple[Path, ...], output_format: str, matrix: bool, draft: bool,
          lang: str | None, program_path: Path | None, max_bytes: int | None,
          strip_control_chars: bool) -> None:
    """Check submissions against the program's rules, with citations.

    \b
    Example:
      propgen check samples/ --matrix
    prints FILE:LINE:COL: error|warning [RULE-ID] FIELD: MESSAGE (CITATION)
    Exit code 1 if any error, 2 if a file cannot be read, 0 otherwise.
    """
    from .inputs import check_files
    from .loader import load_profile

    lang = detect_lang(lang)
    with _handle_exceptions(lang):
        profile = load_profile(program_path, lang)
    from .inputs import find_inputs, limits_for

    _ = gettext_for(lang)
    files = tuple(find_inputs(list(files)))
    report = check_files(list(files), profile, lang=lang, draft=draft,
                         limits=limits_for(max_bytes, strip_control_chars))
    if output_format == "json":
        body = {
            "findings": [f.as_dict() for f in report.findings],
            "input_errors": [p.as_dict() for p in report.input_errors],
            "matrix": report.matrices if matrix else {},
            "acknowledged": [{**f.as_dict(), "reason": why} for f, why in report.acknowledged],
        }
        if matrix:
            body["no_matrix"] = [{"file": name, "kind": "comment_letter", "rules": rules}
                                 for name, rules in report.letters.items()]
        _echo_json(body)
    else:
        for problem in report.input_errors:
            click.echo(str(problem), err=True)
        # In the order of the file, so a team can work down it.
        for finding in sorted(report.findings, key=lambda f: (f.file, f.line, f.column)):
            click.echo(_finding_line(finding, lang))
        for finding, why in report.acknowledged:
            click.echo(_("{finding} (acknowledged: {reason})").format(
                finding=_finding_line(finding, lang, "acknowledged"), reason=why))
        if matrix:
            for name, rows in report.matrices.items():
                click.echo(f"\n{name}")
                click.echo("\n".join(_matrix_lines(rows, lang)))
            for name, rules in report.letters.items():
                click.echo("\n" + _(
                    "{file}: a comment letter has no compliance matrix (proposals have one); "
                    "check ran the rules for comment letters on it: {rules}").format(
                        file=name, rules=", ".join(rules)))
        # A file that could not be read or validated is an error too, not "0 error(s)".
        check_errors = sum(f.severity == "error" for f in report.findings)
        errors = check_errors + len(report.input_errors)
        warnings = len(report.findings) - check_errors
        summary = _("{files} file(s): {errors} error(s), {warnings} warning(s)").format(
            files=len(files), errors=errors, warnings=warnings)
        if report.acknowledged:
            summary += _(", {count} acknowledged").format(count=len(report.acknowledged))
        click.echo(summary, err=True)
    if report.input_errors:
        sys.exit(ExitCode.BAD_INPUT)
    if report.has_errors:
        sys.exit(ExitCode.CHECK_ERRORS)


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@_lang_option
@_program_option
def schema(output: Path | None, lang: str | None, program_path: Path | None) -> None:
    """Print the JSON Schema of submission files, for editor autocompletion.

    \b
    Example (VS Code with the YAML extension):
      propgen schema -o propgen.schema.json
    then start your YAML file with
      # yaml-language-server: $schema=propgen.schema.json

    Notice and question ids, instruments, agencies and country codes are listed from
    the program profile (--program), so the editor offers them as you type.
    """
    from .loader import load_profile
    from .schema import profile_schema

    lang = detect_lang(lang)
    with _handle_exceptions(lang):
        profile = load_profile(program_path, lang)
    text = json.dumps(profile_schema(profile), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        from .output import write_atomic

        with _handle_exceptions("en", output):
            write_atomic(output, text.encode("utf-8"))
        click.echo(f"wrote {output}")


@cli.command()
@click.argument("kind", type=click.Choice(["proposal", "letter"]))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(kind: str, path: Path, force: bool) -> None:
    """Write a starter YAML file with comments in English and Korean.

    \b
    Example:
      propgen init proposal my-proposal.yaml
      propgen init letter my-letter.yaml
    Replace every value marked FILL-IN, then run `propgen validate`.
    """
    from .starters import write_starter

    with _handle_exceptions(detect_lang(None), path):
        write_starter(kind, path, force=force)
    click.echo(f"wrote {path}")


@cli.command()
@click.argument("notice", required=False)
@_lang_option
@_program_option
def questions(notice: str | None, lang: str | None, program_path: Path | None) -> None:
    """List a notice's sections and questions, in English and Korean.

    \b
    Example:
      propgen questions rfi-2025
    Without NOTICE, every notice of the profile. Titles inferred from the notice's
    summary are marked; answer a question by its id (A.1), a whole section by its
    letter (C).
    """
    from .loader import load_profile
    from .questions import UnknownNotice, find_notice, outline

    lang = detect_lang(lang)
    _ = gettext_for(lang)
    try:
        profile = load_profile(program_path, lang)
        notices = find_notice(profile, notice)
    except UserError as error:
        _fail(error, lang)
    except UnknownNotice:
        guess = closest(str(notice), profile.notice_ids)
        click.echo(_("'{notice}' is not a notice of the profile; known: {known}").format(
            notice=notice, known=", ".join(profile.notice_ids))
            + (_("; did you mean '{name}'?").format(name=guess) if guess else ""), err=True)
        sys.exit(ExitCode.BAD_INPUT)
    for index, item in enumerate(notices):
        if index:
            click.echo("")
        click.echo("\n".join(outline(item, lang)))


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True, help="Folder for the documents.")
@click.option("--draft", is_flag=True,
              help="Build even when checks find errors or text is in one language only.")
@click.option("--public", is_flag=True,
              help="Build the public version (*.public.*.docx): every part marked "
                   "confidential: true is replaced with a notice.")
@click.option("--pdf", is_flag=True, help="Also convert every document to PDF (LibreOffice).")
@click.option("--preview", is_flag=True, help="Also write a PNG of each PDF's first page.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes to build with (default: the number of cores).")
@click.option("--force", is_flag=True,
              help="Replace output files edited after propgen wrote them, each kept first "
              "as a dated backup beside it (x.en.edited-20261201-093000.docx).")
@click.option("--template-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None,
              help="Use your own proposal.docx / comment-letter.docx from this folder "
              "(see propgen templates export; a missing one is the shipped one).")
@_format_option
@_lang_option
@_program_option
@_max_bytes_option
@_strip_option
def build(
    inputs: tuple[Path, ...],
    output_dir: Path,
    draft: bool,
    public: bool,
    pdf: bool,
    preview: bool,
    jobs: int | None,
    force: bool,
    template_dir: Path | None,
    output_format: str,
    lang: str | None,
    program_path: Path | None,
    max_bytes: int | None,
    strip_control_chars: bool,
) -> None:
    """Build English, Korean and side-by-side Word documents from YAML files or folders.

    \b
    Example:
      propgen build samples/proposal-lodestar.yaml -o out/
    writes out/proposal-lodestar.en.docx, .ko.docx and .bilingual.docx.
      propgen build samples/ -o out/ --pdf
    builds every *.yaml below samples/ and converts the documents to PDF with one
    LibreOffice process.
      propgen build samples/proposal-lodestar.yaml -o out/ --public
    writes out/proposal-lodestar.public.en.docx and the others without the parts marked
    confidential.
      propgen build samples/ -o out/ --format json
    prints what was written and every problem as one JSON object.
    \b
    Exit codes: 0 built; 1 a file has check errors (see --draft); 2 a file cannot be
    read or an output was edited by hand; 3 LibreOffice or pdftoppm is missing; 4 an
    output cannot be written; 5 a PDF conversion failed.
    """
    import os
    import time

    from .build import BuildOptions, build_files, find_inputs

    started = time.perf_counter()
    options = BuildOptions(
        output_dir=output_dir,
        draft=draft,
        public=public,
        pdf=pdf or preview,
        preview=preview,
        lang=detect_lang(lang),
        program_path=program_path,
        template_dir=template_dir,
        force=force,
        max_bytes=max_bytes,
        strip_control_chars=strip_control_chars,
    )
    found = find_inputs(list(inputs))  # folders searched once; files pass through again
    count = len(found)
    show_bar = count > 1 and sys.stderr.isatty()
    _ = gettext_for(options.lang)
    with _handle_exceptions(options.lang, options.output_dir), click.progressbar(
            length=count, label=_("building"), file=sys.stderr, hidden=not show_bar) as bar:
        result = build_files(found, options, jobs=jobs or os.cpu_count() or 1,
                             progress=lambda _outcome: bar.update(1))
    if output_format == "json":
        _echo_json({
            "written": [str(p) for p in result.written],
            "input_errors": [p.as_dict() for p in result.errors],
            "findings": [f.as_dict() for f in result.findings],
            "refused": [str(p) for p in result.refused],
            "error": result.tool_error.localized(options.lang) if result.tool_error else None,
            "backups": {str(t): str(b) for t, b in result.backups},
            "stale_removed": [str(p) for p in result.stale.removed] if result.stale else [],
            "stale_left": [str(p) for p, _docx in result.stale.left] if result.stale else [],
        })
        sys.exit(_build_exit_code(result))

    from .keep import backup_message, left_message, removed_message

    for target, backup in result.backups:
        click.echo(backup_message(target, backup, options.lang), err=True)
    for written in result.written:
        click.echo(_("wrote {path}").format(path=written))
        if written in result.gaps:
            gaps, marker = result.gaps[written]
            click.echo(_("  {count} passage(s) without a translation, marked {marker}").format(
                count=gaps, marker=marker))
    if result.stale is not None:
        for path in result.stale.removed:
            click.echo(removed_message(path, options.lang), err=True)
        for path, docx in result.stale.left:
            click.echo(left_message(path, docx, options.lang), err=True)
    for problem in result.errors:
        click.echo(str(problem), err=True)
    # In file and line order, as check prints them.
    for finding in sorted(result.findings, key=lambda f: (f.file, f.line, f.column)):
        click.echo(_finding_line(finding, options.lang), err=True)
    for path in result.refused:
        click.echo(_("{path}: not built: the program checks found errors (fix them, or build "
                     "a draft with --draft)").format(path=path), err=True)
    for path in result.confidential:
        if public:
            click.echo(_("{path}: public version: the parts marked confidential are left "
                         "out").format(path=path), err=True)
        else:
            click.echo(_("{path}: these documents hold business confidential information, "
                         "marked on every page; build with --public for the version without "
                         "it").format(path=path), err=True)
    documents = sum(p.suffix == ".docx" for p in result.written)
    click.echo(_("{documents} documents from {built} of {count} files in {seconds} s").format(
        documents=documents, built=result.built_files, count=count,
        seconds=f"{time.perf_counter() - started:.1f}"), err=True)
    if result.tool_error is not None:
        click.echo(result.tool_error.localized(options.lang), err=True)
    sys.exit(_build_exit_code(result))


def _build_exit_code(result: Any) -> int:
    """A tool or template failure first, then unreadable input, then check errors."""
    if result.tool_error is not None:
        return exit_code_for(result.tool_error)
    if result.errors:
        return ExitCode.BAD_INPUT
    if result.refused:
        return ExitCode.CHECK_ERRORS
    return ExitCode.OK


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True, help="Folder for the documents.")
@click.option("--pdf", is_flag=True,
              help="Also convert the documents to PDF, with a LibreOffice kept running.")
@click.option("--preview", is_flag=True, help="Also write a PNG of each PDF's first page.")
@click.option("--draft", is_flag=True,
              help="Build even when checks find errors or text is in one language only.")
@click.option("--public", is_flag=True,
              help="Comment letters: replace business-confidential answers with a notice.")
@click.option("--force", is_flag=True,
              help="Overwrite output files even if they were edited after propgen wrote them.")
@click.option("--template-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None,
              help="Use your own proposal.docx / comment-letter.docx from this folder.")
@_lang_option
@_program_option
@_max_bytes_option
@_strip_option
def watch(
    inputs: tuple[Path, ...], output_dir: Path, pdf: bool, preview: bool, draft: bool,
    public: bool, force: bool, template_dir: Path | None, lang: str | None,
    program_path: Path | None, max_bytes: int | None, strip_control_chars: bool,
) -> None:
    """Build, then rebuild each YAML file as you save it, until Ctrl-C.

    \b
    Example:
      propgen watch samples/letter-onnuri.yaml -o out/ --pdf
    rebuilds out/letter-onnuri.en.pdf (then .ko, .bilingual) each time the file is saved,
    through a LibreOffice kept running, and prints one line a rebuild:
      samples/letter-onnuri.yaml: built in 0.45 s, 0 warning(s)
    A bad edit prints its located error and keeps the last good documents.
    Exit codes: 0 stopped with Ctrl-C; 3 LibreOffice is missing (with --pdf).
    """
    from .build import BuildOptions
    from .office import open_office
    from .watch import watch as watch_files

    options = BuildOptions(
        output_dir=output_dir, draft=draft, public=public, pdf=pdf or preview,
        preview=preview, lang=detect_lang(lang), program_path=program_path,
        template_dir=template_dir, force=force, max_bytes=max_bytes,
        strip_control_chars=strip_control_chars,
    )
    _ = gettext_for(options.lang)
    try:
        with _handle_exceptions(options.lang, options.output_dir):
            office = open_office(
                lambda error: click.echo(error.localized(options.lang), err=True),
            ) if options.pdf else None
            watch_files(list(inputs), options, office=office,
                        echo=lambda line: click.echo(line, err=True))
    except KeyboardInterrupt:
        click.echo(_("stopped"), err=True)
@cli.group()
def translate() -> None:
    """Translation sheets (xlsx or XLIFF) and review records for the two languages.

    \b
    Example:
      propgen translate export samples/ -o sheet.xlsx
      (edit the English, Korean and Note columns in Excel)
      propgen translate import sheet.xlsx
      propgen translate mark-reviewed samples/proposal-lodestar.yaml title
    """


@translate.command("export")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The sheet to write: .xlsx for a spreadsheet, .xlf or .xliff for "
              "translation tools (XLIFF 1.2).")
@click.option("--source", "source_lang", type=click.Choice(["en", "ko"]), default="en",
              show_default=True, help="XLIFF: the language translated from.")
@_lang_option
@_program_option
@_max_bytes_option
def translate_export(files: tuple[Path, ...], output: Path, source_lang: str,
                     lang: str | None, program_path: Path | None,
                     max_bytes: int | None) -> None:
    """Write every bilingual text of YAML files (or folders) to one translation sheet.

    \b
    Example:
      propgen translate export samples/proposal-lodestar.yaml -o lodestar.xlsx
      propgen translate export samples/ -o samples.xlf
    One row per text: file, field, line, English, Korean, status, note. Only the English,
    Korean and Note cells can be edited. Paths in the sheet are relative to its folder:
    move the sheet and the YAML files together.
    """
    from .inputs import find_inputs, limits_for
    from .loader import load_profile
    from .translate import export_rows, write_sheet

    lang = detect_lang(lang)
    _ = gettext_for(lang)
    with _handle_exceptions(lang, output):
        profile = load_profile(program_path, lang)
        rows = export_rows(find_inputs(list(files)), output, profile=profile, lang=lang,
                           limits=limits_for(max_bytes))
        write_sheet(rows, output, lang=lang, source_lang=source_lang)
    missing = sum(r.status.startswith("missing") for r in rows)
    click.echo(_("wrote {path}: {rows} texts, {missing} without a translation").format(
        path=output, rows=len(rows), missing=missing))


@translate.command("import")
@click.argument("sheet", type=click.Path(dir_okay=False, path_type=Path))
@_lang_option
@_program_option
def translate_import(sheet: Path, lang: str | None, program_path: Path | None) -> None:
    """Write the texts edited in a translation sheet back into the YAML files.

    \b
    Example:
      propgen translate import lodestar.xlsx
    Only fields whose text was edited change; comments and layout stay as they were. A row
    whose field moved or whose YAML text changed since the export is refused, and then no
    file is written (exit code 2). Imported fields are recorded as reviewed.
    """
    from .loader import load_profile
    from .translate import import_sheet

    lang = detect_lang(lang)
    _ = gettext_for(lang)
    with _handle_exceptions(lang):
        try:
            plan = import_sheet(sheet, lang=lang, profile=load_profile(program_path, lang))
        except InputError as error:
            click.echo(str(error), err=True)
            click.echo(_("nothing was written"), err=True)
            sys.exit(ExitCode.BAD_INPUT)
    for change in plan.changes:
        click.echo(_("{file}: {field}.{lang}: changed").format(
            file=change.file, field=change.field, lang=change.lang))
    for row, note in plan.notes:
        click.echo(_("{file}: {field}: note: {note}").format(
            file=row.file, field=row.field, note=" ".join(note.split())))
    click.echo(_("{changes} text(s) changed in {files} file(s)").format(
        changes=len(plan.changes), files=len(plan.files)))


@translate.command("mark-reviewed")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("fields", nargs=-1)
@_lang_option
@_program_option
def translate_mark_reviewed(file: Path, fields: tuple[str, ...], lang: str | None,
                            program_path: Path | None) -> None:
    """Record that the English and Korean of fields (all when none given) agree now.

    \b
    Example:
      propgen translate mark-reviewed samples/proposal-lodestar.yaml
      propgen translate mark-reviewed my-proposal.yaml title stack.hardware
    writes my-proposal.review.tsv beside the file; `propgen check` then warns (DRIFT) when
    one language of a recorded field is edited and the other is not.
    """
    from .drift import mark_reviewed, sidecar_path
    from .loader import load_profile, load_submission

    lang = detect_lang(lang)
    _ = gettext_for(lang)
    with _handle_exceptions(lang, sidecar_path(file)):
        submission, _loaded = load_submission(
            file, lang=lang, draft=True, structural=False,
            profile=load_profile(program_path, lang))
        marked = mark_reviewed(file, submission, fields)
    click.echo(_("{path}: {count} field(s) marked as reviewed").format(
        path=sidecar_path(file), count=len(marked)))


@cli.group()
def profile() -> None:
    """The program profile: the program's rules and notices, kept as data.

    \b
    Example:
      propgen profile export my-program/
      propgen check my-letter.yaml --program my-program/ai-exports-2026.yaml
    """


def _export_options(func: F) -> F:
    """The arguments of every `export` command: the folder, --force and --lang."""
    func = _lang_option(func)
    func = click.option("--force", is_flag=True, help="Overwrite files that exist.")(func)
    return click.argument("folder", type=click.Path(path_type=Path))(func)


def _export(export: Callable[..., list[Path]], folder: Path, force: bool,
            lang: str | None) -> None:
    """Copy the shipped files out with `export` and name each one written."""
    lang = detect_lang(lang)
    with _handle_exceptions(lang, folder):
        written = export(folder, force=force)
    for path in written:
        click.echo(gettext_for(lang)("wrote {path}").format(path=path))


@profile.command("export")
@_export_options
def profile_export(folder: Path, force: bool, lang: str | None) -> None:
    """Copy the shipped program profile into FOLDER, to edit and pass with --program.

    \b
    Example:
      propgen profile export my-program/
    """
    from .exports import export_profile

    _export(export_profile, folder, force, lang)


@cli.group()
def templates() -> None:
    """The Word templates documents are built from.

    \b
    Example:
      propgen templates export my-templates/
      propgen build samples/ -o out/ --template-dir my-templates/
    """


@templates.command("export")
@_export_options
def templates_export(folder: Path, force: bool, lang: str | None) -> None:
    """Copy the shipped templates into FOLDER, to restyle in Word and pass with --template-dir.

    \b
    Example:
      propgen templates export my-templates/
    A folder that lacks one of the two templates uses the shipped one for it.
    """
    from .exports import export_templates

    _export(export_templates, folder, force, lang)


def _stop_on_signals() -> None:
    """SIGTERM and SIGHUP end propgen like Ctrl-C: through every `finally`, so LibreOffice
    and build workers are stopped, temporary files removed and the manifest saved."""
    import signal

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, stop)
@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True, help="Folder for the redlines.")
@click.option("--author", default=None,
              help="The name Word shows for every change (default: the author NEW's "
              "documents name, its anchor member or commenter).")
@click.option("--date", "date", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
              default=None, help="Date of the changes (default: NEW's submission date).")
@click.option("--draft", is_flag=True,
              help="Allow text in one language only; the documents are marked DRAFT.")
@click.option("--force", is_flag=True,
              help="Replace redlines edited after propgen wrote them, each kept first as a "
              "dated backup beside it.")
@click.option("--template-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None, help="Use your own proposal.docx / comment-letter.docx.")
@_lang_option
@_program_option
def redline(old: str, new: str, output_dir: Path, author: str | None, date: Any, draft: bool,
            force: bool, template_dir: Path | None, lang: str | None,
            program_path: Path | None) -> None:
    """Word documents of NEW with tracked changes against OLD, one per language.

    OLD and NEW are two versions of one submission: YAML files, or FILE@REV for the file
    as git has it at a revision. Accepting every change in Word gives NEW's document,
    rejecting every change gives OLD's.

    \b
    Example:
      propgen redline proposal.yaml@HEAD~1 proposal.yaml -o out/ --author "J. Kim"
    writes out/proposal.redline.en.docx and out/proposal.redline.ko.docx.
    """
    from .redline import redline_versions

    lang = detect_lang(lang)
    _ = gettext_for(lang)
    with _handle_exceptions(lang, output_dir):
        done = redline_versions(old, new, output_dir, author=author, date=date, lang=lang,
                                program_path=program_path, template_dir=template_dir,
                                force=force, draft=draft)
    from .keep import backup_message

    for target, backup in done.backups:
        click.echo(backup_message(target, backup, lang), err=True)
    for path in done.written:
        click.echo(_("wrote {path}").format(path=path))
    for path in done.unchanged:
        click.echo(_("{path}: no changes: {old} and {new} read the same in this "
                     "language").format(path=path, old=old, new=new))


@cli.command()
@click.argument("edited", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--into", "yaml_path", required=True,
              type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The YAML file the document was built from.")
@click.option("--yes", is_flag=True, help="Write without asking (for scripts).")
@click.option("--template-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None, help="The templates the document was built with.")
@_lang_option
@_program_option
def pull(edited: Path, yaml_path: Path, yes: bool, template_dir: Path | None,
         lang: str | None, program_path: Path | None) -> None:
    """Read the texts edited in Word back into the YAML file they came from.

    Each field's text sits in the documents inside a content control; its edited text
    goes into that language of the field, with the YAML's comments and layout kept.
    A field written in Markdown comes back as Markdown: bold, italics, lists, links and
    footnotes. Tracked changes count as accepted. Edits outside the fields, and what
    Markdown cannot hold (a table, an image), are listed, not pulled.

    \b
    Example:
      propgen pull reviewed/proposal.ko.docx --into proposal.yaml
    shows the change to proposal.yaml and asks before writing it (--yes: no question;
    without a terminal, nothing is written without --yes).
    """
    from .drift import LANG_NAMES
    from .pull import apply_pull, plan_pull

    lang = detect_lang(lang)
    _ = gettext_for(lang)
    with _handle_exceptions(lang):
        plan = plan_pull(edited, yaml_path, lang=lang, program_path=program_path,
                         template_dir=template_dir)
    # No terminal to ask in (a script) and no --yes: that comes first, and alone, so that
    # nothing below reads as if it had been written.
    unasked = bool(plan.edits) and not yes and not _can_ask()
    if unasked:
        click.echo(_("nothing written to {yaml}: there is no terminal to ask in; the change "
                     "it would make is below; run again with --yes to write it").format(
            yaml=yaml_path), err=True)
    for path in plan.unknown:
        click.echo(_("{file}: not pulled: {yaml} has no field {field}").format(
            file=edited, yaml=yaml_path, field=path), err=True)
    for path in plan.conflicts:
        click.echo(_("{file}: not pulled: {field} is shown in several places, edited "
                     "differently; make the places agree and pull again").format(
            file=edited, field=path), err=True)
    for path, problems in plan.unsupported:
        click.echo(_("{file}: not pulled: {field} now holds {what}, which the YAML's "
                     "Markdown cannot hold; copy the edit into the YAML by hand").format(
            file=edited, field=path, what=", ".join(_(p) for p in problems)), err=True)
    for change in plan.not_pulled:
        click.echo(_("{file}: not pulled, outside any field: {change}").format(
            file=edited, change=change), err=True)
    if not plan.edits:
        click.echo(_("{file}: no field was changed; {yaml} stays as it is").format(
            file=edited, yaml=yaml_path))
        return
    click.echo(plan.diff, nl=False)
    if unasked:
        sys.exit(ExitCode.BAD_INPUT)
    if not yes:
        try:
            confirmed = click.confirm(_("Write these changes to {yaml}?").format(
                yaml=yaml_path), default=False)
        except click.Abort:
            # The terminal closed before an answer: say how, write nothing.
            click.echo(_("nothing written: no answer to the question; run again with --yes "
                         "to write the changes"), err=True)
            sys.exit(ExitCode.BAD_INPUT)
        if not confirmed:
            click.echo(_("nothing written"))
            sys.exit(ExitCode.CHECK_ERRORS)
    with _handle_exceptions(lang, yaml_path):
        written = apply_pull(plan)
    for target in written:
        click.echo(_("wrote {path}").format(path=target))
    # Only now that the edit is in the YAML does the other language lag behind it.
    for path, other, recorded in plan.stale:
        name = _(LANG_NAMES[other])
        if recorded:
            click.echo(_("{field}: the {other} text may no longer match; 'propgen check' "
                         "reports it as DRIFT until it is brought up to date and marked "
                         "reviewed").format(field=path, other=name), err=True)
        else:
            click.echo(_("{field}: check that the {other} text still matches").format(
                field=path, other=name), err=True)


def _matrix_lines(rows: list[dict[str, str]], lang: str) -> list[str]:
    """The compliance matrix laid out for the terminal (COLUMNS wide): a table by display
    width, long cells wrapped in their column, or one block per requirement if too narrow."""
    _ = gettext_for(lang)
    header = [_("Status"), _("Citation"), _("Where addressed"), _("Requirement")]
    cells = [[row["status"], row["citation"], row["section"], row["requirement"]]
             for row in rows]
    width = shutil.get_terminal_size().columns
    return table_lines([header, *cells], width) or block_lines(header, cells, width)


def _can_ask() -> bool:
    """A question can be answered only at a terminal."""
    return sys.stdin.isatty()


def main() -> None:
    _stop_on_signals()
    cli(prog_name="propgen")
