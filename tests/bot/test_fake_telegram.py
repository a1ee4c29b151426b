"""The fake Bot API: the real telegram.Bot on top of it sees Telegram's real failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.offline.fake_telegram import BOT_USERNAME, FakeTelegram, Fault
from schedules.clock import ManualClock


@pytest.fixture
async def api(transport: FakeTelegram) -> Bot:
    bot = Bot("1:T", request=transport, get_updates_request=transport)
    await bot.initialize()
    return bot


async def test_answers_and_records_calls(api: Bot, transport: FakeTelegram) -> None:
    assert api.username == BOT_USERNAME
    first = await api.send_message(42, "xin chào")
    second = await api.send_message(42, "lần hai")
    assert second.message_id == first.message_id + 1
    assert first.from_user is not None and first.from_user.is_bot
    sends = transport.sent(42)
    assert [call.text for call in sends] == ["xin chào", "lần hai"]
    assert sends[0].message_id == first.message_id


async def test_records_the_injected_clock(
    api: Bot, transport: FakeTelegram, clock: ManualClock
) -> None:
    await api.send_message(1, "a")
    assert transport.sent()[-1].at == clock.now()


async def test_retry_after(api: Bot, transport: FakeTelegram) -> None:
    transport.fail_next(Fault.RETRY_AFTER, retry_after=7)
    with pytest.raises(RetryAfter) as error:
        await api.send_message(1, "a")
    assert error.value.retry_after == timedelta(seconds=7)
    await api.send_message(1, "b")  # only the next call failed
    assert [call.error for call in transport.calls[-2:]] == ["retry_after", None]


@pytest.mark.parametrize(
    ("fault", "exception", "words"),
    [
        (Fault.SERVER_ERROR, NetworkError, "Bad Gateway"),
        (Fault.CHAT_NOT_FOUND, BadRequest, "chat not found"),
        (Fault.BLOCKED, Forbidden, "blocked by the user"),
        (Fault.TIMEOUT, TimedOut, "timed out"),
    ],
)
async def test_each_fault(
    api: Bot, transport: FakeTelegram, fault: Fault, exception: type[Exception], words: str
) -> None:
    transport.fail_next(fault)
    with pytest.raises(exception) as error:
        await api.send_message(1, "a")
    assert words.lower() in str(error.value).lower()
    assert transport.calls[-1].error == fault.value


async def test_fault_can_target_a_chat_and_a_method(api: Bot, transport: FakeTelegram) -> None:
    transport.fail_next(Fault.BLOCKED, chat_id=2, count=2)
    transport.fail_next(Fault.SERVER_ERROR, method="editMessageText")
    await api.send_message(1, "to chat 1 is fine")
    with pytest.raises(Forbidden):
        await api.send_message(2, "blocked")
    with pytest.raises(NetworkError):
        await api.edit_message_text("x", chat_id=1, message_id=1000)
    with pytest.raises(Forbidden):
        await api.send_message(2, "still blocked")
    await api.send_message(2, "now fine")


async def test_blocked_and_missing_chats_fail_every_time(api: Bot, transport: FakeTelegram) -> None:
    transport.blocked_chats.add(5)
    transport.missing_chats.add(-100)
    for _ in range(2):
        with pytest.raises(Forbidden):
            await api.send_message(5, "a")
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await api.send_message(-100, "a")


async def test_unknown_methods_are_refused_loudly(api: Bot, transport: FakeTelegram) -> None:
    with pytest.raises(BadRequest, match="does not implement"):
        await api.get_business_connection("x")


async def test_invalid_token(transport: FakeTelegram) -> None:
    from telegram.error import InvalidToken

    transport.token_valid = False
    with pytest.raises(InvalidToken):
        await Bot("1:T", request=transport).get_me()


async def test_files_can_be_downloaded(api: Bot, transport: FakeTelegram) -> None:
    transport.add_file("f1", b"number = 1\n", "d.toml")
    telegram_file = await api.get_file("f1")
    assert bytes(await telegram_file.download_as_bytearray()) == b"number = 1\n"
