"""Webhook mode: a small HTTP server that Telegram posts updates to, with a health check.

python-telegram-bot's own webhook server cannot serve /healthz, so this one stands in for it.
A request without the right ``X-Telegram-Bot-Api-Secret-Token`` is answered 403 before its body
is parsed. An update is stored in the inbox (bot/inbox.py) and committed before anything else;
if it cannot be stored, Telegram gets 500 and delivers it again. It is then handled, and
Telegram gets its 200. If the process dies after the row was stored, another process (or this
one restarted) handles it from the inbox; a second delivery of it changes nothing.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from typing import Any

from sqlalchemy import text
from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.web import Application as TornadoApplication
from tornado.web import RequestHandler

from bot.context import RUNTIME_KEY, BotApplication
from bot.inbox import receive
from bot.runtime import Runtime
from bot.settings import ConfigError, Settings
from db.engine import transaction_retried_once

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Only what the bot has handlers for; Telegram then never sends the rest.
ALLOWED_UPDATES = ["message", "callback_query"]
MAX_BODY_BYTES = 1_000_000


def require_webhook_settings(settings: Settings) -> None:
    webhook = settings.webhook
    if not webhook.public_url:
        raise ConfigError("webhook.public_url", "missing (required in webhook mode)")
    if not webhook.secret_token:
        raise ConfigError(
            "webhook.secret_token", "missing (set it in the config or $COUNCILBOT_WEBHOOK_SECRET)"
        )


class UpdateHandler(RequestHandler):
    """POST <path>: one update from Telegram."""

    def initialize(self, bot_application: BotApplication, secret: str) -> None:
        self.bot_application = bot_application
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            return
        self.set_status(await deliver(self.bot_application, self.request.body))


async def deliver(application: BotApplication, body: bytes) -> int:
    """One POSTed update: the HTTP status Telegram gets. 400 for a malformed body; 500 when the
    update could not be stored (Telegram delivers it again); 200 once it was stored and handled."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or "update_id" not in data:
            raise ValueError("not an update")
        update = Update.de_json(data, application.bot)
    except ValueError:
        return 400
    try:
        receive(application.bot_data[RUNTIME_KEY], update, data)
    except Exception:
        logger.exception("could not store update %s; Telegram will send it again", update.update_id)
        return 500
    await application.process_update(update)
    return 200


class HealthHandler(RequestHandler):
    """GET /healthz: 200 when the database answers and the scheduler runs, else 503."""

    def initialize(self, bot_application: BotApplication, runtime: Runtime) -> None:
        self.bot_application = bot_application
        self.runtime = runtime

    async def get(self) -> None:
        state = health(self.bot_application, self.runtime)
        healthy = state["database"] == "ok" and state["scheduler"] == "running"
        self.set_status(200 if healthy else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(state))


def health(application: BotApplication, runtime: Runtime) -> dict[str, Any]:
    """The database and scheduler state, as /healthz and /doctor report them."""
    try:
        # A pooled connection the server dropped fails its first statement (no pre-ping,
        # db/engine.py): tried once more on a new one, as any other work, before saying "down".
        transaction_retried_once(runtime.engine, lambda c: c.execute(text("SELECT 1")))
        database = "ok"
    except Exception as error:  # any failure means "down"; the class name says which
        database = f"error: {type(error).__name__}"
    job_queue = application.job_queue
    running = job_queue is not None and job_queue.scheduler.running
    return {"database": database, "scheduler": "running" if running else "stopped"}


def make_web_app(application: BotApplication, runtime: Runtime) -> TornadoApplication:
    webhook = runtime.settings.webhook
    return TornadoApplication(
        [
            (
                webhook.path,
                UpdateHandler,
                {
                    "bot_application": application,
                    "secret": webhook.secret_token.get_secret_value(),
                },
            ),
            ("/healthz", HealthHandler, {"bot_application": application, "runtime": runtime}),
        ]
    )


async def serve_webhook(application: BotApplication, runtime: Runtime) -> None:
    """Run until SIGTERM/SIGINT: start the bot, serve HTTP, register the webhook."""
    webhook = runtime.settings.webhook
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with application:  # initialize() ... shutdown()
        if application.post_init:  # run_polling calls it; a custom server must too
            await application.post_init(application)
        await application.start()
        server = HTTPServer(make_web_app(application, runtime), max_body_size=MAX_BODY_BYTES)
        server.listen(webhook.port, address=webhook.listen)
        await application.bot.set_webhook(
            url=webhook.public_url,
            secret_token=webhook.secret_token.get_secret_value(),
            allowed_updates=ALLOWED_UPDATES,
        )
        logger.info("webhook server listening on %s:%s", webhook.listen, webhook.port)
        await stop.wait()
        server.stop()
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
