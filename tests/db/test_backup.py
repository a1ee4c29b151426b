"""A backup restores the database as it was, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from db.backup import BackupError, backup, restore
from db.migrate import current_revision, head_revision
from db.models import Council
from schedules.clock import ManualClock
from tests.factories import Factory


def council_codes(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.exec(select(Council.code)).all())


def test_backup_then_restore_brings_back_the_data(
    database_url: str, engine: Engine, factory: Factory, clock: ManualClock, tmp_path: Path
) -> None:
    factory.council("DBSH")
    factory.council("TN", "Tây Nguyên")
    target = tmp_path / "backups" / "councilbot.dump"
    backup(database_url, target)
    assert target.stat().st_size > 0

    with Session(engine) as session:
        session.delete(session.exec(select(Council).where(Council.code == "TN")).one())
        session.add(Council(code="NEW", name_vi="x", name_en="x", created_at=clock.now()))
        session.commit()
    assert council_codes(engine) == ["DBSH", "NEW"]

    engine.dispose()
    restore(database_url, target)
    assert council_codes(engine) == ["DBSH", "TN"]
    assert current_revision(engine) == head_revision()


def test_restore_of_a_missing_file_is_refused(database_url: str, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no such file"):
        restore(database_url, tmp_path / "absent.dump")
