"""Who is told about a change: queued in the outbox with the change, sent by the dispatcher.

- a new task: the focal points of its lead and co-operating agencies;
- a completion report, an obstacle, an extension request: the secretariat (with buttons);
- the secretariat's decision: the lead agency's focal points;
- a cancellation: the focal points of its lead and co-operating agencies.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session

from db.models import ProgressUpdate, Task, UpdateKind
from db.notices import (
    DECISION_CODES,
    NOTICE_ASSIGNED,
    NOTICE_DECISION,
    NOTICE_REPORT,
    enqueue_notice,
    focal_points,
    secretariat,
)
from db.tasks import task_scope

# Progress updates are read in /status; only what needs the secretariat's action is pushed.
REPORTED_TO_SECRETARIAT = (
    UpdateKind.COMPLETION,
    UpdateKind.OBSTACLE,
    UpdateKind.EXTENSION_REQUEST,
)


def notify_assigned(*, session: Session, task: Task, now: datetime) -> None:
    scope = task_scope(session=session, task=task)
    agencies = {scope.lead_agency_id, *scope.co_agency_ids}
    recipients = focal_points(session=session, agency_ids=agencies, council_ids=scope.council_ids)
    enqueue_notice(
        session=session,
        kind=NOTICE_ASSIGNED,
        ref=str(task.id),
        task_id=task.id,
        recipients=recipients,
        now=now,
    )


def notify_update(
    *, session: Session, admins: Collection[int], update: ProgressUpdate, now: datetime
) -> None:
    if update.kind not in REPORTED_TO_SECRETARIAT:
        return
    task = session.get(Task, update.task_id)
    assert task is not None
    scope = task_scope(session=session, task=task)
    recipients = secretariat(
        session=session,
        council_ids=scope.council_ids,
        admins=admins,
    )
    enqueue_notice(
        session=session,
        kind=NOTICE_REPORT,
        ref=str(update.id),
        task_id=task.id,
        recipients=recipients,
        now=now,
    )


def notify_decision(*, session: Session, task: Task, decision: str, now: datetime) -> None:
    """Tell the lead agency what the secretariat decided (``decision`` is a catalogue key)."""
    scope = task_scope(session=session, task=task)
    recipients = focal_points(
        session=session, agency_ids=[scope.lead_agency_id], council_ids=scope.council_ids
    )
    enqueue_notice(
        session=session,
        kind=NOTICE_DECISION,
        ref=f"{task.id}:{DECISION_CODES[decision]}:{int(now.timestamp())}",
        task_id=task.id,
        recipients=recipients,
        now=now,
    )


def notify_cancelled(*, session: Session, task: Task, now: datetime) -> None:
    """Tell every agency of the task (lead and co-operating) that it was cancelled."""
    scope = task_scope(session=session, task=task)
    agencies = {scope.lead_agency_id, *scope.co_agency_ids}
    recipients = focal_points(session=session, agency_ids=agencies, council_ids=scope.council_ids)
    enqueue_notice(
        session=session,
        kind=NOTICE_DECISION,
        ref=f"{task.id}:{DECISION_CODES['task_cancelled']}:{int(now.timestamp())}",
        task_id=task.id,
        recipients=recipients,
        now=now,
    )
