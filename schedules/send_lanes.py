"""Sending to many chats at once, each chat's messages in order (issue 16: the Monday peak).

Telegram takes 30 messages a second from a bot but about one a second per chat, and a send (its
round trip, then its outcome committed) takes longer than 1/30 s: one message at a time, the
dispatcher could not reach the limit, and a chat waiting for its one-a-second turn would hold up
everybody behind it. So each chat gets a *lane* (its messages, in the order they were added) and
up to ``concurrency`` workers take lanes, the longest waiting lane first: a lane is worked on by
one worker at a time, to its end, so a chat's next message always waits for the previous one's
outcome. Items can be added while the workers run (the dispatcher claims its next batch
meanwhile); an item added to a lane being worked on joins its end.

``send(item)`` returns False when it did not send and nothing more should be (flood control):
the workers stop after their current message, and :meth:`Lanes.finish` returns every item not
sent, for the caller to hand back. ``usable(item)`` False (a claim about to look stale) stops
them the same way before that item.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")


class Lanes(Generic[Item]):
    def __init__(
        self,
        send: Callable[[Item], Awaitable[bool]],
        *,
        concurrency: int,
        usable: Callable[[Item], bool] = lambda _: True,
    ) -> None:
        self.send = send
        self.usable = usable
        self.concurrency = max(concurrency, 1)
        self.stopped = False
        self._lanes: dict[int, deque[Item]] = {}
        self._waiting: deque[int] = deque()  # chats with items and no worker
        self._workers: set[asyncio.Task[None]] = set()
        self._progress = asyncio.Event()
        self._errors: list[BaseException] = []

    def add(self, chat_id: int, item: Item) -> None:
        lane = self._lanes.get(chat_id)
        if lane is None:
            lane = self._lanes[chat_id] = deque()
            self._waiting.append(chat_id)
        lane.append(item)
        while len(self._workers) < self.concurrency and len(self._workers) < len(self._waiting):
            worker = asyncio.create_task(self._work())
            self._workers.add(worker)
            worker.add_done_callback(self._done)

    def backlog(self) -> int:
        """Items not sent yet (the ones being sent included)."""
        return sum(len(lane) for lane in self._lanes.values())

    async def room(self, backlog: int) -> None:
        """Wait until at most ``backlog`` items are left (or the workers stopped)."""
        while self._workers and not self.stopped and self.backlog() > backlog:
            self._progress.clear()
            await self._progress.wait()

    async def finish(self) -> list[Item]:
        """Wait for the workers; the items not sent. Re-raises a worker's error."""
        while self._workers:
            await asyncio.gather(*list(self._workers), return_exceptions=True)
        rest = [item for lane in self._lanes.values() for item in lane]
        self._lanes.clear()
        if self._errors:
            raise self._errors[0]
        return rest

    async def _work(self) -> None:
        while self._waiting and not self.stopped:
            chat_id = self._next_chat()
            lane = self._lanes[chat_id]
            while lane and not self.stopped:
                if not self.usable(lane[0]):
                    self.stopped = True
                    break
                item = lane[0]
                try:
                    sent = await self.send(item)
                except BaseException as exc:
                    lane.popleft()  # tried: its outcome is the caller's (stale claims recover it)
                    self._errors.append(exc)
                    self.stopped = True
                    raise
                if not sent:
                    self.stopped = True
                    break
                lane.popleft()
                self._progress.set()
            if not lane:
                del self._lanes[chat_id]

    def _next_chat(self) -> int:
        """The waiting chat with the most messages (the first such): a chat that must get
        several, at one a second, starts early and does not finish last."""
        chat_id = max(self._waiting, key=lambda chat: len(self._lanes[chat]))
        self._waiting.remove(chat_id)
        return chat_id

    def _done(self, worker: asyncio.Task[None]) -> None:
        self._workers.discard(worker)
        self._progress.set()
