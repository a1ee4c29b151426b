"""A deeply nested file is refused with a clear message, in the bot and the CLI, never with a
RecursionError (tomllib recurses once per level)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalogue import t
from bot.cli import main
from bot.offline.driver import OfflineBot, texts
from db.toml_input import MAX_NESTING, TomlInput, too_deep
from tests.conftest import ADMIN_ID
from tests.factories import Factory

# 100,000 nested arrays in 200 KB, as in the review.
BOMB = "number = " + "[" * 100_000 + "]" * 100_000 + "\n"


def test_the_bomb_is_an_issue_not_a_recursion_error() -> None:
    parsed = TomlInput(BOMB)
    assert not parsed.parsed
    assert [(i.key, i.line) for i in parsed.issues] == [("file_err_nested", 1)]


def test_inline_tables_count_too() -> None:
    assert too_deep("a = " + "{b = " * 50 + "1" + "}" * 50) == 1


@given(st.integers(min_value=0, max_value=MAX_NESTING))
def test_nesting_up_to_the_limit_is_read(depth: int) -> None:
    source = "a = " + "[" * depth + "1" + "]" * depth + "\n" if depth else "a = 1\n"
    assert TomlInput(source).parsed


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    source = 'a = "' + "[" * 50 + '"\n# ' + "{" * 50 + "\nb = '''\n" + "[" * 50 + "\n'''\n"
    assert too_deep(source) is None
    assert TomlInput(source).parsed


def test_the_cli_refuses_the_file_without_a_traceback(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COUNCILBOT_CONFIG", raising=False)
    monkeypatch.setenv("COUNCILBOT_DATABASE_URL", database_url)
    bomb = tmp_path / "bomb.toml"
    bomb.write_text(BOMB, encoding="utf-8")
    for argv in (["import", str(bomb), "--lang", "en"], ["registry", "load", str(bomb)]):
        assert main(argv) == 1
        _, err = capsys.readouterr()
        assert "Traceback" not in err
        assert "nests too deeply" in err or "lồng quá sâu" in err, err


async def test_the_bot_refuses_the_file(
    bot: OfflineBot, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    factory.council()
    admin = factory.user(None)
    admin = type(admin)(ADMIN_ID, "Quản trị")
    bot.transport.add_file("bomb", BOMB.encode(), "bomb.toml")
    said = texts(await bot.send(admin, "/import", document=("bomb", "bomb.toml")))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(str(t("vi", "file_err_nested", limit=MAX_NESTING)) in text for text in said), said
