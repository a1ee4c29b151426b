"""The inbox's recovery on PTB's JobQueue: at start, then every minute (bot/inbox.py)."""

from __future__ import annotations

import logging

from bot.context import BotApplication, BotContext
from bot.inbox import JOB_RECOVER, RECOVER_EVERY, recover

logger = logging.getLogger(__name__)


async def start_inbox(application: BotApplication) -> None:
    """Handle what a stopped process left in the inbox, and look again every minute."""
    taken = await recover(application, at_start=True)
    if taken:
        logger.info("inbox: %d updates taken over at start", taken)
    jobs = application.job_queue
    assert jobs is not None, "python-telegram-bot[job-queue] is required"
    for job in jobs.get_jobs_by_name(JOB_RECOVER):
        job.schedule_removal()
    jobs.run_repeating(
        recover_job,
        interval=RECOVER_EVERY,
        first=RECOVER_EVERY,
        name=JOB_RECOVER,
        job_kwargs={"misfire_grace_time": 3600, "coalesce": True},
    )


async def recover_job(context: BotContext) -> None:
    """Job: take over updates whose process stopped, and answers Telegram refused for a while."""
    try:
        await recover(context.application)
    except Exception:  # the database may be down; the next run tries again
        logger.exception("inbox recovery failed")
