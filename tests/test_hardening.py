"""Bad input never breaks a document or leaks.

Hostile templates are refused and never run; text typed into fields is printed, never
evaluated; unsafe or explosive YAML is refused quickly and in place; output names cannot
leave the output folder; an interrupted build leaves whole files or none; a file edited
after propgen wrote it is not overwritten without --force.
"""

from __future__ import annotations

import errno
import io
import os
import re
import shutil
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from docx import Document
from docx.oxml.ns import qn
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator import output
from generator.build import BuildOptions, build_files
from generator.context import proposal_context
from generator.errors import InputError
from generator.loader import DEFAULT_MAX_BYTES, Limits, load_profile, load_submission
from generator.models import Proposal
from generator.output import MANIFEST_NAME, Manifest, safe_stem
from generator.render import Renderer, TemplateProblem

from helpers import LETTER, PROPOSAL, TEMPLATES, Invoke

PROPOSAL_DOCS = [f"proposal-lodestar.{v}.docx" for v in ("en", "ko", "bilingual")]

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file names and FIFOs")


# --- helpers ------------------------------------------------------------------------------


def all_text(path_or_bytes: Path | bytes) -> str:
    """Every paragraph of a DOCX body, tables included, one per line."""
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    body = Document(source).element.body
    return "\n".join(
        "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))
    )


def docx_parts_text(path: Path) -> str:
    """The raw XML of every part of a DOCX, to look for leaked bytes anywhere."""
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def hostile_template_dir(folder: Path, payload: str, kind: str = "proposal") -> Path:
    """A copy of the shipped templates where one paragraph of `kind` is `payload`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("proposal.docx", "comment-letter.docx"):
        shutil.copy(TEMPLATES / name, folder / name)
    name, anchor = (
        ("proposal.docx", "{{ executive_summary }}") if kind == "proposal"
        else ("comment-letter.docx", "{{ introduction }}")
    )
    document = Document(str(folder / name))
    paragraph = next(p for p in document.paragraphs if p.text == anchor)
    paragraph.text = payload
    document.save(str(folder / name))
    return folder


def sample_with(source: Path, target: Path, values: dict[tuple[str | int, ...], str]) -> Path:
    """`source` with the string at each path replaced (always double-quoted, so any text
    survives the trip through YAML)."""
    yaml = YAML(typ="rt")
    data = yaml.load(source.read_text(encoding="utf-8"))
    for loc, value in values.items():
        node = data
        for step in loc[:-1]:
            node = node[step]
        node[loc[-1]] = DoubleQuotedScalarString(value)
    buffer = io.StringIO()
    yaml.width = 100_000  # no folded lines: a wrap after an escaped backslash reads as a space
    yaml.dump(data, buffer)
    target.write_text(buffer.getvalue(), encoding="utf-8")
    return target


def assert_clean_failure(result: Result, *needles: str, code: int = 2) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, result.output


# --- templates run sandboxed --------------------------------------------------------------

MARKER = "PROPGEN-PWNED"

# Each payload, were it run, would create the file MARKER (or read a file, or list classes).
PAYLOADS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ lipsum.__globals__['os'].system('touch MARKER') }}",
    "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch MARKER') }}",
    "{{ _.__globals__['__builtins__']['__import__']('os').system('touch MARKER') }}",
    "{{ _.__self__ }}",
    "{{ range.__self__.__import__('os').system('touch MARKER') }}",
    "{{ joiner.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ namespace.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ dict.mro()[-1].__subclasses__() }}",
    "{{ (cycler|attr('__init__')|attr('__globals__'))['os'].system('touch MARKER') }}",
    "{{ '{0.__globals__[os]}'.format(cycler.__init__) }}",
    "{{ '{x.__class__}'.format_map({'x': title}) }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{% set f = lipsum.__globals__ %}{{ f.os.system('touch MARKER') }}",
    "{% include '/etc/passwd' %}",
    "{% import '/etc/passwd' as passwd %}",
    "{% extends '/etc/hostname' %}",
    "{{ 'x' * 10**10 }}",
    "{{ ['x'] * 100000000 }}",
    "{{ 9 ** 99999999 }}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_proposal_template_is_refused_and_never_runs(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, payload: str
) -> None:
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / MARKER
    templates = hostile_template_dir(tmp_path / "templates", payload.replace("MARKER", MARKER))
    out = tmp_path / "out"

    result = invoke("build", PROPOSAL, "-o", out, "--template-dir", templates)

    assert_clean_failure(result, str((templates / "proposal.docx").resolve()))
    assert "Templates may only use the data propgen gives them" in result.stderr or (
        "propgen does not provide" in result.stderr
    ), result.stderr
    assert not marker.exists()
    assert not out.exists() or list(out.iterdir()) == []
    # Reported once, as the template's fault: not at a position in the YAML file.
    assert f"{PROPOSAL}:1:1" not in result.output
    assert result.stderr.count("proposal.docx:") == 1


@pytest.mark.parametrize("payload", [
    "{{ commenter.__class__.__mro__ }}",
    "{{ sections.__class__.__base__.__subclasses__() }}",
    "{{ caption.__class__ }}",
    "{{ _.__func__.__globals__ }}",
    "{% include 'comment-letter.docx' %}",
])
def test_hostile_letter_template_is_refused(
    invoke: Invoke, tmp_path: Path, payload: str
) -> None:
    templates = hostile_template_dir(tmp_path / "templates", payload, kind="letter")
    out = tmp_path / "out"
    result = invoke("build", LETTER, PROPOSAL, "-o", out, "--template-dir", templates)
    assert_clean_failure(result, "comment-letter.docx", "unsafe and was stopped")
    # The proposal's template is fine: its documents are written, the letter's are not.
    assert sorted(p.name for p in out.glob("*.docx")) == sorted(PROPOSAL_DOCS)


@pytest.mark.parametrize(("payload", "expected"), [
    ("{{ 1/0 }}", "could not be rendered (ZeroDivisionError: division by zero)"),
    ("{{ title + 1 }}", "could not be rendered (TypeError"),
    ("{{ '</w:t></w:r></w:p><w:p>'|safe }}", "not valid Word XML"),
    ("{% if %}", "in the paragraph “{% if %}”"),
    ("{{ no_such_value }}", "uses a value propgen does not provide ('no_such_value' is undefined)"),
])
def test_broken_template_fails_with_a_message(
    invoke: Invoke, tmp_path: Path, payload: str, expected: str
) -> None:
    templates = hostile_template_dir(tmp_path / "templates", payload)
    result = invoke("build", PROPOSAL, "-o", tmp_path / "out", "--template-dir", templates)
    assert_clean_failure(result, expected, "proposal.docx")
    assert not list((tmp_path / "out").glob("*.docx"))


def test_template_that_is_not_a_word_file(invoke: Invoke, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "proposal.docx").write_text("{{ 7*7 }}", encoding="utf-8")
    result = invoke("build", PROPOSAL, "-o", tmp_path / "out", "--template-dir", templates)
    assert_clean_failure(result, "proposal.docx: the template could not be rendered")


def test_template_dir_without_the_template(invoke: Invoke, tmp_path: Path) -> None:
    """A folder that lacks a template falls back to the shipped one (issue #15)."""
    templates = tmp_path / "templates"
    templates.mkdir()
    result = invoke("build", PROPOSAL, "-o", tmp_path / "out", "--template-dir", templates)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.docx")) == sorted(PROPOSAL_DOCS)


def test_template_cannot_read_files_through_xml_entities(tmp_path: Path) -> None:
    """An external entity in the template's XML (XXE) never pulls a file into a document."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4711", encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    target = templates / "proposal.docx"
    with zipfile.ZipFile(TEMPLATES / "proposal.docx") as source, \
            zipfile.ZipFile(target, "w") as sink:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8")
                head, sep, rest = xml.partition("?>")
                doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
                data = (head + sep + doctype + rest.replace(
                    "{{ executive_summary }}", "&xxe;{{ executive_summary }}"
                )).encode("utf-8")
            sink.writestr(info, data)
    out = tmp_path / "out"
    result = build_files([PROPOSAL], BuildOptions(output_dir=out, template_dir=templates))
    for path in out.glob("*.docx"):
        assert "TOP-SECRET-4711" not in docx_parts_text(path)
    if result.tool_error is not None:
        assert isinstance(result.tool_error, TemplateProblem)


def test_renderer_raises_template_problem_as_a_user_error(tmp_path: Path) -> None:
    templates = hostile_template_dir(tmp_path, "{{ cycler.__init__.__globals__ }}")
    renderer = Renderer(templates / "proposal.docx")
    proposal, _ = load_submission(PROPOSAL)
    assert isinstance(proposal, Proposal)
    context = proposal_context(proposal, load_profile(), "en")
    with pytest.raises(TemplateProblem, match="'__init__' of 'type' object is unsafe") as raised:
        renderer.render(context, lang="en", title="t", author="a", date=proposal.date)
    assert raised.value.exit_code == 2
    # No chained exception: the CLI prints the message alone.
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


# --- text from YAML is printed, never evaluated -------------------------------------------

LITERALS = [
    "{{ 7*7 }}",
    "<w:p>",
    "&amp;",
    "]]>",
    "{%p if %}",
    "{%tr for x in y %}",
    "{_{ title }_}",
    "</w:t></w:r></w:p><w:p><w:r><w:t>injected",
    "<![CDATA[x]]>",
    "&#x1; &lt; \" ' {# comment #}",
    "{{ _.__globals__ }}",
    "three   inner spaces",
]
# Rich text (generator/richtext.py): "_" around text is emphasis, so typed escaped.
TYPED = {"{_{ title }_}": "{\\_{ title }\\_}",
         "{{ _.__globals__ }}": "{{ _.\\_\\_globals\\_\\_ }}"}


@pytest.fixture(scope="module")
def literal_docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("literals")
    text = "\n\n".join(TYPED.get(x, x) for x in LITERALS)  # one paragraph each
    proposal = sample_with(PROPOSAL, folder / "proposal-lodestar.yaml", {
        ("executive_summary", "en"): text,
        ("executive_summary", "ko"): text,
        ("title", "en"): "{{ 7*7 }} <w:p> &amp; ]]> {%p if %}",
        ("consortium", "members", 0, "contribution", "en"): "{{ 7*7 }} &amp; <w:p>",
        ("consortium", "members", 0, "name", "en"): "{{ 7*7 }} Inc. <b>&amp;</b>",
        ("consortium", "members", 1, "contribution", "en"): "   leading **spaces** and trailing  ",
    })
    letter = sample_with(LETTER, folder / "letter-onnuri.yaml", {
        ("introduction", "en"): text,
        ("introduction", "ko"): text,
        ("commenter", "name", "en"): "{{ 7*7 }} & Co. ]]>",
        ("reference",): "{%p if %}<w:p>&amp;",
    })
    out = folder / "out"
    result = build_files([proposal, letter], BuildOptions(output_dir=out))
    assert not result.errors and not result.refused, result.errors
    return {p.name: p for p in out.glob("*.docx")}


@pytest.mark.parametrize("name", [
    f"{stem}.{v}.docx" for stem in ("proposal-lodestar", "letter-onnuri")
    for v in ("en", "ko", "bilingual")
])
def test_typed_markup_prints_literally(literal_docs: dict[str, Path], name: str) -> None:
    lines = all_text(literal_docs[name]).split("\n")
    for literal in LITERALS:
        assert literal in lines, (literal, name)


def test_typed_markup_in_names_tables_and_properties(literal_docs: dict[str, Path]) -> None:
    text = all_text(literal_docs["proposal-lodestar.en.docx"])
    assert "{{ 7*7 }} <w:p> &amp; ]]> {%p if %}" in text  # title
    assert "{{ 7*7 }} &amp; <w:p>" in text  # a table cell
    assert "{{ 7*7 }} Inc. <b>&amp;</b> is the anchor member" in text  # inside a sentence
    props = Document(str(literal_docs["proposal-lodestar.en.docx"])).core_properties
    assert props.title == "{{ 7*7 }} <w:p> &amp; ]]> {%p if %}"
    assert props.author == "{{ 7*7 }} Inc. <b>&amp;</b>"
    letter = all_text(literal_docs["letter-onnuri.en.docx"])
    assert "{{ 7*7 }} & Co. ]]>" in letter
    assert "{%p if %}<w:p>&amp;" in letter


def test_leading_spaces_are_kept_for_word(literal_docs: dict[str, Path]) -> None:
    """Word drops a <w:t>'s leading spaces unless it says xml:space="preserve"."""
    body = Document(str(literal_docs["proposal-lodestar.en.docx"])).element.body
    # A paragraph's own leading and trailing spaces are not text in Markdown; the spaces
    # between runs of different emphasis are.
    texts = [t for t in body.iter(qn("w:t")) if (t.text or "") != (t.text or "").strip()]
    assert {"leading ", " and trailing"} <= {t.text for t in texts}
    for t in texts:
        assert t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


@pytest.mark.parametrize(("sample", "loc"), [
    (LETTER, ("commenter", "email")),
    (PROPOSAL, ("consortium", "members", 0, "contact", "email")),
])
@pytest.mark.parametrize("value", ["a\x01b@x.example", "a\ud800b@x.example", "ab@x.exam\uffff"])
def test_no_field_smuggles_a_character_xml_refuses(
    tmp_path: Path, sample: Path, loc: tuple[str | int, ...], value: str
) -> None:
    """E-mail addresses have a pattern, not the text rules; they are checked all the same
    (a U+0001 used to vanish silently from the letterhead)."""
    path = sample_with(sample, tmp_path / sample.name, {loc: value})
    with pytest.raises(InputError) as raised:
        load_submission(path)
    [problem] = raised.value.problems
    bad = next(c for c in value if not c.isalnum() and c not in "@.")
    assert problem.path == ".".join(str(step) for step in loc).replace(".0.", "[0].")
    # The line of the value: the first e-mail address in either file.
    lines = path.read_text(encoding="utf-8").splitlines()
    assert problem.line == next(n for n, line in enumerate(lines, 1) if "email:" in line)
    assert f"U+{ord(bad):04X}" in problem.message


def test_blank_text_in_a_draft_shows_the_other_language(tmp_path: Path) -> None:
    path = sample_with(PROPOSAL, tmp_path / "proposal-lodestar.yaml",
                       {("executive_summary", "en"): " \n  "})
    proposal, _ = load_submission(path, draft=True)
    assert isinstance(proposal, Proposal)
    out = tmp_path / "out"
    result = build_files([path], BuildOptions(output_dir=out, draft=True))
    assert result.built_files == 1, result.errors
    document = Document(str(out / "proposal-lodestar.en.docx"))
    summary = next(i for i, p in enumerate(document.paragraphs)
                   if p.style is not None and p.style.name == "Heading 1")
    # Marked as a gap for the translator (issue #13).
    assert document.paragraphs[summary + 1].text == (
        f"[Translation needed] {proposal.executive_summary.ko}")


# --- YAML is loaded safely ----------------------------------------------------------------


def billion_laughs(path: Path, levels: int = 9) -> Path:
    lines = ["kind: proposal", 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    bomb = billion_laughs(tmp_path / "bomb.yaml")  # 8 * 9**9, about 3 billion strings
    started = time.perf_counter()
    with pytest.raises(InputError) as raised:
        load_submission(bomb)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    [problem] = raised.value.problems
    # At the first alias whose expansion passes twice the 4 MiB size limit: l6 stands for
    # 9**6 * 8 strings of 4 characters, about 17 million; its line is the eighth.
    assert (problem.file, problem.line) == (str(bomb), 8)
    assert "aliases" in problem.message and "refused" in problem.message


def test_alias_bomb_from_the_command_line(invoke: Invoke, tmp_path: Path) -> None:
    bomb = billion_laughs(tmp_path / "bomb.yaml")
    started = time.perf_counter()
    result = invoke("build", bomb, "-o", tmp_path / "out")
    assert time.perf_counter() - started < 5
    assert_clean_failure(result, f"{bomb}:", "YAML aliases in this file expand it")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_oversize_file_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    filler = "# " + "x" * 1021 + "\n"
    big.write_text(PROPOSAL.read_text(encoding="utf-8")
                   + filler * (DEFAULT_MAX_BYTES // len(filler) + 1), encoding="utf-8")
    assert big.stat().st_size > DEFAULT_MAX_BYTES
    result = invoke("validate", big)
    assert_clean_failure(result, f"{big}:1:1: the file is {big.stat().st_size} bytes, "
                                 f"more than the limit of {DEFAULT_MAX_BYTES} bytes")


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    size = PROPOSAL.stat().st_size
    with pytest.raises(InputError, match=f"more than the limit of {size - 1} bytes"):
        load_submission(PROPOSAL, limits=Limits(max_bytes=size - 1))
    load_submission(PROPOSAL, limits=Limits(max_bytes=size))


@posix_only
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    # Opening a FIFO for reading waits for a writer, and what comes through has no size:
    # only regular files are read.
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    started = time.perf_counter()
    with pytest.raises(InputError, match="not a regular file"):
        load_submission(fifo)
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(("text", "line", "column"), [
    # The 41st level, the document's own mapping the first: the mapping at k40 (indented
    # 80 spaces); the 40th bracket or brace.
    ("kind: proposal\ntitle:\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(1, 60))
     + "  " * 60 + "deep: 1\n", 42, 81),
    ("kind: proposal\ntitle: " + "[" * 100 + "]" * 100 + "\n", 2, 8 + 39),
    ("kind: proposal\ntitle: " + "{a: " * 100 + "1" + "}" * 100 + "\n", 2, 8 + 39 * 4),
])
def test_deep_nesting_is_refused(tmp_path: Path, text: str, line: int, column: int) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="nested too deeply") as raised:
        load_submission(path)
    assert (raised.value.problems[0].line, raised.value.problems[0].column) == (line, column)


def test_very_deep_flow_nesting_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("kind: proposal\ntitle: " + "[" * 5000 + "\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(InputError, match="nested too deeply"):
        load_submission(path)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(("tag", "shown"), [
    ("!!python/object/apply:os.system ['touch MARKER']", "!!python/object/apply:os.system"),
    ("!!python/name:os.system", "!!python/name:os.system"),
    ("!!python/object/new:os.system ['touch MARKER']", "!!python/object/new:os.system"),
    ("!!python/module:os", "!!python/module:os"),
])
def test_python_tag_is_refused_in_place(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tag: str, shown: str
) -> None:
    monkeypatch.chdir(tmp_path)
    lines = PROPOSAL.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("title:")) + 1
    assert lines[number].startswith("  en: ")
    lines[number] = f"  en: {tag.replace('MARKER', MARKER)}"
    path = tmp_path / "tagged.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    for command in ("validate", "build"):
        result = invoke(command, path, *(["-o", tmp_path / "out"] if command == "build" else []))
        assert_clean_failure(result, f"YAML tags such as '{shown}' are not allowed")
        assert re.search(rf"^{re.escape(str(path))}:{number + 1}:[37]: (title\.en: )?YAML tags",
                         result.stderr,
                         re.MULTILINE), result.stderr
    assert not (tmp_path / MARKER).exists()


# --- output names never leave the output folder -------------------------------------------


@pytest.mark.parametrize(("name", "stem"), [
    ("proposal-lodestar", "proposal-lodestar"),
    ("..evil", "evil"),
    ("../../etc/passwd", "etc-passwd"),
    ("..\\..\\windows\\win.ini", "windows-win.ini"),
    ("/abs/path", "abs-path"),
    ("a b?<>", "a-b"),
    ("a:b|c*d", "a-b-c-d"),
    ("CON", "_CON"),
    ("con", "_con"),
    ("nul.tar", "_nul.tar"),
    ("LPT9", "_LPT9"),
    ("COM¹", "_COM¹"),
    ("prn.", "_prn"),
    ("aux ", "_aux"),
    ("CONSORTIUM", "CONSORTIUM"),
    ("제안서 초안", "제안서-초안"),
    ("e\u0301te\u0301", "été"),  # decomposed (macOS) accents are kept
    ("..", "document"),
    ("", "document"),
    ("...", "document"),
    ("\x00\x1f", "document"),
    ("a\ud800b", "a-b"),
    ("-rf", "rf"),
    ("a..b", "a.b"),
])
def test_safe_stem(name: str, stem: str) -> None:
    assert safe_stem(name) == stem


@pytest.mark.parametrize("name", ["가" * 200, "a" * 400, "😀" * 100, "é" * 300])
def test_safe_stem_fits_every_file_system(name: str) -> None:
    stem = safe_stem(name)
    longest = f".{stem}.public.bilingual.docx.abcdefgh.tmp"  # write_atomic's temporary file
    assert len(longest.encode("utf-8")) <= 255
    assert stem == "document" if name[0] == "😀" else name.startswith(stem)


@posix_only
def test_odd_input_names_land_inside_the_output_folder(invoke: Invoke, tmp_path: Path) -> None:
    inputs = tmp_path / "in" / "sub"
    inputs.mkdir(parents=True)
    names = {
        "..evil.yaml": "evil",
        "CON.yaml": "_CON",
        "a b?<>.yaml": "a-b",
        "제안서 초안.yaml": "제안서-초안",
        "가" * 80 + ".yaml": "가" * 50,  # 245 bytes: the outputs' names would be too long
    }
    paths = []
    for name in names:
        shutil.copy(LETTER, inputs / name)
        # Given as in/sub/../sub/NAME: ".." in the path does not reach the output name.
        paths.append(tmp_path / "in" / "sub" / ".." / "sub" / name)
    out = tmp_path / "out"

    result = invoke("build", *paths, "-o", out)

    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    expected = sorted(
        [MANIFEST_NAME] + [f"{stem}.{v}.docx" for stem in names.values()
                           for v in ("en", "ko", "bilingual")]
    )
    assert written == expected
    for path in tmp_path.rglob("*.docx"):
        assert path.resolve().parent == out.resolve()


def test_names_that_sanitise_alike_do_not_overwrite_each_other(
    invoke: Invoke, tmp_path: Path
) -> None:
    first, second = tmp_path / "a b.yaml", tmp_path / "a_b" / "a?b.yaml"
    second.parent.mkdir()
    shutil.copy(LETTER, first)
    shutil.copy(LETTER, second)
    result = invoke("build", first, second, "-o", tmp_path / "out")
    assert_clean_failure(result, f"{second}: writes the same file names as {first}")
    assert len(list((tmp_path / "out").glob("a-b.*.docx"))) == 3


# --- outputs are whole or absent ----------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != MANIFEST_NAME)


@pytest.fixture(scope="module")
def reference_docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("reference")
    result = build_files([PROPOSAL], BuildOptions(output_dir=out))
    assert result.built_files == 1
    return {p.name: p.read_bytes() for p in out.glob("*.docx")}


def test_interrupt_at_the_rename_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(src: Any, dst: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "replace", interrupted)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        build_files([PROPOSAL], BuildOptions(output_dir=out))
    assert not out.exists() or list(out.iterdir()) == []


def test_interrupt_while_writing_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Path] = []

    def interrupted(fd: int) -> None:
        # The temporary file holds the bytes now; ^C before they are synced and renamed.
        seen.extend(p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp"))
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        build_files([PROPOSAL], BuildOptions(output_dir=out))
    assert seen, "the interruption did not happen mid-write"
    assert not out.exists() or list(out.iterdir()) == []


def test_failure_after_the_first_document_leaves_whole_files_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference_docs: dict[str, bytes]
) -> None:
    real_replace = os.replace
    renames: list[str] = []

    def disk_full_after_one(src: Any, dst: Any) -> None:
        # The second document fails; the manifest (a few bytes) still fits.
        if renames and str(dst).endswith(".docx"):
            raise OSError(errno.ENOSPC, "No space left on device")
        if str(dst).endswith(".docx"):
            renames.append(Path(dst).name)
        real_replace(src, dst)

    out = tmp_path / "out"
    monkeypatch.setattr(output.os, "replace", disk_full_after_one)
    with pytest.raises(OSError, match="No space left"):
        build_files([PROPOSAL], BuildOptions(output_dir=out))
    monkeypatch.undo()

    assert leftovers(out) == renames == ["proposal-lodestar.en.docx"]
    assert (out / renames[0]).read_bytes() == reference_docs[renames[0]]

    # The next build completes the set without --force: the first file is propgen's own.
    result = build_files([PROPOSAL], BuildOptions(output_dir=out))
    assert not result.errors, result.errors
    assert leftovers(out) == sorted(PROPOSAL_DOCS)
    for name in PROPOSAL_DOCS:
        assert (out / name).read_bytes() == reference_docs[name]


def test_write_atomic_keeps_the_old_file_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "x.docx"
    target.write_bytes(b"old")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(target, b"new" * 1000)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.docx"]


# --- the manifest: edited outputs are not overwritten -------------------------------------


def test_edited_output_is_not_overwritten_without_force(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("build", PROPOSAL, "-o", out).exit_code == 0
    edited = out / "proposal-lodestar.en.docx"
    original = edited.read_bytes()
    edited.write_bytes(original + b"edited by hand")
    others = {name: (out / name).stat().st_mtime_ns for name in PROPOSAL_DOCS[1:]}

    result = invoke("build", PROPOSAL, "-o", out)

    assert_clean_failure(result, f"{edited}:", "changed since propgen wrote it", "--force")
    assert edited.read_bytes() == original + b"edited by hand"
    assert {name: (out / name).stat().st_mtime_ns for name in others} == others

    result = invoke("build", PROPOSAL, "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert edited.read_bytes() == original
    # And now the manifest knows the rebuilt file again.
    assert invoke("build", PROPOSAL, "-o", out).exit_code == 0


def test_file_not_written_by_propgen_is_not_overwritten(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "proposal-lodestar.ko.docx"
    mine.write_bytes(b"my own notes")
    result = invoke("build", PROPOSAL, "-o", out)
    assert_clean_failure(result, f"{mine}:", "not written by propgen")
    assert mine.read_bytes() == b"my own notes"


@pytest.mark.parametrize("manifest", ['{"files": ["a", "b"]}', "[1, 2]", "not json", '{"files": 3}'])
def test_damaged_manifest_refuses_rather_than_crashes(
    invoke: Invoke, tmp_path: Path, manifest: str
) -> None:
    out = tmp_path / "out"
    assert invoke("build", PROPOSAL, "-o", out).exit_code == 0
    (out / MANIFEST_NAME).write_text(manifest, encoding="utf-8")
    assert Manifest(out).hashes == {}
    # A file that differs from what the build writes is refused (a file holding exactly
    # those bytes loses nothing and is rebuilt: tests/test_keep.py).
    edited = out / "proposal-lodestar.ko.docx"
    edited.write_bytes(edited.read_bytes() + b"edited")
    result = invoke("build", PROPOSAL, "-o", out)
    assert_clean_failure(result, "not overwritten")


def test_template_problems_in_korean(invoke: Invoke, tmp_path: Path) -> None:
    templates = hostile_template_dir(tmp_path / "templates", "{{ lipsum.__globals__ }}")
    result = invoke("build", "--lang", "ko", PROPOSAL, "-o", tmp_path / "out",
                    "--template-dir", templates)
    assert result.exit_code == 2
    assert "proposal.docx: 템플릿이 안전하지 않은 작업을 시도해 중단했습니다" in result.output
    assert "파일 1개 중 0개에서 문서 0개를 만들었습니다" in result.output
