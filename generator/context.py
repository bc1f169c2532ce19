"""Render context: what a template sees, in one language, already formatted.

Templates stay free of logic beyond loops and conditions: every number, date, country name
and heading is formatted here with babel and the gettext catalogs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from .fields import mark
from .i18n import (
    N_,
    country_name,
    date_long,
    date_short,
    gettext_for,
    language,
    money_prose,
    money_table,
    percent,
)
from .language import mark_gap, pick
from .models import LAYER_KEYS, Bilingual, CommentLetter, Member, Proposal
from .program import Notice, Profile
from .richtext import RichText
from .sections import SECTIONS

KO_ITEM_MARKS = "가나다라마바사아자차카타파하"

LAYER_LETTERS = dict(zip(LAYER_KEYS, "ABCDE", strict=True))
ROLE_LABELS = {"anchor": N_("Anchor member"), "member": N_("Consortium member")}


def text(value: Bilingual | None, lang: str) -> RichText | str:
    """Bilingual text for one document, in the Markdown subset of `generator.richtext`: a
    blank line starts a new paragraph, a single newline is a space, and lists, emphasis,
    links and footnotes become Word's own (laid out by `render`)."""
    if value is None:
        return ""
    shown, gap = pick({"en": value.en, "ko": value.ko}, lang)
    # Inside a build, marked with the field's path for its Word content control.
    if not gap:
        return mark(value, RichText(shown))
    # Another language's text standing in: the gap marks (and the marker a translator
    # searches for) around the whole of it, outside the Markdown.
    before, after = mark_gap("\0", lang).split("\0")
    return mark(value, RichText(shown, prefix=before, suffix=after))


def required_text(value: Bilingual | None, lang: str) -> RichText | str:
    """Text the program requires: a visible gap in drafts rather than nothing."""
    if value is None:
        _ = gettext_for(lang)
        return _("[To be completed]")
    return text(value, lang)


def inline(value: Bilingual, lang: str) -> str:
    """A name used inside a sentence or a list: its whitespace, newlines too, as single
    spaces (a name on a line of its own keeps the rules of `text`)."""
    shown, gap = pick({"en": value.en, "ko": value.ko}, lang)
    return mark_gap(" ".join(shown.split()), lang) if gap else " ".join(shown.split())


def base_context(lang: str, profile: Profile) -> dict[str, Any]:
    _ = gettext_for(lang)
    return {
        "_": _,
        "lang": lang,
        "program_name": profile.name.get(lang),
        "executive_order": profile.executive_order.get(lang),
        "page_header": "",
        "draft_note": "",
    }


# --- proposal ----------------------------------------------------------------------------


def proposal_context(
    proposal: Proposal, profile: Profile, lang: str, *, draft: bool = False
) -> dict[str, Any]:
    _ = gettext_for(lang)
    members = {m.id: m for m in proposal.consortium.members}

    def names(ids: Iterable[str]) -> str:
        return ", ".join(inline(members[i].name, lang) for i in ids if i in members)

    anchor = next((m for m in proposal.consortium.members if m.role == "anchor"), None)
    ctx = base_context(lang, profile)
    ctx.update(
        kind="proposal",
        title=text(proposal.title, lang),
        consortium_name=text(proposal.consortium.name, lang),
        anchor_name=inline(anchor.name, lang) if anchor else "",
        member_names=names(m.id for m in proposal.consortium.members),
        date=date_long(proposal.date, lang),
        executive_summary=text(proposal.executive_summary, lang),
        members_intro=_("The consortium has {count} members. {anchor} is the anchor member and "
                        "submits this proposal.").format(
            count=len(proposal.consortium.members),
            anchor=inline(anchor.name, lang) if anchor else "",
        ),
        members=[_member_row(m, lang, _) for m in proposal.consortium.members],
        layers=[_layer(proposal, key, lang, _, names, profile) for key in LAYER_KEYS],
        targets=[_target(t, lang, _) for t in proposal.targets],
        business={
            "summary": text(proposal.business_model.summary, lang),
            "manufacturers": names(proposal.business_model.manufacturers),
            "build": names(proposal.business_model.data_centers.build),
            "own": names(proposal.business_model.data_centers.own),
            "operate": names(proposal.business_model.data_centers.operate),
        },
        compliance={
            "export_controls": required_text(proposal.compliance.export_controls, lang),
            "outbound_investment": required_text(proposal.compliance.outbound_investment, lang),
            "end_user_policies": required_text(proposal.compliance.end_user_policies, lang),
        },
        milestones=[
            {"date": date_short(m.date, lang), "description": text(m.description, lang)}
            for m in sorted(proposal.milestones, key=lambda m: m.date)
        ],
        signatory={
            "name": text(proposal.signatory.name, lang),
            "title": text(proposal.signatory.title, lang),
            "organization": (
                inline(members[proposal.signatory.member].name, lang)
                if proposal.signatory.member in members
                else (inline(anchor.name, lang) if anchor else "")
            ),
        },
        signature_intro=_("Submitted on behalf of the consortium by its anchor member."),
        annex=None,
    )
    ctx.update(_support(proposal, profile, lang, _))
    if draft:
        ctx["draft_note"] = _("DRAFT: some text is given in one language only.")
        ctx["page_header"] = _("DRAFT")
    return ctx


def _member_row(member: Member, lang: str, _: Callable[[str], str]) -> dict[str, Any]:
    places = {member.country, member.headquarters, member.controlled_from}
    if len(places) == 1:
        location = country_name(member.country, lang)
    else:
        location = _("Incorporated: {country}; headquarters: {hq}; owned or controlled from: "
                     "{control}").format(
            country=country_name(member.country, lang),
            hq=country_name(member.headquarters, lang),
            control=country_name(member.controlled_from, lang),
        )
    return {
        "id": member.id,
        "name": text(member.name, lang),
        "role": _(ROLE_LABELS[member.role]),
        "location": location,
        "contribution": text(member.contribution, lang),
    }


def _layer(
    proposal: Proposal,
    key: str,
    lang: str,
    _: Callable[[str], str],
    names: Callable[[Iterable[str]], str],
    profile: Profile,
) -> dict[str, Any]:
    layer = getattr(proposal.stack, key)
    section = SECTIONS[f"stack.{key}"]
    entry: dict[str, Any] = {
        "key": key,
        "letter": LAYER_LETTERS[key],
        "heading": f"{section.number} ({LAYER_LETTERS[key]}) {_(section.title)}",
        "providers": names(layer.providers),
        "description": text(layer.description, lang),
        "hardware": key == "hardware",
    }
    if key == "hardware":
        entry["us_manufacturing"] = required_text(layer.us_manufacturing, lang)
        threshold = Decimal(str(profile.proposal.us_content_threshold_percent))
        if layer.us_origin_percent is None:
            entry["us_origin_statement"] = _(
                "The U.S.-origin share of the hardware layer's value is not stated."
            )
        else:
            entry["us_origin_statement"] = _(
                "U.S.-origin content of the hardware layer: {share} of aggregate value "
                "(the call presumes the U.S.-content component met at {threshold} or more)."
            ).format(share=percent(layer.us_origin_percent, lang),
                     threshold=percent(threshold, lang))
    return entry


def _target(target: Any, lang: str, _: Callable[[str], str]) -> dict[str, Any]:
    if target.country:
        return {
            "name": country_name(target.country, lang),
            "type": _("Country"),
            "rationale": required_text(target.rationale, lang),
        }
    countries = ", ".join(country_name(c, lang) for c in target.bloc_countries)
    name = inline(target.bloc, lang) if target.bloc else ""
    return {
        "name": f"{name}: {countries}" if countries else name,
        "type": _("Regional bloc"),
        "rationale": required_text(target.rationale, lang),
    }


def _support(
    proposal: Proposal, profile: Profile, lang: str, _: Callable[[str], str]
) -> dict[str, Any]:
    rows = []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for item in proposal.federal_support:
        instrument = profile.proposal.instrument(item.instrument)
        agency = profile.proposal.agency(item.agency)
        if item.amount is not None:
            totals[item.amount.currency] += item.amount.amount
        rows.append({
            "instrument": instrument.name.get(lang),
            "agency": agency.name.get(lang),
            "amount": (
                money_table(item.amount.amount, item.amount.currency, lang)
                if item.amount else "—"
            ),
            "purpose": text(item.purpose, lang),
            "citation": instrument.citation,
        })
    support_totals = [
        {
            "label": _("Total ({currency})").format(currency=currency),
            "amount": money_table(amount, currency, lang),
            "prose": money_prose(amount, currency, lang),
        }
        for currency, amount in sorted(totals.items())
    ]
    if support_totals:
        summary = _("The consortium requests federal support of {amounts} in total, through "
                    "the instruments below.").format(
            amounts=_(" and ").join(t["prose"] for t in support_totals)
        )
    else:
        summary = _("The consortium requests the federal support mechanisms below.")
    return {"support": rows, "support_totals": support_totals, "support_summary": summary}


# --- comment letter ----------------------------------------------------------------------


def letter_context(
    letter: CommentLetter, profile: Profile, lang: str, *, public: bool = False,
    draft: bool = False,
) -> dict[str, Any]:
    _ = gettext_for(lang)
    notice = profile.notice(letter.notice)
    ctx = base_context(lang, profile)
    contacts = " · ".join(x for x in (letter.commenter.website, letter.commenter.email,
                                       letter.commenter.phone) if x)
    any_confidential = any(a.confidential for a in letter.answers)
    sections = _letter_sections(letter, notice, lang, _, public)
    closing = text(letter.closing, lang)
    if language(lang).closing_mark:
        # Korean official documents end the body with "끝." two spaces after the last sentence.
        mark = f"  {language(lang).closing_mark}"
        closing = closing.with_suffix(mark) if isinstance(closing, RichText) else closing + mark
    ctx.update(
        kind="comment_letter",
        commenter={
            "name": text(letter.commenter.name, lang),
            "address": text(letter.commenter.address, lang),
            "contacts": contacts,
            "description": text(letter.commenter.description, lang),
        },
        date=date_long(letter.date, lang),
        reference=letter.reference or "",
        governing_note=(
            _("Korean review copy. The English text is the version filed with the agency and "
              "governs.") if not language(lang).filed else ""
        ),
        addressee={
            "agency": notice.agency.get(lang),
            "notice": f"{notice.title.get(lang)} — {notice.kind.get(lang)}",
            "submit_via": _(" or ").join(channel.get(lang) for channel in notice.submit_via),
        },
        caption=notice.caption,
        re_line=_("{notice} ({fr_doc}, published {published}); {dockets}").format(
            notice=f"{notice.title.get(lang)}, {notice.kind.get(lang)}",
            fr_doc=f"FR Doc. {notice.fr_doc}",
            published=date_long(notice.published, lang),
            dockets="; ".join(
                d if d.startswith("Docket") else f"Docket No. {d}" for d in notice.docket_ids
            ),
        ),
        subject=text(letter.subject, lang),
        intro_heading=_numbered_heading(1, _("Introduction"), lang),
        introduction=text(letter.introduction, lang),
        sections=sections,
        closing_heading=_numbered_heading(len(sections) + 2, _("Conclusion"), lang),
        closing=closing,
        signatory={"name": text(letter.signatory.name, lang),
                   "title": text(letter.signatory.title, lang)},
        redaction_notice=_("[Business confidential information has been removed from this "
                           "public version.]"),
        confidential_label=_("BUSINESS CONFIDENTIAL INFORMATION: justification for "
                             "non-disclosure"),
        public=public,
    )
    if public:
        ctx["page_header"] = _("PUBLIC VERSION")
    elif any_confidential:
        ctx["page_header"] = _("BUSINESS CONFIDENTIAL")
    if draft:
        ctx["page_header"] = " · ".join(x for x in (_("DRAFT"), ctx["page_header"]) if x)
    return ctx


def _numbered_heading(number: int, title: str, lang: str) -> str:
    return f"{number}. {title}" if language(lang).numbering == "korean" else title


def _letter_sections(
    letter: CommentLetter, notice: Notice, lang: str, _: Callable[[str], str], public: bool
) -> list[dict[str, Any]]:
    order = {section.id: i for i, section in enumerate(notice.sections)}
    by_section: dict[str, list[Any]] = defaultdict(list)
    for answer in letter.answers:
        section = notice.section_of(answer.question)
        if section is not None:
            by_section[section.id].append(answer)
    sections = []
    for number, section_id in enumerate(sorted(by_section, key=order.__getitem__), start=2):
        section = notice.section_of(section_id)
        assert section is not None
        question_order = {q.id: i for i, q in enumerate(section.questions)}
        answers = sorted(
            by_section[section_id],
            key=lambda a: (a.question != section.id, question_order.get(a.question, 0)),
        )
        section_word = _("Section")
        if language(lang).numbering == "korean":
            heading = f"{number}. {section.title.get(lang)}({section_word} {section.id})"
        else:
            heading = f"{section_word} {section.id}. {section.title.get(lang)}"
        rows = []
        item = 0
        for answer in answers:
            question = notice.question(answer.question)
            if question is not None:
                mark = (f"{KO_ITEM_MARKS[item % len(KO_ITEM_MARKS)]}. "
                        if language(lang).numbering == "korean" else "")
                item += 1
                question_word = _("Question")
                answer_heading = f"{mark}{question_word} {question.id}"
                question_text = question.text.get(lang)
            else:
                answer_heading, question_text = "", ""
            rows.append({
                "heading": answer_heading,
                "question": question_text,
                "text": text(answer.text, lang),
                "confidential": answer.confidential,
                "redacted": public and answer.confidential,
                "justification": text(answer.justification, lang),
            })
        sections.append({"id": section.id, "heading": heading, "answers": rows,
                         "inferred_note": ""})
    return sections
