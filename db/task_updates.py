"""Agencies' updates on their tasks: progress, completion, obstacle, extension request.

Like every change in db/tasks.py: the actor's right on this very task is checked, the rows are
changed and the audit row written in the same session; the caller commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from db.audit import record, snapshot
from db.errors import AppError, InvalidInput
from db.locked_task import lock_task_with_scope
from db.models import ProgressUpdate, Task, TaskOccurrence, TaskState, UpdateKind
from db.permissions import Actor
from db.recurring import current_period_id, report_period_done
from db.task_ahead import TaskAhead, update_if_unchanged
from db.tasks import (
    AUDITED_TASK_FIELDS,
    UPDATE_TEXT_LIMIT,
    Attachment,
    DueReading,
    reportable_task,
)
from db.text_input import check_length, normalize_text


def add_update(
    *,
    session: Session,
    actor: Actor,
    task_id: int,
    kind: UpdateKind,
    text: str,
    now: datetime,
    percent: int | None = None,
    attachment: Attachment | None = None,
    requested: DueReading | None = None,
    reply_to: tuple[int, int] | None = None,
    ahead: TaskAhead | None = None,
) -> tuple[ProgressUpdate, Task]:
    """Record an agency's update: progress, completion, obstacle or extension request; returns
    it with the task (read once: the caller need not read it again).

    The task row is locked first, so two updates at the same moment are recorded one after
    the other and the task's summary (percentage, state) always follows the newest one. With
    ``ahead`` (the task read with the update's inbox row, db/task_ahead.py) a one-off task is
    not locked and read again: it is checked as read and written only if still so; if it
    changed meanwhile, nothing is written and it is locked and read as above. A refusal is never
    decided on what was read ahead: it may be stale, so the task is locked and read first."""
    if ahead is not None and ahead.task.id == task_id and not ahead.recurring:
        written = _update_as_read(
            session, actor, task_id, ahead, kind, text, now, percent, attachment, requested
        )
        if written is not None:
            return written
    # Held until the task is read again below: the session keeps loaded rows only while they
    # are referenced, and reading it twice costs a statement (issue 16).
    locked = lock_task_with_scope(session=session, task_id=task_id)
    task = reportable_task(session=session, actor=actor, task_id=task_id, kind=kind, loaded=locked)
    assert locked is None or locked[0] is task
    checked = _checked_update(actor, task_id, task, kind, text, now, percent, attachment, requested)
    # A recurring task: a completion is the current period's; the task itself stays open.
    period = (
        report_period_done(session=session, task=task, now=now)
        if kind == UpdateKind.COMPLETION and task.recurrence is not None
        else None
    )
    checked.occurrence_id = (
        period.id if period else current_period_id(session=session, task=task, reply_to=reply_to)
    )
    before = snapshot(task, AUDITED_TASK_FIELDS)
    for name, value in _changes(checked, now, period).items():
        setattr(task, name, value)
    session.add(task)
    return _recorded(session, actor, checked, before, task, now), task


def _update_as_read(
    session: Session,
    actor: Actor,
    task_id: int,
    ahead: TaskAhead,
    kind: UpdateKind,
    text: str,
    now: datetime,
    percent: int | None,
    attachment: Attachment | None,
    requested: DueReading | None,
) -> tuple[ProgressUpdate, Task] | None:
    """The update recorded on the task as read ahead; None (nothing written) when the task
    changed since, or when what was read refuses it (the locked path decides then)."""
    try:
        task = reportable_task(
            session=session,
            actor=actor,
            task_id=task_id,
            kind=kind,
            loaded=(ahead.task, ahead.scope),
        )
        checked = _checked_update(
            actor, task_id, task, kind, text, now, percent, attachment, requested
        )
    except AppError:
        return None
    written = update_if_unchanged(session=session, ahead=ahead, changes=_changes(checked, now))
    if written is None:
        return None
    before = snapshot(ahead.task, AUDITED_TASK_FIELDS)
    return _recorded(session, actor, checked, before, written, now), written


def _checked_update(
    actor: Actor,
    task_id: int,
    task: Task,
    kind: UpdateKind,
    text: str,
    now: datetime,
    percent: int | None,
    attachment: Attachment | None,
    requested: DueReading | None,
) -> ProgressUpdate:
    """The update to record, once its text and values are valid for ``task`` as it is."""
    text = normalize_text(text)
    if not text and attachment is None and kind != UpdateKind.COMPLETION:
        raise InvalidInput("update_text_missing")
    check_length(text, UPDATE_TEXT_LIMIT)
    if percent is not None and not 0 <= percent <= 100:
        raise InvalidInput("percent_invalid")
    if kind == UpdateKind.EXTENSION_REQUEST:
        if requested is None:
            raise InvalidInput("extension_needs_deadline")
        if task.approved_deadline and requested.end <= task.approved_deadline:
            raise InvalidInput("extension_not_later")
    if kind == UpdateKind.COMPLETION and task.state == TaskState.REPORTED_DONE:
        raise InvalidInput("completion_already_reported")
    return ProgressUpdate(
        task_id=task_id,
        author_id=actor.member_id,
        kind=kind,
        text=text,
        percent=100 if kind == UpdateKind.COMPLETION else percent,
        attachment_file_id=attachment.file_id if attachment else None,
        attachment_kind=attachment.kind if attachment else None,
        requested_due_text=requested.text if requested else None,
        requested_deadline=requested.end if requested else None,
        created_at=now,
    )


def _changes(
    update: ProgressUpdate, now: datetime, period: TaskOccurrence | None = None
) -> dict[str, Any]:
    """What ``update`` changes on its task (a recurring task's completion: its ``period``)."""
    changes: dict[str, Any] = {}
    if update.percent is not None and period is None:
        changes["percent"] = update.percent
    if period is not None:
        changes["completion_reported_at"] = now
    elif update.kind == UpdateKind.COMPLETION:
        changes["state"] = TaskState.REPORTED_DONE
        changes["completion_reported_at"] = now
    changes["updated_at"] = now
    return changes


def _recorded(
    session: Session,
    actor: Actor,
    update: ProgressUpdate,
    before: dict[str, Any],
    after: Task,
    now: datetime,
) -> ProgressUpdate:
    """Store ``update`` and its audit row (the task's audited fields ``before`` and ``after``)."""
    session.add(update)
    session.flush()
    record(
        session=session,
        at=now,
        actor=actor,
        action=f"task.{update.kind}",
        entity="task",
        entity_id=update.task_id,
        before=before,
        after={
            **snapshot(after, AUDITED_TASK_FIELDS),
            "update_id": update.id,
            "text": update.text,
            # The kind only: the file itself is found by the update's Telegram file id.
            "attachment": update.attachment_kind,
        },
    )
    return update
