"""OPEN-WEIGHT-MODEL: the models layer names each model's developer country and whether its
weights are open; an open-weight model from a country of concern is an error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.loader import load_profile

Invoke = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"
PROFILE = ROOT / "generator" / "profiles" / "ai-exports-2026.yaml"
MODEL = ("      - name: Meridian Lumen 34B\n        developer: \"Meridian Models, Inc.\"\n"
         "        developer_country: US\n        open_weights: false\n")


def with_model(tmp_path: Path, country: str, open_weights: bool) -> Path:
    text = PROPOSAL.read_text("utf-8")
    assert MODEL in text
    extra = (f"      - name: Borrowed-70B\n        developer: Some Lab\n"
             f"        developer_country: {country}\n"
             f"        open_weights: {'true' if open_weights else 'false'}\n")
    path = tmp_path / "p.yaml"
    path.write_text(text.replace(MODEL, MODEL + extra), "utf-8")
    return path


def test_the_rule_is_profile_data_with_its_source() -> None:
    barred = load_profile().proposal.open_weight_model_countries
    assert barred is not None and barred.status == "reported" and barred.source == "call-2026"
    assert set(barred.codes) == {"CN", "HK", "MO"}


def test_an_open_weight_model_from_a_country_of_concern_is_an_error(
    tmp_path: Path, invoke: Invoke
) -> None:
    path = with_model(tmp_path, "CN", True)
    result = invoke("check", path)
    assert result.exit_code == 1
    [line] = [x for x in result.output.splitlines() if "OPEN-WEIGHT-MODEL" in x]
    assert " error [OPEN-WEIGHT-MODEL] stack.models.ai_models[1]: 'Borrowed-70B' is an " \
        "open-weight model developed by Some Lab in China (CN), a country of concern" in line
    assert line.endswith("(reported))")
    korean = invoke("check", "--lang", "ko", path).output
    assert "오류 [OPEN-WEIGHT-MODEL]" in korean and "중국(CN)" in korean
    built = invoke("build", path, "-o", tmp_path / "out")
    assert built.exit_code == 1  # not built: the check errors


@pytest.mark.parametrize(("country", "open_weights"), [("CN", False), ("US", True)])
def test_closed_weights_or_another_country_pass(
    tmp_path: Path, invoke: Invoke, country: str, open_weights: bool
) -> None:
    result = invoke("check", with_model(tmp_path, country, open_weights))
    assert "OPEN-WEIGHT-MODEL" not in result.output, result.output


def test_a_profile_without_the_rule_checks_nothing(tmp_path: Path, invoke: Invoke) -> None:
    text = PROFILE.read_text("utf-8")
    start = text.index("  # Consortia may not use open-weight models")
    end = text.index("    status: reported\n", start) + len("    status: reported\n")
    profile = tmp_path / "profile.yaml"
    profile.write_text(text[:start] + text[end:], "utf-8")
    result = invoke("check", with_model(tmp_path, "CN", True), "--program", profile)
    assert "OPEN-WEIGHT-MODEL" not in result.output, result.output
