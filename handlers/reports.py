"""/report: the Excel workbook and the chart the secretariat sends upward; the 📊 button of the
/status overview (the chart alone)."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.catalogue import t
from bot.context import BotContext
from bot.formatting import callback_data
from bot.outbound.report_files import ReportFiles, files_for
from bot.outbound.report_workbook import council_names, period_text
from db.council_report import ReportRequest, check_access, read_request, reportable_councils
from db.ids import button_id
from db.permissions import Access
from handlers.replying import answer
from schedules.periods import between

if TYPE_CHECKING:
    from db.models import Council

REPORT_PREFIX = "rp"
CHART_PREFIX = "rpc"
_REPORT_BUTTON = re.compile(r"^rp:([0-9]{1,10}):([0-9]{8}):([0-9]{8}):(-|[ad][0-9]{1,10})$")
_CHART_BUTTON = re.compile(r"^rpc:([0-9]{1,10})$")


async def send_report(update: Update, context: BotContext) -> None:
    """/report [<council>] [<agency> | <directive>] [<period>]."""
    runtime = context.runtime
    with runtime.session() as session:
        request = read_request(
            session=session,
            text=" ".join(context.args or []),
            now=runtime.clock.now(),
            tz=runtime.settings.app.timezone,
        )
        councils = reportable_councils(session=session, actor=context.actor, access=Access.CHAIR)
    if request.council_id is not None:
        await _deliver(update, context, request.council_id, request, workbook=True)
    elif not councils:
        await answer(update, context, t(context.lang, "report_no_council"))
    elif len(councils) == 1:
        await _deliver(update, context, councils[0].id or 0, request, workbook=True)
    else:
        await answer(
            update,
            context,
            t(context.lang, "report_choose_council"),
            keyboard=_council_choice(councils, request, context.lang),
        )


def _council_choice(
    councils: list[Council], request: ReportRequest, lang: str
) -> InlineKeyboardMarkup:
    assert request.period is not None
    first = f"{request.period.first_day:%Y%m%d}"
    last = f"{request.period.last_day:%Y%m%d}"
    narrowed = (
        f"a{request.agency_id}"
        if request.agency_id
        else f"d{request.directive_id}"
        if request.directive_id
        else "-"
    )
    name = "name_vi" if lang == "vi" else "name_en"
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    getattr(council, name),
                    callback_data=callback_data(REPORT_PREFIX, council.id, first, last, narrowed),
                )
            ]
            for council in councils
        ]
    )


async def press_report(update: Update, context: BotContext) -> None:
    """A council chosen for /report: "rp:<council>:<first day>:<last day>:<a|d><id> or -"."""
    query = update.callback_query
    assert query is not None
    match = _REPORT_BUTTON.match(query.data or "")
    period = None
    if match:
        first, last = _day(match.group(2)), _day(match.group(3))
        if first and last:
            period = between(first, last, context.runtime.settings.app.timezone)
    if match is None or period is None:
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    narrowed, council_id = match.group(4), button_id(match.group(1))
    request = ReportRequest(
        period=period,
        council_id=council_id,
        agency_id=button_id(narrowed[1:]) if narrowed.startswith("a") else None,
        directive_id=button_id(narrowed[1:]) if narrowed.startswith("d") else None,
    )
    await query.answer()
    await _deliver(update, context, council_id, request, workbook=True)


def _day(digits: str) -> date | None:
    try:
        return date.fromisoformat(f"{digits[:4]}-{digits[4:6]}-{digits[6:]}")
    except ValueError:
        return None


async def press_chart(update: Update, context: BotContext) -> None:
    """📊 on the /status overview: the council's chart, every deadline: "rpc:<council>"."""
    query = update.callback_query
    assert query is not None
    match = _CHART_BUTTON.match(query.data or "")
    if match is None:
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    await query.answer()
    council_id = button_id(match.group(1))
    request = ReportRequest(period=None, council_id=council_id)
    await _deliver(update, context, council_id, request, workbook=False)


async def _deliver(
    update: Update, context: BotContext, council_id: int, request: ReportRequest, *, workbook: bool
) -> None:
    """A progress line, the files built in a worker thread, then the document and the photo."""
    runtime, lang = context.runtime, context.lang
    access = Access.CHAIR if workbook else Access.MEMBER
    check_access(actor=context.actor, council_id=council_id, access=access)
    period = request.period.render(lang) if request.period else t(lang, "report_period_all")
    progress = await answer(update, context, t(lang, "report_progress", period=period))
    try:
        files = await asyncio.to_thread(
            files_for,
            engine=runtime.engine,
            actor=context.actor,
            council_id=council_id,
            request=request,
            now=runtime.clock.now(),
            due_soon_days=runtime.settings.app.due_soon_days,
            tz=runtime.settings.app.timezone,
            lang=lang,
            access=access,
            workbook=workbook,
        )
        await _send(update, context, files)
    except Exception:
        # The progress line must not promise a report that will not come; the error handler
        # then answers (and logs) as for any other failure.
        if progress is not None:
            await progress.edit_text(t(lang, "report_failed"), parse_mode=ParseMode.HTML)
        raise
    if progress is not None:
        summary = files.report.summary
        await progress.edit_text(
            t(
                lang,
                "report_sent",
                council=council_names(files.report, lang),
                period=period_text(files.report, lang),
                total=summary.total,
                undated=summary.no_deadline,
            ),
            parse_mode=ParseMode.HTML,
        )


async def _send(update: Update, context: BotContext, files: ReportFiles) -> None:
    chat = update.effective_chat
    assert chat is not None
    lang, report = context.lang, files.report
    council, period = council_names(report, lang), period_text(report, lang)
    if files.workbook is not None:
        summary = report.summary
        await context.bot.send_document(
            chat_id=chat.id,
            document=InputFile(files.workbook, filename=files.file_name),
            caption=t(
                lang,
                "report_caption",
                council=council,
                period=period,
                total=summary.total,
                periods=t(lang, "report_caption_periods", count=summary.periods)
                if summary.periods
                else "",
                done_on_time=summary.done_on_time,
                done_late=summary.done_late,
                within=summary.within_deadline,
                overdue=summary.overdue,
                awaiting=summary.awaiting,
                undated=summary.no_deadline,
            )[:1024],
            parse_mode=ParseMode.HTML,
        )
    await context.bot.send_photo(
        chat_id=chat.id,
        photo=InputFile(files.chart, filename=files.file_name.replace(".xlsx", ".png")),
        caption=t(lang, "report_chart_caption", council=council, period=period)[:1024],
        parse_mode=ParseMode.HTML,
    )


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("report", send_report),
        CallbackQueryHandler(press_report, pattern=r"^rp:"),
        CallbackQueryHandler(press_chart, pattern=r"^rpc:"),
    ]
