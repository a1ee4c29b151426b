"""The secretariat's task decisions: /edit, /cancel, confirming completions, extensions and
obstacles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.catalogue import Html, t
from bot.context import BotContext
from db.errors import AppError
from db.ids import button_id, parse_id
from db.models import UpdateKind
from db.recurring import ScheduleReading, period_decided
from db.task_cards import task_details
from db.tasks import (
    agency_by_code,
    cancel_task,
    changeable_task,
    decide_completion,
    decide_request,
    edit_task,
    require_not_closed,
)
from db.text_input import normalize_text
from handlers import task_views
from handlers.deadlines import as_reading, parse_window_or_schedule
from handlers.notify import notify_cancelled, notify_decision
from handlers.replying import answer, edit_or_answer
from schedules.dates import DueWindow, Recurrence
from schedules.reminders import replan_task

if TYPE_CHECKING:
    from db.models import ProgressUpdate

# Sub-commands in English and in Vietnamese (without or with diacritics), as /broadcast has.
EDIT_FIELDS = {
    "title": "title",
    "ten": "title",
    "tên": "title",
    "deadline": "deadline",
    "han": "deadline",
    "hạn": "deadline",
    "lead": "lead",
    "chu-tri": "lead",
    "chủ-trì": "lead",
}


async def edit(update: Update, context: BotContext) -> None:
    """/edit <task> title|deadline|lead <value>."""
    args = context.args or []
    task_id = parse_id(args[0]) if len(args) >= 3 else None
    if task_id is None or args[1].lower() not in EDIT_FIELDS:
        await answer(update, context, t(context.lang, "edit_usage"))
        return
    field, value = EDIT_FIELDS[args[1].lower()], " ".join(args[2:])
    runtime = context.runtime
    now = runtime.clock.now()
    reading = parse_window_or_schedule(context, value) if field == "deadline" else None
    due = as_reading(reading) if isinstance(reading, DueWindow) else None
    schedule = (
        ScheduleReading(normalize_text(value, multiline=False), reading)
        if isinstance(reading, Recurrence)
        else None
    )
    with runtime.session() as session:
        lead = agency_by_code(session=session, code=value) if field == "lead" else None
        task = edit_task(
            session=session,
            actor=context.actor,
            task_id=task_id,
            now=now,
            title=value if field == "title" else None,
            due=due,
            lead=lead,
            schedule=schedule,
            tz=runtime.settings.app.timezone,
        )
        replan_task(session=session, task_id=task_id, now=now, config=runtime.reminders)
    runtime.wake()
    due_text = task_views.due_text(task, context.lang, runtime.settings.app.timezone)
    await answer(update, context, t(context.lang, "edit_done", id=task_id, due=Html(due_text)))


async def cancel(update: Update, context: BotContext) -> None:
    """/cancel <task>: asks for confirmation first."""
    args = context.args or []
    task_id = parse_id(args[0]) if len(args) == 1 else None
    if task_id is None:
        await answer(update, context, t(context.lang, "cancel_usage"))
        return
    with context.runtime.session() as session:
        task, _scope = changeable_task(session=session, actor=context.actor, task_id=task_id)
        require_not_closed(task)
    lang = context.lang
    keyboard = task_views.yes_no("cx", task_id, "button_cancel_task", "button_keep_task", lang)
    text = t(lang, "cancel_confirm", id=task_id, title=task_views.short(task.title))
    await answer(update, context, text, keyboard=keyboard)


async def confirm_cancel(update: Update, context: BotContext) -> None:
    """ "cx:<task>:y|n"."""
    task_id, yes = _decision(update)
    query = update.callback_query
    assert query is not None
    if not yes:
        await query.answer()
        await edit_or_answer(update, context, t(context.lang, "input_cancelled"))
        return
    with context.runtime.session() as session:
        now = context.runtime.clock.now()
        task = cancel_task(session=session, actor=context.actor, task_id=task_id, now=now)
        notify_cancelled(session=session, context=context, task=task, now=now)
        replan_task(session=session, task_id=task_id, now=now, config=context.runtime.reminders)
    context.runtime.wake()
    await query.answer()  # after the change: a refusal (already handled) is the pop-up
    await edit_or_answer(update, context, t(context.lang, "cancel_done", id=task_id))


async def decide_completion_button(update: Update, context: BotContext) -> None:
    """ "cf:<task>:y|n": the secretariat confirms or rejects a reported completion."""
    task_id, yes = _decision(update)
    runtime, lang = context.runtime, context.lang
    now = runtime.clock.now()
    with runtime.session() as session:
        task = decide_completion(
            session=session, actor=context.actor, task_id=task_id, accept=yes, now=now
        )
        category = task_details(
            session=session, task=task, now=now, due_soon_days=runtime.settings.app.due_soon_days
        ).category
        # A recurring task: the answer is about the period just decided, not the next one.
        decided = period_decided(
            session=session, task=task, now=now, due_soon_days=runtime.settings.app.due_soon_days
        )
        notify_decision(
            session=session, context=context, task=task, decision=_completion_key(yes), now=now
        )
        replan_task(session=session, task_id=task_id, now=now, config=runtime.reminders)
    runtime.wake()
    assert update.callback_query is not None
    await update.callback_query.answer()
    key = "completion_confirmed" if yes else "completion_rejected"
    if decided is not None:
        key, category = f"period_{key}", decided.category
    await edit_or_answer(
        update,
        context,
        t(
            lang,
            key,
            id=task_id,
            category=task_views.category_name(category, lang),
            period=decided.label(lang) if decided else "",
        ),
    )


async def decide_request_button(update: Update, context: BotContext) -> None:
    """ "rq:<update>:y|n": approve or reject an extension; mark an obstacle resolved."""
    update_id, yes = _decision(update)
    runtime, lang = context.runtime, context.lang
    now = runtime.clock.now()
    with runtime.session() as session:
        task, request = decide_request(
            session=session, actor=context.actor, update_id=update_id, approve=yes, now=now
        )
        key = _request_key(request, yes)
        notify_decision(session=session, context=context, task=task, decision=key, now=now)
        assert task.id is not None
        replan_task(session=session, task_id=task.id, now=now, config=runtime.reminders)
    runtime.wake()
    assert update.callback_query is not None
    await update.callback_query.answer()
    deadline = (
        task_views.day(task.approved_deadline, runtime.settings.app.timezone)
        if task.approved_deadline
        else ""
    )
    await edit_or_answer(update, context, t(lang, key, id=task.id, deadline=deadline))


def _completion_key(accepted: bool) -> str:
    return "completion_confirmed" if accepted else "completion_rejected"


def _request_key(request: ProgressUpdate, approved: bool) -> str:
    if request.kind == UpdateKind.OBSTACLE:
        return "obstacle_resolved"
    return "extension_approved" if approved else "extension_rejected"


def _decision(update: Update) -> tuple[int, bool]:
    """(target id, yes?) from "<prefix>:<id>:y|n"; anything else is a stale button."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    if len(parts) != 3 or parts[2] not in ("y", "n"):
        raise AppError("stale_button")
    return button_id(parts[1]), parts[2] == "y"


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("edit", edit),
        CommandHandler("cancel", cancel),
        CallbackQueryHandler(confirm_cancel, pattern=r"^cx:"),
        CallbackQueryHandler(decide_completion_button, pattern=r"^cf:"),
        CallbackQueryHandler(decide_request_button, pattern=r"^rq:"),
    ]
