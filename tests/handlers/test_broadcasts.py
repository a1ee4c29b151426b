"""Broadcasts: a preview before Send, every reachable member served exactly once under
Telegram's pace (measured on the fake transport's clock), a report of the rest, acknowledgements,
and a restart in the middle that resumes without sending anyone the notice twice."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.application import build_application
from bot.offline.driver import FakeUser, OfflineBot, answers, texts
from bot.offline.fake_telegram import FakeTelegram, Fault, RecordedCall
from bot.settings import Settings
from db.broadcasts import Audience, confirm_broadcast, create_broadcast
from db.models import Broadcast, BroadcastState, Delivery, Member, OutboxState, Role
from db.permissions import Actor
from schedules.clock import ManualClock
from tests.factories import Factory

NOTICE = "Kính mời dự họp Hội đồng <lúc 14h> ngày 05/12/2023"


def most_in_any_second(times: list[datetime]) -> int:
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= timedelta(seconds=1):
            start += 1
        best = max(best, end - start + 1)
    return best


def notice_sends(transport: FakeTelegram) -> list[RecordedCall]:
    """Every attempt to send the notice (including those Telegram refused)."""
    return [
        call
        for call in transport.calls
        if call.method == "sendMessage"
        and any(data.startswith("ack:") for _, data in call.buttons())
    ]


def members(factory: Factory, count: int) -> list[FakeUser]:
    council = factory.council()
    return [
        factory.user(Role.MEMBER, council=council, name=f"Thành viên {n:03d}") for n in range(count)
    ]


async def send_broadcast(bot: OfflineBot, secretariat: FakeUser, text: str) -> RecordedCall:
    (preview,) = [c for c in await bot.send(secretariat, text) if c.method == "sendMessage"]
    return preview


async def test_three_hundred_members_with_429s_and_blocked_users(
    bot: OfflineBot, factory: Factory, engine: Engine, transport: FakeTelegram
) -> None:
    crowd = members(factory, 300)
    secretariat = factory.user(Role.SECRETARIAT, name="Thư ký")
    blocked = {user.id for user in crowd[10:15]}
    missing = {user.id for user in crowd[20:23]}
    transport.blocked_chats |= blocked
    transport.missing_chats |= missing

    preview = await send_broadcast(bot, secretariat, f"/broadcast DBSH | {NOTICE}")
    assert "sẽ gửi tới <b>301</b> thành viên" in preview.text
    assert "&lt;lúc 14h&gt;" in preview.text  # the secretariat's text is escaped
    assert notice_sends(transport) == []  # nothing before Send

    transport.fail_next(Fault.RETRY_AFTER, method="sendMessage", retry_after=4)
    transport.fail_next(Fault.SERVER_ERROR, method="sendMessage")
    transport.fail_next(Fault.TIMEOUT, method="sendMessage")
    await bot.press(secretariat, preview, preview.buttons()[0][1])
    await bot.settle()

    delivered = Counter(c.chat_id for c in notice_sends(transport) if c.ok)
    reachable = {user.id for user in crowd} - blocked - missing | {secretariat.id}
    assert set(delivered) == reachable
    assert set(delivered.values()) == {1}  # exactly once each
    attempts = notice_sends(transport)
    assert most_in_any_second([call.at for call in attempts]) <= 30
    retried = next(call for call in attempts if call.error == "retry_after")
    after = [call.at for call in attempts if call.at > retried.at]
    assert min(after) - retried.at >= timedelta(seconds=4)  # retry_after was honoured

    report = [c for c in transport.calls if c.method == "sendMessage" and "Thông báo #" in c.text]
    assert len(report) == 1
    assert "đã gửi 293/301, lỗi 8, đang chờ 0" in report[0].text
    assert "Thành viên 010: 403 Forbidden: bot was blocked by the user" in report[0].text
    assert "Thành viên 020: 400 Chat not found" in report[0].text
    assert "Chưa mở trò chuyện riêng với bot hoặc đã chặn bot" in report[0].text
    progress_edits = [c for c in transport.calls if c.method == "editMessageText"]
    assert progress_edits and progress_edits[-1].text.startswith("Đang gửi thông báo #1: ")
    with Session(engine) as session:
        broadcast = session.exec(select(Broadcast)).one()
        unreachable = session.exec(
            select(Member).where(col(Member.private_chat_ok).is_(False))
        ).all()
    assert broadcast.state == BroadcastState.DONE
    assert {member.telegram_user_id for member in unreachable} == blocked | missing


async def test_cancel_sends_nothing(
    bot: OfflineBot, factory: Factory, transport: FakeTelegram
) -> None:
    members(factory, 3)
    secretariat = factory.user(Role.SECRETARIAT)
    preview = await send_broadcast(bot, secretariat, f"/broadcast {NOTICE}")
    assert texts(await bot.press(secretariat, preview, preview.buttons()[1][1])) == ["Đã hủy."]
    await bot.settle()
    assert notice_sends(transport) == []
    again = await bot.press(secretariat, preview, preview.buttons()[0][1])
    assert answers(again) == ["Thông báo này đã được gửi hoặc đã hủy."]


async def test_audience_by_role_and_agency(
    bot: OfflineBot, factory: Factory, transport: FakeTelegram
) -> None:
    council = factory.council()
    mpi, mof = factory.agency("BKHDT"), factory.agency("BTC", "Bộ Tài chính")
    focal_mpi = factory.user(Role.FOCAL_POINT, council=council, agency=mpi)
    factory.user(Role.FOCAL_POINT, council=council, agency=mof)
    factory.user(Role.MEMBER, council=council)
    secretariat = factory.user(Role.SECRETARIAT, council=council)
    preview = await send_broadcast(
        bot, secretariat, f"/broadcast DBSH vai-tro=dau-moi co-quan=BKHDT | {NOTICE}"
    )
    assert "sẽ gửi tới <b>1</b> thành viên" in preview.text
    await bot.press(secretariat, preview, preview.buttons()[0][1])
    await bot.settle()
    assert [call.chat_id for call in notice_sends(transport)] == [focal_mpi.id]
    for bad, error in (
        ("/broadcast vai-tro=vua | x", "Không có vai trò vua."),
        (
            "/broadcast co-quan=XYZ | x",
            "Không có cơ quan mã XYZ. Dùng mã viết tắt, ví dụ BKHDT, BTC.",
        ),
        ("/broadcast TN | x", "Không có Hội đồng mã TN. Gõ /councils để xem các mã."),
    ):
        assert texts(await bot.send(secretariat, bad)) == [error]
    assert texts(await bot.send(secretariat, "/broadcast"))[0].startswith("Cách dùng: /broadcast")


async def test_acknowledgements_and_reminding_the_others(
    bot: OfflineBot, factory: Factory, engine: Engine, transport: FakeTelegram
) -> None:
    crowd = members(factory, 4)
    secretariat = factory.user(Role.SECRETARIAT, name="Thư ký")
    preview = await send_broadcast(bot, secretariat, f"/broadcast {NOTICE}")
    await bot.press(secretariat, preview, preview.buttons()[0][1])
    await bot.settle()
    notices = {call.chat_id: call for call in notice_sends(transport)}
    first = notices[crowd[0].id]
    ack = dict(first.buttons())["Đã nhận"]
    assert answers(await bot.press(crowd[0], first, ack)) == ["Cảm ơn, đã ghi nhận."]
    assert answers(await bot.press(crowd[0], first, ack)) == ["Anh/chị đã xác nhận trước đó."]
    assert answers(await bot.press(crowd[1], first, ack)) == [
        "Anh/chị không có quyền thực hiện thao tác này."
    ]
    with Session(engine) as session:
        acked = session.exec(
            select(Delivery).where(col(Delivery.acknowledged_at).is_not(None))
        ).all()
    assert [delivery.chat_id for delivery in acked] == [crowd[0].id]

    (report,) = [c for c in await bot.send(secretariat, "/broadcasts") if c.method == "sendMessage"]
    (details,) = [
        c for c in await bot.press(secretariat, report, "bc:1:report") if c.method == "sendMessage"
    ]
    assert "1 người đã xác nhận đã nhận" in details.text
    assert "Chưa xác nhận đã nhận:" in details.text and "Thành viên 000" not in details.text
    remind = dict(details.buttons())["Nhắc người chưa xác nhận"]
    transport.clear()
    await bot.press(secretariat, details, remind)
    await bot.settle()
    reminded = {call.chat_id for call in notice_sends(transport)}
    assert reminded == {user.id for user in crowd[1:]} | {secretariat.id}
    assert all(call.text.startswith("🔔 Nhắc lại:") for call in notice_sends(transport))


async def test_resend_to_the_failed_ones(
    bot: OfflineBot, factory: Factory, transport: FakeTelegram
) -> None:
    crowd = members(factory, 3)
    secretariat = factory.user(Role.SECRETARIAT)
    transport.blocked_chats.add(crowd[0].id)
    preview = await send_broadcast(bot, secretariat, f"/broadcast {NOTICE}")
    await bot.press(secretariat, preview, preview.buttons()[0][1])
    await bot.settle()
    report = [c for c in transport.calls if "Thông báo #" in c.text][-1]
    transport.blocked_chats.clear()  # the member unblocked the bot
    transport.clear()
    await bot.press(secretariat, report, dict(report.buttons())["Gửi lại cho người bị lỗi"])
    await bot.settle()
    assert [call.chat_id for call in notice_sends(transport) if call.ok] == [crowd[0].id]


async def test_a_restart_in_the_middle_resumes_without_doubles(
    settings: Settings, engine: Engine, clock: ManualClock, factory: Factory
) -> None:
    crowd = members(factory, 40)
    secretariat = factory.user(Role.SECRETARIAT)
    with Session(engine) as session:
        sender = session.exec(select(Member).where(Member.telegram_user_id == secretariat.id)).one()
        actor = Actor(telegram_user_id=secretariat.id, member_id=sender.id, is_admin=True)
        draft, _ = create_broadcast(
            session=session,
            actor=actor,
            council_id=1,
            text=NOTICE,
            audience=Audience(),
            now=clock.now(),
        )
        confirm_broadcast(session=session, actor=actor, broadcast_id=draft.id or 0, now=clock.now())
        session.commit()
        deliveries = session.exec(select(Delivery).order_by(col(Delivery.id))).all()
        # Before the crash: 15 were delivered, one was being sent, the rest were waiting.
        for delivery in deliveries[:15]:
            delivery.state, delivery.message_id = OutboxState.SENT, 1
            session.add(delivery)
        deliveries[15].state = OutboxState.SENDING
        deliveries[15].claimed_by = "dead-process"
        deliveries[15].claimed_at = clock.now()
        session.add(deliveries[15])
        session.commit()
        already = {delivery.chat_id for delivery in deliveries[:15]}
    clock.advance(timedelta(minutes=10))  # the restart comes after the stale-claim limit

    transport = FakeTelegram(clock=clock)
    application = build_application(settings, request=transport, clock=clock, engine=engine)
    async with OfflineBot(application, transport, clock) as restarted:
        await restarted.settle()
    served = Counter(call.chat_id for call in notice_sends(transport) if call.ok)
    assert set(served) == ({user.id for user in crowd} | {secretariat.id}) - already
    assert set(served.values()) == {1}
    with Session(engine) as session:
        assert session.exec(select(Broadcast)).one().state == BroadcastState.DONE
