"""`propgen validate --explain`: the submission as its reader would understand it.

A file can be valid and still say something the team did not mean (`SK` is Slovakia, an
amount with a zero too many, a host utility named as owner instead of operator). This prints
what propgen read, in words: members with country names in the user's language, the anchor,
targets by name, amounts as a writer puts them, who builds, owns and operates, what is
confidential and what `--public` leaves out. A proposal is explained section by section, in
the order of `sections.PROPOSAL_SECTIONS`: every section there has its explainer here, so a
new section cannot be left out (a test holds the two to each other).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from .context import contact_line, inline, join_names, signer_and_contact
from .i18n import N_, country_name, date_long, gettext_for, money_prose, percent
from .models import LAYER_KEYS, Bilingual, CommentLetter, Compliance, Proposal
from .program import Profile
from .sections import PROPOSAL_SECTIONS, where_addressed

ROLES = {"anchor": N_("anchor member (submits the proposal)"), "member": N_("member")}
EXCERPT_COLUMNS = 76

Gettext = Callable[[str], str]
Explainer = Callable[[Proposal, Profile, str, Gettext], list[str]]


def _country(code: str, lang: str) -> str:
    return f"{country_name(code, lang)}{'' if lang == 'ko' else ' '}({code})"


def _excerpt(value: Bilingual | None, lang: str, _: Gettext) -> str:
    """The start of a text on one line, in quotes, cut to fit a terminal (a Hangul syllable
    takes two columns); "not given" for a text the file leaves out."""
    if value is None:
        return _("(not given)")
    words = " ".join(value.get(lang).split())
    width = 0
    for index, char in enumerate(words):
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if width > EXCERPT_COLUMNS:
            return f"“{words[:index].rstrip()}…”"
    return f"“{words}”"


def _mark(confidential: bool, lang: str, _: Gettext) -> str:
    """"(confidential)" after an item; Korean sets a parenthesis right after the word."""
    if not confidential:
        return ""
    return ("" if lang == "ko" else " ") + _("(confidential)")


def explain(submission: Proposal | CommentLetter, profile: Profile, lang: str) -> list[str]:
    """Lines that say what the file means, in `lang`."""
    if isinstance(submission, Proposal):
        return _proposal(submission, profile, lang)
    return _letter(submission, profile, lang)


def _proposal(proposal: Proposal, profile: Profile, lang: str) -> list[str]:
    _ = gettext_for(lang)
    lines = [_("Proposal: {title}").format(title=inline(proposal.title, lang))]
    for section in PROPOSAL_SECTIONS:
        lines.append(where_addressed(section.key, _))
        lines += ["  " + line for line in EXPLAINERS[section.key](proposal, profile, lang, _)]
    return lines + _confidential_parts(proposal, profile, lang, _)


def _parties(proposal: Proposal, lang: str) -> dict[str, str]:
    """Names by id: the members' and the business model's external entities'."""
    outside = {e.id: inline(e.name, lang) for e in proposal.business_model.external_entities}
    return {**outside, **{m.id: inline(m.name, lang) for m in proposal.consortium.members}}


def _names(ids: list[str], proposal: Proposal, lang: str) -> str:
    parties = _parties(proposal, lang)
    return join_names((parties.get(i, i) for i in ids), lang)


def _cover(proposal: Proposal, profile: Profile, lang: str, _: Gettext) -> list[str]:
    lines = [_("dated {date}, consortium {name}").format(
        date=date_long(proposal.date, lang), name=inline(proposal.consortium.name, lang))]
    call = profile.proposal.call
    if call is not None:
        lines.append(_("submitted to {agency}, answering {call} (FR Doc. {fr_doc})").format(
            agency=call.agency.get(lang), call=call.title.get(lang), fr_doc=call.fr_doc))
    if _confidential_items(proposal, profile, lang, _):
        lines.append(_("carries the proprietary legend: the proposal holds business "
                       "confidential information (listed at the end)"))
    return lines


def _executive_summary(proposal: Proposal, profile: Profile, lang: str,
                       _: Gettext) -> list[str]:
    return [_excerpt(proposal.executive_summary, lang, _)]


def _consortium(proposal: Proposal, profile: Profile, lang: str, _: Gettext) -> list[str]:
    lines = []
    for member in proposal.consortium.members:
        lines.append("- " + _("{name} ({id}), {role}").format(
            name=inline(member.name, lang), id=member.id, role=_(ROLES[member.role])))
        lines.append("  " + _(
            "incorporated in {country}; headquarters in {headquarters}; owned or controlled "
            "from {controlled}").format(
            country=_country(member.country, lang),
            headquarters=_country(member.headquarters, lang),
            controlled=_country(member.controlled_from, lang)))
        for supplier in member.suppliers_in_countries_of_concern:
            lines.append("  " + _("supplier in a country of concern: {name}, {country}; "
                                  "supplies: {supplies}").format(
                supplies=inline(supplier.supplies, lang), name=inline(supplier.name, lang),
                country=_country(supplier.country, lang)))
    return lines


def _stack(proposal: Proposal, profile: Profile, lang: str, _: Gettext) -> list[str]:
    return [_("the layers below, each with the members that provide it")]


def _layer(key: str) -> Explainer:
    def explain_layer(proposal: Proposal, profile: Profile, lang: str,
                      _: Gettext) -> list[str]:
        layer = getattr(proposal.stack, key)
        lines = [_("provided by {names}").format(names=_names(layer.providers, proposal, lang))
                 + _mark(layer.confidential, lang, _)]
        share = getattr(layer, "us_origin_percent", None)
        if share is not None:
            lines.append(_("U.S.-origin content of the hardware layer: {share}").format(
                share=percent(share, lang)))
        for model in getattr(layer, "ai_models", []):
            weights = _("open weights") if model.open_weights else _("closed weights")
            lines.append("- " + _("{model}, developed by {developer} in {country}, "
                                  "{weights}").format(
                model=model.name, developer=model.developer,
                country=_country(model.developer_country, lang), weights=weights))
        return lines
    return explain_layer


def _targets(proposal: Proposal, profile: Profile, lang: str, _: Gettext) -> list[str]:
    lines = []
    for target in proposal.targets:
        if target.country:
            where = _country(target.country, lang)
        else:
            bloc = inline(target.bloc, lang) if target.bloc else ""
            where = f"{bloc}: " + ", ".join(_country(c, lang) for c in target.bloc_countries)
        lines.append(f"- {where}{_mark(target.confidential, lang, _)}")
    return lines or [_("(not given)")]


def _business_model(proposal: Proposal, profile: Profile, lang: str,
                    _: Gettext) -> list[str]:
    model = proposal.business_model
    lines = [_excerpt(model.summary, lang, _) + _mark(model.confidential, lang, _)]
    # The labels of the document's own table.
    for label, ids in ((N_("Builds the data centers"), model.data_centers.build),
                       (N_("Owns the data centers"), model.data_centers.own),
                       (N_("Operates the data centers"), model.data_centers.operate),
                       (N_("Manufactures the hardware"), model.manufacturers)):
        lines.append(f"{_(label)}: {_names(ids, proposal, lang) or _('(none given)')}")
    for entity in model.external_entities:
        lines.append(_("{name} ({id}): outside the consortium, based in {country}").format(
            name=inline(entity.name, lang), id=entity.id, country=_country(entity.country, lang)))
    return lines


def _federal_support(proposal: Proposal, profile: Profile, lang: str,
                     _: Gettext) -> list[str]:
    lines = []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for request in proposal.federal_support:
        instrument = profile.proposal.instrument(request.instrument).name.get(lang)
        agency = profile.proposal.agency(request.agency).name.get(lang)
        amount = _("no amount given")
        if request.amount:
            amount = money_prose(request.amount.amount, request.amount.currency, lang)
            totals[request.amount.currency] += request.amount.amount
        lines.append(f"- {instrument}, {agency}: {amount}{_mark(request.confidential, lang, _)}")
    if totals:
        lines.append(_("in total: {amounts}").format(amounts=_(" and ").join(
            money_prose(amount, currency, lang) for currency, amount in sorted(totals.items()))))
    return lines or [_("(not given)")]


def _compliance(proposal: Proposal, profile: Profile, lang: str, _: Gettext) -> list[str]:
    return [_("one statement for each, below")]


def _statement(key: str) -> Explainer:
    def explain_statement(proposal: Proposal, profile: Profile, lang: str,
                          _: Gettext) -> list[str]:
        return [_excerpt(getattr(proposal.compliance, key), lang, _)]
    return explain_statement


def _milestones(proposal: Proposal, profile: Profile, lang: str, _: Gettext) -> list[str]:
    return [f"- {date_long(m.date, lang)}{_mark(m.confidential, lang, _)}: "
            + inline(m.description, lang)
            for m in sorted(proposal.milestones, key=lambda m: m.date)] or [_("(not given)")]


def _signature(proposal: Proposal, profile: Profile, lang: str, _: Gettext) -> list[str]:
    signer, contact = signer_and_contact(proposal)
    lines = [_("signed by {name}, {title}, for {organization}").format(
        name=inline(proposal.signatory.name, lang), title=inline(proposal.signatory.title, lang),
        organization=inline(signer.name, lang) if signer else "?")]
    lines.append(_("point of contact: {contact}").format(
        contact=contact_line(contact, lang) or _("(not given)")))
    return lines


EXPLAINERS: dict[str, Explainer] = {
    "cover": _cover,
    "executive_summary": _executive_summary,
    "consortium": _consortium,
    "stack": _stack,
    **{f"stack.{key}": _layer(key) for key in LAYER_KEYS},
    "targets": _targets,
    "business_model": _business_model,
    "federal_support": _federal_support,
    "compliance": _compliance,
    **{f"compliance.{key}": _statement(key) for key in Compliance.model_fields},
    "milestones": _milestones,
    "signature": _signature,
}


def _confidential_items(proposal: Proposal, profile: Profile, lang: str,
                        _: Gettext) -> list[str]:
    """Each part marked confidential, as "section: item"."""
    items = [where_addressed(f"stack.{key}", _) for key in LAYER_KEYS
             if getattr(proposal.stack, key).confidential]
    targets = where_addressed("targets", _)
    items += [f"{targets}: " + (_country(t.country, lang) if t.country else
                                inline(t.bloc, lang) if t.bloc else "?")
              for t in proposal.targets if t.confidential]
    if proposal.business_model.confidential:
        items.append(where_addressed("business_model", _))
    support = where_addressed("federal_support", _)
    items += [f"{support}: {profile.proposal.instrument(r.instrument).name.get(lang)}, "
              f"{profile.proposal.agency(r.agency).name.get(lang)}"
              for r in proposal.federal_support if r.confidential]
    milestones = where_addressed("milestones", _)
    items += [f"{milestones}: {date_long(m.date, lang)}"
              for m in sorted(proposal.milestones, key=lambda m: m.date) if m.confidential]
    return items


def _confidential_parts(proposal: Proposal, profile: Profile, lang: str,
                        _: Gettext) -> list[str]:
    items = _confidential_items(proposal, profile, lang, _)
    if not items:
        return [_("Business confidential: nothing is marked confidential")]
    lines = [_("Business confidential, marked in brackets, every page headed "
               "\"{mark}\":").format(mark=_("BUSINESS CONFIDENTIAL"))]
    lines += [f"  - {item}" for item in items]
    note = _("propgen build --public builds the public version without these parts")
    if any(r.confidential for r in proposal.federal_support):
        note = _("propgen build --public builds the public version without these parts and "
                 "without the support totals")
    return [*lines, "  " + note]


def _letter(letter: CommentLetter, profile: Profile, lang: str) -> list[str]:
    _ = gettext_for(lang)
    notice = profile.notice(letter.notice)
    commenter = letter.commenter
    lines = [
        _("Comment letter on {notice} ({kind}, FR Doc. {fr_doc})").format(
            notice=notice.title.get(lang), kind=notice.kind.get(lang), fr_doc=notice.fr_doc),
        _("dated {date}, from {name}, {country}").format(
            date=date_long(letter.date, lang), name=inline(commenter.name, lang),
            country=_country(commenter.country, lang)),
    ]
    if commenter.address is not None:
        lines.append("  " + _("address: {address}").format(
            address=inline(commenter.address, lang)))
    reach = " · ".join(x for x in (commenter.website, commenter.email, commenter.phone) if x)
    lines.append("  " + _("contact: {contact}").format(contact=reach or _("(not given)")))
    if letter.reference:
        lines.append("  " + _("your own document number: {reference}").format(
            reference=letter.reference))
    lines += [
        _("signed by {name}, {title}").format(
            name=inline(letter.signatory.name, lang), title=inline(letter.signatory.title, lang)),
        _("Subject: {subject}").format(subject=inline(letter.subject, lang) if letter.subject
                                       else _("(not given)")),
        _("Answers:"),
    ]
    for answer in letter.answers:
        question = notice.question(answer.question)
        section = notice.section_of(answer.question)
        if question is not None:
            about = question.text.get(lang)
        elif section is not None:
            about = _("the whole section: {title}").format(title=section.title.get(lang))
        else:
            about = "?"
        lines.append(f"  - {answer.question}{_mark(answer.confidential, lang, _)}: {about}")
        if answer.confidential:
            lines.append("    " + _("why not disclosed: {justification}").format(
                justification=_excerpt(answer.justification, lang, _)))
    confidential = [a.question for a in letter.answers if a.confidential]
    if not confidential:
        return [*lines, _("Business confidential: nothing is marked confidential")]
    return [*lines,
            _("Business confidential: {answers}, every page headed \"{mark}\"").format(
                answers=", ".join(confidential), mark=_("BUSINESS CONFIDENTIAL")),
            "  " + _("propgen build --public builds the public version, with a bracketed "
                     "notice in place of these answers")]
