"""Notices about a change, queued in the outbox in the same transaction as the change.

A notice is a Reminder row due now: the dispatcher sends it like any reminder, so a notice is
never lost to a crash or a Telegram error and never sent twice (its key is unique).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from db.models import CouncilRole, Member, OutboxState, Reminder, Role

NOTICE_ASSIGNED = "notice_assigned"  # offset: the task id
NOTICE_REPORT = "notice_report"  # offset: the progress update's id
NOTICE_DECISION = "notice_decision"  # offset: "<task>:<decision code>:<unix time>"

# A decision is told as a short code in the outbox row's offset (32 characters at most).
DECISION_CODES = {
    "completion_confirmed": "cc",
    "completion_rejected": "cr",
    "extension_approved": "ea",
    "extension_rejected": "er",
    "obstacle_resolved": "or",
    "task_cancelled": "tc",
}


def focal_points(
    *, session: Session, agency_ids: Iterable[int], council_ids: Iterable[int]
) -> list[Member]:
    """Members who speak for one of the agencies in one of the councils."""
    return _members(
        session,
        select(CouncilRole.member_id).where(
            CouncilRole.role == Role.FOCAL_POINT,
            col(CouncilRole.agency_id).in_(list(agency_ids)),
            col(CouncilRole.council_id).in_(list(council_ids)),
        ),
    )


def secretariat(
    *, session: Session, council_ids: Iterable[int], admins: Collection[int] = ()
) -> list[Member]:
    """The secretariat of the councils, and the configured admins who have talked to the bot."""
    by_role = _members(
        session,
        select(CouncilRole.member_id).where(
            CouncilRole.role == Role.SECRETARIAT,
            col(CouncilRole.council_id).in_(list(council_ids)),
        ),
    )
    extra = (
        session.exec(select(Member).where(col(Member.telegram_user_id).in_(list(admins)))).all()
        if admins
        else []
    )
    return _distinct([*by_role, *extra])


def enqueue_notice(
    *,
    session: Session,
    kind: str,
    ref: str,
    task_id: int | None,
    recipients: Iterable[Member],
    now: datetime,
    target_kind: str = "task",
) -> int:
    """Queue notice ``kind`` about event ``ref`` for each recipient; returns how many were new."""
    queued = 0
    for member in _distinct(list(recipients)):
        assert member.id is not None
        key = f"notice:{kind}:{ref}:m{member.id}"
        if session.exec(select(Reminder.id).where(Reminder.key == key)).first() is not None:
            continue
        session.add(
            Reminder(
                key=key,
                target_kind=target_kind,
                target_id=task_id,
                kind=kind,
                offset=ref,
                recipient_id=member.id,
                chat_id=member.telegram_user_id,
                due_at=now,
                state=OutboxState.PENDING,
                created_at=now,
            )
        )
        queued += 1
    return queued


def _members(session: Session, member_ids: object) -> list[Member]:
    rows = session.exec(
        select(Member).where(col(Member.id).in_(member_ids)).order_by(col(Member.id))  # type: ignore[arg-type]
    ).all()
    return list(rows)


def _distinct(members: list[Member]) -> list[Member]:
    return list({member.id: member for member in members}.values())
