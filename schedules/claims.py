"""Claiming due outbox rows a whole chat at a time (issue 16: one message per person per moment).

A batch is not "the next 50 rows" but "the chats of the next 50 rows, each with every row due
to it now" (at most ``per_chat``): a person whose rows straddle two batches, or two instances,
still gets them in one claim, so the dispatcher can write them as one message.

On PostgreSQL the claiming transaction first takes a transaction-level advisory lock per chat
(``pg_try_advisory_xact_lock``, held until the claim commits): two instances never claim rows of
one chat at the same time, so neither can take half of a person's rows while the other takes the
rest. A chat locked by the other instance is passed over (it is claiming that chat's rows now);
its rows are SENDING once it commits. The rows themselves are still taken with ``FOR UPDATE SKIP
LOCKED``, so a row held by a re-planning transaction is passed over rather than waited for (it
goes out on the next run). On SQLite, one instance, the statements run under the single write
lock. Services only: nothing here imports Telegram.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, literal_column, or_, text, update
from sqlmodel import Session, col, select

from db.models import OutboxState, Reminder

# The advisory locks' first key ("remc"): the two-integer key space, apart from the sending
# role's single 64-bit key (schedules/sending_role.py). The second key is the chat id's hash.
CHAT_LOCK_SPACE = int.from_bytes(b"remc", "big") & 0x7FFF_FFFF
_LOCK_CHATS = text(
    "SELECT chat FROM unnest(CAST(:chats AS BIGINT[])) WITH ORDINALITY AS c(chat, n) "
    "WHERE pg_try_advisory_xact_lock(:space, hashtext(chat::text)) ORDER BY n"
)


def _due(now: datetime) -> Any:
    return and_(
        # A literal (db.models.PENDING_ONLY), so the partial index of pending rows is used.
        col(Reminder.state) == literal_column(f"'{OutboxState.PENDING.value}'"),
        col(Reminder.due_at) <= now,
        or_(col(Reminder.next_attempt_at).is_(None), col(Reminder.next_attempt_at) <= now),
    )


def claim_due_chats(
    session: Session,
    *,
    token: str,
    now: datetime,
    batch_size: int,
    per_chat: int,
    postgres: bool,
) -> tuple[list[int], bool]:
    """Mark SENDING (with ``token``) every due row of the chats of the next ``batch_size`` due
    rows, at most ``per_chat`` rows per chat (oldest first). Returns the claimed ids and whether
    more may be due (the batch was full, or a chat had more than ``per_chat``)."""
    first = session.exec(
        select(Reminder.chat_id)
        .where(_due(now))
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(batch_size)
    ).all()
    full = len(first) >= batch_size
    chats = list(dict.fromkeys(first))
    if chats and postgres:
        locked: Any = session.execute(_LOCK_CHATS, {"chats": chats, "space": CHAT_LOCK_SPACE})
        chats = [int(chat) for chat in locked.scalars()]
    if not chats:
        return [], full
    ranked = (
        select(
            col(Reminder.id).label("id"),
            func.row_number()
            .over(
                partition_by=col(Reminder.chat_id),
                order_by=(col(Reminder.due_at), col(Reminder.id)),
            )
            .label("n"),
        )
        .where(_due(now), col(Reminder.chat_id).in_(chats))
        .subquery()
    )
    wanted = select(ranked.c.id).where(ranked.c.n <= per_chat)
    pick = select(Reminder.id).where(col(Reminder.id).in_(wanted))
    if postgres:
        # Each row's state is re-checked once locked; a row another transaction holds is left.
        pick = pick.with_for_update(skip_locked=True)
    claimed: Any = session.exec(
        update(Reminder)
        .where(col(Reminder.id).in_(pick.scalar_subquery()))
        .values(state=OutboxState.SENDING, claimed_by=token, claimed_at=now)
        .returning(col(Reminder.id), col(Reminder.chat_id))
        .execution_options(synchronize_session=False)
    )
    rows = list(claimed.all())
    per_chat_count = Counter(chat for _, chat in rows)
    more = full or any(count >= per_chat for count in per_chat_count.values())
    return [row_id for row_id, _ in rows], more
