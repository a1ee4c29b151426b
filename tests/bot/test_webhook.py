"""Webhook mode over real HTTP on 127.0.0.1, the health check, and redelivered updates."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine
from sqlmodel import Session, select
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler
from tornado.httpserver import HTTPServer

from bot.application import build_application
from bot.context import RUNTIME_KEY, BotContext
from bot.offline.driver import FakeUser, OfflineBot, texts
from bot.offline.fake_telegram import FakeTelegram
from bot.outbound.reminder_jobs import replan_reminders
from bot.runtime import Runtime
from bot.settings import ConfigError, SecretStr, Settings, WebhookSettings
from bot.webhook import (
    ALLOWED_UPDATES,
    SECRET_HEADER,
    make_web_app,
    require_webhook_settings,
    serve_webhook,
)
from db.models import InboxUpdate, Role
from schedules.clock import ManualClock
from tests.factories import Factory

SECRET = "s3cr3t-Token_value"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def server(bot: OfflineBot) -> AsyncIterator[tuple[str, Runtime]]:
    runtime: Runtime = bot.application.bot_data[RUNTIME_KEY]
    runtime.settings = replace(
        runtime.settings,
        webhook=WebhookSettings(
            path="/telegram",
            public_url="https://bot.example/telegram",
            secret_token=SecretStr(SECRET),
        ),
    )
    port = free_port()
    http_server = HTTPServer(make_web_app(bot.application, runtime))
    http_server.listen(port, address="127.0.0.1")
    yield f"http://127.0.0.1:{port}", runtime
    http_server.stop()


def update_json(user: FakeUser, text: str, update_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1700445600,
            "chat": {"id": user.id, "type": "private"},
            "from": user.as_json(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


async def test_good_secret_processes_the_update(
    server: tuple[str, Runtime], bot: OfflineBot, factory: Factory
) -> None:
    base, _ = server
    member = factory.user(Role.MEMBER)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{base}/telegram",
            content=json.dumps(update_json(member, "/help", 7001)),
            headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"},
        )
    assert response.status_code == 200
    assert any("/help" in text for text in texts(bot.transport.sent(member.id)))


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: ""}])
async def test_missing_or_wrong_secret_is_403_and_nothing_happens(
    server: tuple[str, Runtime], bot: OfflineBot, factory: Factory, headers: dict[str, str]
) -> None:
    base, _ = server
    member = factory.user(Role.MEMBER)
    before = len(bot.transport.calls)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{base}/telegram",
            content=json.dumps(update_json(member, "/help", 7002)),
            headers=headers,
        )
    assert response.status_code == 403
    assert bot.transport.calls[before:] == []


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"no": "update id"}'])
async def test_malformed_body_is_400(
    server: tuple[str, Runtime], bot: OfflineBot, body: bytes
) -> None:
    base, _ = server
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{base}/telegram", content=body, headers={SECRET_HEADER: SECRET}
        )
    assert response.status_code == 400


async def test_healthz_reports_database_and_scheduler(
    server: tuple[str, Runtime], bot: OfflineBot, tmp_path: Any
) -> None:
    base, runtime = server
    async with httpx.AsyncClient() as client:
        stopped = await client.get(f"{base}/healthz")
        assert stopped.status_code == 503
        assert stopped.json() == {"database": "ok", "scheduler": "stopped"}
        await bot.application.start()
        try:
            running = await client.get(f"{base}/healthz")
            assert running.status_code == 200
            assert running.json() == {"database": "ok", "scheduler": "running"}
            good_engine = runtime.engine
            runtime.engine = create_engine(f"sqlite:///{tmp_path}/missing/dir/x.db")
            broken = await client.get(f"{base}/healthz")
            runtime.engine = good_engine
        finally:
            await bot.application.stop()
    assert broken.status_code == 503
    assert broken.json()["database"].startswith("error: ")


async def test_a_redelivered_update_changes_nothing(bot: OfflineBot, factory: Factory) -> None:
    member = factory.user(Role.MEMBER)
    first = await bot.send(member, "/lang en", update_id=9001)
    assert texts(first) == ["Language set to English."]
    replayed = await bot.replay(bot.last_update)
    assert replayed == []
    assert texts(await bot.send(member, "/lang vi", update_id=9002)) == [
        "Đã chuyển ngôn ngữ sang tiếng Việt."
    ]


async def test_handled_update_ids_are_forgotten_after_a_week_by_the_nightly_job(
    bot: OfflineBot, factory: Factory, clock: ManualClock, engine: Engine
) -> None:
    member = factory.user(Role.MEMBER)
    await bot.send(member, "/lang en", update_id=9101)
    clock.advance(timedelta(days=8))
    await bot.send(member, "/lang vi", update_id=9102)
    await replan_reminders(BotContext(bot.application))
    with Session(engine) as session:
        assert session.exec(select(InboxUpdate.update_id)).all() == [9102]


async def test_the_webhook_server_registers_itself_serves_and_stops_on_sigterm(
    settings: Settings, engine: Engine, clock: ManualClock, factory: Factory
) -> None:
    port = free_port()
    webhook = WebhookSettings(
        port=port, public_url="https://bot.example/telegram", secret_token=SecretStr(SECRET)
    )
    transport = FakeTelegram(clock=clock)
    application = build_application(
        replace(settings, webhook=webhook), request=transport, clock=clock, engine=engine
    )
    server = asyncio.create_task(serve_webhook(application, application.bot_data[RUNTIME_KEY]))
    try:
        for _ in range(500):  # setWebhook comes once the server listens
            if any(c.method == "setWebhook" for c in transport.calls) or server.done():
                break
            await asyncio.sleep(0.01)
        (registered,) = [c for c in transport.calls if c.method == "setWebhook"]
        assert registered.params["url"] == "https://bot.example/telegram"
        assert registered.params["secret_token"] == SECRET
        assert registered.params["allowed_updates"] == ALLOWED_UPDATES
        member = factory.user(Role.MEMBER)
        async with httpx.AsyncClient() as client:
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
            posted = await client.post(
                f"http://127.0.0.1:{port}/telegram",
                content=json.dumps(update_json(member, "/help", 7101)),
                headers={SECRET_HEADER: SECRET},
            )
        assert (health.status_code, posted.status_code) == (200, 200)
        assert transport.sent(member.id)
        os.kill(os.getpid(), signal.SIGTERM)  # caught by the server's own handler
        await asyncio.wait_for(server, timeout=10)
    finally:
        if not server.done():
            server.cancel()
    assert not application.running


def test_webhook_mode_requires_url_and_secret() -> None:
    with pytest.raises(ConfigError, match=r"webhook\.public_url"):
        require_webhook_settings(Settings())
    with pytest.raises(ConfigError, match=r"webhook\.secret_token"):
        require_webhook_settings(
            Settings(webhook=WebhookSettings(public_url="https://bot.example/telegram"))
        )


def test_allowed_updates_are_exactly_what_the_handlers_handle(bot: OfflineBot) -> None:
    handled: set[str] = set()
    for group in bot.application.handlers.values():
        for handler in group:
            if isinstance(handler, CallbackQueryHandler):
                handled.add("callback_query")
            elif isinstance(handler, CommandHandler | MessageHandler):
                handled.add("message")
            else:  # the access gate sees every update but acts on none of its own
                assert isinstance(handler, TypeHandler), handler
    assert sorted(handled) == sorted(ALLOWED_UPDATES)
