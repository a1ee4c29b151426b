"""The agency's side: /tasks, the four task buttons, /update, and replies to the bot's messages.

All three ways of reporting (command, button then text, reply) end in db.task_updates.add_update.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.catalogue import Html, t
from bot.context import BotContext
from bot.formatting import callback_data
from bot.inbox import reply_read_ahead
from db.errors import AppError, InvalidInput
from db.ids import button_id, button_number, parse_id
from db.messages import merged_reply_task, merged_tasks, remember_messages, reply_context
from db.models import UpdateKind
from db.pending import (
    clear_pending,
    drop_pending,
    kept_message,
    mark_prompt,
    pending_key,
    prompt_owner,
    read_pending_key,
    set_pending,
    take_pending,
)
from db.permissions import Access
from db.status import categorize
from db.task_ahead import TaskAhead
from db.task_cards import tasks_details
from db.task_updates import add_update
from db.tasks import (
    Attachment,
    DueReading,
    open_tasks_page,
    reportable_task,
    split_percent,
)
from handlers import task_views
from handlers.assign import continue_assignment
from handlers.deadlines import read_due
from handlers.imports import import_document
from handlers.intake import PASTE, continue_intake
from handlers.meetings import PENDING_DELEGATE, record_delegate
from handlers.notify import REPORTED_TO_SECRETARIAT, notify_update
from handlers.replying import answer
from schedules.reminders import replan_task, report_moves_reminders

CARDS_PER_PAGE = 5
MERGED_BUTTON = "mr"  # bot/outbound/merged_messages.py: a merged reminder's task buttons
# Pending inputs that a typed message must leave alone: they wait for a button press.
MERGED_REPLY = "merged_reply"  # a reply to a merged reminder, waiting for "which task?"
WAITS_FOR_A_BUTTON = frozenset({"meeting:confirm", MERGED_REPLY})
BUTTON_KINDS = {
    "p": UpdateKind.PROGRESS,
    "d": UpdateKind.COMPLETION,
    "o": UpdateKind.OBSTACLE,
    "x": UpdateKind.EXTENSION_REQUEST,
}
PROMPTS = {
    UpdateKind.PROGRESS: "ask_progress",
    UpdateKind.COMPLETION: "ask_completion",
    UpdateKind.OBSTACLE: "ask_obstacle",
    UpdateKind.EXTENSION_REQUEST: "ask_extension",
}
SAVED = {
    UpdateKind.PROGRESS: "update_saved",
    UpdateKind.COMPLETION: "completion_saved",
    UpdateKind.OBSTACLE: "obstacle_saved",
    UpdateKind.EXTENSION_REQUEST: "extension_saved",
}


@dataclass(frozen=True)
class Report:
    """What a member wrote about a task, before it is recorded."""

    task_id: int
    kind: UpdateKind
    text: str
    percent: int | None = None
    attachment: Attachment | None = None
    # The bot's message it replies to (chat, message): a reminder names a recurring task's period.
    reply_to: tuple[int, int] | None = None
    # The task as read with the update's inbox row (db/task_ahead.py), if it may be used.
    ahead: TaskAhead | None = None


# --- /tasks --------------------------------------------------------------------------------


async def list_tasks(update: Update, context: BotContext) -> None:
    """/tasks: the open tasks of the focal point's agency, each with its four buttons."""
    await send_task_cards(update, context, page=0)


async def more_tasks(update: Update, context: BotContext) -> None:
    """The "More ›" button under /tasks: "tkp:<page>"."""
    query = update.callback_query
    assert query is not None
    try:
        page = button_number((query.data or "").split(":")[1])
    except (IndexError, AppError):
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    await send_task_cards(update, context, page=page)
    await query.answer()


async def send_task_cards(update: Update, context: BotContext, page: int) -> None:
    actor, runtime, lang = context.actor, context.runtime, context.lang
    agencies = actor.focal_agencies()
    if not agencies:
        await answer(update, context, t(lang, "tasks_not_focal"))
        return
    now = runtime.clock.now()
    with runtime.session() as session:
        councils = actor.focal_task_councils()
        shown, total = open_tasks_page(
            session=session,
            agency_ids=agencies,
            council_ids=councils,
            offset=page * CARDS_PER_PAGE,
            limit=CARDS_PER_PAGE,
        )
        cards = tasks_details(
            session=session,
            tasks=shown,
            now=now,
            due_soon_days=runtime.settings.app.due_soon_days,
        )
    codes = ", ".join(
        sorted({grant.agency_code or "?" for grant in actor.grants if grant.agency_id in agencies})
    )
    if not total:
        await answer(update, context, t(lang, "tasks_none"))
        return
    if not shown:  # a page beyond the last: an old or forged "More" button
        raise AppError("stale_button")
    if page == 0:
        await answer(update, context, t(lang, "tasks_header", agency=codes, count=total))
    tz = runtime.settings.app.timezone
    shown_cards: list[tuple[Message, int]] = []
    for details in cards:
        text = task_views.task_card(
            details.task,
            lang=lang,
            tz=tz,
            lead=details.lead,
            co_agencies=details.co_agencies,
            category=details.category,
            obstacle=details.obstacle,
            directive_number=details.directive_number,
            period=details.period,
        )
        text += "\n" + t(lang, "task_reply_hint")
        assert details.task.id is not None
        sent = await answer(
            update,
            context,
            text,
            keyboard=task_views.task_buttons(
                details.task.id, lang, lead=details.task.lead_agency_id in agencies
            ),
        )
        if sent is not None:
            shown_cards.append((sent, details.task.id))
    _remember(context, shown_cards)
    if total > (page + 1) * CARDS_PER_PAGE:
        more = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t(lang, "tasks_more"), callback_data=callback_data("tkp", page + 1)
                    )
                ]
            ]
        )
        await answer(
            update,
            context,
            t(lang, "status_page", page=page + 1, pages=-(-total // CARDS_PER_PAGE)),
            keyboard=more,
        )


def _remember(context: BotContext, sent: list[tuple[Message, int]]) -> None:
    """Record which task each card is about, so a reply to it finds the task."""
    if not sent:
        return
    with context.runtime.session() as session:
        remember_messages(
            session=session,
            chat_id=sent[0][0].chat.id,
            about=[(message.message_id, task_id, None) for message, task_id in sent],
            now=context.runtime.clock.now(),
        )


# --- the four buttons ----------------------------------------------------------------------


async def press_task_button(update: Update, context: BotContext) -> None:
    """A task card's buttons, "tk:<task>:<p|d|o|x>": ask for what the update says."""
    query = update.callback_query
    assert query is not None
    try:
        _, task_key, action = (query.data or "").split(":")
        task_id, kind = button_id(task_key), BUTTON_KINDS[action]
    except (KeyError, ValueError, AppError):
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    await ask_for_report(update, context, task_id, kind)


async def ask_for_report(
    update: Update, context: BotContext, task_id: int, kind: UpdateKind
) -> None:
    """A button names a task: wait for what the member's next message says about it."""
    query = update.callback_query
    assert query is not None
    actor, runtime = context.actor, context.runtime
    chat = update.effective_chat
    assert chat is not None and actor.member_id is not None
    with runtime.session() as session:
        reportable_task(session=session, actor=actor, task_id=task_id, kind=kind)
        set_pending(
            session=session,
            member_id=actor.member_id,
            chat_id=chat.id,
            action=kind,
            task_id=task_id,
            now=runtime.clock.now(),
        )
    await query.answer()
    cancel = InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(context.lang, "button_cancel"), callback_data="in:x")]]
    )
    text = t(context.lang, PROMPTS[kind], id=task_id)
    if chat.type != ChatType.PRIVATE:
        text = Html(f"{text}\n{t(context.lang, 'ask_reply_in_group')}")
    prompt = await answer(update, context, text, keyboard=cancel)
    if prompt is None:
        return
    if chat.type == ChatType.PRIVATE:
        _remember(context, [(prompt, task_id)])
        return
    # In a group the prompt is this member's: another member's reply to it is refused, not
    # taken as a plain update (it would lose the prompt's kind, e.g. an obstacle).
    with runtime.session() as session:
        mark_prompt(
            session=session,
            member_id=actor.member_id,
            chat_id=chat.id,
            message_id=prompt.message_id,
        )


async def cancel_input(update: Update, context: BotContext) -> None:
    """The Cancel button of a prompt: forget what the bot was waiting for."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None and context.actor.member_id is not None
    with context.runtime.session() as session:
        clear_pending(session=session, member_id=context.actor.member_id, chat_id=chat.id)
    await query.answer()
    await answer(update, context, t(context.lang, "input_cancelled"))


# --- /update and replies -------------------------------------------------------------------


async def update_command(update: Update, context: BotContext) -> None:
    """/update <task> [<percent>%] <text>."""
    args = context.args or []
    task_id = parse_id(args[0]) if len(args) >= 2 else None
    if task_id is None:
        await answer(update, context, t(context.lang, "update_usage"))
        return
    percent, text = split_percent(" ".join(args[1:]))
    await record_report(
        update, context, Report(task_id, UpdateKind.PROGRESS, text, percent=percent)
    )


async def on_message(update: Update, context: BotContext) -> None:
    """A plain message: a reply about a task, the answer to a prompt, or a hint."""
    message = update.message
    chat = update.effective_chat
    actor = context.actor
    assert message is not None and chat is not None and actor.member_id is not None
    runtime = context.runtime
    text = message.text or message.caption or ""
    attachment = attachment_of(message)
    replied = message.reply_to_message
    listed: list[int] = []
    ahead = reply_read_ahead(runtime, update.update_id)
    with runtime.session() as session:
        subject, pending = reply_context(
            session=session,
            chat_id=chat.id,
            message_id=replied.message_id if replied is not None else None,
            member_id=actor.member_id,
            now=runtime.clock.now(),
            ahead=ahead,
        )
        if replied is not None and subject is None:
            listed = merged_tasks(session=session, chat_id=chat.id, message_id=replied.message_id)
        if pending is not None and pending.action == PASTE and not message.text:
            # A file sent after /import is read as itself, not as the pasted letter's next part.
            drop_pending(session=session, pending=pending)
            pending = None
        if pending is not None and (
            pending.action in WAITS_FOR_A_BUTTON or not _answers(pending.task_id, subject)
        ):
            pending = None
        if pending is not None:
            drop_pending(session=session, pending=pending)
        elif replied is not None and chat.type != ChatType.PRIVATE:
            owner = prompt_owner(
                session=session,
                chat_id=chat.id,
                message_id=replied.message_id,
                now=runtime.clock.now(),
            )
            if owner is not None and owner != actor.member_id:
                raise InvalidInput("prompt_not_yours")
    if pending is not None and pending.action.startswith("assign"):
        await continue_assignment(update, context, pending, text)
        return
    if pending is not None and pending.action.startswith("intake"):
        await continue_intake(update, context, pending, text)
        return
    if pending is not None and pending.action == PENDING_DELEGATE:
        await record_delegate(update, context, int(pending.data["meeting_id"]), text)
        return
    if pending is not None and pending.task_id is not None:
        await _record_answer(
            update, context, pending.task_id, UpdateKind(pending.action), text, attachment
        )
        return
    if subject is not None and subject.task_id is not None:
        percent, body = split_percent(text)
        await record_report(
            update,
            context,
            Report(
                subject.task_id,
                UpdateKind.PROGRESS,
                body,
                percent,
                attachment,
                reply_to=(chat.id, subject.message_id),
                # Read with the subject, if the subject was (nothing awaited then).
                ahead=ahead.task if ahead is not None and not ahead.pending else None,
            ),
        )
        return
    if listed:
        assert replied is not None
        await reply_to_merged(
            update, context, listed, text, attachment, reply_to=(chat.id, replied.message_id)
        )
    elif replied is not None:
        await answer(update, context, t(context.lang, "reply_not_about_task"))
    elif chat.type == ChatType.PRIVATE and message.document and actor.allows(Access.SECRETARIAT):
        # A secretariat's letter (or directive file) sent without /import: import it the same.
        await import_document(update, context)
    elif chat.type == ChatType.PRIVATE:
        await answer(update, context, t(context.lang, "private_hint"))


async def reply_to_merged(
    update: Update,
    context: BotContext,
    listed: list[int],
    text: str,
    attachment: Attachment | None,
    *,
    reply_to: tuple[int, int],
) -> None:
    """A reply to a merged reminder: about the task it names (#12) or the only one listed;
    otherwise kept and the member asked which task, with a button per task. ``reply_to`` (the
    list's chat and message) tells a recurring task's line the period it was about."""
    task_id = merged_reply_task(listed, text)
    if task_id is not None:
        await _record_merged_reply(update, context, task_id, text, attachment, reply_to)
        return
    actor, runtime = context.actor, context.runtime
    chat = update.effective_chat
    assert chat is not None and actor.member_id is not None
    kept: dict[str, object] = {"text": text, "tasks": listed, "reply_to": list(reply_to)}
    if attachment is not None:
        kept["attachment"] = [attachment.file_id, attachment.kind]
    with runtime.session() as session:
        pending = set_pending(
            session=session,
            member_id=actor.member_id,
            chat_id=chat.id,
            action=MERGED_REPLY,
            data=kept,
            now=runtime.clock.now(),
        )
        # set_pending flushed: the row has its id; the key's mark takes this reply only, not
        # one kept after it (the row is reused).
        key = pending_key(pending)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"#{task_id}",
                    callback_data=callback_data(MERGED_BUTTON, task_id, key),
                )
                for task_id in listed[i : i + 4]
            ]
            for i in range(0, len(listed), 4)
        ]
    )
    await answer(update, context, t(context.lang, "merged_which_task"), keyboard=keyboard)


async def press_merged_button(update: Update, context: BotContext) -> None:
    """A merged reminder's task button, "mr:<task>" (ask for an update, as ✏️ on a card), or the
    answer to "which task?", "mr:<task>:<kept reply's key>" (record the kept reply for that
    task; db.pending.pending_key)."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    try:
        if len(parts) not in (2, 3):
            raise AppError("stale_button")
        task_id = button_id(parts[1])
        kept_key = read_pending_key(parts[2]) if len(parts) == 3 else None
    except AppError:
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    if kept_key is None:
        await ask_for_report(update, context, task_id, UpdateKind.PROGRESS)
        return
    actor, runtime = context.actor, context.runtime
    assert actor.member_id is not None
    with runtime.session() as session:
        kept = take_pending(
            session=session,
            pending_id=kept_key[0],
            member_id=actor.member_id,
            now=runtime.clock.now(),
            action=MERGED_REPLY,
            token=kept_key[1],
        )
        if task_id not in kept.data.get("tasks", []):
            raise InvalidInput("stale_button")
    stored = kept.data.get("attachment")
    attachment = Attachment(str(stored[0]), str(stored[1])) if stored else None
    await _record_merged_reply(
        update, context, task_id, str(kept.data["text"]), attachment, kept_message(kept)
    )
    # Answered only once recorded: Telegram takes one answer per press, so a refusal (the task
    # closed meanwhile) must be that answer; and the kept reply taken and the update recorded
    # are committed together (a connection lost in between is retried: nothing sent yet).
    await query.answer()


async def _record_merged_reply(
    update: Update,
    context: BotContext,
    task_id: int,
    text: str,
    attachment: Attachment | None,
    reply_to: tuple[int, int] | None,
) -> None:
    named = re.compile(rf"^\s*#{task_id}\b[\s,.:;-]*")
    percent, body = split_percent(named.sub("", text, count=1))
    await record_report(
        update,
        context,
        Report(task_id, UpdateKind.PROGRESS, body, percent, attachment, reply_to=reply_to),
    )


def _answers(pending_task: int | None, subject: object) -> bool:
    """A reply to a message about another task is about that task, not the pending prompt."""
    task_id = getattr(subject, "task_id", None)
    return subject is None or task_id is None or task_id == pending_task


async def _record_answer(
    update: Update,
    context: BotContext,
    task_id: int,
    kind: UpdateKind,
    text: str,
    attachment: Attachment | None,
) -> None:
    """The answer to a button's prompt."""
    if kind == UpdateKind.EXTENSION_REQUEST:
        wanted, _, reason = text.partition("|")
        due = read_due(context, wanted.strip())
        await record_report(
            update,
            context,
            Report(task_id, kind, reason.strip() or wanted.strip(), None, attachment),
            requested=due,
        )
        return
    percent, body = split_percent(text) if kind == UpdateKind.PROGRESS else (None, text)
    await record_report(update, context, Report(task_id, kind, body, percent, attachment))


async def record_report(
    update: Update, context: BotContext, report: Report, *, requested: DueReading | None = None
) -> None:
    """Store the update, then confirm to the author and notify whom it concerns."""
    runtime, lang = context.runtime, context.lang
    now = runtime.clock.now()
    with runtime.session() as session:
        saved, task = add_update(
            session=session,
            actor=context.actor,
            task_id=report.task_id,
            kind=report.kind,
            text=report.text,
            percent=report.percent,
            attachment=report.attachment,
            requested=requested,
            now=now,
            reply_to=report.reply_to,
            ahead=report.ahead,
        )
        category = categorize(task, now, due_soon_days=runtime.settings.app.due_soon_days)
        notify_update(session=session, context=context, update=saved, now=now)
        replanned = report_moves_reminders(task=task, kind=report.kind)
        if replanned:
            replan_task(session=session, task_id=report.task_id, now=now, config=runtime.reminders)
    percent = t(lang, "task_percent", percent=task.percent) if task.percent is not None else ""
    deadline = task_views.day(requested.end, runtime.settings.app.timezone) if requested else ""
    await answer(
        update,
        context,
        t(
            lang,
            SAVED[report.kind],
            id=report.task_id,
            category=task_views.category_name(category, lang),
            percent=percent,
            deadline=deadline,
        ),
    )
    if replanned or report.kind in REPORTED_TO_SECRETARIAT:  # else nothing was queued
        context.runtime.wake()


def attachment_of(message: Message) -> Attachment | None:
    if message.document is not None:
        return Attachment(message.document.file_id, "document")
    if message.photo:
        return Attachment(message.photo[-1].file_id, "photo")
    return None


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("tasks", list_tasks),
        CommandHandler("update", update_command),
        CallbackQueryHandler(press_task_button, pattern=r"^tk:"),
        CallbackQueryHandler(more_tasks, pattern=r"^tkp:"),
        CallbackQueryHandler(press_merged_button, pattern=rf"^{MERGED_BUTTON}:"),
        CallbackQueryHandler(cancel_input, pattern=r"^in:"),
        MessageHandler(
            (filters.TEXT | filters.Document.ALL | filters.PHOTO)
            & ~filters.COMMAND
            & ~filters.CaptionRegex(r"^/"),
            on_message,
        ),
    ]
