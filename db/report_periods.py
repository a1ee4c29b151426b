"""A recurring task in the report: one appendix row per period due in the report's window.

The Government Office counts a duty that comes back every quarter as one item per quarter, so a
recurring task (``db.recurring``) is reported as its periods, each judged by the one status
model (:func:`db.status.categorize` on the period's own deadline, extension and completion),
exactly as a one-off task is. Which periods:

* with a window: the periods whose deadline in force falls in it. Periods are written ahead only
  up to the reminder horizon, so those of the window not written yet are computed from the
  schedule (``schedules.recurrence.occurrences``, never before the task was created): they are
  open, with their deadline still to come. A cancelled task adds none: its periods still ahead
  were cancelled with it, and those already overdue stay as they were.
* without a window (every deadline: the ``/status`` chart, the digest's): the periods written.

Cancelled periods are left out, as cancelled tasks are. A period's row shows the newest update
and the open obstacle that name it; the period at hand (the one whose deadline the task mirrors)
also shows the task's own when no update names a period. Three queries, whatever the number of
tasks and periods.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from db.council_report import AppendixRow, LatestUpdate
from db.models import Member, ProgressUpdate, TaskOccurrence, TaskState
from db.reports import open_obstacle
from db.status import categorize, deadline_in_force
from schedules.periods import ReportPeriod
from schedules.recurrence import Occurrence, occurrences

PeriodKind = Literal["month", "quarter", "half", "year"]
_DONE = (TaskState.DONE, TaskState.REPORTED_DONE)


def with_periods(
    *,
    session: Session,
    rows: Sequence[AppendixRow],
    period: ReportPeriod | None,
    now: datetime,
    due_soon_days: int,
    tz: str,
) -> list[AppendixRow]:
    """``rows`` with each recurring task's row replaced by the rows of its periods."""
    recurring = {row.id: row for row in rows if row.schedule is not None}
    result = [row for row in rows if row.schedule is None]
    if not recurring:
        return result
    ids = sorted(recurring)
    stored = _stored_periods(session, ids, period)
    notes = _period_notes(session, ids)
    for task_id, task in recurring.items():
        written = stored.get(task_id, [])
        have = {(p.period_start, p.period_end) for p in written}
        periods: list[_Period] = [
            _Period(p.kind, p.period_start, p.period_end, p, p.id)
            for p in written
            if p.state != TaskState.CANCELLED and _in_window(deadline_in_force(p), period)
        ]
        if period is not None and task.state != TaskState.CANCELLED and task.schedule:
            start = max(period.start, task.created_at or period.start)
            periods += [
                _Period(o.kind, o.period_start, o.period_end, _Open(o.due), None)
                for o in occurrences(task.schedule, start=start, end=period.end, tz=tz)
                if (o.period_start, o.period_end) not in have
            ]
        result += [_row(task, p, notes, now, due_soon_days) for p in periods]
    return result


class _Open:
    """A period not written yet: open, its deadline as the schedule sets it."""

    state = TaskState.OPEN.value
    approved_deadline = None
    completion_reported_at = None
    completed_at = None

    def __init__(self, due: datetime) -> None:
        self.original_deadline = due


class _Period:
    __slots__ = ("dates", "end", "id", "kind", "start")

    def __init__(
        self, kind: str, start: Any, end: Any, dates: TaskOccurrence | _Open, id: int | None
    ) -> None:
        self.kind, self.start, self.end, self.dates, self.id = kind, start, end, dates, id


class _Notes:
    """The newest update and the open obstacle naming each period, by period id."""

    def __init__(self) -> None:
        self.latest: dict[int, LatestUpdate] = {}
        self.obstacle: dict[int, str] = {}
        self.obstructed_tasks: set[int] = set()  # whose open obstacle names a period


def _row(
    task: AppendixRow, period: _Period, notes: _Notes, now: datetime, due_soon_days: int
) -> AppendixRow:
    dates = period.dates
    deadline = dates.original_deadline
    in_force = dates.approved_deadline or deadline
    # The period at hand is the one whose deadline the task's own fields mirror.
    at_hand = deadline == task.original_deadline and dates.state not in _DONE
    obstacle = notes.obstacle.get(period.id or 0)
    if obstacle is None and at_hand and task.id not in notes.obstructed_tasks:
        obstacle = task.obstacle
    latest = notes.latest.get(period.id or 0) or (task.latest if at_hand else None)
    if dates.state in _DONE:
        percent: int | None = 100
    else:
        percent = task.percent if at_hand else None
    return replace(
        task,
        state=dates.state,
        due_start=in_force,
        due_end=in_force,
        due_precision="day",
        original_deadline=deadline,
        approved_deadline=in_force,
        completion_reported_at=dates.completion_reported_at,
        completed_at=dates.completed_at,
        percent=percent,
        category=categorize(dates, now, due_soon_days=due_soon_days),
        obstacle=obstacle,
        latest=latest,
        period=Occurrence(
            kind=cast(PeriodKind, period.kind),
            period_start=period.start,
            period_end=period.end,
            due=deadline,
        ),
    )


def _in_window(deadline: datetime | None, period: ReportPeriod | None) -> bool:
    return period is None or (deadline is not None and period.contains(deadline))


def _stored_periods(
    session: Session, ids: list[int], period: ReportPeriod | None
) -> dict[int, list[TaskOccurrence]]:
    """The written periods of these tasks whose deadline (original or approved) is in the
    window: those in force in it, and those the schedule would otherwise compute again."""
    query = sa_select(TaskOccurrence).where(col(TaskOccurrence.task_id).in_(ids))
    if period is not None:
        query = query.where(
            or_(
                col(TaskOccurrence.original_deadline).between(period.start, period.end),
                col(TaskOccurrence.approved_deadline).between(period.start, period.end),
            )
        )
    found: dict[int, list[TaskOccurrence]] = defaultdict(list)
    for row in session.execute(
        query.order_by(col(TaskOccurrence.original_deadline), col(TaskOccurrence.period_end))
    ).scalars():
        found[row.task_id].append(row)
    return found


def _period_notes(session: Session, ids: list[int]) -> _Notes:
    """The updates of these tasks that name a period: the newest per period, open obstacles."""
    notes = _Notes()
    for task_id, occurrence_id, at, text, author, is_open in session.execute(
        sa_select(
            col(ProgressUpdate.task_id),
            col(ProgressUpdate.occurrence_id),
            col(ProgressUpdate.created_at),
            col(ProgressUpdate.text),
            col(Member.full_name),
            open_obstacle(),
        )
        .outerjoin(Member, col(Member.id) == col(ProgressUpdate.author_id))
        .where(
            col(ProgressUpdate.task_id).in_(ids),
            col(ProgressUpdate.occurrence_id).is_not(None),
        )
        .order_by(col(ProgressUpdate.created_at), col(ProgressUpdate.id))
    ):
        notes.latest[occurrence_id] = LatestUpdate(at, author or "", text)
        if is_open:
            notes.obstacle[occurrence_id] = text
            notes.obstructed_tasks.add(task_id)
    return notes
