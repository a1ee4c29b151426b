"""/reminders (the secretariat's view of the queue) and the "Remind me later" button."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.catalogue import Html, t
from bot.context import BotContext
from bot.outbound.merged_messages import SNOOZE_ALL
from bot.outbound.reminder_messages import SNOOZE_PREFIX, kind_name, local, short
from db.errors import AppError
from db.ids import button_id, button_number, id_in_range
from handlers.replying import answer, edit_or_answer
from handlers.task_views import pager
from schedules.list_snooze import snooze_list
from schedules.reminder_queue import QueueItem, ReminderQueue, reminder_queue
from schedules.reminders import snooze_reminder

DEFAULT_DAYS = 7
MAX_DAYS = 60
PAGE_CHARS = 3500  # well under Telegram's 4096, whatever the escaping adds
PAGE_PREFIX = "rems"


async def show_reminders(update: Update, context: BotContext) -> None:
    """/reminders [days]: what goes out in the next days, then what failed or was skipped."""
    args = context.args or []
    days = id_in_range(args[0], limit=MAX_DAYS) if len(args) == 1 else None
    if len(args) > 1 or (args and (days is None or args[0].startswith("#"))):
        await answer(update, context, t(context.lang, "reminders_usage", max=MAX_DAYS))
        return
    await _show(update, context, days or DEFAULT_DAYS, 0)


async def reminders_page(update: Update, context: BotContext) -> None:
    """ "rems:<days>:<page>": another page of /reminders."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    if len(parts) != 3:
        raise AppError("stale_button")
    days, page = button_number(parts[1], limit=MAX_DAYS), button_number(parts[2])
    await query.answer()
    await _show(update, context, max(days, 1), page)


async def snooze(update: Update, context: BotContext) -> None:
    """ "rem:snooze:<reminder>": the same reminder again one working day later; "rem:all:<first
    row>": every reminder of a merged list again one working day later."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    if len(parts) != 3 or parts[1] not in ("snooze", SNOOZE_ALL):
        raise AppError("stale_button")
    runtime = context.runtime
    with runtime.session() as session:
        due = (snooze_list if parts[1] == SNOOZE_ALL else snooze_reminder)(
            session=session,
            actor=context.actor,
            reminder_id=button_id(parts[2]),
            now=runtime.clock.now(),
            config=runtime.reminders,
        )
    runtime.wake()
    await query.answer(t(context.lang, "rem_snoozed", time=local(due, runtime.reminders.timezone)))


async def _show(update: Update, context: BotContext, days: int, page: int) -> None:
    runtime = context.runtime
    now = runtime.clock.now()
    with runtime.session() as session:
        queue = reminder_queue(session=session, actor=context.actor, now=now, days=days)
    pages = queue_pages(queue, context.lang, runtime.reminders.timezone, days)
    page = min(page, len(pages) - 1)
    keyboard = pager(PAGE_PREFIX, days, page, len(pages), context.lang)
    await edit_or_answer(update, context, pages[page], keyboard=keyboard)


def queue_pages(queue: ReminderQueue, lang: str, tz: str, days: int) -> list[str]:
    """The queue by local day, then the problems; cut into pages under PAGE_CHARS."""
    lines: list[str] = [t(lang, "reminders_head", days=days, count=len(queue.pending))]
    if not queue.pending:
        lines.append(t(lang, "reminders_none"))
    current_day = None
    for item in queue.pending:
        day = item.send_at.astimezone(ZoneInfo(tz)).date()
        if day != current_day:
            current_day = day
            lines += ["", _day_heading(item.send_at, lang, tz)]
        lines.append(_pending_line(item, lang, tz))
    if queue.problems:
        lines += ["", t(lang, "reminders_problems_head", days=days, count=len(queue.problems))]
        lines += [_problem_line(item, lang, tz) for item in queue.problems]
    return _paginate(lines)


def _pending_line(item: QueueItem, lang: str, tz: str) -> str:
    extra = ""
    if item.attempts and item.send_at > item.due_at:
        extra = t(lang, "reminders_retry", time=local(item.send_at, tz), attempts=item.attempts)
    elif item.send_at > item.due_at:
        extra = t(lang, "reminders_waiting", time=local(item.send_at, tz))
    late = t(lang, "rem_late") if item.late else ""
    return t(
        lang,
        "reminders_line",
        time=local(item.due_at, tz, "%H:%M" if item.send_at == item.due_at else "%H:%M %d/%m"),
        kind=kind_name(item.kind, lang),
        title=short(item.title, 60),
        recipient=item.recipient_name,
        extra=Html(extra + late),
    )


def _problem_line(item: QueueItem, lang: str, tz: str) -> str:
    return t(
        lang,
        "reminders_problem_line",
        when=local(item.due_at, tz),
        state=t(lang, f"rem_state_{item.state}"),
        kind=kind_name(item.kind, lang),
        title=short(item.title, 60),
        recipient=item.recipient_name,
        reason=short(item.reason, 200),
    )


def _day_heading(moment: datetime, lang: str, tz: str) -> str:
    local_moment = moment.astimezone(ZoneInfo(tz))
    return t(
        lang,
        "reminders_day",
        weekday=t(lang, f"rem_weekday_{local_moment.weekday()}"),
        day=local_moment.strftime("%d/%m/%Y"),
    )


def _paginate(lines: list[str]) -> list[str]:
    pages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > PAGE_CHARS:
            pages.append("\n".join(current).strip("\n"))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    pages.append("\n".join(current).strip("\n"))
    return pages


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("reminders", show_reminders),
        CallbackQueryHandler(reminders_page, pattern=rf"^{PAGE_PREFIX}:"),
        CallbackQueryHandler(snooze, pattern=rf"^{SNOOZE_PREFIX}:"),
    ]
