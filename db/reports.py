"""Status reports: the council overview and task lists, as plain data for the renderer.

Queries select only the columns a report shows (no ORM objects), because the overview of a
council with thousands of tasks is the bot's hottest read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    Subquery,
    bindparam,
    func,
    literal_column,
    null,
    union_all,
)
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from db import paging
from db.models import (
    Agency,
    Council,
    Directive,
    Meeting,
    MeetingState,
    ProgressUpdate,
    Task,
    TaskCoAgency,
    TaskCouncil,
    TaskState,
    UpdateKind,
)
from db.recurring import (
    CouncilPeriods,
    periodic_task_ids,
    periods_from_tally,
    periods_tally,
)
from db.shares import percentages
from db.status import CATEGORY_ORDER, Category, categorize, category_sql
from db.types import UTCDateTime


@dataclass(frozen=True)
class TaskLine:
    """One task as a line of a report."""

    id: int
    title: str
    clause: str | None
    directive: str | None
    agency_code: str
    state: str
    due_text: str | None
    original_deadline: datetime | None
    approved_deadline: datetime | None
    completion_reported_at: datetime | None
    completed_at: datetime | None
    percent: int | None
    category: Category = Category.ON_TIME
    obstacle: bool = False


@dataclass(frozen=True)
class MeetingLine:
    id: int
    title: str
    when_text: str | None
    starts_at: datetime | None
    window_start: datetime | None
    window_end: datetime | None
    place: str | None


@dataclass(frozen=True)
class Overview:
    council: Council
    counts: dict[Category, int]
    total: int
    # The page asked for of the tasks that need attention (overdue, then due soon, grouped by
    # agency): an agency's code where its group starts, then its task lines.
    attention: list[TaskLine | str]
    page: int
    pages: int
    # The first OBSTACLES_SHOWN tasks with an open obstacle, most urgent first, of obstacle_total.
    obstacles: list[TaskLine]
    obstacle_total: int
    next_meetings: list[MeetingLine]
    # The recurring tasks' periods, counted once each (db.recurring); None when there are none.
    periods: CouncilPeriods | None = None
    # How many of ``total`` are periods of recurring tasks (counted in their tasks' place).
    period_total: int = 0

    def percent(self, category: Category) -> int:
        """The category's share of the council's tasks; the shown shares sum to 100."""
        return percentages(self.counts).get(category, 0)


OBSTACLES_SHOWN = 10
ATTENTION_PAGE_SIZE = 15


def _task_columns() -> Select[*tuple[Any, ...]]:
    return (
        sa_select(
            col(Task.id),
            col(Task.title),
            col(Task.clause),
            col(Directive.number),
            col(Agency.code),
            col(Task.state),
            col(Task.due_text),
            col(Task.original_deadline),
            col(Task.approved_deadline),
            col(Task.completion_reported_at),
            col(Task.completed_at),
            col(Task.percent),
        )
        .join(Agency, col(Agency.id) == col(Task.lead_agency_id))
        .outerjoin(Directive, col(Directive.id) == col(Task.directive_id))
    )


def _lines(
    session: Session, query: Select[*tuple[Any, ...]], now: datetime, due_soon_days: int
) -> list[TaskLine]:
    rows = session.execute(query).all()
    obstacle_ids = tasks_with_open_obstacles(session=session, task_ids=[row[0] for row in rows])
    lines = []
    for row in rows:
        line = TaskLine(*row)
        category = categorize(line, now, due_soon_days=due_soon_days)
        values: tuple[Any, ...] = (*row, category, line.id in obstacle_ids)
        lines.append(TaskLine(*values))  # much faster than dataclasses.replace()
    return lines


# The overview's statements are built once, with bound parameters (:now, :soon, :council_id,
# and expanding lists): building a statement and computing its cache key every time cost
# SQLAlchemy about as much as the database took to run it.
_NOW = bindparam("now", type_=UTCDateTime())
_SOON = bindparam("soon", type_=UTCDateTime())


def _moments(now: datetime, due_soon_days: int) -> dict[str, datetime]:
    return {"now": now, "soon": now + timedelta(days=due_soon_days)}


def _deadline() -> ColumnElement[datetime]:
    return func.coalesce(col(Task.approved_deadline), col(Task.original_deadline))


def _followed() -> Select[Any]:
    """The ids of the tasks the council :council_id follows."""
    return select(TaskCouncil.task_id).where(TaskCouncil.council_id == bindparam("council_id"))


def category_column() -> ColumnElement[str]:
    """A task's category at :now and :soon (:func:`db.status.category_sql`)."""
    return category_sql(Task, _NOW, _SOON)


@cache
def _overview_tally_statement() -> CompoundSelect[Any]:
    """The council's tasks counted as :func:`_tally_statement` does, and its recurring tasks'
    periods (db.recurring.periods_tally): one statement (issue 16, statements per update)."""
    return union_all(
        _tally_statement().add_columns(literal_column("'t'")),
        _recurring_tally_statement(),
        *periods_tally(_followed(), _NOW, _SOON),
    )


def _recurring_tally_statement() -> Select[Any, Any, Any, Any]:
    """The council's recurring tasks (those with periods) per category, as ``'r'`` rows: the
    overview's counts put their periods in their place, as the report's chart does."""
    category = category_column()
    return (
        sa_select(category, null(), func.count(), literal_column("'r'"))
        .select_from(Task)
        .where(col(Task.id).in_(_followed()), col(Task.id).in_(periodic_task_ids()))
        .group_by(category)
    )


@cache
def _tally_statement() -> Select[str, str, int]:
    category = category_column().label("category")
    return (
        sa_select(category, col(Agency.code), func.count())
        .select_from(Task)
        .join(Agency, col(Agency.id) == col(Task.lead_agency_id))
        .where(col(Task.id).in_(_followed()))
        .group_by(category, col(Agency.code))
    )


def category_counts(
    *, session: Session, council_id: int, now: datetime, due_soon_days: int
) -> dict[Category, dict[str, int]]:
    """How many of the council's tasks fall in each category (cancelled included), per lead
    agency's code: the overview's counts and its attention list's groups in one scan."""
    rows = session.execute(
        _tally_statement(), {"council_id": council_id, **_moments(now, due_soon_days)}
    ).all()
    counts: dict[Category, dict[str, int]] = {}
    for name, code, count in rows:
        counts.setdefault(Category(name), {})[code] = count
    return counts


def tasks_with_open_obstacles(*, session: Session, task_ids: Iterable[int]) -> set[int]:
    ids = list(task_ids)
    if not ids:
        return set()
    # Open obstacles are few (ix_progress_update_open finds them): fetching them all beats an
    # IN list of a council's thousand tasks.
    return _open_obstacles(session, ids if len(ids) <= _FEW_TASKS else None) & set(ids)


_FEW_TASKS = 50


def open_obstacle() -> ColumnElement[bool]:
    """What an open obstacle is: a progress update of kind obstacle nobody has resolved yet."""
    return (col(ProgressUpdate.kind) == UpdateKind.OBSTACLE) & col(ProgressUpdate.resolved_at).is_(
        None
    )


def _obstructed_task_ids() -> SelectOfScalar[int]:
    """The ids of the tasks with an obstacle nobody has resolved yet (ix_progress_update_open)."""
    return select(ProgressUpdate.task_id).where(open_obstacle())


def _open_obstacles(session: Session, among: list[int] | None) -> set[int]:
    """Which tasks (of ``among``, when given) have an obstacle nobody has resolved yet."""
    query = _obstructed_task_ids()
    if among is not None:
        query = query.where(col(ProgressUpdate.task_id).in_(among))
    return set(session.exec(query.distinct()).all())


_SEVERITY = {category: index for index, category in enumerate(CATEGORY_ORDER)}
_NEVER = datetime.max.replace(tzinfo=UTC)


def _by_severity(lines: list[TaskLine]) -> list[TaskLine]:
    """Grouped by agency (agencies with the most urgent task first), then most urgent first."""
    worst: dict[str, int] = {}
    for line in lines:
        rank = _SEVERITY.get(line.category, len(_SEVERITY))
        worst[line.agency_code] = min(rank, worst.get(line.agency_code, rank))
    return sorted(
        lines,
        key=lambda line: (
            worst[line.agency_code],
            line.agency_code,
            _SEVERITY.get(line.category, len(_SEVERITY)),
            line.approved_deadline or line.original_deadline or _NEVER,
            line.id,
        ),
    )


def council_overview(
    *,
    session: Session,
    council: Council,
    now: datetime,
    due_soon_days: int,
    page: int = 0,
    page_size: int = ATTENTION_PAGE_SIZE,
    meetings: int = 3,
) -> Overview:
    """Counts per category, one page of what needs attention, open obstacles, next meetings.

    Counting happens in the database, and so does the shape of the attention list (how many
    tasks each agency has in it), so only the tasks on the page asked for are loaded: a council
    may have hundreds of overdue tasks, and turning rows into objects is the costly part. Four
    queries in all, each built once: on PostgreSQL every query is a round trip.
    """
    assert council.id is not None
    rows = session.execute(
        _overview_tally_statement(), {"council_id": council.id, **_moments(now, due_soon_days)}
    ).all()
    tally: dict[Category, dict[str, int]] = {}
    recurring: Counter[Category] = Counter()
    for name, code, count, kind in rows:
        if kind == "t":
            tally.setdefault(Category(name), {})[code] = count
        elif kind == "r":
            recurring[Category(name)] = count
    recurring.pop(Category.CANCELLED, None)  # cancelled tasks are not counted anyway
    periods = periods_from_tally((kind, name, count) for name, _, count, kind in rows)
    tally.pop(Category.CANCELLED, None)
    # What is counted is what the Government Office counts: a one-off task once, a recurring
    # task once per period (its periods in its place, cancelled ones left out), as the chart.
    counted = Counter({category: sum(by_agency.values()) for category, by_agency in tally.items()})
    counted.subtract(recurring)
    counted.update(periods.by_category)
    counts = {category: count for category, count in counted.items() if count > 0}
    shape, index, pages = _attention_shape(_attention_groups(tally), page, page_size)
    codes = {item if isinstance(item, str) else item[0] for item in shape}
    lines = _overview_lines(session, council.id, codes, now, due_soon_days)
    urgent = (Category.OVERDUE, Category.DUE_SOON)
    by_code: dict[str, list[TaskLine]] = {}
    for line in _by_severity([line for line in lines if line.category in urgent]):
        by_code.setdefault(line.agency_code, []).append(line)
    attention: list[TaskLine | str] = []
    for item in shape:
        if isinstance(item, str):
            attention.append(item)
        elif item[1] < len(by_code.get(item[0], ())):  # a task may have changed in between
            attention.append(by_code[item[0]][item[1]])
    flagged = _by_severity([line for line in lines if line.obstacle])
    return Overview(
        council=council,
        counts=counts,
        total=sum(counts.values()),
        period_total=sum(periods.by_category.values()),
        attention=attention,
        page=index,
        pages=pages,
        obstacles=flagged[:OBSTACLES_SHOWN],
        obstacle_total=len(flagged),
        next_meetings=upcoming_meetings(
            session=session, council_ids=[council.id], now=now, limit=meetings
        ),
        periods=periods if periods.tasks else None,
    )


def _attention_groups(tally: dict[Category, dict[str, int]]) -> list[tuple[str, int, int]]:
    """The attention list's groups in order: (agency code, its most urgent category's rank,
    how many overdue or due-soon tasks it leads), agencies with an overdue task first."""
    sizes: dict[str, int] = {}
    worst: dict[str, int] = {}
    for category in sorted((Category.OVERDUE, Category.DUE_SOON), key=_SEVERITY.__getitem__):
        for code, count in tally.get(category, {}).items():
            sizes[code] = sizes.get(code, 0) + count
            worst.setdefault(code, _SEVERITY[category])
    return sorted(
        ((code, worst[code], size) for code, size in sizes.items()),
        key=lambda group: (group[1], group[0]),
    )


def _attention_shape(
    groups: list[tuple[str, int, int]], page: int, page_size: int
) -> tuple[list[str | tuple[str, int]], int, int]:
    """Which items the attention page asked for holds, its index (clamped), how many pages.

    The attention list is what ``_by_severity`` makes of the overdue and due-soon tasks, with
    each agency's code in front of its group; a page never ends on a code. The groups' sizes
    fix every page's bounds before any task is loaded: an item is a code, or (code, position
    of the task in that agency's group).
    """
    shape: list[str | tuple[str, int]] = []
    for code, _worst, size in groups:
        shape.append(code)
        shape.extend((code, position) for position in range(size))
    pages = paging.paginate(shape, page_size, is_heading=lambda item: isinstance(item, str))
    index = min(max(page, 0), len(pages) - 1)
    return pages[index], index, len(pages)


@cache
def _council_obstacles_statement() -> Select[Any]:
    # Open obstacles are few: finding them first, then which are the council's, is the fast
    # way round on both databases.
    return select(TaskCouncil.task_id).where(
        TaskCouncil.council_id == bindparam("council_id"),
        col(TaskCouncil.task_id).in_(_obstructed_task_ids()),
    )


@cache
def _overview_lines_statement() -> CompoundSelect[Any]:
    """The tasks an overview page lists: the open ones of :council_id due by :soon that the
    agencies :codes lead, and the uncancelled ones with an open obstacle (flagged)."""
    # Two selects, not one with OR: the planners find a good plan for each alone. The council's
    # obstructed tasks are a subquery, not a statement of their own (issue 16).
    return union_all(
        _task_columns()
        .add_columns(literal_column("0"))
        .where(
            col(Task.id).in_(_followed()),
            col(Task.state) == TaskState.OPEN,
            _deadline() <= _SOON,
            col(Agency.code).in_(bindparam("codes", expanding=True)),
        ),
        _task_columns()
        .add_columns(literal_column("1"))
        .where(
            col(Task.id).in_(_council_obstacles_statement()),
            col(Task.state) != TaskState.CANCELLED,
        ),
    )


def _overview_lines(
    session: Session, council_id: int, codes: set[str], now: datetime, due_soon_days: int
) -> list[TaskLine]:
    """The tasks the overview page lists (see ``_overview_lines_statement``), each once."""
    rows = session.execute(
        _overview_lines_statement(),
        {"council_id": council_id, "codes": sorted(codes), **_moments(now, due_soon_days)},
    ).all()
    obstructed = {row[0] for row in rows if row[-1]}
    lines: dict[int, TaskLine] = {}
    for *columns, _flag in rows:
        line = TaskLine(*columns)
        category = categorize(line, now, due_soon_days=due_soon_days)
        values: tuple[Any, ...] = (*columns, category, line.id in obstructed)
        lines[line.id] = TaskLine(*values)  # an urgent task with an obstacle comes twice
    return list(lines.values())


def agency_tasks(
    *,
    session: Session,
    agency: Agency,
    council_ids: Iterable[int],
    now: datetime,
    due_soon_days: int,
) -> list[TaskLine]:
    """Tasks the agency leads or co-operates on, in the given councils, most urgent first."""
    followed = select(TaskCouncil.task_id).where(col(TaskCouncil.council_id).in_(council_ids))
    co_tasks = select(TaskCoAgency.task_id).where(TaskCoAgency.agency_id == agency.id)
    query = _task_columns().where(
        col(Task.id).in_(followed),
        (col(Task.lead_agency_id) == agency.id) | col(Task.id).in_(co_tasks),
    )
    lines = _lines(session, query, now, due_soon_days)
    return _by_severity([line for line in lines if line.category != Category.CANCELLED])


def directive_tasks(
    *,
    session: Session,
    directive: Directive,
    council_ids: Iterable[int],
    now: datetime,
    due_soon_days: int,
) -> list[TaskLine]:
    """The directive's tasks followed by the given councils, in clause order."""
    followed = select(TaskCouncil.task_id).where(col(TaskCouncil.council_id).in_(council_ids))
    query = (
        _task_columns()
        .where(col(Task.directive_id) == directive.id, col(Task.id).in_(followed))
        .order_by(col(Task.clause), col(Task.id))
    )
    return _lines(session, query, now, due_soon_days)


def upcoming_meetings(
    *, session: Session, council_ids: Iterable[int], now: datetime, limit: int = 20
) -> list[MeetingLine]:
    """Planned meetings that have not ended: dated ones by time, then those with only a period."""
    rows = session.execute(
        sa_select(
            col(Meeting.id),
            col(Meeting.title),
            col(Meeting.when_text),
            col(Meeting.starts_at),
            col(Meeting.window_start),
            col(Meeting.window_end),
            col(Meeting.place),
        )
        .where(
            col(Meeting.council_id).in_(list(council_ids)),
            col(Meeting.state) == MeetingState.PLANNED,
        )
        .order_by(col(Meeting.starts_at).is_(None), col(Meeting.starts_at), col(Meeting.id))
    ).all()
    lines = [MeetingLine(*row) for row in rows]
    current = [
        line
        for line in lines
        if (line.starts_at and line.starts_at >= now)
        or (line.starts_at is None and (line.window_end is None or line.window_end >= now))
    ]
    return current[:limit]


NEWEST_UPDATE_FIRST = (col(ProgressUpdate.created_at).desc(), col(ProgressUpdate.id).desc())


def ranked_updates(task_ids: Any) -> Subquery:
    """Each update of these tasks with its rank among its task's updates, newest first (1)."""
    return (
        sa_select(
            col(ProgressUpdate.id),
            func.row_number()
            .over(partition_by=col(ProgressUpdate.task_id), order_by=NEWEST_UPDATE_FIRST)
            .label("rank"),
        )
        .where(col(ProgressUpdate.task_id).in_(task_ids))
        .subquery()
    )
