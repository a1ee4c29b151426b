"""The council overview counts in SQL; those counts must be exactly what categorize() says."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from db.models import Agency, AgencyKind, Council, Task, TaskCouncil, TaskState
from db.reports import category_counts, council_overview
from db.status import Category, categorize

NOW = datetime(2023, 11, 20, 2, 0, tzinfo=UTC)
DUE_SOON_DAYS = 7
# Around every boundary categorize() has: now, the due-soon horizon, and each other.
OFFSETS: tuple[timedelta | None, ...] = (
    None,
    timedelta(days=-30),
    timedelta(seconds=-1),
    timedelta(0),
    timedelta(seconds=1),
    timedelta(days=DUE_SOON_DAYS),
    timedelta(days=DUE_SOON_DAYS, seconds=1),
    timedelta(days=40),
)


def _at(offset: timedelta | None) -> datetime | None:
    return None if offset is None else NOW + offset


def _every_kind_of_task() -> list[Task]:
    tasks = []
    for state, original, approved, finished in itertools.product(
        list(TaskState), OFFSETS, OFFSETS[:4] + OFFSETS[5:6], OFFSETS[:5]
    ):
        tasks.append(
            Task(
                lead_agency_id=1,
                title=f"{state} {original} {approved} {finished}",
                state=state,
                original_deadline=_at(original),
                approved_deadline=_at(approved),
                completion_reported_at=_at(finished) if state == TaskState.DONE else None,
                completed_at=_at(finished),
                created_at=NOW,
                updated_at=NOW,
            )
        )
    return tasks


def test_sql_counts_agree_with_categorize_at_every_boundary(engine: Engine) -> None:
    with Session(engine) as session:
        council = Council(code="DBSH", name_vi="Hội đồng", name_en="Council", created_at=NOW)
        session.add(council)
        session.add(Agency(id=1, code="BKHDT", name_vi="Bộ", name_en="MPI", kind=AgencyKind.OTHER))
        session.flush()
        tasks = _every_kind_of_task()
        session.add_all(tasks)
        session.flush()
        session.add_all(
            TaskCouncil(task_id=task.id or 0, council_id=council.id or 0) for task in tasks
        )
        session.commit()

        expected: dict[Category, int] = {}
        for task in tasks:
            category = categorize(task, NOW, due_soon_days=DUE_SOON_DAYS)
            expected[category] = expected.get(category, 0) + 1
        counted = category_counts(
            session=session,
            task_ids=select(TaskCouncil.task_id),
            now=NOW,
            due_soon_days=DUE_SOON_DAYS,
        )
        overview = council_overview(
            session=session, council=council, now=NOW, due_soon_days=DUE_SOON_DAYS
        )

    assert len(expected) == len(Category)  # the product reaches every category
    assert counted == expected
    assert overview.total == len(tasks) - expected[Category.CANCELLED]
    listed = {line.id for line in overview.attention}
    urgent = {
        task.id
        for task in tasks
        if categorize(task, NOW, due_soon_days=DUE_SOON_DAYS)
        in (Category.OVERDUE, Category.DUE_SOON)
    }
    assert listed == urgent
