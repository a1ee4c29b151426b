"""A task's history from the audit trail, for those who may see the task."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from db.imports import Change
from db.models import Agency, AuditLog, Council
from db.permissions import Actor
from db.tasks import visible_task

PAGE_SIZE = 10
# Bookkeeping that says nothing to a reader of the history.
HIDDEN_FIELDS = frozenset({"directive_id", "update_id"})
AGENCY_FIELDS = frozenset({"lead_agency_id", "agency_id"})
AGENCY_LIST_FIELDS = frozenset({"co_agency_ids"})
COUNCIL_FIELDS = frozenset({"council_id"})
COUNCIL_LIST_FIELDS = frozenset({"council_ids"})


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    action: str
    changes: tuple[Change, ...]  # for edits: the fields that differ, ids shown as codes


@dataclass(frozen=True)
class TaskHistory:
    task_id: int
    clause: str | None
    title: str
    entries: tuple[HistoryEntry, ...]  # newest first
    page: int  # from 0
    pages: int


def task_history(
    *, session: Session, actor: Actor, task_id: int, page: int = 0, page_size: int = PAGE_SIZE
) -> TaskHistory:
    """One page of the task's audit rows, newest first; refused unless the actor may see it."""
    task, _ = visible_task(session=session, actor=actor, task_id=task_id)
    assert task.id is not None
    where = (col(AuditLog.entity) == "task", col(AuditLog.entity_id) == task.id)
    total = session.exec(select(func.count()).select_from(AuditLog).where(*where)).one()
    pages = max(1, -(-total // page_size))
    page = min(max(page, 0), pages - 1)
    rows = session.exec(
        select(AuditLog)
        .where(*where)
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
        .offset(page * page_size)
        .limit(page_size)
    ).all()
    names = _Names(session)
    entries = tuple(
        HistoryEntry(
            at=row.at,
            who=row.actor_label,
            action=row.action,
            changes=_changes(row.before, row.after, names),
        )
        for row in rows
    )
    return TaskHistory(task.id, task.clause, task.title, entries, page, pages)


def _changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, names: _Names
) -> tuple[Change, ...]:
    """Fields whose value differs; nothing for a creation (the task itself is shown)."""
    if before is None or after is None:
        return ()
    return tuple(
        Change(key, names.show(key, before.get(key)), names.show(key, after[key]))
        for key in after
        if key not in HIDDEN_FIELDS and before.get(key) != after[key]
    )


class _Names:
    """Agency and council codes for the ids stored in audit rows."""

    def __init__(self, session: Session) -> None:
        self.agencies = {a.id: a.code for a in session.exec(select(Agency))}
        self.councils = {c.id: c.code for c in session.exec(select(Council))}

    def show(self, key: str, value: Any) -> str | None:
        if value is None or value == []:
            return None
        if key in AGENCY_FIELDS:
            return self.agencies.get(value, str(value))
        if key in COUNCIL_FIELDS:
            return self.councils.get(value, str(value))
        if key in AGENCY_LIST_FIELDS:
            return ", ".join(sorted(self.agencies.get(item, str(item)) for item in value))
        if key in COUNCIL_LIST_FIELDS:
            return ", ".join(sorted(self.councils.get(item, str(item)) for item in value))
        return str(value)
