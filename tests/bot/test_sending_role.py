"""Several instances on one PostgreSQL database send reminders and notices through one of them
at a time (the background sending role, an advisory lock): together they stay within one bot's
Telegram limits. When the holder stops, another takes the role at its next run."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.application import build_application
from bot.offline.driver import OfflineBot
from bot.offline.fake_telegram import FakeTelegram
from bot.settings import Settings
from db.engine import make_engine
from db.models import Role
from schedules.clock import ManualClock
from tests.databases import postgres_url
from tests.factories import Factory

pytestmark = pytest.mark.skipif(
    not postgres_url(), reason="needs PostgreSQL (CI sets COUNCILBOT_TEST_DATABASE_URL)"
)


def notices(bot: OfflineBot) -> Counter[int | None]:
    return Counter(
        call.chat_id
        for call in bot.transport.calls
        if (call.method == "sendMessage" and call.ok and "mr:" in str(call.params))
        or (call.method == "sendMessage" and call.ok and "tk:" in str(call.params))
    )


async def assign(bot: OfflineBot, secretariat: object, title: str) -> None:
    calls = await bot.send(secretariat, f"/assign BKHDT | {title} | 22/11/2023")  # type: ignore[arg-type]
    (preview,) = [c for c in calls if c.buttons()]
    await bot.press(secretariat, preview, preview.buttons()[0][1])  # type: ignore[arg-type]


async def test_one_instance_sends_at_a_time_and_another_takes_over(
    settings: Settings, database_url: str, clock: ManualClock, factory: Factory
) -> None:
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
    council, agency = factory.council(), factory.agency()
    secretariat = factory.user(Role.SECRETARIAT, council=council)
    focals = [factory.user(Role.FOCAL_POINT, council=council, agency=agency) for _ in range(6)]
    left, right = bots
    await left.__aenter__()
    await right.__aenter__()
    try:
        await assign(left, secretariat, "Kế hoạch một")
        await assign(right, secretariat, "Kế hoạch hai")
        for _ in range(3):
            await asyncio.gather(left.dispatch(), right.dispatch())
        sent = [notices(bot) for bot in bots]
        holders = [bot for bot, counter in zip(bots, sent, strict=True) if counter]
        assert len(holders) == 1  # only one instance sent
        (holder,) = holders
        assert set(notices(holder)) == {focal.id for focal in focals}
        assert all(count == 1 for count in notices(holder).values())  # both tasks, one message
        other = right if holder is left else left

        await holder.__aexit__(None, None, None)  # the holder stops: the role is free
        stopped = notices(holder)
        await assign(other, secretariat, "Kế hoạch ba")
        await other.dispatch()
        assert set(notices(other)) == {focal.id for focal in focals}  # taken over
        assert notices(holder) == stopped
    finally:
        for bot in bots:
            if not bot.application._initialized:
                continue
            await bot.__aexit__(None, None, None)
        for engine in engines:
            engine.dispose()
