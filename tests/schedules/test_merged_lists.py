"""One message per person per moment across batches (issue 16): every row due to one person is
claimed with the chat, whatever the batch size, up to MERGE_LIMIT lines a list; the list's
"remind me later" snoozes all of it, once, and only for its recipient."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.offline.driver import OfflineBot, answers
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from db.models import OutboxState, Reminder, Role
from schedules.clock import ManualClock
from schedules.dispatcher import MERGE_LIMIT
from schedules.reminders import is_snooze
from tests.factories import Factory
from tests.reminder_helpers import DUE, World, dispatcher_of, sends
from tests.schedules.test_merged_reminders import due_tasks
from tests.task_factories import vn


@pytest.fixture
def world(bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock) -> World:
    return World(bot, factory, engine, clock)


def focal_rows(engine: Engine, world: World, until: datetime = DUE) -> list[Reminder]:
    """The focal point's rows due by ``until`` (the plan's later reminders left out)."""
    with Session(engine) as session:
        return list(
            session.exec(
                select(Reminder)
                .where(Reminder.chat_id == world.focal.id, col(Reminder.due_at) <= until)
                .order_by(col(Reminder.id))
            ).all()
        )


def listed(parts: list[RecordedCall]) -> Counter[str]:
    """How often each task button appears among the parts (one list: each once)."""
    return Counter(data for part in parts for _, data in part.buttons() if data.startswith("mr:"))


async def test_sixty_rows_due_at_one_moment_are_one_list_split_only_by_length(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine
) -> None:
    assert dispatcher_of(bot).config.batch_size < 60 <= MERGE_LIMIT
    tasks = due_tasks(world, [f"Việc {n}: " + "báo cáo " * 6 for n in range(60)])
    await dispatcher_of(bot).run_once()
    parts = sends(transport, world.focal.id)
    # One list: one head, the buttons only on its last part, every task once.
    assert sum(p.text.count("🔔 <b>60 nhiệm vụ") for p in parts) == 1
    assert all(not p.buttons() for p in parts[:-1]) and len(parts) == len(
        [p for p in parts if len(p.text) > 1000]
    )
    assert listed(parts) == Counter(f"mr:{task.id}" for task in tasks)
    rows = focal_rows(engine, world)
    assert len(rows) == 60 and {r.state for r in rows} == {OutboxState.SENT}
    assert {r.sent_message_id for r in rows} == {parts[-1].message_id}
    # Nothing left to send, nothing sent twice.
    assert await dispatcher_of(bot).run_once() == 0
    assert len(sends(transport, world.focal.id)) == len(parts)


async def test_more_rows_than_a_list_holds_go_in_the_next_list_nothing_lost_or_doubled(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine
) -> None:
    dispatcher = dispatcher_of(bot)
    dispatcher.merge_limit = 5
    tasks = due_tasks(world, [f"Việc {n}" for n in range(12)])
    await dispatcher.run_once()
    lists = sends(transport, world.focal.id)
    assert [len(listed([m])) for m in lists] == [5, 5, 2]
    assert listed(lists) == Counter(f"mr:{task.id}" for task in tasks)
    rows = focal_rows(engine, world)
    assert {r.state for r in rows} == {OutboxState.SENT} and len(rows) == 12
    assert Counter(r.sent_message_id for r in rows) == Counter(
        {lists[0].message_id: 5, lists[1].message_id: 5, lists[2].message_id: 2}
    )


def snoozes(engine: Engine, world: World) -> list[Reminder]:
    return [r for r in focal_rows(engine, world, DUE + timedelta(days=3)) if is_snooze(r.key)]


async def test_remind_me_later_on_a_list_snoozes_all_of_it_once(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine, clock: ManualClock
) -> None:
    tasks = due_tasks(world, ["Việc A", "Việc B", "Việc C"])
    await dispatcher_of(bot).run_once()
    (call,) = sends(transport, world.focal.id)
    label, data = call.buttons()[-1]
    assert label == "🔁 Nhắc lại sau" and len(data.encode()) <= 64
    pressed = await bot.press(world.focal, call, data)
    assert any("Sẽ nhắc lại vào 08:30 21/11/2023" in text for text in answers(pressed))
    again = await bot.press(world.focal, call, data)  # pressed twice: applied once
    assert any("Sẽ nhắc lại vào 08:30 21/11/2023" in text for text in answers(again))
    later = snoozes(engine, world)
    assert len(later) == 3 and {r.due_at for r in later} == {vn(2023, 11, 21, 8, 30)}

    # The next working day the three come again as one list.
    clock.set(vn(2023, 11, 21, 8, 31))
    await dispatcher_of(bot).run_once()
    first, second = sends(transport, world.focal.id)
    assert {d for _, d in second.buttons() if d.startswith("mr:")} == {
        f"mr:{task.id}" for task in tasks
    }
    assert first.message_id != second.message_id


async def test_remind_me_later_on_a_list_refuses_forged_and_foreign_presses(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine, factory: Factory
) -> None:
    due_tasks(world, ["Việc A", "Việc B"])
    await dispatcher_of(bot).run_once()
    (call,) = sends(transport, world.focal.id)
    data = call.buttons()[-1][1]
    stranger = factory.user(Role.FOCAL_POINT, council=world.council, agency=world.agency)
    refused = await bot.press(stranger, call, data)
    assert any("không gửi cho anh/chị" in text for text in answers(refused))
    # A row of the recipient's own that was never sent (a later reminder of the plan).
    (pending, *_) = [
        r
        for r in focal_rows(engine, world, DUE + timedelta(days=30))
        if r.state == OutboxState.PENDING
    ]
    for forged in ("rem:all:999999", f"rem:all:{pending.id}"):
        refused = await bot.press(world.focal, call, forged)
        assert any("Không tìm thấy lời nhắc này" in text for text in answers(refused)), forged
    for garbage in ("rem:all:x", "rem:all:" + "9" * 20, "rem:all:1:2"):
        refused = await bot.press(world.focal, call, garbage)
        assert answers(refused) and not any("Sẽ nhắc" in a for a in answers(refused)), garbage
    assert snoozes(engine, world) == []
