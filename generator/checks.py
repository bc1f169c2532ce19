"""Program checks: findings about a submission, each with a rule id, a place and a citation.

Which rule verifies which program requirement is data in the profile (`rules` on each
required element), so the compliance matrix follows the profile, not this code. Each rule
is a function registered with `@rule` (see `generator/rules/__init__.py`), run once per file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from .acknowledge import settle
from .errors import Diagnostic
from .i18n import LANGS, N_, CountryCode, Msg, gettext_for, message
from .language import is_blank
from .models import LAYER_HEADINGS, LAYER_KEYS, Bilingual, CommentLetter, Proposal
from .program import Element, Notice, Profile
from .rules import Finding, Loc, cite, registered_rules, rule, run_rules
from .sections import where_addressed
from .suggest import closest
from .validation import did_you_mean
from .yaml_source import format_path, locate

SOFTWARE_LAYERS = ("data", "models", "security", "applications")
DATA_CENTER_VERBS = {"build": N_("build"), "own": N_("own"), "operate": N_("operate")}


def structural_findings(
    submission: Proposal | CommentLetter, profile: Profile
) -> Iterator[Finding]:
    """References inside the file that must hold before anything else can be said."""
    return iter(run_rules(submission, profile, structural=True))


class _Absent:
    """A key the raw file leaves out, or gives a value of the wrong shape: no text, no
    entries, and every attribute of it absent too."""

    def __bool__(self) -> bool:
        return False

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __getattr__(self, name: str) -> _Absent:
        return self


_ABSENT = _Absent()


class _RawView:
    """The loaded YAML, read with the models' attribute names, for the structural rules
    to run on a file that does not validate."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        return _raw(self._data.get(name, _ABSENT))


def _raw(value: Any) -> Any:
    if isinstance(value, dict):
        return _RawView(value)
    if isinstance(value, list):
        return [_raw(item) for item in value]
    return value


def raw_structural_findings(
    data: dict[str, Any], profile: Profile, error_locs: Iterable[Loc]
) -> list[Finding]:
    """The structural findings (a mistyped member id, two anchors) of a file whose
    validation failed elsewhere, so that one run names every problem: pydantic's
    after-validators never see a model whose other fields failed.

    A rule that cannot read the raw data (a field of the wrong type) says nothing, and a
    finding at, inside or around a field that already has a validation error is left out:
    that error comes first.
    """
    kind = data.get("kind")
    if kind not in ("proposal", "comment_letter"):
        return []
    view = _RawView(data)
    failed = [tuple(loc) for loc in error_locs]

    def overlaps(loc: Loc) -> bool:
        return any(loc[: len(bad)] == bad or bad[: len(loc)] == loc for bad in failed)

    findings: list[Finding] = []
    for registered in registered_rules().values():
        if not registered.structural or not registered.applies_to(kind):
            continue
        try:
            found = [cite(f, profile, kind) for f in registered.func(view, profile)]
        except (AttributeError, LookupError, TypeError, ValueError, RuntimeError,
                StopIteration):
            # The raw data is not of the shape the rule reads (a notice not given: the
            # rule's look-up runs dry); validation has said what is wrong with it.
            continue
        findings.extend(f for f in found if not overlaps(f.loc))
    return findings


def check_submission(
    submission: Proposal | CommentLetter, profile: Profile, *, structural: bool | None = None
) -> list[Finding]:
    """Every finding about one submission, in the order the rules are registered.

    `structural=False` leaves out the structural rules, which loading has run already.
    """
    return run_rules(submission, profile, structural=structural)


# --- proposals ---------------------------------------------------------------------------


@rule("MEMBER-ID-UNIQUE", kind="proposal", structural=True)
def _member_id_unique(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    members = proposal.consortium.members
    seen: set[str] = set()
    for index, member in enumerate(members):
        if member.id in seen:
            yield Finding(
                "MEMBER-ID-UNIQUE", "error", ("consortium", "members", index, "id"),
                N_("member id '{id}' is used twice; give each member its own id"),
                {"id": member.id},
            )
        seen.add(member.id)


@rule("ANCHOR-MEMBER", kind="proposal", structural=True)
def _anchor_member(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    members = proposal.consortium.members
    anchors = [i for i, m in enumerate(members) if m.role == "anchor"]
    if not anchors:
        yield Finding(
            "ANCHOR-MEMBER", "error", ("consortium", "members"),
            N_("no member has 'role: anchor'; mark the lead entity that submits the proposal"),
        )
    for index in anchors[1:]:
        yield Finding(
            "ANCHOR-MEMBER", "error", ("consortium", "members", index, "role"),
            N_("a consortium has exactly one anchor member; '{first}' is already the anchor"),
            {"first": members[anchors[0]].id},
        )


@rule("STACK-LAYER", kind="proposal", structural=True)
def _stack_layer(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    known = {m.id for m in proposal.consortium.members}
    for layer in LAYER_KEYS:
        for index, ref in enumerate(getattr(proposal.stack, layer).providers):
            if ref not in known:
                yield Finding(
                    "STACK-LAYER", "error", ("stack", layer, "providers", index),
                    N_("'{ref}' is not the id of a consortium member, so this layer has a "
                       "provider outside the consortium; known ids: {known}"),
                    {"ref": ref, "known": ", ".join(sorted(known)),
                     "suggestion": closest(ref, sorted(known))},
                )


@rule("MEMBER-REF", kind="proposal", structural=True)
def _member_ref(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    known = {m.id for m in proposal.consortium.members}
    refs: list[tuple[Loc, str]] = []
    for index, ref in enumerate(proposal.business_model.manufacturers):
        refs.append((("business_model", "manufacturers", index), ref))
    yield from _data_center_refs(proposal, known)
    if proposal.signatory.member:
        refs.append((("signatory", "member"), proposal.signatory.member))
    for loc, ref in refs:
        if ref not in known:
            yield Finding(
                "MEMBER-REF", "error", loc,
                N_("'{ref}' is not the id of a consortium member; known ids: {known}"),
                {"ref": ref, "known": ", ".join(sorted(known)),
                 "suggestion": closest(ref, sorted(known))},
            )



@rule("CALL-WINDOW", kind="proposal")
def _call_window(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    window = profile.proposal.call_window
    if window is not None and not window.opens <= proposal.date <= window.closes:
        yield Finding(
            "CALL-WINDOW", "warning", ("date",),
            N_("the call takes proposals from {opens} to {closes}; this one is dated {date}"),
            {"opens": window.opens.isoformat(), "closes": window.closes.isoformat(),
             "date": proposal.date.isoformat()},
        )


@rule("US-MANUFACTURING", kind="proposal")
def _us_manufacturing(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    hardware = proposal.stack.hardware
    if hardware.us_manufacturing is None:
        yield Finding(
            "US-MANUFACTURING", "error", ("stack", "hardware"),
            N_("say whether and to what extent the hardware is manufactured in the United "
               "States ('us_manufacturing')"),
        )


@rule("US-CONTENT", kind="proposal")
def _us_content(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    hardware = proposal.stack.hardware
    threshold = Decimal(str(profile.proposal.us_content_threshold_percent))
    if hardware.us_origin_percent is None:
        yield Finding(
            "US-CONTENT", "error", ("stack", "hardware"),
            N_("give the U.S.-origin share of the hardware layer's value "
               "('us_origin_percent'); the call presumes the U.S.-content component met from "
               "{threshold}% up"),
            {"threshold": threshold},
        )
    elif hardware.us_origin_percent < threshold:
        yield Finding(
            "US-CONTENT", "warning", ("stack", "hardware", "us_origin_percent"),
            N_("U.S.-origin content is {share}%, under the {threshold}% at which the call "
               "presumes the U.S.-content component met; explain how the package meets it"),
            {"share": hardware.us_origin_percent, "threshold": threshold},
        )


@rule("COUNTRY-OF-CONCERN", kind="proposal")
def _country_of_concern(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    members = proposal.consortium.members
    concern = set(profile.proposal.countries_of_concern.codes)
    for index, member in enumerate(members):
        for key in ("country", "headquarters", "controlled_from"):
            code = getattr(member, key)
            if code in concern:
                yield Finding(
                    "COUNTRY-OF-CONCERN", "error", ("consortium", "members", index, key),
                    N_("'{member}' is located in, or owned or controlled from, {code}, a "
                       "country of concern; such entities may not take part"),
                    {"member": member.name, "code": CountryCode(code)},
                )


@rule("SOFTWARE-PROVIDER-COUNTRY", kind="proposal")
def _software_provider_country(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    members = proposal.consortium.members
    restricted = set(profile.proposal.restricted_software_provider_countries.codes)
    by_id = {m.id: m for m in members}
    for layer in SOFTWARE_LAYERS:
        for index, ref in enumerate(getattr(proposal.stack, layer).providers):
            provider = by_id.get(ref)
            if provider and {provider.country, provider.headquarters} & restricted:
                yield Finding(
                    "SOFTWARE-PROVIDER-COUNTRY", "warning",
                    ("stack", layer, "providers", index),
                    N_("'{member}' provides the layer '{layer}' but is based in {code}, whose "
                       "laws can compel data sharing with its government (reported rule of "
                       "the call; confirm against the notice)"),
                    {"member": provider.name, "layer": Msg(LAYER_HEADINGS[layer]),
                     "code": ", ".join(
                         sorted({provider.country, provider.headquarters} & restricted))},
                )


@rule("TARGETS", kind="proposal")
def _targets(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    if not proposal.targets:
        yield Finding(
            "TARGETS", "error", ("targets",),
            N_("name at least one target country or regional bloc"),
        )
    for index, target in enumerate(proposal.targets):
        if target.rationale is None:
            yield Finding(
                "TARGETS", "error", ("targets", index),
                N_("give a rationale for this target"),
            )


@rule("TARGET-EXPORT-CONTROL", kind="proposal")
def _target_export_control(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    for index, target in enumerate(proposal.targets):
        codes = [target.country] if target.country else list(target.bloc_countries)
        for group in profile.proposal.export_control_attention:
            hits = sorted(set(codes) & set(group.codes))
            if hits:
                yield Finding(
                    "TARGET-EXPORT-CONTROL", "warning",
                    ("targets", index, "country" if target.country else "bloc_countries"),
                    N_("{codes} is among the {group} (as of {as_of}); check export-control "
                       "licensing before proposing it as a target"),
                    {"codes": ", ".join(hits), "group": group.name,
                     "as_of": group.as_of.isoformat()},
                )


@rule("BUSINESS-MODEL", kind="proposal")
def _business_model(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    model = proposal.business_model
    if not model.manufacturers:
        yield Finding(
            "BUSINESS-MODEL", "error", ("business_model",),
            N_("name the members that manufacture the hardware ('manufacturers')"),
        )
    for role in ("build", "own", "operate"):
        if not getattr(model.data_centers, role):
            yield Finding(
                "BUSINESS-MODEL", "error", ("business_model", "data_centers"),
                N_("name who will {verb} the data centers ('data_centers.{role}')"),
                {"role": role, "verb": Msg(DATA_CENTER_VERBS[role])},
            )


@rule("FEDERAL-SUPPORT", kind="proposal")
def _federal_support(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    rules = profile.proposal
    if not proposal.federal_support:
        yield Finding(
            "FEDERAL-SUPPORT", "error", ("federal_support",),
            N_("detail the federal incentives and support mechanisms requested"),
        )
    for index, item in enumerate(proposal.federal_support):
        instrument = rules.instrument(item.instrument)
        if instrument.financial and item.amount is None:
            yield Finding(
                "FEDERAL-SUPPORT", "error", ("federal_support", index),
                N_("a {instrument} request needs an amount ('amount: {{amount: ..., "
                   "currency: USD}}')"),
                {"instrument": instrument.id},
            )
        if instrument.agency and item.agency != instrument.agency:
            yield Finding(
                "FEDERAL-SUPPORT", "warning", ("federal_support", index, "agency"),
                N_("{instrument} is provided by {expected} ({citation}), not {agency}"),
                {"instrument": instrument.id, "expected": instrument.agency,
                 "citation": instrument.citation, "agency": item.agency},
            )


@rule("COMPLIANCE", kind="proposal")
def _compliance(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    for key in ("export_controls", "outbound_investment", "end_user_policies"):
        if getattr(proposal.compliance, key) is None:
            yield Finding(
                "COMPLIANCE", "error", ("compliance",),
                N_("add the '{key}' compliance statement"), {"key": key},
            )


def _data_center_refs(proposal: Proposal, members: set[str]) -> Iterator[Finding]:
    """Who builds, owns and operates the data centers: members or the business model's
    external entities (a host government's company, a local utility), each by id; an id
    that is neither is a typo, and an entity may not take a member's id."""
    model = proposal.business_model
    external = {e.id for e in model.external_entities}
    for index, entity in enumerate(model.external_entities):
        if entity.id in members:
            yield Finding(
                "MEMBER-ID-UNIQUE", "error", ("business_model", "external_entities", index, "id"),
                N_("'{id}' is already the id of a consortium member; give the external "
                   "entity its own id"), {"id": entity.id},
            )
    known = members | external
    for role in ("build", "own", "operate"):
        for index, ref in enumerate(getattr(model.data_centers, role)):
            if ref not in known:
                yield Finding(
                    "MEMBER-REF", "error", ("business_model", "data_centers", role, index),
                    N_("'{ref}' is neither a consortium member nor an external entity of the "
                       "business model; known ids: {known}"),
                    {"ref": ref, "known": ", ".join(sorted(known))},
                )


@rule("US-CONTENT-EXPLANATION", kind="proposal")
def _us_content_explanation(proposal: Proposal, profile: Profile) -> Iterator[Finding]:
    """Under the call's threshold the proposal prints the share with the applicant's own
    case for it; without `us_content_explanation` it would print the share alone."""
    hardware = proposal.stack.hardware
    threshold = Decimal(str(profile.proposal.us_content_threshold_percent))
    if (hardware.us_origin_percent is not None and hardware.us_origin_percent < threshold
            and hardware.us_content_explanation is None):
        yield Finding(
            "US-CONTENT-EXPLANATION", "warning", ("stack", "hardware", "us_origin_percent"),
            N_("the U.S.-origin share is under {threshold}%; explain in "
               "'us_content_explanation' how the package meets the U.S.-content component, "
               "so the proposal says it next to the share"),
            {"threshold": threshold},
        )


# --- comment letters ---------------------------------------------------------------------

# Words per page of 12-point text on a Letter page with 1-inch margins, and Hangul
# characters per page; rough, only to warn before a page limit is reached.
WORDS_PER_PAGE = 500
HANGUL_CHARS_PER_PAGE = 1100


def _notice_source(notice: Notice) -> str:
    """A letter's rules cite the notice they answer."""
    return f"FR Doc. {notice.fr_doc}"


@rule("QUESTION-ID", kind="comment_letter", structural=True)
def _question_id(letter: CommentLetter, profile: Profile) -> Iterator[Finding]:
    notice = profile.notice(letter.notice)
    for index, answer in enumerate(letter.answers):
        if not notice.knows(answer.question):
            yield Finding(
                "QUESTION-ID", "error", ("answers", index, "question"),
                N_("'{id}' is not a question or section of the notice; known: {known}"),
                {"id": answer.question, "known": ", ".join(notice.answerable_ids)},
                _notice_source(notice),
            )


@rule("QUESTION-ONCE", kind="comment_letter", structural=True)
def _question_once(letter: CommentLetter, profile: Profile) -> Iterator[Finding]:
    notice = profile.notice(letter.notice)
    seen: dict[str, int] = {}
    for index, answer in enumerate(letter.answers):
        if not notice.knows(answer.question):
            continue
        if answer.question in seen:
            yield Finding(
                "QUESTION-ONCE", "error", ("answers", index, "question"),
                N_("'{id}' is already answered in answer {first}; put both texts in one answer"),
                {"id": answer.question, "first": seen[answer.question] + 1},
            )
        seen.setdefault(answer.question, index)


@rule("SECTION-TITLE", kind="comment_letter")
def _section_title(letter: CommentLetter, profile: Profile) -> Iterator[Finding]:
    notice = profile.notice(letter.notice)
    source = _notice_source(notice)
    for index, answer in enumerate(letter.answers):
        if not notice.knows(answer.question):
            continue
        section = notice.section_of(answer.question)
        if section is not None and section.title_inferred:
            yield Finding(
                "SECTION-TITLE", "warning", ("answers", index, "question"),
                N_("the title of section {section} ('{title}') is inferred from the notice's "
                   "summary, not read in the notice; confirm it against the notice"),
                {"section": section.id, "title": section.title, "source": source}, source,
            )


@rule("NOTICE-CAPTION", kind="comment_letter")
def _notice_caption(letter: CommentLetter, profile: Profile) -> Iterator[Finding]:
    notice = profile.notice(letter.notice)
    if not notice.caption.strip() or not notice.docket_ids:
        yield Finding(
            "NOTICE-CAPTION", "error", ("notice",),
            N_("the program profile gives no caption or docket number for notice '{notice}'; "
               "update the profile"),
            {"notice": notice.id}, _notice_source(notice),
        )


@rule("NOTICE-DEADLINE", kind="comment_letter")
def _notice_deadline(letter: CommentLetter, profile: Profile) -> Iterator[Finding]:
    notice = profile.notice(letter.notice)
    if letter.date > notice.deadline:
        yield Finding(
            "NOTICE-DEADLINE", "warning", ("date",),
            N_("comments on this notice were due on {deadline}"),
            {"deadline": notice.deadline.isoformat()}, _notice_source(notice),
        )


@rule("PAGE-LIMIT", kind="comment_letter")
def _page_limit(letter: CommentLetter, profile: Profile) -> Iterator[Finding]:
    notice = profile.notice(letter.notice)
    if notice.page_limit:
        pages = estimate_pages(letter)
        if pages > notice.page_limit:
            yield Finding(
                "PAGE-LIMIT", "warning", ("answers",),
                N_("about {pages} pages at 12 pt, more than the notice's limit of {limit}"),
                {"pages": pages, "limit": notice.page_limit}, _notice_source(notice),
            )


def estimate_pages(letter: CommentLetter) -> int:
    """Pages of the English letter at 12 pt: one for the letterhead and address block, then
    the text at about 500 words a page."""
    texts = [letter.introduction, letter.commenter.description, letter.closing]
    texts += [a.text for a in letter.answers]
    words = sum(len(t.get("en").split()) for t in texts)
    return 1 + -(-words // WORDS_PER_PAGE)


# --- both --------------------------------------------------------------------------------


@rule("TRANSLATION")
def _translation_findings(
    submission: Proposal | CommentLetter, profile: Profile
) -> Iterator[Finding]:
    for loc, value in _bilinguals(submission, ()):
        for lang in LANGS:
            # Zero-width characters alone are no translation (language.is_blank).
            if is_blank(getattr(value, lang)):
                yield Finding(
                    "TRANSLATION", "warning", (*loc, lang),
                    N_("the '{lang}' text is missing; the {lang} document shows the other "
                       "language here"),
                    {"lang": lang},
                )


# Errors in a normal build, warnings in a draft: a draft is where they are still allowed.
DRAFT_WARNINGS = frozenset({"PLACEHOLDER"})
# Warnings in a draft, errors in a normal build (the model lets drafts through).
DRAFT_ONLY = frozenset({"TRANSLATION"})


def draft_severity(findings: list[Finding], draft: bool) -> list[Finding]:
    """Findings with the severity a normal build or a `--draft` build gives them."""
    relaxed, strict = (DRAFT_WARNINGS, frozenset()) if draft else (frozenset(), DRAFT_ONLY)
    return [
        replace(f, severity="warning") if f.rule in relaxed
        else replace(f, severity="error") if f.rule in strict
        else f
        for f in findings
    ]


RICH_COUNTS = {
    "paragraphs": N_("paragraphs"),
    "items": N_("list items"),
    "references": N_("footnotes"),
}


@rule("RICHTEXT-STRUCTURE")
def _rich_text_structure(
    submission: Proposal | CommentLetter, profile: Profile
) -> Iterator[Finding]:
    """A field's English and Korean differ in paragraphs, list items or footnotes (the
    side-by-side copy and a reviewer pair them one to one), or a footnote text has no
    reference, so no document shows it."""
    from .richtext import could_have_structure, parse

    for loc, value in _bilinguals(submission, ()):
        en_text, ko_text = value.en or "", value.ko or ""
        if not (could_have_structure(en_text) or could_have_structure(ko_text)):
            continue  # one paragraph each: nothing to compare, and no footnotes
        en, ko = parse(en_text), parse(ko_text)
        if en_text.strip() and ko_text.strip():  # else TRANSLATION says so
            for attribute, label in RICH_COUNTS.items():
                en_count, ko_count = getattr(en, attribute), getattr(ko, attribute)
                if en_count != ko_count:
                    yield Finding(
                        "RICHTEXT-STRUCTURE", "warning", loc,
                        N_("the English text has {en} {what} and the Korean text {ko}; give "
                           "both the same structure"),
                        {"en": en_count, "ko": ko_count, "what": Msg(label)},
                    )
        for lang, doc in (("en", en), ("ko", ko)):
            for label in doc.unused_notes:
                yield Finding(
                    "RICHTEXT-STRUCTURE", "warning", (*loc, lang),
                    N_("the footnote [^{label}] is never referred to, so no document shows "
                       "it; add [^{label}] where it belongs or delete it"),
                    {"label": label},
                )


def _bilinguals(value: Any, loc: Loc) -> Iterator[tuple[Loc, Bilingual]]:
    if isinstance(value, Bilingual):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _bilinguals(getattr(value, name), (*loc, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bilinguals(item, (*loc, index))


def cross_file_findings(
    letters: list[tuple[int, CommentLetter]], profile: Profile
) -> Iterator[tuple[int, Finding]]:
    """One response per institution: the same commenter twice on one notice."""
    seen: dict[tuple[str, str], int] = {}
    for file_index, letter in letters:
        if not profile.notice(letter.notice).one_response_per_respondent:
            continue
        key = (letter.notice, letter.commenter.name.get("en").casefold())
        if key in seen:
            notice = profile.notice(letter.notice)
            yield file_index, Finding(
                "ONE-RESPONSE", "warning", ("commenter", "name"),
                N_("the notice accepts one response per institution, and another file "
                   "already answers it for this commenter"),
                citation=f"FR Doc. {notice.fr_doc}",
            )
        seen.setdefault(key, file_index)


# --- compliance matrix -------------------------------------------------------------------

STATUS = {"met": N_("Met"), "attention": N_("Check"), "missing": N_("Not met"),
          "acknowledged": N_("Accepted")}


def reviewed_findings(
    submission: Proposal | CommentLetter, profile: Profile, *, draft: bool = False,
    structural: bool | None = None, extra: Iterable[Finding] = (),
) -> tuple[list[Finding], list[Finding]]:
    """(findings still open, warnings the file acknowledges): every rule run once, with a
    `--draft` build's severities, then the `acknowledge:` list applied. The one way build,
    `check` and pull's comparison build reach the findings, so the compliance matrix
    shows the same status in each. `extra`: findings from outside the rules (DRIFT)."""
    findings = check_submission(submission, profile, structural=structural)
    findings.extend(extra)
    return settle(draft_severity(findings, draft), submission)


def _related(element: Element, findings: list[Finding], profile: Profile) -> list[Finding]:
    """The findings of the rules that verify `element`. A rule that verifies several
    elements (STACK-LAYER for each layer) counts for the element whose section holds the
    finding; a rule of one element counts wherever it is."""
    prefix = tuple(element.section.split("."))
    shared = Counter(r for e in profile.proposal.required_elements for r in e.rules)
    return [
        f for f in findings
        if f.rule in element.rules and (shared[f.rule] == 1 or f.loc[: len(prefix)] == prefix)
    ]


def element_status(element: Element, findings: list[Finding], profile: Profile,
                   acknowledged: list[Finding] | None = None) -> str:
    """met / attention / missing / acknowledged, from the findings of the rules that
    verify `element`: a warning the team acknowledged is neither open nor gone."""
    related = _related(element, findings, profile)
    if any(f.severity == "error" for f in related):
        return "missing"
    if related:
        return "attention"
    if _related(element, acknowledged or [], profile):
        return "acknowledged"
    return "met"


def compliance_matrix(
    findings: list[Finding], profile: Profile, lang: str,
    acknowledged: list[Finding] | None = None,
) -> list[dict[str, str]]:
    """One row per required element: requirement, citation, where addressed, status.
    `acknowledged`: the warnings the file settled (`reviewed_findings`)."""
    _ = gettext_for(lang)
    rows = []
    for element in profile.proposal.required_elements:
        status = element_status(element, findings, profile, acknowledged)
        rows.append({
            "id": element.id,
            "requirement": element.title.get(lang),
            "citation": element.citation,
            "section": where_addressed(element.section, _),
            "status": _(STATUS[status]),
            "status_key": status,
        })
    return rows


# --- reports -----------------------------------------------------------------------------


def _suggestion(finding: Finding, lang: str) -> str:
    """A finding about a mistyped reference names the id it most likely means."""
    return did_you_mean(finding.ctx.get("suggestion"), lang)


def _line_of(text: str, needle: str, start: tuple[int, int]) -> tuple[int, int]:
    """The line and column of `needle` in the text of the field that starts at `start`
    (its own line, then a block scalar's lines below it); `start` when not found."""
    lines = text.split("\n")
    first = start[0] - 1
    if first >= len(lines):
        return start
    if needle in lines[first][start[1] - 1:]:
        return start[0], lines[first].index(needle, start[1] - 1) + 1
    indent: int | None = None
    for number in range(first + 1, len(lines)):
        line = lines[number]
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip(" "))
        if indent is None:
            indent = depth
        if depth < indent:
            break
        if needle in line:
            return number + 1, line.index(needle) + 1
    return start


def locate_finding(finding: Finding, loaded: Any, lang: str) -> Diagnostic:
    """The finding placed in its file and worded in the reader's language."""
    line, column = locate(loaded.tree, finding.loc)
    if finding.needle:
        line, column = _line_of(loaded.text, finding.needle, (line, column))
    return Diagnostic(
        loaded.display, line, column, format_path(finding.loc),
        message(finding.rule, finding.template, finding.ctx, lang) + _suggestion(finding, lang),
        finding.severity, finding.rule, finding.citation, finding.template, finding.ctx,
    )
