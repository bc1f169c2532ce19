"""`propgen validate --explain`: what the file means, in the user's language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

Invoke = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"
LETTER = ROOT / "samples" / "letter-onnuri.yaml"


def test_explain_a_proposal_in_english(invoke: Invoke) -> None:
    result = invoke("validate", "--explain", PROPOSAL)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{PROPOSAL}: ok"
    assert "  - Lodestar Compute, Inc. (lodestar), anchor member (submits the proposal)" in lines
    assert ("    incorporated in South Korea (KR); headquarters in South Korea (KR); owned or "
            "controlled from South Korea (KR)") in lines
    assert "  - ASEAN: Philippines (PH), Malaysia (MY), Thailand (TH)" in lines
    assert "  - Direct loan, Export-Import Bank of the United States (EXIM): $1 billion" in lines
    assert "U.S.-origin content of the hardware layer: 62%" in lines


def test_explain_in_korean_names_countries_and_amounts_in_korean(invoke: Invoke) -> None:
    result = invoke("validate", "--explain", "--lang", "ko", PROPOSAL, LETTER)
    out = result.output
    assert "  - 로드스타 컴퓨트(lodestar), 주관 기업(제안서 제출)" in out
    assert "설립국 대한민국(KR), 본사 소재국 대한민국(KR), 소유·지배국 대한민국(KR)" in out
    assert "  - 직접 대출, 미국 수출입은행(EXIM): 10억 달러" in out
    assert "작성일 2025년 12월 12일, 제출자: 온누리반도체, 대한민국(KR)" in out
    assert "  - C: 섹션 전체: 컨소시엄 구성 및 참여" in out


def test_explain_shows_slovakia_where_a_team_typed_sk(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(PROPOSAL.read_text("utf-8").replace("      country: KR", "      country: SK", 1),
                    "utf-8")
    result = invoke("validate", "--explain", path)
    assert "    incorporated in Slovakia (SK); headquarters in South Korea (KR)" in result.output


def test_without_explain_only_ok(invoke: Invoke) -> None:
    assert invoke("validate", PROPOSAL).output == f"{PROPOSAL}: ok\n"
