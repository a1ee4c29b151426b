"""The weekly digest for each council's secretariat and chair, as plain data.

The digest goes through the reminder outbox like any reminder: :func:`schedule_weekly_digest`
claims the week (one ``JobRun`` row per ISO week, so two instances never both make it) and adds
one row per recipient, keyed ``digest:<council>:weekly_digest:<week>:m<member>``; the dispatcher
sends them with the usual retries and records failures. The content is computed when the row is
sent (:func:`build_digest`), from the database: counts per status category, what changed in the
week, overdue tasks by agency, and reminders that failed or were skipped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, or_, select

from db.models import (
    Agency,
    AuditLog,
    Council,
    CouncilRole,
    JobRun,
    Meeting,
    Member,
    OutboxState,
    ProgressUpdate,
    Reminder,
    Role,
    Task,
    TaskCouncil,
    TaskOccurrence,
    UpdateKind,
)
from db.recurring import CouncilPeriods, council_periods
from db.status import CATEGORY_ORDER, Category, categorize, deadline_in_force
from schedules.reminders import (
    KIND_DIGEST,
    TARGET_DIGEST,
    TARGET_MEETING,
    TARGET_TASK,
    ReminderConfig,
    insert_missing,
    reminder_key,
)

JOB_WEEKLY_DIGEST = "weekly-digest"
_UPDATE_ACTIONS = frozenset(f"task.{kind}" for kind in UpdateKind)
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class OverdueTask:
    task_id: int
    title: str
    deadline: datetime
    days_overdue: int


@dataclass(frozen=True)
class AgencyOverdue:
    agency_code: str
    agency_name_vi: str
    agency_name_en: str
    tasks: tuple[OverdueTask, ...]


@dataclass(frozen=True)
class TaskChange:
    task_id: int
    title: str
    updates: int  # progress updates received in the week
    edits: int  # other recorded changes (edits, decisions, extensions...)


@dataclass(frozen=True)
class DeliveryProblem:
    reminder_id: int
    state: str  # failed / skipped
    kind: str
    recipient_name: str
    reason: str
    due_at: datetime
    title: str


@dataclass(frozen=True)
class Digest:
    council_id: int
    council_code: str
    council_name_vi: str
    council_name_en: str
    since: datetime
    until: datetime
    counts: tuple[tuple[Category, int], ...]
    changes: tuple[TaskChange, ...]
    overdue: tuple[AgencyOverdue, ...]
    problems: tuple[DeliveryProblem, ...]
    # The recurring tasks' periods, counted once each (db.recurring); None when there are none.
    periods: CouncilPeriods | None = None

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)


# --- when ------------------------------------------------------------------------------------


def week_label(day: date) -> str:
    """The ISO week of ``day``, e.g. "2023-W47": the digest's period and key."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def latest_digest_moment(now: datetime, config: ReminderConfig) -> datetime:
    """The most recent scheduled digest time at or before ``now`` (UTC)."""
    calendar = config.calendar
    today = calendar.local_date(now)
    day = today - timedelta(days=(today.weekday() - config.digest_weekday) % 7)
    moment = calendar.at_local(day, config.digest_time)
    if moment > now:
        moment = calendar.at_local(day - WEEK, config.digest_time)
    return moment


def schedule_weekly_digest(
    *, session: Session, now: datetime, config: ReminderConfig, instance_id: str
) -> int:
    """Queue this week's digest once (returns the rows added; 0 if already done or too late).

    Called by the weekly job and at start-up, so a digest whose time passed while the bot was
    down is still sent (late) if at most ``late_send_max_age`` old.
    """
    moment = latest_digest_moment(now, config)
    if now - moment > config.policy.late_send_max_age:
        return 0
    period = week_label(config.calendar.local_date(moment))
    if not _claim_period(session, JOB_WEEKLY_DIGEST, period, instance_id, now):
        return 0
    recipients: dict[int, set[int]] = defaultdict(set)
    for council_id, member_id in session.exec(
        select(CouncilRole.council_id, CouncilRole.member_id).where(
            col(CouncilRole.role).in_([Role.SECRETARIAT, Role.CHAIR])
        )
    ):
        recipients[council_id].add(member_id)
    chats = dict(
        session.exec(
            select(Member.id, Member.telegram_user_id).where(
                col(Member.id).in_({m for ms in recipients.values() for m in ms})
            )
        ).all()
    )
    rows: list[dict[str, Any]] = []
    for council_id, members in sorted(recipients.items()):
        for member_id in sorted(members):
            rows.append(
                {
                    "key": reminder_key(TARGET_DIGEST, council_id, KIND_DIGEST, period, member_id),
                    "target_kind": TARGET_DIGEST,
                    "target_id": council_id,
                    "kind": KIND_DIGEST,
                    "offset": period,
                    "recipient_id": member_id,
                    "chat_id": chats[member_id],
                    "due_at": moment,
                    "state": OutboxState.PENDING.value,
                    "attempts": 0,
                    "late": False,
                    "created_at": now,
                }
            )
    insert_missing(session, rows)
    session.exec(
        select(JobRun).where(JobRun.job == JOB_WEEKLY_DIGEST, JobRun.period == period)
    ).one().finished_at = now
    return len(rows)


def _claim_period(session: Session, job: str, period: str, instance_id: str, now: datetime) -> bool:
    """Insert the (job, period) row; False when another run (or instance) already has it."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table: Any = JobRun.__table__  # type: ignore[attr-defined]
    statement = (
        dialect.insert(table)
        .values(job=job, period=period, claimed_by=instance_id[:64], started_at=now)
        .on_conflict_do_nothing(index_elements=["job", "period"])
        .returning(table.c.id)
    )
    # RETURNING, not rowcount: an ORM session reports -1 for this statement on PostgreSQL.
    result: Any = session.exec(statement)
    return result.first() is not None


# --- what ------------------------------------------------------------------------------------


def build_digest(
    *, session: Session, council_id: int, until: datetime, now: datetime, config: ReminderConfig
) -> Digest | None:
    """The digest of one council for the week ending at ``until`` (None if the council is gone).

    Categories and overdue days are as of ``now`` (the moment it is sent).
    """
    council = session.get(Council, council_id)
    if council is None:
        return None
    since = until - WEEK
    tasks = list(
        session.exec(
            select(Task)
            .join(TaskCouncil, col(TaskCouncil.task_id) == col(Task.id))
            .where(TaskCouncil.council_id == council_id)
            .order_by(col(Task.id))
        )
    )
    task_by_id = {task.id: task for task in tasks if task.id is not None}
    categories = {
        task_id: categorize(task, now, due_soon_days=config.due_soon_days)
        for task_id, task in task_by_id.items()
    }
    periods = council_periods(
        session=session, council_id=council_id, now=now, due_soon_days=config.due_soon_days
    )
    # As /status and the chart count: a recurring task once per period, in its place.
    recurring = set(
        session.exec(
            select(TaskOccurrence.task_id)
            .join(TaskCouncil, col(TaskCouncil.task_id) == col(TaskOccurrence.task_id))
            .where(TaskCouncil.council_id == council_id)
            .distinct()
        )
    )
    counted = Counter(
        category for task_id, category in categories.items() if task_id not in recurring
    )
    counted.update(periods.by_category)
    counts = tuple((category, counted.get(category, 0)) for category in CATEGORY_ORDER)
    return Digest(
        council_id=council_id,
        council_code=council.code,
        council_name_vi=council.name_vi,
        council_name_en=council.name_en,
        since=since,
        until=until,
        counts=counts,
        changes=_changes(session, task_by_id, since, until),
        overdue=_overdue(session, task_by_id, categories, now, config),
        problems=_problems(session, council_id, list(task_by_id), since, now),
        periods=periods if periods.tasks else None,
    )


def _changes(
    session: Session, tasks: dict[int, Task], since: datetime, until: datetime
) -> tuple[TaskChange, ...]:
    if not tasks:
        return ()
    ids = list(tasks)
    updates = Counter(
        session.exec(
            select(ProgressUpdate.task_id).where(
                col(ProgressUpdate.task_id).in_(ids),
                col(ProgressUpdate.created_at) >= since,
                col(ProgressUpdate.created_at) < until,
            )
        ).all()
    )
    edits = Counter(
        entity_id
        for entity_id, action in session.exec(
            select(AuditLog.entity_id, AuditLog.action).where(
                AuditLog.entity == "task",
                col(AuditLog.entity_id).in_(ids),
                col(AuditLog.at) >= since,
                col(AuditLog.at) < until,
            )
        )
        # A progress update (or completion report, obstacle, extension request) writes an audit
        # row "task.<kind>" too; it is already counted as an update.
        if entity_id is not None and action not in _UPDATE_ACTIONS
    )
    changed = sorted(set(updates) | set(edits), key=lambda i: (-(updates[i] + edits[i]), i))
    return tuple(
        TaskChange(task_id=i, title=tasks[i].title, updates=updates[i], edits=edits[i])
        for i in changed
    )


def _overdue(
    session: Session,
    tasks: dict[int, Task],
    categories: dict[int, Category],
    now: datetime,
    config: ReminderConfig,
) -> tuple[AgencyOverdue, ...]:
    by_agency: dict[int, list[OverdueTask]] = defaultdict(list)
    today = config.calendar.local_date(now)
    for task_id, category in categories.items():
        if category != Category.OVERDUE:
            continue
        task = tasks[task_id]
        deadline = deadline_in_force(task)
        assert deadline is not None
        days = (today - config.calendar.local_date(deadline)).days
        by_agency[task.lead_agency_id].append(OverdueTask(task_id, task.title, deadline, days))
    if not by_agency:
        return ()
    agencies = {
        agency.id: agency
        for agency in session.exec(select(Agency).where(col(Agency.id).in_(list(by_agency))))
    }
    result = [
        AgencyOverdue(
            agency_code=agencies[agency_id].code,
            agency_name_vi=agencies[agency_id].name_vi,
            agency_name_en=agencies[agency_id].name_en,
            tasks=tuple(sorted(items, key=lambda t: (-t.days_overdue, t.task_id))),
        )
        for agency_id, items in by_agency.items()
    ]
    return tuple(sorted(result, key=lambda a: a.agency_code))


def _problems(
    session: Session, council_id: int, task_ids: list[int], since: datetime, now: datetime
) -> tuple[DeliveryProblem, ...]:
    meeting_ids = list(
        session.exec(select(Meeting.id).where(Meeting.council_id == council_id)).all()
    )
    rows = session.exec(
        select(Reminder, Member.full_name)
        .join(Member, col(Member.id) == col(Reminder.recipient_id), isouter=True)
        .where(
            col(Reminder.state).in_([OutboxState.FAILED, OutboxState.SKIPPED]),
            col(Reminder.claimed_at) >= since,
            col(Reminder.claimed_at) <= now,
            or_(
                (col(Reminder.target_kind) == TARGET_TASK) & col(Reminder.target_id).in_(task_ids),
                (col(Reminder.target_kind) == TARGET_MEETING)
                & col(Reminder.target_id).in_(meeting_ids),
                (col(Reminder.target_kind) == TARGET_DIGEST)
                & (col(Reminder.target_id) == council_id),
            ),
        )
        .order_by(col(Reminder.due_at), col(Reminder.id))
    ).all()
    titles = target_titles(session, [(r.target_kind, r.target_id) for r, _ in rows])
    return tuple(
        DeliveryProblem(
            reminder_id=row.id or 0,
            state=row.state,
            kind=row.kind,
            recipient_name=name or "?",
            reason=row.last_error or "",
            due_at=row.due_at,
            title=titles.get((row.target_kind, row.target_id), ""),
        )
        for row, name in rows
    )


def target_titles(
    session: Session, targets: list[tuple[str, int | None]]
) -> dict[tuple[str, int | None], str]:
    """Title of each task / meeting, and code of each council (for digest rows)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for kind, target_id in targets:
        if target_id is not None:
            wanted[kind].add(target_id)
    titles: dict[tuple[str, int | None], str] = {}
    for model, kind, label in (
        (Task, TARGET_TASK, Task.title),
        (Meeting, TARGET_MEETING, Meeting.title),
        (Council, TARGET_DIGEST, Council.code),
    ):
        ids = sorted(wanted.get(kind, ()))
        if not ids:
            continue
        id_column: Any = model.id
        for target_id, title in session.exec(select(id_column, label).where(id_column.in_(ids))):
            titles[(kind, target_id)] = title
    return titles
