"""Review of the retry on a dropped PostgreSQL connection (no pre-ping since issue 16) on paths
tests/bot/test_dropped_connection.py leaves out: the health probe (tried once more instead of
reporting the database down: an orchestrator restarts a bot whose probe fails), and the press
that records a kept reply to a merged list (nothing answered before the update is recorded, so
a lost connection is handled again, the kept reply neither lost nor recorded twice)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.catalogue import t
from bot.offline.driver import OfflineBot, texts
from bot.offline.fake_telegram import FakeTelegram
from bot.webhook import health
from db.models import PendingInput, ProgressUpdate
from schedules.clock import ManualClock
from tests.bot.test_dropped_connection import dropped_at, server
from tests.databases import postgres_url
from tests.factories import Factory
from tests.reminder_helpers import World, runtime_of
from tests.schedules.test_merged_reminders import merged_to_focal

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


async def test_a_kept_reply_pressed_as_the_connection_drops_is_recorded_once(
    bot: OfflineBot,
    factory: Factory,
    engine: Engine,
    clock: ManualClock,
    transport: FakeTelegram,
    server: Engine,
) -> None:
    world = World(bot, factory, engine, clock)
    tasks, call = await merged_to_focal(bot, world, transport, 2)
    asked = await bot.send(world.focal, "đang tổng hợp số liệu", reply_to=call)
    (question,) = [c for c in asked if c.buttons()]
    with dropped_at(engine, server, ("INSERT INTO progress_update",), 1) as ended:
        pressed = await bot.press(world.focal, question, question.buttons()[1][1])
    assert len(ended) == 1
    assert t("vi", "error_apology") not in texts(pressed)
    with Session(engine) as session:
        recorded = session.exec(select(ProgressUpdate.task_id)).all()
        kept = session.exec(select(PendingInput)).all()
    assert recorded == [tasks[1].id] and kept == []
