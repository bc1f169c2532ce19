"""Any text in any field: a located error, or documents that hold exactly that text.

Every bilingual field of both samples gets one generated string (the Korean side a variant
of it), mixing XML specials, Jinja syntax, control characters, lone surrogates, line breaks,
right-to-left scripts, emoji, CJK and very long runs. The file then either fails validation
with every problem located, or builds into documents that python-docx opens and whose text
is the input as rich text (`generator.richtext`): the paragraphs and list items that
markdown-it's own HTML rendering of it has, with the subset's rules for what prints as typed
(images, links to anything but http(s) and mailto) written here from README's description,
not taken from the code; a hard break shows as "\\n" in python-docx, a tab as "\\t". So every
character outside markup survives, and markup is never printed as markup nor dropped.

The LibreOffice test at the end converts a batch of such documents to PDF.
"""

from __future__ import annotations

import copy
import html
import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.build import build_submission
from generator.checks import _bilinguals
from generator.errors import InputError
from generator.language import is_blank, visible
from generator.loader import load_profile, load_submission
from generator.models import PLACEHOLDER, CommentLetter, Proposal
from generator.pdf import convert_to_pdf
from generator.richtext import markdown

from helpers import LETTER, PROPOSAL

SAMPLES = {
    "proposal": PROPOSAL,
    "letter": LETTER,
}
PROFILE = load_profile()
KO_PREFIX = "한글 "  # the Korean side: the same text, not at the start of the field
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

Loc = tuple[str | int, ...]


# --- the samples, with every bilingual field found --------------------------------------


def _bilingual_locs(node: Any, loc: Loc = ()) -> Iterator[Loc]:
    if isinstance(node, dict):
        if set(node) <= {"en", "ko"} and node:
            yield loc
            return
        for key, value in node.items():
            yield from _bilingual_locs(value, (*loc, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _bilingual_locs(value, (*loc, index))


def _load_plain(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


BASES = {kind: _load_plain(path) for kind, path in SAMPLES.items()}
LOCS = {kind: list(_bilingual_locs(data)) for kind, data in BASES.items()}
EN_SLOT, KO_SLOT = "FUZZ_EN_SLOT", "FUZZ_KO_SLOT"


def _dump(data: Any) -> str:
    buffer = io.StringIO()
    yaml = YAML(typ="rt")
    yaml.width = 1_000_000  # one line per value: a slot is replaced by one scalar
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _skeleton(kind: str) -> str:
    data = copy.deepcopy(BASES[kind])
    for loc in LOCS[kind]:
        node = data
        for step in loc:
            node = node[step]
        node["en"], node["ko"] = EN_SLOT, KO_SLOT
    return _dump(data)


SKELETONS = {kind: _skeleton(kind) for kind in SAMPLES}


def quoted(value: str) -> str:
    """`value` as a YAML double-quoted scalar, written by ruamel.yaml.

    Double quotes let YAML carry any character as an escape (\\x07, \\uD800, \\N...).
    """
    line = _dump({"v": DoubleQuotedScalarString(value)})
    assert line.startswith('v: "') and line.endswith('"\n') and line.count("\n") == 1, line
    return line[3:-1]


def with_text(kind: str, en: str, ko: str) -> str:
    """The sample as YAML text, every bilingual field set to `en` / `ko`.

    ruamel.yaml's emitter is slow for long strings, so each string is dumped once and put
    into every slot of a skeleton dumped once.
    """
    values = {EN_SLOT: quoted(en), KO_SLOT: quoted(ko)}
    return re.sub(f"{EN_SLOT}|{KO_SLOT}", lambda m: values[m.group()], SKELETONS[kind])


def test_skeleton_dump_is_a_plain_dump() -> None:
    """The shortcut gives the YAML a full dump gives."""
    en, ko = "a\x07 \ud800 \"<{{ x }}>\"\n\n\tb", "가\x85\u2028 ' \\"
    for kind in SAMPLES:
        data = copy.deepcopy(BASES[kind])
        for loc in LOCS[kind]:
            node = data
            for step in loc:
                node = node[step]
            node["en"], node["ko"] = DoubleQuotedScalarString(en), DoubleQuotedScalarString(ko)
        assert with_text(kind, en, ko) == _dump(data)


@pytest.mark.parametrize("kind", SAMPLES)
def test_every_bilingual_field_is_fuzzed(kind: str) -> None:
    """The walk over the YAML finds exactly the model's bilingual fields."""
    submission, _ = load_submission(SAMPLES[kind], profile=PROFILE)
    assert {loc for loc, _ in _bilinguals(submission, ())} == set(LOCS[kind])
    assert len(LOCS[kind]) >= 10


# --- what the documents must show --------------------------------------------------------


def first_invalid(value: str) -> str | None:
    """The first character XML 1.0 cannot hold (written here from the spec, not the code)."""
    for char in value:
        code = ord(char)
        if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
                or 0x10000 <= code <= 0x10FFFF):
            return char
    return None


def rejected(value: str) -> bool:
    # Invisible characters (zero-width space, BOM, ...) cannot hide a placeholder.
    return (first_invalid(value) is not None or not value.strip()
            or visible(value).lstrip().startswith(PLACEHOLDER))


ALLOWED = ("http://", "https://", "mailto:")


def _oracle() -> Any:
    """A parser configured as propgen's, with HTML rendering rules for the literal cases."""
    md = markdown.__wrapped__()

    def link_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        href = token.attrs.get("href", "")
        stack = env.setdefault("links", [])
        if href.startswith(ALLOWED) and not any(kind == "link" for kind, _ in stack):
            stack.append(("link", ""))
            return "<a>"
        closer = {"autolink": "&gt;", "linkify": ""}.get(token.markup, f"]({html.escape(href)})")
        stack.append(("literal", closer))
        return {"autolink": "&lt;", "linkify": ""}.get(token.markup, "[")

    def link_close(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        kind, closer = env["links"].pop()
        return "</a>" if kind == "link" else closer

    def image(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        return html.escape(f"![{token.content}]({token.attrs.get('src', '')})")

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("link_close", link_close)
    md.add_render_rule("image", image)
    return md


ORACLE = _oracle()


class _Blocks(HTMLParser):
    """Paragraphs and list items of rendered HTML, as python-docx would show them; the
    footnotes' paragraphs apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.body: list[str] = []
        self.notes: list[str] = []
        self._open: list[str] | None = None
        self._skip = 0
        self._in_notes = False
        self._after_break = False

    def _start_block(self, tag: str) -> None:
        if tag == "p" and self._open is not None and not "".join(self._open).strip():
            self._open = None  # a loose list item: its text is in paragraphs
        self._close_block()
        self._open = []

    def _close_block(self, *, before_list: bool = False) -> None:
        if self._open is not None:
            text = "".join(self._open)
            # The newline markdown-it writes between a tight item's text and its sub-list
            # (read as a space): only there. Elsewhere a space at the end is typed, as the
            # one before a footnote mark that ends a paragraph ("text [^1]").
            if before_list and text.endswith(" "):
                text = text[:-1]
            (self.notes if self._in_notes else self.body).append(text)
        self._open = None

    def _drop_backref_space(self) -> None:
        """The footnote plugin writes a space before each back-reference ("↩︎"): markup,
        not the note's text (an empty note is " ↩︎ ↩︎" for two references)."""
        if self._open and self._open[-1].endswith(" "):
            self._open[-1] = self._open[-1][:-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if self._skip:
            self._skip += 1
        elif tag == "sup" and "footnote-ref" in classes:
            self._skip = 1
        elif "footnote-backref" in classes:
            self._drop_backref_space()
            self._skip = 1
        elif tag == "section" and "footnotes" in classes:
            self._close_block()
            self._in_notes = True
        elif tag in ("p", "li"):
            self._start_block(tag)
        elif tag in ("ul", "ol"):
            self._close_block(before_list=True)  # an item's text ends at its sub-list
        elif tag == "br" and self._open is not None:
            self._open.append("\n")
            self._after_break = True

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            self._skip -= 1
        elif tag in ("p", "li"):
            self._close_block()

    def handle_data(self, data: str) -> None:
        if self._skip or self._open is None:
            return
        if self._after_break:
            data = data[1:] if data.startswith("\n") else data
            self._after_break = False
        self._open.append(data.replace("\n", " "))


def rendering(value: str) -> tuple[list[str], list[str]]:
    """The paragraphs (list items included) a field's text becomes, and its footnotes."""
    parser = _Blocks()
    parser.feed(ORACLE.render(value))
    parser.close()
    parser._close_block()
    return parser.body or [""], parser.notes


def paragraphs(value: str) -> list[str]:
    return rendering(value)[0]


def footnote_texts(document: DocumentObject) -> list[str]:
    """Each footnote's paragraphs, as python-docx would show them (the mark is no text;
    a space follows it)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    rels = [r for r in document.part.rels.values() if r.reltype == RT.FOOTNOTES]
    if not rels:
        return []
    out = []
    for note in etree.fromstring(rels[0].target_part.blob).iter(qn("w:footnote")):
        if note.get(qn("w:type")):
            continue  # the separators
        for index, p in enumerate(note.iter(qn("w:p"))):
            text = "".join(
                "\n" if e.tag == qn("w:br") else "\t" if e.tag == qn("w:tab") else e.text or ""
                for e in p.iter(qn("w:t"), qn("w:br"), qn("w:tab")))
            out.append(text[1:] if index == 0 else text)
    return out


def texts(items: Any) -> list[str]:
    return [p.text for p in items]


def styled(document: DocumentObject, style: str) -> list[int]:
    return [i for i, p in enumerate(document.paragraphs)
            if p.style is not None and p.style.name == style]


def assert_spaces_preserved(document: DocumentObject) -> None:
    """Word drops the leading/trailing spaces of a <w:t> without xml:space="preserve"."""
    for t in document.element.body.iter(qn("w:t")):
        value = t.text or ""
        if value != value.strip(" \u3000\u00a0"):
            assert t.get(XML_SPACE) == "preserve", value


def check_proposal(docs: dict[str, DocumentObject], en: list[str], ko: list[str]) -> None:
    for lang, expected in (("en", en), ("ko", ko)):
        document = docs[lang]
        body = texts(document.paragraphs)
        n = len(expected)
        # The cover: title, then the consortium's name.
        assert body[: 2 * n] == expected + expected
        # 1. Executive summary: exactly the text, then the next section.
        h1 = styled(document, "Heading 1")
        assert body[h1[0] + 1 : h1[1]] == expected
        # A table: every member's name and contribution.
        members = next(t for t in document.tables if len(t.columns) == 4 and len(t.rows) == 8)
        for row in members.rows[1:]:
            assert texts(row.cells[0].paragraphs) == expected
            assert texts(row.cells[3].paragraphs) == expected
        assert_spaces_preserved(document)
    # The review copy: the executive summary's rows (one per paragraph where both languages
    # have as many, one for the section where not), English left and Korean right.
    rows = docs["bilingual"].tables[0].rows
    starts = [i for i, r in enumerate(rows)
              if r.cells[0].paragraphs and r.cells[0].paragraphs[0].style.name == "Heading 1"]
    section = rows[starts[0]:starts[1]]
    for column, expected in ((0, en), (1, ko)):
        got = [p for r in section for p in r.cells[column].paragraphs]
        assert texts(got)[1:] == expected


def check_letter(docs: dict[str, DocumentObject], en: list[str], ko: list[str]) -> None:
    for lang, expected in (("en", en), ("ko", ko)):
        document = docs[lang]
        body = texts(document.paragraphs)
        h1, h2 = styled(document, "Heading 1"), styled(document, "Heading 2")
        # Introduction and the commenter's description, both the same text.
        assert body[h1[0] + 1 : h1[1]] == expected + expected
        # The first answer, after its heading and the question from the profile.
        assert body[h2[0] + 2 : h2[1]] == expected
        # The closing: in Korean, the body ends with "끝." two spaces after the text.
        signature = next(i for i in styled(document, "Signature") if i > h1[-1])
        closing = expected if lang == "en" else [*expected[:-1], expected[-1] + "  끝."]
        assert body[h1[-1] + 1 : signature] == closing
        assert_spaces_preserved(document)


# --- the generated text ------------------------------------------------------------------

XML_SPECIALS = ["<", ">", "&", '"', "'", "]]>", "<w:p>", "</w:t>", "&amp;", "&#x7;", "<![CDATA["]
JINJA = ["{{ 7*7 }}", "{{", "}}", "{%", "%}", "{%p if x %}", "{%tr for r in rows %}", "{_{",
         "}_}", "{#", "#}", "{{ _.__globals__ }}", "{% include '/etc/passwd' %}", "{{ title }}"]
BREAKS = ["\n", "\n\n", "\n\n\n", "\r\n", "\r", "\r\n\r\n", "\t", " ", "  ", "\u3000",
          "\u00a0", "\x85", "\u2028", "\u2029"]
ODD = ["\x7f", "\x80", "\x9f", "\ufeff", "\u200b", "\u200d", "\u00ad", "\ufffd", "\U0010ffff",
       "\U000e0001", "\U0001fffe", PLACEHOLDER]
REFUSED = ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\ufffe", "\uffff"]
RTL = ["שָׁלוֹם", "مرحبا بالعالم", "\u200f", "\u202e", "\u2067", "\u2069", "ﷺ"]
EMOJI = ["😀", "👩‍👩‍👧‍👦", "🇰🇷", "❤️", "🏳️‍🌈", "𝕏"]
# The rich-text subset and what only looks like it.
MARKDOWN = ["**", "*", "_", "__", "- ", "\n- ", "\n  - ", "\n    - ", "\n1. ", "\n\n3) ", "[^1]",
            "[^a]", "\n\n[^1]: ", "\n\n[^a]: ", "[link](https://example.com/x_y)",
            "[rel](doc.docx)", "https://example.com/a?b=c", "<https://x.example>",
            "<ftp://x.example>", "mailto:a@b.example", "# ", "<b>", "</b>", "![img](x.png)",
            "\\", "\\*", "`", "  \n", "\\\n", "> ", "| a |", "---", "3 * 4", "C++", "a_b_c",
            "[A.1]", "^[x]"]

# Pieces XML can hold (but for a rare unassigned U+FFFE drawn by `characters`)...
valid_piece = st.one_of(
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=12),
    st.sampled_from(XML_SPECIALS),
    st.sampled_from(JINJA),
    st.sampled_from(BREAKS),
    st.sampled_from(ODD),
    st.sampled_from(RTL),
    st.sampled_from(EMOJI),
    st.sampled_from(MARKDOWN),
    st.sampled_from(MARKDOWN),
    st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=8),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=8),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=20),
)
# ... and pieces it mostly cannot: control characters, lone surrogates.
refused_piece = st.one_of(
    st.text(max_size=12),  # any unicode but surrogates, control characters included
    st.text(st.characters(codec=None, categories=["Cs"]), min_size=1, max_size=2),
    st.sampled_from(REFUSED),
)
# Mostly text XML can hold, so that most examples build documents.
short = st.one_of(
    st.lists(valid_piece, max_size=10),
    st.lists(valid_piece, max_size=10),
    st.lists(st.one_of(valid_piece, valid_piece, valid_piece, refused_piece), max_size=10),
).map("".join)
# Long runs of one line: thousands of characters, but not thousands of paragraphs (which
# are correct too, only slow to build: some seconds per example).
filler = st.lists(valid_piece.map(lambda p: re.sub(r"[\n\r\t\x85\u2028\u2029]", " ", p)),
                  min_size=1, max_size=5)
long = st.builds(
    lambda head, run, times, tail: head + ("".join(run) * times)[:4000] + tail,
    short, filler, st.integers(min_value=50, max_value=500), short,
)
any_text = st.one_of(short, short, short, long)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          # No "explain" phase: re-running a failure many times over takes minutes.
          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
          # CI replays one fixed set of examples, so a run never fails by chance; on a
          # developer's machine every run explores new ones.
          derandomize=bool(os.environ.get("CI")))
@given(value=any_text)
@example(
    value='' + (''.join(['  [^1]: ']) * 50)[:4000] + '\n\n[^1]: ',
).via('discovered failure')
@example(
    value='' + (''.join(['[^1]']) * 50)[:4000] + '\n\n[^1]: ',
).via('discovered failure')
def test_any_text_gives_a_located_error_or_exact_documents(workdir: Path, value: str) -> None:
    en, ko = value, KO_PREFIX + value
    should_fail = rejected(en) or rejected(ko)
    event("built" if not should_fail else "refused: no text" if not value.strip() else
          "refused: a character XML cannot hold" if first_invalid(value) else "refused: other")
    # Invisible characters only are a missing text (issue #18), a marked gap in drafts.
    gap = is_blank(en) and not should_fail
    for kind in SAMPLES:
        path = workdir / f"{kind}.yaml"
        source = with_text(kind, en, ko)
        path.write_text(source, encoding="utf-8")
        if gap:
            with pytest.raises(InputError) as refused:
                load_submission(path, profile=PROFILE)
            check_located(refused.value, path, source, value)
        try:
            submission, _ = load_submission(path, profile=PROFILE, draft=gap)
        except InputError as error:
            assert should_fail, error
            check_located(error, path, source, value)
            continue
        assert not should_fail, f"{value!r} was accepted"
        assert isinstance(submission, Proposal | CommentLetter)
        # What the model holds is what was typed, but for "\r".
        normal = en.replace("\r\n", "\n").replace("\r", "\n")
        field = submission.title if isinstance(submission, Proposal) else submission.introduction
        assert field.en == normal
        documents = build_submission(submission, PROFILE, stem=kind)
        docs = {name.split(".")[-2]: Document(io.BytesIO(data))
                for name, data in documents.items()}
        check = check_proposal if kind == "proposal" else check_letter
        # Invisible characters only are no text: the Korean stands in, marked (issue #13),
        # the marker before its first paragraph.
        shown_en, expected_en = (ko, paragraphs(ko)) if is_blank(en) else (en, paragraphs(en))
        if is_blank(en):
            expected_en = [f"[Translation needed] {expected_en[0]}", *expected_en[1:]]
        check(docs, expected_en, paragraphs(ko))
        for lang, typed in (("en", shown_en), ("ko", ko)):
            notes = footnote_texts(docs[lang])
            expected = rendering(typed)[1]
            assert set(notes) <= set(expected) and bool(notes) == bool(expected), lang


def check_located(error: InputError, path: Path, source: str, value: str) -> None:
    lines = source.split("\n")
    assert error.problems
    for problem in error.problems:
        assert problem.file == str(path)
        assert 1 <= problem.line <= len(lines) and problem.column >= 1, problem
        assert problem.path, problem
        # The position is where the field is written.
        key = re.findall(r"[a-z_]+", problem.path)[-1]
        assert f"{key}:" in lines[problem.line - 1], (problem, lines[problem.line - 1])
    bad = first_invalid(value)
    if bad is not None:
        assert any(f"U+{ord(bad):04X}" in p.message for p in error.problems), error


# --- a fuzzed batch through LibreOffice --------------------------------------------------

IN_CI = bool(os.environ.get("CI"))
MISSING = [tool for tool in ("soffice", "pdfinfo", "pdftotext") if shutil.which(tool) is None]

NASTY = [
    "{{ 7*7 }} <w:p> &amp; ]]> {%p if %} \"quoted\" 'single'",
    "שָׁלוֹם עולם \u202e مرحبا بالعالم \u200f 123 — mixed right-to-left",
    "😀 👩‍👩‍👧‍👦 🇰🇷 ❤️ 𝕏 \U0010ffff\tafter a tab\u3000ideographic space",
    "한국어 漢字 かな " * 200,
    "line one\nline two\r\nline three\rline four\n\n\n\nnew paragraph after blank lines",
    "   leading spaces\u00a0\x85NEL\u2028LS\u2029PS\ufeffBOM\u200bZWSP\u00adSHY\x7fDEL\x9fC1",
]


@pytest.mark.libreoffice
@pytest.mark.skipif(bool(MISSING) and not IN_CI, reason=f"not installed: {', '.join(MISSING)}")
def test_fuzzed_batch_converts_to_pdf(tmp_path: Path) -> None:
    written = []
    for index, value in enumerate(NASTY):
        kind = "proposal" if index % 2 == 0 else "letter"
        path = tmp_path / f"nasty-{index}.yaml"
        path.write_text(with_text(kind, value, KO_PREFIX + value), encoding="utf-8")
        submission, _ = load_submission(path, profile=PROFILE)
        lang = "en" if index < 3 else "ko"
        name = f"nasty-{index}.{lang}.docx"
        data = build_submission(submission, PROFILE, stem=f"nasty-{index}")[name]
        (tmp_path / name).write_bytes(data)
        written.append(tmp_path / name)

    pdfs = convert_to_pdf(written)

    assert len(pdfs) == len(NASTY) == 6
    for pdf in pdfs:
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF-")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                              check=True).stdout
        pages = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
        assert pages is not None and int(pages.group(1)) >= 1, info
    # Typed markup reaches the PDF as text, too.
    text = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "{{ 7*7 }} <w:p> &amp; ]]> {%p if %}" in text
