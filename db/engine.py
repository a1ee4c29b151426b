"""Engines and sessions.

SQLite runs with WAL (readers never block the writer), a busy timeout (a second writer waits
instead of failing) and foreign keys on (SQLite leaves them off by default).

PostgreSQL connections are not pinged when taken from the pool (no ``pool_pre_ping``: a
``SELECT 1`` round trip per checkout, issue 16). A connection the server dropped (a restart, an
idle timeout) fails its first statement instead; SQLAlchemy discards it and every connection
opened before it (:func:`is_dropped_connection`), and the work is done again once on a new one:
an update stored or handled again (bot/inbox.py, bot/eventlog.py), a write after a message was
sent retried (:func:`transaction_retried_once`), any other work at its next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 10_000
T = TypeVar("T")
logger = logging.getLogger(__name__)


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
    return create_engine(url, **kwargs)


def transaction_retried_once(engine: Engine, work: Callable[[Connection], T]) -> T:
    """``work`` in one transaction, done once more on a new connection if the connection was
    lost before the commit (the transaction then died with it: nothing of it was applied). For
    what must be written once a message was sent (marked sent, lest it be sent again). Not when
    the commit itself failed: it may have been applied."""
    for attempt in (1, 2):
        committing = False
        try:
            with engine.connect() as connection, connection.begin():
                result = work(connection)
                committing = True
            return result
        except DBAPIError as error:
            if attempt == 2 or committing or not is_dropped_connection(error):
                raise
            logger.warning("the database connection was lost; trying once more")
    raise AssertionError("unreachable")


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
