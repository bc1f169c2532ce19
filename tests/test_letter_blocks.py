"""A comment letter's blocks as a company signs and sends it (issue #11): the country once
in the letterhead, one reference block and one subject line, the notice's own title, and
room to sign kept with the signer's name, in English, Korean and the side-by-side copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from test_filing import body_text, build, variant

from generator.context import letterhead_country
from generator.loader import load_profile
from generator.models import Bilingual
from generator.program import Profile

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "samples" / "letter-onnuri.yaml"
ADDRESS_EN = '    en: "88 Teheran-ro, Gangnam-gu, Seoul 06164, Republic of Korea"\n'
ADDRESS_KO = '    ko: "서울특별시 강남구 테헤란로 88 (우 06164)"\n'


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile()


@pytest.mark.parametrize(("en", "ko"), [
    ("88 Teheran-ro, Gangnam-gu, Seoul 06164, Republic of Korea", "서울 강남구 테헤란로 88, 대한민국"),
    ("88 Teheran-ro\nGangnam-gu, Seoul 06164\nSouth Korea", "서울 강남구 테헤란로 88\n한국"),
    ("88 Teheran-ro, Seoul 06164, KOREA.", "대한민국 서울특별시 강남구 테헤란로 88"),
    ("88 Teheran-ro, Seoul 06164 Korea", "서울특별시 강남구 테헤란로 88 (우 06164) 대한민국"),
])
def test_an_address_that_names_the_country_is_not_followed_by_it(
        profile: Profile, en: str, ko: str) -> None:
    address = Bilingual(en=en, ko=ko)
    assert letterhead_country("KR", address, profile, "en") == ""
    assert letterhead_country("KR", address, profile, "ko") == ""


def test_otherwise_the_country_is_named_once_as_the_reader_expects(profile: Profile) -> None:
    address = Bilingual(en="88 Teheran-ro, Seoul 06164", ko="서울특별시 강남구 테헤란로 88")
    # Babel's everyday name is "South Korea"; a U.S. agency reads "Republic of Korea".
    assert letterhead_country("KR", address, profile, "en") == "Republic of Korea"
    assert letterhead_country("KR", address, profile, "ko") == "대한민국"
    assert letterhead_country("KR", None, profile, "en") == "Republic of Korea"
    # Other countries take babel's names, and are recognised by them (and ISO alpha-3).
    us = Bilingual(en="1 Main St, Austin, TX 78701", ko="미국 텍사스주 오스틴")
    assert letterhead_country("US", us, profile, "en") == "United States"
    assert letterhead_country("US", us, profile, "ko") == ""
    assert letterhead_country(
        "US", Bilingual(en="Austin, TX 78701, USA", ko="오스틴"), profile, "en") == ""
    # A word that merely ends in the name is not the country.
    assert letterhead_country(
        "KR", Bilingual(en="12 Cheonggyecheon-ro, Seoul, Koreatown Bldg", ko="서울"),
        profile, "en") == "Republic of Korea"


@pytest.fixture(scope="module")
def no_country(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample letter with an English address that does not name the country."""
    tmp = tmp_path_factory.mktemp("no-country")
    source = variant(tmp, LETTER, (ADDRESS_EN, '    en: "88 Teheran-ro, Gangnam-gu, Seoul 06164"\n'))
    return build(tmp, source)


def test_the_letterhead_names_the_country_in_the_documents_language(no_country: Path) -> None:
    for lang, country in (("en", "Republic of Korea"), ("ko", "대한민국")):
        lines = body_text(no_country / f"case.{lang}.docx").splitlines()
        assert lines[2] == country, lang
        assert "South Korea" not in lines[:6]
    bilingual = body_text(no_country / "case.bilingual.docx").splitlines()
    assert bilingual.count("Republic of Korea") == 1 and bilingual.count("대한민국") == 1


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("letter"), LETTER)


def test_the_addressee_block_gives_the_notices_title_as_the_notice_does(built: Path) -> None:
    """The extension notice (FR Doc. 2025-21722) is titled "Request for Information; ..."."""
    en = body_text(built / "letter-onnuri.en.docx").splitlines()
    assert "American AI Exports Program — Request for Information" in en
    assert "Request for information" not in "\n".join(en)
    bilingual = body_text(built / "letter-onnuri.bilingual.docx")
    assert "American AI Exports Program — Request for Information" in bilingual.splitlines()


def test_one_reference_block_in_the_side_by_side_copy_too(built: Path) -> None:
    lines = body_text(built / "letter-onnuri.bilingual.docx").splitlines()
    assert lines.count("Docket Nos. ITA-ITA-2025-0070 and 251023-0165") == 1
    assert lines.count("문서 번호(Docket No.) ITA-ITA-2025-0070 및 251023-0165") == 1
    assert [line for line in lines if line.startswith(("RE:", "Subject:", "건명:", "제목:"))] == [
        "RE: Participation of allied companies as trusted partners in AI export consortia",
        "제목: 미국산 AI 수출 프로그램 컨소시엄에 동맹국 기업의 신뢰하는 파트너 참여 요청"]


def _signature(path: Path, first: str) -> list[Paragraph]:
    """The paragraphs from the one whose text is `first` to the end of the body."""
    paragraphs = Document(str(path)).paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text.endswith(first))
    return paragraphs[start:]


def _keep(paragraph: Paragraph, name: str) -> bool:
    """A paragraph property as Word resolves it: direct, else through the styles."""
    fmt = paragraph.paragraph_format
    style = paragraph.style
    value = getattr(fmt, name)
    while value is None and style is not None:
        value = getattr(style.paragraph_format, name)
        style = style.base_style
    return bool(value)


@pytest.mark.parametrize(("lang", "first", "lines"), [
    ("en", "Respectfully submitted,", ["Park Seo-yeon",
                                       "Executive Vice President, Global Public Affairs",
                                       "Onnuri Semiconductor Co., Ltd."]),
    # Korean: the body ends with 끝., then the sender (발신명의): company, title and name.
    ("ko", "끝.", ["온누리반도체", "글로벌대외협력 부사장 박서연"]),
])
def test_the_signature_block_leaves_room_to_sign_kept_with_the_name(
        built: Path, lang: str, first: str, lines: list[str]) -> None:
    block = _signature(built / f"letter-onnuri.{lang}.docx", first)
    texts = [p.text for p in block]
    space = next(p for p in block if p.style is not None and p.style.name == "Signature Space")
    after = block[block.index(space) + 1:]
    assert [p.text for p in after] == lines
    # About three blank lines: one line exactly 36 pt high, with no text.
    assert space.style is not None
    fmt = space.style.paragraph_format
    assert space.text == ""
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing >= Pt(36)
    # Everything from the closing to the name keeps with the next paragraph, each whole.
    for paragraph in block[:block.index(space) + 2]:
        assert _keep(paragraph, "keep_with_next"), (lang, paragraph.text)
    for paragraph in block[block.index(space):]:
        assert _keep(paragraph, "keep_together"), (lang, paragraph.text)
    if lang == "ko":
        assert "삼가 제출합니다." not in texts and texts[0].endswith("제공하겠습니다.  끝.")


def test_the_side_by_side_copy_sets_both_signature_blocks(built: Path) -> None:
    lines = body_text(built / "letter-onnuri.bilingual.docx").splitlines()
    assert lines.count("Respectfully submitted,") == 1 and "삼가 제출합니다." not in lines
    assert "글로벌대외협력 부사장 박서연" in lines and "Park Seo-yeon" in lines
