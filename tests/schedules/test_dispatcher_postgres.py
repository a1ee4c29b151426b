"""Two dispatchers, each with its own engine (as two processes would have), on one PostgreSQL
database: every one of 500 due reminders reaches Telegram exactly once; rows due to one person
at one moment, straddling batches, go as one list, sent once.

Their database work runs in threads, so the two claim transactions really overlap and
``FOR UPDATE SKIP LOCKED`` is what keeps them apart. Needs COUNCILBOT_TEST_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select
from telegram import Bot

from bot.offline.fake_telegram import FakeTelegram
from bot.outbound.merged_messages import MERGE_KINDS, render_merged
from bot.outbound.reminder_messages import render_reminder
from bot.outbound.telegram_sender import TelegramSender
from db.engine import make_engine
from db.models import OutboxState, Reminder, SentMessage, SentMessageTask
from schedules.claims import CHAT_LOCK_SPACE, claim_due_chats
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
PEOPLE, TASKS_EACH = 30, 7


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


def two_dispatchers(
    engines: list[Engine], bots: list[Bot], clock: ManualClock, *, merge: bool
) -> list[Dispatcher]:
    config = replace(ReminderConfig(), batch_size=20)
    return [
        Dispatcher(
            engine=instance_engine,
            clock=clock,
            sender=TelegramSender(bot),
            config=config,
            instance_id=f"instance-{number}",
            renderer=render_reminder,
            merger=render_merged if merge else None,
            merge_kinds=MERGE_KINDS if merge else frozenset(),
        )
        for number, (instance_engine, bot) in enumerate(zip(engines, bots, strict=True))
    ]


async def test_two_instances_send_each_of_500_rows_exactly_once(
    engine: Engine,
    database_url: str,
    factory: Factory,
    clock: ManualClock,
    transport: FakeTelegram,
) -> None:
    due_rows(engine, factory, clock)
    engines = [make_engine(database_url) for _ in range(2)]
    bots = [Bot(TEST_TOKEN, request=transport) for _ in range(2)]
    try:
        for bot in bots:
            await bot.initialize()
        dispatchers = two_dispatchers(engines, bots, clock, merge=False)
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


async def test_two_instances_send_one_list_per_person_each_row_once(
    engine: Engine,
    database_url: str,
    factory: Factory,
    clock: ManualClock,
    transport: FakeTelegram,
) -> None:
    council, agency = factory.council(), factory.agency()
    tasks = TaskFactory(engine, clock)
    task_ids = [
        tasks.task(councils=[council], agency=agency, deadline=None).id for _ in range(TASKS_EACH)
    ]
    with Session(engine) as session:
        # Task by task, so that each person's rows are spread over every batch of 20.
        for task_id in task_ids:
            for person in range(PEOPLE):
                session.add(
                    Reminder(
                        key=f"task:{task_id}:task_nudge:p:m{person}",
                        target_kind="task",
                        target_id=task_id,
                        kind="task_nudge",
                        offset="p",
                        chat_id=FIRST_CHAT + person,
                        due_at=clock.now(),
                        created_at=clock.now(),
                    )
                )
        session.commit()
    engines = [make_engine(database_url) for _ in range(2)]
    bots = [Bot(TEST_TOKEN, request=transport) for _ in range(2)]
    try:
        for bot in bots:
            await bot.initialize()
        dispatchers = two_dispatchers(engines, bots, clock, merge=True)
        totals = await asyncio.gather(*(drain(dispatcher) for dispatcher in dispatchers))
    finally:
        for bot in bots:
            await bot.shutdown()
        for instance_engine in engines:
            instance_engine.dispose()

    lists = [c for c in transport.calls if c.method == "sendMessage" and c.ok]
    assert Counter(c.chat_id for c in lists) == Counter(range(FIRST_CHAT, FIRST_CHAT + PEOPLE))
    assert all(c.text.startswith(f"🔔 <b>{TASKS_EACH} nhiệm vụ") for c in lists)
    assert sum(totals) == PEOPLE
    with Session(engine) as session:
        rows = session.exec(select(Reminder)).all()
        assert len(rows) == PEOPLE * TASKS_EACH
        assert {row.state for row in rows} == {OutboxState.SENT}
        assert {(row.chat_id, row.sent_message_id) for row in rows} == {
            (c.chat_id, c.message_id) for c in lists
        }
        assert len(session.exec(select(SentMessageTask)).all()) == PEOPLE * TASKS_EACH


def test_a_chat_another_instance_is_claiming_is_passed_over(
    engine: Engine, factory: Factory, clock: ManualClock
) -> None:
    """While one transaction holds a chat's lock (it is claiming that person's rows), another
    claims none of that chat's rows, only the other chats'; afterwards it may."""
    council, agency = factory.council(), factory.agency()
    task = TaskFactory(engine, clock).task(councils=[council], agency=agency, deadline=None)
    with Session(engine) as session:
        for index in range(4):
            session.add(
                Reminder(
                    key=f"task:{task.id}:task_nudge:n{index}:m0",
                    target_kind="task",
                    target_id=task.id,
                    kind="task_nudge",
                    offset=f"n{index}",
                    chat_id=FIRST_CHAT + index % 2,
                    due_at=clock.now(),
                    created_at=clock.now(),
                )
            )
        session.commit()

    def claim(token: str) -> set[int]:
        with Session(engine) as session:
            ids, _ = claim_due_chats(
                session, token=token, now=clock.now(), batch_size=50, per_chat=80, postgres=True
            )
            session.commit()
            rows = session.exec(select(Reminder)).all()
            return {row.chat_id for row in rows if row.id in ids}

    with engine.connect() as other, other.begin():
        other.execute(
            text("SELECT pg_advisory_xact_lock(:space, hashtext(CAST(:chat AS BIGINT)::text))"),
            {"space": CHAT_LOCK_SPACE, "chat": FIRST_CHAT},
        )
        assert claim("b#1") == {FIRST_CHAT + 1}
    assert claim("b#2") == {FIRST_CHAT}
