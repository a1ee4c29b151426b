"""/history <task>: who changed what on a task, and when, for those who may see the task."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.catalogue import CATALOGUE, Html, t
from bot.context import BotContext
from bot.formatting import callback_data, local_time
from db.history import TaskHistory, task_history
from db.ids import button_id, button_number, parse_id
from db.imports import Change
from handlers.replying import answer, answer_key, edit_or_answer

TITLE_LIMIT = 300
VALUE_LIMIT = 200
# Audit fields holding a moment (ISO text), shown in local time.
MOMENT_SUFFIXES = ("deadline", "_at", "_start", "_end")


async def show_history(update: Update, context: BotContext) -> None:
    """/history <task number>: the newest changes first, ten per page."""
    args = context.args or []
    task_id = parse_id(args[0]) if len(args) == 1 else None
    if task_id is None:
        await answer_key(update, context, "hist_usage")
        return
    await _send_page(update, context, task_id, page=0)


async def press_history(update: Update, context: BotContext) -> None:
    """hist:<task>:<page>: another page (the right to see the task is checked again)."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    if len(parts) != 3:
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    await _send_page(update, context, button_id(parts[1]), page=button_number(parts[2]))
    await query.answer()


async def _send_page(update: Update, context: BotContext, task_id: int, page: int) -> None:
    with context.runtime.session() as session:
        history = task_history(session=session, actor=context.actor, task_id=task_id, page=page)
    text = render_history(history, context.lang, context.runtime.settings.app.timezone)
    keyboard = _pager(history, context.lang)
    if update.callback_query is not None:
        await edit_or_answer(update, context, text, keyboard=keyboard)
    else:
        await answer(update, context, text, keyboard=keyboard)


def render_history(history: TaskHistory, lang: str, zone: str) -> Html:
    title = history.title if len(history.title) <= TITLE_LIMIT else history.title[:299] + "…"
    lines: list[str] = [
        t(lang, "hist_header", task_id=history.task_id, clause=history.clause or "", title=title)
    ]
    if history.pages > 1:
        lines.append(t(lang, "hist_page", page=history.page + 1, pages=history.pages))
    if not history.entries:
        lines.append(t(lang, "hist_empty"))
    for entry in history.entries:
        lines.append("")
        lines.append(
            t(
                lang,
                "hist_entry",
                at=local_time(entry.at, zone),
                who=entry.who or "?",
                action=_label(lang, "hist_action_" + entry.action.replace(".", "_"), entry.action),
            )
        )
        lines += [_change(change, lang, zone) for change in entry.changes]
    return Html("\n".join(lines))


def _change(change: Change, lang: str, zone: str) -> Html:
    return t(
        lang,
        "hist_change",
        field=_label(lang, "hist_field_" + change.field, change.field),
        before=_value(change.field, change.before, lang, zone),
        after=_value(change.field, change.after, lang, zone),
    )


def _value(field: str, value: str | None, lang: str, zone: str) -> str:
    if value is None:
        return t(lang, "hist_none")
    if field == "attachment":
        return _label(lang, "hist_attachment_" + value, value)
    if f"hist_value_{field}_{value}" in CATALOGUE:  # a stored enumeration: the catalogue's word
        return t(lang, f"hist_value_{field}_{value}")
    if field.endswith(MOMENT_SUFFIXES):
        try:
            return local_time(datetime.fromisoformat(value), zone)
        except ValueError:
            pass
    return value if len(value) <= VALUE_LIMIT else value[: VALUE_LIMIT - 1] + "…"


def _label(lang: str, key: str, fallback: str) -> str:
    return t(lang, key) if key in CATALOGUE else fallback


def _pager(history: TaskHistory, lang: str) -> InlineKeyboardMarkup | None:
    buttons: list[InlineKeyboardButton] = []
    if history.page > 0:
        buttons.append(
            InlineKeyboardButton(
                t(lang, "hist_button_prev"),
                callback_data=callback_data("hist", history.task_id, history.page - 1),
            )
        )
    if history.page + 1 < history.pages:
        buttons.append(
            InlineKeyboardButton(
                t(lang, "hist_button_next"),
                callback_data=callback_data("hist", history.task_id, history.page + 1),
            )
        )
    return InlineKeyboardMarkup([buttons]) if buttons else None


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("history", show_history),
        CallbackQueryHandler(press_history, pattern=r"^hist(:|$)"),
    ]
