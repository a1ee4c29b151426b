"""Confirm-once: an action that must happen once, however often its button is pressed and on
however many instances at the same moment.

Every confirm-once action (a confirmation button, a decision, a revocation) consumes what it
acts on with ONE conditional statement — ``DELETE … WHERE <still there> RETURNING`` for a
pending row, ``UPDATE … SET <new state> WHERE <still in the old state> RETURNING`` for a state
change — and the number of rows it returns decides who won. On PostgreSQL the second
statement waits for the first transaction's row lock, reads the row again once it commits and
matches nothing; SQLite runs one writer at a time. The loser raises :class:`AlreadyHandled`
(a localized "already handled" answer, no error in the log) before it has changed anything,
and its transaction is rolled back.

Call :func:`take` or :func:`claim` before any other write of the action, in the same session.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, inspect, update
from sqlalchemy.engine import Row
from sqlmodel import Session, SQLModel

from db.errors import Conflict


class AlreadyHandled(Conflict):
    """Someone (or the same member, on another instance) handled this already."""

    default_key = "already_handled"


def take(
    session: Session,
    model: type[SQLModel],
    *conditions: ColumnElement[bool],
    key: str | None = None,
    **params: object,
) -> Row[Any]:
    """Delete the one row matching ``conditions`` and return its columns; raise
    :class:`AlreadyHandled` (with catalogue ``key``) when another transaction took it first."""
    columns = list(inspect(model).columns)
    statement = delete(model).where(*conditions).returning(*columns)
    row = session.execute(statement, execution_options={"synchronize_session": False}).first()
    if row is None:
        raise AlreadyHandled(key, **params)
    _forget(session, model, row)
    return row


def claim(
    session: Session,
    model: type[SQLModel],
    *conditions: ColumnElement[bool],
    values: dict[str, Any],
    key: str | None = None,
    **params: object,
) -> None:
    """Move the one row matching ``conditions`` to ``values``; raise :class:`AlreadyHandled`
    (with catalogue ``key``) when another transaction moved it first. Objects of that row
    already loaded in the session are refreshed."""
    primary = inspect(model).primary_key
    statement = update(model).where(*conditions).values(**values).returning(*primary)
    row = session.execute(statement, execution_options={"synchronize_session": False}).first()
    if row is None:
        raise AlreadyHandled(key, **params)
    loaded = session.identity_map.get(session.identity_key(model, tuple(row)))
    if loaded is not None:
        session.refresh(loaded)


def _forget(session: Session, model: type[SQLModel], row: Row[Any]) -> None:
    """A taken row loaded earlier in the session is gone: stop tracking it."""
    primary = inspect(model).primary_key
    identity = tuple(getattr(row, column.key) for column in primary)
    loaded = session.identity_map.get(session.identity_key(model, identity))
    if loaded is not None:
        session.expunge(loaded)
