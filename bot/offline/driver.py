"""Drive the real Application offline: users send commands, texts, replies, button presses and
documents; the answers are read from the fake Bot API. Used by the tests and the demo."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Update

from bot.context import RUNTIME_KEY, BotApplication
from bot.inbox import receive, recover
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from bot.runtime import Runtime
from schedules.clock import Clock, ManualClock

# Telegram numbers one bot's updates in one sequence, whichever instance receives them; two
# offline instances of the same bot must not reuse each other's ids.
_UPDATE_IDS = itertools.count(1)


@dataclass(frozen=True)
class FakeUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "vi"

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


class OfflineBot:
    """Feeds real :class:`telegram.Update` objects to ``application.process_update``."""

    def __init__(self, application: BotApplication, transport: FakeTelegram, clock: Clock) -> None:
        self.application = application
        self.transport = transport
        self.clock = clock
        self._update_ids = _UPDATE_IDS
        self._message_ids = itertools.count(1)
        if isinstance(clock, ManualClock):
            # Waiting (pacing, retry_after) moves the manual clock instead of sleeping.
            self.runtime.sleep = self._advance

    @property
    def runtime(self) -> Runtime:
        runtime = self.application.bot_data[RUNTIME_KEY]
        assert isinstance(runtime, Runtime)
        return runtime

    async def _advance(self, seconds: float) -> None:
        assert isinstance(self.clock, ManualClock)
        self.clock.advance(timedelta(seconds=seconds))
        # Like a real sleep, let the other tasks run meanwhile (a second instance's sender must
        # not see the shared clock jump past its claims without having had a turn).
        await asyncio.sleep(0)

    async def dispatch(self) -> list[RecordedCall]:
        """Run the reminder dispatcher once, as its job would; returns the calls it made."""
        before = len(self.transport.calls)
        if self.runtime.dispatcher is not None:
            await self.runtime.dispatcher.run_once()
        return self.transport.calls[before:]

    async def settle(self) -> list[RecordedCall]:
        """Let background work (broadcasts) finish; returns the calls it made."""
        before = len(self.transport.calls)
        await self.runtime.drain()
        return self.transport.calls[before:]

    async def __aenter__(self) -> OfflineBot:
        await self.application.initialize()
        if self.application.post_init:
            await self.application.post_init(self.application)
        if self.runtime.catching_up is not None:
            await self.runtime.catching_up  # tests start from a bot that has caught up
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.runtime.drain()
        await self.application.shutdown()

    # --- what users do ------------------------------------------------------------------------

    async def send(
        self,
        user: FakeUser,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to: RecordedCall | None = None,
        document: tuple[str, str] | None = None,
        photo: str | None = None,
        update_id: int | None = None,
    ) -> list[RecordedCall]:
        """``user`` sends ``text`` (a command if it starts with '/'); returns the bot's calls.

        ``reply_to`` is a message the bot sent earlier; ``document`` is (file id, file name) of a
        file registered with the transport, sent with ``text`` as its caption; ``photo`` a file id.
        """
        message = self._message(user, chat_id)
        body_key = "caption" if document or photo else "text"
        message[body_key] = text
        if text.startswith("/"):
            command_length = len(text.split(maxsplit=1)[0])
            entities_key = "caption_entities" if body_key == "caption" else "entities"
            message[entities_key] = [{"type": "bot_command", "offset": 0, "length": command_length}]
        if document:
            file_id, file_name = document
            message["document"] = {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": file_name,
            }
        if photo:
            message["photo"] = [
                {"file_id": photo, "file_unique_id": photo, "width": 1, "height": 1}
            ]
        if reply_to is not None:
            message["reply_to_message"] = reply_to.result
        return await self._process({"message": message}, update_id)

    async def press(
        self, user: FakeUser, button: RecordedCall, data: str, *, update_id: int | None = None
    ) -> list[RecordedCall]:
        """``user`` presses the button with callback ``data`` on the bot's message ``button``."""
        query = {
            "id": str(next(self._update_ids) + 10_000),
            "from": user.as_json(),
            "chat_instance": "offline",
            "data": data,
            "message": button.result,
        }
        return await self._process({"callback_query": query}, update_id)

    async def replay(self, update: dict[str, Any]) -> list[RecordedCall]:
        """Feed a raw update again (as Telegram does when a delivery was not confirmed)."""
        return await self._process(update, update.get("update_id"))

    # --- internals ----------------------------------------------------------------------------

    def _message(self, user: FakeUser, chat_id: int | None) -> dict[str, Any]:
        chat_id = user.id if chat_id is None else chat_id
        chat: dict[str, Any] = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        if chat_id <= 0:
            chat["title"] = f"group{chat_id}"
        return {
            "message_id": next(self._message_ids),
            "date": int(self.clock.now().timestamp()),
            "chat": chat,
            "from": user.as_json(),
        }

    async def _process(self, payload: dict[str, Any], update_id: int | None) -> list[RecordedCall]:
        payload = {"update_id": update_id or next(self._update_ids), **payload}
        self.last_update = payload
        before = len(self.transport.calls)
        update = Update.de_json(payload, self.application.bot)
        receive(self.runtime, update)  # stored first, as the webhook and the poller do
        await self.application.process_update(update)
        return self.transport.calls[before:]

    async def recover(self) -> list[RecordedCall]:
        """Run the inbox's recovery once, as its job would; returns the calls it made."""
        before = len(self.transport.calls)
        await recover(self.application)
        return self.transport.calls[before:]


def texts(calls: list[RecordedCall]) -> list[str]:
    """The texts (or captions) of the messages among ``calls``."""
    return [
        call.text
        for call in calls
        if call.ok and call.method in ("sendMessage", "sendDocument", "editMessageText")
    ]


def answers(calls: list[RecordedCall]) -> list[str]:
    """Texts of messages and of callback-query pop-ups among ``calls``."""
    return [
        str(call.params.get("text", ""))
        for call in calls
        if call.ok and call.method == "answerCallbackQuery" and call.params.get("text")
    ] + texts(calls)
