"""Bot messages about a task or meeting, so that a reply to one is routed back to it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from db.models import SentMessage


def remember_message(
    *,
    session: Session,
    chat_id: int,
    message_id: int,
    now: datetime,
    task_id: int | None = None,
    meeting_id: int | None = None,
) -> None:
    """Record that the bot's message (chat, message id) is about ``task_id``/``meeting_id``."""
    existing = session.exec(
        select(SentMessage).where(
            SentMessage.chat_id == chat_id, SentMessage.message_id == message_id
        )
    ).first()
    if existing is not None:
        return
    session.add(
        SentMessage(
            chat_id=chat_id,
            message_id=message_id,
            task_id=task_id,
            meeting_id=meeting_id,
            created_at=now,
        )
    )


def message_subject(*, session: Session, chat_id: int, message_id: int) -> SentMessage | None:
    """What the bot's message was about, or None for a message about nothing in particular."""
    return session.exec(
        select(SentMessage).where(
            SentMessage.chat_id == chat_id, SentMessage.message_id == message_id
        )
    ).first()
