"""The weekly digest: when, once per week, to whom, and what it says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.offline.driver import OfflineBot
from bot.offline.fake_telegram import FakeTelegram
from db.audit import record
from db.models import OutboxState, ProgressUpdate, Reminder, Role, TaskState
from schedules.clock import ManualClock
from schedules.digest import latest_digest_moment, schedule_weekly_digest, week_label
from schedules.reminders import ReminderConfig
from tests.factories import Factory
from tests.reminder_helpers import World, dispatcher_of, runtime_of, sends
from tests.task_factories import member_id, reminders, utc, vn

CONFIG = ReminderConfig()


@pytest.fixture
def world(bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock) -> World:
    return World(bot, factory, engine, clock)


def test_the_digest_moment_is_the_last_monday_0800() -> None:
    assert latest_digest_moment(vn(2023, 11, 27, 8), CONFIG) == utc(vn(2023, 11, 27, 8))
    assert latest_digest_moment(vn(2023, 11, 27, 7, 59), CONFIG) == utc(vn(2023, 11, 20, 8))
    assert latest_digest_moment(vn(2023, 12, 3, 23), CONFIG) == utc(vn(2023, 11, 27, 8))
    assert week_label(vn(2023, 11, 27).date()) == "2023-W48"
    assert week_label(vn(2024, 12, 30).date()) == "2025-W01"


def queue(engine: Engine, clock: ManualClock, instance: str) -> int:
    with Session(engine) as session:
        added = schedule_weekly_digest(
            session=session, now=clock.now(), config=CONFIG, instance_id=instance
        )
        session.commit()
        return added


async def test_the_digest_is_queued_once_per_week_for_secretariat_and_chair(
    bot: OfflineBot, world: World, factory: Factory, clock: ManualClock, engine: Engine
) -> None:
    chair = factory.user(Role.CHAIR, council=world.council)
    factory.user(Role.MEMBER, council=world.council)
    clock.set(vn(2023, 11, 27, 8))
    assert queue(engine, clock, "instance-a") == 2
    assert queue(engine, clock, "instance-b") == 0  # the other instance finds the week taken
    clock.advance(timedelta(hours=3))
    assert queue(engine, clock, "instance-a") == 0
    rows = reminders(engine)
    assert {r.recipient_id for r in rows} == {
        member_id(engine, world.secretary),
        member_id(engine, chair),
    }
    assert {(r.kind, r.offset, r.due_at) for r in rows} == {
        ("weekly_digest", "2023-W48", utc(vn(2023, 11, 27, 8)))
    }


async def test_a_digest_missed_while_down_is_sent_late_at_start(
    bot: OfflineBot, world: World, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    clock.set(vn(2023, 11, 28, 10))  # Tuesday: Monday's digest never went out
    assert queue(engine, clock, "restarted") == 1
    assert await dispatcher_of(bot).run_once() == 1
    (digest,) = sends(transport, world.secretary.id)
    assert digest.text.startswith(
        "📊 <b>Báo cáo tuần – Hội đồng điều phối vùng Đồng bằng sông Hồng</b> <i>(gửi muộn)</i>"
    )
    clock.set(vn(2023, 12, 8, 10))  # Friday of the next week: too late for that week's
    assert queue(engine, clock, "restarted") == 0


async def test_the_digest_tells_counts_changes_overdue_and_failed_deliveries(
    bot: OfflineBot,
    world: World,
    factory: Factory,
    transport: FakeTelegram,
    clock: ManualClock,
    engine: Engine,
) -> None:
    other_agency = factory.agency("BTC", "Bộ Tài chính")
    tasks = world.tasks
    clock.set(vn(2023, 11, 1, 9))
    late = tasks.task(
        councils=[world.council], agency=world.agency, deadline=vn(2023, 11, 10, 23, 59)
    )
    tasks.task(
        councils=[world.council],
        agency=other_agency,
        deadline=vn(2023, 11, 22, 23, 59),
        title="Rà soát danh mục dự án liên vùng",
    )
    tasks.task(councils=[world.council], agency=world.agency, deadline=vn(2023, 11, 30, 23, 59))
    tasks.task(councils=[world.council], agency=world.agency, deadline=vn(2024, 3, 31, 23, 59))
    tasks.task(
        councils=[world.council],
        agency=world.agency,
        deadline=vn(2023, 11, 15, 23, 59),
        state=TaskState.CANCELLED,
    )
    clock.set(vn(2023, 11, 22, 10))
    with Session(engine) as session:
        session.add(
            ProgressUpdate(task_id=late.id or 0, text="Đang hoàn thiện", created_at=clock.now())
        )
        record(
            session=session, at=clock.now(), action="task.edit", entity="task", entity_id=late.id
        )
        session.add(
            Reminder(
                key="task:1:task_overdue:+9@20231110:m99",
                target_kind="task",
                target_id=late.id,
                kind="task_overdue",
                offset="+9@20231110",
                chat_id=world.focal.id,
                recipient_id=member_id(engine, world.focal),
                due_at=clock.now(),
                state=OutboxState.FAILED,
                last_error="403 Forbidden: bot was blocked by the user",
                claimed_at=clock.now(),
                created_at=clock.now(),
            )
        )
        session.commit()

    clock.set(vn(2023, 11, 27, 8))
    with Session(engine) as session:
        schedule_weekly_digest(
            session=session,
            now=clock.now(),
            config=runtime_of(bot).reminders,
            instance_id="test",
        )
        session.commit()
    assert await dispatcher_of(bot).run_once() == 1
    (call,) = sends(transport, world.secretary.id)
    lines = call.text.split("\n")
    assert lines[:2] == [
        "📊 <b>Báo cáo tuần – Hội đồng điều phối vùng Đồng bằng sông Hồng</b>",
        "Từ 20/11/2023 đến 27/11/2023",
    ]
    assert "<b>Tình hình thực hiện nhiệm vụ</b> (4 nhiệm vụ)" in lines
    assert "• Quá hạn: 2" in lines
    assert "• Sắp đến hạn: 1" in lines
    assert "• Đang thực hiện – trong hạn: 1" in lines
    assert (
        f"• #{late.id} Xây dựng quy chế phối hợp vùng: 1 cập nhật tiến độ, 1 thay đổi khác" in lines
    )
    assert "<b>BKHDT</b> – Bộ Kế hoạch và Đầu tư: 1 nhiệm vụ" in lines
    assert f"  – #{late.id} Xây dựng quy chế phối hợp vùng (hạn 10/11/2023, quá 17 ngày)" in lines
    assert "<b>BTC</b> – Bộ Tài chính: 1 nhiệm vụ" in lines
    assert lines[-1] == (
        f"• Gửi lỗi · Người dùng {world.focal.id} · Xây dựng quy chế phối hợp vùng: "
        "403 Forbidden: bot was blocked by the user"
    )
    assert call.buttons() == []
