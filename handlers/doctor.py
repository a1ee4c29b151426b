"""/doctor (and `councilbot doctor`): one report of what would stop the bot from working;
/setgroup: tell the bot which group is a council's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from telegram import Bot, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, BaseHandler, CommandHandler

from bot.catalogue import t
from bot.context import RUNTIME_KEY, BotContext
from bot.runtime import Runtime
from db.doctor import (
    Finding,
    heartbeat_finding,
    inbox_finding,
    migrations_finding,
    private_chat_findings,
    reminder_findings,
)
from db.errors import InvalidInput
from db.registry import councils_with_group, set_council_group
from handlers.replying import answer

SCHEDULER_JOB = "dispatcher-tick"
CAN_POST = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER, ChatMemberStatus.MEMBER)


async def telegram_findings(bot: Bot, runtime: Runtime) -> list[Finding]:
    """Token, webhook, privacy mode and each council group, asked of Telegram itself."""
    try:
        me = await bot.get_me()
    except InvalidToken:
        return [Finding(False, "doctor_token_bad")]
    except TelegramError as error:
        return [Finding(False, "doctor_telegram_unreachable", {"error": type(error).__name__})]
    findings = [Finding(True, "doctor_token_ok", {"username": me.username})]
    findings.append(await _webhook_finding(bot, runtime))
    findings.append(
        Finding(
            True, "doctor_privacy_off" if me.can_read_all_group_messages else "doctor_privacy_on"
        )
    )
    findings += await _group_findings(bot, runtime)
    return findings


async def _webhook_finding(bot: Bot, runtime: Runtime) -> Finding:
    info = await bot.get_webhook_info()
    settings = runtime.settings
    if settings.telegram.mode == "polling":
        if info.url:
            return Finding(False, "doctor_webhook_set_while_polling", {"url": info.url})
        return Finding(True, "doctor_webhook_polling")
    if info.url != settings.webhook.public_url:
        return Finding(
            False,
            "doctor_webhook_mismatch",
            {"url": info.url or "—", "expected": settings.webhook.public_url},
        )
    if info.last_error_message:
        return Finding(
            False,
            "doctor_webhook_error",
            {"error": info.last_error_message, "pending": info.pending_update_count},
        )
    return Finding(True, "doctor_webhook_ok", {"pending": info.pending_update_count})


async def _group_findings(bot: Bot, runtime: Runtime) -> list[Finding]:
    with runtime.session() as session:
        councils = councils_with_group(session=session)
    if not councils:
        return [Finding(True, "doctor_groups_none")]
    findings = []
    for council in councils:
        assert council.group_chat_id is not None
        try:
            member = await bot.get_chat_member(council.group_chat_id, bot.id)
            can_post = member.status in CAN_POST or (
                member.status == ChatMemberStatus.RESTRICTED
                and bool(getattr(member, "can_send_messages", False))
            )
        except TelegramError:
            can_post = False
        key = "doctor_group_ok" if can_post else "doctor_group_cannot_post"
        findings.append(Finding(can_post, key, {"council": council.code}))
    return findings


def scheduler_finding(application: Application[Any, Any, Any, Any, Any, Any]) -> Finding:
    jobs = application.job_queue
    running = bool(
        jobs is not None and jobs.scheduler.running and jobs.get_jobs_by_name(SCHEDULER_JOB)
    )
    return Finding(running, "doctor_scheduler_ok" if running else "doctor_scheduler_stopped")


def database_findings(runtime: Runtime, council_ids: Iterable[int] | None = None) -> list[Finding]:
    """The database's findings; names only of members of ``council_ids`` when given."""
    now = runtime.clock.now()
    stale = timedelta(minutes=runtime.settings.reminders.stale_claim_minutes)
    findings = [migrations_finding(runtime.engine)]
    with runtime.session() as session:
        findings += reminder_findings(session=session, now=now, stale_after=stale)
        findings.append(inbox_finding(session=session, now=now))
        findings += private_chat_findings(session=session, council_ids=council_ids)
    return findings


def heartbeat(runtime: Runtime) -> Finding:
    """For the CLI, which runs apart from the bot: did a running instance tick recently?"""
    tick = timedelta(seconds=runtime.settings.reminders.dispatcher_tick_seconds)
    with runtime.session() as session:
        return heartbeat_finding(session=session, now=runtime.clock.now(), max_age=3 * tick)


def render(findings: list[Finding], lang: str) -> str:
    problems = sum(not finding.ok for finding in findings)
    lines: list[str] = [t(lang, "doctor_header")]
    lines += [("✅ " if f.ok else "❌ ") + t(lang, f.key, **f.params) for f in findings]
    lines += [
        "",
        t(lang, "doctor_summary_ok") if not problems else t(lang, "doctor_summary", count=problems),
    ]
    return "\n".join(lines)


async def doctor(update: Update, context: BotContext) -> None:
    """/doctor: the same report as `councilbot doctor`, from inside the running bot."""
    runtime = context.runtime
    findings = await telegram_findings(context.bot, runtime)
    findings.append(scheduler_finding(context.application))
    actor = context.actor
    # A council's secretariat sees only their councils' members (an admin sees everyone).
    scope = actor.visible_council_ids()
    findings += database_findings(runtime, scope)
    await answer(update, context, render(findings, context.lang))


async def set_group(update: Update, context: BotContext) -> None:
    """/setgroup <council>, sent in the council's group: notices may then go to the group."""
    chat = update.effective_chat
    args = context.args or []
    if chat is None or chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP) or len(args) != 1:
        raise InvalidInput("setgroup_usage")
    runtime = context.runtime
    with runtime.session() as session:
        council = set_council_group(
            session=session,
            actor=context.actor,
            code=args[0],
            chat_id=chat.id,
            now=runtime.clock.now(),
        )
    await answer(update, context, t(context.lang, "setgroup_done", council=council.code))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [CommandHandler("doctor", doctor), CommandHandler("setgroup", set_group)]


async def doctor_report(application: Application[Any, Any, Any, Any, Any, Any]) -> list[Finding]:
    """`councilbot doctor`: the checks, from a process apart from the running bot."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    try:
        await application.bot.initialize()
    except InvalidToken:
        return [Finding(False, "doctor_token_bad"), *database_findings(runtime)]
    except TelegramError as error:
        unreachable = Finding(False, "doctor_telegram_unreachable", {"error": type(error).__name__})
        return [unreachable, heartbeat(runtime), *database_findings(runtime)]
    try:
        findings = await telegram_findings(application.bot, runtime)
    finally:
        await application.bot.shutdown()
    return [*findings, heartbeat(runtime), *database_findings(runtime)]
