"""A fake Bot API that enforces Telegram's limits in real time, and a clock that starts at a
chosen moment and runs at real speed (the benchmarks of issue 16).

:class:`StrictTelegram` answers 429 (``retry_after`` 1 s) to a sending call (``send*``,
``edit*``, ``copy*``, ``forward*``) arriving when, in the sliding windows before it, it already
accepted 30 sends in 1 s overall, 3 to that chat in 3 s (about one a second, after a short
burst), or 20 to that group in 60 s. Every arrival is stamped with ``time.monotonic()``.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram.request import RequestData

from bot.offline.fake_telegram import FakeTelegram, Fault, RecordedCall, _error

PER_SECOND = 30
PER_CHAT = 3  # in PER_CHAT seconds
PER_GROUP_MINUTE = 20
SENDING = ("send", "edit", "copy", "forward")


class RunningClock:
    """``start`` at creation, then real time (so that reminders due then are due)."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._origin)


@dataclass
class StrictTelegram(FakeTelegram):
    """The fake Bot API with Telegram's global, per-chat and per-group limits."""

    arrived: list[float] = field(default_factory=list)  # same order as ``calls``

    def __post_init__(self) -> None:
        super().__post_init__()
        self._global: deque[float] = deque()
        self._chats: defaultdict[int, deque[float]] = defaultdict(deque)
        self.rejected = 0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        now = time.monotonic()
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        limited = "/file/bot" not in url and api_method.startswith(SENDING)
        chat = _chat(params)
        if limited and self._over(now, chat):
            self.calls.append(
                RecordedCall(api_method, params, at=self._now(), error=Fault.RETRY_AFTER.value)
            )
            self.arrived.append(now)
            self.rejected += 1
            return _error(429, "Too Many Requests: retry after 1", retry_after=1)
        before = len(self.calls)
        answer = await super().do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if len(self.calls) > before:
            self.arrived.append(now)
            if limited and self.calls[-1].ok:
                self._global.append(now)
                if chat is not None:
                    self._chats[chat].append(now)
        return answer

    def _over(self, now: float, chat: int | None) -> bool:
        _forget(self._global, now - 1.0)
        if len(self._global) >= PER_SECOND:
            return True
        if chat is None:
            return False
        recent = self._chats[chat]
        if chat < 0:
            _forget(recent, now - 60.0)
            return len(recent) >= PER_GROUP_MINUTE or _count_after(recent, now - PER_CHAT) >= 3
        _forget(recent, now - float(PER_CHAT))
        return len(recent) >= PER_CHAT


def _chat(params: dict[str, Any]) -> int | None:
    value = params.get("chat_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _forget(window: deque[float], cutoff: float) -> None:
    while window and window[0] <= cutoff:
        window.popleft()


def _count_after(window: deque[float], cutoff: float) -> int:
    return sum(1 for moment in window if moment > cutoff)


def most_in_any_window(times: list[float], seconds: float) -> int:
    """The most moments within any ``seconds`` (a sliding window)."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= seconds:
            start += 1
        best = max(best, end - start + 1)
    return best
