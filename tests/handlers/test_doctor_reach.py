"""/doctor names members the bot cannot reach in two groups with their own words, and forgets a
member who blocked the bot as soon as a message reaches them again."""

from __future__ import annotations

from sqlalchemy import Engine, update
from sqlmodel import Session, select

from bot.offline.driver import FakeUser, OfflineBot, texts
from bot.offline.fake_telegram import FakeTelegram
from db.models import Member, Role
from schedules.clock import ManualClock
from tests.factories import Factory
from tests.reminder_helpers import DUE, World, dispatcher_of


async def broadcast(bot: OfflineBot, secretariat: FakeUser, text: str) -> None:
    calls = await bot.send(secretariat, f"/broadcast | {text}")
    (preview,) = [c for c in calls if c.buttons()]
    await bot.press(secretariat, preview, preview.buttons()[0][1])
    await bot.settle()


async def test_blocked_and_never_opened_are_told_apart_and_unblocking_clears(
    bot: OfflineBot, factory: Factory, transport: FakeTelegram
) -> None:
    secretariat = factory.user(Role.SECRETARIAT, name="Thư ký")
    await bot.send(secretariat, "/help")
    factory.user(Role.MEMBER, name="Chưa Mở Chat")
    blocker = factory.user(Role.MEMBER, name="Đã Chặn Bot")
    await bot.send(blocker, "/help")  # opened a private chat once
    transport.blocked_chats.add(blocker.id)
    await broadcast(bot, secretariat, "Thông báo thứ nhất")

    (report,) = texts(await bot.send(secretariat, "/doctor"))
    never = next(line for line in report.split("\n") if "chưa mở trò chuyện riêng" in line)
    blocked = next(line for line in report.split("\n") if "đã chặn bot" in line)
    assert "Chưa Mở Chat" in never and "Đã Chặn Bot" not in never
    assert "Đã Chặn Bot" in blocked and "Chưa Mở Chat" not in blocked

    transport.blocked_chats.discard(blocker.id)  # unblocked; the next notice reaches them
    await broadcast(bot, secretariat, "Thông báo thứ hai")
    (report,) = texts(await bot.send(secretariat, "/doctor"))
    assert "Đã Chặn Bot" not in report
    assert "Chưa Mở Chat" in report


async def test_a_reminder_that_reaches_a_blocked_member_clears_the_mark(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock
) -> None:
    world = World(bot, factory, engine, clock)
    with Session(engine) as session:
        session.execute(update(Member).values(private_chat_ok=False))
        session.commit()
    world.task()
    clock.set(DUE)
    assert await dispatcher_of(bot).run_once() == 1
    with Session(engine) as session:
        reached = session.exec(
            select(Member.private_chat_ok).where(Member.telegram_user_id == world.focal.id)
        ).one()
        others = session.exec(
            select(Member.private_chat_ok).where(Member.telegram_user_id != world.focal.id)
        ).all()
    assert reached is True
    assert set(others) == {False}  # not reached by this run: still marked
