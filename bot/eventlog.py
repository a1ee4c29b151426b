"""One log line per update: its id, the user, what they did, how long it took, how it ended."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot import update_scope
from bot.context import RUNTIME_KEY
from bot.inbox import begin, end
from bot.outbound.send_budget_jobs import leave_send_budget

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
    """The python-telegram-bot Application: each update is claimed in the inbox, handled in its
    unit of work (bot/update_scope.py), and logged on one line with how it really ended."""

    async def shutdown(self) -> None:
        """Give the background sending role up first (schedules/sending_role.py), so that
        another instance takes it at its next run; whichever way the bot stops."""
        runtime = self.bot_data.get(RUNTIME_KEY)
        if runtime is not None and "sending_role" in vars(runtime):
            await asyncio.to_thread(runtime.sending_role.release)
        if runtime is not None:
            await leave_send_budget(runtime)
        await super().shutdown()

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        started = time.perf_counter()
        runtime = self.bot_data[RUNTIME_KEY]
        scope = begin(runtime, update)
        if scope is None:
            _log(update, started, "duplicate")
            return
        token = update_scope.bind(scope)
        try:
            await super().process_update(update)
            if scope.take_again():  # a lost database connection, nothing done yet (on_error)
                await super().process_update(update)
        except update_scope.ClaimLost:
            scope.abandon()
            scope.note("claim_lost")
        except Exception as error:
            scope.note(f"error:{type(error).__name__}")
            scope.finish()
            raise
        except BaseException:
            # A crash or a cancellation: nothing more is written; the claim goes stale and the
            # update is taken over (bot/inbox.py).
            scope.abandon()
            scope.note("stopped")
            raise
        else:
            try:
                scope.finish()
            except update_scope.ClaimLost:
                scope.abandon()
                scope.note("claim_lost")
        finally:
            update_scope.unbind(token)
            end(runtime, scope)
            _log(update, started, scope.outcome)


def _log(update: Update, started: float, outcome: str) -> None:
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
