"""Telegram update ids already handled: a redelivered update must change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from db.models import ProcessedUpdate

KEEP_FOR = timedelta(days=7)  # Telegram stops redelivering long before this


def claim_update(*, session: Session, update_id: int, now: datetime) -> bool:
    """True the first time ``update_id`` is seen (by any instance); False for a redelivery."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(ProcessedUpdate)
        .values(update_id=update_id, processed_at=now)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(col(ProcessedUpdate.update_id))
    )
    # RETURNING, not rowcount: psycopg reports -1 for ON CONFLICT DO NOTHING through the ORM.
    return session.execute(statement).first() is not None


def forget_old_updates(*, session: Session, now: datetime) -> int:
    result = session.execute(
        delete(ProcessedUpdate).where(col(ProcessedUpdate.processed_at) < now - KEEP_FOR)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
