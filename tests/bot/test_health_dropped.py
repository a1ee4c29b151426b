"""/healthz and /doctor after PostgreSQL dropped a pooled connection (no pre-ping since issue
16): the probe is one statement like any other, so it is tried once more on a new connection
instead of reporting the database down (an orchestrator restarts a bot whose probe fails)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.offline.driver import OfflineBot
from bot.webhook import health
from tests.bot.test_dropped_connection import dropped_at, server
from tests.databases import postgres_url
from tests.reminder_helpers import runtime_of

pytestmark = pytest.mark.skipif(
    not postgres_url(), reason="needs PostgreSQL (CI sets COUNCILBOT_TEST_DATABASE_URL)"
)
__all__ = ["server"]  # the fixture, used by name below


async def test_the_health_probe_survives_a_dropped_connection(
    bot: OfflineBot, server: Engine
) -> None:
    runtime = runtime_of(bot)
    with dropped_at(runtime.engine, server, ("SELECT 1",), 1) as ended:
        state = health(bot.application, runtime)
    assert ended, "the probe's connection was ended"
    assert state["database"] == "ok"
