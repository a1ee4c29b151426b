"""What every handler and job needs, built once per application."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from bot.settings import Settings
from db.engine import session_scope
from schedules.clock import Clock


def _nothing() -> None:
    return None


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock
    # Asks the outbox dispatcher to look for due rows now (set when the dispatcher starts);
    # call it after committing a change that queued a notice.
    wake: Callable[[], None] = _nothing

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work, committed before the caller tells the user anything."""
        with session_scope(self.engine) as session:
            yield session
