"""Backups and restores of the whole database (`councilbot db backup|restore FILE`).

SQLite: SQLite's online backup API, a consistent copy even while the bot writes.
PostgreSQL: pg_dump in its custom format, restored with pg_restore (both must be installed, as
they are with any PostgreSQL client); the URL's credentials are passed in the environment.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup or restore could not be made; the message says why."""


def backup(url: str, target: Path) -> None:
    parsed = make_url(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_path(parsed), target)
    elif parsed.get_backend_name() == "postgresql":
        _run_pg(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"], parsed)
    else:
        raise BackupError(f"no backup method for {parsed.get_backend_name()}")


def restore(url: str, source: Path) -> None:
    """Replace the database's contents with the backup's (the bot must be stopped)."""
    if not source.exists():
        raise BackupError(f"{source}: no such file")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_copy(source, _sqlite_path(parsed))
    elif parsed.get_backend_name() == "postgresql":
        _run_pg(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={parsed.database}",
                str(source),
            ],
            parsed,
        )
    else:
        raise BackupError(f"no restore method for {parsed.get_backend_name()}")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"{source}: no such file")
    target.parent.mkdir(parents=True, exist_ok=True)
    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        origin.close()
        copy.close()


def _run_pg(command: list[str], url: URL) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (install the PostgreSQL client)")
    env = dict(os.environ)
    if url.host:
        env["PGHOST"] = url.host
    if url.port:
        env["PGPORT"] = str(url.port)
    if url.username:
        env["PGUSER"] = url.username
    if url.password:
        env["PGPASSWORD"] = url.password
    env["PGDATABASE"] = url.database or ""
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BackupError(completed.stderr.strip() or f"{command[0]} failed")
