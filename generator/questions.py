"""The notice's questions at hand: `propgen questions` and the answer stubs of `init letter`.

Both read the profile, so a question text added there (as the full notice is found) shows up
in the listing and in new starters without a code change. Sections whose questions the
profile does not hold, and titles inferred rather than read, are said to be so.
"""

from __future__ import annotations

from .i18n import N_, date_long, gettext_for
from .program import Notice, Profile

INFERRED = N_("title inferred from the notice's summary; confirm it against the notice")
NOT_RECOVERED = N_(
    "the profile holds no question texts for this section; read them in the notice "
    "(FR Doc. {fr_doc}) and answer the section as a whole, or add them to the profile"
)
TRANSLATED = N_("Korean question texts are propgen's translations; the notice is in English.")


class UnknownNotice(LookupError):
    """A notice id the profile does not have."""


def find_notice(profile: Profile, notice_id: str | None) -> list[Notice]:
    """The notice asked for, or every notice of the profile when none is named."""
    if notice_id is None:
        return list(profile.notices)
    if notice_id not in profile.notice_ids:
        raise UnknownNotice(notice_id)
    return [profile.notice(notice_id)]


def outline(notice: Notice, lang: str) -> list[str]:
    """Every section and question of `notice`, English and Korean, as lines to print."""
    _ = gettext_for(lang)
    lines = [
        f"{notice.id}: {notice.title.get(lang)} — {notice.kind.get(lang)} "
        f"(FR Doc. {notice.fr_doc}, {notice.docket_ids[0]})",
        _("comments due {date}").format(date=date_long(notice.deadline, lang)),
        _(TRANSLATED),
        "",
    ]
    for section in notice.sections:
        title = f"{section.id}  {section.title.en} / {section.title.ko}"
        if section.title_inferred:
            title += f"  [{_(INFERRED)}]"
        lines.append(title)
        for question in section.questions:
            lines.append(f"  {question.id:<5} {question.text.en}")
            lines.append(f"  {'':<5} {question.text.ko}")
        if not section.questions:
            lines.append("        " + _(NOT_RECOVERED).format(fr_doc=notice.fr_doc))
    return lines


def answer_stubs(notice: Notice) -> str:
    """The `answers:` block of a letter starter: one commented stub per question (or per
    section, where the profile holds no question texts), so a team deletes what it skips."""
    en, ko = (gettext_for(lang) for lang in ("en", "ko"))
    out = [
        "# Below, one entry per question of the notice: delete the entries you skip.",
        "# 아래에 공고의 질문마다 한 항목씩 있습니다. 답하지 않을 항목은 지우십시오.",
        "# See every question with: propgen questions " + notice.id,
        "# 질문 전체는 propgen questions " + notice.id + " 로 볼 수 있습니다.",
        "answers:",
    ]
    for section in notice.sections:
        header_en = f"  # {section.id}. {section.title.en}"
        header_ko = f"  # {section.id}. {section.title.ko}"
        if section.title_inferred:
            header_en += f" ({en(INFERRED)})"
            header_ko += f" ({ko(INFERRED)})"
        out += [header_en, header_ko]
        if section.questions:
            for question in section.questions:
                out += [f"  # {question.id} {question.text.en}",
                        f"  # {question.id} {question.text.ko}"]
                out += _stub(question.id)
        else:
            out += [f"  # {en(NOT_RECOVERED).format(fr_doc=notice.fr_doc)}",
                    f"  # {ko(NOT_RECOVERED).format(fr_doc=notice.fr_doc)}"]
            out += _stub(section.id)
    out += [
        "  # An answer with business confidential information needs a justification.",
        "  # 영업 기밀 정보가 담긴 답변에는 비공개 사유를 함께 적어야 합니다.",
        "  # Add under that answer (replaced by a notice in: propgen build --public):",
        "  # 해당 답변 아래에 추가하십시오"
        "(공개본 propgen build --public 에서는 안내 문구로 바뀝니다).",
        "  #   confidential: true",
        "  #   justification:",
        '  #     en: "FILL-IN: why this should not be disclosed, and the legal authority claimed"',
        '  #     ko: "FILL-IN: 비공개 사유와 근거 법령"',
    ]
    return "\n".join(out) + "\n"


def _stub(question_id: str) -> list[str]:
    return [
        f"  - question: {question_id}",
        "    text:",
        '      en: "FILL-IN: your answer"',
        '      ko: "FILL-IN: 답변"',
    ]
