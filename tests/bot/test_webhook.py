"""Webhook mode over real HTTP on 127.0.0.1, the health check, and redelivered updates."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine
from tornado.httpserver import HTTPServer

from bot.context import RUNTIME_KEY
from bot.offline import FakeUser, OfflineBot, texts
from bot.runtime import Runtime
from bot.settings import ConfigError, SecretStr, Settings, WebhookSettings
from bot.webhook import SECRET_HEADER, make_web_app, require_webhook_settings
from db.models import Role
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


def test_webhook_mode_requires_url_and_secret() -> None:
    with pytest.raises(ConfigError, match=r"webhook\.public_url"):
        require_webhook_settings(Settings())
    with pytest.raises(ConfigError, match=r"webhook\.secret_token"):
        require_webhook_settings(
            Settings(webhook=WebhookSettings(public_url="https://bot.example/telegram"))
        )
