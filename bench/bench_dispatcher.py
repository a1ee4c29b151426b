"""Benchmark: reminders sent and recorded per second by the dispatcher (a script, not a test).

Run from anywhere:

    .venv/bin/python bench/bench_dispatcher.py                      # 5,000 due rows, SQLite
    .venv/bin/python bench/bench_dispatcher.py --total 100000       # ... among 100,000 pending
    .venv/bin/python bench/bench_dispatcher.py --postgres postgresql+psycopg://postgres@127.0.0.1/test

Builds a fresh migrated database (a temporary SQLite file; with ``--postgres``, a throw-away
database on that server), fills it with ``--due`` reminders due now (spread over 200 tasks and
1,000 members, so each batch loads real context) plus pending ones in the future up to
``--total``, then runs the real dispatcher - claim, render from the catalogue, send through
python-telegram-bot to the fake Bot API (instant answers), mark SENT and record the message - until
the queue is drained. Prints reminders/second and merges ``{"dispatcher": {...}}`` into
``bench/results.json`` (other keys are kept). Budget: 500/s on SQLite; exit status 1 below it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the project

from sqlalchemy import Engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session, func, select  # noqa: E402
from telegram import Bot  # noqa: E402

import bot  # noqa: E402,F401  (sets PTB_TIMEDELTA before telegram is imported)
from bot.fake_telegram import FakeTelegram  # noqa: E402
from bot.reminder_messages import render_reminder  # noqa: E402
from bot.telegram_sender import TelegramSender  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import (  # noqa: E402
    Agency,
    Council,
    Member,
    OutboxState,
    Reminder,
    SentMessage,
    Task,
    TaskCouncil,
)
from schedules.clock import ManualClock  # noqa: E402
from schedules.dispatcher import Dispatcher  # noqa: E402
from schedules.reminders import ReminderConfig  # noqa: E402

BUDGET_PER_SECOND = 500.0
RESULTS = ROOT / "bench" / "results.json"
NOW = datetime(2023, 11, 20, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội: working hours
TASKS, MEMBERS = 200, 1000


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="councilbot-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"councilbot_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(engine: Engine, due: int, total: int) -> None:
    """Members, tasks, and the reminder rows: ``due`` due now, the rest in the coming weeks."""
    with Session(engine) as session:
        council = Council(code="DBSH", name_vi="Hội đồng", name_en="Council", created_at=NOW)
        agency = Agency(code="BKHDT", name_vi="Bộ Kế hoạch và Đầu tư", name_en="MPI")
        session.add_all([council, agency])
        session.flush()
        members = [
            Member(telegram_user_id=100_000 + i, full_name=f"Cán bộ {i}", created_at=NOW)
            for i in range(MEMBERS)
        ]
        tasks = [
            Task(
                lead_agency_id=agency.id or 0,
                title=f"Nhiệm vụ số {i}: xây dựng quy chế phối hợp liên vùng",
                due_text="cuối tháng 12/2023",
                original_deadline=NOW + timedelta(days=30),
                approved_deadline=NOW + timedelta(days=30),
                created_at=NOW,
                updated_at=NOW,
            )
            for i in range(TASKS)
        ]
        session.add_all([*members, *tasks])
        session.flush()
        session.add_all(TaskCouncil(task_id=t.id or 0, council_id=council.id or 0) for t in tasks)
        session.flush()
        rows: list[dict[str, Any]] = []
        for i in range(total):
            member, task = members[i % MEMBERS], tasks[i % TASKS]
            rows.append(
                {
                    "key": f"task:{task.id}:task_before:bench-{i}:m{member.id}",
                    "target_kind": "task",
                    "target_id": task.id,
                    "kind": "task_before",
                    "offset": f"bench-{i}",
                    "recipient_id": member.id,
                    "chat_id": member.telegram_user_id,
                    "due_at": NOW if i < due else NOW + timedelta(minutes=1 + i % 40_000),
                    "state": OutboxState.PENDING.value,
                    "attempts": 0,
                    "late": False,
                    "created_at": NOW,
                }
            )
        table: Any = Reminder.__table__  # type: ignore[attr-defined]
        for start in range(0, len(rows), 5000):
            session.exec(table.insert(), params=rows[start : start + 5000])
        session.commit()


async def dispatch_all(url: str, batch_size: int) -> tuple[int, float, int]:
    engine = make_engine(url)
    clock = ManualClock(NOW)
    transport = FakeTelegram(clock=clock)
    telegram = Bot("123456:BENCH", request=transport)
    await telegram.initialize()
    dispatcher = Dispatcher(
        engine=engine,
        clock=clock,
        sender=TelegramSender(telegram),
        config=replace(ReminderConfig(), batch_size=batch_size),
        instance_id="bench",
        renderer=render_reminder,
    )
    started = time.perf_counter()
    sent = 0
    while count := await dispatcher.run_once():
        sent += count
    elapsed = time.perf_counter() - started
    await telegram.shutdown()
    with Session(engine) as session:
        recorded = session.exec(select(func.count()).select_from(SentMessage)).one()
        marked = session.exec(
            select(func.count()).select_from(Reminder).where(Reminder.state == OutboxState.SENT)
        ).one()
    engine.dispose()
    delivered = sum(1 for call in transport.calls if call.method == "sendMessage" and call.ok)
    assert delivered == sent == marked == recorded, (delivered, sent, marked, recorded)
    return sent, elapsed, delivered


def run(url: str, due: int, total: int, batch_size: int) -> dict[str, object]:
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    seed(engine, due, total)
    seed_s = time.perf_counter() - started
    engine.dispose()
    sent, elapsed, _ = asyncio.run(dispatch_all(url, batch_size))
    return {
        "due": due,
        "pending_total": total,
        "batch_size": batch_size,
        "sent_and_recorded": sent,
        "seconds": round(elapsed, 3),
        "per_second": round(sent / elapsed, 1),
        "ms_per_reminder": round(elapsed * 1000 / sent, 3),
        "seed_seconds": round(seed_s, 2),
    }


def merge_results(path: Path, figures: dict[str, object]) -> None:
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    previous = results.get("dispatcher", {})
    results["dispatcher"] = {**previous, **figures}
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--due", type=int, default=5000, help="rows due now (default 5000)")
    parser.add_argument(
        "--total", type=int, default=0, help="pending rows in all, the rest in the future"
    )
    parser.add_argument("--batch-size", type=int, default=ReminderConfig().batch_size)
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON file to merge into")
    args = parser.parse_args(argv)
    total = max(args.total, args.due)

    figures: dict[str, object] = {}
    label = f"{args.due} due" + (f" of {total} pending" if total > args.due else "")
    with sqlite_database() as url:
        figures[f"sqlite_{total}"] = run(url, args.due, total, args.batch_size)
    if args.postgres:
        with postgres_database(args.postgres) as url:
            figures[f"postgres_{total}"] = run(url, args.due, total, args.batch_size)
    figures["budget_per_second_sqlite"] = BUDGET_PER_SECOND
    figures["machine"] = machine()
    figures["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    merge_results(args.results, figures)

    print(f"dispatcher: {label}, batches of {args.batch_size}")
    within = True
    for name, result in figures.items():
        if not isinstance(result, dict):
            continue
        print(
            f"  {name:>16}: {result['sent_and_recorded']} sent+recorded in {result['seconds']} s"
            f" = {result['per_second']}/s ({result['ms_per_reminder']} ms each)"
        )
        if name.startswith("sqlite"):
            within = float(result["per_second"]) >= BUDGET_PER_SECOND
    print(f"  machine: {figures['machine']}")
    print(f"  budget >= {BUDGET_PER_SECOND:.0f}/s on SQLite: {'OK' if within else 'MISSED'}")
    print(f"  merged into {args.results}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
