#!/usr/bin/env python3
"""Set up and run councilbot on a fresh machine: only Python 3.11+ and pip are needed.

    python3 dev.py demo   # create .venv, install, run the offline demo
    python3 dev.py test   # create .venv, install, run ruff, mypy and the whole test suite

The test suite runs on SQLite; when COUNCILBOT_TEST_DATABASE_URL names a PostgreSQL database
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) it runs a second time on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".councilbot-installed"
PG_ENV = "COUNCILBOT_TEST_DATABASE_URL"


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    completed = subprocess.run([str(part) for part in command], cwd=ROOT, env=env, check=False)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def ensure_environment() -> None:
    """Create the virtual environment and (re)install when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036  (dev.py may be run by an older python3)
        sys.exit(f"councilbot needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted)


def demo() -> None:
    run(BIN / "councilbot", "demo")


def test() -> None:
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy", "bot", "handlers", "schedules", "db", "tests", "bench")
    sqlite_env = {key: value for key, value in os.environ.items() if key != PG_ENV}
    print("== tests on SQLite", flush=True)
    run(BIN / "python", "-m", "pytest", "-q", env=sqlite_env)
    if os.environ.get(PG_ENV):
        print("== tests on PostgreSQL", flush=True)
        run(BIN / "python", "-m", "pytest", "-q", env=dict(os.environ))


def main() -> None:
    commands = {"demo": demo, "test": test}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit("usage: python3 dev.py demo | test")
    ensure_environment()
    commands[sys.argv[1]]()


if __name__ == "__main__":
    main()
