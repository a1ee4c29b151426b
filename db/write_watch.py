"""How many transactions that changed something other than the inbox this process committed on
an engine: a read made ahead of its use (the actor read with the inbox row, db/inbox.py) is
trusted only while this count has not moved since it was made (issue 16, leaner updates)."""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event

# The inbox's own bookkeeping (a row stored, marked, answered) changes no one's roles.
_BOOKKEEPING = ("inbox_update", "inbox_answer")
_WROTE = "councilbot_wrote"
# How db/inbox.py's statement that marks an update processed with its first answer begins.
MARK_WITH_ANSWER = "WITH marked AS (UPDATE inbox_update"

_generations: WeakKeyDictionary[Engine, list[int]] = WeakKeyDictionary()


def _is_write(statement: str) -> bool:
    text = statement.lstrip()
    verb = text[:6].upper()
    if text.startswith(MARK_WITH_ANSWER):
        return False  # the inbox marking an update processed with its answer
    if verb.startswith("WITH"):
        return any(word in text.upper() for word in ("INSERT ", "UPDATE ", "DELETE "))
    if verb not in ("INSERT", "UPDATE", "DELETE"):
        return False
    return not any(table in text[:40] for table in _BOOKKEEPING)


def watch(engine: Engine) -> None:
    """Count the committed writes on ``engine`` (once per engine)."""
    if engine in _generations:
        return
    counter = [0]
    _generations[engine] = counter

    def executed(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if _is_write(statement):
            connection.info[_WROTE] = True

    def committed(connection: Any) -> None:
        if connection.invalidated or connection.info.pop(_WROTE, False):
            counter[0] += 1

    def rolled_back(connection: Any) -> None:
        if not connection.invalidated:  # an invalidated one has no info to read (or forget)
            connection.info.pop(_WROTE, None)

    event.listen(engine, "before_cursor_execute", executed)
    event.listen(engine, "commit", committed)
    event.listen(engine, "rollback", rolled_back)


def generation(engine: Engine) -> int | None:
    """The count now; None when ``engine`` is not watched (nothing read ahead is trusted)."""
    counter = _generations.get(engine)
    return counter[0] if counter is not None else None
