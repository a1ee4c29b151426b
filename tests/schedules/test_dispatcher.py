"""The dispatcher through the real Application and the fake Bot API, with the injected clock.

Every test counts what reached Telegram (the fake's recorded sendMessage calls), so "sent once"
means one successful sendMessage, whatever happened in between.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.application import build_application
from bot.context import RUNTIME_KEY, BotContext
from bot.offline.driver import OfflineBot
from bot.offline.fake_telegram import FakeTelegram, Fault
from bot.outbound import reminder_jobs
from bot.outbound.reminder_jobs import dispatch_due
from bot.outbound.reminder_messages import render_reminder
from bot.outbound.telegram_sender import TelegramSender
from bot.reminder_config import reminder_config
from bot.runtime import Runtime
from bot.settings import Settings
from db.models import (
    Broadcast,
    Member,
    OutboxState,
    Reminder,
    Role,
    SentMessage,
    Task,
    TaskState,
)
from schedules.clock import ManualClock
from schedules.dispatcher import Dispatcher
from schedules.reminders import replan_meeting
from tests.factories import Factory
from tests.reminder_helpers import (
    DUE,
    World,
    attempts_to,
    dispatcher_of,
    runtime_of,
    sends,
)
from tests.task_factories import member_id, reminders, utc, vn


@pytest.fixture
def world(bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock) -> World:
    return World(bot, factory, engine, clock)


def the_row(engine: Engine, offset_prefix: str, recipient: int) -> Reminder:
    with Session(engine) as session:
        rows = session.exec(
            select(Reminder).where(
                col(Reminder.offset).startswith(offset_prefix), Reminder.recipient_id == recipient
            )
        ).all()
        assert len(rows) == 1, rows
        return rows[0]


async def test_a_due_reminder_is_sent_once_and_mapped_to_its_task(
    bot: OfflineBot, world: World, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    task = world.task()
    clock.set(DUE - timedelta(minutes=1))
    assert await dispatcher_of(bot).run_once() == 0
    clock.set(DUE)
    assert await dispatcher_of(bot).run_once() == 1
    assert await dispatcher_of(bot).run_once() == 0

    (call,) = sends(transport)
    assert call.chat_id == world.focal.id
    assert call.text.startswith("⏰ <b>Nhắc việc</b>: còn 3 ngày đến hạn hoàn thành")
    assert "Cơ quan chủ trì: Bộ Kế hoạch và Đầu tư (BKHDT)" in call.text
    assert "(gửi muộn)" not in call.text
    row = the_row(engine, "-3d", member_id(engine, world.focal))
    assert call.buttons() == [("🔁 Nhắc lại sau", f"rem:snooze:{row.id}")]
    assert (row.state, row.sent_message_id, row.sent_at, row.late, row.attempts) == (
        OutboxState.SENT,
        call.message_id,
        utc(DUE),
        False,
        1,
    )
    with Session(engine) as session:
        mapping = session.exec(select(SentMessage)).one()
    assert (mapping.chat_id, mapping.message_id, mapping.task_id) == (
        world.focal.id,
        call.message_id,
        task.id,
    )


async def test_flood_control_waits_retry_after_then_sends_once(
    bot: OfflineBot, world: World, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    world.task()
    clock.set(DUE)
    transport.fail_next(Fault.RETRY_AFTER, retry_after=3)
    dispatcher = dispatcher_of(bot)
    assert await dispatcher.run_once() == 0
    row = the_row(engine, "-3d", member_id(engine, world.focal))
    assert (row.state, row.attempts, row.next_attempt_at) == (
        OutboxState.PENDING,
        0,
        utc(DUE) + timedelta(seconds=3),
    )
    clock.advance(timedelta(seconds=2))
    assert await dispatcher.run_once() == 0  # still paused: nothing asked of Telegram
    assert len(attempts_to(transport, world.focal.id)) == 1
    clock.advance(timedelta(seconds=1))
    assert await dispatcher.run_once() == 1
    assert [c.error for c in attempts_to(transport, world.focal.id)] == ["retry_after", None]
    assert len(sends(transport, world.focal.id)) == 1


@pytest.mark.parametrize("fault", [Fault.SERVER_ERROR, Fault.TIMEOUT])
async def test_a_temporary_failure_is_retried_with_backoff(
    bot: OfflineBot,
    world: World,
    transport: FakeTelegram,
    clock: ManualClock,
    engine: Engine,
    fault: Fault,
) -> None:
    world.task()
    clock.set(DUE)
    transport.fail_next(fault, count=2)
    dispatcher = dispatcher_of(bot)
    assert await dispatcher.run_once() == 0
    row = the_row(engine, "-3d", member_id(engine, world.focal))
    assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
    assert row.next_attempt_at == utc(DUE) + timedelta(seconds=30)
    clock.advance(timedelta(seconds=29))
    assert await dispatcher.run_once() == 0
    clock.advance(timedelta(seconds=1))
    assert await dispatcher.run_once() == 0
    row = the_row(engine, "-3d", member_id(engine, world.focal))
    assert row.next_attempt_at == utc(DUE) + timedelta(seconds=30 + 60)  # doubled
    clock.advance(timedelta(seconds=60))
    assert await dispatcher.run_once() == 1
    row = the_row(engine, "-3d", member_id(engine, world.focal))
    assert (row.state, row.attempts, row.late) == (OutboxState.SENT, 3, False)
    assert len(sends(transport, world.focal.id)) == 1
    assert len(attempts_to(transport, world.focal.id)) == 3


async def test_a_failure_that_does_not_pass_fails_the_row_after_the_limit(
    bot: OfflineBot, world: World, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    world.task()
    clock.set(DUE)
    transport.fail_next(Fault.SERVER_ERROR, count=100)
    dispatcher = dispatcher_of(bot)
    waits = []
    for _ in range(10):
        await dispatcher.run_once()
        row = the_row(engine, "-3d", member_id(engine, world.focal))
        if row.state != OutboxState.PENDING:
            break
        assert row.next_attempt_at is not None
        waits.append(row.next_attempt_at - clock.now())
        clock.set(row.next_attempt_at)
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert row.state == OutboxState.FAILED
    assert row.attempts == 5
    assert row.last_error == "network: Bad Gateway (after 5 attempts)"
    assert len(attempts_to(transport, world.focal.id)) == 5


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault.BLOCKED, "403 Forbidden: bot was blocked by the user"),
        (Fault.CHAT_NOT_FOUND, "400 Chat not found"),
    ],
)
async def test_a_permanent_failure_fails_at_once_and_does_not_stop_the_others(
    bot: OfflineBot,
    world: World,
    factory: Factory,
    transport: FakeTelegram,
    clock: ManualClock,
    engine: Engine,
    fault: Fault,
    reason: str,
) -> None:
    other = world.add_focal(factory)
    world.task()
    clock.set(DUE)
    transport.fail_next(fault, chat_id=world.focal.id)
    assert await dispatcher_of(bot).run_once() == 1
    failed = the_row(engine, "-3d", member_id(engine, world.focal))
    assert (failed.state, failed.last_error, failed.attempts) == (OutboxState.FAILED, reason, 1)
    assert the_row(engine, "-3d", member_id(engine, other)).state == OutboxState.SENT
    with Session(engine) as session:
        member = session.get(Member, member_id(engine, world.focal))
        assert member is not None and member.private_chat_ok is False
    clock.advance(timedelta(days=1))
    await dispatcher_of(bot).run_once()  # never retried
    assert len(attempts_to(transport, world.focal.id)) == 1


async def test_after_downtime_missed_reminders_go_out_once_marked_late_and_old_ones_are_skipped(
    bot: OfflineBot, world: World, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    # Deadline Wednesday 29 Nov: -14d Wed 15, -7d Wed 22, -3d (Sunday) Fri 24, all at 08:30.
    world.task(deadline=vn(2023, 11, 29, 23, 59), planned_at=vn(2023, 11, 10, 10))
    clock.set(vn(2023, 11, 24, 10))  # the bot was down from the 15th to Friday 24, 10:00
    assert await dispatcher_of(bot).run_once() == 1  # two rows about one task: one message
    focal = member_id(engine, world.focal)
    skipped = the_row(engine, "-14d", focal)
    assert (skipped.state, skipped.last_error) == (
        OutboxState.SKIPPED,
        "too old: due 2023-11-15 01:30 UTC",
    )
    two_days_late = the_row(engine, "-7d", focal)
    today = the_row(engine, "-3d", focal)  # 08:30 today, 1.5 h ago
    assert (two_days_late.state, two_days_late.late) == (OutboxState.SENT, True)
    assert (today.state, today.late) == (OutboxState.SENT, True)
    texts = [c.text for c in sends(transport, world.focal.id)]
    assert len(texts) == 1 and two_days_late.sent_message_id == today.sent_message_id
    assert all("(gửi muộn)" in text for text in texts)
    assert all("còn 5 ngày" in text for text in texts)  # written now: 5 days to Wednesday
    assert await dispatcher_of(bot).run_once() == 0


async def test_a_restart_on_the_same_database_sends_the_missed_ones_once(
    bot: OfflineBot,
    world: World,
    settings: Settings,
    transport: FakeTelegram,
    clock: ManualClock,
    engine: Engine,
) -> None:
    world.task()
    clock.set(DUE - timedelta(minutes=5))
    assert await dispatcher_of(bot).run_once() == 0
    await bot.application.shutdown()  # the old process stops ...

    clock.set(DUE + timedelta(hours=2))  # ... and a new one starts two hours later
    restarted = build_application(settings, request=transport, clock=clock, engine=engine)
    async with OfflineBot(restarted, transport, clock) as second:
        assert await dispatcher_of(second).run_once() == 1
        assert await dispatcher_of(second).run_once() == 0
    (call,) = sends(transport, world.focal.id)
    assert "(gửi muộn)" in call.text
    assert the_row(engine, "-3d", member_id(engine, world.focal)).late is True
    await bot.application.initialize()  # so that the fixture can shut it down again


async def test_a_crash_between_claim_and_answer_is_recovered_once(
    bot: OfflineBot, world: World, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    world.task()
    clock.set(DUE)
    with Session(engine) as session:  # a dispatcher claimed it and died before sending
        row = session.exec(select(Reminder)).first()
        assert row is not None
        row.state, row.claimed_by, row.claimed_at = OutboxState.SENDING, "dead#1", clock.now()
        session.add(row)
        session.commit()
    dispatcher = dispatcher_of(bot)
    assert await dispatcher.run_once() == 0  # a live claim is left alone
    clock.advance(timedelta(minutes=5, seconds=1))
    assert await dispatcher.run_once() == 1
    assert len(sends(transport, world.focal.id)) == 1


async def test_task_reminders_wait_for_working_hours_but_meeting_reminders_do_not(
    bot: OfflineBot, world: World, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    world.task(deadline=vn(2023, 11, 24, 23, 59), planned_at=vn(2023, 11, 21, 10))
    clock.set(vn(2023, 11, 23, 8, 30))
    assert await dispatcher_of(bot).run_once() == 1  # -1d, on Thursday
    clock.set(vn(2023, 11, 24, 7, 0))  # a meeting is called for Sunday; then the bot goes down
    meeting = world.tasks.meeting(council=world.council, starts_at=vn(2023, 11, 26, 9))
    with Session(engine) as session:
        replan_meeting(
            session=session,
            meeting_id=meeting.id or 0,
            now=clock.now(),
            config=runtime_of(bot).reminders,
        )
        session.commit()

    clock.set(vn(2023, 11, 25, 10))  # back on Saturday
    # The meeting notice and -1d to both members, and the agenda digest to the secretary.
    assert await dispatcher_of(bot).run_once() == 5
    texts = [c.text for c in sends(transport, world.focal.id)][1:]
    assert [text.split("\n")[0] for text in texts] == [
        "📅 <b>Thông báo mời họp</b> <i>(gửi muộn)</i>",
        "📅 <b>Nhắc lịch họp</b>: còn 23 giờ nữa <i>(gửi muộn)</i>",
    ]
    held = the_row(engine, "0d", member_id(engine, world.focal))
    assert (held.state, held.late, held.next_attempt_at) == (
        OutboxState.PENDING,
        True,
        utc(vn(2023, 11, 27, 8, 0)),
    )
    clock.set(vn(2023, 11, 27, 7, 59))
    assert await dispatcher_of(bot).run_once() == 0
    clock.set(vn(2023, 11, 27, 8, 0))
    assert await dispatcher_of(bot).run_once() == 1  # judged late on Saturday, sent Monday
    last = sends(transport, world.focal.id)[-1].text
    assert last.startswith("⚠️ <b>Quá hạn 3 ngày</b> <i>(gửi muộn)</i>")
    assert the_row(engine, "-2h", member_id(engine, world.focal)).state == OutboxState.SKIPPED


async def test_a_completed_task_is_not_reminded_even_if_the_plan_was_not_updated(
    bot: OfflineBot, world: World, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    task = world.task()
    with Session(engine) as session:
        row = session.get(Task, task.id)
        assert row is not None
        row.state = TaskState.DONE
        session.add(row)
        session.commit()
    clock.set(DUE)
    assert await dispatcher_of(bot).run_once() == 0
    assert the_row(engine, "-3d", member_id(engine, world.focal)).state == OutboxState.CANCELLED


async def test_a_deadline_on_the_friday_before_national_day_fires_on_the_right_days(
    bot: OfflineBot,
    world: World,
    transport: FakeTelegram,
    clock: ManualClock,
    engine: Engine,
) -> None:
    """End to end, hour by hour: Fri 30 Aug 2024, then Mon 2 and Tue 3 Sep are holidays."""
    world.task(deadline=vn(2024, 8, 30, 23, 59), planned_at=vn(2024, 8, 1, 9))
    dispatcher = dispatcher_of(bot)
    moment = vn(2024, 8, 1, 0, 30)
    while moment < vn(2024, 9, 21):
        clock.set(moment)
        await dispatcher.run_once()
        moment += timedelta(hours=1)

    def when(chat_id: int) -> list[str]:
        return [
            f"{c.at.astimezone(moment.tzinfo):%a %d/%m %H:%M}" for c in sends(transport, chat_id)
        ]

    assert when(world.focal.id) == [
        "Fri 16/08 08:30",  # -14d
        "Fri 23/08 08:30",  # -7d
        "Tue 27/08 08:30",  # -3d
        "Thu 29/08 08:30",  # -1d
        "Fri 30/08 08:30",  # on the day
        "Wed 04/09 08:30",  # +1: first working day after the holidays
        "Mon 09/09 08:30",  # +2
        "Thu 12/09 08:30",  # +3
        "Tue 17/09 08:30",  # +4
        "Fri 20/09 08:30",  # +5
    ]
    assert when(world.secretary.id) == [
        "Mon 09/09 08:30",
        "Thu 12/09 08:30",
        "Tue 17/09 08:30",
        "Fri 20/09 08:30",
    ]
    escalation = sends(transport, world.secretary.id)[0].text
    assert "🚨 <b>Báo cáo Văn phòng</b>" in escalation
    assert "Bộ Kế hoạch và Đầu tư (BKHDT)" in escalation
    assert "quá hạn 10 ngày, đã nhắc 2 lần" in escalation
    assert not any("(gửi muộn)" in c.text for c in sends(transport))


async def test_two_dispatchers_on_sqlite_never_send_a_row_twice(
    bot: OfflineBot,
    world: World,
    factory: Factory,
    settings: Settings,
    transport: FakeTelegram,
    clock: ManualClock,
    engine: Engine,
) -> None:
    for _ in range(20):
        world.add_focal(factory)
    world.task()
    clock.set(DUE)
    second = Dispatcher(
        engine=engine,
        clock=clock,
        sender=TelegramSender(bot.application.bot),
        config=reminder_config(settings),
        instance_id="second",
        renderer=render_reminder,
    )
    first = dispatcher_of(bot)
    counts = await asyncio.gather(first.run_once(), second.run_once())
    assert sum(counts) == 21
    chats = [c.chat_id for c in sends(transport)]
    assert len(chats) == len(set(chats)) == 21
    assert {r.state for r in reminders(engine) if r.due_at <= clock.now()} == {OutboxState.SENT}


async def test_a_meeting_that_announced_itself_gets_no_second_notice(
    bot: OfflineBot, world: World, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> None:
    meeting = world.tasks.meeting(council=world.council, starts_at=vn(2023, 11, 30, 9))
    with Session(engine) as session:  # as /meeting does: plan, then queue its own notice
        replan_meeting(
            session=session,
            meeting_id=meeting.id or 0,
            now=clock.now(),
            config=runtime_of(bot).reminders,
        )
        session.add(
            Broadcast(
                council_id=world.council.id or 0,
                meeting_id=meeting.id,
                text="Thông báo mời họp",
                created_at=clock.now(),
            )
        )
        session.commit()
    assert await dispatcher_of(bot).run_once() == 0
    notices = [r for r in reminders(engine) if r.kind == "meeting_notice"]
    assert {(r.state, r.last_error) for r in notices} == {
        (OutboxState.CANCELLED, "announced by the meeting's own notice")
    }


async def test_a_meeting_reminder_to_a_whole_council_is_paced_under_telegrams_limit(
    bot: OfflineBot,
    world: World,
    factory: Factory,
    transport: FakeTelegram,
    clock: ManualClock,
    engine: Engine,
) -> None:
    members = [factory.user(Role.MEMBER, council=world.council) for _ in range(80)]
    meeting = world.tasks.meeting(council=world.council, starts_at=vn(2023, 11, 20, 14))
    with Session(engine) as session:
        replan_meeting(
            session=session,
            meeting_id=meeting.id or 0,
            now=clock.now(),
            config=runtime_of(bot).reminders,
        )
        session.commit()
    before = len(transport.calls)

    while await dispatcher_of(bot).run_once():
        pass

    sent = [c for c in transport.calls[before:] if c.method == "sendMessage" and c.ok]
    everyone = {m.id for m in members} | {world.focal.id, world.secretary.id}
    assert sorted(c.chat_id or 0 for c in sent) == sorted(everyone)  # each exactly once
    moments = sorted(c.at for c in sent)
    busiest = max(
        sum(1 for later in moments[i:] if later - moment < timedelta(seconds=1))
        for i, moment in enumerate(moments)
    )
    # Paced at the limit (nobody is talking: no turn kept for replies): never more, not slower.
    assert busiest == 30
    assert moments[-1] - moments[0] >= timedelta(seconds=2)


async def test_after_a_restart_the_jobs_send_nothing_until_the_re_planning_is_done(
    bot: OfflineBot,
    world: World,
    settings: Settings,
    transport: FakeTelegram,
    clock: ManualClock,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world.task()
    await bot.application.shutdown()
    clock.set(DUE + timedelta(minutes=1))
    # The re-planning takes as long as the test wants (seconds, at national scale).
    release = threading.Event()
    real_replan = reminder_jobs._replan_everything

    def slow_replan(runtime: Runtime) -> None:
        assert release.wait(timeout=30)
        real_replan(runtime)

    monkeypatch.setattr(reminder_jobs, "_replan_everything", slow_replan)
    restarted = build_application(settings, request=transport, clock=clock, engine=engine)
    await restarted.initialize()
    assert restarted.post_init is not None
    await restarted.post_init(restarted)  # the start-up hook returns before re-planning ends
    runtime = restarted.bot_data[RUNTIME_KEY]
    assert isinstance(runtime, Runtime)
    assert runtime.catching_up is not None and not runtime.caught_up
    context = BotContext(restarted)

    await dispatch_due(context)  # the first tick, while the re-planning runs
    assert sends(transport, world.focal.id) == []

    release.set()
    await runtime.catching_up
    await dispatch_due(context)
    assert len(sends(transport, world.focal.id)) == 1
    await restarted.shutdown()
    await bot.application.initialize()  # so that the fixture can shut it down again
