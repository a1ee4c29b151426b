"""Bot messages about a task or meeting, so that a reply to one is routed back to it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from db.models import SentMessage, SentMessageTask


def remember_messages(
    *,
    session: Session,
    chat_id: int,
    about: Sequence[tuple[int, int | None, int | None]],
    now: datetime,
) -> None:
    """Record what each of the bot's messages in ``chat_id`` is about: (message id, task id,
    meeting id) triples. A message recorded before is left as it is."""
    if not about:
        return
    known = set(
        session.exec(
            select(SentMessage.message_id).where(
                SentMessage.chat_id == chat_id,
                col(SentMessage.message_id).in_([message_id for message_id, _, _ in about]),
            )
        ).all()
    )
    subjects: dict[int, tuple[int | None, int | None]] = {}
    for message_id, task_id, meeting_id in about:
        if message_id not in known:
            subjects.setdefault(message_id, (task_id, meeting_id))
    session.add_all(
        SentMessage(
            chat_id=chat_id,
            message_id=message_id,
            task_id=task_id,
            meeting_id=meeting_id,
            created_at=now,
        )
        for message_id, (task_id, meeting_id) in subjects.items()
    )


def message_subject(*, session: Session, chat_id: int, message_id: int) -> SentMessage | None:
    """What the bot's message was about, or None for a message about nothing in particular."""
    return session.exec(
        select(SentMessage).where(
            SentMessage.chat_id == chat_id, SentMessage.message_id == message_id
        )
    ).first()


def merged_tasks(*, session: Session, chat_id: int, message_id: int) -> list[int]:
    """The tasks a merged reminder message listed, in order (empty for any other message)."""
    return list(
        session.exec(
            select(SentMessageTask.task_id)
            .where(SentMessageTask.chat_id == chat_id, SentMessageTask.message_id == message_id)
            .order_by(col(SentMessageTask.id))
        ).all()
    )
