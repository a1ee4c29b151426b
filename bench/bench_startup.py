"""Benchmark: time from launching the bot to its first answer, and peak memory, at national scale.

    .venv/bin/python bench/bench_startup.py [--runs 5] [--postgres URL]

On a fresh copy of the national dataset (``bench/dataset.py``: 12,000 tasks, 100,000 pending
reminders...), a new Python process is launched that does what ``councilbot run`` does before
it answers anyone - imports, builds the Application, initializes it and runs its start-up hook
(dateparser warmed up, command menu set, stale claims recovered, the re-planning of every open
task and meeting started in the background) - then receives ``/status`` from a secretariat
member and answers it. The re-planning's own duration (the dispatcher waits for it, members
do not) is reported too, as ``re_planning_done``, counted from the first answer. The only
differences from production: the fake Bot API stands in for Telegram, and the clock is the
dataset's moment, so re-planning finds the reminders the way the bot left them.

The launcher measures the wall time from just before it starts the process to the answer's line
on the child's stdout, and the child's peak resident memory (``ru_maxrss``). Each run gets its
own copy of the database. Merges ``{"startup": ...}`` into ``bench/results.json``. Budgets:
2 s and 250 MB (the worst run); exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the project

BUDGET_SECONDS = 2.0
BUDGET_MB = 250.0
ANSWERED = "answered"


# --- the child: what `councilbot run` does, then one update -----------------------------------


def child(url: str, launched: float) -> None:
    """Start the bot on ``url``, answer /status, print the phases as JSON on one line."""
    phases: dict[str, float] = {}
    mark = time.perf_counter()

    import asyncio

    from bench.bench_updates import first_secretary
    from bench.dataset import NOW, bench_settings
    from bot.application import build_application
    from bot.offline.driver import FakeUser, OfflineBot
    from bot.offline.fake_telegram import FakeTelegram
    from db.engine import make_engine
    from db.migrate import upgrade
    from schedules.clock import ManualClock

    phases["imports"] = time.perf_counter() - mark

    async def run() -> None:
        mark = time.perf_counter()
        engine = make_engine(url)
        upgrade(engine)  # as `councilbot run` does: a no-op on a current database
        with engine.connect() as connection:
            secretary = first_secretary(connection)
        clock = ManualClock(NOW)
        transport = FakeTelegram(clock=clock)
        application = build_application(
            bench_settings(url), request=transport, clock=clock, engine=engine
        )
        phases["build"] = time.perf_counter() - mark
        mark = time.perf_counter()
        # As `councilbot run` does (not OfflineBot's `async with`, which also waits for the
        # re-planning that a real start leaves running in the background).
        await application.initialize()
        assert application.post_init is not None
        await application.post_init(application)
        phases["start_up_hook"] = time.perf_counter() - mark
        mark = time.perf_counter()
        offline = OfflineBot(application, transport, clock)
        calls = await offline.send(FakeUser(secretary, "Thư ký"), "/status")
        phases["first_answer"] = time.perf_counter() - mark
        if not any(call.ok and "%" in call.text for call in calls):
            raise SystemExit(f"/status was not answered: {[c.text[:80] for c in calls]}")
        since_launch = time.time() - launched
        print(ANSWERED, json.dumps({"phases": phases, "since_launch": since_launch}))
        sys.stdout.flush()
        await offline.runtime.drain()
        phases["re_planning_done"] = time.perf_counter() - mark
        print("caught-up", json.dumps(phases))
        await application.shutdown()
        engine.dispose()

    asyncio.run(run())


# --- the launcher ------------------------------------------------------------------------------


def launch_once(url: str) -> dict[str, Any]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", url, "--launched", repr(time.time())],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert process.stdout is not None
    answered_after: float | None = None
    details: dict[str, Any] = {}
    for line in process.stdout:
        if line.startswith(ANSWERED):
            answered_after = time.perf_counter() - started
            details = json.loads(line.split(" ", 1)[1])
        elif line.startswith("caught-up"):
            details["phases"] = json.loads(line.split(" ", 1)[1])
    # ru_maxrss of the children waited for so far: the largest, i.e. this run's at worst.
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0 or answered_after is None:
        raise SystemExit(f"the bot did not answer (exit status {status})")
    return {
        "seconds": round(answered_after, 3),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
        "phases_s": {name: round(value, 3) for name, value in details["phases"].items()},
    }


def measure(postgres: str | None, runs: int) -> dict[str, Any]:
    from bench.dataset import database_copy

    samples = []
    for _ in range(runs):
        with database_copy(postgres) as url:
            samples.append(launch_once(url))
    seconds = [sample["seconds"] for sample in samples]
    memory = [sample["peak_mb"] for sample in samples]
    return {
        "runs": runs,
        "median_s": round(statistics.median(seconds), 3),
        "max_s": max(seconds),
        "peak_mb_max": max(memory),
        "phases_s_of_median_run": sorted(samples, key=lambda s: s["seconds"])[runs // 2][
            "phases_s"
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="launches per backend")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--launched", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.launched)
        return 0

    from bench.dataset import ensure_postgres, ensure_sqlite
    from bench.harness import machine_line, merge_results, table, verdict

    ensure_sqlite()  # built before timing anything
    backends: list[tuple[str, str | None]] = [("sqlite", None)]
    if args.postgres:
        ensure_postgres(args.postgres)
        backends.append(("postgresql", args.postgres))
    results: dict[str, Any] = {"budget_s": BUDGET_SECONDS, "budget_mb": BUDGET_MB}
    rows = []
    ok = True
    for backend, server in backends:
        figures = measure(server, args.runs)
        results[backend] = figures
        phases = figures["phases_s_of_median_run"]
        within = figures["max_s"] <= BUDGET_SECONDS and figures["peak_mb_max"] <= BUDGET_MB
        ok = ok and within
        rows.append(
            (
                backend,
                figures["median_s"],
                figures["max_s"],
                figures["peak_mb_max"],
                " ".join(f"{name}={value}" for name, value in phases.items()),
                verdict(within),
            )
        )
    merge_results("startup", results)
    print(f"start-up to first answer ({args.runs} launches each; the children's own phases):")
    print(table(("backend", "median s", "max s", "peak MB", "phases (s)", "budget"), rows))
    print(f"budget: {BUDGET_SECONDS} s and {BUDGET_MB:.0f} MB; machine: {machine_line()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
