"""Which instance sends in the background, so that several instances on one PostgreSQL database
stay within one bot's Telegram limits together (issue 16).

Each process paces its own sends (``schedules/pacing.py``); two processes each at the limit
would send twice it. So on PostgreSQL one instance at a time holds the *background sending role*
— a session-level advisory lock on a connection it keeps — and only its dispatcher sends
reminders, notices and digests; the others answer their members and wait. When the holder dies
its connection closes, PostgreSQL releases the lock, and the next dispatcher run of another
instance takes the role (and, after ``stale_claim_minutes``, the rows the dead one had claimed).
On SQLite there is one instance: it always holds the role.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Connection, Engine, text

from db.engine import is_postgres

logger = logging.getLogger(__name__)

# pg_advisory_lock's key: "councilb" as a 64-bit integer, mistaken for no other lock.
ROLE_KEY = int.from_bytes(b"councilb", "big") & 0x7FFF_FFFF_FFFF_FFFF


class SendingRole:
    """``held()`` says whether this process may send in the background now."""

    def __init__(self, engine: Engine, key: int = ROLE_KEY) -> None:
        self.engine = engine
        self.key = key
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def held(self) -> bool:
        """Take the role if it is free; keep it while our connection lives. Blocking (a
        statement): call it from a worker thread."""
        if not is_postgres(self.engine):
            return True
        with self._lock:
            if self._connection is not None:
                try:
                    self._connection.exec_driver_sql("SELECT 1")
                    return True
                except Exception:  # the connection (and with it the lock) is gone
                    logger.warning("lost the background sending role's connection")
                    self._drop()
            connection = self.engine.connect()
            try:
                taken = connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
                ).scalar_one()
                connection.commit()
            except Exception:
                connection.close()
                raise
            if not taken:
                connection.close()
                return False
            logger.info("this instance now sends reminders and notices (background role)")
            self._connection = connection
            return True

    def release(self) -> None:
        """Give the role up (clean shutdown): another instance takes it at its next run."""
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.exec_driver_sql("SELECT pg_advisory_unlock_all()")
        except Exception:
            pass
        finally:
            try:
                self._connection.invalidate()  # never back into the pool with a lock on it
            finally:
                self._connection.close()
                self._connection = None
