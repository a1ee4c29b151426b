"""/doctor names members the bot cannot reach in two groups with their own words, and forgets a
member who blocked the bot as soon as a message reaches them again."""

from __future__ import annotations

from bot.fake_telegram import FakeTelegram
from bot.offline import FakeUser, OfflineBot, texts
from db.models import Role
from tests.factories import Factory


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
