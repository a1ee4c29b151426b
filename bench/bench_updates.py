"""Benchmark: how fast the real Application answers members, next to the framework's floor.

    .venv/bin/python bench/bench_updates.py [--rounds 300] [--postgres URL]

On a fresh copy of the national dataset (``bench/dataset.py``), the real Application (every
handler, the authorization gate, the update log, the idempotency ledger) runs on the fake Bot
API, which answers instantly, with the clock fixed at the dataset's moment. Each round sends,
one update at a time:

- ``/status`` from a council's secretariat (the council overview of 2,100 tasks),
- ``/status <task>`` from the same member (a task with its agencies and latest updates),
- ``/tasks`` from the focal point of the agency with the most open tasks,
- a progress update written as a reply to a reminder the bot sent that focal point,

and, in the same rounds (interleaved, so that both meet the machine in the same moods),
``/ping`` to a bare Application whose only handler replies "ok": the framework's floor on
this machine. Only ``Application.process_update`` is timed (the update
object is built before). Each answer is checked, so a fast refusal cannot pass for a fast
answer. The SQL statements each kind runs (SQLAlchemy's ``before_cursor_execute``: the inbox,
the access gate, the handler, the answer ledger) are counted in the warm-up rounds. Prints
updates/second, p50/p95/p99 and statements per kind; merges ``{"update_handling": ...}``
into ``bench/results.json``. Budgets (issue 16): overview p95 <= 20 ms, at most 6 statements
per kind, and on SQLite ``/tasks`` and ``/status`` faster (p50 and p95) than the reference task
bot's figures (``REFERENCE_BOT_MS``); the p95 against the floor is reported, no longer a budget.
Exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the project

from sqlalchemy import Connection, Engine, text  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, CommandHandler, ContextTypes  # noqa: E402

import bot  # noqa: E402,F401  (sets PTB_TIMEDELTA before telegram is imported)
from bench.dataset import BENCH_UPDATE_IDS, NOW, TOKEN, bench_settings, database_copy  # noqa: E402
from bench.harness import (  # noqa: E402
    REFERENCE_BOT_MS,
    machine_line,
    merge_results,
    percentiles,
    table,
    verdict,
)
from bot.application import build_application  # noqa: E402
from bot.inbox import receive  # noqa: E402
from bot.offline.driver import OfflineBot  # noqa: E402
from bot.offline.fake_telegram import BOT_ID, FakeTelegram, RecordedCall  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from db.engine import make_engine  # noqa: E402
from schedules.clock import ManualClock  # noqa: E402
from tests.statements import counted  # noqa: E402

OVERVIEW_P95_BUDGET_MS = 20.0
# Issue 16's budget, which replaced "every kind within 10x the floor" (still reported): at most
# this many SQL statements per update of each kind, and on SQLite faster than the reference
# task bot (bench/harness.REFERENCE_BOT_MS).
STATEMENT_BUDGET = 6
WARM_UP_ROUNDS = 20
FLOOR = "floor"
FLOOR_ALONE = "floor (alone)"


@dataclass(frozen=True)
class Cast:
    """Who does what in the benchmark, read from the dataset."""

    secretary: int  # Telegram id of a secretariat member of council 1
    task_id: int  # an open task of council 1 with progress updates
    focal: int  # Telegram id of the focal point with the most open tasks
    reminder_message_id: int  # a reminder the bot sent that focal point about an open task
    reminder_task_id: int


def pick_cast(url: str) -> Cast:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            secretary = first_secretary(connection)
            task_id = connection.execute(
                text(
                    "SELECT t.id FROM task t JOIN task_council c ON c.task_id = t.id"
                    " JOIN progress_update u ON u.task_id = t.id"
                    " WHERE c.council_id = 1 AND t.state = 'open'"
                    " GROUP BY t.id ORDER BY count(*) DESC, t.id LIMIT 1"
                )
            ).scalar_one()
            focal_member, focal, agency = connection.execute(
                text(
                    "SELECT m.id, m.telegram_user_id, r.agency_id FROM council_role r"
                    " JOIN member m ON m.id = r.member_id"
                    " JOIN task t ON t.lead_agency_id = r.agency_id AND t.state = 'open'"
                    " JOIN task_council c ON c.task_id = t.id AND c.council_id = r.council_id"
                    " WHERE r.role = 'focal_point'"
                    " GROUP BY m.id, m.telegram_user_id, r.agency_id"
                    " ORDER BY count(*) DESC, m.id LIMIT 1"
                )
            ).one()
            message_id, reminder_task = connection.execute(
                text(
                    "SELECT s.message_id, s.task_id FROM sent_message s"
                    " JOIN task t ON t.id = s.task_id"
                    " WHERE s.chat_id = :chat AND t.state = 'open' AND t.lead_agency_id = :agency"
                    " ORDER BY s.message_id DESC LIMIT 1"
                ),
                {"chat": focal, "agency": agency},
            ).one()
            del focal_member
    finally:
        engine.dispose()
    return Cast(secretary, task_id, focal, message_id, reminder_task)


def first_secretary(connection: Connection) -> int:
    """The Telegram id of council 1's first secretariat member in the dataset."""
    secretary: int = connection.execute(
        text(
            "SELECT m.telegram_user_id FROM council_role r JOIN member m"
            " ON m.id = r.member_id WHERE r.council_id = 1 AND r.role = 'secretariat'"
            " ORDER BY m.id LIMIT 1"
        )
    ).scalar_one()
    return secretary


class Updates:
    """Builds raw updates the way Telegram sends them."""

    def __init__(self) -> None:
        self._update_ids = itertools.count(BENCH_UPDATE_IDS)
        self._message_ids = itertools.count(1)

    def message(
        self, user_id: int, body: str, *, reply_to: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(NOW.timestamp()),
            "chat": {"id": user_id, "type": "private", "first_name": f"user{user_id}"},
            "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"},
            "text": body,
        }
        if body.startswith("/"):
            length = len(body.split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return {"update_id": next(self._update_ids), "message": message}


def bot_message(chat_id: int, message_id: int, body: str) -> dict[str, Any]:
    """A message the bot sent earlier (what Telegram puts in ``reply_to_message``)."""
    return {
        "message_id": message_id,
        "date": int(NOW.timestamp()) - 3600,
        "chat": {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Council Bot"},
        "text": body,
    }


@dataclass
class Kind:
    name: str
    build: Callable[[int], dict[str, Any]]  # round -> raw update
    check: Callable[[list[RecordedCall]], bool]  # did the bot answer as it should?


@dataclass
class Target:
    """An Application under measurement, its fake Bot API and the updates it is sent."""

    application: Application[Any, Any, Any, Any, Any, Any]
    transport: FakeTelegram
    kinds: list[Kind]
    # The bot's engine: its SQL statements per update are counted in the warm-up rounds (not
    # in the timed ones, so that counting costs them nothing). None for the bare floor.
    engine: Engine | None = None
    # The bot's runtime: each update is stored in the inbox first (bot.inbox.receive), as the
    # webhook and the poller store it, with the sender read ahead. None for the bare floor.
    runtime: Runtime | None = None


# Statements per update, per kind: the counts of the warm-up rounds (issue 16).
STATEMENTS: dict[str, list[int]] = {}


async def handle(target: Target, update: Update) -> None:
    """What the bot does with an update it receives: store it, then handle it."""
    if target.runtime is not None:
        receive(target.runtime, update)
    await target.application.process_update(update)


async def time_updates(targets: list[Target], rounds: int) -> dict[str, list[float]]:
    """Milliseconds of ``process_update`` per update, per kind. Every round sends one update of
    each kind to each target in turn, so the floor and the bot share the machine's moments."""
    samples: dict[str, list[float]] = {kind.name: [] for target in targets for kind in target.kinds}
    for number in range(WARM_UP_ROUNDS + rounds):
        for target in targets:
            for kind in target.kinds:
                update = Update.de_json(kind.build(number), target.application.bot)
                calls = target.transport.calls
                before = len(calls)
                if target.engine is not None and number < WARM_UP_ROUNDS:
                    with counted(target.engine) as statements:
                        await handle(target, update)
                    STATEMENTS.setdefault(kind.name, []).append(len(statements))
                    elapsed_ms = 0.0
                else:
                    started = time.perf_counter()
                    await handle(target, update)
                    elapsed_ms = (time.perf_counter() - started) * 1000
                if not kind.check(calls[before:]):
                    answer = [(c.method, c.error, c.text[:120]) for c in calls[before:]]
                    raise SystemExit(f"{kind.name}: unexpected answer {answer}")
                if number >= WARM_UP_ROUNDS:
                    samples[kind.name].append(elapsed_ms)
            target.transport.clear()
    return samples


def sent_text(*needles: str) -> Callable[[list[RecordedCall]], bool]:
    """The answer is a successful message containing every needle."""

    def check(calls: list[RecordedCall]) -> bool:
        return any(
            call.ok and call.method == "sendMessage" and all(n in call.text for n in needles)
            for call in calls
        )

    return check


def bare_floor() -> Target:
    """The framework alone: an Application whose only handler replies "ok"."""

    async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Reply "ok"."""
        assert update.effective_message is not None
        await update.effective_message.reply_text("ok")

    transport = FakeTelegram(clock=ManualClock(NOW))
    application = (
        Application.builder().token(TOKEN).request(transport).get_updates_request(transport)
    ).build()
    application.add_handler(CommandHandler("ping", ping))
    updates = Updates()
    kind = Kind(FLOOR, lambda _: updates.message(42, "/ping"), sent_text("ok"))
    return Target(application, transport, [kind])


async def measure(url: str, cast: Cast, rounds: int) -> dict[str, list[float]]:
    """The floor and the real bot, measured in the same rounds."""
    STATEMENTS.clear()
    clock = ManualClock(NOW)
    transport = FakeTelegram(clock=clock)
    engine = make_engine(url)
    application = build_application(
        bench_settings(url), request=transport, clock=clock, engine=engine
    )
    updates = Updates()
    reminder = bot_message(cast.focal, cast.reminder_message_id, "Nhắc việc")
    kinds = [
        # What every update pays before its handler: who is this, may they, seen it before?
        Kind("/help", lambda _: updates.message(cast.focal, "/help"), sent_text("/tasks")),
        Kind("/status", lambda _: updates.message(cast.secretary, "/status"), sent_text("%")),
        Kind(
            "/status <task>",
            lambda _: updates.message(cast.secretary, f"/status {cast.task_id}"),
            sent_text(f"#{cast.task_id}"),
        ),
        Kind("/tasks", lambda _: updates.message(cast.focal, "/tasks"), sent_text()),
        Kind(
            "update by reply",
            lambda n: updates.message(
                cast.focal, f"Đã hoàn thành dự thảo lần {n}, đang lấy ý kiến", reply_to=reminder
            ),
            sent_text(f"#{cast.reminder_task_id}"),
        ),
    ]
    floor = bare_floor()
    try:
        async with floor.application, OfflineBot(application, transport, clock) as offline:
            transport.clear()
            # Alone, the floor is about half what it is between the bot's updates (its code
            # and data are still in the CPU's caches): reported beside it, for a fair reading.
            alone = Target(
                floor.application, floor.transport, [replace(floor.kinds[0], name=FLOOR_ALONE)]
            )
            samples = await time_updates([alone], rounds)
            samples.update(
                await time_updates(
                    [floor, Target(application, transport, kinds, engine, offline.runtime)], rounds
                )
            )
            return samples
    finally:
        engine.dispose()


def summarize(samples: dict[str, list[float]]) -> dict[str, Any]:
    """Percentiles per kind, against the floor, with the statements each kind ran (in the
    last warm-up round: the first ones also fill caches)."""
    figures: dict[str, Any] = {
        name: {**percentiles(floor), "per_second": round(1000 * len(floor) / sum(floor), 1)}
        for name, floor in samples.items()
        if name in (FLOOR, FLOOR_ALONE)
    }
    floor_p95 = figures[FLOOR]["p95_ms"]
    for name, values in samples.items():
        if name in (FLOOR, FLOOR_ALONE):
            continue
        figures[name] = {
            **percentiles(values),
            "per_second": round(1000 * len(values) / sum(values), 1),
            "p95_vs_floor": round(percentiles(values)["p95_ms"] / floor_p95, 1),
            "statements": STATEMENTS.get(name, [0])[-1],
        }
    return figures


def within_budget(figures: dict[str, Any], backend: str) -> bool:
    overview_ok = figures["/status"]["p95_ms"] <= OVERVIEW_P95_BUDGET_MS
    statements_ok = all(
        value["statements"] <= STATEMENT_BUDGET
        for name, value in figures.items()
        if name not in (FLOOR, FLOOR_ALONE)
    )
    faster_ok = backend != "sqlite" or all(
        figures[name]["p50_ms"] < p50 and figures[name]["p95_ms"] < p95
        for name, (p50, p95) in REFERENCE_BOT_MS.items()
    )
    return overview_ok and statements_ok and faster_ok


def report(backend: str, figures: dict[str, Any]) -> None:
    rows = [
        (
            name,
            value["per_second"],
            value["p50_ms"],
            value["p95_ms"],
            value["p99_ms"],
            value.get("p95_vs_floor", "-"),
            value.get("statements", "-"),
        )
        for name, value in figures.items()
    ]
    print(f"update handling on {backend}:")
    headers = ("kind", "updates/s", "p50 ms", "p95 ms", "p99 ms", "p95 / floor", "statements")
    print(table(headers, rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=300, help="timed updates per kind")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    results: dict[str, Any] = {"rounds": args.rounds, "budget_overview_p95_ms": 20.0}
    ok = True
    backends: list[tuple[str, str | None]] = [("sqlite", None)]
    if args.postgres:
        backends.append(("postgresql", args.postgres))
    for backend, server in backends:
        with database_copy(server) as url:
            cast = pick_cast(url)
            samples = asyncio.run(measure(url, cast, args.rounds))
        figures = summarize(samples)
        results[backend] = figures
        report(backend, figures)
        backend_ok = within_budget(figures, backend)
        ok = ok and backend_ok
        faster = (
            ", /tasks and /status faster than the reference bot's p50 and p95"
            if backend == "sqlite"
            else ""
        )
        print(
            f"  budget (overview p95 <= {OVERVIEW_P95_BUDGET_MS:.0f} ms, at most "
            f"{STATEMENT_BUDGET} statements per kind{faster}): {verdict(backend_ok)}"
        )
    merge_results("update_handling", results)
    print(f"machine: {machine_line()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
