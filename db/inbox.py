"""The inbox: every update is stored before Telegram is told it arrived, and handled from here.

Life of a row (``inbox_update``):

1. **stored** (:func:`store`) by the receiver — the webhook before it answers 200, the poller
   before the next ``getUpdates`` offset confirms it — already claimed by the storing process;
2. **processed** (:func:`mark_processed`) in the transaction of the change its handling made,
   together with the first answer it will send (``inbox_answer``, :func:`record_answer`);
3. **answered** (:func:`finish`) once every recorded answer was sent, and the claim let go.

A process that dies leaves its claim; after ``stale_after`` another process (or the same one
restarted) takes the row (:func:`claim_open`): it handles an unprocessed update again from its
stored JSON, and sends the answers of a processed one that were recorded but never sent. Every
write that settles a row is conditional on the claim, so two processes never both handle it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from db.members import ActorRows, actor_columns, actor_rows
from db.messages import ReplyAhead, reply_ahead, reply_columns
from db.models import InboxAnswer, InboxUpdate
from db.types import UTCDateTime
from db.write_watch import MARK_WITH_ANSWER

KEEP_FOR = timedelta(days=7)  # Telegram stops redelivering long before this
LATE_AFTER = timedelta(minutes=1)  # an answer sent later than this says it is late
ERROR_LIMIT = 500

_UPDATES: Table = InboxUpdate.__table__  # type: ignore[attr-defined]
_ANSWERS: Table = InboxAnswer.__table__  # type: ignore[attr-defined]

# Built once: on the hot path (every update) constructing a statement costs more than running
# it (see bench/bench_inbox.py). It also reads the sender (member and roles) for the access
# gate, one statement less per update (issue 16); the gate trusts that read only while it is
# fresh (bot/inbox.py).
_STORE = {
    name: dialect.insert(_UPDATES)
    .values(
        update_id=bindparam("b_update_id"),
        chat_id=bindparam("b_chat_id"),
        user_id=bindparam("b_user_id"),
        payload=bindparam("b_payload"),
        received_at=bindparam("b_now", type_=UTCDateTime()),
        claimed_by=bindparam("b_claimer"),
        claimed_at=bindparam("b_now", type_=UTCDateTime()),
    )
    .on_conflict_do_nothing(index_elements=["update_id"])
    .returning(
        _UPDATES.c.update_id,
        *actor_columns(name, bindparam("b_user_id")),
        *reply_columns(
            name, bindparam("b_chat_id"), bindparam("b_reply_to"), bindparam("b_user_id")
        ),
    )
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_MARK_PROCESSED = (
    update(_UPDATES)
    .where(
        _UPDATES.c.update_id == bindparam("b_update_id"),
        _UPDATES.c.processed_at.is_(None),
        _UPDATES.c.claimed_by == bindparam("b_claimer"),
    )
    .values(processed_at=bindparam("b_now", type_=UTCDateTime()))
)
_RECORD_ANSWER = (
    _ANSWERS.insert()
    .values(
        update_id=bindparam("b_update_id"),
        method=bindparam("b_method"),
        params=bindparam("b_params"),
        created_at=bindparam("b_now", type_=UTCDateTime()),
        late=False,
    )
    .returning(_ANSWERS.c.id)
)
# The update marked processed and its first answer recorded, in one statement (issue 16). On
# PostgreSQL the mark is a data-modifying CTE; SQLite has none, so there an update with an answer
# recorded counts as processed (see _has_answer) and only the claim is checked, under SQLite's
# one writer at a time.
_MARK_WITH_ANSWER_PARAMS: tuple[BindParameter[Any], ...] = (
    bindparam("b_update_id"),
    bindparam("b_claimer"),
    bindparam("b_method"),
    bindparam("b_params"),
    bindparam("b_now", type_=UTCDateTime()),
)
_MARK_WITH_ANSWER = {
    "postgresql": text(
        MARK_WITH_ANSWER + " SET processed_at = :b_now"
        " WHERE update_id = :b_update_id AND processed_at IS NULL AND claimed_by = :b_claimer"
        " RETURNING update_id)"
        " INSERT INTO inbox_answer (update_id, method, params, created_at, late)"
        " SELECT update_id, :b_method, :b_params, :b_now, false FROM marked RETURNING id"
    ).bindparams(*_MARK_WITH_ANSWER_PARAMS),
    "sqlite": text(
        "INSERT INTO inbox_answer (update_id, method, params, created_at, late)"
        " SELECT :b_update_id, :b_method, :b_params, :b_now, 0"
        " WHERE EXISTS (SELECT 1 FROM inbox_update WHERE update_id = :b_update_id"
        " AND processed_at IS NULL AND claimed_by = :b_claimer)"
        " AND NOT EXISTS (SELECT 1 FROM inbox_answer WHERE update_id = :b_update_id)"
        " RETURNING id"
    ).bindparams(*_MARK_WITH_ANSWER_PARAMS),
}
_ANSWERED = (
    update(_UPDATES)
    .where(
        _UPDATES.c.update_id == bindparam("b_update_id"),
        _UPDATES.c.claimed_by == bindparam("b_claimer"),
    )
    .values(
        processed_at=func.coalesce(
            _UPDATES.c.processed_at, bindparam("b_now", type_=UTCDateTime())
        ),
        answered_at=bindparam("b_now", type_=UTCDateTime()),
        claimed_by=None,
        claimed_at=None,
    )
)


@dataclass(frozen=True)
class Stored:
    """What the receiver needs to know about an update it stored."""

    update_id: int
    fresh: bool  # first delivery: stored and claimed by the caller in one statement
    actor: ActorRows | None = None  # the sender, read by the same statement (first delivery)
    reply: ReplyAhead | None = None  # what the message answers, read by it too


@dataclass(frozen=True)
class OpenUpdate:
    """A row taken over by :func:`claim_open`: handle it (``processed`` False) or answer it."""

    update_id: int
    chat_id: int | None
    user_id: int | None
    payload: dict[str, Any]
    received_at: datetime
    processed: bool


@dataclass(frozen=True)
class Answer:
    id: int
    method: str
    params: dict[str, Any]
    created_at: datetime


def _has_answer() -> Any:
    """An answer recorded: the update was processed (on SQLite ``processed_at`` is then set only
    when it is answered, see _MARK_WITH_ANSWER)."""
    return exists().where(_ANSWERS.c.update_id == _UPDATES.c.update_id)


def _is_open() -> Any:
    return _UPDATES.c.answered_at.is_(None)


def _claimable(claimer: str, now: datetime, stale_after: timedelta) -> Any:
    return or_(
        _UPDATES.c.claimed_by.is_(None),
        _UPDATES.c.claimed_by == claimer,
        _UPDATES.c.claimed_at < now - stale_after,
    )


def store(
    connection: Connection,
    *,
    update_id: int,
    payload: dict[str, Any],
    chat_id: int | None,
    user_id: int | None,
    now: datetime,
    claimer: str,
    reply_to: int | None = None,
) -> Stored:
    """Store a delivered update, claimed by ``claimer``; a redelivery is stored once."""
    # RETURNING, not rowcount: psycopg reports -1 for ON CONFLICT DO NOTHING.
    row = connection.execute(
        _STORE[connection.dialect.name],
        {
            "b_update_id": update_id,
            "b_chat_id": chat_id,
            "b_user_id": user_id,
            "b_payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
            "b_now": now,
            "b_claimer": claimer,
            "b_reply_to": reply_to,
        },
    ).first()
    if row is None:
        return Stored(update_id=update_id, fresh=False)
    actor = actor_rows(user_id, row.actor_member, row.actor_grants) if user_id is not None else None
    return Stored(
        update_id=update_id,
        fresh=True,
        actor=actor,
        reply=reply_ahead(row.ahead_subject, row.ahead_pending, row.ahead_task)
        if actor is not None
        else None,
    )


def claim(
    connection: Connection,
    *,
    update_id: int,
    claimer: str,
    now: datetime,
    stale_after: timedelta,
) -> bool:
    """Take an unprocessed row for handling; False if it was handled or another process has it."""
    result = connection.execute(
        update(_UPDATES)
        .where(
            _UPDATES.c.update_id == update_id,
            _UPDATES.c.processed_at.is_(None),
            ~_has_answer(),
            _claimable(claimer, now, stale_after),
        )
        .values(claimed_by=claimer, claimed_at=now)
        .returning(_UPDATES.c.update_id)
    )
    return result.first() is not None


def mark_processed(connection: Connection, *, update_id: int, claimer: str, now: datetime) -> bool:
    """In the change's transaction: the update is applied. False if the claim was lost (the
    caller must then roll the change back: another process handles the update)."""
    result = connection.execute(
        _MARK_PROCESSED, {"b_update_id": update_id, "b_claimer": claimer, "b_now": now}
    )
    return bool(result.rowcount)


def mark_processed_with_answer(
    connection: Connection,
    *,
    update_id: int,
    claimer: str,
    method: str,
    params: dict[str, Any],
    now: datetime,
) -> int | None:
    """:func:`mark_processed` and :func:`record_answer` in one statement: the answer's id, or
    None if the claim was lost (the caller rolls the change back)."""
    row = connection.execute(
        _MARK_WITH_ANSWER[connection.dialect.name],
        {
            "b_update_id": update_id,
            "b_claimer": claimer,
            "b_method": method,
            "b_params": json.dumps(params, ensure_ascii=False, separators=(",", ":")),
            "b_now": now,
        },
    ).first()
    return int(row[0]) if row is not None else None


def record_answer(
    connection: Connection, *, update_id: int, method: str, params: dict[str, Any], now: datetime
) -> int:
    """An answer about to be sent; returns its id for :func:`finish`."""
    result = connection.execute(
        _RECORD_ANSWER,
        {
            "b_update_id": update_id,
            "b_method": method,
            "b_params": json.dumps(params, ensure_ascii=False, separators=(",", ":")),
            "b_now": now,
        },
    )
    return int(result.scalar_one())


def finish(
    connection: Connection,
    *,
    update_id: int,
    claimer: str,
    now: datetime,
    sent: Sequence[int] = (),
    late: Sequence[int] = (),
    failed: dict[int, str] | None = None,
    settled: bool = True,
) -> bool:
    """After handling: the answers sent (``late`` ones too) or given up on (``failed``), the
    row processed if its handling changed nothing, answered when nothing is owed, let go.
    False if the claim was lost (the caller rolls back what it wanted to commit with it).

    The answers of an answered row are all settled, so in the usual case (everything sent) only
    the row is written; ``sent_at`` of its answers stays empty and means nothing then."""
    if settled and not late and not failed:
        answered = connection.execute(
            _ANSWERED, {"b_update_id": update_id, "b_claimer": claimer, "b_now": now}
        )
        return bool(answered.rowcount)
    if sent:
        connection.execute(
            update(_ANSWERS).where(_ANSWERS.c.id.in_(list(sent))).values(sent_at=now)
        )
    if late:
        connection.execute(update(_ANSWERS).where(_ANSWERS.c.id.in_(list(late))).values(late=True))
    for answer_id, reason in (failed or {}).items():
        connection.execute(
            update(_ANSWERS)
            .where(_ANSWERS.c.id == answer_id)
            .values(sent_at=now, last_error=reason[:ERROR_LIMIT])
        )
    values: dict[str, Any] = {
        "processed_at": func.coalesce(_UPDATES.c.processed_at, now),
        "claimed_by": None,
        "claimed_at": None,
    }
    if settled:
        values["answered_at"] = now
    else:
        # An answer Telegram refused for now (flood control, an outage): the row is handed
        # back and its answer retried a minute later, marked late.
        values["claimed_at"] = now
    result = connection.execute(
        update(_UPDATES)
        .where(_UPDATES.c.update_id == update_id, _UPDATES.c.claimed_by == claimer)
        .values(values)
    )
    return bool(result.rowcount)


def release(connection: Connection, *, update_id: int, claimer: str) -> None:
    """Give a claimed row back untouched (the process stops before handling it)."""
    connection.execute(
        update(_UPDATES)
        .where(_UPDATES.c.update_id == update_id, _UPDATES.c.claimed_by == claimer)
        .values(claimed_by=None, claimed_at=None)
    )


def open_claimers(connection: Connection) -> list[str]:
    """The processes that hold claims on rows still owed something."""
    claimed_by = _UPDATES.c.claimed_by
    rows = connection.execute(
        select(claimed_by).where(_is_open(), claimed_by.is_not(None)).distinct()
    )
    return [str(row[0]) for row in rows]


def release_claims_of(connection: Connection, *, claimers: Sequence[str]) -> list[int]:
    """Give back the rows ``claimers`` hold, known dead (bot/runtime.py ``dead_on_this_host``):
    :func:`claim_open` takes them at once instead of after ``stale_after``. Returns their ids."""
    if not claimers:
        return []
    released = connection.execute(
        update(_UPDATES)
        .where(_is_open(), _UPDATES.c.claimed_by.in_(list(claimers)))
        .values(claimed_by=None, claimed_at=None)
        .returning(_UPDATES.c.update_id)
    )
    return [int(row[0]) for row in released]


def claim_open(
    connection: Connection,
    *,
    claimer: str,
    now: datetime,
    stale_after: timedelta,
    unclaimed_after: timedelta,
    limit: int = 50,
) -> list[OpenUpdate]:
    """Take over rows still owed something, oldest first (so a chat's messages keep their
    order): claimed by a process that stopped answering for ``stale_after``, or unclaimed for
    ``unclaimed_after`` (an answer Telegram refused, retried)."""
    candidates = (
        select(_UPDATES.c.update_id, _has_answer().label("has_answer"))
        .where(
            _is_open(),
            or_(
                and_(
                    _UPDATES.c.claimed_by.is_(None),
                    or_(
                        _UPDATES.c.claimed_at.is_(None),
                        _UPDATES.c.claimed_at <= now - unclaimed_after,
                    ),
                ),
                _UPDATES.c.claimed_at < now - stale_after,
            ),
        )
        .order_by(_UPDATES.c.update_id)
        .limit(limit)
    )
    if connection.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    answered = {row.update_id: row.has_answer for row in connection.execute(candidates)}
    ids = list(answered)
    if not ids:
        return []
    taken = connection.execute(
        update(_UPDATES)
        .where(_UPDATES.c.update_id.in_(ids), _is_open())
        .values(claimed_by=claimer, claimed_at=now)
        .returning(
            _UPDATES.c.update_id,
            _UPDATES.c.chat_id,
            _UPDATES.c.user_id,
            _UPDATES.c.payload,
            _UPDATES.c.received_at,
            _UPDATES.c.processed_at,
        )
    ).all()
    return sorted(
        (
            OpenUpdate(
                update_id=row.update_id,
                chat_id=row.chat_id,
                user_id=row.user_id,
                payload=json.loads(row.payload),
                received_at=row.received_at,
                processed=row.processed_at is not None or bool(answered[row.update_id]),
            )
            for row in taken
        ),
        key=lambda row: row.update_id,
    )


def unsent_answers(connection: Connection, *, update_id: int) -> list[Answer]:
    rows = connection.execute(
        select(_ANSWERS.c.id, _ANSWERS.c.method, _ANSWERS.c.params, _ANSWERS.c.created_at)
        .where(_ANSWERS.c.update_id == update_id, _ANSWERS.c.sent_at.is_(None))
        .order_by(_ANSWERS.c.id)
    ).all()
    return [
        Answer(
            id=row.id, method=row.method, params=json.loads(row.params), created_at=row.created_at
        )
        for row in rows
    ]


def forget_old_updates(connection: Connection, *, now: datetime) -> int:
    """Prune rows answered more than a week ago (their answers go with them)."""
    old = select(_UPDATES.c.update_id).where(_UPDATES.c.answered_at < now - KEEP_FOR)
    connection.execute(delete(_ANSWERS).where(_ANSWERS.c.update_id.in_(old)))
    result = connection.execute(delete(_UPDATES).where(_UPDATES.c.answered_at < now - KEEP_FOR))
    return int(result.rowcount)


def overdue(connection: Connection, *, now: datetime, older_than: timedelta = LATE_AFTER) -> int:
    """How many updates have waited longer than ``older_than`` for handling or an answer."""
    return int(
        connection.execute(
            select(func.count())
            .select_from(_UPDATES)
            .where(_is_open(), _UPDATES.c.received_at < now - older_than)
        ).scalar_one()
    )


def ids_of(rows: Iterable[OpenUpdate]) -> list[int]:
    return [row.update_id for row in rows]
