"""The one global error handler: domain errors become localized answers, bugs an apology."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import NetworkError, RetryAfter
from telegram.ext import ApplicationHandlerStop

from bot.catalogue import normalize_language, t
from bot.context import BotContext
from bot.update_scope import answer_owed, note_outcome, retry_if_connection_lost
from db.errors import AppError
from db.members import get_member_by_telegram_id
from handlers.replying import refuse

logger = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and tell the user in their language, never showing internals."""
    error = context.error
    if not isinstance(update, Update):
        logger.error("error outside an update", exc_info=error)
        return
    if retry_if_connection_lost(error):
        # The database connection was lost (db/engine.py) before anything was committed or
        # sent: the update is handled again, on a new connection.
        logger.warning(
            "update %s: the database connection was lost; handling it again", update.update_id
        )
        note_outcome("retried:connection_lost")
        raise ApplicationHandlerStop
    lang = _language_of(update, context)
    note_outcome(
        f"refused:{error.key}" if isinstance(error, AppError) else f"error:{type(error).__name__}"
    )
    if isinstance(error, NetworkError | RetryAfter) and answer_owed():
        # The change was made and its answer is kept: it is sent again shortly, marked late.
        logger.warning("update %s: its answer will be sent again (%s)", update.update_id, error)
        return
    if isinstance(error, AppError):
        logger.info("update %s refused: %s", update.update_id, error.key)
        text = t(lang, error.key, **error.params)
    else:
        logger.error("update %s failed", update.update_id, exc_info=error)
        text = t(lang, "error_apology")
    try:
        await refuse(update, context, text)
    except Exception:  # the apology itself failed (e.g. Telegram is down): logging is all we can do
        logger.exception("could not send the error answer for update %s", update.update_id)


def _language_of(update: Update, context: BotContext) -> str:
    """The user's language; the error context is new, so the gate's actor is not on it."""
    runtime = context.runtime
    user = update.effective_user
    fallback = runtime.settings.app.default_language
    if user is None:
        return fallback
    fallback = normalize_language(user.language_code, fallback)
    try:
        with runtime.session() as session:
            member = get_member_by_telegram_id(session=session, telegram_user_id=user.id)
    except Exception:  # the database may be what failed
        logger.warning("could not read the language of user %s", user.id)
        return fallback
    return member.language if member else fallback
