"""One message per person per moment (issue 16), through the real dispatcher and the offline
driver: rows due to one person at one moment become one list with a button per task; a reply to
it names its task or is asked which; a single row keeps its card."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.offline.driver import OfflineBot, answers, texts
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from db.models import OutboxState, ProgressUpdate, Reminder, Role, Task
from schedules.clock import ManualClock
from tests.factories import Factory
from tests.reminder_helpers import DEADLINE, DUE, World, dispatcher_of, sends
from tests.task_factories import vn


@pytest.fixture
def world(bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock) -> World:
    return World(bot, factory, engine, clock)


def due_tasks(world: World, titles: list[str]) -> list[Task]:
    tasks = []
    for title in titles:
        world.clock.set(vn(2023, 11, 17, 10))
        task = world.tasks.task(
            councils=[world.council], agency=world.agency, deadline=DEADLINE, title=title
        )
        world.replan(task)
        tasks.append(task)
    world.clock.set(DUE)
    return tasks


def first_row(engine: Engine, world: World) -> int:
    with Session(engine) as session:
        rows = session.exec(select(Reminder.id).where(Reminder.chat_id == world.focal.id)).all()
    return min(row for row in rows if row is not None)


def updates(engine: Engine) -> list[tuple[int, int | None, str]]:
    with Session(engine) as session:
        rows = session.exec(select(ProgressUpdate).order_by(col(ProgressUpdate.id))).all()
        return [(row.task_id, row.percent, row.text) for row in rows]


async def merged_to_focal(
    bot: OfflineBot, world: World, transport: FakeTelegram, count: int
) -> tuple[list[Task], RecordedCall]:
    tasks = due_tasks(world, [f"Nhiệm vụ số {n} <b>gấp</b> & quan trọng" for n in range(count)])
    await dispatcher_of(bot).run_once()
    (call,) = sends(transport, world.focal.id)
    return tasks, call


async def test_tasks_due_at_one_moment_go_as_one_list_with_a_button_each(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine
) -> None:
    tasks, call = await merged_to_focal(bot, world, transport, 3)
    assert call.text.startswith("🔔 <b>3 nhiệm vụ cần anh/chị lưu ý</b>")
    for n, task in enumerate(tasks):
        assert (
            f"{n + 1}. <b>#{task.id}</b> Nhiệm vụ số {n} &lt;b&gt;gấp&lt;/b&gt; &amp;" in call.text
        )
    assert call.text.count("Hạn: 23/11/2023 · còn 3 ngày") == 3
    assert [data for _, data in call.buttons()][:-1] == [f"mr:{task.id}" for task in tasks]
    assert call.buttons()[-1] == ("🔁 Nhắc lại sau", f"rem:all:{first_row(engine, world)}")
    assert call.buttons()[0][0].startswith(f"✏️ #{tasks[0].id} Nhiệm vụ số 0 <b>")  # plain text
    with Session(engine) as session:
        rows = session.exec(select(Reminder).where(Reminder.state == OutboxState.SENT)).all()
    focal_rows = [r for r in rows if r.chat_id == world.focal.id]
    assert len(focal_rows) == 3 and {r.sent_message_id for r in focal_rows} == {call.message_id}


async def test_a_single_row_keeps_its_card(
    bot: OfflineBot, world: World, transport: FakeTelegram
) -> None:
    due_tasks(world, ["Một việc"])
    await dispatcher_of(bot).run_once()
    (call,) = sends(transport, world.focal.id)
    assert call.text.startswith("⏰ <b>Nhắc việc</b>: còn 3 ngày")
    assert [data.split(":")[0] for _, data in call.buttons()] == ["rem"]


async def test_a_long_list_is_split_only_where_the_length_needs_it(
    bot: OfflineBot, world: World, transport: FakeTelegram
) -> None:
    due_tasks(world, [f"Nhiệm vụ {n} " + "rất dài " * 14 for n in range(40)])
    await dispatcher_of(bot).run_once()
    parts = sends(transport, world.focal.id)
    assert 2 <= len(parts) <= 4 and all(len(p.text) <= 4096 for p in parts)
    assert sum(len(p.buttons()) for p in parts) == 41 and parts[-1].buttons()
    assert sum(p.text.count(" · còn 3 ngày") for p in parts) == 40


async def test_a_reply_to_the_first_part_of_a_split_list_is_recognised(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine
) -> None:
    tasks = due_tasks(world, [f"Nhiệm vụ {n} " + "rất dài " * 14 for n in range(40)])
    await dispatcher_of(bot).run_once()
    first, *_rest = sends(transport, world.focal.id)
    assert not first.buttons()
    await bot.send(world.focal, f"#{tasks[0].id} 20% đã giao việc", reply_to=first)
    assert updates(engine) == [(tasks[0].id, 20, "đã giao việc")]
    asked = await bot.send(world.focal, "đang làm", reply_to=first)  # names none: which task?
    (question,) = [c for c in asked if c.buttons()]
    assert len(question.buttons()) == 40


async def test_a_reply_naming_its_task_is_that_tasks_update(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine
) -> None:
    tasks, call = await merged_to_focal(bot, world, transport, 3)
    answer = await bot.send(world.focal, f"#{tasks[1].id} 50% đã trình dự thảo", reply_to=call)
    assert updates(engine) == [(tasks[1].id, 50, "đã trình dự thảo")]
    assert any(f"#{tasks[1].id}" in text for text in texts(answer))


async def test_a_reply_naming_no_task_is_asked_which_and_recorded_once(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine
) -> None:
    tasks, call = await merged_to_focal(bot, world, transport, 3)
    asked = await bot.send(world.focal, "60% đã họp với các sở", reply_to=call)
    (question,) = [c for c in asked if c.buttons()]
    assert "nhiệm vụ nào" in question.text and updates(engine) == []
    choices = [data for _, data in question.buttons()]
    assert [c.split(":")[:2] for c in choices] == [["mr", str(task.id)] for task in tasks]

    # Forged: a task not in the list, a 20-digit id, another token, no token, garbage: refused,
    # the reply kept.
    key = choices[0].split(":")[2]
    pending_id = key.split("-")[0]
    other = world.tasks.task(councils=[world.council], agency=world.agency, deadline=DEADLINE)
    for forged in (
        f"mr:{other.id}:{key}",
        f"mr:{'9' * 20}:{key}",
        f"mr:{tasks[0].id}:{pending_id}-00000000",
        f"mr:{tasks[0].id}:{pending_id}",
        "mr:x:y",
    ):
        refused = await bot.press(world.focal, question, forged)
        assert answers(refused) and updates(engine) == []

    await bot.press(world.focal, question, choices[2])
    assert updates(engine) == [(tasks[2].id, 60, "đã họp với các sở")]
    again = await bot.press(world.focal, question, choices[1])  # a second press: handled once
    assert answers(again) and updates(engine) == [(tasks[2].id, 60, "đã họp với các sở")]


async def test_another_person_cannot_use_a_kept_reply(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine, factory: Factory
) -> None:
    _tasks, call = await merged_to_focal(bot, world, transport, 2)
    asked = await bot.send(world.focal, "đang làm", reply_to=call)
    (question,) = [c for c in asked if c.buttons()]
    stranger = factory.user(Role.FOCAL_POINT, council=world.council, agency=world.agency)
    refused = await bot.press(stranger, question, question.buttons()[0][1])
    assert answers(refused) and updates(engine) == []


async def test_a_task_button_on_the_list_asks_for_that_tasks_update(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine, clock: ManualClock
) -> None:
    tasks, call = await merged_to_focal(bot, world, transport, 2)
    prompt = await bot.press(world.focal, call, f"mr:{tasks[1].id}")
    assert any(f"#{tasks[1].id}" in text for text in texts(prompt))
    clock.advance(timedelta(seconds=5))
    await bot.send(world.focal, "30% xong khảo sát")
    assert updates(engine) == [(tasks[1].id, 30, "xong khảo sát")]
