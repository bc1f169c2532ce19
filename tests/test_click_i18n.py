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


def every_command(group: click.Command = cli, path: tuple[str, ...] = ()
                  ) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in sorted(getattr(group, "commands", {}).items()):
        yield from every_command(sub, (*path, name))


def columns(line: str) -> int:
    """Terminal columns: an East Asian wide character (Hangul) takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in line)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_no_help_line_is_wider_than_the_terminal(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """click wraps help by characters, and a Korean line ran to 120 columns; it is wrapped
    by display width now, in every command and subcommand (COLUMNS=80)."""
    monkeypatch.setenv("COLUMNS", "80")
    if lang == "ko":  # a locale rather than --lang, which groups do not take
        monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    paths = list(every_command())
    assert ("translate", "import") in paths and len(paths) > 15
    for path in paths:
        result = invoke(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        assert ("사용법: " in result.output) == (lang == "ko")
        wide = [line for line in result.output.splitlines() if columns(line) > 80]
        assert wide == [], (path, wide)
    out = invoke("pull", "--help").output
    # Prose is refilled, between words; an example command stays whole on its line.
    assert "\n    propgen pull reviewed/proposal.ko.docx --into proposal.yaml\n" in out
    if lang == "ko":
        assert "반영할 변경 내용을 보여 주고, 저장하기 전에 확인을\n  받습니다" in out
        assert "[필수]" in out and "[required]" not in out


def test_help_follows_a_narrow_terminal_in_korean() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "60", "LANG": "ko_KR.UTF-8"}
    out = subprocess.run([sys.executable, "-m", "generator", "pull", "--help"], env=env,
                         capture_output=True, text=True, check=True).stdout
    assert "사용법: " in out
    prose = [line for line in out.splitlines() if "propgen pull reviewed" not in line]
    assert max(columns(line) for line in prose) <= 60
    assert max(columns(line) for line in prose) > 50  # filled, not cut short
