"""One log line per update: its id, the user, what they did, how long it took, how it ended."""

from __future__ import annotations

import logging
import time
from typing import Any

from telegram import Update
from telegram.ext import Application

logger = logging.getLogger("councilbot.updates")


def describe(update: Update) -> str:
    """What the update is, without its text: "/status", "button:st", "reply", "message"."""
    if update.callback_query is not None:
        return "button:" + (update.callback_query.data or "").split(":", 1)[0]
    message = update.effective_message
    if message is None:
        return "other"
    body = message.text or message.caption or ""
    if body.startswith("/"):
        return body.split(maxsplit=1)[0].split("@", 1)[0][:32]
    if message.reply_to_message is not None:
        return "reply"
    if message.document is not None or message.photo:
        return "file"
    return "message"


class LoggedApplication(Application[Any, Any, Any, Any, Any, Any]):
    """The python-telegram-bot Application, logging each processed update on one line."""

    async def process_update(self, update: object) -> None:
        started = time.perf_counter()
        outcome = "ok"
        try:
            await super().process_update(update)
        except BaseException:
            outcome = "error"
            raise
        finally:
            if isinstance(update, Update):
                user = update.effective_user
                logger.info(
                    "update=%s user=%s chat=%s action=%s duration_ms=%.1f outcome=%s",
                    update.update_id,
                    user.id if user else "-",
                    update.effective_chat.id if update.effective_chat else "-",
                    describe(update),
                    (time.perf_counter() - started) * 1000,
                    outcome,
                )
