"""Bot messages about a task or meeting, so that a reply to one is routed back to it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, literal
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from db.models import PendingInput, SentMessage, SentMessageTask
from db.pending import unexpired


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
    subjects: dict[int, tuple[int | None, int | None]] = {}
    for message_id, task_id, meeting_id in about:
        subjects.setdefault(message_id, (task_id, meeting_id))
    # One statement for every card (issue 16: statements per update); a message recorded
    # before keeps its row.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(SentMessage)
        .values(
            [
                {
                    "chat_id": chat_id,
                    "message_id": message_id,
                    "task_id": task_id,
                    "meeting_id": meeting_id,
                    "created_at": now,
                }
                for message_id, (task_id, meeting_id) in subjects.items()
            ]
        )
        .on_conflict_do_nothing(index_elements=["chat_id", "message_id"])
    )


def message_subject(*, session: Session, chat_id: int, message_id: int) -> SentMessage | None:
    """What the bot's message was about, or None for a message about nothing in particular."""
    return session.exec(
        select(SentMessage).where(
            SentMessage.chat_id == chat_id, SentMessage.message_id == message_id
        )
    ).first()


def reply_context(
    *, session: Session, chat_id: int, message_id: int | None, member_id: int, now: datetime
) -> tuple[SentMessage | None, PendingInput | None]:
    """What a member's message in a chat answers: the bot's message it replies to (as
    :func:`message_subject`, None without one) and what the bot waits for from them there (as
    db.pending.get_pending), read in one statement (issue 16: statements per update)."""
    one = sa_select(literal(1).label("one")).subquery()
    row = session.exec(
        select(SentMessage, PendingInput)
        .select_from(one)
        .outerjoin(
            SentMessage,
            and_(
                col(SentMessage.chat_id) == chat_id,
                col(SentMessage.message_id) == (message_id if message_id is not None else -1),
            ),
        )
        .outerjoin(
            PendingInput,
            and_(col(PendingInput.member_id) == member_id, col(PendingInput.chat_id) == chat_id),
        )
    ).first()
    subject, pending = row if row is not None else (None, None)
    if message_id is None:
        subject = None
    return subject, unexpired(session=session, pending=pending, now=now)


def merged_tasks(*, session: Session, chat_id: int, message_id: int) -> list[int]:
    """The tasks a merged reminder message listed, in order (empty for any other message)."""
    return list(
        session.exec(
            select(SentMessageTask.task_id)
            .where(SentMessageTask.chat_id == chat_id, SentMessageTask.message_id == message_id)
            .order_by(col(SentMessageTask.id))
        ).all()
    )
