"""Adversarial review of the merged reminder lists (issue 16) with recurring tasks' periods in
them (issue 17): what a careless or hostile member can do with a list, a kept reply and its
"which task?" buttons, and what the bot must still get right."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.offline.driver import FakeUser, OfflineBot, answers
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from db.models import Agency, Council, ProgressUpdate, Role, Task, TaskOccurrence, TaskState
from schedules.clock import ManualClock
from schedules.reminders import replan_task
from tests.factories import Factory
from tests.handlers.test_recurring import MONTHLY
from tests.handlers.test_task_life import assign_task
from tests.reminder_helpers import World, runtime_of
from tests.schedules.test_merged_reminders import merged_to_focal
from tests.task_factories import TaskFactory

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def world(bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock) -> World:
    return World(bot, factory, engine, clock)


def updates(engine: Engine) -> list[tuple[int, str]]:
    with Session(engine) as session:
        rows = session.exec(select(ProgressUpdate).order_by(col(ProgressUpdate.id))).all()
        return [(row.task_id, row.text) for row in rows]


def callback_answers(calls: list[RecordedCall]) -> list[str]:
    """Every answerCallbackQuery among ``calls``, by its text ('' for a silent one)."""
    return [str(c.params.get("text", "")) for c in calls if c.method == "answerCallbackQuery"]


async def test_a_kept_reply_for_a_task_cancelled_meanwhile_is_refused_in_the_one_answer(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine
) -> None:
    """A reply to a list naming no task is kept; the task chosen is cancelled before the press.
    Telegram takes one answer per button press: the refusal must be that answer (a second one
    is rejected, and the member would be told nothing)."""
    tasks, call = await merged_to_focal(bot, world, transport, 2)
    asked = await bot.send(world.focal, "đang tổng hợp số liệu", reply_to=call)
    (question,) = [c for c in asked if c.buttons()]
    with Session(engine) as session:
        cancelled = session.get(Task, tasks[0].id)
        assert cancelled is not None
        cancelled.state = TaskState.CANCELLED
        session.add(cancelled)
        session.commit()
    pressed = await bot.press(world.focal, question, question.buttons()[0][1])
    (only,) = callback_answers(pressed)
    assert only, "the refusal is the press's answer"
    assert updates(engine) == []


async def test_a_reply_to_any_part_of_a_split_list_is_about_the_period_listed(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock
) -> None:
    """A list long enough to be split in parts (its rows remember the last part's message):
    a reply to its first part naming a recurring task is about the period the list named
    (December), not the task's current one (November, still overdue)."""
    council: Council = factory.council()
    mpi: Agency = factory.agency("BKHDT", "Bộ Kế hoạch và Đầu tư")
    secretariat = factory.user(Role.SECRETARIAT, council=council)
    focal: FakeUser = factory.user(Role.FOCAL_POINT, council=council, agency=mpi)
    await assign_task(bot, secretariat, MONTHLY)
    tasks = TaskFactory(engine, clock)
    deadline = datetime(2023, 12, 25, 23, 59, tzinfo=HANOI)
    for n in range(40):
        one_off = tasks.task(
            councils=[council], agency=mpi, deadline=deadline, title=f"Việc {n} " + "dài " * 30
        )
        _replan(bot, engine, clock, one_off)
    with Session(engine) as session:
        recurring = session.exec(select(Task.id).where(col(Task.title).startswith("Báo cáo"))).one()
    for day in (18, 21, 22):
        clock.set(datetime(2023, 12, day, 8, 31, tzinfo=HANOI))
        calls = await bot.dispatch()
    parts = [c for c in calls if c.method == "sendMessage" and c.chat_id == focal.id]
    assert len(parts) >= 2 and any("tháng 12/2023" in part.text for part in parts)
    await bot.send(focal, f"#{recurring} 30% đang tổng hợp", reply_to=parts[0])
    with Session(engine) as session:
        update = session.exec(select(ProgressUpdate).where(ProgressUpdate.task_id == recurring))
        recorded = update.one()
        assert recorded.occurrence_id is not None
        period = session.get(TaskOccurrence, recorded.occurrence_id)
    assert period is not None and period.period_start.month == 12


def _replan(bot: OfflineBot, engine: Engine, clock: ManualClock, task: Task) -> None:
    assert task.id is not None
    with Session(engine) as session:
        replan_task(
            session=session, task_id=task.id, now=clock.now(), config=runtime_of(bot).reminders
        )
        session.commit()


async def test_a_reply_naming_two_listed_tasks_is_refused_not_recorded_on_one(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine
) -> None:
    """ "#2 xong; #3 40%" names two listed tasks: recorded on whichever is chosen, the other's
    report would be filed under the wrong task and the other would get nothing. It is refused,
    naming both, so the member sends one reply per task."""
    tasks, call = await merged_to_focal(bot, world, transport, 3)
    first, second = tasks[1].id, tasks[2].id
    answer = await bot.send(world.focal, f"#{first} xong; #{second} 40% đang làm", reply_to=call)
    assert not any(c.buttons() for c in answer), "no 'which task?' to choose from"
    (told,) = answers(answer)
    assert f"#{first}" in told and f"#{second}" in told
    assert updates(engine) == []
    # Naming one of them (and a task that is not listed) is that task's update.
    await bot.send(world.focal, f"#{second} 40% đang làm, chờ #999", reply_to=call)
    assert updates(engine) == [(second, "đang làm, chờ #999")]


async def test_a_second_kept_reply_is_not_recorded_by_the_first_questions_buttons(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine
) -> None:
    """Two replies naming no task, one after the other: each "which task?" answers for its own
    reply. The first question's buttons must not record the second reply's text (it replaced
    the first in the member's pending input) under the task chosen for the first."""
    tasks, call = await merged_to_focal(bot, world, transport, 3)
    first = [c for c in await bot.send(world.focal, "đã họp", reply_to=call) if c.buttons()]
    second = [
        c for c in await bot.send(world.focal, "đã gửi báo cáo", reply_to=call) if c.buttons()
    ]
    (q1,), (q2,) = first, second
    refused = await bot.press(world.focal, q1, q1.buttons()[0][1])
    assert answers(refused) and updates(engine) == []
    await bot.press(world.focal, q2, q2.buttons()[1][1])
    assert updates(engine) == [(tasks[1].id, "đã gửi báo cáo")]
