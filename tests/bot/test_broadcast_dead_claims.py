"""A restarted bot sends at once the broadcast deliveries a killed process of the same host had
claimed; a live process's claims still wait to go stale.

Found running the bot as a process (tests/process/test_broadcast_process.py): after ``kill -9``
in the middle of a broadcast and a restart, the recipients the killed process had claimed (a
batch of up to 50) waited ``stale_claim_minutes`` (5 by default) for the notice.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, update

from bot.settings import Settings
from db.models import Delivery, OutboxState
from schedules.clock import ManualClock
from tests.bot.test_broadcast_recovery import notices, reports, start_broadcast_and_crash
from tests.bot.test_inbox import life
from tests.bot.test_inbox_dead_claims import HOST, finished_pid
from tests.factories import Factory


@pytest.mark.parametrize("claimer_alive", [False, True])
async def test_a_killed_process_claims_are_sent_at_once(
    settings: Settings, engine: Engine, clock: ManualClock, factory: Factory, claimer_alive: bool
) -> None:
    async with life(settings, engine, clock) as first:
        everyone = await start_broadcast_and_crash(first, factory)
        sent_first = notices(first.transport.calls)
    # What the rows would hold had that process been another, now ended (or still running).
    pid = 1 if claimer_alive else finished_pid()
    with engine.begin() as connection:
        connection.execute(
            update(Delivery)
            .where(Delivery.state == OutboxState.SENDING)  # type: ignore[arg-type]
            .values(claimed_by=f"{HOST}:{pid}:deadbeef")
        )

    started = clock.now()
    async with life(settings, engine, clock) as second:
        await second.settle()
        sent_second = notices(second.transport.calls)
        assert len(reports(second.transport.calls)) == 1
    waited = clock.now() - started
    stale = timedelta(minutes=settings.reminders.stale_claim_minutes)
    assert (waited >= stale) if claimer_alive else (waited < stale)
    assert set(sent_first + sent_second) == everyone
    assert set((sent_first + sent_second).values()) == {1}
