"""Fields in the documents: each text from a YAML field inside a Word content control.

A control (`w:sdt`) is tagged with the field's path (`consortium.members[1].contribution`)
and locked against deletion (`sdtLocked`): a reviewer edits its text in Word, cannot delete
it by accident, and sees nothing of it in print. `propgen pull` reads the edits back.

How the path gets from the model to the XML: while a submission's contexts are built
(`field_paths`), `context.text` wraps each field's text in private-use marker characters
carrying its path; after rendering, `add_content_controls` turns every marked span into a
control and removes the markers. Outside `field_paths` nothing is marked, so contexts built
for other purposes are plain text.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from pydantic import BaseModel

from .models import Bilingual

# Private-use characters: never in a user's YAML (the loader refuses none of them, but
# they have no meaning in any font), never left in a document.
START, SEP, END = "\ue000", "\ue001", "\ue002"
_MARKS = re.compile(f"[{START}{SEP}{END}]")
_SPAN = re.compile(f"{START}([^{SEP}]*){SEP}|{END}")

_paths: ContextVar[dict[int, str] | None] = ContextVar("propgen_field_paths", default=None)

# Clark names, so that importing this module (the context does) loads no python-docx.
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_P, W_R, W_T, W_SDT, W_RPR, W_PPR = (_W + n for n in ("p", "r", "t", "sdt", "rPr", "pPr"))
W_SDTPR, W_SDTCONTENT, W_TAG, W_LOCK, W_VAL = (
    _W + n for n in ("sdtPr", "sdtContent", "tag", "lock", "val"))


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


def mark(value: Any, rendered: str) -> str:
    """`rendered` (the text of field `value`) wrapped in markers naming its path."""
    paths = _paths.get()
    if not paths or not rendered:
        return rendered
    path = paths.get(id(value))
    if path is None:
        return rendered
    return f"{START}{path}{SEP}{rendered}{END}"


def add_content_controls(document: Any) -> None:
    """Turn every marked span of the body into content controls; drop markers elsewhere."""
    carried: str | None = None
    previous: Any = None
    for paragraph in list(document.element.body.iter(W_P)):
        if carried is not None and paragraph.getprevious() is not previous:
            carried = None  # a field never runs on past its own paragraphs
        if carried is not None or any(_MARKS.search(t.text or "")
                                      for t in paragraph.iter(W_T)):
            carried = _controls_in(paragraph, carried)
        previous = paragraph
    for rel in document.part.rels.values():
        if rel.reltype.endswith(("/header", "/footer")) and not rel.is_external:
            for node in rel.target_part.element.iter(W_T):
                if node.text and _MARKS.search(node.text):
                    node.text = _MARKS.sub("", _SPAN.sub("", node.text))


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


def _split_run(run: Any) -> Iterator[tuple[Any, str | None]]:
    """The run cut at markers: pieces as (run, None), boundaries as (None, path or "")."""
    props = run.find(W_RPR)
    current = _copy_run(props)
    for child in run:
        if child is props:
            continue
        if child.tag != W_T or not _MARKS.search(child.text or ""):
            current.append(_clone(child))
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
    import copy

    from docx.oxml import OxmlElement

    run = OxmlElement("w:r")
    if props is not None:
        run.append(copy.deepcopy(props))
    return run


def _clone(element: Any) -> Any:
    import copy

    return copy.deepcopy(element)


def _text(value: str) -> Any:
    from docx.oxml import OxmlElement

    node = OxmlElement("w:t")
    node.text = value
    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return node


def _control(path: str) -> Any:
    """An empty run-level content control for field `path`: tagged, locked, no title."""
    from docx.oxml import OxmlElement

    sdt = OxmlElement("w:sdt")
    properties = OxmlElement("w:sdtPr")
    tag = OxmlElement("w:tag")
    tag.set(W_VAL, path)
    lock = OxmlElement("w:lock")
    lock.set(W_VAL, "sdtLocked")
    properties.append(tag)
    properties.append(lock)
    sdt.append(properties)
    sdt.append(OxmlElement("w:sdtContent"))
    return sdt


def unwrap_content_controls(element: Any) -> None:
    """Replace every content control below `element` by its content."""
    for sdt in reversed(list(element.iter(W_SDT))):
        content = sdt.find(W_SDTCONTENT)
        for child in list(content) if content is not None else []:
            sdt.addprevious(child)
        sdt.getparent().remove(sdt)
