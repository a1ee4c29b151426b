"""Counting the SQL statements an update runs (issue 16): SQLAlchemy's ``before_cursor_execute``
on the engine, every statement whatever runs it (the inbox, the access gate, the handler, the
ledger). A count, not a time: it holds on any machine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    """The statements run on ``engine`` inside the block, in order (first line of each)."""
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split())[:160])

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


@contextmanager
def checkouts(engine: Engine) -> Iterator[list[int]]:
    """The connections taken from the pool inside the block (one entry each): a transaction
    each, whose ``BEGIN`` and end ``before_cursor_execute`` does not see. (Not pinged on
    checkout any more: db/engine.py.)"""
    taken: list[int] = []

    def checked_out(*_: Any) -> None:
        taken.append(1)

    event.listen(engine, "checkout", checked_out)
    try:
        yield taken
    finally:
        event.remove(engine, "checkout", checked_out)
