"""Recurring tasks: a task with a schedule lives as one occurrence per period.

A recurring task ("hằng quý, trước ngày 20 của tháng cuối quý") carries its schedule in
``Task.recurrence`` and each period as a :class:`TaskOccurrence` with its own deadline (and
approved extension), state and completion. Rules:

* Occurrences are written ahead only as far as they are needed: up to a horizon (the reminder
  planning horizon), by :func:`ensure_occurrences`, which the nightly re-planning calls again as
  the horizon slides. Writing is idempotent (one row per task and period).
* The first period is the first whose deadline is not over when the task is created.
* Completing one period (report, then confirmation) does not complete the task; the task's own
  deadline fields mirror its *current* period (:func:`current_occurrence`: the earliest period
  not done), so every listing that shows a task shows the period at hand.
* Cancelling the task cancels its periods whose deadline is still ahead; periods already overdue
  stay in the record as they were.
* A period's category is :func:`db.status.categorize` on the occurrence (it has the fields a
  task has), so periods are judged exactly as one-off tasks are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, distinct, func, literal_column, null, or_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from db.errors import InvalidInput, NotFound
from db.models import (
    ProgressUpdate,
    Reminder,
    SentMessageTask,
    Task,
    TaskCouncil,
    TaskOccurrence,
    TaskState,
)
from db.once import claim
from db.status import (
    DEFAULT_DUE_SOON_DAYS,
    Category,
    categorize,
    category_sql,
    deadline_in_force,
)
from schedules.dates import DEFAULT_TZ
from schedules.recurrence import Occurrence, Recurrence, next_deadlines, occurrences

CLOSED = (TaskState.DONE, TaskState.CANCELLED)
# Categories of a period whose deadline has come: the record's denominator.
_COUNTED = (Category.DONE_ON_TIME, Category.DONE_LATE, Category.OVERDUE)


@dataclass(frozen=True)
class ScheduleReading:
    """A recurring deadline as written and as read."""

    text: str
    schedule: Recurrence


def schedule_of(task: Task) -> Recurrence | None:
    return Recurrence.from_json(task.recurrence) if task.recurrence else None


def set_schedule(
    *, session: Session, task: Task, schedule: Recurrence, now: datetime, until: datetime, tz: str
) -> None:
    """Make ``task`` recurring and write its periods due up to ``until`` (at least the first)."""
    assert task.id is not None
    task.recurrence = schedule.to_json()
    session.add(task)
    if not next_deadlines(schedule, after=task.created_at, count=1, tz=tz):
        raise InvalidInput("recurrence_no_periods")
    # The first period is written even beyond the horizon: the task shows its deadline.
    first = next_deadlines(schedule, after=task.created_at, count=1, tz=tz)[0]
    ensure_occurrences(session=session, task=task, until=max(until, first.due), tz=tz)
    sync_task(session=session, task=task, now=now)


def ensure_occurrences(*, session: Session, task: Task, until: datetime, tz: str) -> int:
    """Write the task's periods whose deadline falls up to ``until`` (missing ones only).

    Two transactions writing the same period at once (two instances re-planning) both succeed
    and the period exists once: the insert skips a period already there. Returns how many
    periods were missing.
    """
    return ensure_periods(session=session, tasks=[task], until=until, tz=tz)


def ensure_periods(*, session: Session, tasks: Sequence[Task], until: datetime, tz: str) -> int:
    """:func:`ensure_occurrences` for several tasks in two statements (re-planning in chunks)."""
    due = [
        (task, schedule)
        for task in tasks
        if task.id is not None
        and task.state != TaskState.CANCELLED
        and (schedule := schedule_of(task)) is not None
    ]
    if not due:
        return 0
    have = set(
        session.exec(
            select(
                col(TaskOccurrence.task_id),
                col(TaskOccurrence.period_start),
                col(TaskOccurrence.period_end),
            ).where(col(TaskOccurrence.task_id).in_([task.id for task, _ in due]))
        )
    )
    rows = [
        {
            "task_id": task.id,
            "kind": occ.kind,
            "period_start": occ.period_start,
            "period_end": occ.period_end,
            "original_deadline": occ.due,
            "approved_deadline": occ.due,
            "state": TaskState.OPEN.value,
            "created_at": task.created_at,
            "updated_at": task.created_at,
        }
        for task, schedule in due
        for occ in occurrences(schedule, start=task.created_at, end=until, tz=tz)
        if (task.id, occ.period_start, occ.period_end) not in have
    ]
    insert_periods(session, rows)
    return len(rows)


def periods_of(*, session: Session, task_ids: Iterable[int]) -> dict[int, list[TaskOccurrence]]:
    """The periods of several tasks, each task's in order of deadline, in one query."""
    ids = sorted(set(task_ids))
    found: dict[int, list[TaskOccurrence]] = defaultdict(list)
    if not ids:
        return found
    for row in session.exec(
        select(TaskOccurrence)
        .where(col(TaskOccurrence.task_id).in_(ids))
        .order_by(col(TaskOccurrence.original_deadline), col(TaskOccurrence.period_end))
    ):
        found[row.task_id].append(row)
    return found


def insert_periods(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert period rows, keeping the existing one when a task's period is already there."""
    if not rows:
        return
    session.flush()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table: Any = TaskOccurrence.__table__  # type: ignore[attr-defined]
    statement = dialect.insert(table).on_conflict_do_nothing(
        index_elements=["task_id", "period_start", "period_end"]
    )
    session.exec(statement, params=rows)


def task_occurrences(*, session: Session, task_id: int) -> list[TaskOccurrence]:
    return list(
        session.exec(
            select(TaskOccurrence)
            .where(TaskOccurrence.task_id == task_id)
            .order_by(col(TaskOccurrence.original_deadline), col(TaskOccurrence.period_end))
        )
    )


def current_occurrence(*, session: Session, task_id: int) -> TaskOccurrence | None:
    """The period at hand: the earliest one not done or cancelled."""
    return session.exec(
        select(TaskOccurrence)
        .where(
            TaskOccurrence.task_id == task_id,
            col(TaskOccurrence.state).not_in(list(CLOSED)),
        )
        .order_by(col(TaskOccurrence.original_deadline), col(TaskOccurrence.period_end))
    ).first()


def sync_task(*, session: Session, task: Task, now: datetime) -> TaskOccurrence | None:
    """Mirror the current period's deadline onto the task, so listings show the period."""
    assert task.id is not None
    current = current_occurrence(session=session, task_id=task.id)
    if current is not None:
        task.original_deadline = current.original_deadline
        task.approved_deadline = current.approved_deadline or current.original_deadline
        task.due_start = task.due_end = task.approved_deadline
        task.due_precision = "day"
        task.completion_reported_at = current.completion_reported_at
        task.updated_at = now
        session.add(task)
    return current


def report_period_done(*, session: Session, task: Task, now: datetime) -> TaskOccurrence:
    """An agency reports the current period done: that period awaits confirmation (once)."""
    assert task.id is not None
    current = session.exec(
        select(TaskOccurrence)
        .where(TaskOccurrence.task_id == task.id, TaskOccurrence.state == TaskState.OPEN)
        .order_by(col(TaskOccurrence.original_deadline), col(TaskOccurrence.period_end))
    ).first()
    today = now.astimezone(ZoneInfo(DEFAULT_TZ)).date()
    if current is None or current.period_start > today:
        # Reported already, and the next period has not begun: nothing to report yet.
        raise InvalidInput("completion_already_reported")
    claim(
        session,
        TaskOccurrence,
        col(TaskOccurrence.id) == current.id,
        col(TaskOccurrence.state) == TaskState.OPEN,
        values={"state": TaskState.REPORTED_DONE, "completion_reported_at": now, "updated_at": now},
    )
    return current


def decide_period(*, session: Session, task: Task, accept: bool, now: datetime) -> TaskOccurrence:
    """Confirm (done) or send back (open) the earliest period awaiting confirmation, once."""
    assert task.id is not None
    reported = session.exec(
        select(TaskOccurrence)
        .where(TaskOccurrence.task_id == task.id, TaskOccurrence.state == TaskState.REPORTED_DONE)
        .order_by(col(TaskOccurrence.original_deadline), col(TaskOccurrence.period_end))
    ).first()
    if reported is None:
        raise NotFound("request_not_found")
    values: dict[str, object] = {"updated_at": now}
    if accept:
        values |= {"state": TaskState.DONE, "completed_at": now}
    else:
        values |= {"state": TaskState.OPEN, "completion_reported_at": None}
    claim(
        session,
        TaskOccurrence,
        col(TaskOccurrence.id) == reported.id,
        col(TaskOccurrence.state) == TaskState.REPORTED_DONE,
        values=values,
    )
    sync_task(session=session, task=task, now=now)
    return reported


def extend_period(*, session: Session, update: ProgressUpdate, now: datetime) -> None:
    """An approved extension request moves the deadline of its period only."""
    occurrence = session.get(TaskOccurrence, update.occurrence_id) if update.occurrence_id else None
    if occurrence is None or update.requested_deadline is None:
        raise NotFound("request_not_found")
    occurrence.approved_deadline = update.requested_deadline
    occurrence.updated_at = now
    session.add(occurrence)


def current_period_id(
    *, session: Session, task: Task, reply_to: tuple[int, int] | None = None
) -> int | None:
    """The period an update on ``task`` is about (None for one-off tasks): the one of the
    reminder it replies to (``reply_to`` = chat, message), else the current one."""
    if task.recurrence is None or task.id is None:
        return None
    if reply_to is not None:
        reminder = _reminder_replied_to(session, task.id, *reply_to)
        if reminder is not None and "@" in reminder.offset:
            period = period_due_on(
                session=session,
                task_id=task.id,
                day=reminder.offset.rsplit("@", 1)[1][:8],
                tz=DEFAULT_TZ,
            )
            if period is not None:
                return period.id
    current = current_occurrence(session=session, task_id=task.id)
    return current.id if current else None


def _reminder_replied_to(
    session: Session, task_id: int, chat_id: int, message_id: int
) -> Reminder | None:
    """The task's reminder sent as the message ``message_id``. A list split in parts is
    remembered under each part (sent_message_task) but its rows under its last part only: a
    reply to an earlier part is about the task's row in the first list sent at or after it (the
    parts of one list go out one after the other, before anything else to that chat)."""
    listed = sa_select(col(SentMessageTask.id)).where(
        col(SentMessageTask.chat_id) == chat_id, col(SentMessageTask.task_id) == task_id
    )
    replied_is_a_list = listed.where(col(SentMessageTask.message_id) == message_id).exists()
    sent_as_a_list = listed.where(
        col(SentMessageTask.message_id) == col(Reminder.sent_message_id)
    ).exists()
    return session.exec(
        select(Reminder)
        .where(
            Reminder.chat_id == chat_id,
            Reminder.target_kind == "task",
            Reminder.target_id == task_id,
            col(Reminder.sent_message_id) >= message_id,
            or_(
                col(Reminder.sent_message_id) == message_id,
                and_(replied_is_a_list, sent_as_a_list),
            ),
        )
        .order_by(col(Reminder.sent_message_id), col(Reminder.id))
        .limit(1)
    ).first()


def end_future_periods(*, session: Session, task_id: int, now: datetime) -> int:
    """The task was cancelled: cancel its periods whose deadline is still ahead."""
    rows = session.exec(
        select(TaskOccurrence).where(
            TaskOccurrence.task_id == task_id,
            col(TaskOccurrence.state).not_in(list(CLOSED)),
        )
    ).all()
    ended = 0
    for row in rows:
        deadline = deadline_in_force(row)
        if deadline is not None and deadline > now:
            row.state = TaskState.CANCELLED
            row.updated_at = now
            session.add(row)
            ended += 1
    return ended


@dataclass(frozen=True)
class PeriodRecord:
    """How a recurring task kept its periods so far: "4/5 kỳ đúng hạn"."""

    on_time: int
    counted: int
    by_category: dict[Category, int]


def period_records(
    *,
    session: Session,
    task_ids: Iterable[int],
    now: datetime,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
) -> dict[int, PeriodRecord]:
    """Each recurring task's record: periods done on time out of those due (or done) so far."""
    ids = sorted(set(task_ids))
    if not ids:
        return {}
    counts: dict[int, Counter[Category]] = defaultdict(Counter)
    for row in session.exec(select(TaskOccurrence).where(col(TaskOccurrence.task_id).in_(ids))):
        counts[row.task_id][categorize(row, now, due_soon_days=due_soon_days)] += 1
    return {
        task_id: PeriodRecord(
            on_time=c[Category.DONE_ON_TIME],
            counted=sum(c[k] for k in _COUNTED),
            by_category=dict(c),
        )
        for task_id, c in counts.items()
    }


def count_periods(
    *,
    session: Session,
    task_ids: Iterable[int],
    now: datetime,
    start: datetime,
    end: datetime,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
) -> Counter[Category]:
    """Periods whose deadline falls in [start, end], by category (cancelled ones left out)."""
    ids = sorted(set(task_ids))
    totals: Counter[Category] = Counter()
    if not ids:
        return totals
    for row in session.exec(
        select(TaskOccurrence).where(
            col(TaskOccurrence.task_id).in_(ids),
            col(TaskOccurrence.original_deadline) >= start,
            col(TaskOccurrence.original_deadline) <= end,
        )
    ):
        category = categorize(row, now, due_soon_days=due_soon_days)
        if category != Category.CANCELLED:
            totals[category] += 1
    return totals


@dataclass(frozen=True)
class CurrentPeriod:
    """What a recurring task's card shows: the period at hand, its category, the record."""

    occurrence: TaskOccurrence
    category: Category
    record: PeriodRecord

    def label(self, lang: str) -> str:
        return occurrence_label(self.occurrence, lang)


def occurrence_label(occurrence: TaskOccurrence, lang: str) -> str:
    """The period's name, e.g. "quý III/2023" / "Q3 2023"."""
    return Occurrence(
        kind=occurrence.kind,  # type: ignore[arg-type]
        period_start=occurrence.period_start,
        period_end=occurrence.period_end,
        due=occurrence.original_deadline,
    ).label(lang)


def current_periods(
    *,
    session: Session,
    tasks: Iterable[Task],
    now: datetime,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
) -> dict[int, CurrentPeriod]:
    """The current period of each recurring task among ``tasks``, in one query."""
    ids = [task.id for task in tasks if task.recurrence is not None and task.id is not None]
    if not ids:
        return {}
    return periods_at_hand(periods_of(session=session, task_ids=ids), now, due_soon_days)


def periods_at_hand(
    periods: dict[int, list[TaskOccurrence]], now: datetime, due_soon_days: int
) -> dict[int, CurrentPeriod]:
    """Of each task's periods (loaded already, in order of deadline), the one at hand (the
    earliest not done or cancelled), its category and the task's record."""
    found: dict[int, CurrentPeriod] = {}
    for task_id, rows in periods.items():
        current = next((row for row in rows if row.state not in CLOSED), None)
        if current is None:
            continue
        counts = Counter(categorize(row, now, due_soon_days=due_soon_days) for row in rows)
        found[task_id] = CurrentPeriod(
            occurrence=current,
            category=categorize(current, now, due_soon_days=due_soon_days),
            record=PeriodRecord(
                on_time=counts[Category.DONE_ON_TIME],
                counted=sum(counts[k] for k in _COUNTED),
                by_category=dict(counts),
            ),
        )
    return found


@dataclass(frozen=True)
class CouncilPeriods:
    """A council's recurring tasks, their periods counted by category (cancelled left out)."""

    tasks: int
    by_category: dict[Category, int]
    on_time: int
    counted: int


def periodic_task_ids() -> Select[Any]:
    """The ids of the recurring tasks: those with periods (a select, for ``IN``)."""
    return sa_select(col(TaskOccurrence.task_id))


def periods_tally(followed: Any, now: Any, soon: Any) -> list[Select[Any, Any, Any, Any]]:
    """The periods of the tasks ``followed`` (a select of task ids) per category at ``now``,
    and how many tasks they belong to, as (category, None, count, kind) rows the overview
    adds to its tasks' tally (one statement less per /status, issue 16)."""
    category = category_sql(TaskOccurrence, now, soon)
    ours = col(TaskOccurrence.task_id).in_(followed)
    return [
        sa_select(category, null(), func.count(), literal_column("'p'"))
        .where(ours)
        .group_by(category),
        sa_select(
            null(), null(), func.count(distinct(col(TaskOccurrence.task_id))), literal_column("'n'")
        ).where(ours),
    ]


def periods_from_tally(rows: Iterable[tuple[str, str | None, int]]) -> CouncilPeriods:
    """:func:`council_periods` from the rows of :func:`periods_tally` ((kind, category,
    count); rows of another kind are skipped)."""
    totals: Counter[Category] = Counter()
    tasks = 0
    for kind, name, count in rows:
        if kind == "n":
            tasks = count
        elif kind == "p" and name is not None and name != Category.CANCELLED:
            totals[Category(name)] += count
    return CouncilPeriods(
        tasks=tasks,
        by_category=dict(totals),
        on_time=totals[Category.DONE_ON_TIME],
        counted=sum(totals[k] for k in _COUNTED),
    )


def council_periods(
    *,
    session: Session,
    council_id: int,
    now: datetime,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
) -> CouncilPeriods:
    """Every written period of the council's recurring tasks, counted once per period."""
    totals: Counter[Category] = Counter()
    tasks: set[int] = set()
    for row in session.exec(
        select(TaskOccurrence)
        .join(TaskCouncil, col(TaskCouncil.task_id) == col(TaskOccurrence.task_id))
        .where(TaskCouncil.council_id == council_id)
    ):
        tasks.add(row.task_id)
        category = categorize(row, now, due_soon_days=due_soon_days)
        if category != Category.CANCELLED:
            totals[category] += 1
    return CouncilPeriods(
        tasks=len(tasks),
        by_category=dict(totals),
        on_time=totals[Category.DONE_ON_TIME],
        counted=sum(totals[k] for k in _COUNTED),
    )


def period_decided(
    *, session: Session, task: Task, now: datetime, due_soon_days: int = DEFAULT_DUE_SOON_DAYS
) -> CurrentPeriod | None:
    """The period of ``task`` decided at ``now`` (by :func:`decide_period`), if any."""
    if task.recurrence is None or task.id is None:
        return None
    row = session.exec(
        select(TaskOccurrence)
        .where(TaskOccurrence.task_id == task.id, TaskOccurrence.updated_at == now)
        .order_by(col(TaskOccurrence.original_deadline))
    ).first()
    if row is None:
        return None
    return CurrentPeriod(
        occurrence=row,
        category=categorize(row, now, due_soon_days=due_soon_days),
        record=PeriodRecord(0, 0, {}),
    )


def period_due_on(*, session: Session, task_id: int, day: str, tz: str) -> TaskOccurrence | None:
    """The task's period whose deadline in force falls on local ``day`` ("20231225")."""
    return period_on_day(
        session.exec(select(TaskOccurrence).where(TaskOccurrence.task_id == task_id)), day, tz
    )


def period_on_day(periods: Iterable[TaskOccurrence], day: str, tz: str) -> TaskOccurrence | None:
    """Of ``periods`` (one task's, loaded already), the one due on local ``day``."""
    for row in periods:
        deadline = deadline_in_force(row)
        if deadline is not None and f"{deadline.astimezone(ZoneInfo(tz)):%Y%m%d}" == day:
            return row
    return None
