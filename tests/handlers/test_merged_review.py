"""Adversarial review of the merged reminder lists (issue 16) with recurring tasks' periods in
them (issue 17): what a careless or hostile member can do with a list, a kept reply and its
"which task?" buttons, and what the bot must still get right."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.offline.driver import OfflineBot
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from db.models import ProgressUpdate, Task, TaskState
from schedules.clock import ManualClock
from tests.factories import Factory
from tests.reminder_helpers import World
from tests.schedules.test_merged_reminders import merged_to_focal


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
