"""The database side of /doctor: what in the stored state would stop the bot from working."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from db.inbox import overdue
from db.migrate import current_revision, head_revision
from db.models import CouncilRole, JobRun, Member, OutboxState, Reminder

FAILED_WINDOW = timedelta(days=7)
# A pending row this far past its due time (and not waiting for a retry) means nobody sends.
OVERDUE_PENDING = timedelta(minutes=15)
NAMES_SHOWN = 10


@dataclass(frozen=True)
class Finding:
    """One check: passed or not, and a catalogue key with parameters that say the details."""

    ok: bool
    key: str
    params: dict[str, object] = field(default_factory=dict)


def migrations_finding(engine: Engine) -> Finding:
    current, head = current_revision(engine), head_revision()
    if current == head:
        return Finding(True, "doctor_migrations_ok", {"revision": head})
    return Finding(False, "doctor_migrations_behind", {"current": current or "—", "head": head})


def reminder_findings(*, session: Session, now: datetime, stale_after: timedelta) -> list[Finding]:
    failed_reasons = Counter(
        reason or "?"
        for reason in session.exec(
            select(Reminder.last_error).where(
                Reminder.state == OutboxState.FAILED,
                col(Reminder.created_at) >= now - FAILED_WINDOW,
            )
        )
    )
    stuck_claims = session.exec(
        select(func.count())
        .select_from(Reminder)
        .where(
            Reminder.state == OutboxState.SENDING,
            col(Reminder.claimed_at) < now - stale_after,
        )
    ).one()
    late_pending = session.exec(
        select(func.count())
        .select_from(Reminder)
        .where(
            Reminder.state == OutboxState.PENDING,
            col(Reminder.due_at) < now - OVERDUE_PENDING,
            (col(Reminder.next_attempt_at).is_(None))
            | (col(Reminder.next_attempt_at) < now - OVERDUE_PENDING),
        )
    ).one()
    findings = []
    if failed_reasons:
        reasons = "; ".join(f"{reason} ×{count}" for reason, count in failed_reasons.most_common(3))
        findings.append(
            Finding(
                False,
                "doctor_reminders_failed",
                {"count": sum(failed_reasons.values()), "reasons": reasons},
            )
        )
    else:
        findings.append(Finding(True, "doctor_reminders_no_failures"))
    if stuck_claims or late_pending:
        findings.append(
            Finding(
                False, "doctor_reminders_stuck", {"claimed": stuck_claims, "late": late_pending}
            )
        )
    else:
        findings.append(Finding(True, "doctor_reminders_flowing"))
    return findings


def inbox_finding(*, session: Session, now: datetime) -> Finding:
    """Updates received more than a minute ago and still not handled or answered."""
    waiting = overdue(session.connection(), now=now)
    if waiting:
        return Finding(False, "doctor_inbox_overdue", {"count": waiting})
    return Finding(True, "doctor_inbox_ok")


def private_chat_findings(
    *, session: Session, council_ids: Iterable[int] | None = None
) -> list[Finding]:
    """Registered members the bot cannot write to privately, in two groups with their own
    words: those who never opened a chat, and those who blocked the bot (Telegram refused a
    message; cleared as soon as a message reaches them again). With ``council_ids`` (a
    council's secretariat asking), only the members of those councils."""
    registered = select(CouncilRole.member_id).distinct()
    if council_ids is not None:
        registered = registered.where(col(CouncilRole.council_id).in_(list(council_ids)))
    rows = session.exec(
        select(Member.full_name, Member.private_chat_ok)
        .where(col(Member.id).in_(registered), col(Member.private_chat_ok).is_not(True))
        .order_by(col(Member.full_name))
    ).all()
    findings: list[Finding] = []
    for blocked, key in ((None, "doctor_private_missing"), (False, "doctor_private_blocked")):
        names = [name for name, state in rows if state is blocked]
        if names:
            shown = ", ".join(names[:NAMES_SHOWN]) + (" …" if len(names) > NAMES_SHOWN else "")
            findings.append(Finding(False, key, {"count": len(names), "names": shown}))
    return findings or [Finding(True, "doctor_private_ok")]


HEARTBEAT_JOB = "heartbeat"


def record_heartbeat(*, session: Session, instance: str, now: datetime) -> None:
    """Called by every dispatcher tick: proof, in the database, that a scheduler is alive."""
    row = session.exec(
        select(JobRun).where(JobRun.job == HEARTBEAT_JOB, JobRun.period == instance[:32])
    ).first()
    if row is None:
        row = JobRun(
            job=HEARTBEAT_JOB, period=instance[:32], claimed_by=instance[:64], started_at=now
        )
    row.finished_at = now
    session.add(row)


def heartbeat_finding(*, session: Session, now: datetime, max_age: timedelta) -> Finding:
    """Whether any instance's scheduler ticked recently (for `councilbot doctor`, run apart)."""
    last = session.exec(
        select(func.max(JobRun.finished_at)).where(JobRun.job == HEARTBEAT_JOB)
    ).one()
    if last is None:
        return Finding(False, "doctor_scheduler_never")
    if now - last > max_age:
        return Finding(
            False, "doctor_scheduler_silent", {"minutes": int((now - last).total_seconds() // 60)}
        )
    return Finding(True, "doctor_scheduler_ok")
