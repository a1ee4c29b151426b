"""/doctor and `councilbot doctor`: each problem they know, provoked and reported."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from bot.application import build_application
from bot.offline.driver import FakeUser, OfflineBot, texts
from bot.offline.fake_telegram import FakeTelegram, Fault
from bot.settings import SecretStr, Settings, WebhookSettings
from db.models import Council, JobRun, OutboxState, Reminder, Role
from handlers.doctor import doctor_report, render
from schedules.clock import ManualClock
from tests.factories import Factory


def add_reminder(engine: Engine, clock: ManualClock, key: str, **values: Any) -> None:
    with Session(engine) as session:
        session.add(
            Reminder(
                key=key,
                target_kind="task",
                target_id=1,
                kind="task_before",
                offset="-1d",
                chat_id=1,
                due_at=clock.now(),
                created_at=clock.now(),
                **values,
            )
        )
        session.commit()


async def report(bot: OfflineBot, user: FakeUser) -> str:
    (text_,) = texts(await bot.send(user, "/doctor"))
    return text_


async def test_a_healthy_bot(bot: OfflineBot, factory: Factory) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    await bot.application.start()
    try:
        result = await report(bot, secretariat)
    finally:
        await bot.application.stop()
    assert f"✅ Token hợp lệ (bot @{bot.transport.bot_username})" in result
    assert "✅ Chế độ polling, không có webhook nào được đặt" in result
    assert "✅ Chế độ riêng tư bật" in result
    assert "✅ Bộ lập lịch nhắc việc đang chạy" in result
    assert "✅ Cơ sở dữ liệu đúng phiên bản" in result
    assert "✅ Không có nhắc việc bị kẹt" in result
    assert "✅ Mọi thành viên đã mở trò chuyện riêng với bot" in result
    assert result.endswith("Không phát hiện vấn đề.")
    assert "❌" not in result


async def test_each_problem_is_reported(
    bot: OfflineBot,
    factory: Factory,
    engine: Engine,
    clock: ManualClock,
    transport: FakeTelegram,
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    factory.user(Role.MEMBER, name="Chưa Mở Chat")
    council = factory.council()
    with Session(engine) as session:
        stored = session.get(Council, council.id)
        assert stored is not None
        stored.group_chat_id = -100777
        session.add(stored)
        session.commit()
    transport.chats_without_bot.add(-100777)
    transport.webhook_url = "https://old.example/hook"
    transport.can_read_all_group_messages = True
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    add_reminder(engine, clock, "f1", state=OutboxState.FAILED, last_error="403 blocked")
    add_reminder(
        engine,
        clock,
        "s1",
        state=OutboxState.SENDING,
        claimed_at=clock.now() - timedelta(hours=1),
    )
    add_reminder(engine, clock, "p1", state=OutboxState.PENDING)
    clock.advance(timedelta(hours=1))

    result = await report(bot, secretariat)
    assert "❌ Đang chạy polling nhưng Telegram vẫn đặt webhook https://old.example/hook" in result
    assert "✅ Chế độ riêng tư tắt" in result
    assert "❌ Bot không gửi được tin vào nhóm của DBSH" in result
    assert "❌ Bộ lập lịch nhắc việc không chạy" in result
    assert "❌ Cơ sở dữ liệu ở phiên bản 0000" in result
    assert "❌ 1 nhắc việc gửi lỗi trong 7 ngày qua: 403 blocked ×1" in result
    assert "❌ Nhắc việc bị kẹt: 1 đang gửi quá lâu, 1 đến hạn mà chưa gửi" in result
    assert "❌ 1 thành viên chưa mở trò chuyện riêng với bot" in result and "Chưa Mở Chat" in result
    assert result.endswith("Có 7 vấn đề cần xử lý.")


async def test_webhook_mode_problems_and_an_unreachable_bot_api(
    bot: OfflineBot, factory: Factory, transport: FakeTelegram
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    runtime = bot.runtime
    runtime.settings = replace(
        runtime.settings,
        telegram=replace(runtime.settings.telegram, mode="webhook"),
        webhook=WebhookSettings(
            public_url="https://bot.example/telegram", secret_token=SecretStr("s3cret")
        ),
    )
    transport.webhook_url = "https://old.example/hook"
    assert (
        "❌ Webhook đang trỏ tới https://old.example/hook, cấu hình là https://bot.example/telegram"
        in await report(bot, secretariat)
    )
    transport.webhook_url = "https://bot.example/telegram"
    assert "✅ Webhook hoạt động (0 cập nhật đang chờ)" in await report(bot, secretariat)
    transport.fail_next(Fault.TIMEOUT, method="getMe")
    assert "❌ Không kết nối được máy chủ Bot API (TimedOut)" in await report(bot, secretariat)


async def test_only_the_secretariat_may_run_it(bot: OfflineBot, factory: Factory) -> None:
    assert texts(await bot.send(factory.user(Role.CHAIR), "/doctor")) == [
        "Anh/chị không có quyền thực hiện thao tác này."
    ]


async def test_command_line_doctor_with_a_revoked_token(
    settings: Settings, engine: Engine, clock: ManualClock
) -> None:
    transport = FakeTelegram(clock=clock, token_valid=False)
    application = build_application(settings, request=transport, clock=clock, engine=engine)
    findings = await doctor_report(application)
    rendered = render(findings, "en")
    assert "❌ The token is invalid or revoked" in rendered


async def test_command_line_doctor_checks_the_scheduler_heartbeat(
    settings: Settings, engine: Engine, clock: ManualClock
) -> None:
    application = build_application(
        settings, request=FakeTelegram(clock=clock), clock=clock, engine=engine
    )
    assert "❌ No bot instance has ever run the scheduler" in render(
        await doctor_report(application), "en"
    )
    with Session(engine) as session:
        session.add(
            JobRun(
                job="heartbeat",
                period="host:1",
                claimed_by="host:1",
                started_at=clock.now(),
                finished_at=clock.now(),
            )
        )
        session.commit()
    assert "✅ The reminder scheduler is running" in render(await doctor_report(application), "en")
    clock.advance(timedelta(minutes=10))
    silent = render(await doctor_report(application), "en")
    assert "❌ The scheduler has been silent for 10 minutes" in silent


async def test_setgroup_links_the_group(bot: OfflineBot, factory: Factory, engine: Engine) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    assert texts(await bot.send(secretariat, "/setgroup DBSH", chat_id=-100900)) == [
        "Đã gắn nhóm này với Hội đồng DBSH."
    ]
    with Session(engine) as session:
        council = session.exec(select(Council).where(Council.code == "DBSH")).one()
    assert council.group_chat_id == -100900
    usage = texts(await bot.send(secretariat, "/setgroup DBSH"))[0]
    assert usage.startswith("Gửi lệnh trong nhóm Telegram của Hội đồng")
