"""What every handler and job needs, built once per application."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine
from sqlmodel import Session

from bot.reminder_config import reminder_config
from bot.settings import Settings
from db.engine import session_scope
from schedules.broadcaster import Broadcaster
from schedules.clock import Clock
from schedules.dispatcher import Dispatcher
from schedules.pacing import Pacer, Sleep
from schedules.reminders import ReminderConfig


def _nothing() -> None:
    return None


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock
    # Asks the outbox dispatcher to look for due rows now (set when the dispatcher starts);
    # call it after committing a change that queued a notice.
    wake: Callable[[], None] = _nothing
    # This process's reminder dispatcher (bot/reminder_jobs.py starts it with the application).
    dispatcher: Dispatcher | None = None
    # How long-running senders wait (tests pass one that moves a manual clock).
    sleep: Sleep = asyncio.sleep
    # This process's broadcast sender (bot/broadcast_jobs.py starts it with the application).
    broadcaster: Broadcaster | None = None
    # Broadcasts being sent in the background by this process.
    background: set[asyncio.Task[None]] = field(default_factory=set)
    # The start-up re-planning of every task and meeting (seconds at national scale): members
    # are answered meanwhile, and the dispatcher starts sending once it is done.
    catching_up: asyncio.Task[None] | None = None

    @property
    def caught_up(self) -> bool:
        return self.catching_up is None or self.catching_up.done()

    @cached_property
    def pacer(self) -> Pacer:
        """Keeps everything the bot sends on its own under Telegram's limits."""
        return Pacer(self.clock, self.sleep)

    async def drain(self) -> None:
        """Wait for the background work of this process (tests; clean shutdown)."""
        if self.catching_up is not None:
            await asyncio.gather(self.catching_up, return_exceptions=True)
        while self.background:
            await asyncio.gather(*list(self.background), return_exceptions=True)

    @cached_property
    def reminders(self) -> ReminderConfig:
        """Reminder policy, working calendar and delivery settings; pass it to replan_task."""
        return reminder_config(self.settings)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work, committed before the caller tells the user anything."""
        with session_scope(self.engine) as session:
            yield session
