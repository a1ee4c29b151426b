"""The weekly digest is followed by the council's chart; a chart that fails leaves it sent."""

from __future__ import annotations

import io

from matplotlib import image
from sqlalchemy import Engine
from sqlmodel import Session

from bot.offline.driver import OfflineBot
from bot.offline.fake_telegram import FakeTelegram, Fault
from bot.outbound.report_charts import HEIGHT_PX, WIDTH_PX
from db.models import OutboxState
from schedules.clock import ManualClock
from schedules.digest import schedule_weekly_digest
from schedules.reminders import ReminderConfig
from tests.factories import Factory
from tests.reminder_helpers import World, dispatcher_of, sends
from tests.task_factories import reminders, vn


def queue_digest(engine: Engine, clock: ManualClock) -> None:
    with Session(engine) as session:
        schedule_weekly_digest(
            session=session, now=clock.now(), config=ReminderConfig(), instance_id="test"
        )
        session.commit()


async def test_the_digest_comes_with_the_councils_chart(
    bot: OfflineBot, factory: Factory, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    world = World(bot, factory, engine, clock)
    world.tasks.task(councils=[world.council], agency=world.agency, deadline=vn(2023, 11, 10))
    clock.set(vn(2023, 11, 27, 8))
    queue_digest(engine, clock)
    assert await dispatcher_of(bot).run_once() == 1
    calls = [c for c in transport.calls if c.chat_id == world.secretary.id and c.ok]
    assert [c.method for c in calls] == ["sendMessage", "sendPhoto"]
    photo = calls[1]
    assert photo.text == "📊 Hội đồng điều phối vùng Đồng bằng sông Hồng — mọi thời hạn"
    ((_, png),) = photo.files.values()
    assert image.imread(io.BytesIO(png), format="png").shape[:2] == (HEIGHT_PX, WIDTH_PX)


async def test_a_chart_that_fails_does_not_undo_the_digest(
    bot: OfflineBot, factory: Factory, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    world = World(bot, factory, engine, clock)
    clock.set(vn(2023, 11, 27, 8))
    queue_digest(engine, clock)
    transport.fail_next(Fault.BLOCKED, method="sendPhoto")
    assert await dispatcher_of(bot).run_once() == 1
    assert len(sends(transport, world.secretary.id)) == 1
    (row,) = reminders(engine)
    assert row.state == OutboxState.SENT and row.attempts == 1
    assert await dispatcher_of(bot).run_once() == 0  # nothing sent twice
