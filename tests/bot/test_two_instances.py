"""Two running Applications on one PostgreSQL database, as behind a load balancer: updates are
handled by whichever receives them, every reminder and broadcast delivery is sent by exactly
one of them, the weekly digest is queued once, and an update delivered to both is handled once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from bot.application import build_application
from bot.offline.driver import OfflineBot, texts
from bot.offline.fake_telegram import FakeTelegram
from bot.outbound.broadcast_jobs import launch
from bot.outbound.reminder_jobs import _queue_digest
from bot.settings import Settings
from db.engine import make_engine
from db.models import JobRun, ProgressUpdate, Reminder, Role, Task
from schedules.clock import ManualClock
from tests.databases import postgres_url
from tests.factories import Factory

pytestmark = pytest.mark.skipif(
    not postgres_url(), reason="needs PostgreSQL (CI sets COUNCILBOT_TEST_DATABASE_URL)"
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
async def pair(
    settings: Settings, database_url: str, clock: ManualClock
) -> AsyncIterator[tuple[OfflineBot, OfflineBot]]:
    engines = [make_engine(database_url), make_engine(database_url)]
    transports = [FakeTelegram(clock=clock), FakeTelegram(clock=clock)]
    bots = [
        OfflineBot(
            build_application(settings, request=transport, clock=clock, engine=engine),
            transport,
            clock,
        )
        for transport, engine in zip(transports, engines, strict=True)
    ]
    async with bots[0] as first, bots[1] as second:
        yield first, second
    for engine in engines:
        engine.dispose()


async def test_two_instances_share_the_work_without_doubles(
    pair: tuple[OfflineBot, OfflineBot], engine: Engine, clock: ManualClock, factory: Factory
) -> None:
    left, right = pair
    council = factory.council()
    agency = factory.agency()
    secretariat = factory.user(Role.SECRETARIAT, council=council)
    focals = [factory.user(Role.FOCAL_POINT, council=council, agency=agency) for _ in range(10)]
    crowd = [factory.user(Role.MEMBER, council=council) for _ in range(40)]

    # Updates: a task assigned through one instance, reported on through the other.
    (preview,) = [
        c
        for c in await left.send(secretariat, "/assign BKHDT | Kế hoạch | 22/11/2023")
        if c.buttons()
    ]
    await left.press(secretariat, preview, preview.buttons()[0][1])
    with Session(engine) as session:
        task = session.exec(select(Task)).one()
    saved = texts(await right.send(focals[0], f"/update {task.id} 30% Đang làm"))
    assert saved[0].startswith(f"✅ Đã ghi nhận cập nhật cho nhiệm vụ #{task.id}")

    # The same update delivered to both instances is handled once.
    await left.send(focals[1], f"/update {task.id} 40% Lần một", update_id=555_001)
    assert await right.replay(left.last_update) == []
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(ProgressUpdate)).one() == 2

    # Reminders: both dispatchers run at once over everything that is due; each row once.
    clock.set(datetime(2023, 11, 21, 8, 31, tzinfo=HANOI))  # the -1d reminder of the task
    sent_before = {id(bot): len(bot.transport.calls) for bot in pair}
    for _ in range(3):
        await asyncio.gather(left.dispatch(), right.dispatch())
    reminder_sends = Counter(
        call.chat_id
        for bot in pair
        for call in bot.transport.calls[sent_before[id(bot)] :]
        if call.method == "sendMessage" and call.ok
    )
    with Session(engine) as session:
        rows = session.exec(select(Reminder).where(Reminder.state == "sent")).all()
    # Assignment notices and the -1d reminders: each row sent once; a focal point's two, due at
    # once, are one message (one per person per moment); one instance sends (the sending role).
    assert len(rows) == 20
    assert len({(row.chat_id, row.sent_message_id) for row in rows}) == sum(reminder_sends.values())
    assert reminder_sends == Counter({focal.id: 1 for focal in focals})
    assert sum(1 for bot in pair if len(bot.transport.calls) > sent_before[id(bot)]) == 1

    # The weekly digest: both instances try to queue Monday's; it is queued once.
    clock.set(datetime(2023, 11, 27, 8, 1, tzinfo=HANOI))
    queued = sorted(_queue_digest(bot.runtime) for bot in pair)
    assert queued[0] == 0 and queued[1] > 0  # whichever came first queued it; the other nothing
    with Session(engine) as session:
        weeks = session.exec(select(JobRun.period).where(JobRun.job == "weekly-digest")).all()
    assert sorted(weeks) == ["2023-W47", "2023-W48"]  # each week's claimed once (W47 at start)

    # A broadcast resumed by both instances at once: every member served exactly once.
    (draft,) = [c for c in await left.send(secretariat, "/broadcast Họp lúc 14h") if c.buttons()]
    before = {id(bot): len(bot.transport.calls) for bot in pair}
    await left.press(secretariat, draft, draft.buttons()[0][1])
    launch(right.application, 1)  # the other instance picks the same broadcast up
    await asyncio.gather(left.settle(), right.settle())
    notices = Counter(
        call.chat_id
        for bot in pair
        for call in bot.transport.calls[before[id(bot)] :]
        if call.method == "sendMessage"
        and call.ok
        and any(d.startswith("ack:") for _, d in call.buttons())
    )
    everyone = {u.id for u in [secretariat, *focals, *crowd]}
    assert set(notices) == everyone
    assert set(notices.values()) == {1}
