"""Benchmark: what the inbox costs per update (issue #19's budget: under 1 ms p50 on SQLite).

    .venv/bin/python bench/bench_inbox.py [--rounds 2000] [--postgres SERVER_URL] [--save]

On a freshly migrated database holding a week of answered updates (20,000 rows, as the national
dataset does), each round does, with the bot's own functions, what the inbox adds to one update:

- ``store``: the receiver stores the update, claimed (one INSERT and its commit; the idempotency
  ledger it replaces cost one INSERT and a commit too);
- ``mark+record``: in the transaction of the update's change (a member row updated, committed
  anyway), the row marked processed and the answer recorded (two statements; the commit is the
  change's own and is not counted);
- ``finish``: after the answer went out, the answer marked sent and the row answered (two
  statements and a commit).

Prints p50/p95/p99 of each part and of their sum per update; ``--save`` merges
``{"inbox": ...}`` into ``bench/results.json``. Exit status 1 when the sum's p50 on SQLite is
1 ms or more.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the project

from sqlalchemy import Engine, Table, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from telegram import Update  # noqa: E402

import bot  # noqa: E402,F401  (sets PTB_TIMEDELTA before telegram is imported)
from bench.harness import machine_line, merge_results, percentiles, table  # noqa: E402
from bot.inbox import receive  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.settings import DatabaseSettings, SecretStr, Settings, TelegramSettings  # noqa: E402
from db import inbox  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import InboxUpdate, Member  # noqa: E402
from schedules.clock import ManualClock  # noqa: E402

BUDGET_P50_MS = 1.0
HISTORY = 20_000
FIRST_ID = 700_000_000
NOW = datetime(2023, 11, 20, 2, 0, tzinfo=UTC)
PARTS = ("store", "mark+record", "finish")
MEMBERS: Table = Member.__table__  # type: ignore[attr-defined]


def prepare(engine: Engine) -> int:
    """Migrate, add a week of answered updates and one member; returns the member's id."""
    upgrade(engine)
    rows: list[dict[str, Any]] = [
        {
            "update_id": FIRST_ID - HISTORY + n,
            "chat_id": 10_000 + n % 500,
            "user_id": 10_000 + n % 500,
            "payload": '{"update_id":0}',
            "received_at": (at := NOW - timedelta(days=7) + timedelta(seconds=n * 30)),
            "claimed_by": None,
            "claimed_at": None,
            "processed_at": at,
            "answered_at": at,
        }
        for n in range(HISTORY)
    ]
    with engine.begin() as connection:
        connection.execute(InboxUpdate.__table__.insert(), rows)  # type: ignore[attr-defined]
        connection.execute(
            MEMBERS.insert().values(
                telegram_user_id=10_000, full_name="Bench", language="vi", created_at=NOW
            )
        )
        return int(connection.execute(text("SELECT max(id) FROM member")).scalar_one())


def payload(update_id: int) -> dict[str, Any]:
    user = {"id": 10_000, "is_bot": False, "first_name": "Bench", "language_code": "vi"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(NOW.timestamp()),
            "chat": {"id": 10_000, "type": "private", "first_name": "Bench"},
            "from": user,
            "text": "/update 12 40% Đã trình dự thảo quy chế phối hợp",
            "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
        },
    }


def measure(url: str, rounds: int) -> dict[str, list[float]]:
    engine = make_engine(url)
    try:
        member_id = prepare(engine)
        settings = Settings(
            telegram=TelegramSettings(token=SecretStr("1:bench")),
            database=DatabaseSettings(url=url),
        )
        runtime = Runtime(settings=settings, engine=engine, clock=ManualClock(NOW))
        answer = {
            "chat_id": 10_000,
            "text": "✅ Đã ghi nhận cập nhật cho nhiệm vụ #12. Tình trạng: trong hạn, 40%.",
            "parse_mode": "HTML",
        }
        samples: dict[str, list[float]] = {part: [] for part in PARTS}
        for n in range(rounds + 50):
            update_id = FIRST_ID + n
            incoming = Update.de_json(payload(update_id), None)
            started = time.perf_counter()
            receive(runtime, incoming)
            stored = time.perf_counter()
            with engine.begin() as connection:  # the update's own change, committed anyway
                connection.execute(
                    update(MEMBERS).where(MEMBERS.c.id == member_id).values(full_name=f"Bench {n}")
                )
                marking = time.perf_counter()
                inbox.mark_processed(
                    connection, update_id=update_id, claimer=runtime.instance_id, now=NOW
                )
                answer_id = inbox.record_answer(
                    connection, update_id=update_id, method="sendMessage", params=answer, now=NOW
                )
                marked = time.perf_counter()
            finishing = time.perf_counter()
            with engine.begin() as connection:
                inbox.finish(
                    connection,
                    update_id=update_id,
                    claimer=runtime.instance_id,
                    now=NOW,
                    sent=[answer_id],
                )
            finished = time.perf_counter()
            runtime.inbox_claimed.discard(update_id)
            if n < 50:  # warm-up
                continue
            samples["store"].append((stored - started) * 1000)
            samples["mark+record"].append((marked - marking) * 1000)
            samples["finish"].append((finished - finishing) * 1000)
        samples["per update"] = [sum(parts) for parts in zip(*samples.values(), strict=True)]
        return samples
    finally:
        engine.dispose()


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """SQLite: the file itself. PostgreSQL (a server URL): a new database, dropped afterwards."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        yield url
        return
    name = f"councilbot_inbox_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield parsed.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL database")
    parser.add_argument("--save", action="store_true", help="merge into bench/results.json")
    args = parser.parse_args(argv)
    print(machine_line())
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="councilbot-inbox-") as folder:
        backends = [("SQLite", f"sqlite:///{Path(folder) / 'inbox.db'}")]
        if args.postgres:
            backends.append(("PostgreSQL", args.postgres))
        for backend, url in backends:
            with scratch_database(url) as scratch:
                samples = measure(scratch, args.rounds)
            figures[backend] = {part: percentiles(values) for part, values in samples.items()}
            rows = [
                [part, f["p50_ms"], f["p95_ms"], f["p99_ms"]]
                for part, f in figures[backend].items()
            ]
            print(f"\n{backend}, {args.rounds} updates")
            print(table(["inbox work", "p50 ms", "p95 ms", "p99 ms"], rows))
    met = figures["SQLite"]["per update"]["p50_ms"] < BUDGET_P50_MS
    print(f"\nSQLite p50 per update < {BUDGET_P50_MS} ms: {'met' if met else 'MISSED'}")
    if args.save:
        merge_results("inbox", {"rounds": args.rounds, "backends": figures})
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
