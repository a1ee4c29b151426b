"""The schema comes from the migrations, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from db.engine import make_engine
from db.migrate import current_revision, head_revision, is_current, upgrade
from tests.databases import PostgresDatabases, SqliteDatabases


def test_upgrade_from_empty_creates_every_table(
    databases: SqliteDatabases | PostgresDatabases, tmp_path: Path
) -> None:
    with databases.empty(tmp_path) as url:
        engine = make_engine(url)
        try:
            assert current_revision(engine) is None
            assert not is_current(engine)
            upgrade(engine)
            assert current_revision(engine) == head_revision()
            assert is_current(engine)
            tables = set(inspect(engine).get_table_names())
            assert set(SQLModel.metadata.tables) <= tables
            upgrade(engine)  # a second upgrade is a no-op
            assert current_revision(engine) == head_revision()
        finally:
            engine.dispose()


def test_migrated_schema_matches_the_models(engine: object) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import Engine

    assert isinstance(engine, Engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'bot.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
        assert (tmp_path / "nested" / "bot.db").exists()
    finally:
        engine.dispose()
