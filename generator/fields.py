"""Fields in the documents: each text from a YAML field inside a Word content control.

A control (`w:sdt`) is tagged with the field's path (`consortium.members[1].contribution`)
and locked against deletion (`sdtLocked`): a reviewer edits its text in Word, cannot delete
it by accident, and sees nothing of it, on screen or in print: `w15:appearance="hidden"`
(Word 2013's extension, declared ignorable so Word 2010 and LibreOffice skip it) hides
the control's border and tag. `propgen pull` reads the edits back.

How the path gets from the model to the XML: while a submission's contexts are built
(`field_paths`), `context.text` wraps each field's text in private-use marker characters
carrying its path; after rendering, `add_content_controls` turns every marked span into a
control and removes the markers. Outside `field_paths` nothing is marked, so contexts built
for other purposes are plain text.
"""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from pydantic import BaseModel

from .models import Bilingual

# Private-use characters: never in a user's YAML (the loader refuses none of them, but
# they have no meaning in any font), never left in a document. language.GAP_START/GAP_END
# (U+E000, U+E001) mark missing translations the same way; these are others.
START, SEP, END = "\ue010", "\ue011", "\ue012"
_MARKS = re.compile(f"[{START}{SEP}{END}]")
_SPAN = re.compile(f"{START}([^{SEP}]*){SEP}|{END}")
_WHOLE = re.compile(f"{START}([^{SEP}{END}]*){SEP}([^{START}{SEP}{END}]*){END}", re.DOTALL)

_paths: ContextVar[dict[int, str] | None] = ContextVar("propgen_field_paths", default=None)

# Clark names, so that importing this module (the context does) loads no python-docx.
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_P, W_R, W_T, W_SDT, W_RPR, W_PPR = (_W + n for n in ("p", "r", "t", "sdt", "rPr", "pPr"))
W_SDTPR, W_SDTCONTENT, W_TAG, W_LOCK, W_VAL = (
    _W + n for n in ("sdtPr", "sdtContent", "tag", "lock", "val"))
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W15_APPEARANCE, W15_VAL = f"{{{W15}}}appearance", f"{{{W15}}}val"
MC_IGNORABLE = f"{{{MC}}}Ignorable"


def paths_of(model: Any, prefix: str = "") -> Iterator[tuple[Any, str]]:
    """Every bilingual text of a model with its YAML path, in field order."""
    if isinstance(model, Bilingual):
        yield model, prefix
    elif isinstance(model, BaseModel):
        for name in type(model).model_fields:
            value = getattr(model, name)
            yield from paths_of(value, f"{prefix}.{name}" if prefix else name)
    elif isinstance(model, list | tuple):
        for index, item in enumerate(model):
            yield from paths_of(item, f"{prefix}[{index}]")


@contextlib.contextmanager
def field_paths(submission: Any) -> Iterator[None]:
    """Within this block, `mark` wraps the texts of `submission`'s fields."""
    token = _paths.set({id(value): path for value, path in paths_of(submission)})
    try:
        yield
    finally:
        _paths.reset(token)


def mark(value: Any, rendered: Any) -> Any:
    """`rendered` (the text of field `value`) wrapped in markers naming its path.

    A string gets the markers around it; a rich text (an object with `source`, `prefix`
    and `suffix`, laid out as paragraphs after rendering) gets them as its prefix and
    suffix, so they open its first paragraph and close its last.
    """
    paths = _paths.get()
    if not paths or not rendered:
        return rendered
    path = paths.get(id(value))
    if path is None:
        return rendered
    if isinstance(rendered, str):
        return f"{START}{path}{SEP}{rendered}{END}"
    return type(rendered)(rendered.source, prefix=f"{START}{path}{SEP}{rendered.prefix}",
                          suffix=f"{rendered.suffix}{END}")


def add_content_controls(document: Any) -> None:
    """Turn every marked span of the body into content controls; drop markers elsewhere."""
    done: set[Any] = set()
    marked = _marked_texts(document.element.body)
    if marked:
        # First: controls added after the root declares w15 carry no declaration of their
        # own (lxml drops one the new parent already has in scope).
        declare_w15(document)
    for node in marked:
        paragraph = node.getparent().getparent()
        while paragraph is not None and paragraph.tag != W_P:
            paragraph = paragraph.getparent()
        if paragraph is None or paragraph in done:
            continue
        carried = _controls_in(paragraph, None)
        done.add(paragraph)
        # A field of several paragraphs goes on in the paragraphs that follow.
        following = paragraph.getnext()
        while carried is not None and following is not None and following.tag == W_P:
            carried = _controls_in(following, carried)
            done.add(following)
            following = following.getnext()
    for rel in document.part.rels.values():
        if rel.reltype.endswith(("/header", "/footer")) and not rel.is_external:
            for node in _marked_texts(rel.target_part.element):
                node.text = _MARKS.sub("", _SPAN.sub("", node.text))


def _marked_texts(element: Any) -> list[Any]:
    """The w:t elements below `element` that hold a marker (found by lxml, in C)."""
    global _FIND
    if _FIND is None:
        from lxml import etree

        _FIND = etree.XPath(f".//w:t[contains(., '{START}') or contains(., '{END}')]",
                            namespaces={"w": _W[1:-1]})
    return list(_FIND(element))


_FIND: Any = None


def _controls_in(paragraph: Any, open_path: str | None) -> str | None:
    """Split the paragraph's runs at the markers and wrap each field's runs in a control.

    A field of several paragraphs (a blank line in the YAML) opens in one paragraph and
    closes in a later one: each paragraph's part becomes a control of the same tag. Returns
    the path still open at the paragraph's end.
    """
    pieces: list[tuple[Any, str | None]] = []
    for child in list(paragraph):
        if child.tag == W_PPR:
            pieces.append((child, None))
        elif child.tag != W_R or not any(_MARKS.search(t.text or "")
                                         for t in child.findall(W_T)):
            pieces.append((child, open_path))
        elif (whole := _whole_field(child)) is not None:
            pieces.append((child, whole))  # the usual case: one run is one whole field
        else:
            for run, path_change in _split_run(child):
                if run is None:
                    open_path = path_change or None
                else:
                    pieces.append((run, open_path))
        paragraph.remove(child)
    current: Any = None
    current_path: str | None = None
    for element, path in pieces:
        if path is None:
            paragraph.append(element)
            current, current_path = None, None
            continue
        if current is None or current_path != path:
            current, current_path = _control(path), path
            paragraph.append(current)
        current.find(W_SDTCONTENT).append(element)
    return open_path


def _whole_field(run: Any) -> str | None:
    """The path of the field if `run` holds exactly one whole field (markers removed)."""
    texts = run.findall(W_T)
    if len(texts) != 1:
        return None
    found = _WHOLE.fullmatch(texts[0].text or "")
    if found is None:
        return None
    texts[0].text = found.group(2)
    return found.group(1)


def _split_run(run: Any) -> Iterator[tuple[Any, str | None]]:
    """The run cut at markers: pieces as (run, None), boundaries as (None, path or "")."""
    props = run.find(W_RPR)
    current = _copy_run(props)
    for child in run:
        if child is props:
            continue
        if child.tag != W_T or not _MARKS.search(child.text or ""):
            current.append(copy.deepcopy(child))
            continue
        position = 0
        text = child.text or ""
        for found in _SPAN.finditer(text):
            if found.start() > position:
                current.append(_text(text[position:found.start()]))
            if len(current) > (1 if props is not None else 0):
                yield current, None
            current = _copy_run(props)
            yield None, found.group(1) if found.group(0) != END else ""
            position = found.end()
        if position < len(text):
            current.append(_text(text[position:]))
    if len(current) > (1 if props is not None else 0):
        yield current, None


def _copy_run(props: Any) -> Any:
    run = props.makeelement(W_R, {}) if props is not None else _element(W_R)
    if props is not None:
        run.append(copy.deepcopy(props))
    return run


def _text(value: str) -> Any:
    node = _element(W_T)
    node.text = value
    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return node


def _element(tag: str) -> Any:
    from docx.oxml import OxmlElement

    return OxmlElement("w:" + tag[len(_W):])


_PROTOTYPE: list[Any] = []


def _control(path: str) -> Any:
    """An empty run-level content control for field `path`: tagged, locked, no title."""
    if not _PROTOTYPE:
        sdt = _element(W_SDT)
        properties = _element(W_SDTPR)
        tag = _element(W_TAG)
        lock = _element(W_LOCK)
        lock.set(W_VAL, "sdtLocked")
        properties.append(tag)
        properties.append(lock)
        # After w:lock, before a type element, where Word writes it; hidden: no border,
        # no tag on hover, nothing a reader sees.
        appearance = properties.makeelement(W15_APPEARANCE, {W15_VAL: "hidden"},
                                            nsmap={"w15": W15})
        properties.append(appearance)
        sdt.append(properties)
        sdt.append(_element(W_SDTCONTENT))
        _PROTOTYPE.append(sdt)
    control = copy.deepcopy(_PROTOTYPE[0])
    control[0][0].set(W_VAL, path)
    return control


def declare_w15(document: Any) -> None:
    """Declare the w15 namespace on the document's root and list it as ignorable.

    mc:Ignorable names prefixes in scope where it stands, so the declaration belongs on
    w:document, not on each control: a consumer that predates w15 (Word 2010, LibreOffice's
    strict readers) then skips w15:appearance instead of refusing the file. lxml cannot add
    a namespace to an existing element, so the root is remade around its children."""
    root = document.element
    if root.nsmap.get("w15") != W15:
        nsmap = {**root.nsmap, "w15": W15, "mc": root.nsmap.get("mc", MC)}
        new = root.makeelement(root.tag, dict(root.attrib), nsmap=nsmap)
        new.extend(list(root))
        document._element = new
        document.part._element = new
        root = new
    ignorable = (root.get(MC_IGNORABLE) or "").split()
    if "w15" not in ignorable:
        root.set(MC_IGNORABLE, " ".join([*ignorable, "w15"]))


def unwrap_content_controls(element: Any) -> None:
    """Replace every content control below `element` by its content."""
    for sdt in reversed(list(element.iter(W_SDT))):
        content = sdt.find(W_SDTCONTENT)
        for child in list(content) if content is not None else []:
            sdt.addprevious(child)
        sdt.getparent().remove(sdt)
