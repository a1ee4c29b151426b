"""Two dispatchers, each with its own engine (as two processes would have), on one PostgreSQL
database: every one of 500 due reminders reaches Telegram exactly once.

Their database work runs in threads, so the two claim transactions really overlap and
``FOR UPDATE SKIP LOCKED`` is what keeps them apart. Needs COUNCILBOT_TEST_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from telegram import Bot

from bot.offline.fake_telegram import FakeTelegram
from bot.outbound.reminder_messages import render_reminder
from bot.outbound.telegram_sender import TelegramSender
from db.engine import make_engine
from db.models import OutboxState, Reminder, SentMessage
from schedules.clock import ManualClock
from schedules.dispatcher import Dispatcher
from schedules.reminders import ReminderConfig
from tests.conftest import TEST_TOKEN
from tests.databases import postgres_url
from tests.factories import Factory
from tests.task_factories import TaskFactory

pytestmark = pytest.mark.skipif(
    postgres_url() is None, reason="COUNCILBOT_TEST_DATABASE_URL is not set"
)

ROWS = 500
FIRST_CHAT = 900_000


def due_rows(engine: Engine, factory: Factory, clock: ManualClock) -> None:
    council, agency = factory.council(), factory.agency()
    task = TaskFactory(engine, clock).task(councils=[council], agency=agency, deadline=None)
    with Session(engine) as session:
        for index in range(ROWS):
            session.add(
                Reminder(
                    key=f"task:{task.id}:task_nudge:load-{index}:m0",
                    target_kind="task",
                    target_id=task.id,
                    kind="task_nudge",
                    offset=f"load-{index}",
                    chat_id=FIRST_CHAT + index,
                    due_at=clock.now(),
                    created_at=clock.now(),
                )
            )
        session.commit()


async def drain(dispatcher: Dispatcher) -> int:
    sent = 0
    while True:
        count = await dispatcher.run_once()
        if count == 0:
            return sent
        sent += count


async def test_two_instances_send_each_of_500_rows_exactly_once(
    engine: Engine,
    database_url: str,
    factory: Factory,
    clock: ManualClock,
    transport: FakeTelegram,
) -> None:
    due_rows(engine, factory, clock)
    config = replace(ReminderConfig(), batch_size=20)
    engines = [make_engine(database_url) for _ in range(2)]
    bots = [Bot(TEST_TOKEN, request=transport) for _ in range(2)]
    try:
        for bot in bots:
            await bot.initialize()
        dispatchers = [
            Dispatcher(
                engine=instance_engine,
                clock=clock,
                sender=TelegramSender(bot),
                config=config,
                instance_id=f"instance-{number}",
                renderer=render_reminder,
            )
            for number, (instance_engine, bot) in enumerate(zip(engines, bots, strict=True))
        ]
        totals = await asyncio.gather(*(drain(dispatcher) for dispatcher in dispatchers))
    finally:
        for bot in bots:
            await bot.shutdown()
        for instance_engine in engines:
            instance_engine.dispose()

    per_chat = Counter(
        call.chat_id for call in transport.calls if call.method == "sendMessage" and call.ok
    )
    assert len(per_chat) == ROWS
    assert set(per_chat.values()) == {1}
    assert sum(totals) == ROWS
    with Session(engine) as session:
        rows = session.exec(select(Reminder)).all()
        assert {row.state for row in rows} == {OutboxState.SENT}
        assert {str(row.claimed_by).split("#")[0] for row in rows} <= {"instance-0", "instance-1"}
        assert len(session.exec(select(SentMessage)).all()) == ROWS
