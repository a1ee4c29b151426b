"""Ids typed in commands and carried by buttons: one parser with the database's range, so a
20-digit number or a forged button is answered in the user's language, never a crash."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalogue import t
from bot.commands import CALLBACK_ACCESS
from bot.offline.driver import OfflineBot, answers
from db.errors import AppError, NotFound
from db.ids import MAX_ROW_ID, button_id, id_in_range, parse_id
from db.models import Role
from tests.factories import Factory

HUGE = "99999999999999999999"


@given(st.integers(min_value=1, max_value=MAX_ROW_ID))
def test_every_id_in_range_reads_back(value: int) -> None:
    assert parse_id(str(value)) == value
    assert parse_id(f"#{value}") == value
    assert button_id(str(value)) == value


@given(st.integers(min_value=MAX_ROW_ID + 1) | st.integers(max_value=0))
def test_every_id_out_of_range_is_not_found(value: int) -> None:
    assert id_in_range(str(value)) is None
    with pytest.raises(AppError):
        button_id(str(value))
    if value >= 0:
        with pytest.raises(NotFound):
            parse_id(str(value))


@pytest.mark.parametrize("text", ["²", "٣", "1.0", "1e3", "+1", " ", "", "#", "１"])
def test_only_ascii_digits_are_ids(text: str) -> None:
    assert parse_id(text) is None
    with pytest.raises(AppError):
        button_id(text)


def test_thousands_of_digits_are_refused_without_converting_them() -> None:
    # int() refuses strings over 4,300 digits with ValueError: never reach it.
    with pytest.raises(NotFound):
        parse_id("9" * 10_000)


COMMANDS_WITH_IDS = [
    f"/update {HUGE} xong",
    f"/update #{HUGE} 50% xong",
    f"/edit {HUGE} title Tên mới",
    f"/cancel {HUGE}",
    f"/meeting {HUGE}",
    f"/meeting {HUGE} cancel",
    f"/history {HUGE}",
    f"/status {HUGE}",
    f"/revoke #{HUGE}",
    f"/revoke {HUGE}",
    f"/revoke {'9' * 30}",
]


@pytest.mark.parametrize("command", COMMANDS_WITH_IDS)
async def test_a_20_digit_id_in_any_command_is_answered(
    bot: OfflineBot, factory: Factory, caplog: pytest.LogCaptureFixture, command: str
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    factory.user(Role.FOCAL_POINT)
    caplog.set_level(logging.INFO)
    said = answers(await bot.send(secretariat, command))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert said and t("vi", "error_apology") not in said
    assert any(HUGE[:10] in text or "Không" in text for text in said), said


@pytest.mark.parametrize("prefix", sorted(CALLBACK_ACCESS))
@pytest.mark.parametrize("tail", ["p", "y", "ok", "0", "send", "a", "snooze", "c"])
async def test_a_forged_button_with_a_20_digit_id_is_stale(
    bot: OfflineBot, factory: Factory, caplog: pytest.LogCaptureFixture, prefix: str, tail: str
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    calls = await bot.send(secretariat, "/help")
    message = next(call for call in calls if call.method == "sendMessage")
    caplog.set_level(logging.INFO)
    for data in (f"{prefix}:{HUGE}:{tail}", f"{prefix}:{tail}:{HUGE}", f"{prefix}:c{HUGE}"):
        said = answers(await bot.press(secretariat, message, data))
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], data
        assert said and t("vi", "error_apology") not in said, data


def test_handlers_read_no_number_on_their_own() -> None:
    """Ids and numbers from users or buttons go through db/ids.py: no handler converts text
    with int() or tests it with isdigit() (which accepts '²' and '٣')."""
    handlers_dir = Path(__file__).resolve().parents[2] / "handlers"
    offenders = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(handlers_dir.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.isdigit\(\)|\bint\((?!now\.timestamp|pending\.data)", line)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "command",
    ["/start ab\x00cd", "/revoke @a\x00b", "/status 6411\x00", "/status %", "/update 1 50% \x00"],
)
async def test_nul_and_like_patterns_never_reach_a_query(
    bot: OfflineBot, factory: Factory, caplog: pytest.LogCaptureFixture, command: str
) -> None:
    """PostgreSQL refuses NUL in text; a LIKE pattern would match any directive."""
    secretariat = factory.user(Role.SECRETARIAT)
    factory.user(Role.FOCAL_POINT)
    caplog.set_level(logging.INFO)
    said = answers(await bot.send(secretariat, command))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert said and t("vi", "error_apology") not in said
