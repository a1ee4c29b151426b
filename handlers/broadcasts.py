"""/broadcast with a preview and Send, the delivery report, and the Received button."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.catalogue import t
from bot.context import BotContext
from bot.formatting import callback_data
from bot.outbound.broadcast_jobs import launch
from bot.outbound.broadcast_report import render_report, report_keyboard
from db.broadcasts import (
    Audience,
    acknowledge,
    broadcast_report,
    cancel_draft,
    confirm_broadcast,
    create_broadcast,
    meeting_titles,
    recent_broadcasts,
    remind_unacknowledged,
    resend_failed,
    set_progress_message,
)
from db.errors import AppError, InvalidInput
from db.ids import button_id
from db.permissions import Access
from db.registry import councils_where
from db.roles import council_for_secretariat, parse_role
from db.text_input import clean_code
from handlers.replying import answer, edit_or_answer
from handlers.task_views import minute, short

if TYPE_CHECKING:
    from db.engine import Session
    from db.models import Council

ROLE_KEYS = ("vai-tro=", "roles=", "role=")
AGENCY_KEYS = ("co-quan=", "agencies=", "agency=")


def parse_broadcast(
    text: str, council_named: Callable[[str], Council]
) -> tuple[Council | None, Audience, str]:
    """ "[<council>] [roles=…] [agencies=…] | <text>", or just "<text>"; ``council_named``
    finds a council the actor runs by its code (or refuses: unknown, or not theirs)."""
    head, separator, body = text.partition("|")
    if not separator:
        head, body = "", text
    council: Council | None = None
    roles: list[str] = []
    agencies: list[str] = []
    for word in head.split():
        lowered = word.lower()
        if lowered.startswith(ROLE_KEYS):
            for name in lowered.split("=", 1)[1].split(","):
                role = parse_role(name)
                if role is None:
                    raise InvalidInput("broadcast_role_unknown", role=name)
                roles.append(role.value)
        elif lowered.startswith(AGENCY_KEYS):
            agencies += [clean_code(c) for c in word.split("=", 1)[1].split(",") if clean_code(c)]
        else:
            council = council_named(word)
    return council, Audience(roles=tuple(roles), agency_codes=tuple(agencies)), body.strip()


async def broadcast(update: Update, context: BotContext) -> None:
    """/broadcast …: a preview with the number of recipients; nothing goes out before Send."""
    raw = (update.effective_message.text or "") if update.effective_message else ""
    text = raw.split(maxsplit=1)[1] if len(raw.split(maxsplit=1)) == 2 else ""
    lang, runtime = context.lang, context.runtime
    if not text.strip():
        await answer(update, context, t(lang, "broadcast_usage"))
        return
    with runtime.session() as session:
        councils = _secretariat_councils(session, context)
        council, audience, body = parse_broadcast(
            text,
            lambda code: council_for_secretariat(session=session, actor=context.actor, code=code),
        )
        if council is None:
            if len(councils) != 1:
                raise InvalidInput("broadcast_choose_council")
            council = councils[0]
        assert council.id is not None
        draft, count = create_broadcast(
            session=session,
            actor=context.actor,
            council_id=council.id,
            text=body,
            audience=audience,
            now=runtime.clock.now(),
        )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "button_send"), callback_data=callback_data("bc", draft.id, "send")
                ),
                InlineKeyboardButton(
                    t(lang, "button_cancel"), callback_data=callback_data("bc", draft.id, "drop")
                ),
            ]
        ]
    )
    preview = t(lang, "broadcast_preview", council=council.code, count=count, text=body)
    await answer(update, context, preview, keyboard=keyboard)


async def press_broadcast_button(update: Update, context: BotContext) -> None:
    """ "bc:<id>:send|drop|report|remind|resend"."""
    query = update.callback_query
    assert query is not None
    try:
        _, key, action = (query.data or "").split(":")
        broadcast_id = button_id(key)
    except (ValueError, AppError):
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    runtime, lang, actor = context.runtime, context.lang, context.actor
    now = runtime.clock.now()
    if action == "send":
        with runtime.session() as session:
            count = confirm_broadcast(
                session=session, actor=actor, broadcast_id=broadcast_id, now=now
            )
        await query.answer()
        progress = await edit_or_answer(
            update, context, t(lang, "broadcast_progress", id=broadcast_id, done=0, total=count)
        )
        if progress is not None:
            with runtime.session() as session:
                set_progress_message(
                    session=session,
                    broadcast_id=broadcast_id,
                    chat_id=progress.chat.id,
                    message_id=progress.message_id,
                )
        launch(context.application, broadcast_id)
    elif action == "drop":
        with runtime.session() as session:
            cancel_draft(session=session, actor=actor, broadcast_id=broadcast_id)
        await query.answer()
        await edit_or_answer(update, context, t(lang, "input_cancelled"))
    elif action == "report":
        await query.answer()
        await show_report(update, context, broadcast_id)
    elif action == "remind":
        prefix = t(lang, "broadcast_remind_prefix")
        with runtime.session() as session:
            reminded = remind_unacknowledged(
                session=session, actor=actor, broadcast_id=broadcast_id, now=now, prefix=prefix
            )
        await query.answer()
        if reminded is None:
            await answer(update, context, t(lang, "broadcast_nobody_to_remind"))
            return
        new_broadcast, count = reminded
        assert new_broadcast.id is not None
        sent = await answer(
            update, context, t(lang, "broadcast_progress", id=new_broadcast.id, done=0, total=count)
        )
        if sent is not None:
            with runtime.session() as session:
                set_progress_message(
                    session=session,
                    broadcast_id=new_broadcast.id,
                    chat_id=sent.chat.id,
                    message_id=sent.message_id,
                )
        launch(context.application, new_broadcast.id)
    elif action == "resend":
        with runtime.session() as session:
            count = resend_failed(session=session, actor=actor, broadcast_id=broadcast_id, now=now)
        await query.answer()
        if not count:
            await answer(update, context, t(lang, "broadcast_nothing_failed"))
            return
        await answer(update, context, t(lang, "broadcast_resending", count=count))
        launch(context.application, broadcast_id)
    else:
        await query.answer(t(lang, "stale_button"), show_alert=True)


async def show_report(update: Update, context: BotContext, broadcast_id: int) -> None:
    with context.runtime.session() as session:
        report = broadcast_report(session=session, actor=context.actor, broadcast_id=broadcast_id)
        text = render_report(session, report, context.lang)
    await answer(update, context, text, keyboard=report_keyboard(report, context.lang))


async def list_broadcasts(update: Update, context: BotContext) -> None:
    """/broadcasts: the latest notices, each with a button to its delivery report."""
    runtime, lang = context.runtime, context.lang
    with runtime.session() as session:
        councils = [c.id for c in _secretariat_councils(session, context) if c.id is not None]
        rows = recent_broadcasts(session=session, council_ids=councils)
        titles = meeting_titles(session=session, broadcasts=rows)
    if not rows:
        await answer(update, context, t(lang, "broadcasts_none"))
        return
    tz = runtime.settings.app.timezone
    lines = [
        t(
            lang,
            "broadcasts_line",
            id=row.id,
            when=minute(row.confirmed_at or row.created_at, tz),
            text=short(row.text, 60)
            if row.id not in titles
            else t(lang, "broadcasts_meeting_notice", title=short(titles[row.id], 60)),
        )
        for row in rows
    ]
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"#{row.id}", callback_data=callback_data("bc", row.id, "report")
                )
            ]
            for row in rows
        ]
    )
    await answer(update, context, "\n".join(lines), keyboard=keyboard)


async def press_acknowledge(update: Update, context: BotContext) -> None:
    """ "ack:<delivery>": the recipient says they received the notice."""
    query = update.callback_query
    assert query is not None
    try:
        delivery_id = button_id((query.data or "").split(":")[1])
    except (IndexError, AppError):
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    with context.runtime.session() as session:
        first = acknowledge(
            session=session,
            actor=context.actor,
            delivery_id=delivery_id,
            now=context.runtime.clock.now(),
        )
    await query.answer(t(context.lang, "acknowledged" if first else "already_acknowledged"))


def _secretariat_councils(session: Session, context: BotContext) -> list[Council]:
    return councils_where(session=session, actor=context.actor, access=Access.SECRETARIAT)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("broadcast", broadcast),
        CommandHandler("broadcasts", list_broadcasts),
        CallbackQueryHandler(press_broadcast_button, pattern=r"^bc:"),
        CallbackQueryHandler(press_acknowledge, pattern=r"^ack:"),
    ]
