"""Each template and its context agree: every variable a template reads is in the context,
and every key of the context is read by the template (docxtpl's
`get_undeclared_template_variables`), in every language and variant."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from docxtpl import DocxTemplate

from generator.build import DOC_LANGS, annex_context
from generator.checks import check_submission, compliance_matrix
from generator.context import letter_context, proposal_context
from generator.i18n import resource_dir
from generator.loader import load_profile, load_submission

from helpers import LETTER, PROPOSAL

SAMPLES = {"proposal": PROPOSAL,
           "comment_letter": LETTER}
TEMPLATE_NAMES = {"proposal": "proposal.docx", "comment_letter": "comment-letter.docx"}

# Keys for the code, not the template: `_` is gettext, `lang` and `kind` say what the
# context is for.
META = {"_", "lang", "kind"}
# Keys of the context both kinds share (`base_context`) that the letter does not show: its
# draft marking is in the page header, and a letter names neither program nor order.
UNREAD = {"proposal": set(), "comment_letter": {"draft_note", "program_name",
                                                "executive_order", "public"}}


def contexts(kind: str) -> list[dict[str, Any]]:
    profile = load_profile()
    submission, _loaded = load_submission(SAMPLES[kind])
    out = []
    for lang, draft, public in itertools.product(DOC_LANGS, (False, True), (False, True)):
        if kind == "proposal":
            if public:
                continue
            ctx = proposal_context(submission, profile, lang, draft=draft)  # type: ignore[arg-type]
            findings = check_submission(submission, profile)
            ctx["annex"] = annex_context(compliance_matrix(findings, profile, lang), lang)
        else:
            ctx = letter_context(submission, profile, lang, public=public,  # type: ignore[arg-type]
                                 draft=draft)
        out.append(ctx)
    return out


@pytest.mark.parametrize("kind", list(TEMPLATE_NAMES))
def test_template_variables_and_context_keys_match(kind: str) -> None:
    variables = DocxTemplate(resource_dir("templates") / TEMPLATE_NAMES[kind]) \
        .get_undeclared_template_variables() - META
    for ctx in contexts(kind):
        keys = set(ctx) - META
        assert variables - keys == set(), f"{kind}: the template reads keys the context lacks"
        assert keys - variables == UNREAD[kind], f"{kind}: context keys no template reads"
