"""/status: the council overview, an agency's tasks, one task, or one directive."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.catalogue import t
from bot.context import BotContext
from bot.formatting import callback_data
from db.errors import AppError, InvalidInput, NotFound
from db.ids import button_id, button_number, parse_id
from db.registry import get_council, member_councils
from db.status_lookups import (
    agency_status,
    directive_status,
    find_agency_or_directive,
    task_status,
    visible_overview,
)
from handlers import task_views
from handlers.replying import answer, edit_or_answer
from handlers.timezones import zone_of

if TYPE_CHECKING:
    from db.engine import Session
    from db.models import Council


async def show_status(update: Update, context: BotContext) -> None:
    """/status [agency code | task number | directive number]."""
    query = " ".join(context.args or []).strip()
    task_id = parse_id(query) if query else None
    if not query:
        await _overview_or_choice(update, context)
    elif task_id is not None:
        await _task(update, context, task_id)
    else:
        await _agency_or_directive(update, context, query)


async def _overview_or_choice(update: Update, context: BotContext) -> None:
    with context.runtime.session() as session:
        councils = member_councils(session=session, actor=context.actor)
        overview = _overview(session, context, councils[0], 0) if len(councils) == 1 else None
    if overview is not None:
        text, keyboard = overview
        await answer(update, context, text, keyboard=keyboard)
    elif not councils:
        await answer(update, context, t(context.lang, "status_no_council"))
    else:
        name = "name_vi" if context.lang == "vi" else "name_en"
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        getattr(council, name),
                        callback_data=callback_data("st", "c", council.id, 0),
                    )
                ]
                for council in councils
            ]
        )
        await answer(update, context, t(context.lang, "status_choose_council"), keyboard=keyboard)


async def send_overview(update: Update, context: BotContext, council_id: int, page: int) -> None:
    with context.runtime.session() as session:
        council = get_council(session=session, council_id=council_id)
        if council is None:
            raise NotFound()
        text, keyboard = _overview(session, context, council, page)
    await edit_or_answer(update, context, text, keyboard=keyboard)


def _overview(
    session: Session, context: BotContext, council: Council, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The overview page asked for, rendered, with its ‹ › buttons."""
    runtime = context.runtime
    assert council.id is not None
    now = runtime.clock.now()
    overview = visible_overview(
        session=session,
        actor=context.actor,
        council=council,
        now=now,
        due_soon_days=runtime.settings.app.due_soon_days,
        page=page,
        page_size=task_views.PAGE_SIZE,
    )
    tz = zone_of(council, runtime.settings)
    shown = task_views.overview_page(overview, context.lang, tz, now)
    pages = task_views.pager("st:c", council.id, shown.index, shown.count, context.lang)
    chart = InlineKeyboardButton(
        t(context.lang, "status_chart_button"), callback_data=callback_data("rpc", council.id)
    )
    rows = [*(pages.inline_keyboard if pages else ()), [chart]]
    return shown.text, InlineKeyboardMarkup(rows)


async def _task(update: Update, context: BotContext, task_id: int) -> None:
    runtime, lang = context.runtime, context.lang
    with runtime.session() as session:
        details = task_status(
            session=session,
            actor=context.actor,
            task_id=task_id,
            now=runtime.clock.now(),
            due_soon_days=runtime.settings.app.due_soon_days,
        )
    text = task_views.task_card(
        details.task,
        lang=lang,
        tz=runtime.settings.app.timezone,
        lead=details.lead,
        co_agencies=details.co_agencies,
        category=details.category,
        obstacle=details.obstacle,
        directive_number=details.directive_number,
        period=details.period,
        updates=details.updates,
        with_updates=True,
    )
    await answer(update, context, text)


async def _agency_or_directive(update: Update, context: BotContext, query: str) -> None:
    with context.runtime.session() as session:
        agency, directive = find_agency_or_directive(session=session, query=query)
    if agency is not None:
        await send_agency(update, context, agency.id or 0, page=0)
    elif directive is not None:
        await send_directive(update, context, directive.id or 0, page=0)
    else:
        raise InvalidInput("agency_or_task_unknown", query=query)


async def send_agency(update: Update, context: BotContext, agency_id: int, page: int) -> None:
    runtime, lang = context.runtime, context.lang
    with runtime.session() as session:
        found = agency_status(
            session=session,
            actor=context.actor,
            agency_id=agency_id,
            now=runtime.clock.now(),
            due_soon_days=runtime.settings.app.due_soon_days,
        )
    agency, lines, scorecard = found.agency, found.lines, found.scorecard
    name = agency.name_vi if lang == "vi" else agency.name_en
    header = "\n".join(
        [
            task_views.scorecard_line(scorecard, lang),
            t(lang, "status_agency_header", agency=f"{name} ({agency.code})", count=len(lines)),
        ]
    )
    pages = task_views.list_pages(header, lines, lang, runtime.settings.app.timezone)
    page = min(max(page, 0), len(pages) - 1)
    keyboard = task_views.pager("st:a", agency_id, page, len(pages), lang)
    await edit_or_answer(update, context, pages[page], keyboard=keyboard)


async def send_directive(update: Update, context: BotContext, directive_id: int, page: int) -> None:
    runtime, lang = context.runtime, context.lang
    with runtime.session() as session:
        found = directive_status(
            session=session,
            actor=context.actor,
            directive_id=directive_id,
            now=runtime.clock.now(),
            due_soon_days=runtime.settings.app.due_soon_days,
        )
    directive, lines = found.directive, found.lines
    header = t(lang, "status_directive_header", number=directive.number, count=len(lines))
    pages = task_views.list_pages(header, lines, lang, runtime.settings.app.timezone)
    page = min(max(page, 0), len(pages) - 1)
    keyboard = task_views.pager("st:d", directive_id, page, len(pages), lang)
    await edit_or_answer(update, context, pages[page], keyboard=keyboard)


async def page_status(update: Update, context: BotContext) -> None:
    """The council choice and the ‹ › buttons of /status: "st:<c|a|d>:<id>:<page>"."""
    query = update.callback_query
    assert query is not None
    senders = {"c": send_overview, "a": send_agency, "d": send_directive}
    try:
        _, kind, key, page = (query.data or "").split(":")
        send = senders[kind]
        target, page_number = button_id(key), button_number(page)
    except (KeyError, ValueError, AppError):
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    await query.answer()
    await send(update, context, target, page_number)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("status", show_status),
        CallbackQueryHandler(page_status, pattern=r"^st:"),
    ]
