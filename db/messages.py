"""Bot messages about a task or meeting, so that a reply to one is routed back to it."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, func, literal
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from db.errors import InvalidInput
from db.ids import id_in_range
from db.models import Member, PendingInput, SentMessage, SentMessageTask, Task
from db.pending import unexpired
from db.task_ahead import TaskAhead, task_ahead, task_state_sql


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


_SENT: Table = SentMessage.__table__  # type: ignore[attr-defined]
_PENDING: Table = PendingInput.__table__  # type: ignore[attr-defined]
_MEMBERS: Table = Member.__table__  # type: ignore[attr-defined]
_TASKS: Table = Task.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Subject:
    """What one of the bot's messages was about (its ``sent_message`` row)."""

    message_id: int
    task_id: int | None
    meeting_id: int | None


@dataclass(frozen=True)
class ReplyAhead:
    """What a message answers, read ahead with its inbox row (db/inbox.py): the subject of the
    bot's message it replies to, and whether the bot waits for input from the sender there
    (then :func:`reply_context` reads that input in full); and the task the bot's message is
    about, with its scope (db/task_ahead.py: written only if still as read)."""

    subject: Subject | None
    pending: bool
    task: TaskAhead | None = None


def reply_columns(
    dialect_name: str, chat_id: Any, message_id: Any, telegram_user_id: Any
) -> list[ColumnElement[Any]]:
    """Three scalar subqueries that read :class:`ReplyAhead` (bind parameters: the chat, the
    message replied to, the sender) with a statement that runs anyway (issue 16)."""
    array = func.json_build_array if dialect_name == "postgresql" else func.json_array
    # Each subquery reads one table: in a RETURNING clause columns are written without it.
    subject = (
        sa_select(array(_SENT.c.message_id, _SENT.c.task_id, _SENT.c.meeting_id))
        .where(_SENT.c.chat_id == chat_id, _SENT.c.message_id == message_id)
        .scalar_subquery()
        .label("ahead_subject")
    )
    member_id = (
        sa_select(_MEMBERS.c.id)
        .where(_MEMBERS.c.telegram_user_id == telegram_user_id)
        .scalar_subquery()
    )
    pending = (
        sa_select(func.count())
        .select_from(_PENDING)
        .where(_PENDING.c.chat_id == chat_id, _PENDING.c.member_id == member_id)
        .scalar_subquery()
        .label("ahead_pending")
    )
    ahead_task = _TASKS.alias("ahead_task")
    subject_task = (
        sa_select(_SENT.c.task_id)
        .where(_SENT.c.chat_id == chat_id, _SENT.c.message_id == message_id)
        .scalar_subquery()
    )
    task = (
        sa_select(task_state_sql(dialect_name, ahead_task))
        .where(ahead_task.c.id == subject_task)
        .scalar_subquery()
        .label("ahead_task")
    )
    return [subject, pending, task]


def reply_ahead(subject: Any, pending: Any, task: Any = None) -> ReplyAhead:
    """The values :func:`reply_columns` returned (JSON text on SQLite, decoded on PostgreSQL)."""
    values = json.loads(subject) if isinstance(subject, str) else subject
    ahead = task_ahead(task)
    found = Subject(int(values[0]), values[1], values[2]) if values else None
    return ReplyAhead(
        subject=found,
        pending=bool(pending),
        # The subject's task only: a task that was deleted reads as none.
        task=ahead
        if found is not None and ahead is not None and ahead.task.id == found.task_id
        else None,
    )


def reply_context(
    *,
    session: Session,
    chat_id: int,
    message_id: int | None,
    member_id: int,
    now: datetime,
    ahead: ReplyAhead | None = None,
) -> tuple[Subject | None, PendingInput | None]:
    """What a member's message in a chat answers: the bot's message it replies to (as
    :func:`message_subject`, None without one) and what the bot waits for from them there (as
    db.pending.get_pending), read in one statement (issue 16: statements per update) — or in
    none, from ``ahead`` (read with the inbox row) when nothing is awaited."""
    if ahead is not None and not ahead.pending:
        return (ahead.subject if message_id is not None else None), None
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
    sent, pending = row if row is not None else (None, None)
    subject = (
        Subject(sent.message_id, sent.task_id, sent.meeting_id)
        if sent is not None and message_id is not None
        else None
    )
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


NAMED_TASK = re.compile(r"#([0-9]+)\b")  # "#12" in a reply names a task (ASCII digits only)


def merged_reply_task(listed: Sequence[int], text: str) -> int | None:
    """The task a reply to a merged list is about: the one listed task its text names (#12),
    else the only one listed; None when the member is to be asked which. A reply naming several
    listed tasks is refused: recorded on one, the others' reports would be filed under it."""
    written = (id_in_range(number) for number in NAMED_TASK.findall(text))
    named = list(dict.fromkeys(task_id for task_id in written if task_id in listed))
    if len(named) > 1:
        raise InvalidInput("merged_names_several", ids=", ".join(f"#{n}" for n in named))
    if named:
        return named[0]
    return listed[0] if len(listed) == 1 else None
