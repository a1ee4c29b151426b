"""Running broadcasts in the background: started by Send, resumed at start-up and every minute.

The broadcaster (schedules/broadcaster.py) works from the delivery rows; this module gives it a
Telegram sender and the shared pacer, keeps one progress message per broadcast up to date
("Đã gửi 120/480"), and posts the final report to the secretariat (once: the process that marks
the broadcast done posts it, when no delivery is outstanding). The ``broadcasts-resume`` job
hands back deliveries whose claim went stale (a stopped process's) and resumes, in this process,
every broadcast still sending that it is not already sending: so a surviving instance serves the
recipients a stopped one left.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import update_scope
from bot.catalogue import t
from bot.context import RUNTIME_KEY, AnyApplication, BotApplication, BotContext
from bot.formatting import split_message
from bot.outbound.broadcast_messages import render_notice
from bot.outbound.broadcast_report import render_report, report_keyboard
from bot.outbound.reminder_jobs import instance_id
from bot.outbound.telegram_sender import TelegramSender
from bot.runtime import Runtime, dead_on_this_host
from db.broadcasts import delivery_report, sending_broadcasts
from db.engine import session_scope
from db.models import Broadcast, Member
from schedules.broadcaster import BroadcastConfig, Broadcaster, Progress

logger = logging.getLogger(__name__)

JOB_RESUME = "broadcasts-resume"
RESUME_EVERY = timedelta(minutes=1)


async def start_broadcasts(application: BotApplication) -> None:
    """Create the broadcaster and resume the broadcasts a stop interrupted."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    runtime.broadcaster = Broadcaster(
        engine=runtime.engine,
        clock=runtime.clock,
        sender=TelegramSender(application.bot),
        pacer=runtime.pacer,
        sleep=runtime.sleep,
        renderer=lambda view: render_notice(view, runtime),
        instance_id=instance_id(),
        config=BroadcastConfig.of(runtime.reminders),
    )
    await resume_broadcasts(application)
    jobs = application.job_queue
    assert jobs is not None, "python-telegram-bot[job-queue] is required"
    for job in jobs.get_jobs_by_name(JOB_RESUME):
        job.schedule_removal()
    jobs.run_repeating(
        _resume_job,
        interval=RESUME_EVERY,
        first=RESUME_EVERY,
        name=JOB_RESUME,
        job_kwargs={"misfire_grace_time": 3600, "coalesce": True},
    )


async def resume_broadcasts(application: AnyApplication) -> list[int]:
    """Hand back stale deliveries; send every broadcast still sending that this process is not
    sending yet. Returns the broadcasts started here."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    assert runtime.broadcaster is not None
    await asyncio.to_thread(runtime.broadcaster.recover_stale_claims)
    await asyncio.to_thread(_release_dead_claims, runtime.broadcaster)
    with session_scope(runtime.engine) as session:
        interrupted = sending_broadcasts(session=session)
    started = [b for b in interrupted if b not in runtime.broadcasts_running]
    for broadcast_id in started:
        logger.info("resuming broadcast %s", broadcast_id)
        launch(application, broadcast_id)
    return started


def _release_dead_claims(broadcaster: Broadcaster) -> None:
    """What a killed process of this host had claimed: sent by this one now, not after
    ``stale_claim_minutes`` (as the inbox does with its updates, bot/inbox.py)."""
    broadcaster.release_claims_of(dead_on_this_host(broadcaster.open_claimers()))


async def _resume_job(context: BotContext) -> None:
    try:
        await resume_broadcasts(context.application)
    except Exception:  # the database may be down; the next run tries again
        logger.exception("resuming broadcasts failed")


def launch(application: AnyApplication, broadcast_id: int) -> asyncio.Task[None]:
    """Send the broadcast in the background; the task is kept until it ends."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    update_scope.commit_pending()  # the sender reads the deliveries from another task
    task = asyncio.get_running_loop().create_task(
        _run_and_report(application, runtime, broadcast_id), name=f"broadcast-{broadcast_id}"
    )
    runtime.background.add(task)
    runtime.broadcasts_running.add(broadcast_id)
    task.add_done_callback(runtime.background.discard)
    task.add_done_callback(lambda _: runtime.broadcasts_running.discard(broadcast_id))
    return task


async def _run_and_report(application: AnyApplication, runtime: Runtime, broadcast_id: int) -> None:
    assert runtime.broadcaster is not None
    with session_scope(runtime.engine) as session:
        broadcast = session.get(Broadcast, broadcast_id)
        assert broadcast is not None
        author = session.get(Member, broadcast.created_by) if broadcast.created_by else None
        chat_id, message_id = broadcast.progress_chat_id, broadcast.progress_message_id
    lang = author.language if author else runtime.settings.app.default_language

    async def show_progress(progress: Progress) -> None:
        if chat_id is None or message_id is None or progress.finished:
            return
        text = t(
            lang,
            "broadcast_progress",
            id=broadcast_id,
            done=progress.delivered + progress.failed,
            total=progress.total,
        )
        try:
            await application.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
        except TelegramError:  # a progress line is not worth failing the broadcast for
            logger.warning("could not update the progress of broadcast %s", broadcast_id)

    try:
        final = await runtime.broadcaster.run(broadcast_id, show_progress)
    except Exception:
        logger.exception("broadcast %s stopped; it resumes within a minute", broadcast_id)
        return
    if chat_id is None or author is None or not final.closed_here:
        return
    with session_scope(runtime.engine) as session:
        stored = session.get(Broadcast, broadcast_id)
        assert stored is not None
        report = delivery_report(session=session, broadcast=stored)
        text = render_report(session, report, lang)
    parts = split_message(text)
    try:
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await runtime.pacer.wait_turn(chat_id)  # right after the last notice: wait a turn
            await application.bot.send_message(
                chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=report_keyboard(report, lang) if last else None,
            )
    except TelegramError:
        logger.warning("could not post the report of broadcast %s", broadcast_id)
