"""The inbox on the Telegram side: store every update before it is confirmed, handle it from
the inbox, and take over what a stopped process left (db/inbox.py keeps the rows).

- Webhook (bot/webhook.py): :func:`receive` commits the row, then the update is handled, then
  Telegram gets its 200; if the row cannot be stored Telegram gets 500 and delivers it again.
- Long polling: python-telegram-bot's ``Updater`` puts each fetched update into the
  application's queue and only *then* moves its ``offset`` past it (the next ``getUpdates``
  confirms it to Telegram). :class:`InboxQueue` is that queue: its ``put`` stores the update
  first (retrying while the database is down), so nothing is confirmed before it is stored.
- Recovery (:func:`recover`, at start and every minute): updates whose claim went stale
  (``[reminders] stale_claim_minutes``) are handled again, oldest first, from their stored JSON;
  answers recorded but never sent go out once, marked late after a minute.
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError
from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot import update_scope
from bot.catalogue import t
from bot.context import RUNTIME_KEY, AnyApplication
from bot.runtime import ReadAhead, Runtime, dead_on_this_host
from db import inbox, write_watch
from db.engine import is_dropped_connection, transaction_retried_once
from db.members import ActorRows, get_member_by_telegram_id
from db.messages import ReplyAhead

logger = logging.getLogger(__name__)

JOB_RECOVER = "inbox-recover"
RECOVER_EVERY = timedelta(minutes=1)
STORE_RETRY_SECONDS = 1.0
MESSAGE_LIMIT = 4096
# What was read with the inbox row (the sender, what a message replies to) is used only this
# soon after, and only if this process committed no change since; else it is read again.
READ_AHEAD_SECONDS = 2.0


def _ids(update: Update) -> tuple[int | None, int | None]:
    chat, user = update.effective_chat, update.effective_user
    return (chat.id if chat else None, user.id if user else None)


def receive(runtime: Runtime, update: Update, payload: dict[str, Any] | None = None) -> bool:
    """Store ``update`` (``payload``: as Telegram sent it) claimed by this process, committed on
    return; raises if the database fails. False for a redelivery of a stored update."""
    chat_id, user_id = _ids(update)
    replied = update.message.reply_to_message if update.message is not None else None
    for attempt in (1, 2):
        ran = False
        try:
            with runtime.engine.begin() as connection:
                stored = inbox.store(
                    connection,
                    update_id=update.update_id,
                    payload=payload if payload is not None else update.to_dict(),
                    chat_id=chat_id,
                    user_id=user_id,
                    now=runtime.clock.now(),
                    claimer=runtime.instance_id,
                    reply_to=replied.message_id if replied is not None else None,
                )
                ran = True
            break
        except DBAPIError as error:
            # The connection was lost (db/engine.py): stored again once, on a new one. Not when
            # the commit failed: the row may be stored already.
            if attempt == 2 or ran or not is_dropped_connection(error):
                raise
            logger.warning(
                "update %s: the database connection was lost; storing again", update.update_id
            )
    if stored.fresh:
        runtime.inbox_claimed.add(update.update_id)
        if stored.actor is not None:
            runtime.inbox_read_ahead[update.update_id] = ReadAhead(
                actor=stored.actor,
                reply=stored.reply,
                at=time.monotonic(),
                generation=write_watch.generation(runtime.engine),
            )
    return stored.fresh


def _fresh(runtime: Runtime, update_id: int) -> ReadAhead | None:
    """What was read with the update's inbox row, if still to be trusted: read less than
    :data:`READ_AHEAD_SECONDS` ago, no change committed by this process since (a role granted
    or withdrawn here is seen at once), and none waiting in this update's own transaction."""
    ahead = runtime.inbox_read_ahead.get(update_id)
    if ahead is None or ahead.generation is None:
        return None
    if time.monotonic() - ahead.at >= READ_AHEAD_SECONDS:
        return None
    if write_watch.generation(runtime.engine) != ahead.generation:
        return None
    if update_scope.has_waiting_writes():
        return None
    return ahead


def actor_read_ahead(runtime: Runtime, update_id: int) -> ActorRows | None:
    """The sender read with the update's inbox row, if still to be trusted (see _fresh)."""
    ahead = _fresh(runtime, update_id)
    return ahead.actor if ahead is not None else None


def reply_read_ahead(runtime: Runtime, update_id: int) -> ReplyAhead | None:
    """What the message answers, read with its inbox row, if still to be trusted (see _fresh).
    Taken once: the update's later look-ups read the database."""
    ahead = _fresh(runtime, update_id)
    runtime.inbox_read_ahead.pop(update_id, None)
    return ahead.reply if ahead is not None else None


def begin(runtime: Runtime, update: Update) -> update_scope.UpdateScope | None:
    """Claim ``update`` for handling here; None when it was handled or is handled elsewhere."""
    update_id = update.update_id
    if update_id in runtime.inbox_handling:
        return None
    if update_id in runtime.inbox_claimed:
        runtime.inbox_claimed.discard(update_id)
    else:  # not through receive(): store it now (a redelivery finds its row)
        receive(runtime, update)
        runtime.inbox_claimed.discard(update_id)
        with runtime.engine.begin() as connection:
            owned = inbox.claim(
                connection,
                update_id=update_id,
                claimer=runtime.instance_id,
                now=runtime.clock.now(),
                stale_after=runtime.reminders.stale_claim_after,
            )
        if not owned:
            return None
    runtime.inbox_handling.add(update_id)
    return update_scope.UpdateScope(
        engine=runtime.engine,
        clock=runtime.clock,
        update_id=update_id,
        claimer=runtime.instance_id,
        late_note=runtime.inbox_late_notes.pop(update_id, None),
    )


def end(runtime: Runtime, scope: update_scope.UpdateScope) -> None:
    runtime.inbox_handling.discard(scope.update_id)
    runtime.inbox_read_ahead.pop(scope.update_id, None)  # an update the gate did not see


class InboxQueue(asyncio.Queue[Any]):
    """The application's update queue: an update is stored before the poller may confirm it."""

    def __init__(self) -> None:
        super().__init__()
        self.runtime: Runtime | None = None  # set by build_application

    async def put(self, item: Any) -> None:
        runtime = self.runtime
        if isinstance(item, Update) and runtime is not None:
            while True:
                try:
                    receive(runtime, item)
                    break
                except Exception:
                    # Until it is stored the poller does not move on, so Telegram keeps it.
                    logger.exception("could not store update %s; retrying", item.update_id)
                    await runtime.sleep(STORE_RETRY_SECONDS)
        await super().put(item)


async def recover(application: AnyApplication, *, at_start: bool = False) -> int:
    """Take over updates still owed something; returns how many were taken."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    if at_start:
        _release_dead_claims(runtime)
    taken = 0
    while True:
        with runtime.engine.begin() as connection:
            rows = inbox.claim_open(
                connection,
                claimer=runtime.instance_id,
                now=runtime.clock.now(),
                stale_after=runtime.reminders.stale_claim_after,
                unclaimed_after=timedelta(0) if at_start else inbox.LATE_AFTER,
            )
        if not rows:
            return taken
        for row in rows:
            taken += 1
            if row.processed:
                await _answer_again(application, runtime, row)
                continue
            logger.warning("update %s was not handled by the process that took it", row.update_id)
            runtime.inbox_claimed.add(row.update_id)
            if runtime.clock.now() - row.received_at > inbox.LATE_AFTER:
                runtime.inbox_late_notes[row.update_id] = _late_note(runtime, row)
            try:
                await application.process_update(Update.de_json(row.payload, application.bot))
            finally:
                runtime.inbox_claimed.discard(row.update_id)
                runtime.inbox_late_notes.pop(row.update_id, None)


def _release_dead_claims(runtime: Runtime) -> None:
    """What a killed process of this host had claimed is taken now, not after
    ``stale_claim_minutes``: after ``kill -9`` and a restart, an update caught mid-way is
    answered at once."""
    with runtime.engine.begin() as connection:
        dead = dead_on_this_host(inbox.open_claimers(connection))
        released = inbox.release_claims_of(connection, claimers=dead)
    if released:
        logger.warning("inbox: %d updates of a stopped process taken over", len(released))


async def _answer_again(
    application: AnyApplication, runtime: Runtime, row: inbox.OpenUpdate
) -> None:
    """Send the answers of a processed update that were recorded but never sent."""
    with runtime.engine.begin() as connection:
        answers = inbox.unsent_answers(connection, update_id=row.update_id)
    now = runtime.clock.now()
    late = now - row.received_at > inbox.LATE_AFTER
    sent: list[int] = []
    failed: dict[int, str] = {}
    settled = True
    for answer in answers:
        method, params = _as_late(runtime, row, answer, late)
        if method is None:
            failed[answer.id] = "pop-up expired"
            continue
        try:
            await application.bot.request.post(
                f"{application.bot.base_url}/{method}",
                request_data=RequestData(
                    [RequestParameter.from_input(key, value) for key, value in params.items()]
                ),
            )
        except (BadRequest, Forbidden) as error:
            failed[answer.id] = str(error)
        except TelegramError as error:  # flood control, an outage: try again later
            logger.warning("answer %s to update %s: %s", answer.id, row.update_id, error)
            settled = False
            break
        else:
            sent.append(answer.id)
    transaction_retried_once(  # sent: marked, lest they be sent again
        runtime.engine,
        lambda connection: inbox.finish(
            connection,
            update_id=row.update_id,
            claimer=runtime.instance_id,
            now=runtime.clock.now(),
            sent=sent,
            late=sent if late else [],
            failed=failed,
            settled=settled,
        ),
    )
    logger.info(
        "update %s: %d answers sent again%s", row.update_id, len(sent), " (late)" if late else ""
    )


def _as_late(
    runtime: Runtime, row: inbox.OpenUpdate, answer: inbox.Answer, late: bool
) -> tuple[str | None, dict[str, Any]]:
    """The call to make now: a pop-up becomes a message; a late message says it is late."""
    method, params = answer.method, dict(answer.params)
    if method == "answerCallbackQuery":
        chat_id = row.chat_id or row.user_id
        if chat_id is None or not params.get("text"):
            return None, {}
        method, params = "sendMessage", {"chat_id": chat_id, "text": html.escape(params["text"])}
        params["parse_mode"] = "HTML"
    if late and method == "sendMessage" and params.get("parse_mode") == "HTML":
        text = f"{_late_note(runtime, row)}\n\n{params.get('text', '')}"
        if len(text) <= MESSAGE_LIMIT:  # else the answer alone: it must not be refused as long
            params["text"] = text
    return method, params


def _late_note(runtime: Runtime, row: inbox.OpenUpdate) -> str:
    local = row.received_at.astimezone(ZoneInfo(runtime.settings.app.timezone))
    return t(
        _language(runtime, row.user_id),
        "inbox_late_answer",
        time=local.strftime("%H:%M %d/%m/%Y"),
    )


def _language(runtime: Runtime, user_id: int | None) -> str:
    if user_id is not None:
        with runtime.session() as session:
            member = get_member_by_telegram_id(session=session, telegram_user_id=user_id)
        if member is not None:
            return member.language
    return runtime.settings.app.default_language


def forget_old_updates(runtime: Runtime) -> int:
    with runtime.engine.begin() as connection:
        return inbox.forget_old_updates(connection, now=runtime.clock.now())
