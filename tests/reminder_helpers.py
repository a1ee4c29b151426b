"""Shared by the reminder tests: a council with a focal point and a secretary, and ways to reach
the dispatcher of the running application."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from bot.context import RUNTIME_KEY
from bot.offline.driver import FakeUser, OfflineBot
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from bot.runtime import Runtime
from db.models import Agency, Council, Role, Task
from schedules.clock import ManualClock
from schedules.dispatcher import Dispatcher
from schedules.reminders import replan_task
from tests.factories import Factory
from tests.task_factories import TaskFactory, vn

# Thursday 23 Nov 2023: its -3d reminder is due on Monday 20 Nov 08:30.
DEADLINE = vn(2023, 11, 23, 23, 59)
DUE = vn(2023, 11, 20, 8, 30)


def runtime_of(bot: OfflineBot) -> Runtime:
    runtime = bot.application.bot_data[RUNTIME_KEY]
    assert isinstance(runtime, Runtime)
    return runtime


def dispatcher_of(bot: OfflineBot) -> Dispatcher:
    dispatcher = runtime_of(bot).dispatcher
    assert dispatcher is not None
    return dispatcher


def sends(transport: FakeTelegram, chat_id: int | None = None) -> list[RecordedCall]:
    return [c for c in transport.sent(chat_id) if c.method == "sendMessage"]


def attempts_to(transport: FakeTelegram, chat_id: int) -> list[RecordedCall]:
    return [c for c in transport.calls if c.method == "sendMessage" and c.chat_id == chat_id]


class World:
    """A council, an agency with focal points, a secretary, and a task planned on Friday."""

    def __init__(self, bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock):
        self.bot, self.engine, self.clock = bot, engine, clock
        self.council: Council = factory.council()
        self.agency: Agency = factory.agency()
        self.focal = factory.user(Role.FOCAL_POINT, council=self.council, agency=self.agency)
        self.secretary = factory.user(Role.SECRETARIAT, council=self.council)
        self.tasks = TaskFactory(engine, clock)

    def task(
        self, deadline: datetime | None = DEADLINE, planned_at: datetime | None = None
    ) -> Task:
        self.clock.set(planned_at or vn(2023, 11, 17, 10))
        task = self.tasks.task(councils=[self.council], agency=self.agency, deadline=deadline)
        self.replan(task)
        return task

    def replan(self, task: Task) -> None:
        assert task.id is not None
        with Session(self.engine) as session:
            replan_task(
                session=session,
                task_id=task.id,
                now=self.clock.now(),
                config=runtime_of(self.bot).reminders,
            )
            session.commit()

    def add_focal(self, factory: Factory) -> FakeUser:
        return factory.user(Role.FOCAL_POINT, council=self.council, agency=self.agency)
