"""A broadcast cut short by a crash: its recipients served once, by a restarted process or by a
surviving instance, after the stale-claim time; the report only once nothing is outstanding."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.offline.driver import OfflineBot
from bot.offline.fake_telegram import RecordedCall
from bot.outbound.broadcast_jobs import resume_broadcasts
from bot.settings import Settings
from db.models import Broadcast, BroadcastState, Delivery, OutboxState, Role
from schedules.clock import ManualClock
from tests.bot.test_inbox import crashing, life
from tests.factories import Factory

CROWD = 80  # more than one claimed batch (50)


def notices(calls: list[RecordedCall]) -> Counter[int | None]:
    return Counter(
        call.chat_id
        for call in calls
        if call.ok
        and call.method == "sendMessage"
        and any(data.startswith("ack:") for _, data in call.buttons())
    )


def reports(calls: list[RecordedCall]) -> list[str]:
    return [c.text for c in calls if c.method == "sendMessage" and "Thông báo #" in c.text]


def states(engine: Engine) -> Counter[str]:
    with Session(engine) as session:
        return Counter(str(d.state) for d in session.exec(select(Delivery)).all())


async def start_broadcast_and_crash(first: OfflineBot, factory: Factory) -> set[int]:
    council = factory.council()
    secretariat = factory.user(Role.SECRETARIAT, council=council, name="Thư ký")
    crowd = [factory.user(Role.MEMBER, council=council) for _ in range(CROWD)]
    (draft,) = [c for c in await first.send(secretariat, "/broadcast Họp lúc 14h") if c.buttons()]
    crashing(first).crash_before = "sendMessage"
    crashing(first).crash_skip = 20  # 20 notices go out, then the process dies
    await first.press(secretariat, draft, draft.buttons()[0][1])
    await first.settle()  # the broadcast's task died with the process
    return {secretariat.id, *(user.id for user in crowd)}


async def test_a_restarted_process_sends_what_a_crash_left_once_each(
    settings: Settings, engine: Engine, clock: ManualClock, factory: Factory
) -> None:
    async with life(settings, engine, clock) as first:
        everyone = await start_broadcast_and_crash(first, factory)
        sent_first = notices(first.transport.calls)
        assert len(sent_first) == 20
        assert reports(first.transport.calls) == []
    left = states(engine)
    assert left[OutboxState.SENDING] > 0 and left[OutboxState.PENDING] > 0
    with Session(engine) as session:
        assert session.exec(select(Broadcast)).one().state == BroadcastState.SENDING

    started = clock.now()
    async with life(settings, engine, clock) as second:
        await second.settle()
        sent_second = notices(second.transport.calls)
        (report,) = reports(second.transport.calls)
    # The dead process's claims were taken back only once stale.
    assert clock.now() - started >= timedelta(minutes=settings.reminders.stale_claim_minutes)
    assert set(sent_first + sent_second) == everyone
    assert set((sent_first + sent_second).values()) == {1}
    assert f"đã gửi {len(everyone)}/{len(everyone)}, lỗi 0, đang chờ 0" in report
    with Session(engine) as session:
        assert session.exec(select(Broadcast)).one().state == BroadcastState.DONE
    assert states(engine) == Counter({OutboxState.SENT: len(everyone)})


async def test_a_surviving_instance_serves_the_recipients_a_crashed_one_left(
    settings: Settings, engine: Engine, clock: ManualClock, factory: Factory
) -> None:
    async with life(settings, engine, clock) as survivor, life(settings, engine, clock) as first:
        everyone = await start_broadcast_and_crash(first, factory)
        sent_first = notices(first.transport.calls)
        # The survivor's minute job finds the broadcast; the dead claims are taken back when
        # stale (its waiting moves the injected clock), then sent.
        assert await resume_broadcasts(survivor.application) == [1]
        assert await resume_broadcasts(survivor.application) == []  # already sending it here
        await survivor.settle()
        sent_survivor = notices(survivor.transport.calls)
        assert len(reports(survivor.transport.calls)) == 1
    assert set(sent_first + sent_survivor) == everyone
    assert set((sent_first + sent_survivor).values()) == {1}
    assert reports(first.transport.calls) == []


async def test_broadcasts_retry_with_the_reminders_backoff_setting(
    settings: Settings, engine: Engine, clock: ManualClock, factory: Factory
) -> None:
    from dataclasses import replace

    from bot.offline.fake_telegram import Fault

    quick = replace(settings, reminders=replace(settings.reminders, backoff_seconds=2))
    async with life(quick, engine, clock) as bot:
        council = factory.council()
        secretariat = factory.user(Role.SECRETARIAT, council=council)
        member = factory.user(Role.MEMBER, council=council)
        (draft,) = [c for c in await bot.send(secretariat, "/broadcast Họp") if c.buttons()]
        bot.transport.fail_next(Fault.SERVER_ERROR, method="sendMessage", chat_id=member.id)
        await bot.press(secretariat, draft, draft.buttons()[0][1])
        await bot.settle()
        attempts = [
            c.at
            for c in bot.transport.calls
            if c.method == "sendMessage" and c.chat_id == member.id and c.buttons()
        ]
    assert len(attempts) == 2
    assert timedelta(seconds=2) <= attempts[1] - attempts[0] < timedelta(seconds=10)
