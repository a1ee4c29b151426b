"""One budget for every request that sends (issue 16): replies, edits, pop-ups and background
sends share the pacer at the HTTP boundary; a 429 pauses them all; a reply that meets a 429 or a
5xx is tried again (bounded) instead of being lost. All on the manual clock: no sleeps."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from telegram.error import RetryAfter

from bot.offline.driver import OfflineBot, texts
from bot.offline.fake_telegram import FakeTelegram, Fault, RecordedCall
from bot.update_scope import REPLY_ATTEMPTS
from db.models import Role
from schedules.clock import ManualClock
from tests.factories import Factory


def sends(calls: list[RecordedCall]) -> list[RecordedCall]:
    return [c for c in calls if c.method != "getMe" and not c.method.startswith(("set", "get"))]


def busiest(moments: list[datetime], window: timedelta) -> int:
    moments = sorted(moments)
    return max(
        sum(1 for later in moments[i:] if later - moment < window)
        for i, moment in enumerate(moments)
    )


async def test_a_reply_that_meets_a_429_is_sent_after_the_pause_once(
    bot: OfflineBot,
    factory: Factory,
    transport: FakeTelegram,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    member = factory.user(Role.MEMBER)
    transport.fail_next(Fault.RETRY_AFTER, retry_after=3, chat_id=member.id)
    start = clock.now()
    with caplog.at_level("INFO", logger="councilbot.updates"):
        calls = await bot.send(member, "/help")
    tried = [c for c in calls if c.method == "sendMessage"]
    assert [c.error for c in tried] == ["retry_after", None]
    assert tried[1].at - tried[0].at >= timedelta(seconds=3)  # waited what Telegram said
    assert len(texts(calls)) == 1 and clock.now() - start >= timedelta(seconds=3)
    (line,) = [r.getMessage() for r in caplog.records if "action=/help" in r.getMessage()]
    assert "outcome=ok" in line  # no failed handler, no apology


@pytest.mark.parametrize("fault", [Fault.SERVER_ERROR, Fault.RETRY_AFTER])
async def test_a_reply_is_tried_a_bounded_number_of_times(
    bot: OfflineBot, factory: Factory, transport: FakeTelegram, fault: Fault
) -> None:
    member = factory.user(Role.MEMBER)
    transport.fail_next(fault, chat_id=member.id, count=1)
    assert len(texts(await bot.send(member, "/help"))) == 1  # a 502 first: sent on the second

    transport.fail_next(fault, chat_id=member.id, count=50)
    calls = await bot.send(member, "/help")
    tried = [c for c in calls if c.method == "sendMessage" and c.chat_id == member.id]
    # The answer, then the apology of the error handler: each tried REPLY_ATTEMPTS times, no more.
    assert 0 < len(tried) <= 2 * REPLY_ATTEMPTS and not texts(calls)


async def test_a_429_on_a_background_send_pauses_the_replies_too(
    bot: OfflineBot, factory: Factory, transport: FakeTelegram, clock: ManualClock
) -> None:
    member, other = factory.user(Role.MEMBER), factory.user(Role.MEMBER)
    transport.fail_next(Fault.RETRY_AFTER, retry_after=5, chat_id=other.id)
    with pytest.raises(RetryAfter):
        await bot.application.bot.send_message(other.id, "background")  # no update: background
    paused_at = clock.now()
    (reply,) = [c for c in await bot.send(member, "/help") if c.method == "sendMessage"]
    assert reply.ok and reply.at - paused_at >= timedelta(seconds=5)


async def test_a_429_on_a_reply_pauses_the_background_senders(
    bot: OfflineBot, factory: Factory, transport: FakeTelegram, clock: ManualClock
) -> None:
    member, other = factory.user(Role.MEMBER), factory.user(Role.MEMBER)
    transport.fail_next(Fault.RETRY_AFTER, retry_after=4, chat_id=member.id)
    await bot.send(member, "/help")
    # A sender that got its turn before the pause still waits it out (the ticket path).
    pacer = bot.runtime.pacer
    await pacer.wait_turn(other.id)
    pacer.pause(4)
    paused_at = clock.now()
    await bot.application.bot.send_message(other.id, "background")
    (call,) = [c for c in transport.calls if c.params.get("text") == "background"]
    assert call.at - paused_at >= timedelta(seconds=4)


async def test_every_sending_call_shares_one_budget_and_replies_go_first(
    bot: OfflineBot, factory: Factory, transport: FakeTelegram, clock: ManualClock
) -> None:
    members = [factory.user(Role.MEMBER) for _ in range(10)]
    before = len(transport.calls)
    app_bot = bot.application.bot
    origin = await app_bot.send_message(members[0].id, "origin")

    async def background() -> None:
        for n in range(40):
            await app_bot.send_message(900_000 + n, "notice")
            await app_bot.edit_message_text(
                "edited", chat_id=origin.chat_id, message_id=origin.message_id
            )

    broadcast = asyncio.create_task(background())
    await asyncio.sleep(0)
    replies = await asyncio.gather(*(bot.send(m, "/help") for m in members))
    await broadcast
    calls = sends(transport.calls[before:])
    assert len(calls) >= 81 + 10
    assert busiest([c.at for c in calls], timedelta(seconds=1)) <= 30
    # Each chat about one a second: the edited chat got 40 edits, at most 3 in any 3 seconds.
    edits = [c.at for c in calls if c.method == "editMessageText"]
    assert len(edits) == 40 and busiest(edits, timedelta(seconds=3)) <= 3
    # Every reply went out before the background sends that waited with it were done.
    last_reply = max(c.at for reply in replies for c in reply if c.method == "sendMessage")
    assert last_reply < max(edits)
    assert all(len(texts(reply)) == 1 for reply in replies)
