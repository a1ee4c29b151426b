"""What /reminders shows: the queue of the next days and the rows that failed or were skipped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, or_, true
from sqlmodel import Session, col, select

from db.models import CouncilRole, Meeting, Member, OutboxState, Reminder, Role, TaskCouncil
from db.permissions import Actor
from schedules.digest import target_titles
from schedules.reminders import TARGET_DIGEST, TARGET_MEETING, TARGET_TASK

MAX_ROWS = 2000  # a queue longer than this is cut (the count says so)


@dataclass(frozen=True)
class QueueItem:
    reminder_id: int
    kind: str
    state: str
    due_at: datetime
    # When it will actually go out: after a retry wait or outside working hours, later.
    send_at: datetime
    title: str
    recipient_name: str
    late: bool
    attempts: int
    reason: str
    settled_at: datetime | None


@dataclass(frozen=True)
class ReminderQueue:
    pending: tuple[QueueItem, ...]
    problems: tuple[QueueItem, ...]
    truncated: bool  # more than MAX_ROWS pending: only the first are listed


def reminder_queue(*, session: Session, actor: Actor, now: datetime, days: int) -> ReminderQueue:
    """Pending rows due within ``days`` (and any overdue ones), then the failed and skipped rows
    of the last ``days``, of the councils where ``actor`` is secretariat (all for an admin)."""
    scope = _scope(session, actor)
    horizon = now + timedelta(days=days)
    pending_rows = session.exec(
        select(Reminder, Member.full_name)
        .join(Member, col(Member.id) == col(Reminder.recipient_id), isouter=True)
        .where(
            col(Reminder.state).in_([OutboxState.PENDING, OutboxState.SENDING]),
            col(Reminder.due_at) < horizon,
            scope,
        )
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(MAX_ROWS + 1)
    ).all()
    problem_rows = session.exec(
        select(Reminder, Member.full_name)
        .join(Member, col(Member.id) == col(Reminder.recipient_id), isouter=True)
        .where(
            col(Reminder.state).in_([OutboxState.FAILED, OutboxState.SKIPPED]),
            col(Reminder.claimed_at) >= now - timedelta(days=days),
            scope,
        )
        .order_by(col(Reminder.claimed_at).desc(), col(Reminder.id).desc())
        .limit(MAX_ROWS)
    ).all()
    titles = target_titles(
        session, [(row.target_kind, row.target_id) for row, _ in [*pending_rows, *problem_rows]]
    )
    pending = [_item(row, name, titles) for row, name in pending_rows[:MAX_ROWS]]
    pending = sorted(
        (item for item in pending if item.send_at < horizon),
        key=lambda item: (item.send_at, item.reminder_id),
    )
    return ReminderQueue(
        pending=tuple(pending),
        problems=tuple(_item(row, name, titles) for row, name in problem_rows),
        truncated=len(pending_rows) > MAX_ROWS,
    )


def _item(row: Reminder, name: str | None, titles: dict[tuple[str, int | None], str]) -> QueueItem:
    assert row.id is not None
    send_at = max(row.due_at, row.next_attempt_at or row.due_at)
    return QueueItem(
        reminder_id=row.id,
        kind=row.kind,
        state=row.state,
        due_at=row.due_at,
        send_at=send_at,
        title=titles.get((row.target_kind, row.target_id), ""),
        recipient_name=name or "?",
        late=row.late,
        attempts=row.attempts,
        reason=row.last_error or "",
        settled_at=row.claimed_at,
    )


def _scope(session: Session, actor: Actor) -> ColumnElement[bool]:
    """The rows about the councils ``actor`` runs: their tasks, meetings and digests."""
    if actor.is_admin:
        return true()
    councils = [grant.council_id for grant in actor.grants if grant.role == Role.SECRETARIAT]
    if not councils:
        return false()
    tasks: Any = select(TaskCouncil.task_id).where(col(TaskCouncil.council_id).in_(councils))
    meetings: Any = select(Meeting.id).where(col(Meeting.council_id).in_(councils))
    # A task shared with other councils reminds their focal points too: those rows (and
    # names) are not this secretariat's to see. Only recipients of their own councils.
    members: Any = select(CouncilRole.member_id).where(col(CouncilRole.council_id).in_(councils))
    about = or_(
        (col(Reminder.target_kind) == TARGET_TASK) & col(Reminder.target_id).in_(tasks),
        (col(Reminder.target_kind) == TARGET_MEETING) & col(Reminder.target_id).in_(meetings),
        (col(Reminder.target_kind) == TARGET_DIGEST) & col(Reminder.target_id).in_(councils),
    )
    # Rows for a council's group chat have no recipient; they are about its own targets.
    return about & (col(Reminder.recipient_id).is_(None) | col(Reminder.recipient_id).in_(members))
