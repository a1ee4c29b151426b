"""What every handler and job needs, built once per application."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine
from sqlmodel import Session

from bot import update_scope
from bot.reminder_config import reminder_config
from bot.settings import Settings
from db import write_watch
from db.engine import session_scope
from db.members import ActorRows
from db.messages import ReplyAhead
from schedules.broadcaster import Broadcaster
from schedules.clock import Clock
from schedules.dispatcher import Dispatcher
from schedules.pacing import Pacer, Sleep
from schedules.reminders import ReminderConfig
from schedules.send_budget import SharedBudget
from schedules.sending_role import SendingRole

# At most this many messages to one chat in any this many seconds: about one a second.
PER_CHAT_BURST = 3


@dataclass(frozen=True)
class ReadAhead:
    """What was read with an update's inbox row, and when (``time.monotonic()``; the count of
    committed writes, db/write_watch.py)."""

    actor: ActorRows
    reply: ReplyAhead | None
    at: float
    generation: int | None


def _nothing() -> None:
    return None


def new_instance_id() -> str:
    """Who claimed a row: host, process and a random part (a restarted process is new)."""
    return f"{socket.gethostname()[:24]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dead_on_this_host(instance_ids: Iterable[str]) -> list[str]:
    """The instances (``new_instance_id``) that ran on this host and whose process is gone:
    killed or crashed, they will never finish what they claimed, so a restarted bot need not
    wait for their claims to go stale. A process id in use again keeps its claims until they go
    stale, as a live one's do; so do other hosts' instances and this process's own."""
    host = socket.gethostname()[:24]
    dead = []
    for instance in instance_ids:
        parts = instance.rsplit(":", 2)
        if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
            continue
        pid = int(parts[1])
        if pid != os.getpid() and not _process_runs(pid):
            dead.append(instance)
    return dead


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or cannot tell: alive as far as we know
        return True
    return True


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock
    # Asks the outbox dispatcher to look for due rows now (set when the dispatcher starts);
    # call it after committing a change that queued a notice.
    wake: Callable[[], None] = _nothing
    # This process's reminder dispatcher (bot/outbound/reminder_jobs.py starts it with the
    # application).
    dispatcher: Dispatcher | None = None
    # How long-running senders wait (tests pass one that moves a manual clock).
    sleep: Sleep = asyncio.sleep
    # This process's broadcast sender (bot/outbound/broadcast_jobs.py starts it with the
    # application).
    broadcaster: Broadcaster | None = None
    # Broadcasts being sent in the background by this process.
    background: set[asyncio.Task[None]] = field(default_factory=set)
    broadcasts_running: set[int] = field(default_factory=set)
    # The start-up re-planning of every task and meeting (seconds at national scale): members
    # are answered meanwhile, and the dispatcher starts sending once it is done.
    catching_up: asyncio.Task[None] | None = None
    # Inbox rows this process stored and claimed, about to be handled (bot/inbox.py).
    inbox_claimed: set[int] = field(default_factory=set)
    # Updates being handled by this process now (a redelivery meanwhile is ignored).
    inbox_handling: set[int] = field(default_factory=set)
    # Updates taken over late: the note their first answer starts with.
    inbox_late_notes: dict[int, str] = field(default_factory=dict)
    # The sender of each update this process stored, read with its inbox row (bot/inbox.py).
    inbox_read_ahead: dict[int, ReadAhead] = field(default_factory=dict)

    def __post_init__(self) -> None:
        write_watch.watch(self.engine)  # what was read ahead is trusted while nothing was written

    @property
    def caught_up(self) -> bool:
        return self.catching_up is None or self.catching_up.done()

    @cached_property
    def pacer(self) -> Pacer:
        """Keeps every request that sends under Telegram's limits: 30 a second in all (one of
        them left to replies while background senders queue), 20 a minute per group, and about
        one a second per chat (a burst of three, then one a second)."""
        return Pacer(self.clock, self.sleep, per_chat=PER_CHAT_BURST, reserve=1)

    async def drain(self) -> None:
        """Wait for the background work of this process (tests; clean shutdown)."""
        if self.catching_up is not None:
            await asyncio.gather(self.catching_up, return_exceptions=True)
        while self.background:
            await asyncio.gather(*list(self.background), return_exceptions=True)

    @cached_property
    def sending_role(self) -> SendingRole:
        """Whether this instance sends reminders and notices (one at a time on PostgreSQL)."""
        return SendingRole(self.engine)

    @cached_property
    def send_budget(self) -> SharedBudget:
        """This instance's share of the bot's limits among the live instances (PostgreSQL)."""
        return SharedBudget(self.engine, self.clock, self.instance_id, self.pacer)

    @cached_property
    def reminders(self) -> ReminderConfig:
        """Reminder policy, working calendar and delivery settings; pass it to replan_task."""
        return reminder_config(self.settings)

    @cached_property
    def instance_id(self) -> str:
        """Who claims inbox rows in this process (a restarted process is a new one)."""
        return new_instance_id()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work, committed before the caller tells the user anything.

        While an update is handled, a block that wrote is committed with the update's first
        answer instead (bot/update_scope.py), so that the change, the update marked processed
        and the answer it will send are one transaction.
        """
        scope = update_scope.current()
        if scope is None:
            with session_scope(self.engine) as session:
                yield session
            return
        session, writes_before = scope.open_session()
        try:
            yield session
        except BaseException:
            scope.block_failed(writes_before)
            raise
        scope.block_done(writes_before)
