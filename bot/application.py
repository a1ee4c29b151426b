"""The application factory: the one place handlers, the error handler and hooks are wired."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import Engine
from telegram.ext import ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest, HTTPXRequest

from bot.command_menu import set_default_menu
from bot.context import RUNTIME_KEY, BotApplication, BotContext
from bot.eventlog import LoggedApplication
from bot.inbox import InboxQueue
from bot.inbox_jobs import start_inbox
from bot.outbound.broadcast_jobs import start_broadcasts
from bot.outbound.notice_messages import register_notice_renderers
from bot.outbound.reminder_jobs import start_reminders
from bot.outbound.send_budget_jobs import start_send_budget
from bot.runtime import Runtime
from bot.settings import Settings
from bot.update_scope import InboxRequest
from db.engine import make_engine
from handlers import (
    access,
    assign,
    broadcasts,
    common,
    doctor,
    errors,
    history,
    imports,
    manage,
    meetings,
    registry,
    reminders,
    reports,
    status,
    tasks,
)
from schedules.clock import Clock, SystemClock
from schedules.dates import warm_up

logger = logging.getLogger(__name__)


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    engine: Engine | None = None,
) -> BotApplication:
    """Build the bot. ``request`` replaces Telegram's HTTP transport (tests, the demo)."""
    runtime = Runtime(
        settings=settings,
        engine=engine or make_engine(settings.database.url),
        clock=clock or SystemClock(),
    )
    queue = InboxQueue()
    builder = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.telegram.base_url)
        .base_file_url(settings.telegram.base_file_url)
        .context_types(ContextTypes(context=BotContext))
        .application_class(LoggedApplication)
        .update_queue(queue)
        .post_init(on_startup)
        # Every call the bot makes passes the inbox: an update's answer is recorded with its
        # change before it goes out (bot/update_scope.py).
        # Every sending call waits its turn under the one budget, replies first (issue 16).
        .request(
            InboxRequest(
                request or HTTPXRequest(connection_pool_size=256), pacer=lambda: runtime.pacer
            )
        )
    )
    if request is not None:
        builder = builder.get_updates_request(request)
    application: BotApplication = builder.build()  # type: ignore[assignment]
    application.bot_data[RUNTIME_KEY] = runtime
    queue.runtime = runtime

    register_notice_renderers()
    application.add_handler(access.gate_handler(), group=-1)
    # Before common: /start with an invitation code is taken here, a bare /start there.
    application.add_handlers(registry.handlers())
    application.add_handlers(common.handlers())
    application.add_handlers(imports.handlers())
    application.add_handlers(history.handlers())
    application.add_handlers(status.handlers())
    application.add_handlers(reports.handlers())
    application.add_handlers(assign.handlers())
    application.add_handlers(manage.handlers())
    application.add_handlers(doctor.handlers())
    application.add_handlers(broadcasts.handlers())
    application.add_handlers(meetings.handlers())
    application.add_handlers(reminders.handlers())
    # Last: its plain-message handler takes whatever no command handler took.
    application.add_handlers(tasks.handlers())
    application.add_error_handler(errors.on_error)
    return application


async def on_startup(application: BotApplication) -> None:
    """Set the command menu in both languages; start the reminder dispatcher and its jobs, the
    broadcasts, and the inbox's recovery; pay the deadline parser's start-up cost now, not on a
    user's message."""
    await asyncio.to_thread(warm_up)
    await set_command_menu(application)
    # Before anything sends: this instance's share of the limits (other instances live).
    await start_send_budget(application)
    await start_reminders(application)
    await start_broadcasts(application)
    await start_inbox(application)


async def set_command_menu(application: BotApplication) -> None:
    """Telegram's default command menu (each member's own is set in bot/command_menu.py)."""
    await set_default_menu(application.bot)
