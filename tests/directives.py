"""The shipped examples and small directive files for tests, and a database fingerprint to
prove that a refused or repeated action changed nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from db.engine import session_scope
from db.imports import ImportOutcome, import_directive
from db.registry_file import load_registry
from schedules.clock import Clock

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
REGISTRY = EXAMPLES / "registry.toml"
LETTER_6411 = EXAMPLES / "6411-VPCP-KTTH-2023.toml"
TZ = "Asia/Ho_Chi_Minh"

# One council's directive with one task and one meeting, for tests that need "a task".
SMALL_DIRECTIVE = """\
number = "15/TEST"
date = 2023-11-01
issuer = "Văn phòng Chính phủ"
title = "Văn bản thử"
councils = ["{council}"]

[[tasks]]
clause = "1"
lead = "{lead}"
text = "Báo cáo tình hình thực hiện"
due = "trong quý IV năm 2023"

[[meetings]]
clause = "2"
title = "Họp sơ kết"
when = "Đầu tháng 12 năm 2023"
"""


def load_example_registry(engine: Engine, clock: Clock) -> None:
    with session_scope(engine) as session:
        outcome = load_registry(
            session=session, source=REGISTRY.read_text(encoding="utf-8"), now=clock.now()
        )
    assert not outcome.issues


def import_source(engine: Engine, clock: Clock, source: str, **kwargs: Any) -> ImportOutcome:
    """Import as the CLI does (actor "cli"), committed."""
    with session_scope(engine) as session:
        return import_directive(
            session=session, source=source, tz=TZ, now=clock.now(), actor_label="cli", **kwargs
        )


def small_directive(council: str = "DBSH", lead: str = "BKHDT") -> str:
    return SMALL_DIRECTIVE.format(council=council, lead=lead)


def fingerprint(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, for before/after checks.

    Left out: the update-dedup bookkeeping, and ``member.private_chat_ok``, which the access gate
    sets on any private message (the bot learning it may write there, not a user's change).
    """
    metadata = SQLModel.metadata  # the models mirror the migrated schema (test_migrations)
    with engine.connect() as connection:
        return {
            name: sorted(
                (
                    tuple(
                        value
                        for column, value in row._mapping.items()
                        if column != "private_chat_ok"
                    )
                    for row in connection.execute(select(table))
                ),
                key=repr,
            )
            for name, table in sorted(metadata.tables.items())
            if name not in ("inbox_update", "inbox_answer", "alembic_version")
        }
