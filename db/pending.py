"""What the bot waits for from a member in a chat: the state of a short guided conversation.

Stored in the database so that it survives a restart and works with several instances.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from db.models import PendingInput

PENDING_TTL = timedelta(minutes=30)


def set_pending(
    *,
    session: Session,
    member_id: int,
    chat_id: int,
    action: str,
    now: datetime,
    task_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> PendingInput:
    """Wait for ``action`` from the member in the chat, replacing anything waited for before."""
    pending = _find(session, member_id, chat_id)
    if pending is None:
        pending = PendingInput(
            member_id=member_id,
            chat_id=chat_id,
            action=action,
            created_at=now,
            expires_at=now + PENDING_TTL,
        )
    pending.action = action
    pending.task_id = task_id
    pending.data = dict(data or {})
    pending.created_at = now
    pending.expires_at = now + PENDING_TTL
    session.add(pending)
    session.flush()
    return pending


def get_pending(
    *, session: Session, member_id: int, chat_id: int, now: datetime
) -> PendingInput | None:
    """What is awaited, if anything and not expired (an expired one is removed)."""
    pending = _find(session, member_id, chat_id)
    if pending is not None and pending.expires_at <= now:
        session.delete(pending)
        return None
    return pending


def get_pending_by_id(
    *, session: Session, pending_id: int, member_id: int, now: datetime
) -> PendingInput | None:
    """A pending input named by a button, only for the member who started it."""
    pending = session.get(PendingInput, pending_id)
    if pending is None or pending.member_id != member_id or pending.expires_at <= now:
        return None
    return pending


def clear_pending(*, session: Session, member_id: int, chat_id: int) -> bool:
    pending = _find(session, member_id, chat_id)
    if pending is None:
        return False
    session.delete(pending)
    return True


def _find(session: Session, member_id: int, chat_id: int) -> PendingInput | None:
    return session.exec(
        select(PendingInput).where(
            PendingInput.member_id == member_id, PendingInput.chat_id == chat_id
        )
    ).first()
