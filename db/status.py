"""The Government Office's status model for assigned tasks, derived at the moment it is shown.

Status is never stored: it follows from the task's deadline, state and the clock, so it can never
be stale. "Có vướng mắc" (an open obstacle) is a flag on top of the category.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import ColumnElement, case, func

from db.models import TaskState

DEFAULT_DUE_SOON_DAYS = 7


class Category(StrEnum):
    ON_TIME = "on_time"  # Đang thực hiện – trong hạn
    DUE_SOON = "due_soon"  # Sắp đến hạn
    OVERDUE = "overdue"  # Quá hạn
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # Chờ xác nhận
    DONE_ON_TIME = "done_on_time"  # Hoàn thành đúng hạn
    DONE_LATE = "done_late"  # Hoàn thành quá hạn
    NO_DEADLINE = "no_deadline"  # Không có hạn
    CANCELLED = "cancelled"  # not counted in the overview


# The order in which categories are listed in reports.
CATEGORY_ORDER: tuple[Category, ...] = (
    Category.OVERDUE,
    Category.DUE_SOON,
    Category.ON_TIME,
    Category.AWAITING_CONFIRMATION,
    Category.DONE_ON_TIME,
    Category.DONE_LATE,
    Category.NO_DEADLINE,
)


class TaskDates(Protocol):
    """What categorizing needs: a Task, or a report line with the same fields."""

    @property
    def state(self) -> str: ...
    @property
    def original_deadline(self) -> datetime | None: ...
    @property
    def approved_deadline(self) -> datetime | None: ...
    @property
    def completion_reported_at(self) -> datetime | None: ...
    @property
    def completed_at(self) -> datetime | None: ...


def deadline_in_force(task: TaskDates) -> datetime | None:
    """The approved deadline: the original one unless an extension was approved."""
    return task.approved_deadline or task.original_deadline


def finished_at(task: TaskDates) -> datetime | None:
    """When a done task counts as finished: when completion was reported, else confirmed."""
    return task.completion_reported_at or task.completed_at


def categorize(
    task: TaskDates, now: datetime, *, due_soon_days: int = DEFAULT_DUE_SOON_DAYS
) -> Category:
    """The task's category at ``now``."""
    deadline = deadline_in_force(task)
    if task.state == TaskState.CANCELLED:
        return Category.CANCELLED
    if task.state == TaskState.DONE:
        finished = finished_at(task)
        if deadline is None or finished is None or finished <= deadline:
            return Category.DONE_ON_TIME
        return Category.DONE_LATE
    if task.state == TaskState.REPORTED_DONE:
        return Category.AWAITING_CONFIRMATION
    if deadline is None:
        return Category.NO_DEADLINE
    if now > deadline:
        return Category.OVERDUE
    if deadline - now <= timedelta(days=due_soon_days):
        return Category.DUE_SOON
    return Category.ON_TIME


def category_sql(dates: Any, now: Any, soon: Any) -> ColumnElement[str]:
    """:func:`categorize` as SQL over ``dates`` (the Task or TaskOccurrence model), at the
    moments ``now`` and ``soon`` (the due-soon horizon; bound parameters), so that counts come
    from one GROUP BY. The two must agree; tests/db/test_reports.py checks them."""
    deadline = func.coalesce(dates.approved_deadline, dates.original_deadline)
    finished = func.coalesce(dates.completion_reported_at, dates.completed_at)
    done = case(
        (
            deadline.is_(None) | finished.is_(None) | (finished <= deadline),
            Category.DONE_ON_TIME.value,
        ),
        else_=Category.DONE_LATE.value,
    )
    return case(
        (dates.state == TaskState.CANCELLED, Category.CANCELLED.value),
        (dates.state == TaskState.DONE, done),
        (dates.state == TaskState.REPORTED_DONE, Category.AWAITING_CONFIRMATION.value),
        (deadline.is_(None), Category.NO_DEADLINE.value),
        (deadline < now, Category.OVERDUE.value),
        (deadline <= soon, Category.DUE_SOON.value),
        else_=Category.ON_TIME.value,
    )
