"""A meeting reminder's "in 12 minutes" is written when it is sent, not when it was planned."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.offline.driver import OfflineBot
from bot.offline.fake_telegram import FakeTelegram
from schedules.clock import ManualClock
from schedules.reminders import replan_meeting
from tests.factories import Factory
from tests.reminder_helpers import World, dispatcher_of, runtime_of, sends
from tests.task_factories import vn


async def test_the_time_left_is_counted_when_the_reminder_is_sent(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock, transport: FakeTelegram
) -> None:
    runtime = runtime_of(bot)
    policy = dataclasses.replace(runtime.reminders.policy, meeting_before=(timedelta(minutes=12),))
    config = dataclasses.replace(runtime.reminders, policy=policy)
    runtime.reminders = config
    dispatcher_of(bot).config = config
    world = World(bot, factory, engine, clock)
    starts = vn(2023, 11, 22, 9, 0)
    meeting = world.tasks.meeting(council=world.council, starts_at=starts)
    with Session(engine) as session:
        replan_meeting(session=session, meeting_id=meeting.id or 0, now=clock.now(), config=config)
        session.commit()
    await dispatcher_of(bot).run_once()  # the invitation
    # The -12m reminder goes out 2.6 minutes after its time, within the on-time grace.
    clock.set(starts - timedelta(minutes=12) + timedelta(minutes=2, seconds=36))
    await dispatcher_of(bot).run_once()
    head = sends(transport, world.focal.id)[-1].text.split("\n")[0]
    assert head == "📅 <b>Nhắc lịch họp</b>: còn 9 phút nữa", head
