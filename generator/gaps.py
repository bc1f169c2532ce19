"""Draft gaps in a rendered document: the passages the render context marked as standing in
for a missing translation are highlighted, and the marks removed.

The context wraps such a passage, after its "[Translation needed]" marker, in two private-use
characters (`language.GAP_START`, `GAP_END`); this pass, run on every XML part once docxtpl
has rendered the document, splits the runs at those characters and highlights what lies
between them, wherever the text went: body, tables, headers, footnotes.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from docx.document import Document as DocumentObject
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, nsmap, qn
from lxml import etree

from .language import GAP_END, GAP_START
from .render import RPR_ORDER, set_child

# The same for w:rPr (ECMA-376 Part 1, 17.3.2.28, CT_RPr).
GAP_HIGHLIGHT = "yellow"


def highlight_gaps(document: DocumentObject) -> int:
    """Highlight every passage the context marked as a stand-in for a missing translation
    (between `language.GAP_START` and `GAP_END`, which are removed), in every part of the
    document; the number of such passages."""
    count = 0
    for part in document.part.package.iter_parts():
        # Most documents have no gap at all: lxml tells in C, where the pass below walks
        # every run in Python (about 1 ms a document).
        if isinstance(part, XmlPart) and _HAS_GAP(part.element):
            count += _highlight_part(part.element)
    return count


# A w:t holding the start of a gap: `_highlight_part` changes nothing in a part without one.
_HAS_GAP = etree.XPath(f"boolean(.//w:t[contains(., '{GAP_START}')])",
                       namespaces={"w": nsmap["w"]})


def _highlight_part(root: Any) -> int:
    count, inside = 0, False
    marks = re.compile(f"([{GAP_START}{GAP_END}])")
    t_tag, rpr_tag = qn("w:t"), qn("w:rPr")
    for run in list(root.iter(qn("w:r"))):
        texts = run.findall(t_tag)
        if not inside and not any(GAP_START in (t.text or "") for t in texts):
            continue
        groups: list[tuple[bool, list[Any]]] = []
        for child in list(run):
            if child.tag == rpr_tag:
                continue
            pieces = marks.split(child.text or "") if child.tag == t_tag else [child]
            for piece in pieces:
                if piece == GAP_START:
                    inside, count = True, count + 1
                    continue
                if piece == GAP_END:
                    inside = False
                    continue
                if isinstance(piece, str):
                    if not piece:
                        continue
                    element = parse_xml(f'<w:t {nsdecls("w")} xml:space="preserve"/>')
                    element.text = piece
                    piece = element
                if groups and groups[-1][0] == inside:
                    groups[-1][1].append(piece)
                else:
                    groups.append((inside, [piece]))
        _replace_run(run, groups)
    return count


def _replace_run(run: Any, groups: list[tuple[bool, list[Any]]]) -> None:
    """`run` as one run per group of its content, those of a gap highlighted."""
    properties = run.find(qn("w:rPr"))
    parent = run.getparent()
    index = parent.index(run)
    parent.remove(run)
    for offset, (highlighted, children) in enumerate(groups):
        new = parse_xml(f'<w:r {nsdecls("w")}/>')
        props = copy.deepcopy(properties) if properties is not None else None
        if highlighted:
            if props is None:
                props = parse_xml(f'<w:rPr {nsdecls("w")}/>')
            set_child(props, parse_xml(
                f'<w:highlight {nsdecls("w")} w:val="{GAP_HIGHLIGHT}"/>'), RPR_ORDER)
        if props is not None:
            new.append(props)
        for child in children:
            new.append(child)
        parent.insert(index + offset, new)
