"""`--help` and click's usage errors in Korean with a Korean locale or `--lang ko`."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator

import click
import pytest
from click.testing import Result

from generator.cli import cli
from generator.click_i18n import click_translations, help_paragraphs
from generator.i18n import gettext_for

Invoke = Callable[..., Result]


def commands() -> Iterator[tuple[str, click.Command]]:
    yield "propgen", cli
    yield from sorted(cli.commands.items())


def test_build_help_in_korean_with_a_korean_locale(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    result = invoke("build", "--help")
    assert result.exit_code == 0
    out = result.output
    # (CliRunner names the program after the function, `cli`.)
    assert out.startswith("사용법: cli build [OPTIONS] INPUTS...\n")
    assert "YAML 파일이나 폴더에서 영어, 한국어, 영한 대역 Word 문서를 만듭니다." in out
    assert "\n옵션:\n" in out and "문서를 저장할 폴더입니다.  [기본값: out]" in out
    assert "  종료 코드: 0 완료" in out
    assert "propgen build samples/ -o out/ --pdf" in out  # examples stay runnable
    assert "Usage:" not in out and "Options:" not in out and "Show this message" not in out


def test_a_usage_error_in_korean(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    result = invoke("build", "--nope")
    assert result.exit_code == 2
    assert "사용법: cli build [OPTIONS] INPUTS..." in result.output
    assert "도움말은 'cli build --help'(으)로 볼 수 있습니다." in result.output
    assert "오류: '--nope' 옵션은 없습니다." in result.output
    missing = invoke("validate")
    assert "오류: 빠진 인수: 'FILES...'." in missing.output, missing.output
    unknown = invoke("bild")
    assert "오류: 'bild' 명령은 없습니다. 'build'의 오타가 아닌지 확인하십시오." in unknown.output


def test_lang_option_anywhere_and_english_again_afterwards(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    korean = invoke("check", "--lang", "ko", "--help")
    assert "제출 문서를 프로그램 규정에 비추어 근거와 함께 점검합니다." in korean.output
    assert "--lang=ko" not in korean.output
    with monkeypatch.context() as patch:
        patch.setenv("LC_ALL", "ko_KR.UTF-8")
        group = invoke("--help").output
    assert "--version   버전을 표시하고 끝냅니다." in group and "\n명령:\n" in group
    english = invoke("check", "--help")
    assert english.output.startswith("Usage: cli check [OPTIONS] FILES...\n")
    assert "Check submissions against the program's rules, with citations." in english.output
    assert "Error: No such option '--nope'." in invoke("check", "--nope").output


@pytest.mark.parametrize(("name", "command"), list(commands()))
def test_every_help_text_has_korean(name: str, command: click.Command) -> None:
    """Every paragraph of every command's help, and every option's help, is translated
    (a paragraph that is only command lines may stay as it is)."""
    ko = gettext_for("ko")
    english = command.__dict__.get("_propgen_en", {}).get("help") or command.help
    assert english, name
    for _marker, body in help_paragraphs(inspect.cleandoc(english)):
        assert ko(body) != body, (name, body)
    helps = command.__dict__.get("_propgen_en", {}).get("params") or [
        getattr(p, "help", None) for p in command.params]
    for text in helps:
        if text:
            assert ko(text) != text or click_translations("ko").gettext(text) != text, text


def test_clicks_own_catalog_covers_its_usage_messages() -> None:
    ko = click_translations("ko").gettext
    for msgid in ("Usage:", "Options", "Commands", "Error: {message}",
                  "No such option {name!r}.", "No such command {name!r}.",
                  "Missing argument", "Try '{command} {option}' for help.",
                  "Show this message and exit.", "Invalid value for {param_hint}: {message}"):
        assert ko(msgid) != msgid, msgid
