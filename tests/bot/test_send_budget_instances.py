"""Two running Applications on one PostgreSQL database share one send budget (issue 16): the
live instances split Telegram's limits, so that their replies, reminders and broadcasts together
stay within 30 a second, 20 a minute per group and about one a second per chat; a 429 met by
one pauses both; an instance that stops gives its share back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from telegram.error import RetryAfter

from bot.application import build_application
from bot.offline.driver import OfflineBot
from bot.offline.fake_telegram import FakeTelegram, Fault, RecordedCall
from bot.settings import Settings
from db.engine import make_engine
from db.models import Role
from schedules.clock import ManualClock
from tests.databases import postgres_url
from tests.factories import Factory

pytestmark = pytest.mark.skipif(
    not postgres_url(), reason="needs PostgreSQL (CI sets COUNCILBOT_TEST_DATABASE_URL)"
)


def busiest(moments: list[datetime], window: timedelta) -> int:
    moments = sorted(moments)
    return max(
        sum(1 for later in moments[i:] if later - moment < window)
        for i, moment in enumerate(moments)
    )


def sends(*transports: FakeTelegram, since: int = 0) -> list[RecordedCall]:
    return [
        call
        for transport in transports
        for call in transport.calls[since:]
        if call.method.startswith(("send", "edit")) and call.ok
    ]


@pytest.fixture
async def pair(
    settings: Settings, database_url: str, clock: ManualClock
) -> AsyncIterator[tuple[OfflineBot, OfflineBot]]:
    engines = [make_engine(database_url), make_engine(database_url)]
    bots = [
        OfflineBot(
            build_application(settings, request=transport, clock=clock, engine=engine),
            transport,
            clock,
        )
        for transport, engine in zip(
            [FakeTelegram(clock=clock), FakeTelegram(clock=clock)], engines, strict=True
        )
    ]
    async with bots[0] as first, bots[1] as second:
        await first.runtime.send_budget.beat()  # the first has seen the second join
        yield first, second
    for engine in engines:
        engine.dispose()


async def test_two_instances_together_stay_within_the_limits(
    pair: tuple[OfflineBot, OfflineBot], factory: Factory, clock: ManualClock
) -> None:
    left, right = pair
    assert left.runtime.pacer.instances == right.runtime.pacer.instances == 2
    # The newcomer waited until the other had seen it.
    assert right.runtime.pacer.paused_until is not None
    members = [factory.user(Role.MEMBER) for _ in range(12)]
    shared_chat = 555_000_001
    group = -100_555_000_002

    async def background(bot: OfflineBot, base: int) -> None:
        for n in range(60):
            await bot.application.bot.send_message(base + n, "notice")
            if n % 5 == 0:
                await bot.application.bot.send_message(shared_chat, "to the same chat")
            if n % 3 == 0:
                await bot.application.bot.send_message(group, "to the group")

    started = clock.now()
    workers = [
        asyncio.create_task(background(left, 700_000_000)),
        asyncio.create_task(background(right, 800_000_000)),
    ]
    await asyncio.sleep(0)
    await asyncio.gather(
        *(bot.send(member, "/help") for member, bot in zip(members, [left, right] * 6, strict=True))
    )
    await asyncio.gather(*workers)

    calls = sends(left.transport, right.transport)
    assert len(calls) >= 2 * (60 + 12 + 20) + 12
    assert busiest([c.at for c in calls], timedelta(seconds=1)) <= 30
    to_chat = [c.at for c in calls if c.chat_id == shared_chat]
    assert len(to_chat) == 24 and busiest(to_chat, timedelta(seconds=6)) <= 6  # ~1 a second
    to_group = [c.at for c in calls if c.chat_id == group]
    assert len(to_group) == 40 and busiest(to_group, timedelta(minutes=1)) <= 20
    assert clock.now() > started


async def test_a_429_met_by_one_instance_pauses_the_other(
    pair: tuple[OfflineBot, OfflineBot], clock: ManualClock
) -> None:
    left, right = pair
    clock.advance(timedelta(seconds=10))  # past the newcomer's wait
    left.transport.fail_next(Fault.RETRY_AFTER, retry_after=7, chat_id=123)
    with pytest.raises(RetryAfter):
        await left.application.bot.send_message(123, "background")
    paused_at = clock.now()
    await left.runtime.send_budget.published()
    await right.runtime.send_budget.beat()
    await right.application.bot.send_message(456, "from the other instance")
    (call,) = [c for c in right.transport.calls if c.chat_id == 456]
    assert call.at - paused_at >= timedelta(seconds=7)


async def test_an_instance_that_stops_gives_its_share_back(
    pair: tuple[OfflineBot, OfflineBot],
) -> None:
    left, right = pair
    await right.__aexit__(None, None, None)
    assert await left.runtime.send_budget.beat() == 1
    assert left.runtime.pacer.instances == 1


async def test_an_instance_that_died_stops_counting_after_a_few_seconds(
    pair: tuple[OfflineBot, OfflineBot], clock: ManualClock
) -> None:
    left, _ = pair
    clock.advance(timedelta(seconds=3))  # the other missed a few beats: still counted
    assert await left.runtime.send_budget.beat() == 2
    clock.advance(timedelta(seconds=3))  # no beat for 6 s: gone
    assert await left.runtime.send_budget.beat() == 1
    assert left.runtime.pacer.instances == 1
