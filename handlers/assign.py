"""/assign: a new task in one line, or step by step; always confirmed before it is stored."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.catalogue import Html, t
from bot.context import BotContext
from bot.formatting import callback_data
from db.errors import AppError, InvalidInput
from db.ids import button_id, id_in_range
from db.pending import (
    button_token,
    pending_key,
    read_pending_key,
    set_pending,
    take_pending,
)
from db.permissions import Access
from db.recurring import ScheduleReading
from db.registry import assignment_parties, councils_where, get_council
from db.tasks import DueReading, agency_by_code, clean_title, create_task
from handlers.deadlines import as_reading, is_no_deadline, parse_window_or_schedule
from handlers.notify import notify_assigned
from handlers.replying import answer, edit_or_answer
from handlers.task_views import co_text, echo_due
from schedules.dates import Recurrence, format_deadline
from schedules.reminders import replan_task

if TYPE_CHECKING:
    from db.engine import Session
    from db.models import Agency, Council, PendingInput

STEP_COUNCIL = "assign:council"
STEP_AGENCIES = "assign:agencies"
STEP_TITLE = "assign:title"
STEP_DUE = "assign:due"
STEP_CONFIRM = "assign:confirm"
PROMPT = {
    STEP_AGENCIES: "assign_ask_agencies",
    STEP_TITLE: "assign_ask_title",
    STEP_DUE: "assign_ask_due",
}


def secretariat_councils(session: Session, context: BotContext) -> list[Council]:
    """Councils where the actor may assign tasks."""
    return councils_where(session=session, actor=context.actor, access=Access.SECRETARIAT)


async def assign(update: Update, context: BotContext) -> None:
    """/assign <lead>[, <co>…] | <title> | <deadline>, or /assign alone for the guided version."""
    text = " ".join(context.args or []).strip()
    data: dict[str, Any] = {}
    if text:
        with context.runtime.session() as session:
            parsed = parse_assignment(context, session, text)
        if parsed is None:
            await answer(update, context, t(context.lang, "assign_usage"))
            return
        data.update(parsed)
    with context.runtime.session() as session:
        councils = secretariat_councils(session, context)
    if len(councils) == 1:
        data["council_id"] = councils[0].id
        await _next_step(update, context, data)
        return
    pending = await _wait(context, update, STEP_COUNCIL, data)
    name = "name_vi" if context.lang == "vi" else "name_en"
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    getattr(c, name),
                    callback_data=callback_data("as", pending_key(pending), f"c{c.id}"),
                )
            ]
            for c in councils
        ]
    )
    await answer(update, context, t(context.lang, "assign_choose_council"), keyboard=keyboard)


async def continue_assignment(
    update: Update, context: BotContext, pending: PendingInput, text: str
) -> None:
    """A typed answer to one of the guided steps (the pending row was taken by the caller)."""
    data = dict(pending.data)
    try:
        if pending.action == STEP_AGENCIES:
            with context.runtime.session() as session:
                data.update(_agencies(session, text))
        elif pending.action == STEP_TITLE:
            data["title"] = clean_title(text)
        elif pending.action == STEP_DUE:
            data.update(_due(context, text))
        else:  # the council choice and the confirmation wait for a button, not for text
            await _wait(context, update, pending.action, data, button_token(pending))
            await answer(update, context, t(context.lang, "assign_usage"))
            return
    except AppError:
        await _wait(context, update, pending.action, data)  # let the user try this step again
        raise
    await _next_step(update, context, data)


async def press_assign_button(update: Update, context: BotContext) -> None:
    """ "as:<pending>:c<council>" chooses the council; "as:<pending>:y|n" confirms or drops."""
    query = update.callback_query
    assert query is not None and context.actor.member_id is not None
    runtime, lang = context.runtime, context.lang
    try:
        _, key, choice = (query.data or "").split(":")
        pending_id, token = read_pending_key(key)
    except (ValueError, AppError):
        await query.answer(t(lang, "stale_button"), show_alert=True)
        return
    if choice == "y":
        # The pending row is consumed in the transaction that creates the task: confirm-once.
        await _create(update, context, pending_id, token)
        return
    with runtime.session() as session:
        pending = take_pending(
            session=session,
            pending_id=pending_id,
            member_id=context.actor.member_id,
            now=runtime.clock.now(),
            token=token,
        )
        data, action = dict(pending.data), pending.action
    await query.answer()
    if choice == "n":
        await edit_or_answer(update, context, t(lang, "input_cancelled"))
    elif action == STEP_COUNCIL and choice.startswith("c") and id_in_range(choice[1:]):
        council_id = button_id(choice[1:])
        if not context.actor.allows(Access.SECRETARIAT, council_id):
            await answer(update, context, t(lang, "forbidden"))
            return
        data["council_id"] = council_id
        await _next_step(update, context, data)
    else:
        await answer(update, context, t(lang, "stale_button"))


async def propose_task(update: Update, context: BotContext, data: dict[str, Any]) -> None:
    """Start an assignment with what is known (e.g. a meeting's conclusion as the title)."""
    await _next_step(update, context, data)


def parse_assignment(context: BotContext, session: Session, line: str) -> dict[str, Any] | None:
    """ "<lead>[, <co>…] | <title> | <deadline>" as assignment data, or None if not that form."""
    parts = [part.strip() for part in line.split("|")]
    if len(parts) != 3 or not all(parts[:2]):
        return None
    # The title is checked (normalized, within its limit) before the preview, not on Confirm.
    title = clean_title(parts[1])
    return {**_agencies(session, parts[0]), "title": title, **_due(context, parts[2])}


async def _next_step(update: Update, context: BotContext, data: dict[str, Any]) -> None:
    """Ask for the first missing piece, or show the preview with Confirm / Cancel."""
    for step, key in ((STEP_AGENCIES, "lead_id"), (STEP_TITLE, "title"), (STEP_DUE, "due_text")):
        if key not in data:
            with context.runtime.session() as session:
                council = get_council(session=session, council_id=data["council_id"])
                council_name = council.code if council else "?"
            await _wait(context, update, step, data)
            await answer(update, context, t(context.lang, PROMPT[step], council=council_name))
            return
    pending = await _wait(context, update, STEP_CONFIRM, data)
    lang = context.lang
    with context.runtime.session() as session:
        council, lead, co = _load(session, data)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "button_confirm"),
                    callback_data=callback_data("as", pending_key(pending), "y"),
                ),
                InlineKeyboardButton(
                    t(lang, "button_cancel"),
                    callback_data=callback_data("as", pending_key(pending), "n"),
                ),
            ]
        ]
    )
    text = t(
        lang,
        "assign_preview",
        council=council.code,
        title=data["title"],
        lead=f"{lead.code} — {lead.name_vi if lang == 'vi' else lead.name_en}",
        co=co_text(co, lang),
        due=Html(_due_echo(data, lang)),
    )
    await answer(update, context, text, keyboard=keyboard)


async def _create(update: Update, context: BotContext, pending_id: int, token: str) -> None:
    runtime = context.runtime
    now = runtime.clock.now()
    assert context.actor.member_id is not None
    with runtime.session() as session:
        pending = take_pending(
            session=session,
            pending_id=pending_id,
            member_id=context.actor.member_id,
            now=now,
            action=STEP_CONFIRM,
            token=token,
        )
        data = dict(pending.data)
        council, lead, co = _load(session, data)
        task = create_task(
            session=session,
            actor=context.actor,
            council=council,
            lead=lead,
            co_agencies=co,
            title=data["title"],
            due=_reading(data),
            now=now,
            recurring=_recurring(data),
            tz=runtime.settings.app.timezone,
        )
        notify_assigned(session=session, context=context, task=task, now=now)
        assert task.id is not None
        replan_task(session=session, task_id=task.id, now=now, config=runtime.reminders)
    runtime.wake()
    assert update.callback_query is not None
    await update.callback_query.answer()
    await edit_or_answer(
        update, context, t(context.lang, "assign_done", id=task.id, lead=lead.code)
    )


async def _wait(
    context: BotContext,
    update: Update,
    action: str,
    data: dict[str, Any],
    keep_token: str | None = None,
) -> PendingInput:
    chat = update.effective_chat
    assert chat is not None and context.actor.member_id is not None
    with context.runtime.session() as session:
        return set_pending(
            session=session,
            member_id=context.actor.member_id,
            chat_id=chat.id,
            action=action,
            data=data,
            now=context.runtime.clock.now(),
            keep_token=keep_token,
        )


def _agencies(session: Session, text: str) -> dict[str, Any]:
    codes = [code for code in text.replace(";", ",").replace(",", " ").split() if code]
    if not codes:
        raise InvalidInput("agency_unknown", code=text)
    agencies = [agency_by_code(session=session, code=code) for code in codes]
    return {"lead_id": agencies[0].id, "co_ids": [agency.id for agency in agencies[1:]]}


def _due(context: BotContext, text: str) -> dict[str, Any]:
    if is_no_deadline(text):
        return {"due_text": None}
    window = parse_window_or_schedule(context, text)
    if isinstance(window, Recurrence):
        return _schedule(context, text, window)
    reading = as_reading(window)
    return {
        "due_text": reading.text,
        "due_start": reading.start.isoformat(),
        "due_end": reading.end.isoformat(),
        "due_precision": reading.precision,
        "due_echo_vi": echo_due(window, "vi"),
        "due_echo_en": echo_due(window, "en"),
    }


def _schedule(context: BotContext, text: str, schedule: Recurrence) -> dict[str, Any]:
    """A recurring deadline: the schedule, echoed as read with its next three deadlines."""
    now, tz = context.runtime.clock.now(), context.runtime.settings.app.timezone
    return {
        "due_text": " ".join(text.split()),
        "recurrence": schedule.to_json(),
        **{
            f"due_echo_{lang}": t(
                lang,
                "task_due_read",
                text=" ".join(text.split()),
                reading=format_deadline(schedule, lang, now=now, tz=tz),
            )
            for lang in ("vi", "en")
        },
    }


def _recurring(data: dict[str, Any]) -> ScheduleReading | None:
    if data.get("recurrence") is None:
        return None
    return ScheduleReading(text=data["due_text"], schedule=Recurrence.from_json(data["recurrence"]))


def _due_echo(data: dict[str, Any], lang: str) -> str:
    if data.get("due_text") is None:
        return t(lang, "task_no_due")
    return str(data[f"due_echo_{lang}"])


def _reading(data: dict[str, Any]) -> DueReading | None:
    if data.get("due_text") is None or data.get("recurrence") is not None:
        return None
    return DueReading(
        text=data["due_text"],
        start=datetime.fromisoformat(data["due_start"]),
        end=datetime.fromisoformat(data["due_end"]),
        precision=data["due_precision"],
    )


def _load(session: Session, data: dict[str, Any]) -> tuple[Council, Agency, list[Agency]]:
    return assignment_parties(
        session=session,
        council_id=data["council_id"],
        lead_id=data["lead_id"],
        co_ids=data.get("co_ids", []),
    )


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("assign", assign),
        CallbackQueryHandler(press_assign_button, pattern=r"^as:"),
    ]
