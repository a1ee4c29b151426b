"""What a task card shows (/tasks, /status <task>): the task's agencies, its directive, its
newest updates, an open obstacle, a recurring task's period at hand and record.

All of it is read in one statement, whatever the number of tasks (issue 16, statements per
update): a ``UNION ALL`` of (kind, row id, task, rank) keys — the lead agencies, the
co-agencies, the updates, the periods, the directives — outer-joined to each table by primary
key, so every row comes back as the model it is, with no JSON and no column juggling.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, and_, bindparam, cast, literal_column, null, or_, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from db.models import (
    Agency,
    Directive,
    Member,
    ProgressUpdate,
    Task,
    TaskCoAgency,
    TaskOccurrence,
    UpdateKind,
)
from db.recurring import CurrentPeriod, periods_at_hand
from db.reports import open_obstacle, ranked_updates
from db.status import Category, categorize

LEAD, CO_AGENCY, UPDATE, PERIOD, DIRECTIVE = "a", "c", "u", "o", "d"
_EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class TaskDetails:
    task: Task
    lead: Agency
    co_agencies: list[Agency]
    directive_number: str | None
    category: Category
    obstacle: bool
    updates: list[tuple[ProgressUpdate, Member | None]]
    period: CurrentPeriod | None = None  # a recurring task's period at hand (db.recurring)


def task_details(
    *, session: Session, task: Task, now: datetime, due_soon_days: int, updates: int = 5
) -> TaskDetails:
    """Everything a task card shows (the caller has checked the actor may see the task)."""
    (details,) = tasks_details(
        session=session, tasks=[task], now=now, due_soon_days=due_soon_days, updates=updates
    )
    return details


def _key(kind: str, ref: Any, task_id: Any = None, rank: Any = None) -> Any:
    # Typed NULLs: PostgreSQL would read a column of bare NULLs as text in the UNION.
    nothing = cast(null(), Integer)
    return sa_select(
        literal_column(f"'{kind}'").label("kind"),
        ref.label("ref"),
        (task_id if task_id is not None else nothing).label("task_id"),
        (rank if rank is not None else nothing).label("rank"),
    )


def _listed(name: str) -> Any:
    return bindparam(name, expanding=True)


@cache
def _cards_statement() -> Any:
    """The rows the cards of the tasks :ids need: (kind, ref: the row's id, task_id, rank)
    keys joined to the row they name. Built once, with bound parameters (:ids, :leads,
    :recurring, :directives, :updates): building it cost about as much as running it."""
    ranked = ranked_updates(_listed("ids"))
    keys = union_all(
        _key(LEAD, col(Agency.id)).where(col(Agency.id).in_(_listed("leads"))),
        _key(CO_AGENCY, col(TaskCoAgency.agency_id), col(TaskCoAgency.task_id)).where(
            col(TaskCoAgency.task_id).in_(_listed("ids"))
        ),
        # The newest updates and any open obstacle however old.
        _key(UPDATE, col(ProgressUpdate.id), rank=ranked.c.rank)
        .join(ranked, ranked.c.id == col(ProgressUpdate.id))
        .where(or_(ranked.c.rank <= bindparam("updates"), open_obstacle())),
        _key(PERIOD, col(TaskOccurrence.id)).where(
            col(TaskOccurrence.task_id).in_(_listed("recurring"))
        ),
        _key(DIRECTIVE, col(Directive.id)).where(col(Directive.id).in_(_listed("directives"))),
    ).subquery("card_keys")

    def joined(kinds: tuple[str, ...], model_id: Any) -> Any:
        named: list[Any] = [literal_column(f"'{kind}'") for kind in kinds]
        return and_(keys.c.kind.in_(named), model_id == keys.c.ref)

    return (
        sa_select(
            keys.c.kind,
            keys.c.ref,
            keys.c.task_id,
            keys.c.rank,
            Agency,
            ProgressUpdate,
            Member,
            TaskOccurrence,
            col(Directive.number),
        )
        .select_from(keys)
        .outerjoin(Agency, joined((LEAD, CO_AGENCY), col(Agency.id)))
        .outerjoin(ProgressUpdate, joined((UPDATE,), col(ProgressUpdate.id)))
        .outerjoin(Member, col(Member.id) == col(ProgressUpdate.author_id))
        .outerjoin(TaskOccurrence, joined((PERIOD,), col(TaskOccurrence.id)))
        .outerjoin(Directive, joined((DIRECTIVE,), col(Directive.id)))
    )


def tasks_details(
    *,
    session: Session,
    tasks: Sequence[Task],
    now: datetime,
    due_soon_days: int,
    updates: int = 5,
) -> list[TaskDetails]:
    """The cards of several tasks in one statement, whatever their number: /tasks shows five."""
    ids = [task.id for task in tasks if task.id is not None]
    if not ids:
        return []
    rows = session.execute(
        _cards_statement(),
        {
            "ids": ids,
            "leads": sorted({task.lead_agency_id for task in tasks}),
            "recurring": [task.id for task in tasks if task.recurrence is not None],
            "directives": sorted({t.directive_id for t in tasks if t.directive_id is not None}),
            "updates": updates,
        },
    ).all()
    agencies: dict[int | None, Agency] = {}
    co_agencies: dict[int, list[Agency]] = defaultdict(list)
    recent: dict[int, list[tuple[ProgressUpdate, Member | None]]] = defaultdict(list)
    obstacles: set[int] = set()
    periods: dict[int, list[TaskOccurrence]] = defaultdict(list)
    numbers: dict[int, str] = {}
    for kind, ref, task_id, rank, agency, update, author, period, number in rows:
        if kind == LEAD:
            agencies[agency.id] = agency
        elif kind == CO_AGENCY:
            co_agencies[task_id].append(agency)
        elif kind == UPDATE:
            if update.kind == UpdateKind.OBSTACLE and update.resolved_at is None:
                obstacles.add(update.task_id)
            if rank <= updates:
                recent[update.task_id].append((update, author))
        elif kind == PERIOD:
            periods[period.task_id].append(period)
        elif kind == DIRECTIVE:
            numbers[ref] = number
    for listed in recent.values():  # newest first, as NEWEST_UPDATE_FIRST orders them
        listed.sort(key=lambda pair: (pair[0].created_at or _EARLIEST, pair[0].id or 0))
        listed.reverse()
    for rows_of_task in periods.values():  # in order of deadline (db.recurring.periods_of)
        rows_of_task.sort(key=lambda row: (row.original_deadline, row.period_end, row.id or 0))
    current = periods_at_hand(periods, now, due_soon_days)
    return [
        TaskDetails(
            task=task,
            lead=agencies[task.lead_agency_id],
            co_agencies=sorted(co_agencies.get(task.id or 0, []), key=lambda a: a.code),
            directive_number=numbers.get(task.directive_id) if task.directive_id else None,
            category=categorize(task, now, due_soon_days=due_soon_days),
            obstacle=task.id in obstacles,
            updates=recent.get(task.id or 0, []),
            period=current.get(task.id or 0),
        )
        for task in tasks
    ]
