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
also shows the task's own when no update names a period. Two queries, whatever the number of
tasks and periods.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal, NamedTuple, cast

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from db.models import Member, ProgressUpdate, TaskOccurrence, TaskState
from db.report_rows import AppendixRow, LatestUpdate, ScoredRow
from db.reports import open_obstacle
from db.status import Category, categorize, deadline_in_force
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
    stored = stored_periods(session, ids, period)
    notes = _period_notes(session, ids)
    for task_id, task in recurring.items():
        written = stored.get(task_id, [])
        periods = [
            p
            for p in written
            if p.state != TaskState.CANCELLED and _in_window(deadline_in_force(p), period)
        ]
        if period is not None and task.state != TaskState.CANCELLED and task.schedule:
            have = {(p.period_start, p.period_end) for p in written}
            start = max(period.start, task.created_at or period.start)
            periods += [
                _computed(o)
                for o in occurrences(task.schedule, start=start, end=period.end, tz=tz)
                if (o.period_start, o.period_end) not in have
            ]
        result += [_row(task, p, notes, now, due_soon_days) for p in periods]
    return result


class _Stored(NamedTuple):
    """A written period: the columns the report reads (no ORM objects: 10,000s of them)."""

    id: int
    task_id: int
    kind: str
    period_start: date
    period_end: date
    original_deadline: datetime
    approved_deadline: datetime | None
    state: str
    completion_reported_at: datetime | None
    completed_at: datetime | None


def _computed(occ: Occurrence) -> _Stored:
    """A period not written yet: open, its deadline as the schedule sets it."""
    due = occ.due
    return _Stored(0, 0, occ.kind, occ.period_start, occ.period_end, due, None, "open", None, None)


class _Notes:
    """The newest update and the open obstacle naming each period, by period id."""

    def __init__(self) -> None:
        self.latest: dict[int, LatestUpdate] = {}
        self.obstacle: dict[int, str] = {}
        self.obstructed_tasks: set[int] = set()  # whose open obstacle names a period


def _row(
    task: AppendixRow, period: _Stored, notes: _Notes, now: datetime, due_soon_days: int
) -> AppendixRow:
    deadline = period.original_deadline
    in_force = period.approved_deadline or deadline
    done = period.state in _DONE
    # The period at hand is the one whose deadline the task's own fields mirror.
    at_hand = deadline == task.original_deadline and not done
    obstacle = notes.obstacle.get(period.id)
    if obstacle is None and at_hand and task.id not in notes.obstructed_tasks:
        obstacle = task.obstacle
    # Built field by field: dataclasses.replace costs twice as much, per row.
    return AppendixRow(
        id=task.id,
        directive=task.directive,
        clause=task.clause,
        title=task.title,
        lead_code=task.lead_code,
        lead_name_vi=task.lead_name_vi,
        lead_name_en=task.lead_name_en,
        co_agencies=task.co_agencies,
        state=period.state,
        due_text=task.due_text,
        due_start=in_force,
        due_end=in_force,
        due_precision="day",
        original_deadline=deadline,
        approved_deadline=in_force,
        completion_reported_at=period.completion_reported_at,
        completed_at=period.completed_at,
        percent=100 if done else task.percent if at_hand else None,
        category=categorize(period, now, due_soon_days=due_soon_days),
        obstacle=obstacle,
        latest=notes.latest.get(period.id) or (task.latest if at_hand else None),
        schedule=task.schedule,
        created_at=task.created_at,
        period=Occurrence(
            kind=cast(PeriodKind, period.kind),
            period_start=period.period_start,
            period_end=period.period_end,
            due=deadline,
        ),
    )


def _in_window(deadline: datetime | None, period: ReportPeriod | None) -> bool:
    return period is None or (deadline is not None and period.contains(deadline))


def stored_periods(
    session: Session, ids: list[int] | Any, period: ReportPeriod | None
) -> dict[int, list[_Stored]]:
    """The written periods of these tasks whose deadline (original or approved) is in the
    window: those in force in it, and those the schedule would otherwise compute again."""
    query = sa_select(*(col(getattr(TaskOccurrence, name)) for name in _Stored._fields)).where(
        col(TaskOccurrence.task_id).in_(ids)
    )
    if period is not None:
        query = query.where(
            or_(
                col(TaskOccurrence.original_deadline).between(period.start, period.end),
                col(TaskOccurrence.approved_deadline).between(period.start, period.end),
            )
        )
    found: dict[int, list[_Stored]] = defaultdict(list)
    for values in session.execute(
        query.order_by(col(TaskOccurrence.original_deadline), col(TaskOccurrence.period_end))
    ):
        row = _Stored(*values)
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


class PeriodScores:
    """The agency scorecard's periods (``council_report.agency_scorecard``): every period written
    of the tasks in ``ids``, scored as :func:`with_periods` scores them without a window."""

    def __init__(
        self,
        written: dict[int, list[_Stored]],
        obstructed: set[int],
        named: dict[int, set[int]],
        now: datetime,
        due_soon_days: int,
    ) -> None:
        self.written, self.obstructed, self.named = written, obstructed, named
        self.now, self.due_soon_days = now, due_soon_days

    @classmethod
    def load(cls, session: Session, ids: Any, now: datetime, due_soon_days: int) -> PeriodScores:
        """Two queries: the periods written, the open obstacles (and the periods they name)."""
        obstructed: set[int] = set()
        named: dict[int, set[int]] = defaultdict(set)
        for task_id, occurrence_id in session.execute(
            sa_select(col(ProgressUpdate.task_id), col(ProgressUpdate.occurrence_id)).where(
                open_obstacle(), col(ProgressUpdate.task_id).in_(ids)
            )
        ):
            obstructed.add(task_id)
            if occurrence_id is not None:
                named[task_id].add(occurrence_id)
        return cls(stored_periods(session, ids, None), obstructed, named, now, due_soon_days)

    def scored(self, task_id: int, mirrored: datetime | None) -> list[ScoredRow]:
        """The task's periods not cancelled; ``mirrored``: the deadline the task mirrors."""
        named = self.named.get(task_id, set())
        scored = []
        for period in self.written.get(task_id, ()):
            if period.state == TaskState.CANCELLED:
                continue
            at_hand = period.original_deadline == mirrored and period.state == TaskState.OPEN
            # As _row: the open obstacle on the period it names, else on the period at hand.
            flagged = period.id in named or (at_hand and task_id in self.obstructed and not named)
            category: Category = categorize(period, self.now, due_soon_days=self.due_soon_days)
            scored.append(
                ScoredRow(
                    period.state,
                    period.original_deadline,
                    period.approved_deadline or period.original_deadline,
                    period.completion_reported_at,
                    period.completed_at,
                    category,
                    "" if flagged else None,
                    True,
                )
            )
        return scored
