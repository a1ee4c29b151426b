"""Engines and sessions.

SQLite runs with WAL (readers never block the writer), a busy timeout (a second writer waits
instead of failing) and foreign keys on (SQLite leaves them off by default).

PostgreSQL connections are pinged when taken from the pool (``pool_pre_ping``, a ``SELECT 1``
round trip per checkout). A connection lost after that — while in use — fails its statement;
SQLAlchemy discards it and every connection opened before it, and an update is then stored or
handled again once (:func:`is_dropped_connection`; bot/inbox.py, bot/eventlog.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created on first use."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Kept although a dropped connection is now retried for updates (issue 16 allowed dropping
    # it): the senders' writes after a send (reminders, broadcasts, an update's answers marked
    # sent) are not retried, and a dropped connection met there first would send twice.
    return create_engine(url, pool_pre_ping=True, **kwargs)


def is_dropped_connection(error: BaseException | None) -> bool:
    """``error`` is a statement that failed because its connection was lost (the server
    restarted or ended the session): SQLAlchemy invalidated it, and trying again on a new one
    may succeed."""
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
