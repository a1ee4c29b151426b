"""/reminders, the "Nhắc lại sau" button, and the jobs the application schedules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.context import BotContext
from bot.offline.driver import FakeUser, OfflineBot, answers, texts
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from bot.outbound.reminder_jobs import JOB_DIGEST, JOB_REPLAN, JOB_TICK, JOB_WAKE, tick
from db.doctor import HEARTBEAT_JOB
from db.models import JobRun, OutboxState, Reminder, Role, SentMessage, Task, TaskState
from schedules.clock import ManualClock
from tests.factories import Factory
from tests.reminder_helpers import DUE, World, dispatcher_of, runtime_of, sends
from tests.task_factories import reminders, utc, vn


@pytest.fixture
def world(bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock) -> World:
    return World(bot, factory, engine, clock)


async def first_reminder(bot: OfflineBot, world: World, transport: FakeTelegram) -> RecordedCall:
    world.task()
    world.clock.set(DUE)
    assert await dispatcher_of(bot).run_once() == 1
    return sends(transport, world.focal.id)[-1]


def snooze_data(call: RecordedCall) -> str:
    ((label, data),) = call.buttons()
    assert label == "🔁 Nhắc lại sau"
    return data


async def test_snooze_reminds_again_one_working_day_later(
    bot: OfflineBot, world: World, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    call = await first_reminder(bot, world, transport)
    data = snooze_data(call)
    assert answers(await bot.press(world.focal, call, data)) == [
        "Sẽ nhắc lại vào 08:30 21/11/2023."
    ]
    assert answers(await bot.press(world.focal, call, data)) == [
        "Sẽ nhắc lại vào 08:30 21/11/2023."
    ]
    (snoozed,) = [r for r in reminders(engine) if ":snooze" in r.key]
    assert snoozed.key.endswith(":snooze1")
    assert (snoozed.state, snoozed.due_at) == (OutboxState.PENDING, utc(vn(2023, 11, 21, 8, 30)))

    clock.set(vn(2023, 11, 21, 8, 30))
    assert await dispatcher_of(bot).run_once() == 1
    again = sends(transport, world.focal.id)[-1]
    assert again.text.startswith("⏰ <b>Nhắc việc</b>: còn 2 ngày đến hạn hoàn thành")
    assert snooze_data(again) == f"rem:snooze:{snoozed.id}"
    with Session(engine) as session:
        mapped = session.exec(
            select(SentMessage).where(SentMessage.message_id == again.message_id)
        ).one()
    assert mapped.task_id is not None

    # Snoozing the snoozed reminder makes a second one, not a clash.
    await bot.press(world.focal, again, snooze_data(again))
    assert sorted(r.key.rsplit(":", 1)[-1] for r in reminders(engine) if ":snooze" in r.key) == [
        "snooze1",
        "snooze2",
    ]


async def test_only_the_recipient_may_snooze(
    bot: OfflineBot, world: World, transport: FakeTelegram, factory: Factory, engine: Engine
) -> None:
    call = await first_reminder(bot, world, transport)
    data = snooze_data(call)
    refused = answers(await bot.press(world.secretary, call, data))
    assert refused == ["Lời nhắc này không gửi cho anh/chị nên anh/chị không thể hẹn nhắc lại."]
    stranger = answers(await bot.press(FakeUser(4242, "Khách"), call, data))
    assert "chưa được đăng ký" in stranger[0]
    assert [r for r in reminders(engine) if ":snooze" in r.key] == []


async def test_a_closed_task_cannot_be_snoozed(
    bot: OfflineBot, world: World, transport: FakeTelegram, engine: Engine
) -> None:
    call = await first_reminder(bot, world, transport)
    with Session(engine) as session:
        task = session.exec(select(Task)).one()
        task.state = TaskState.DONE
        session.add(task)
        session.commit()
    assert answers(await bot.press(world.focal, call, snooze_data(call))) == [
        "Nhiệm vụ hoặc cuộc họp này đã kết thúc; không cần nhắc lại."
    ]


async def test_reminders_lists_the_queue_by_day_and_the_failures(
    bot: OfflineBot, world: World, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    world.task()
    clock.set(DUE)
    transport.blocked_chats.add(world.focal.id)
    await dispatcher_of(bot).run_once()
    (text,) = texts(await bot.send(world.secretary, "/reminders"))
    lines = text.split("\n")
    assert lines[0] == "🗓 <b>Tin nhắc sẽ gửi trong 7 ngày tới</b>: 3"
    assert "<b>Thứ Tư 22/11/2023</b>" in lines
    assert "<b>Thứ Năm 23/11/2023</b>" in lines
    assert "<b>Thứ Sáu 24/11/2023</b>" in lines
    focal_name = f"Người dùng {world.focal.id}"
    assert f"08:30 · Nhắc trước hạn · Xây dựng quy chế phối hợp vùng → {focal_name}" in lines
    assert "⚠️ <b>Tin gửi lỗi hoặc bị bỏ qua trong 7 ngày qua</b>: 1" in lines
    assert lines[-1] == (
        f"08:30 20/11/2023 · Gửi lỗi · Nhắc trước hạn · Xây dựng quy chế phối hợp vùng → "
        f"{focal_name}: 403 Forbidden: bot was blocked by the user"
    )
    longer = texts(await bot.send(world.secretary, "/reminders 14"))[0]
    # -1d, on the day, +1 and +2 to the focal point, and the first escalation.
    assert longer.startswith("🗓 <b>Tin nhắc sẽ gửi trong 14 ngày tới</b>: 5")


async def test_reminders_is_for_the_secretariat_and_checks_its_argument(
    bot: OfflineBot, world: World
) -> None:
    assert texts(await bot.send(world.focal, "/reminders")) == [
        "Anh/chị không có quyền thực hiện thao tác này."
    ]
    usage = texts(await bot.send(world.secretary, "/reminders 500"))
    assert usage == ["Cách dùng: /reminders [số ngày], ví dụ /reminders 14 (từ 1 đến 60 ngày)."]


async def test_reminders_in_english_shows_only_the_councils_of_the_secretary(
    bot: OfflineBot, world: World, factory: Factory, engine: Engine
) -> None:
    world.task()
    other_council = factory.council("DNB", "Đông Nam Bộ")
    english = factory.user(Role.SECRETARIAT, council=other_council, language="en")
    (text,) = texts(await bot.send(english, "/reminders"))
    assert text == "🗓 <b>Reminders due in the next 7 days</b>: 0\nNothing queued."


async def test_a_long_queue_is_paged_under_telegrams_limit(
    bot: OfflineBot, world: World, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    task = world.task()
    with Session(engine) as session:
        for index in range(300):
            session.add(
                Reminder(
                    key=f"task:{task.id}:task_nudge:load-{index}:m0",
                    target_kind="task",
                    target_id=task.id,
                    kind="task_nudge",
                    offset=f"load-{index}",
                    chat_id=800_000 + index,
                    due_at=clock.now() + timedelta(hours=1 + index % 100),
                    created_at=clock.now(),
                )
            )
        session.commit()
    calls = await bot.send(world.secretary, "/reminders")
    (first,) = [c for c in calls if c.method == "sendMessage"]
    assert len(first.text) < 4096
    buttons = first.buttons()
    assert buttons[-1][1] == "rems:7:1"
    pages = int(buttons[0][0].split("/")[1])
    seen = [first.text]
    for page in range(1, pages):
        edited = await bot.press(world.secretary, first, f"rems:7:{page}")
        (edit,) = [c for c in edited if c.method == "editMessageText"]
        assert len(edit.text) < 4096
        seen.append(edit.text)
    listed = sum(text.count(" → ") for text in seen)
    assert listed == 300 + 4  # and -3d, -1d, on the day and +1 of the task


async def test_the_application_schedules_the_reminder_jobs(
    bot: OfflineBot, world: World, clock: ManualClock
) -> None:
    jobs = bot.application.job_queue
    assert jobs is not None
    tick = jobs.get_jobs_by_name(JOB_TICK)[0].job.trigger
    assert tick.interval == timedelta(seconds=60)
    digest = jobs.get_jobs_by_name(JOB_DIGEST)[0].job.trigger
    fields = {field.name: str(field) for field in digest.fields}
    assert (fields["day_of_week"], fields["hour"], fields["minute"]) == ("mon", "8", "0")
    assert str(digest.timezone) == "Asia/Ho_Chi_Minh"
    assert len(jobs.get_jobs_by_name(JOB_REPLAN)) == 1

    assert jobs.get_jobs_by_name(JOB_WAKE) == ()
    world.task()
    clock.set(DUE - timedelta(seconds=20))  # due before the next tick: a one-shot wake-up
    runtime_of(bot).wake()
    (wake,) = jobs.get_jobs_by_name(JOB_WAKE)
    # APScheduler counts in real time: the delay (20 s by the injected clock) starts now.
    assert wake.job.trigger.run_date - datetime.now(UTC) <= timedelta(seconds=20)
    runtime_of(bot).wake()
    assert len(jobs.get_jobs_by_name(JOB_WAKE)) == 1  # replaced, not added


async def test_the_tick_sends_what_is_due_and_leaves_a_heartbeat(
    bot: OfflineBot, world: World, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    world.task()
    clock.set(DUE)
    await tick(BotContext(bot.application))
    assert len(sends(transport, world.focal.id)) == 1
    with Session(engine) as session:
        beat = session.exec(select(JobRun).where(JobRun.job == HEARTBEAT_JOB)).one()
    assert beat.finished_at == clock.now()


def with_buttons(calls: list[RecordedCall]) -> list[RecordedCall]:
    return [call for call in calls if call.buttons()]


async def test_editing_and_cancelling_a_task_through_the_bot_replans_its_reminders(
    bot: OfflineBot, world: World, engine: Engine
) -> None:
    task = world.task()
    assert {r.offset.split("@")[1] for r in reminders(engine, state=OutboxState.PENDING)} == {
        "20231123"
    }
    edited = texts(await bot.send(world.secretary, f"/edit {task.id} deadline 15/12/2023"))
    assert "15/12/2023" in edited[0]
    pending = reminders(engine, state=OutboxState.PENDING)
    assert pending and {r.offset.split("@")[1] for r in pending} == {"20231215"}
    (confirm,) = with_buttons(await bot.send(world.secretary, f"/cancel {task.id}"))
    await bot.press(world.secretary, confirm, f"cx:{task.id}:y")
    # Only the cancellation notice to the agency is left to send.
    left = reminders(engine, state=OutboxState.PENDING)
    assert [r.kind for r in left] == ["notice_decision"]
