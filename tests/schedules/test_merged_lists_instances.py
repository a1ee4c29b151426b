"""Two running Applications (each in its own thread and event loop, tests/bot/concurrency.py)
on one PostgreSQL database, both dispatching at once — as during a hand-over of the sending
role — still send each person's rows due at one moment as one list, each row once."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.settings import Settings
from db.models import OutboxState, Reminder
from schedules.clock import ManualClock
from tests.bot.concurrency import Instance
from tests.databases import postgres_url
from tests.factories import Factory
from tests.reminder_helpers import DUE, World, dispatcher_of
from tests.schedules.test_merged_reminders import due_tasks
from tests.task_factories import vn

pytestmark = pytest.mark.skipif(
    not postgres_url(), reason="needs PostgreSQL (CI sets COUNCILBOT_TEST_DATABASE_URL)"
)

PEOPLE, TASKS = 5, 6


async def test_two_applications_dispatching_at_once_send_one_list_per_person(
    settings: Settings, database_url: str, clock: ManualClock, factory: Factory, engine: Engine
) -> None:
    # The instances start when the tasks are made (due_tasks), so the clock never goes back
    # behind them: the second one's start-up pause (two beats, schedules/send_budget.py) must
    # not be slept through at the due moment (its sleep moves the shared clock; a jump past
    # half the stale-claim time would make the first instance hand its batch back).
    clock.set(vn(2023, 11, 17, 10))
    instances = [Instance(settings, database_url, clock) for _ in range(2)]
    for instance in instances:
        await instance.start()
    try:
        world = World(instances[0].bot, factory, engine, clock)
        people = [world.focal] + [world.add_focal(factory) for _ in range(PEOPLE - 1)]
        due_tasks(world, [f"Việc {n}" for n in range(TASKS)])
        dispatchers = [dispatcher_of(instance.bot) for instance in instances]
        for dispatcher in dispatchers:
            dispatcher.role = None  # both send, as neither would with the role held
            # Batches smaller than one person's rows: every person straddles batches.
            dispatcher.config = replace(dispatcher.config, batch_size=3)
        await asyncio.gather(
            *(
                instance.run(dispatcher.run_once())
                for instance, dispatcher in zip(instances, dispatchers, strict=True)
            )
        )
    finally:
        for instance in instances:
            await instance.stop()

    lists = [
        call
        for instance in instances
        for call in instance.transport.calls
        if call.method == "sendMessage" and call.ok
    ]
    assert Counter(call.chat_id for call in lists) == Counter(person.id for person in people)
    assert all(call.text.startswith(f"🔔 <b>{TASKS} nhiệm vụ") for call in lists)
    with Session(engine) as session:
        rows = [r for r in session.exec(select(Reminder)).all() if r.due_at <= DUE]
    assert len(rows) == PEOPLE * TASKS and {r.state for r in rows} == {OutboxState.SENT}
    assert {(r.chat_id, r.sent_message_id) for r in rows} == {
        (call.chat_id, call.message_id) for call in lists
    }
