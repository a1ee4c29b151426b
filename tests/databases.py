"""One real database per test: a copy of a migrated SQLite file, or a PostgreSQL database
cloned from a migrated template (when COUNCILBOT_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.engine import make_engine
from db.migrate import upgrade

PG_ENV = "COUNCILBOT_TEST_DATABASE_URL"


def postgres_url() -> str | None:
    return os.environ.get(PG_ENV) or None


class SqliteDatabases:
    def __init__(self, folder: Path) -> None:
        self.template = folder / "template.db"
        engine = make_engine(f"sqlite:///{self.template}")
        upgrade(engine)
        engine.dispose()  # closing the last connection checkpoints the WAL into the file

    @contextmanager
    def empty(self, folder: Path) -> Iterator[str]:
        yield f"sqlite:///{folder / 'empty.db'}"

    @contextmanager
    def fresh(self, folder: Path) -> Iterator[str]:
        path = folder / "test.db"
        shutil.copyfile(self.template, path)
        yield f"sqlite:///{path}"


class PostgresDatabases:
    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.template = f"councilbot_tpl_{uuid.uuid4().hex[:10]}"
        self.admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.template}"'))
        engine = make_engine(self._url(self.template))
        upgrade(engine)
        engine.dispose()

    def _url(self, database: str) -> str:
        return make_url(self.admin_url).set(database=database).render_as_string(hide_password=False)

    @contextmanager
    def empty(self, folder: Path) -> Iterator[str]:
        with self._database("") as url:
            yield url

    @contextmanager
    def fresh(self, folder: Path) -> Iterator[str]:
        with self._database(f'TEMPLATE "{self.template}"') as url:
            yield url

    @contextmanager
    def _database(self, options: str) -> Iterator[str]:
        name = f"councilbot_t_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" {options}'))
        try:
            yield self._url(name)
        finally:
            with self.admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))
        self.admin.dispose()
