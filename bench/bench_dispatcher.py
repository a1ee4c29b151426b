"""Benchmark: reminders sent and recorded per second by the dispatcher (a script, not a test).

    .venv/bin/python bench/bench_dispatcher.py [--due 5000] [--postgres URL]

On a fresh copy of the national dataset (``bench/dataset.py``: 100,000 pending reminders among
165,000, 12,000 tasks, 1,200 members), ``--due`` pending task reminders spread over the queue
are made due now; then the real dispatcher - claim a batch, load each reminder's task, agencies
and recipient, render it from the catalogue, send it through python-telegram-bot to the fake
Bot API (instant answers), mark it SENT and record the message for replies - runs until nothing
is due. Pacing is off: this measures the bot's own cost per reminder, not Telegram's limit
(bench_broadcast.py measures that). Prints reminders/second and merges
``{"dispatcher": ...}`` into ``bench/results.json``. Budget: 500/s on SQLite; exit status 1
below it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the project

from sqlalchemy import text  # noqa: E402
from sqlmodel import Session, func, select  # noqa: E402
from telegram import Bot  # noqa: E402

import bot  # noqa: E402,F401  (sets PTB_TIMEDELTA before telegram is imported)
from bench.dataset import NOW, TOKEN, bench_settings, database_copy  # noqa: E402
from bench.harness import machine_line, merge_results, table, verdict  # noqa: E402
from bot.offline.fake_telegram import FakeTelegram  # noqa: E402
from bot.outbound.reminder_messages import render_reminder  # noqa: E402
from bot.outbound.telegram_sender import TelegramSender  # noqa: E402
from bot.reminder_config import reminder_config  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.models import OutboxState, Reminder  # noqa: E402
from schedules.clock import ManualClock  # noqa: E402
from schedules.dispatcher import Dispatcher  # noqa: E402

BUDGET_PER_SECOND = 500.0


def make_due(url: str, due: int) -> int:
    """Bring ``due`` pending task reminders, spread over the queue, to now; returns how many."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            pending = connection.execute(
                text(
                    "SELECT id FROM reminder WHERE state = 'pending' AND target_kind = 'task'"
                    " ORDER BY id"
                )
            ).scalars()
            ids = list(pending)
            step = max(len(ids) // due, 1)
            chosen = ids[::step][:due]
            now = NOW.replace(tzinfo=None)  # stored as naive UTC
            for start in range(0, len(chosen), 500):
                part = ",".join(map(str, chosen[start : start + 500]))
                connection.execute(
                    text(f"UPDATE reminder SET due_at = :now WHERE id IN ({part})"), {"now": now}
                )
        return len(chosen)
    finally:
        engine.dispose()


async def dispatch_all(url: str) -> tuple[int, float, int]:
    """Run the dispatcher until nothing is due; (sent, seconds, SENT rows in the database)."""
    engine = make_engine(url)
    clock = ManualClock(NOW)
    transport = FakeTelegram(clock=clock)
    telegram = Bot(TOKEN, request=transport)
    await telegram.initialize()
    dispatcher = Dispatcher(
        engine=engine,
        clock=clock,
        sender=TelegramSender(telegram),
        config=reminder_config(bench_settings(url)),
        instance_id="bench",
        renderer=render_reminder,
    )
    with Session(engine) as session:
        sent_before = session.exec(
            select(func.count()).select_from(Reminder).where(Reminder.state == OutboxState.SENT)
        ).one()
    started = time.perf_counter()
    sent = 0
    while count := await dispatcher.run_once():
        sent += count
    elapsed = time.perf_counter() - started
    await telegram.shutdown()
    with Session(engine) as session:
        sent_after = session.exec(
            select(func.count()).select_from(Reminder).where(Reminder.state == OutboxState.SENT)
        ).one()
    engine.dispose()
    delivered = sum(1 for call in transport.calls if call.method == "sendMessage" and call.ok)
    assert delivered == sent, (delivered, sent)
    return sent, elapsed, sent_after - sent_before


def run(postgres: str | None, due: int) -> dict[str, Any]:
    with database_copy(postgres) as url:
        made_due = make_due(url, due)
        sent, elapsed, recorded = asyncio.run(dispatch_all(url))
    if not sent == recorded == made_due:
        raise SystemExit(f"made due {made_due}, sent {sent}, recorded SENT {recorded}")
    return {
        "due": made_due,
        "sent_and_recorded": sent,
        "seconds": round(elapsed, 3),
        "per_second": round(sent / elapsed, 1),
        "ms_per_reminder": round(elapsed * 1000 / sent, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--due", type=int, default=5000, help="reminders made due (default 5000)")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    args = parser.parse_args(argv)

    results: dict[str, Any] = {"budget_per_second_sqlite": BUDGET_PER_SECOND}
    backends: list[tuple[str, str | None]] = [("sqlite", None)]
    if args.postgres:
        backends.append(("postgresql", args.postgres))
    for backend, server in backends:
        results[backend] = run(server, args.due)
    within = results["sqlite"]["per_second"] >= BUDGET_PER_SECOND
    merge_results("dispatcher", results)
    rows = [
        (name, r["sent_and_recorded"], r["seconds"], r["per_second"], r["ms_per_reminder"])
        for name, r in results.items()
        if isinstance(r, dict)
    ]
    print("dispatcher on the national dataset (100,000 pending), pacing off:")
    print(table(("backend", "sent+recorded", "seconds", "per second", "ms each"), rows))
    print(f"budget >= {BUDGET_PER_SECOND:.0f}/s on SQLite: {verdict(within)}")
    print(f"machine: {machine_line()}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
