"""Adapters to db/task_notices.py (who is told about a change to a task), handing it what the bot
knows: the admins from the settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.context import BotContext
from db import task_notices
from db.task_notices import REPORTED_TO_SECRETARIAT

if TYPE_CHECKING:
    from datetime import datetime

    from db.engine import Session
    from db.models import ProgressUpdate, Task

__all__ = [
    "REPORTED_TO_SECRETARIAT",
    "notify_assigned",
    "notify_cancelled",
    "notify_decision",
    "notify_update",
]


# The rules live in db/task_notices.py; these adapters hand it what the bot knows (the admins).


def notify_assigned(*, session: Session, context: BotContext, task: Task, now: datetime) -> None:
    task_notices.notify_assigned(session=session, task=task, now=now)


def notify_update(
    *, session: Session, context: BotContext, update: ProgressUpdate, now: datetime
) -> None:
    task_notices.notify_update(
        session=session, admins=context.runtime.settings.access.admins, update=update, now=now
    )


def notify_decision(
    *, session: Session, context: BotContext, task: Task, decision: str, now: datetime
) -> None:
    """Tell the lead agency what the secretariat decided (``decision`` is a catalogue key)."""
    task_notices.notify_decision(session=session, task=task, decision=decision, now=now)


def notify_cancelled(*, session: Session, context: BotContext, task: Task, now: datetime) -> None:
    task_notices.notify_cancelled(session=session, task=task, now=now)
