"""A task locked for a change, read with the councils and agencies that decide who may change
it: one statement where reading the scope apart took two (issue 16, statements per update)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Task, TaskCoAgency, TaskCouncil
from db.permissions import TaskScope


def decode_ids(value: Any) -> frozenset[int]:
    """A JSON array of ids as the database returns it (text on SQLite, decoded on PostgreSQL)."""
    decoded = json.loads(value) if isinstance(value, str) else value
    return frozenset(int(item) for item in decoded or ())


def lock_task_with_scope(*, session: Session, task_id: int) -> tuple[Task, TaskScope] | None:
    """``SELECT … FOR UPDATE`` the task (PostgreSQL; SQLite has one writer at a time), as
    db.tasks.lock_task, with its scope (db.tasks.task_scope); None if there is no such task."""
    postgres = session.get_bind().dialect.name == "postgresql"
    aggregate = func.json_agg if postgres else func.json_group_array
    councils = (
        sa_select(aggregate(col(TaskCouncil.council_id)))
        .where(col(TaskCouncil.task_id) == col(Task.id))
        .scalar_subquery()
    )
    co_agencies = (
        sa_select(aggregate(col(TaskCoAgency.agency_id)))
        .where(col(TaskCoAgency.task_id) == col(Task.id))
        .scalar_subquery()
    )
    row = session.exec(
        select(Task, councils, co_agencies)
        .where(col(Task.id) == task_id)
        .with_for_update(of=Task)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        return None
    task, council_ids, co_agency_ids = row
    return task, TaskScope(
        council_ids=decode_ids(council_ids),
        lead_agency_id=task.lead_agency_id,
        co_agency_ids=decode_ids(co_agency_ids),
    )
