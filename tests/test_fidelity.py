"""Program fidelity rules: program id, letter date against the notice, bloc members."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

Invoke = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "samples" / "letter-onnuri.yaml"
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"


def variant(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text("utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / source.name
    path.write_text(text.replace(old, new), "utf-8")
    return path


def test_a_program_id_other_than_the_profiles_is_a_warning(tmp_path: Path, invoke: Invoke) -> None:
    text = LETTER.read_text("utf-8").replace("notice: rfi-2025\n",
                                             "program: ai-exports-2025\nnotice: rfi-2025\n", 1)
    path = tmp_path / "letter.yaml"
    path.write_text(text, "utf-8")
    result = invoke("check", path)
    assert result.exit_code == 0
    assert (":6:10: warning [PROGRAM-ID] program: the file names the program 'ai-exports-2025', "
            "but the profile in use is 'ai-exports-2026'") in result.output
    same = text.replace("program: ai-exports-2025", "program: ai-exports-2026")
    path.write_text(same, "utf-8")
    assert "PROGRAM-ID" not in invoke("check", path).output


def test_a_letter_dated_before_its_notice_is_a_warning(tmp_path: Path, invoke: Invoke) -> None:
    path = variant(tmp_path, LETTER, "date: 2025-12-12", "date: 2025-10-12")
    result = invoke("check", path)
    assert ("warning [NOTICE-PUBLISHED] date: the letter is dated 2025-10-12, before the notice "
            "was published on 2025-10-28; check the date (FR Doc. 2025-19674)") in result.output
    korean = invoke("check", "--lang", "ko", path).output
    assert "경고 [NOTICE-PUBLISHED] date: " in korean and "2025-10-28" in korean
    assert "NOTICE-PUBLISHED" not in invoke("check", LETTER).output


def test_a_bloc_without_its_countries_is_an_error(tmp_path: Path, invoke: Invoke) -> None:
    path = variant(tmp_path, PROPOSAL, "    bloc_countries: [PH, MY, TH]\n", "")
    text = path.read_text("utf-8")
    line = text[: text.index("  - bloc: {en: ASEAN")].count("\n") + 1
    result = invoke("check", path)
    assert result.exit_code == 1
    assert (f":{line}:5: error [BLOC-COUNTRIES] targets[2].bloc: list the bloc's member countries "
            "under 'bloc_countries'") in result.output


def test_regulations_gov_links_use_its_own_docket_id_while_the_letter_cites_the_notice() -> None:
    from generator.loader import load_profile

    notice = load_profile().notice("rfi-2025")
    assert notice.regulations_gov_url == "https://www.regulations.gov/docket/ITA-2025-0070"
    assert notice.docket_ids[0] == "ITA-ITA-2025-0070"  # the notice's wording, for the docket line
