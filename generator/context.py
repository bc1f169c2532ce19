"""Render context: what a template sees, in one language, already formatted.

Templates stay free of logic beyond loops and conditions: every number, date, country name
and heading is formatted here with babel and the gettext catalogs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from babel.core import get_global
from babel.lists import format_list

from .fields import mark
from .i18n import (
    LANGS,
    N_,
    babel_locale,
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
from .models import LAYER_KEYS, Bilingual, CommentLetter, Contact, Member, Proposal
from .program import Notice, Profile
from .richtext import RichText
from .sections import SECTIONS

KO_ITEM_MARKS = "가나다라마바사아자차카타파하"

LAYER_LETTERS = dict(zip(LAYER_KEYS, "ABCDE", strict=True))
ROLE_LABELS = {"anchor": N_("Anchor member"), "member": N_("Consortium member")}


# What stands in a --public build for a confidential text (one message in the catalogs).
REDACTED = N_("[Business confidential information has been removed from this public "
              "version.]")

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


def join_names(names: Iterable[str], lang: str) -> str:
    """Names as a list a reader can parse: each language's own pattern ("A, B, and C",
    "A, B 및 C"), and semicolons between names that hold commas themselves
    ("Redwood Compute, Inc.; Hanbit Memory Co., Ltd.")."""
    items = [n for n in names if n]
    if not items:
        return ""
    if any("," in n for n in items):
        return "; ".join(items)
    return format_list(items, locale=babel_locale(lang))


# Citations are written once, in English, in the profile and the checks; the Korean
# documents cite the same provisions as Korean writers do ("행정명령 제14320호 제3조(b)").
_CITATION_PARTS = (
    (re.compile(r"\b(\d{4}) call\b"), N_("{year} call"), ("year",)),
    (re.compile(r"\bFR Doc\. ([0-9]{4}-[0-9]+)"), N_("FR Doc. {number}"), ("number",)),
    (re.compile(r"\bEO (\d+)"), N_("EO {number}"), ("number",)),
    (re.compile(r"§\s?(\d+)"), N_("§{section}"), ("section",)),
    (re.compile(r"\b(\d+) U\.S\.C\. ch\. (\d+)"), N_("{title} U.S.C. chapter {chapter}"),
     ("title", "chapter")),
    (re.compile(r"\b(\d+) U\.S\.C\. (\d+)"), N_("{title} U.S.C. {section}"),
     ("title", "section")),
    (re.compile(r"\b(\d+) CFR ([0-9.]+)"), N_("{title} CFR {section}"), ("title", "section")),
)


def cite(citation: str, lang: str) -> str:
    """A citation in the document's language; English is left exactly as written."""
    if lang == "en" or not citation:
        return citation
    _ = gettext_for(lang)
    for pattern, message, names in _CITATION_PARTS:
        def local(match: re.Match[str], message: str = message,
                  names: tuple[str, ...] = names) -> str:
            return _(message).format(**dict(zip(names, match.groups(), strict=True)))

        citation = pattern.sub(local, citation)
    # Korean sets a parenthesis right after the word it explains: "제안요청(연방관보 …)".
    return re.sub(r"(?<=[\uac00-\ud7a3]) \(", "(", citation)


def telephone(number: str | None) -> str | None:
    """A telephone number as a document prints it: its spaces no-break spaces, so it never
    breaks across lines ("+82 2 555 | 0731")."""
    return number.replace(" ", "\u00a0") if number else number


def contact_line(contact: Contact | None, lang: str, *, printed: bool = False) -> str:
    """"Name, Title · e-mail · telephone" on one line, or ""; `printed` for a document
    (the number kept on one line), not for the terminal."""
    if contact is None:
        return ""
    who = inline(contact.name, lang)
    if contact.title is not None:
        who = f"{who}, {inline(contact.title, lang)}"
    phone = telephone(contact.phone) if printed else contact.phone
    return " · ".join(x for x in (who, contact.email, phone) if x)


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
    proposal: Proposal, profile: Profile, lang: str, *, draft: bool = False,
    public: bool = False,
) -> dict[str, Any]:
    """What the proposal template sees. `public` leaves out the parts marked confidential;
    a draft's annex shows the checks' status column (a filed document does not show
    internal review; the review copy adds it in build)."""
    _ = gettext_for(lang)
    members = {m.id: m for m in proposal.consortium.members}
    model = proposal.business_model
    parties = {**{e.id: e.name for e in model.external_entities},
               **{m.id: m.name for m in proposal.consortium.members}}

    def names(ids: Iterable[str]) -> str:
        return join_names((inline(parties[i], lang) for i in ids if i in parties), lang)

    def hidden(confidential: bool) -> bool:
        return public and confidential

    anchor = next((m for m in proposal.consortium.members if m.role == "anchor"), None)
    contact = signer_and_contact(proposal)[1]
    confidential = _confidential_parts(proposal)
    ctx = base_context(lang, profile)
    redacted = _(REDACTED)
    ctx.update(
        kind="proposal",
        title=text(proposal.title, lang),
        consortium_name=text(proposal.consortium.name, lang),
        anchor_name=inline(anchor.name, lang) if anchor else "",
        member_names=names(m.id for m in proposal.consortium.members),
        date=date_long(proposal.date, lang),
        submitted_to=(profile.proposal.call.agency.get(lang) if profile.proposal.call
                      else ""),
        call=_call(profile, lang, _),
        point_of_contact=contact_line(contact, lang, printed=True),
        legend=_legend(profile, lang) if confidential and not public else "",
        public_note=redacted if confidential and public else "",
        confidential_mark=_("BUSINESS CONFIDENTIAL"),
        redacted=redacted,
        toc_heading=_("Contents"),
        executive_summary=text(proposal.executive_summary, lang),
        members_intro=_("The consortium has {count} members. {anchor} is the anchor member and "
                        "submits this proposal.").format(
            count=len(proposal.consortium.members),
            anchor=inline(anchor.name, lang) if anchor else "",
        ),
        members=[_member_row(m, lang, _) for m in proposal.consortium.members],
        contacts=[
            {"member": inline(m.name, lang), "name": inline(m.contact.name, lang),
             "title": inline(m.contact.title, lang) if m.contact.title else "",
             "reach": "\n".join(x for x in (m.contact.email, telephone(m.contact.phone))
                                if x)}
            for m in proposal.consortium.members if m.contact is not None
        ],
        # Suppliers in a country of concern that members disclose (reported 2026 call rule).
        concern_suppliers=[
            {"member": inline(m.name, lang), "name": text(s.name, lang),
             "country": country_name(s.country, lang), "supplies": text(s.supplies, lang)}
            for m in proposal.consortium.members for s in m.suppliers_in_countries_of_concern
        ],
        layers=[_layer(proposal, key, lang, _, names, profile, public)
                for key in LAYER_KEYS],
        targets=[_target(t, lang, _, public) for t in proposal.targets],
        business={
            "confidential": model.confidential,
            "redacted": hidden(model.confidential),
            "summary": text(model.summary, lang),
            "manufacturers": names(model.manufacturers),
            "build": names(model.data_centers.build),
            "own": names(model.data_centers.own),
            "operate": names(model.data_centers.operate),
            "external": [
                {"name": inline(e.name, lang), "country": country_name(e.country, lang)}
                for e in model.external_entities
            ],
        },
        compliance={
            "export_controls": required_text(proposal.compliance.export_controls, lang),
            "outbound_investment": required_text(proposal.compliance.outbound_investment, lang),
            "end_user_policies": required_text(proposal.compliance.end_user_policies, lang),
        },
        milestones=[
            {"date": date_short(m.date, lang),
             "description": (redacted if hidden(m.confidential)
                             else _bracketed(text(m.description, lang), m.confidential))}
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
        show_status=draft,
    )
    ctx.update(_support(proposal, profile, lang, _, public))
    if public:
        ctx["page_header"] = _("PUBLIC VERSION")
    elif confidential:
        ctx["page_header"] = _("BUSINESS CONFIDENTIAL")
    if draft:
        ctx["draft_note"] = _("DRAFT: some text is given in one language only.")
        ctx["page_header"] = " · ".join(x for x in (_("DRAFT"), ctx["page_header"]) if x)
    return ctx


def signer_and_contact(proposal: Proposal) -> tuple[Member | None, Contact | None]:
    """The member the signatory signs for (else the anchor), and the proposal's point of
    contact: that member's contact, else the anchor's."""
    anchor = next((m for m in proposal.consortium.members if m.role == "anchor"), None)
    members = {m.id: m for m in proposal.consortium.members}
    signer = members.get(proposal.signatory.member or "") or anchor
    contact = (signer.contact if signer and signer.contact else
               (anchor.contact if anchor else None))
    return signer, contact


def holds_confidential(submission: Proposal | CommentLetter) -> bool:
    """Whether any part of a submission is marked confidential (the build says so)."""
    if isinstance(submission, CommentLetter):
        return any(a.confidential for a in submission.answers)
    return _confidential_parts(submission)


def _confidential_parts(proposal: Proposal) -> bool:
    """Whether any section or item of the proposal is marked confidential."""
    items: list[Any] = [getattr(proposal.stack, key) for key in LAYER_KEYS]
    items += [*proposal.targets, proposal.business_model, *proposal.federal_support,
              *proposal.milestones]
    return any(item.confidential for item in items)


def _bracketed(value: RichText | str, confidential: bool) -> RichText | str:
    """Confidential text in brackets, as ITA asks business confidential information to be
    marked where it appears (around the whole of a rich text, outside its Markdown)."""
    if not confidential or not value:
        return value
    if isinstance(value, RichText):
        return RichText(value.source, prefix="[" + value.prefix, suffix=value.suffix + "]")
    return f"[{value}]"


def _call(profile: Profile, lang: str, _: Callable[[str], str]) -> str:
    """The call a proposal answers, with its Federal Register citation, or ""."""
    call = profile.proposal.call
    if call is None:
        return ""
    return _("{call}, {citation}, published {published}").format(
        call=call.title.get(lang), citation=cite(f"FR Doc. {call.fr_doc}", lang),
        published=date_long(call.published, lang))


def _legend(profile: Profile, lang: str) -> str:
    legend = profile.proposal.confidential_legend
    if legend is None:
        _ = gettext_for(lang)
        return _("This proposal includes business confidential information, marked where it "
                 "appears.")
    return " ".join(legend.text.get(lang).split())


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
    public: bool = False,
) -> dict[str, Any]:
    layer = getattr(proposal.stack, key)
    section = SECTIONS[f"stack.{key}"]
    entry: dict[str, Any] = {
        "key": key,
        "letter": LAYER_LETTERS[key],
        "heading": f"{section.number} ({LAYER_LETTERS[key]}) {_(section.title)}",
        "providers": names(layer.providers),
        "description": _bracketed(text(layer.description, lang), layer.confidential),
        "hardware": key == "hardware",
        "confidential": layer.confidential,
        "redacted": public and layer.confidential,
        # The models layer names each model, its developer and country, open or closed.
        "ai_models": [
            {"name": m.name, "developer": m.developer,
             "country": country_name(m.developer_country, lang),
             "weights": _("Open weights") if m.open_weights else _("Closed weights")}
            for m in getattr(layer, "ai_models", [])
        ],
    }
    if key == "hardware":
        entry["us_manufacturing"] = required_text(layer.us_manufacturing, lang)
        if layer.us_origin_percent is None:
            entry["us_origin_statement"] = _(
                "The U.S.-origin share of the hardware layer's value is not stated."
            )
        else:
            # The share and the applicant's own case; the call's presumption is the
            # checks' business (US-CONTENT), not something a filed proposal volunteers.
            entry["us_origin_statement"] = _(
                "U.S.-origin content of the hardware layer: {share} of aggregate value."
            ).format(share=percent(layer.us_origin_percent, lang))
        entry["us_content_explanation"] = text(layer.us_content_explanation, lang)
    return entry


def _target(target: Any, lang: str, _: Callable[[str], str],
            public: bool = False) -> dict[str, Any]:
    rationale: RichText | str
    if public and target.confidential:
        rationale = _(REDACTED)
    else:
        rationale = _bracketed(required_text(target.rationale, lang), target.confidential)
    if target.country:
        return {
            "name": country_name(target.country, lang),
            "type": _("Country"),
            "rationale": rationale,
        }
    countries = join_names((country_name(c, lang) for c in target.bloc_countries), lang)
    name = inline(target.bloc, lang) if target.bloc else ""
    return {
        "name": f"{name}: {countries}" if countries else name,
        "type": _("Regional bloc"),
        "rationale": rationale,
    }


def _support(
    proposal: Proposal, profile: Profile, lang: str, _: Callable[[str], str],
    public: bool = False,
) -> dict[str, Any]:
    rows = []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    withheld = False
    for item in proposal.federal_support:
        instrument = profile.proposal.instrument(item.instrument)
        agency = profile.proposal.agency(item.agency)
        hide = public and item.confidential
        withheld = withheld or hide
        if item.amount is not None:
            totals[item.amount.currency] += item.amount.amount
        amount = (money_table(item.amount.amount, item.amount.currency, lang)
                  if item.amount else "—")
        rows.append({
            "instrument": instrument.name.get(lang),
            "agency": agency.name.get(lang),
            "amount": "[…]" if hide else _bracketed(amount, item.confidential and bool(
                item.amount)),
            "purpose": (_(REDACTED) if hide
                        else _bracketed(text(item.purpose, lang), item.confidential)),
            "citation": cite(instrument.citation, lang),
        })
    if withheld:
        # A total would give away the amounts left out.
        totals.clear()
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
                                       telephone(letter.commenter.phone)) if x)
    country = letterhead_country(letter.commenter.country, letter.commenter.address, profile,
                                 lang)
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
            "country": country,
            "contacts": contacts,
            "description": text(letter.commenter.description, lang),
        },
        date=date_long(letter.date, lang),
        reference=letter.reference or "",
        governing_note=(
            _("Korean review copy. The English text is the version filed with the agency and "
              "governs.") if not language(lang).filed else ""
        ),
        # One reference block: to whom, which notice, its citation and dockets, how sent;
        # the letter's own subject follows the caption on one line (RE / 제목).
        addressee={
            "agency": notice.agency.get(lang),
            "notice": f"{notice.title.get(lang)} — {notice.kind.get(lang)}",
            "citation": _("{fr_doc}, published {published}").format(
                fr_doc=cite(f"FR Doc. {notice.fr_doc}", lang),
                published=date_long(notice.published, lang)),
            "dockets": _dockets(notice, lang, _),
            "submit_via": _submit_via(notice, lang, _),
        },
        caption=notice.caption if lang == "en" else notice.caption_ko,
        subject=text(letter.subject, lang),
        intro_heading=_numbered_heading(1, _("Introduction"), lang),
        introduction=text(letter.introduction, lang),
        sections=sections,
        closing_heading=_numbered_heading(len(sections) + 2, _("Conclusion"), lang),
        closing=closing,
        signature=_letter_signature(letter, lang, _),
        redaction_notice=_(REDACTED),
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


def _country_names(code: str, profile: Profile) -> list[str]:
    """Every name a reader may know a country by: CLDR's in each document language, its
    ISO alpha-3 code, and the profile's own names for it."""
    names = [code, *(country_name(code, lang) for lang in LANGS)]
    names += [alias for alias, targets in get_global("territory_aliases").items()
              if len(alias) == 3 and alias.isalpha() and list(targets)[:1] == [code]]
    own = profile.country_names.get(code)
    if own is not None:
        names += [own.name.en, own.name.ko, *own.also]
    return names


def letterhead_country(code: str, address: Bilingual | None, profile: Profile,
                       lang: str) -> str:
    """The commenter's country for the line under its address, or "" when the address
    already names it (at the end of its last line, or at the start of its first, as Korean
    addresses run): a letterhead names the country once, in the document's language."""
    if address is not None:
        shown, _gap = pick({"en": address.en, "ko": address.ko}, lang)
        lines = [" ".join(line.split()) for line in shown.splitlines() if line.strip()]
        if lines:
            last = lines[-1].rstrip(" .,;").casefold()
            first = lines[0].casefold()
            for name in _country_names(code, profile):
                name = name.casefold()
                if re.search(rf"(?:^|[\s,]){re.escape(name)}$", last) or \
                        re.match(rf"{re.escape(name)}(?:[\s,]|$)", first):
                    return ""
    own = profile.country_names.get(code)
    return own.name.get(lang) if own is not None else country_name(code, lang)


def _dockets(notice: Notice, lang: str, _: Callable[[str], str]) -> str:
    """The notice's docket numbers under one label, as the notice words them."""
    ids = [d.removeprefix("Docket No. ") for d in notice.docket_ids]
    if len(ids) == 1:
        return _("Docket No. {docket}").format(docket=ids[0])
    return _("Docket Nos. {dockets}").format(dockets=join_names(ids, lang))


def _letter_signature(letter: CommentLetter, lang: str,
                      _: Callable[[str], str]) -> dict[str, Any]:
    """The signature block: a complimentary close and the signer's name, title and company
    in English; in Korean, after the body's "끝.", the sender (발신명의): company, then title
    and name on one line. Each line is a list of parts, set apart by a space."""
    name, title = text(letter.signatory.name, lang), text(letter.signatory.title, lang)
    company = text(letter.commenter.name, lang)
    if language(lang).closing_mark:
        return {"close": "", "lines": [[company], [title, name]]}
    return {"close": _("Respectfully submitted,"), "lines": [[name], [title], [company]]}


def _md_escape(value: str) -> str:
    """`value` as literal Markdown: every ASCII punctuation mark backslash-escaped."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", value)


def _submit_via(notice: Notice, lang: str, _: Callable[[str], str]) -> RichText | str:
    """The notice's channels; the Regulations.gov one a link to the docket's page there,
    showing the docket id as Regulations.gov lists it (the docket line keeps the notice's)."""
    channels = [channel.get(lang) for channel in notice.submit_via]
    url = notice.regulations_gov_url
    if not url:
        return _(" or ").join(channels)
    label = _("Regulations.gov, docket {docket}").format(docket=notice.regulations_gov_docket)
    link = f"[{_md_escape(label)}]({url})"
    shown = [_md_escape(c) for c in channels]
    at = next((i for i, c in enumerate(notice.submit_via) if "regulations.gov" in c.en.lower()),
              None)
    if at is None:
        shown.insert(0, link)
    else:
        shown[at] = link
    return RichText(_md_escape(_(" or ")).join(shown))


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
