"""Tasks: assignment, edits and the secretariat's decisions (agencies' updates:
db/task_updates.py).

Every function checks the actor's right on this very task (db.permissions), changes the rows,
and writes the audit row in the same session. The caller commits (and only then tells anyone).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import literal
from sqlmodel import Session, col, func, select

from db.audit import record, snapshot
from db.errors import Forbidden, InvalidInput, NotFound
from db.models import (
    Agency,
    Council,
    ProgressUpdate,
    Task,
    TaskCoAgency,
    TaskCouncil,
    TaskState,
    UpdateKind,
)
from db.once import claim
from db.permissions import (
    Access,
    Actor,
    TaskScope,
    may_close_obstacle,
    may_manage_task,
    may_report_for_lead,
    may_see_task,
    may_update_task,
)
from db.recurring import (
    ScheduleReading,
    decide_period,
    end_future_periods,
    extend_period,
    set_schedule,
    sync_task,
)
from db.text_input import clean_code, clean_text

TITLE_LIMIT = 2000
PERCENT_FIRST = re.compile(
    r"^\s*([-+−–]?\s*\d{1,12}(?:[.,]\d+)?)\s*[%％][\s,.:;-]*(.*)$", re.DOTALL
)
UPDATE_TEXT_LIMIT = 3000
AUDITED_TASK_FIELDS = (
    "title",
    "lead_agency_id",
    "due_text",
    "original_deadline",
    "approved_deadline",
    "state",
    "percent",
)


@dataclass(frozen=True)
class DueReading:
    """A deadline as written and as read (see schedules.dates.DueWindow), in UTC."""

    text: str
    start: datetime
    end: datetime
    precision: str


@dataclass(frozen=True)
class Attachment:
    file_id: str
    kind: str  # "document" or "photo"


# --- reading ---------------------------------------------------------------------------------


def task_scope(*, session: Session, task: Task) -> TaskScope:
    assert task.id is not None
    # One statement for both lists (issue 16: statements per update).
    councils: Any = select(
        literal("c").label("side"), col(TaskCouncil.council_id).label("ref")
    ).where(TaskCouncil.task_id == task.id)
    agencies = select(literal("a"), col(TaskCoAgency.agency_id)).where(
        TaskCoAgency.task_id == task.id
    )
    rows = session.exec(councils.union_all(agencies)).all()
    return TaskScope(
        council_ids=frozenset(ref for side, ref in rows if side == "c"),
        lead_agency_id=task.lead_agency_id,
        co_agency_ids=frozenset(ref for side, ref in rows if side == "a"),
    )


def get_task(*, session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound("task_not_found", task_id=task_id)
    return task


def lock_task(*, session: Session, task_id: int) -> Task | None:
    """``SELECT … FOR UPDATE`` the task (PostgreSQL; SQLite has one writer at a time): whoever
    changes its summary fields next waits for this transaction."""
    return session.get(Task, task_id, with_for_update=True, populate_existing=True)


def visible_task(*, session: Session, actor: Actor, task_id: int) -> tuple[Task, TaskScope]:
    """The task and its scope, if the actor may see it (else NotFound/Forbidden)."""
    task = get_task(session=session, task_id=task_id)
    scope = task_scope(session=session, task=task)
    if not may_see_task(actor, scope):
        raise Forbidden()
    return task, scope


def changeable_task(*, session: Session, actor: Actor, task_id: int) -> tuple[Task, TaskScope]:
    """The task, if the actor may change it (db.permissions: a shared task only by a
    secretariat of every council that follows it); the refusal names the other councils."""
    task, scope = visible_task(session=session, actor=actor, task_id=task_id)
    if may_manage_task(actor, scope):
        return task, scope
    if actor.is_secretariat_of_any(scope.council_ids):
        others = session.exec(
            select(Council.code)
            .where(col(Council.id).in_(scope.council_ids))
            .order_by(col(Council.code))
        ).all()
        raise Forbidden("task_shared_forbidden", task_id=task_id, councils=", ".join(others))
    raise Forbidden()


LEAD_ONLY = frozenset({UpdateKind.COMPLETION, UpdateKind.EXTENSION_REQUEST})


def reportable_task(
    *,
    session: Session,
    actor: Actor,
    task_id: int,
    kind: UpdateKind,
    loaded: tuple[Task, TaskScope] | None = None,
) -> Task:
    """The task, if the actor may post an update of ``kind`` on it now: asked when a card's
    button is pressed (before prompting) and again when the update is stored (``loaded``: the
    task and its scope, already read)."""
    if loaded is None:
        task, scope = visible_task(session=session, actor=actor, task_id=task_id)
    elif may_see_task(actor, loaded[1]):
        task, scope = loaded
    else:
        raise Forbidden()
    if kind in LEAD_ONLY and not may_report_for_lead(actor, scope):
        if may_update_task(actor, scope):  # a co-operating agency: say who reports instead
            raise Forbidden("update_lead_only", task_id=task_id)
        raise Forbidden("update_not_your_agency")
    if not may_update_task(actor, scope):
        raise Forbidden("update_not_your_agency")
    require_not_closed(task)
    return task


def latest_updates(*, session: Session, task_id: int, limit: int = 5) -> list[ProgressUpdate]:
    rows = session.exec(
        select(ProgressUpdate)
        .where(ProgressUpdate.task_id == task_id)
        .order_by(col(ProgressUpdate.created_at).desc(), col(ProgressUpdate.id).desc())
        .limit(limit)
    ).all()
    return list(rows)


def open_tasks_page(
    *,
    session: Session,
    agency_ids: Iterable[int],
    council_ids: Iterable[int],
    offset: int,
    limit: int,
) -> tuple[list[Task], int]:
    """A page of the open tasks (lead or co-operating) of the agencies in the given councils,
    by deadline, and how many there are in all."""
    agencies, councils = set(agency_ids), set(council_ids)
    if not agencies or not councils:
        return [], 0
    co_task_ids = select(TaskCoAgency.task_id).where(col(TaskCoAgency.agency_id).in_(agencies))
    followed = select(TaskCouncil.task_id).where(col(TaskCouncil.council_id).in_(councils))
    conditions = (
        col(Task.state).in_((TaskState.OPEN, TaskState.REPORTED_DONE)),
        col(Task.id).in_(followed),
        col(Task.lead_agency_id).in_(agencies) | col(Task.id).in_(co_task_ids),
    )
    # The page and the total in one statement (issue 16): count(*) over the whole selection.
    rows = session.exec(
        select(Task, func.count().over())
        .where(*conditions)
        .order_by(col(Task.approved_deadline).is_(None), col(Task.approved_deadline), col(Task.id))
        .offset(offset)
        .limit(limit)
    ).all()
    if rows:
        return [task for task, _ in rows], int(rows[0][1])
    if offset == 0:
        return [], 0
    # A page past the end (a stale "more" button): count on its own.
    return [], session.exec(select(func.count()).select_from(Task).where(*conditions)).one()


# --- assignment and edits --------------------------------------------------------------------


def agency_by_code(*, session: Session, code: str) -> Agency:
    agency = session.exec(select(Agency).where(Agency.code == clean_code(code))).first()
    if agency is None:
        raise InvalidInput("agency_unknown", code=code.strip())
    return agency


def create_task(
    *,
    session: Session,
    actor: Actor,
    council: Council,
    lead: Agency,
    co_agencies: Sequence[Agency],
    title: str,
    due: DueReading | None,
    now: datetime,
    recurring: ScheduleReading | None = None,
    tz: str = "Asia/Ho_Chi_Minh",
) -> Task:
    """Assign a task to ``lead`` (with ``co_agencies``) in ``council``; ``recurring`` makes it
    a periodic duty (db.recurring) whose deadline fields follow its current period."""
    assert council.id is not None and lead.id is not None
    if not actor.allows(Access.SECRETARIAT, council.id):
        raise Forbidden()
    title = clean_title(title)
    task = Task(
        lead_agency_id=lead.id,
        title=title,
        created_at=now,
        updated_at=now,
    )
    _apply_due(task, due)
    session.add(task)
    session.flush()
    assert task.id is not None
    if recurring is not None:
        task.due_text = recurring.text
        set_schedule(
            session=session, task=task, schedule=recurring.schedule, now=now, until=now, tz=tz
        )
    session.add(TaskCouncil(task_id=task.id, council_id=council.id))
    for agency in _distinct(co_agencies, exclude=lead.id):
        assert agency.id is not None
        session.add(TaskCoAgency(task_id=task.id, agency_id=agency.id))
    record(
        session=session,
        at=now,
        actor=actor,
        action="task.create",
        entity="task",
        entity_id=task.id,
        after={
            **snapshot(task, AUDITED_TASK_FIELDS),
            "council_id": council.id,
            "co_agency_ids": [agency.id for agency in _distinct(co_agencies, exclude=lead.id)],
        },
    )
    return task


def edit_task(
    *,
    session: Session,
    actor: Actor,
    task_id: int,
    now: datetime,
    title: str | None = None,
    due: DueReading | None = None,
    lead: Agency | None = None,
    schedule: ScheduleReading | None = None,
    tz: str = "Asia/Ho_Chi_Minh",
) -> Task:
    """Change a task's title, deadline (the original one) or lead agency, or make a one-off
    task recurring (``schedule``). A recurring task's schedule is never changed: its periods
    may already be reported (cancel it and assign it again)."""
    locked = lock_task(session=session, task_id=task_id)  # held: read again just below
    task, scope = changeable_task(session=session, actor=actor, task_id=task_id)
    assert locked is None or locked is task
    require_not_closed(task)
    before = snapshot(task, AUDITED_TASK_FIELDS)
    if title is not None:
        task.title = clean_title(title)
    if (due is not None or schedule is not None) and task.recurrence is not None:
        raise InvalidInput("recurrence_due_fixed", task_id=task_id)
    if schedule is not None:
        if task.state != TaskState.OPEN:
            # A reported completion or a pending request belongs to the one-off deadline.
            raise InvalidInput("recurrence_edit_not_open", task_id=task_id)
        task.due_text = schedule.text
        set_schedule(
            session=session, task=task, schedule=schedule.schedule, now=now, until=now, tz=tz
        )
    if due is not None:
        _apply_due(task, due)
    if lead is not None:
        assert lead.id is not None
        if lead.id in scope.co_agency_ids:
            # One agency is never both: the secretariat decides who co-operates instead.
            raise InvalidInput("edit_lead_is_co", task_id=task_id, code=lead.code)
        task.lead_agency_id = lead.id
    task.updated_at = now
    session.add(task)
    record(
        session=session,
        at=now,
        actor=actor,
        action="task.edit",
        entity="task",
        entity_id=task.id,
        before=before,
        after=snapshot(task, AUDITED_TASK_FIELDS),
    )
    return task


def cancel_task(*, session: Session, actor: Actor, task_id: int, now: datetime) -> Task:
    """Cancel an open task: confirm-once (db.once), a second press is already handled."""
    task, _scope = changeable_task(session=session, actor=actor, task_id=task_id)
    if task.state == TaskState.DONE:
        raise InvalidInput("task_closed", task_id=task.id)
    _claim_state(session, actor, task, OPEN_STATES, TaskState.CANCELLED, now, "task.cancel")
    if task.recurrence is not None:
        assert task.id is not None
        end_future_periods(session=session, task_id=task.id, now=now)
    return task


# --- the secretariat's decisions -------------------------------------------------------------


def decide_completion(
    *, session: Session, actor: Actor, task_id: int, accept: bool, now: datetime
) -> Task:
    """Confirm a reported completion (done) or send the task back (open again)."""
    task, _scope = changeable_task(session=session, actor=actor, task_id=task_id)
    if task.recurrence is not None:
        before = snapshot(task, AUDITED_TASK_FIELDS)
        period = decide_period(session=session, task=task, accept=accept, now=now)
        record(
            session=session,
            at=now,
            actor=actor,
            action="task.confirm_period" if accept else "task.reject_period_completion",
            entity="task",
            entity_id=task.id,
            before=before,
            after={**snapshot(task, AUDITED_TASK_FIELDS), "occurrence_id": period.id},
        )
        return task
    reported = (TaskState.REPORTED_DONE,)
    if accept:
        return _claim_state(
            session, actor, task, reported, TaskState.DONE, now, "task.confirm", completed_at=now
        )
    return _claim_state(
        session,
        actor,
        task,
        reported,
        TaskState.OPEN,
        now,
        "task.reject_completion",
        completion_reported_at=None,
    )


def decide_request(
    *, session: Session, actor: Actor, update_id: int, approve: bool, now: datetime
) -> tuple[Task, ProgressUpdate]:
    """Approve or reject an extension request, or close an obstacle (approve = resolved)."""
    update = session.get(ProgressUpdate, update_id)
    if update is None or update.kind not in (UpdateKind.EXTENSION_REQUEST, UpdateKind.OBSTACLE):
        raise NotFound("request_not_found")
    if update.kind == UpdateKind.OBSTACLE:
        task, scope = visible_task(session=session, actor=actor, task_id=update.task_id)
        if not may_close_obstacle(actor, scope):
            raise Forbidden()
    else:
        task, scope = changeable_task(session=session, actor=actor, task_id=update.task_id)
    before = snapshot(task, AUDITED_TASK_FIELDS)
    if update.kind == UpdateKind.OBSTACLE:
        resolution = "resolved"
    else:
        resolution = "approved" if approve else "rejected"
    # Confirm-once (db.once): the first decision wins, a second one is already handled.
    claim(
        session,
        ProgressUpdate,
        col(ProgressUpdate.id) == update_id,
        col(ProgressUpdate.resolved_at).is_(None),
        values={"resolved_at": now, "resolved_by": actor.member_id, "resolution": resolution},
        key="request_already_decided",
    )
    if update.kind != UpdateKind.OBSTACLE and approve and task.recurrence is not None:
        # A recurring task: the extension is the period's the request was about.
        extend_period(session=session, update=update, now=now)
        sync_task(session=session, task=task, now=now)
    elif update.kind != UpdateKind.OBSTACLE and approve:
        # The original deadline is kept; the approved one is what status is judged against.
        task.approved_deadline = update.requested_deadline
        task.updated_at = now
        session.add(task)
    record(
        session=session,
        at=now,
        actor=actor,
        action=f"task.{update.kind}.{update.resolution}",
        entity="task",
        entity_id=task.id,
        before=before,
        after={**snapshot(task, AUDITED_TASK_FIELDS), "update_id": update.id},
    )
    return task, update


def open_obstacles(*, session: Session, task_ids: Iterable[int]) -> dict[int, ProgressUpdate]:
    """The newest unresolved obstacle of each task that has one."""
    ids = set(task_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(ProgressUpdate)
        .where(
            col(ProgressUpdate.task_id).in_(ids),
            ProgressUpdate.kind == UpdateKind.OBSTACLE,
            col(ProgressUpdate.resolved_at).is_(None),
        )
        .order_by(col(ProgressUpdate.created_at))
    ).all()
    return {row.task_id: row for row in rows}


def pending_extension(*, session: Session, task_id: int) -> ProgressUpdate | None:
    return session.exec(
        select(ProgressUpdate)
        .where(
            ProgressUpdate.task_id == task_id,
            ProgressUpdate.kind == UpdateKind.EXTENSION_REQUEST,
            col(ProgressUpdate.resolved_at).is_(None),
        )
        .order_by(col(ProgressUpdate.created_at).desc())
    ).first()


# --- helpers ---------------------------------------------------------------------------------


def split_percent(text: str) -> tuple[int | None, str]:
    """ "60% đã trình dự thảo" → (60, "đã trình dự thảo"); a text without one → (None, text).

    The one rule for percentages: whatever is written as one at the start ("1000%", "-5%",
    "12,5%", "１５０％") is a whole number from 0 to 100, or the update is refused.
    """
    match = PERCENT_FIRST.match(text)
    if match is None:
        return None, text.strip()
    written = unicodedata.normalize("NFKC", match.group(1)).replace(" ", "")
    if not (written.isascii() and written.isdigit()) or int(written) > 100:
        raise InvalidInput("percent_invalid")
    return int(written), match.group(2).strip()


def clean_title(title: str) -> str:
    """A task's title as stored: normalized, one line, within TITLE_LIMIT (checked before the
    preview too)."""
    return clean_text(title, limit=TITLE_LIMIT, multiline=False, empty_key="task_title_missing")


def _apply_due(task: Task, due: DueReading | None) -> None:
    """Set the deadline as written and read; an edit moves the original deadline too, but an
    approved extension later than the new deadline stays in force."""
    if due is None:
        task.due_text = task.due_start = task.due_end = task.due_precision = None
        task.original_deadline = task.approved_deadline = None
        return
    extended = (
        task.approved_deadline is not None and task.approved_deadline != task.original_deadline
    )
    task.due_text = due.text
    task.due_start, task.due_end, task.due_precision = due.start, due.end, due.precision
    task.original_deadline = due.end
    if not extended or task.approved_deadline is None or task.approved_deadline < due.end:
        task.approved_deadline = due.end


def require_not_closed(task: Task) -> None:
    if task.state in (TaskState.DONE, TaskState.CANCELLED):
        raise InvalidInput("task_closed", task_id=task.id)


OPEN_STATES = (TaskState.OPEN, TaskState.REPORTED_DONE)


def _claim_state(
    session: Session,
    actor: Actor,
    task: Task,
    expected: Sequence[TaskState],
    state: TaskState,
    now: datetime,
    action: str,
    **values: object,
) -> Task:
    """Move the task from one of ``expected`` to ``state`` once (db.once), and audit it."""
    before = snapshot(task, AUDITED_TASK_FIELDS)
    claim(
        session,
        Task,
        col(Task.id) == task.id,
        col(Task.state).in_(expected),
        values={"state": state, "updated_at": now, **values},
    )
    record(
        session=session,
        at=now,
        actor=actor,
        action=action,
        entity="task",
        entity_id=task.id,
        before=before,
        after=snapshot(task, AUDITED_TASK_FIELDS),
    )
    return task


def _distinct(agencies: Sequence[Agency], *, exclude: int) -> list[Agency]:
    seen: dict[int, Agency] = {}
    for agency in agencies:
        if agency.id is not None and agency.id != exclude:
            seen.setdefault(agency.id, agency)
    return list(seen.values())
