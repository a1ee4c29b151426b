"""The shared send budget's heartbeat on PTB's JobQueue (``schedules/send_budget.py``).

On PostgreSQL every instance beats every second: the live ones split Telegram's limits and a
429 met by one pauses all. The first beat runs at start-up, before any update is handled. On
SQLite (one instance) nothing is scheduled.
"""

from __future__ import annotations

import asyncio
import logging

from bot.context import RUNTIME_KEY, BotApplication, BotContext
from bot.runtime import Runtime
from db.engine import is_postgres
from schedules.send_budget import BEAT

logger = logging.getLogger(__name__)

JOB_BEAT = "send-budget-beat"


async def start_send_budget(application: BotApplication) -> None:
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    if not is_postgres(runtime.engine):
        return
    await runtime.send_budget.beat()
    jobs = application.job_queue
    assert jobs is not None, "python-telegram-bot[job-queue] is required"
    for job in jobs.get_jobs_by_name(JOB_BEAT):
        job.schedule_removal()
    jobs.run_repeating(
        beat,
        interval=BEAT.total_seconds(),
        first=BEAT.total_seconds(),
        name=JOB_BEAT,
        job_kwargs={"misfire_grace_time": 60, "coalesce": True},
    )


async def beat(context: BotContext) -> None:
    runtime: Runtime = context.bot_data[RUNTIME_KEY]
    try:
        await runtime.send_budget.beat()
    except Exception:  # a database hiccup: the share read last stays until the next beat
        logger.exception("send budget heartbeat failed")


async def leave_send_budget(runtime: Runtime) -> None:
    """Clean shutdown: the other instances take the whole budget back."""
    if "send_budget" not in vars(runtime) or not is_postgres(runtime.engine):
        return
    try:
        await asyncio.to_thread(runtime.send_budget.leave)
    except Exception:
        logger.exception("could not leave the send budget")
