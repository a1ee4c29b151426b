"""What every handler and job needs, built once per application."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from bot.settings import Settings
from db.engine import session_scope
from schedules.clock import Clock


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Clock

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work, committed before the caller tells the user anything."""
        with session_scope(self.engine) as session:
            yield session
