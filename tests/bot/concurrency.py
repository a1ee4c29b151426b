"""Two instances at the same moment: each Application runs in its own thread and event loop,
as two processes behind a load balancer do, so their database work truly overlaps.

In one event loop two handlers interleave only at ``await``s, and a handler's database work
(synchronous) never does: a race between instances would not show. Here each instance has a
loop of its own; the test awaits both with ``asyncio.gather``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from bot.application import build_application
from bot.offline.driver import OfflineBot
from bot.offline.fake_telegram import FakeTelegram
from bot.settings import Settings
from db.engine import make_engine
from schedules.clock import ManualClock

T = TypeVar("T")


class Instance:
    """One running Application with its own engine, fake Telegram, thread and event loop."""

    def __init__(self, settings: Settings, database_url: str, clock: ManualClock) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.engine = make_engine(database_url)
        self.transport = FakeTelegram(clock=clock)
        application = build_application(
            settings, request=self.transport, clock=clock, engine=self.engine
        )
        self.bot = OfflineBot(application, self.transport, clock)

    async def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on this instance's loop; await it from the test's loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self.loop))

    async def start(self) -> None:
        await self.run(self.bot.__aenter__())

    async def stop(self) -> None:
        await self.run(self.bot.__aexit__(None, None, None))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()
        self.engine.dispose()
