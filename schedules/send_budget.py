"""One send budget for every instance on one database (issue 16).

Telegram's limits are the bot's, not a process's: two instances each pacing itself at 30 a
second would send 60. So each instance leaves a heartbeat in ``sending_instance`` every
:data:`BEAT`, and reads how many instances are live (seen within :data:`LIVE_FOR`); its pacer
then takes its share of every limit (``Pacer.instances``: 30 / n a second, 20 / n a minute per
group, a chat's burst spread over n times as long). Whatever each instance sends — replies,
reminders, notices, broadcasts — the sum stays within the limits.

Joining: an instance that finds others live when it starts waits two beats before sending, so
that every other instance has seen it and taken its smaller share. Leaving: a clean shutdown
deletes the row (the others take the whole budget back at their next beat); a dead instance is
counted until :data:`LIVE_FOR` has passed — the others are slower meanwhile, never over.

A 429 met by any instance is written to its row at once (``paused_until``) and read by the
others at their next beat (at most :data:`BEAT` later): every instance waits it out.

On SQLite there is one instance: the beat is not scheduled and the pacer keeps the whole budget.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine, Executable, Table, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from db.engine import is_postgres
from db.models import SendingInstance
from schedules.clock import Clock
from schedules.pacing import Pacer

logger = logging.getLogger(__name__)

BEAT = timedelta(seconds=1)
# Not seen for this long: the instance is gone (a few missed beats: a busy event loop, a slow
# database, are not a departure).
LIVE_FOR = timedelta(seconds=5)
# Rows of instances gone this long are deleted by whoever beats.
FORGET_AFTER = timedelta(minutes=10)

_INSTANCES: Table = SendingInstance.__table__  # type: ignore[attr-defined]


class SharedBudget:
    """This instance's heartbeat; keeps ``pacer.instances`` and its pauses up to date."""

    def __init__(self, engine: Engine, clock: Clock, instance_id: str, pacer: Pacer) -> None:
        self.engine = engine
        self.clock = clock
        self.instance_id = instance_id[:64]
        self.pacer = pacer
        self.beats = 0
        self._publishing: set[asyncio.Task[None]] = set()
        pacer.on_pause = self._paused

    async def beat(self) -> int:
        """Say this instance is live and take its share; returns the live instances."""
        return await asyncio.to_thread(self.beat_now)

    def beat_now(self) -> int:
        """:meth:`beat`, blocking (a statement or three)."""
        now = self.clock.now()
        paused = self.pacer.paused_until
        mine = paused if paused is not None and paused > now else None
        with self.engine.begin() as connection:
            connection.execute(self._upsert(now, mine))
            live, until = connection.execute(
                select(func.count(), func.max(_INSTANCES.c.paused_until)).where(
                    _INSTANCES.c.seen_at >= now - LIVE_FOR
                )
            ).one()
            if self.beats % 60 == 0:
                connection.execute(
                    delete(_INSTANCES).where(_INSTANCES.c.seen_at < now - FORGET_AFTER)
                )
        live = max(int(live), 1)
        if self.beats == 0 and live > 1:
            # The others learn of us at their next beat: stay quiet until they have.
            self.pacer.pause_until(now + 2 * BEAT)
        if live != self.pacer.instances:
            logger.info("%d instances share the send budget", live)
        self.pacer.instances = live
        if until is not None and until > now:
            self.pacer.pause_until(until)
        self.beats += 1
        return live

    def leave(self) -> None:
        """Clean shutdown: the others take the whole budget back at their next beat."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(_INSTANCES).where(_INSTANCES.c.instance_id == self.instance_id)
            )

    async def published(self) -> None:
        """Wait until the 429s met here are written (tests)."""
        while self._publishing:
            await asyncio.gather(*list(self._publishing), return_exceptions=True)

    def _paused(self, until: datetime) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # the next beat writes it
        task = loop.create_task(self._publish())
        self._publishing.add(task)
        task.add_done_callback(self._publishing.discard)

    async def _publish(self) -> None:
        try:
            await self.beat()
        except Exception:  # the next beat writes it
            logger.exception("could not tell the other instances of a 429")

    def _upsert(self, now: datetime, paused_until: datetime | None) -> Executable:
        values = {"instance_id": self.instance_id, "seen_at": now, "paused_until": paused_until}
        dialect = postgresql if is_postgres(self.engine) else sqlite
        statement = dialect.insert(_INSTANCES).values(**values)
        return statement.on_conflict_do_update(
            index_elements=[_INSTANCES.c.instance_id],
            set_={"seen_at": now, "paused_until": paused_until},
        )
