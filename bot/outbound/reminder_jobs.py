"""Reminders at start-up: the dispatcher and its jobs on PTB's JobQueue (APScheduler).

The jobs only wake things up; what is due is always read from the database, so a restart loses
nothing and a job that did not fire (the process was down) is made up at the next start:

- ``dispatcher-tick``: every ``dispatcher_tick_seconds``, send what is due and leave a heartbeat
  in ``job_run`` (what ``councilbot doctor`` checks);
- ``dispatcher-wake``: a one-shot at the next due time when it comes before the next tick
  (re-armed after every run and by ``runtime.wake()`` after a handler committed a change);
- ``weekly-digest``: the digest, on the configured day and time (claimed once per week in the
  ``job_run`` table, so two instances do not both queue it);
- ``reminders-replan``: nightly, re-plan every open task and meeting (role changes, calendar
  changes, the next nudge of tasks without a deadline), and prune the inbox of updates answered
  more than a week ago (``inbox_update``; Telegram stops redelivering long before).

Jobs are named with these business keys: replacing one is "remove by name, add".
"""

from __future__ import annotations

import asyncio
import logging
import time as time_module
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from telegram.ext import JobQueue

from bot.context import RUNTIME_KEY, BotApplication, BotContext
from bot.inbox import forget_old_updates
from bot.outbound.merged_messages import MERGE_KINDS, render_merged
from bot.outbound.reminder_messages import render_reminder
from bot.outbound.report_files import with_digest_chart
from bot.outbound.telegram_sender import TelegramSender
from bot.runtime import Runtime, new_instance_id
from db.doctor import record_heartbeat
from schedules.digest import schedule_weekly_digest
from schedules.dispatcher import Dispatcher
from schedules.reminders import replan_all

logger = logging.getLogger(__name__)

JOB_TICK = "dispatcher-tick"
JOB_WAKE = "dispatcher-wake"
JOB_DIGEST = "weekly-digest"
JOB_REPLAN = "reminders-replan"
REPLAN_AT = time(0, 30)  # local; quiet, and before the first working hour
# APScheduler drops a run that starts more than misfire_grace_time (default 1 s) late, e.g. the
# first tick when start-up takes a moment, or any job while the event loop was busy; run it
# anyway, once.
_LENIENT = {"misfire_grace_time": 3600, "coalesce": True}


def instance_id() -> str:
    """Who claimed a row: host, process and a random part (a restarted process is new)."""
    return new_instance_id()


def ptb_weekday(python_weekday: int) -> int:
    """PTB's run_daily counts days from Sunday = 0; Python (and the settings) from Monday = 0."""
    return (python_weekday + 1) % 7


async def start_reminders(application: BotApplication) -> Dispatcher:
    """Create the dispatcher, recover from a crash or downtime, and schedule the jobs."""
    runtime = _runtime(application)
    config = runtime.reminders
    dispatcher = Dispatcher(
        engine=runtime.engine,
        clock=runtime.clock,
        sender=TelegramSender(application.bot),
        config=config,
        instance_id=instance_id(),
        renderer=with_digest_chart(render_reminder, runtime),
        pacer=runtime.pacer,
        # One message per person per moment (issue 16).
        merger=render_merged,
        merge_kinds=MERGE_KINDS,
        # Several instances on PostgreSQL: one sends at a time (schedules/sending_role.py).
        role=runtime.sending_role.held,
    )
    runtime.dispatcher = dispatcher
    await dispatcher.recover_stale_claims()
    runtime.catching_up = asyncio.create_task(_catch_up(runtime), name="reminders-catch-up")

    jobs = application.job_queue
    assert jobs is not None, "python-telegram-bot[job-queue] is required"
    zone = ZoneInfo(config.timezone)
    for name in (JOB_TICK, JOB_WAKE, JOB_DIGEST, JOB_REPLAN):
        for job in jobs.get_jobs_by_name(name):
            job.schedule_removal()
    # The first tick runs as soon as the application starts: whatever came due while the bot
    # was down goes out then (late), or is skipped if too old.
    jobs.run_repeating(tick, interval=config.tick, first=0, name=JOB_TICK, job_kwargs=_LENIENT)
    jobs.run_daily(
        queue_weekly_digest,
        time=config.digest_time.replace(tzinfo=zone),
        days=(ptb_weekday(config.digest_weekday),),
        name=JOB_DIGEST,
        job_kwargs=_LENIENT,
    )
    jobs.run_daily(
        replan_reminders,
        time=REPLAN_AT.replace(tzinfo=zone),
        name=JOB_REPLAN,
        job_kwargs=_LENIENT,
    )
    runtime.wake = lambda: arm_wake(runtime, jobs)
    return dispatcher


def arm_wake(runtime: Runtime, jobs: JobQueue[BotContext] | None) -> None:
    """Schedule a one-shot run at the next due time if it comes before the next tick."""
    dispatcher = runtime.dispatcher
    if dispatcher is None or jobs is None:
        return
    next_due = dispatcher.next_due_at()
    if next_due is None:
        return
    delay = max(next_due - runtime.clock.now(), timedelta(0))
    if delay >= runtime.reminders.tick:
        return
    for job in jobs.get_jobs_by_name(JOB_WAKE):
        job.schedule_removal()
    jobs.run_once(dispatch_due, when=delay, name=JOB_WAKE, job_kwargs=_LENIENT)


async def _catch_up(runtime: Runtime) -> None:
    """Start-up, in the background: re-plan everything (what changed while the bot was down:
    roles, the calendar, the policy) and queue this week's digest if nobody has; then wake
    the dispatcher, which has waited so that it never sends a reminder the re-planning drops."""
    started = time_module.perf_counter()
    try:
        await asyncio.to_thread(_replan_everything, runtime)
        await asyncio.to_thread(_queue_digest, runtime)
    except Exception:
        logger.exception("re-planning reminders at start-up failed; the nightly job retries")
    logger.info("reminders re-planned at start-up in %.1f s", time_module.perf_counter() - started)
    runtime.wake()


async def dispatch_due(context: BotContext) -> None:
    """Job: send what is due, then re-arm the wake-up."""
    dispatcher = context.runtime.dispatcher
    if dispatcher is None or not context.runtime.caught_up:
        return
    await dispatcher.run_once()
    context.runtime.wake()  # re-arms the one-shot wake-up (set by start_reminders)


async def tick(context: BotContext) -> None:
    """Job: send what is due, and leave the heartbeat that `councilbot doctor` looks for."""
    await dispatch_due(context)
    await asyncio.to_thread(_heartbeat, context.runtime)


async def queue_weekly_digest(context: BotContext) -> None:
    """Job: queue this week's digest (once, whichever instance comes first)."""
    if await asyncio.to_thread(_queue_digest, context.runtime):
        context.runtime.wake()


async def replan_reminders(context: BotContext) -> None:
    """Job: re-plan every open task and meeting; forget old update ids."""
    await asyncio.to_thread(_replan_everything, context.runtime)
    await asyncio.to_thread(_forget_old_updates, context.runtime)
    context.runtime.wake()


def _queue_digest(runtime: Runtime) -> int:
    assert runtime.dispatcher is not None
    with runtime.session() as session:
        return schedule_weekly_digest(
            session=session,
            now=runtime.clock.now(),
            config=runtime.reminders,
            instance_id=runtime.dispatcher.instance_id,
        )


def _heartbeat(runtime: Runtime) -> None:
    assert runtime.dispatcher is not None
    with runtime.session() as session:
        record_heartbeat(
            session=session, instance=runtime.dispatcher.instance_id, now=runtime.clock.now()
        )


def _replan_everything(runtime: Runtime) -> None:
    with runtime.session() as session:
        replan_all(session=session, now=runtime.clock.now(), config=runtime.reminders)


def _forget_old_updates(runtime: Runtime) -> None:
    forget_old_updates(runtime)


def _runtime(application: BotApplication) -> Runtime:
    runtime = application.bot_data[RUNTIME_KEY]
    assert isinstance(runtime, Runtime)
    return runtime
