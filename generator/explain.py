"""`propgen validate --explain`: the submission as its reader would understand it.

A file can be valid and still say something the team did not mean (`SK` is Slovakia, an
amount with a zero too many). This prints what propgen read, in words: members with country
names in the user's language, the anchor, targets by name, amounts as a writer puts them.
"""

from __future__ import annotations

from .i18n import N_, country_name, date_long, gettext_for, money_prose, percent
from .models import LAYER_HEADINGS, LAYER_KEYS, CommentLetter, Proposal
from .program import Profile

ROLES = {"anchor": N_("anchor member (submits the proposal)"), "member": N_("member")}


def _country(code: str, lang: str) -> str:
    return f"{country_name(code, lang)}{'' if lang == 'ko' else ' '}({code})"


def explain(submission: Proposal | CommentLetter, profile: Profile, lang: str) -> list[str]:
    """Lines that say what the file means, in `lang`."""
    if isinstance(submission, Proposal):
        return _proposal(submission, profile, lang)
    return _letter(submission, profile, lang)


def _proposal(proposal: Proposal, profile: Profile, lang: str) -> list[str]:
    _ = gettext_for(lang)
    lines = [
        _("Proposal: {title}").format(title=proposal.title.get(lang)),
        _("dated {date}, consortium {name}").format(
            date=date_long(proposal.date, lang), name=proposal.consortium.name.get(lang)),
        _("Members:"),
    ]
    for member in proposal.consortium.members:
        lines.append("  - " + _("{name} ({id}), {role}").format(
            name=member.name.get(lang), id=member.id, role=_(ROLES[member.role])))
        lines.append("    " + _(
            "incorporated in {country}; headquarters in {headquarters}; owned or controlled "
            "from {controlled}").format(
            country=_country(member.country, lang),
            headquarters=_country(member.headquarters, lang),
            controlled=_country(member.controlled_from, lang)))
    names = {m.id: m.name.get(lang) for m in proposal.consortium.members}
    lines.append(_("Stack layers and their providers:"))
    for layer in LAYER_KEYS:
        providers = getattr(proposal.stack, layer).providers
        lines.append(f"  - {_(LAYER_HEADINGS[layer])}: "
                     + ", ".join(names.get(p, p) for p in providers))
    share = proposal.stack.hardware.us_origin_percent
    if share is not None:
        lines.append(_("U.S.-origin content of the hardware layer: {share}").format(
            share=percent(share, lang)))
    lines.append(_("Targets:"))
    for target in proposal.targets:
        if target.country:
            lines.append(f"  - {_country(target.country, lang)}")
        else:
            bloc = target.bloc.get(lang) if target.bloc else ""
            countries = ", ".join(_country(c, lang) for c in target.bloc_countries)
            lines.append(f"  - {bloc}: {countries}")
    if proposal.federal_support:
        lines.append(_("Federal support requested:"))
    for request in proposal.federal_support:
        instrument = profile.proposal.instrument(request.instrument).name.get(lang)
        agency = profile.proposal.agency(request.agency).name.get(lang)
        amount = (money_prose(request.amount.amount, request.amount.currency, lang)
                  if request.amount else _("no amount given"))
        lines.append(f"  - {instrument}, {agency}: {amount}")
    return lines


def _letter(letter: CommentLetter, profile: Profile, lang: str) -> list[str]:
    _ = gettext_for(lang)
    notice = profile.notice(letter.notice)
    commenter = letter.commenter
    lines = [
        _("Comment letter on {notice} ({kind}, FR Doc. {fr_doc})").format(
            notice=notice.title.get(lang), kind=notice.kind.get(lang), fr_doc=notice.fr_doc),
        _("dated {date}, from {name}, {country}").format(
            date=date_long(letter.date, lang), name=commenter.name.get(lang),
            country=_country(commenter.country, lang)),
        _("signed by {name}, {title}").format(
            name=letter.signatory.name.get(lang), title=letter.signatory.title.get(lang)),
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
        mark = " " + _("(confidential)") if answer.confidential else ""
        lines.append(f"  - {answer.question}{mark}: {about}")
    return lines
