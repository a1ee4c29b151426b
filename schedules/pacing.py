"""Pacing sends under Telegram's limits, measured on the injected clock.

Telegram allows a bot about 30 messages per second overall and 20 messages per minute to one
group; above that it answers 429 with ``retry_after``. python-telegram-bot's AIORateLimiter uses
token buckets that let bursts through above those figures, so the pacer keeps sliding windows
instead: before each send it waits until fewer than ``per_second`` sends happened in the last
second (and fewer than ``per_group_minute`` to that group in the last minute). A 429 pauses
every send until ``retry_after`` has passed. Waiting goes through an injected ``sleep`` so that
tests move a manual clock instead of sleeping.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
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


class Pacer:
    """One per bot: every message the bot sends on its own initiative waits its turn here."""

    def __init__(
        self,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        *,
        per_second: int = 30,
        per_group_minute: int = 20,
        margin: timedelta = MARGIN,
    ) -> None:
        self.margin = margin
        self.clock = clock
        self.sleep = sleep
        self.per_second = per_second
        self.per_group_minute = per_group_minute
        self._recent: deque[datetime] = deque()
        self._group_recent: defaultdict[int, deque[datetime]] = defaultdict(deque)
        self._paused_until: datetime | None = None
        self._lock = asyncio.Lock()

    async def wait_turn(self, chat_id: int) -> None:
        """Wait until a message to ``chat_id`` stays within the limits, then count it."""
        async with self._lock:
            while True:
                delay = self._delay(chat_id, self.clock.now())
                if delay <= timedelta(0):
                    break
                await self.sleep(delay.total_seconds())
            now = self.clock.now()
            self._recent.append(now)
            if chat_id < 0:  # groups and supergroups have negative ids
                self._group_recent[chat_id].append(now)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends until ``seconds`` have passed."""
        until = self.clock.now() + timedelta(seconds=seconds)
        if self._paused_until is None or until > self._paused_until:
            self._paused_until = until

    def _delay(self, chat_id: int, now: datetime) -> timedelta:
        waits = [timedelta(0)]
        if self._paused_until is not None:
            waits.append(self._paused_until - now)
        second, minute = SECOND + self.margin, MINUTE + self.margin
        _forget_before(self._recent, now - second)
        if len(self._recent) >= self.per_second:
            waits.append(self._recent[0] + second - now)
        if chat_id < 0:
            group = self._group_recent[chat_id]
            _forget_before(group, now - minute)
            if len(group) >= self.per_group_minute:
                waits.append(group[0] + minute - now)
        return max(waits)


def _forget_before(window: deque[datetime], cutoff: datetime) -> None:
    while window and window[0] <= cutoff:
        window.popleft()
