"""The callback context every handler receives: the runtime and the actor of the update."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.runtime import Runtime
from db.permissions import Actor

RUNTIME_KEY = "runtime"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Adds :attr:`runtime` and :attr:`actor` (set by the access gate before any handler)."""

    _actor: Actor | None = None

    @property
    def runtime(self) -> Runtime:
        runtime = self.application.bot_data[RUNTIME_KEY]
        assert isinstance(runtime, Runtime)
        return runtime

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            raise RuntimeError("the access gate has not run for this update")
        return self._actor

    @actor.setter
    def actor(self, actor: Actor) -> None:
        self._actor = actor

    @property
    def lang(self) -> str:
        return self._actor.language if self._actor else self.runtime.settings.app.default_language


BotApplication = Application[
    ExtBot[None],
    BotContext,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[BotContext],
]

# Any python-telegram-bot application, where only its generic methods are used.
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
