"""Reports the secretariat sends upward: the Government Office's categories, per agency and in
total, an appendix of tasks, and the last twelve weeks' on-time completions, as plain data.

The numbers come from the one status model (:func:`db.status.categorize`, the same definition
``/status`` counts with in SQL): a task's category is never decided here. The report covers the
tasks that the councils asked for follow, whose deadline in force (the approved one when an
extension was granted) falls in the period; tasks without a deadline are listed apart, whatever
the period. Cancelled tasks are left out, as in ``/status``.

The workbook and the chart are rendered from a :class:`CouncilReport` by
``bot/outbound/report_workbook``
and ``bot/outbound/report_charts``; nothing here knows about spreadsheets, pictures or Telegram.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.errors import Forbidden, NotFound
from db.models import (
    Agency,
    Council,
    Directive,
    Member,
    ProgressUpdate,
    Task,
    TaskCoAgency,
    TaskCouncil,
    TaskState,
)
from db.permissions import Access, Actor
from db.recurring import periodic_task_ids
from db.report_periods import PeriodScores, with_periods
from db.report_request import (  # noqa: F401 (re-exported: callers import them from here)
    ReportRequest,
    narrowed,
    read_request,
    reportable_councils,
)
from db.report_rows import AppendixRow, LatestUpdate, ScoredRow
from db.reports import open_obstacle, ranked_updates
from db.status import Category, TaskDates, categorize, deadline_in_force, finished_at
from schedules.periods import ReportPeriod
from schedules.recurrence import Recurrence

WEEKS = 12
DAY = timedelta(days=1)


# --- what is reported ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """The Government Office's categories for a set of tasks (one agency's, or all)."""

    total: int = 0  # with a deadline in the period
    periods: int = 0  # of the total: periods of recurring tasks (each counted as an item)
    done_on_time: int = 0
    done_late: int = 0
    within_deadline: int = 0  # not completed, deadline not passed (on time and due soon)
    overdue: int = 0  # not completed, deadline passed
    awaiting: int = 0  # completion reported, not confirmed yet
    obstacles: int = 0  # with an open obstacle (a flag: also counted in a category)
    due: int = 0  # deadline passed, or completed: what the on-time rate is measured on
    no_deadline: int = 0  # listed apart: not in total
    days_late: tuple[int, ...] = ()  # of each late completion

    @property
    def on_time_rate(self) -> float | None:
        """Completed on time, of the tasks due (None when none is due)."""
        return self.done_on_time / self.due if self.due else None

    @property
    def median_days_late(self) -> float | None:
        return statistics.median(self.days_late) if self.days_late else None

    def share(self, count: int) -> float:
        """``count`` as a fraction of the total (0 when there is none)."""
        return count / self.total if self.total else 0.0


@dataclass(frozen=True)
class AgencyTally:
    code: str
    name_vi: str
    name_en: str
    tally: Tally


@dataclass(frozen=True)
class WeekPoint:
    """Completions in one week (Monday to Sunday) of the tasks in the report."""

    monday: date
    completed: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.completed if self.completed else None


@dataclass(frozen=True)
class CouncilReport:
    councils: tuple[Council, ...]
    period: ReportPeriod | None
    now: datetime
    tz: str
    agency: Agency | None
    directive: str | None
    summary: Tally
    agencies: tuple[AgencyTally, ...]  # by lead agency, most tasks first
    rows: tuple[AppendixRow, ...]  # with a deadline in the period: directive, clause, id
    undated: tuple[AppendixRow, ...]  # without a deadline
    weeks: tuple[WeekPoint, ...]
    # Each category's count (the status model's own categories) over rows and undated.
    counts: dict[Category, int] = field(default_factory=dict)


def check_access(*, actor: Actor, council_id: int, access: Access = Access.CHAIR) -> None:
    """Reports are the chair's and the secretariat's; the chart of the ``/status`` overview
    (``Access.MEMBER``) shows what the overview shows to every member of the council."""
    if not actor.allows(access, council_id):
        raise Forbidden()


def report_for(
    *,
    session: Session,
    actor: Actor,
    council_id: int,
    request: ReportRequest,
    now: datetime,
    due_soon_days: int,
    tz: str,
    access: Access = Access.CHAIR,
) -> CouncilReport:
    """The report ``actor`` asked for, if they may have that council's."""
    check_access(actor=actor, council_id=council_id, access=access)
    return council_report(
        session=session,
        council_ids=[council_id],
        request=request,
        now=now,
        due_soon_days=due_soon_days,
        tz=tz,
    )


def council_report(
    *,
    session: Session,
    council_ids: Sequence[int],
    request: ReportRequest,
    now: datetime,
    due_soon_days: int,
    tz: str,
) -> CouncilReport:
    """The report of the tasks ``council_ids`` follow (the caller decided who may have it)."""
    councils = tuple(
        session.exec(
            select(Council).where(col(Council.id).in_(council_ids)).order_by(col(Council.code))
        )
    )
    if len(councils) != len(set(council_ids)):
        raise NotFound()
    agency = session.get(Agency, request.agency_id) if request.agency_id else None
    directive = session.get(Directive, request.directive_id) if request.directive_id else None
    if (request.agency_id and agency is None) or (request.directive_id and directive is None):
        raise NotFound()
    scope = _scope(council_ids, request)
    rows = with_periods(
        session=session,
        rows=_rows(session, scope, now, due_soon_days),
        period=request.period,
        now=now,
        due_soon_days=due_soon_days,
        tz=tz,
    )
    dated = [row for row in rows if deadline_in_force(row) is not None]
    undated = [row for row in rows if deadline_in_force(row) is None]
    dated.sort(key=_appendix_order)
    undated.sort(key=_appendix_order)
    names = {row.lead_code: (row.lead_name_vi, row.lead_name_en) for row in rows}
    by_agency: dict[str, list[AppendixRow]] = defaultdict(list)
    undated_by_agency: dict[str, list[AppendixRow]] = defaultdict(list)
    for row in dated:
        by_agency[row.lead_code].append(row)
    for row in undated:
        undated_by_agency[row.lead_code].append(row)
    agencies = [
        AgencyTally(
            code,
            *names[code],
            tally(by_agency.get(code, []), now, no_deadline=len(undated_by_agency.get(code, []))),
        )
        for code in set(by_agency) | set(undated_by_agency)
    ]
    agencies.sort(key=lambda a: (-(a.tally.total + a.tally.no_deadline), a.code))
    counts: dict[Category, int] = defaultdict(int)
    for row in rows:
        counts[row.category] += 1
    until = min(now, request.period.end) if request.period else now
    return CouncilReport(
        councils=councils,
        period=request.period,
        now=now,
        tz=tz,
        agency=agency,
        directive=directive.number if directive else None,
        summary=tally(dated, now, no_deadline=len(undated)),
        agencies=tuple(agencies),
        rows=tuple(dated),
        undated=tuple(undated),
        weeks=weekly_completions(dated, until, tz),
        counts=dict(counts),
    )


class Scored(TaskDates, Protocol):
    """What a tally needs of a task: its dates, its category, whether an obstacle is open."""

    @property
    def category(self) -> Category: ...
    @property
    def obstacle(self) -> str | None: ...


def tally(rows: Iterable[Scored], now: datetime, *, no_deadline: int = 0) -> Tally:
    """The Government Office's categories of ``rows`` (tasks with a deadline), at ``now``."""
    counts: dict[Category, int] = defaultdict(int)
    obstacles = due = periods = 0
    late: list[int] = []
    for row in rows:
        counts[row.category] += 1
        periods += getattr(row, "period", None) is not None
        obstacles += row.obstacle is not None
        deadline = deadline_in_force(row)
        if row.category in (Category.DONE_ON_TIME, Category.DONE_LATE) or (
            deadline is not None and deadline < now
        ):
            due += 1
        if row.category == Category.DONE_LATE:
            finished = finished_at(row)
            assert deadline is not None and finished is not None
            late.append(math.ceil((finished - deadline) / DAY))
    return Tally(
        total=sum(counts.values()),
        periods=periods,
        done_on_time=counts[Category.DONE_ON_TIME],
        done_late=counts[Category.DONE_LATE],
        within_deadline=counts[Category.ON_TIME] + counts[Category.DUE_SOON],
        overdue=counts[Category.OVERDUE],
        awaiting=counts[Category.AWAITING_CONFIRMATION],
        obstacles=obstacles,
        due=due,
        no_deadline=no_deadline,
        days_late=tuple(sorted(late)),
    )


def weekly_completions(
    rows: Iterable[AppendixRow], until: datetime, tz: str, weeks: int = WEEKS
) -> tuple[WeekPoint, ...]:
    """The last ``weeks`` weeks up to ``until``'s: tasks completed in each, and how many of
    them on time (only the report's tasks: nothing outside its period and councils)."""
    zone = ZoneInfo(tz)
    today = until.astimezone(zone).date()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    completed = [0] * weeks
    on_time = [0] * weeks
    for row in rows:
        if row.category not in (Category.DONE_ON_TIME, Category.DONE_LATE):
            continue
        finished = finished_at(row)
        if finished is None or finished > until:
            continue
        index = (finished.astimezone(zone).date() - first).days // 7
        if 0 <= index < weeks:
            completed[index] += 1
            on_time[index] += row.category == Category.DONE_ON_TIME
    return tuple(
        WeekPoint(first + timedelta(weeks=i), completed[i], on_time[i]) for i in range(weeks)
    )


def agency_scorecard(
    *,
    session: Session,
    agency_id: int,
    council_ids: Sequence[int],
    now: datetime,
    due_soon_days: int,
) -> Tally:
    """The tasks ``agency_id`` leads in ``council_ids``, every deadline (``/status <agency>``'s
    first line): the same figures as the report's row for that agency (a recurring task counted
    as its periods written), from three light queries (the dates of its tasks, of their periods,
    which have an open obstacle) on /status's path."""
    # Imported here: db.report_periods builds on this module.

    followed = sa_select(col(TaskCouncil.task_id)).where(
        col(TaskCouncil.council_id).in_(list(council_ids))
    )
    led = sa_select(col(Task.id)).where(
        col(Task.lead_agency_id) == agency_id,
        col(Task.id).in_(followed),
        or_(
            col(Task.state) != TaskState.CANCELLED,
            col(Task.id).in_(periodic_task_ids()),
        ),
    )
    periods = PeriodScores.load(session, led.scalar_subquery(), now, due_soon_days)
    rows: list[ScoredRow] = []
    undated = 0
    for task_id, recurrence, *values in session.execute(
        sa_select(
            col(Task.id),
            col(Task.recurrence),
            col(Task.state),
            col(Task.original_deadline),
            col(Task.approved_deadline),
            col(Task.completion_reported_at),
            col(Task.completed_at),
        ).where(col(Task.id).in_(led.scalar_subquery()))
    ):
        dates = _Dates(*values)
        if recurrence is not None or task_id in periods.written:
            rows += periods.scored(task_id, dates.original_deadline)
        elif deadline_in_force(dates) is None:
            undated += 1
        else:
            category = categorize(dates, now, due_soon_days=due_soon_days)
            obstacle = "" if task_id in periods.obstructed else None
            rows.append(ScoredRow(*dates, category, obstacle))
    return tally(rows, now, no_deadline=undated)


# --- queries ------------------------------------------------------------------------------------


def _scope(council_ids: Sequence[int], request: ReportRequest) -> Select[Any]:
    """The ids of the tasks in the report: followed by the councils, narrowed to the agency
    (lead or co-operating, as ``/status <agency>``) or the directive, and not cancelled, with a
    deadline in force in the period or none at all. Recurring tasks (those with periods) are in
    whatever their current deadline and state: their periods are chosen by db.report_periods."""
    recurring = col(Task.id).in_(periodic_task_ids())
    followed = sa_select(col(TaskCouncil.task_id)).where(
        col(TaskCouncil.council_id).in_(list(council_ids))
    )
    query = sa_select(col(Task.id)).where(
        col(Task.id).in_(followed), or_(col(Task.state) != TaskState.CANCELLED, recurring)
    )
    if request.agency_id is not None:
        co_tasks = sa_select(col(TaskCoAgency.task_id)).where(
            col(TaskCoAgency.agency_id) == request.agency_id
        )
        query = query.where(
            or_(col(Task.lead_agency_id) == request.agency_id, col(Task.id).in_(co_tasks))
        )
    if request.directive_id is not None:
        query = query.where(col(Task.directive_id) == request.directive_id)
    if request.period is not None:
        deadline = func.coalesce(col(Task.approved_deadline), col(Task.original_deadline))
        query = query.where(
            or_(
                deadline.is_(None),
                deadline.between(request.period.start, request.period.end),
                recurring,
            )
        )
    return query


class _Dates(NamedTuple):
    state: str
    original_deadline: datetime | None
    approved_deadline: datetime | None
    completion_reported_at: datetime | None
    completed_at: datetime | None


def _rows(
    session: Session, scope: Select[Any], now: datetime, due_soon_days: int
) -> list[AppendixRow]:
    """The appendix rows of the tasks in ``scope``, in five queries whatever their number."""
    ids = scope.scalar_subquery()
    co: dict[int, list[str]] = defaultdict(list)
    for task_id, code in session.execute(
        sa_select(col(TaskCoAgency.task_id), col(Agency.code))
        .join(Agency, col(Agency.id) == col(TaskCoAgency.agency_id))
        .where(col(TaskCoAgency.task_id).in_(ids))
        .order_by(col(Agency.code))
    ):
        co[task_id].append(code)
    latest = _latest_updates(session, ids)
    obstacles = _open_obstacles(session, ids)
    rows = session.execute(
        sa_select(
            col(Task.id),
            col(Directive.number),
            col(Task.clause),
            col(Task.title),
            col(Agency.code),
            col(Agency.name_vi),
            col(Agency.name_en),
            col(Task.state),
            col(Task.due_text),
            col(Task.due_start),
            col(Task.due_end),
            col(Task.due_precision),
            col(Task.original_deadline),
            col(Task.approved_deadline),
            col(Task.completion_reported_at),
            col(Task.completed_at),
            col(Task.percent),
            col(Task.recurrence),
            col(Task.created_at),
        )
        .join(Agency, col(Agency.id) == col(Task.lead_agency_id))
        .outerjoin(Directive, col(Directive.id) == col(Task.directive_id))
        .where(col(Task.id).in_(ids))
    ).all()
    result = []
    for (
        task_id,
        number,
        clause,
        title,
        code,
        name_vi,
        name_en,
        state,
        due_text,
        due_start,
        due_end,
        due_precision,
        original,
        approved,
        reported,
        completed,
        percent,
        recurrence,
        created_at,
    ) in rows:
        dates = _Dates(state, original, approved, reported, completed)
        result.append(
            AppendixRow(
                id=task_id,
                directive=number,
                clause=clause,
                title=title,
                lead_code=code,
                lead_name_vi=name_vi,
                lead_name_en=name_en,
                co_agencies=tuple(co.get(task_id, ())),
                state=state,
                due_text=due_text,
                due_start=due_start,
                due_end=due_end,
                due_precision=due_precision,
                original_deadline=original,
                approved_deadline=approved,
                completion_reported_at=reported,
                completed_at=completed,
                percent=percent,
                category=categorize(dates, now, due_soon_days=due_soon_days),
                obstacle=obstacles.get(task_id),
                latest=latest.get(task_id),
                schedule=Recurrence.from_json(recurrence) if recurrence else None,
                created_at=created_at,
            )
        )
    return result


def _latest_updates(session: Session, ids: Any) -> dict[int, LatestUpdate]:
    """Each task's newest update (any kind): when, who, what."""
    ranked = ranked_updates(ids)
    latest: dict[int, LatestUpdate] = {}
    for task_id, at, text, author in session.execute(
        sa_select(
            col(ProgressUpdate.task_id),
            col(ProgressUpdate.created_at),
            col(ProgressUpdate.text),
            col(Member.full_name),
        )
        .join(ranked, ranked.c.id == col(ProgressUpdate.id))
        .outerjoin(Member, col(Member.id) == col(ProgressUpdate.author_id))
        .where(ranked.c.rank == 1)
    ):
        latest[task_id] = LatestUpdate(at, author or "", text)
    return latest


def _open_obstacles(session: Session, ids: Any) -> dict[int, str]:
    """The text of each task's newest obstacle nobody has resolved yet."""
    found: dict[int, str] = {}
    for task_id, text in session.execute(
        sa_select(col(ProgressUpdate.task_id), col(ProgressUpdate.text))
        .where(
            open_obstacle(),
            col(ProgressUpdate.task_id).in_(ids),
        )
        .order_by(col(ProgressUpdate.created_at), col(ProgressUpdate.id))
    ):
        found[task_id] = text
    return found


def _appendix_order(row: AppendixRow) -> tuple[Any, ...]:
    """By directive (tasks without one last), clause, id, then a recurring task's periods."""
    return (
        row.directive is None,
        row.directive or "",
        _clause_key(row.clause),
        row.id,
        row.period.period_start if row.period else date.min,
    )


def _clause_key(clause: str | None) -> tuple[tuple[int, int | str], ...]:
    """ "2.a.10" after "2.a.9": numbers compared as numbers."""
    if not clause:
        return ()
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in clause.split("."))
