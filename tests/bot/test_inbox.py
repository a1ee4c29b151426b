"""The inbox: no update lost and none unanswered across a crash.

A crash is simulated by raising :class:`Crash` (not an ``Exception``: nothing in the bot catches
it, as nothing runs after ``kill -9``) at a chosen point; the application is then dropped and a
new one is started on the same database, as a restarted process or a second instance would be.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select
from telegram import Update

from bot import inbox as inbox_module
from bot import webhook as webhook_module
from bot.application import build_application
from bot.offline.driver import FakeUser, OfflineBot, texts
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from bot.settings import Settings
from bot.update_scope import REPLY_ATTEMPTS
from db.models import InboxAnswer, InboxUpdate, ProgressUpdate, Role
from schedules.clock import ManualClock
from tests.conftest import ADMIN_ID
from tests.factories import Factory
from tests.task_factories import TaskFactory, vn

CONFIRMATION = "✅ Đã ghi nhận cập nhật cho nhiệm vụ #"
LATE = "⏱"


class Crash(BaseException):
    """The process dies here."""


@dataclass
class CrashingTelegram(FakeTelegram):
    """The fake Bot API; the process dies just before or just after the named call."""

    crash_before: str | None = None
    crash_after: str | None = None
    # Calls of ``crash_before`` to let through first.
    crash_skip: int = 0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: Any = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api = url.rsplit("/", 1)[-1]
        if api == self.crash_before:
            if self.crash_skip > 0:
                self.crash_skip -= 1
            else:
                self.crash_before = None
                raise Crash(f"before {api}")
        result = await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        if api == self.crash_after:
            self.crash_after = None
            raise Crash(f"after {api}")
        return result


def crashing(offline: OfflineBot) -> CrashingTelegram:
    assert isinstance(offline.transport, CrashingTelegram)
    return offline.transport


@asynccontextmanager
async def life(settings: Settings, engine: Engine, clock: ManualClock) -> AsyncIterator[OfflineBot]:
    """One process of the bot (its start-up runs the inbox's recovery)."""
    transport = CrashingTelegram(clock=clock)
    application = build_application(settings, request=transport, clock=clock, engine=engine)
    async with OfflineBot(application, transport, clock) as offline:
        yield offline


def message(user: FakeUser, text: str, update_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1700445600,
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": user.as_json(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


async def arrive(offline: OfflineBot, mode: str, payload: dict[str, Any]) -> int:
    """Telegram delivers ``payload``: POSTed to the webhook, or fetched by the poller (which puts
    it in the application's queue, whence the application takes it and handles it)."""
    application = offline.application
    if mode == "webhook":
        return await webhook_module.deliver(application, json.dumps(payload).encode())
    await application.update_queue.put(Update.de_json(payload, application.bot))
    await application.process_update(await application.update_queue.get())
    return 200


def confirmations(calls: list[RecordedCall], chat_id: int) -> list[str]:
    return [
        call.text
        for call in calls
        if call.ok and call.method == "sendMessage" and call.chat_id == chat_id
        if CONFIRMATION in call.text
    ]


def count(engine: Engine, model: Any) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@pytest.mark.parametrize("point", ["after_store", "after_commit", "after_send"])
async def test_a_crash_at_any_point_applies_the_update_once_and_answers_it(
    point: str,
    mode: str,
    settings: Settings,
    engine: Engine,
    clock: ManualClock,
    factory: Factory,
) -> None:
    council, agency = factory.council(), factory.agency()
    focal = factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = TaskFactory(engine, clock).task(
        councils=[council], agency=agency, deadline=vn(2023, 12, 15)
    )
    payload = message(focal, f"/update {task.id} 40% Đã trình dự thảo", 880_001)

    async with life(settings, engine, clock) as first:
        if point == "after_store":

            async def die(update: object) -> None:
                raise Crash("after store")

            first.application.process_update = die  # type: ignore[method-assign]
        elif point == "after_commit":
            crashing(first).crash_before = "sendMessage"
        else:
            crashing(first).crash_after = "sendMessage"
        with pytest.raises(Crash):
            await arrive(first, mode, payload)
        answered_first = confirmations(first.transport.calls, focal.id)
    applied_first = count(engine, ProgressUpdate)
    assert applied_first == (0 if point == "after_store" else 1)

    async with life(settings, engine, clock) as second:
        # The crashed process's claim is fresh: nobody may take the update yet, and Telegram
        # (which got no 200) delivering it again changes nothing.
        if mode == "webhook":
            assert await arrive(second, mode, payload) == 200
        assert await second.recover() == []
        assert count(engine, ProgressUpdate) == applied_first
        # Past the stale-claim time the survivor takes it over.
        clock.advance(timedelta(minutes=settings.reminders.stale_claim_minutes, seconds=1))
        await second.recover()
        assert count(engine, ProgressUpdate) == 1
        answered_second = confirmations(second.transport.calls, focal.id)
        # Delivered once more after all that: handled already, nothing changes, nothing is sent.
        before = len(second.transport.calls)
        assert await arrive(second, mode, payload) == 200
        assert second.transport.calls[before:] == []
        assert await second.recover() == []

    assert count(engine, ProgressUpdate) == 1
    everything = answered_first + answered_second
    # Exactly once, unless the crash fell between the send and its mark (then twice).
    assert len(everything) == (2 if point == "after_send" else 1)
    assert len(answered_second) == 1
    assert answered_second[0].startswith(LATE)  # more than a minute after it was sent
    with Session(engine) as session:
        row = session.get(InboxUpdate, 880_001)
        assert row is not None and row.processed_at is not None and row.answered_at is not None
        assert row.claimed_by is None
        # Recorded with the change (by whichever process applied it).
        (kept,) = session.exec(select(InboxAnswer)).all()
        assert kept.method == "sendMessage" and CONFIRMATION in json.loads(kept.params)["text"]
        if point != "after_store":  # sent after the crash by the recovery: marked, and late
            assert kept.late and kept.sent_at is not None


async def test_an_answer_met_by_429_is_sent_later_once_and_the_log_says_it_failed(
    bot: OfflineBot,
    factory: Factory,
    engine: Engine,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from bot.offline.fake_telegram import Fault

    council, agency = factory.council(), factory.agency()
    focal = factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = TaskFactory(engine, clock).task(
        councils=[council], agency=agency, deadline=vn(2023, 12, 15)
    )
    # A reply is tried REPLY_ATTEMPTS times (tests/bot/test_sending_budget.py); the recovery once.
    bot.transport.fail_next(
        Fault.RETRY_AFTER, method="sendMessage", chat_id=focal.id, count=REPLY_ATTEMPTS + 1
    )
    with caplog.at_level("INFO", logger="councilbot.updates"):
        first = await bot.send(focal, f"/update {task.id} 40% Đã trình", update_id=881_001)
    assert texts(first) == []  # the answer met flood control (and no apology: it was applied)
    (line,) = [r.getMessage() for r in caplog.records if "update=881001" in r.getMessage()]
    assert "outcome=ok" not in line
    assert "answer_failed:sendMessage:429" in line
    assert count(engine, ProgressUpdate) == 1

    assert await bot.recover() == []  # not before a minute
    clock.advance(timedelta(seconds=61))
    assert texts(await bot.recover()) == []  # flood control again: kept for the next minute
    clock.advance(timedelta(seconds=61))
    later = texts(await bot.recover())
    assert len(later) == 1 and CONFIRMATION in later[0] and later[0].startswith(LATE)
    assert texts(await bot.recover()) == []
    assert count(engine, ProgressUpdate) == 1


async def test_a_redelivered_update_is_ignored_while_another_process_handles_it(
    settings: Settings, engine: Engine, clock: ManualClock, factory: Factory
) -> None:
    member = factory.user(Role.MEMBER)
    payload = message(member, "/help", 882_001)
    async with life(settings, engine, clock) as first, life(settings, engine, clock) as second:
        crashing(first).crash_before = "sendMessage"
        with pytest.raises(Crash):
            await arrive(first, "webhook", payload)
        assert await arrive(second, "webhook", payload) == 200
        assert texts(second.transport.calls) == []
        clock.advance(timedelta(minutes=6))
        helped = texts(await second.recover())
        assert len(helped) == 1  # handled again from its stored JSON: it changed nothing before


async def test_webhook_answers_500_when_the_update_cannot_be_stored(
    bot: OfflineBot, factory: Factory, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = factory.user(Role.MEMBER)
    payload = json.dumps(message(member, "/help", 883_001)).encode()

    def database_down(*args: object, **kwargs: object) -> bool:
        raise RuntimeError("database is down")

    with monkeypatch.context() as patch:
        patch.setattr(webhook_module, "receive", database_down)
        before = len(bot.transport.calls)
        assert await webhook_module.deliver(bot.application, payload) == 500
        assert bot.transport.calls[before:] == []  # not handled: Telegram will send it again
    assert count(engine, InboxUpdate) == 0
    assert await webhook_module.deliver(bot.application, payload) == 200
    assert len(texts(bot.transport.calls[before:])) == 1
    assert await webhook_module.deliver(bot.application, b"[1, 2]") == 400


async def test_polling_confirms_an_update_to_telegram_only_once_it_is_stored(
    settings: Settings,
    engine: Engine,
    clock: ManualClock,
    factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """python-telegram-bot's own Updater, against a fake getUpdates that keeps an update until a
    later offset confirms it; storing fails twice (the database is down) before it works."""
    member = factory.user(Role.MEMBER)
    transport = FakeTelegram(clock=clock)
    transport.unconfirmed.append(message(member, "/help", 884_001))
    events: list[str] = []
    real_receive = inbox_module.receive
    failures = iter([True, True])

    def flaky(runtime: Any, update: Update, payload: Any = None) -> bool:
        if next(failures, False):
            events.append("store failed")
            raise RuntimeError("database is down")
        events.append("stored")
        return real_receive(runtime, update, payload)

    monkeypatch.setattr(inbox_module, "receive", flaky)
    real_get_updates = transport._api_getUpdates

    def logged_get_updates(params: dict[str, Any]) -> list[Any]:
        events.append(f"getUpdates offset={int(params.get('offset') or 0)}")
        return real_get_updates(params)

    transport._api_getUpdates = logged_get_updates  # type: ignore[method-assign]
    application = build_application(settings, request=transport, clock=clock, engine=engine)
    async with OfflineBot(application, transport, clock):
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=0)
        for _ in range(2000):
            if transport.sent(member.id):
                break
            await asyncio.sleep(0)
        await application.updater.stop()
        await application.stop()
    assert len(transport.sent(member.id)) == 1
    stored = events.index("stored")
    assert events[:stored].count("store failed") == 2
    confirming = [i for i, e in enumerate(events) if e == "getUpdates offset=884002"]
    assert confirming and confirming[0] > stored  # never confirmed before it was stored
    assert all(e in ("getUpdates offset=0", "store failed") for e in events[:stored])
    assert transport.unconfirmed == []
    with Session(engine) as session:
        row = session.get(InboxUpdate, 884_001)
        assert row is not None and row.answered_at is not None


async def test_doctor_reports_updates_waiting_for_more_than_a_minute(
    settings: Settings, engine: Engine, clock: ManualClock, factory: Factory
) -> None:
    admin = FakeUser(ADMIN_ID, "Quản trị")
    member = factory.user(Role.MEMBER)
    async with life(settings, engine, clock) as first:
        crashing(first).crash_before = "sendMessage"
        with pytest.raises(Crash):
            await arrive(first, "webhook", message(member, "/help", 885_001))
    async with life(settings, engine, clock) as second:
        assert (
            "❌ 1 tin nhắn nhận được hơn 1 phút"
            not in texts(await second.send(admin, "/doctor"))[0]
        )
        clock.advance(timedelta(minutes=2))
        report = texts(await second.send(admin, "/doctor"))[0]
        assert "❌ 1 tin nhắn nhận được hơn 1 phút vẫn chưa được xử lý hoặc trả lời" in report
        clock.advance(timedelta(minutes=4))
        await second.recover()
        report = texts(await second.send(admin, "/doctor"))[0]
        assert "✅ Mọi tin nhắn nhận được đều đã được xử lý và trả lời" in report


async def test_polling_a_crash_after_the_fetch_loses_nothing(
    settings: Settings,
    engine: Engine,
    clock: ManualClock,
    factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The process dies between getUpdates and storing: nothing was confirmed, so the next
    process's poll fetches the update again and handles it once."""
    member = factory.user(Role.MEMBER)
    telegram = FakeTelegram(clock=clock)  # Telegram's side, shared by both processes
    telegram.unconfirmed.append(message(member, "/lang en", 886_001))
    real_receive = inbox_module.receive

    def die(runtime: Any, update: Update, payload: Any = None) -> bool:
        raise Crash("after fetch")

    async def poll_once(application: Any) -> None:
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=0)
        for _ in range(2000):
            if telegram.sent(member.id):
                break
            await asyncio.sleep(0)
        try:
            await application.updater.stop()  # re-raises how the polling task ended
        finally:
            await application.stop()

    first = build_application(settings, request=telegram, clock=clock, engine=engine)
    monkeypatch.setattr(inbox_module, "receive", die)
    async with OfflineBot(first, telegram, clock):
        with pytest.raises(Crash):
            await poll_once(first)
    assert count(engine, InboxUpdate) == 0 and telegram.sent(member.id) == []
    monkeypatch.setattr(inbox_module, "receive", real_receive)

    second = build_application(settings, request=telegram, clock=clock, engine=engine)
    async with OfflineBot(second, telegram, clock):
        await poll_once(second)
    assert texts(telegram.sent(member.id)) == ["Language set to English."]
    assert telegram.unconfirmed == []


async def test_two_survivors_taking_over_at_once_handle_each_update_once(
    settings: Settings, engine: Engine, clock: ManualClock, factory: Factory
) -> None:
    council, agency = factory.council(), factory.agency()
    focals = [factory.user(Role.FOCAL_POINT, council=council, agency=agency) for _ in range(6)]
    task = TaskFactory(engine, clock).task(
        councils=[council], agency=agency, deadline=vn(2023, 12, 15)
    )
    async with life(settings, engine, clock) as dead:
        for n, focal in enumerate(focals):  # stored, then the process died before handling them

            async def die(update: object) -> None:
                raise Crash("after store")

            dead.application.process_update = die  # type: ignore[method-assign]
            with pytest.raises(Crash):
                await arrive(
                    dead, "webhook", message(focal, f"/update {task.id} {n}% x", 887_000 + n)
                )
    async with life(settings, engine, clock) as left, life(settings, engine, clock) as right:
        clock.advance(timedelta(minutes=6))
        await asyncio.gather(left.recover(), right.recover())
        calls = left.transport.calls + right.transport.calls
    assert count(engine, ProgressUpdate) == len(focals)
    for focal in focals:
        assert len(confirmations(calls, focal.id)) == 1
