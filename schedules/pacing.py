"""Pacing sends under Telegram's limits, measured on the injected clock.

Telegram allows a bot about 30 messages per second overall and 20 messages per minute to one
group; above that it answers 429 with ``retry_after``. python-telegram-bot's AIORateLimiter uses
token buckets that let bursts through above those figures, so the pacer keeps sliding windows
instead: before each send it waits until fewer than ``per_second`` sends happened in the last
second (and fewer than ``per_group_minute`` to that group in the last minute). A 429 pauses
every send until ``retry_after`` has passed. Waiting goes through an injected ``sleep`` so that
tests move a manual clock instead of sleeping.

One budget for every request that sends (issue 16). The pacer is consulted at the HTTP boundary
(``bot/update_scope.InboxRequest``) for every sending Bot API call, not only by the outbox
senders: an interactive reply (a call made while an update is handled) waits only for the limits
themselves and goes ahead of every background sender waiting (reminders, notices, digests,
broadcasts); background senders queue one behind the other and, while members are being
answered, leave ``reserve`` turns of each second to replies. A sender that already waited its
turn (the dispatcher, the broadcaster) holds a *ticket* for that chat, so its request is not
counted twice. Each chat gets about one message a second (``per_chat`` in any ``per_chat``
seconds: a short burst, then one a second).

Several instances on one database (``schedules/send_budget.py``): ``instances`` live ones split
the limits — each sends at most ``per_second // instances`` a second, ``per_group_minute //
instances`` a minute to a group, and ``per_chat`` to a chat in ``per_chat * instances`` seconds —
so that their sum stays within Telegram's; ``on_pause`` tells the others of a 429.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import datetime, timedelta

from schedules.clock import Clock

Sleep = Callable[[float], Awaitable[None]]

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
# A turn is counted when it is given, a little before the request reaches Telegram, and
# requests do not all take the same time: with windows of exactly one second, a send could arrive
# a few milliseconds inside Telegram's second and get a 429 (seen in bench_broadcast.py). The
# margin costs 5% of the rate.
MARGIN = timedelta(milliseconds=50)

# Background senders leave ``Pacer.reserve`` turns a second to replies while a reply was sent
# this recently; at quiet times (a Monday's reminders at 08:30) they use the whole budget.
TALKING = timedelta(seconds=10)

# Chats whose recent sends are kept before the ones not written to lately are forgotten.
CHATS_REMEMBERED = 4096

# The chat whose turn the current task was given and has not used yet (see Pacer.take_ticket).
_TICKET: ContextVar[int | None] = ContextVar("councilbot_pacer_ticket", default=None)


class Pacer:
    """One per bot: every request that sends waits its turn here (replies first)."""

    def __init__(
        self,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        *,
        per_second: int = 30,
        per_group_minute: int = 20,
        margin: timedelta = MARGIN,
        per_chat: int | None = None,
        reserve: int = 0,
    ) -> None:
        self.margin = margin
        # At most ``per_chat`` sends to one chat in any ``per_chat`` seconds (None: no limit).
        self.per_chat = per_chat
        # Turns of each second background senders leave to interactive replies.
        self.reserve = reserve
        self._chat_recent: defaultdict[int, deque[datetime]] = defaultdict(deque)
        self._interactive_waiting = 0
        # When a reply last asked for a turn: the reserve is kept only while members talk.
        self._interactive_at: datetime | None = None
        self.clock = clock
        self.sleep = sleep
        self.per_second = per_second
        self.per_group_minute = per_group_minute
        self._recent: deque[datetime] = deque()
        self._group_recent: defaultdict[int, deque[datetime]] = defaultdict(deque)
        self._paused_until: datetime | None = None
        self._lock = asyncio.Lock()
        # Live instances sharing the bot's limits (schedules/send_budget.py sets it).
        self.instances = 1
        # Told of every 429 met here (the shared budget passes it on to the other instances).
        self.on_pause: Callable[[datetime], None] | None = None

    async def wait_turn(self, chat_id: int | None, *, interactive: bool = False) -> None:
        """Wait until a request to ``chat_id`` (None: not addressed to a chat, e.g. a button's
        answer) stays within the limits, then count it and give the task a ticket for it.

        ``interactive``: an answer to a user; it goes ahead of every background sender waiting.
        """
        if interactive:
            self._interactive_at = self.clock.now()
            # A reply waiting for its own chat's window holds up no one else.
            while (delay := self._chat_delay(chat_id, self.clock.now())) > timedelta(0):
                await self.sleep(delay.total_seconds())
            self._interactive_waiting += 1
            try:
                while (delay := self._delay(chat_id, self.clock.now(), 0)) > timedelta(0):
                    await self.sleep(delay.total_seconds())
            finally:
                self._interactive_waiting -= 1
            self._count(chat_id)
            return
        # The chat's own window first, outside the queue: a background sender waiting for one
        # chat does not hold up the others' sends to other chats (the dispatcher's lanes).
        while (delay := self._chat_delay(chat_id, self.clock.now())) > timedelta(0):
            await self.sleep(delay.total_seconds())
        async with self._lock:
            while True:
                now = self.clock.now()
                delay = self._delay(chat_id, now, self._reserve(now))
                if delay <= timedelta(0) and not self._interactive_waiting:
                    break
                if delay > timedelta(0):
                    await self.sleep(delay.total_seconds())
                # Let a waiting reply take its turn first (a manual clock's sleep never yields).
                await asyncio.sleep(0)
            self._count(chat_id)

    def _reserve(self, now: datetime) -> int:
        """Turns background senders leave: ``reserve`` while members have been answered in the
        last :data:`TALKING`, none otherwise (a reply still goes first: it waits one turn)."""
        talking = self._interactive_at is not None and now - self._interactive_at < TALKING
        return self.reserve if talking else 0

    async def wait_unpaused(self) -> None:
        """Wait out a 429 pause only (a request whose turn was given before the pause)."""
        while self._paused_until is not None and self._paused_until > self.clock.now():
            await self.sleep((self._paused_until - self.clock.now()).total_seconds())

    def take_ticket(self, chat_id: int | None) -> bool:
        """True once if the current task was given a turn for ``chat_id`` and has not used it."""
        if _TICKET.get() != chat_id or chat_id is None:
            return False
        _TICKET.set(None)
        return True

    def _count(self, chat_id: int | None) -> None:
        now = self.clock.now()
        self._recent.append(now)
        if chat_id is None:
            return
        _TICKET.set(chat_id)
        if self.per_chat is not None:
            self._chat_recent[chat_id].append(now)
            if len(self._chat_recent) > CHATS_REMEMBERED:  # forget chats not written to lately
                cutoff = now - SECOND * self.per_chat * max(self.instances, 1) - self.margin
                for chat in [c for c, times in self._chat_recent.items() if times[-1] <= cutoff]:
                    del self._chat_recent[chat]
        if chat_id < 0:  # groups and supergroups have negative ids
            self._group_recent[chat_id].append(now)

    @property
    def paused_until(self) -> datetime | None:
        return self._paused_until

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends until ``seconds`` have passed."""
        until = self.clock.now() + timedelta(seconds=seconds)
        self.pause_until(until)
        if self.on_pause is not None:
            self.on_pause(until)

    def pause_until(self, until: datetime) -> None:
        """Nobody sends before ``until`` (a 429 here, or one another instance met)."""
        if self._paused_until is None or until > self._paused_until:
            self._paused_until = until

    def _delay(self, chat_id: int | None, now: datetime, reserve: int) -> timedelta:
        waits = [timedelta(0)]
        if self._paused_until is not None:
            waits.append(self._paused_until - now)
        second, minute = SECOND + self.margin, MINUTE + self.margin
        _forget_before(self._recent, now - second)
        share = max(self.instances, 1)
        allowed = max(self.per_second // share - reserve, 1)
        if len(self._recent) >= allowed:
            waits.append(self._recent[len(self._recent) - allowed] + second - now)
        waits.append(self._chat_delay(chat_id, now))
        if chat_id is not None and chat_id < 0:
            group = self._group_recent[chat_id]
            _forget_before(group, now - minute)
            if len(group) >= max(self.per_group_minute // share, 1):
                waits.append(group[0] + minute - now)
        return max(waits)

    def _chat_delay(self, chat_id: int | None, now: datetime) -> timedelta:
        if chat_id is None or self.per_chat is None:
            return timedelta(0)
        window = SECOND * self.per_chat * max(self.instances, 1) + self.margin
        chat = self._chat_recent.get(chat_id)
        if chat is None:
            return timedelta(0)
        _forget_before(chat, now - window)
        if not chat:
            del self._chat_recent[chat_id]  # one entry per chat recently written to
        elif len(chat) >= self.per_chat:
            return chat[0] + window - now
        return timedelta(0)


def _forget_before(window: deque[datetime], cutoff: datetime) -> None:
    while window and window[0] <= cutoff:
        window.popleft()
