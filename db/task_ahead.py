"""A task read ahead with an update's inbox row, and written only if it is still as read
(issue 16, statements per update: the reply's lock and read of the task saved).

The task a reply answers is read, with the councils and agencies that decide who may change it,
by the statement that stores the update (db/inbox.py), as one JSON array: every column of the
row and the two lists (:func:`task_state_sql`). The change is then an
``UPDATE task … WHERE id = … AND <that same array> = <the array read> RETURNING task``: it
applies only to a row whose every column and scope are as read, so what was checked (rights,
state, deadline) and the audit row's "before" still hold when it writes. On PostgreSQL an
update that waits for another's lock compares the row that other left. When it matches no row
(the task was changed, moved, closed or deleted meanwhile) nothing was written and the caller
takes today's path: lock the task and read it again (db/locked_task.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Table, cast, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.types import Text
from sqlmodel import Session, col

from db.locked_task import decode_ids
from db.models import Task, TaskCoAgency, TaskCouncil
from db.permissions import TaskScope
from db.types import UTCDateTime

_TASKS: Table = Task.__table__  # type: ignore[attr-defined]
_COUNCILS: Table = TaskCouncil.__table__  # type: ignore[attr-defined]
_CO_AGENCIES: Table = TaskCoAgency.__table__  # type: ignore[attr-defined]
_COLUMNS = [column.name for column in _TASKS.columns]


def task_state_sql(dialect_name: str, task: FromClause) -> ColumnElement[Any]:
    """The task row ``task`` (the table or an alias of it) and its scope as JSON text: every
    column in table order, then its councils' ids, then its co-operating agencies' ids. The
    same expression reads ahead and checks before writing, so equal text means an equal row."""
    postgres = dialect_name == "postgresql"
    councils = _COUNCILS.alias("state_council")
    co_agencies = _CO_AGENCIES.alias("state_co_agency")

    def ids(table: FromClause, column: str) -> ColumnElement[Any]:
        values = table.c[column]
        aggregate = (
            func.jsonb_agg(aggregate_order_by(values, values))
            if postgres
            else func.json_group_array(values)
        )
        return (
            sa_select(aggregate)
            .where(table.c.task_id == task.c.id)
            .correlate(task)
            .scalar_subquery()
        )

    array = func.jsonb_build_array if postgres else func.json_array
    state = array(
        *(task.c[name] for name in _COLUMNS),
        ids(councils, "council_id"),
        ids(co_agencies, "agency_id"),
    )
    # jsonb's text is canonical; SQLite's json_array returns text already.
    return cast(state, Text) if postgres else state


@dataclass(frozen=True)
class TaskAhead:
    """A task as read ahead: the text to compare (:func:`task_state_sql`), the row's values
    (only those a check or the audit row reads are decoded) and its scope."""

    state: str
    task: Task  # not in any session: the values as read, never written through
    scope: TaskScope
    recurring: bool


def _utc(value: Any) -> datetime | None:
    """A timestamp as JSON has it: SQLite's stored text, PostgreSQL's ISO form; naive UTC."""
    if value is None:
        return None
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def _decoded(value: Any) -> Any:
    """A JSON column as embedded: text on SQLite (``"null"`` for none), decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def task_ahead(state: Any) -> TaskAhead | None:
    """Decode what :func:`task_state_sql` returned (None: no task was read)."""
    if not isinstance(state, str):
        return None
    values = dict(zip([*_COLUMNS, "councils", "co_agencies"], json.loads(state), strict=True))
    fields: dict[str, Any] = {}
    for name in _COLUMNS:
        if name == "recurrence":
            continue  # a recurring task takes the locked path (its periods are read there)
        value = values[name]
        fields[name] = _utc(value) if isinstance(_TASKS.c[name].type, UTCDateTime) else value
    task = Task(**fields)
    return TaskAhead(
        state=state,
        task=task,
        scope=TaskScope(
            council_ids=decode_ids(values["councils"]),
            lead_agency_id=task.lead_agency_id,
            co_agency_ids=decode_ids(values["co_agencies"]),
        ),
        recurring=_decoded(values["recurrence"]) is not None,
    )


def update_if_unchanged(
    *, session: Session, ahead: TaskAhead, changes: dict[str, Any]
) -> Task | None:
    """Apply ``changes`` to the task if its row and scope are still as read ahead: the task as
    written, or None (nothing written) when it changed or is gone."""
    dialect_name = session.get_bind().dialect.name
    return session.exec(
        update(Task)
        .where(
            col(Task.id) == ahead.task.id,
            task_state_sql(dialect_name, _TASKS) == ahead.state,
        )
        .values(changes)
        .returning(Task)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).scalar_one_or_none()
