"""Benchmark: the Monday peak at national scale, against a fake Bot API enforcing the limits.

    .venv/bin/python bench/bench_peak.py [--postgres URL] [--no-save]

On a fresh copy of the national dataset (``bench/dataset.py``) the Monday whose 08:30 (Hà Nội)
has the most pending reminders is the peak; the rows due before it are marked SENT (they went
out on their days). The clock starts there and runs in real time; the real dispatcher (claiming,
deciding, merging everything due to one person into one message, rendering, python-telegram-bot,
the pacer at the HTTP boundary, recording) runs until nothing is due, against
:class:`bench.limits.StrictTelegram`, which answers 429 above 30 sends a second, 3 to one chat
in 3 s or 20 to one group a minute.

Prints the rows due (before merging), the messages sent (after merging), the seconds from the
first send to the last delivered, and the physical minimum for those messages: the larger of
messages / 30 s and the most messages any one chat gets (at one a second). Checks every row is
SENT with a message id the fake accepted, each accepted message is recorded, and counts the
429s. Budget: within 1.1x the minimum, no 429, nothing lost or doubled; exit status 1 when
missed. Merges ``{"monday_peak": {backend: ...}}`` into ``bench/results.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the project

from sqlalchemy import Table, func, select, update  # noqa: E402
from telegram import Bot  # noqa: E402

import bot  # noqa: E402,F401  (sets PTB_TIMEDELTA before telegram is imported)
from bench.dataset import TOKEN, bench_settings, database_copy  # noqa: E402
from bench.harness import machine_line, merge_results, table, verdict  # noqa: E402
from bench.limits import PER_SECOND, RunningClock, StrictTelegram, most_in_any_window  # noqa: E402
from bot.outbound.merged_messages import MERGE_KINDS, render_merged  # noqa: E402
from bot.outbound.reminder_messages import render_reminder  # noqa: E402
from bot.outbound.telegram_sender import TelegramSender  # noqa: E402
from bot.reminder_config import reminder_config  # noqa: E402
from bot.runtime import PER_CHAT_BURST  # noqa: E402
from bot.update_scope import InboxRequest  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.models import OutboxState, Reminder, SentMessageTask  # noqa: E402
from schedules.dispatcher import Dispatcher  # noqa: E402
from schedules.pacing import Pacer  # noqa: E402

BUDGET_FACTOR = 1.1
REMINDERS: Table = Reminder.__table__  # type: ignore[attr-defined]
LISTED: Table = SentMessageTask.__table__  # type: ignore[attr-defined]


def settle_before(url: str, moment: datetime) -> int:
    """The rows due between the dataset's now and the peak went out on their days: SENT."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(
                update(REMINDERS)
                .where(REMINDERS.c.state == OutboxState.PENDING, REMINDERS.c.due_at < moment)
                .values(state=OutboxState.SENT)
            )
            return int(result.rowcount or 0)
    finally:
        engine.dispose()


def peak_moment(url: str) -> tuple[datetime, int]:
    """The Monday 08:30 (01:30 UTC) with the most pending reminders, and how many."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(REMINDERS.c.due_at, func.count())
                .where(REMINDERS.c.state == OutboxState.PENDING)
                .group_by(REMINDERS.c.due_at)
            ).all()
    finally:
        engine.dispose()
    mondays = [  # the peak: Monday 08:30 in Hà Nội
        (moment, count)
        for moment, count in rows
        if moment.weekday() == 0 and (moment.hour, moment.minute) == (1, 30)
    ]
    moment, count = max(mondays, key=lambda pair: pair[1])
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC), int(count)


async def run_peak(url: str, moment: datetime) -> dict[str, Any]:
    engine = make_engine(url)
    clock = RunningClock(moment)
    transport = StrictTelegram(clock=clock)
    pacer = Pacer(clock, asyncio.sleep, per_chat=PER_CHAT_BURST, reserve=1)
    telegram = Bot(TOKEN, request=InboxRequest(transport, pacer=lambda: pacer))
    await telegram.initialize()
    dispatcher = Dispatcher(
        engine=engine,
        clock=clock,
        sender=TelegramSender(telegram),
        config=reminder_config(bench_settings(url)),
        instance_id="bench-peak",
        renderer=render_reminder,
        pacer=pacer,
        merger=render_merged,
        merge_kinds=MERGE_KINDS,
    )
    mark = len(transport.calls)
    started = time.perf_counter()
    while True:
        await dispatcher.run_once()
        due = dispatcher.next_due_at()
        if due is None or due > clock.now():
            break
        await asyncio.sleep(max((due - clock.now()).total_seconds(), 0.01))
    elapsed = time.perf_counter() - started
    await telegram.shutdown()
    try:
        return analyse(url, moment, transport, mark, elapsed)
    finally:
        engine.dispose()


def analyse(
    url: str, moment: datetime, transport: StrictTelegram, mark: int, elapsed: float
) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(REMINDERS.c.state, REMINDERS.c.chat_id, REMINDERS.c.sent_message_id).where(
                    REMINDERS.c.due_at == moment
                )
            ).all()
            # A list split in parts: its rows carry the last part's id, every part is recorded
            # with the tasks it lists (sent_message_task: a reply to any part is routed). The
            # dataset has none of these rows: all are this run's.
            parts = connection.execute(
                select(LISTED.c.chat_id, LISTED.c.message_id).distinct()
            ).all()
    finally:
        engine.dispose()
    pairs = list(zip(transport.calls[mark:], transport.arrived[mark:], strict=True))
    sends = [(c, at) for c, at in pairs if c.method == "sendMessage"]
    accepted = [(c, at) for c, at in sends if c.ok]
    accepted_ids = Counter((c.chat_id, c.message_id) for c, _ in accepted)
    recorded = {(int(chat), message) for state, chat, message in rows if state == "sent"}
    recorded_parts = recorded | {(int(chat), message) for chat, message in parts}
    states = Counter(str(state) for state, _, _ in rows)
    per_chat = Counter(c.chat_id for c, _ in accepted)
    messages = len(accepted)
    most_to_one_chat = max(per_chat.values()) if per_chat else 0
    minimum = max(messages / PER_SECOND, float(most_to_one_chat))
    first = min(at for _, at in sends) if sends else 0.0
    last = max(at for _, at in accepted) if accepted else 0.0
    span = last - first
    return {
        "peak": moment.isoformat(),
        "rows_due_before_merging": len(rows),
        "rows_sent": states.get("sent", 0),
        "rows_other_states": {k: v for k, v in states.items() if k != "sent"},
        "messages_after_merging": messages,
        "chats": len(per_chat),
        "most_messages_to_one_chat": most_to_one_chat,
        "first_to_last_delivered_s": round(span, 2),
        "dispatcher_run_s": round(elapsed, 2),
        "minimum_s": round(minimum, 2),
        "ratio": round(span / minimum, 3) if minimum else 0.0,
        "budget_ratio": BUDGET_FACTOR,
        "retry_after_429s": transport.rejected,
        "lost": len(recorded - set(accepted_ids))
        + states.get("pending", 0)
        + states.get("sending", 0),
        "doubled": sum(1 for count in accepted_ids.values() if count > 1)
        + len(set(accepted_ids) - recorded_parts),
        "max_accepted_in_any_second": most_in_any_window([at for _, at in accepted], 1.0),
    }


def within_budget(figures: dict[str, Any]) -> bool:
    return (
        figures["ratio"] <= BUDGET_FACTOR
        and figures["retry_after_429s"] == 0
        and figures["lost"] == 0
        and figures["doubled"] == 0
        and figures["rows_sent"] == figures["rows_due_before_merging"]
    )


def report(name: str, figures: dict[str, Any]) -> None:
    rows: list[tuple[object, ...]] = [
        ("peak (UTC)", figures["peak"], ""),
        ("rows due (before merging)", figures["rows_due_before_merging"], ""),
        ("rows SENT", figures["rows_sent"], figures["rows_due_before_merging"]),
        ("messages (after merging)", figures["messages_after_merging"], ""),
        ("chats", figures["chats"], ""),
        ("most messages to one chat", figures["most_messages_to_one_chat"], ""),
        ("first send to last delivered s", figures["first_to_last_delivered_s"], ""),
        ("minimum s", figures["minimum_s"], ""),
        ("ratio", figures["ratio"], f"<= {BUDGET_FACTOR}"),
        ("429s", figures["retry_after_429s"], 0),
        ("lost", figures["lost"], 0),
        ("doubled", figures["doubled"], 0),
        ("max accepted in any 1 s", figures["max_accepted_in_any_second"], f"<= {PER_SECOND}"),
    ]
    print(f"Monday peak ({name}, real time, limits enforced by the fake):")
    print(table(("figure", "value", "budget"), rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument(
        "--no-save", action="store_true", help="print only; leave bench/results.json alone"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    results: dict[str, Any] = {}
    backends: list[tuple[str, str | None]] = [("sqlite", None)]
    if args.postgres:
        backends.append(("postgresql", args.postgres))
    ok = True
    for name, server in backends:
        with database_copy(server) as url:
            moment, _ = peak_moment(url)
            settle_before(url, moment)
            figures = asyncio.run(run_peak(url, moment))
        figures["within_budget"] = within_budget(figures)
        ok = ok and figures["within_budget"]
        results[name] = figures
        report(name, figures)
    print(
        f"  budget (<= {BUDGET_FACTOR}x the minimum, no 429, nothing lost or doubled): "
        f"{verdict(ok)}"
    )
    if not args.no_save:
        merge_results("monday_peak", results)
    print(f"machine: {machine_line()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
