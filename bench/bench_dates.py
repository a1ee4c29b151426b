"""Benchmark: how long parse_due takes per phrase once warmed up (a script, not a test).

Run from anywhere:  .venv/bin/python bench/bench_dates.py [--repeat 50]

Times every phrase of the shared example table (``schedules/dates_examples.py``: readings and
refusals) ``--repeat`` times each, one call at a time, prints p50/p95/p99 per parse in ms and
merges ``{"deadline_parsing": {...}}`` into ``bench/results.json`` (other keys are kept).
Budget: warm p99 under 5 ms; the exit status is 1 when it is exceeded.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the project

from bench.harness import RESULTS, machine_line, merge_results, percentiles  # noqa: E402
from schedules.dates import parse_due, warm_up  # noqa: E402
from schedules.dates_examples import READINGS, REFUSALS  # noqa: E402

BUDGET_P99_MS = 5.0


def time_phrases(cases: list[tuple[str, datetime]], repeat: int) -> dict[str, list[float]]:
    """Milliseconds per call, per phrase; phrases interleaved so none runs with a hot cache."""
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeat):
        for phrase, now in cases:
            started = time.perf_counter_ns()
            parse_due(phrase, now=now)
            samples[phrase].append((time.perf_counter_ns() - started) / 1e6)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=50, help="parses per phrase (default 50)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON file to merge into")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    warm_up()
    warm_up_ms = (time.perf_counter() - started) * 1000

    cases = [(example.phrase, example.now) for example in READINGS] + list(REFUSALS)
    samples = time_phrases(cases, args.repeat)
    every_call = [ms for per_phrase in samples.values() for ms in per_phrase]
    slowest = sorted(samples, key=lambda p: statistics.median(samples[p]), reverse=True)[:3]

    figures: dict[str, object] = {
        **percentiles(every_call),
        "mean_ms": round(statistics.fmean(every_call), 4),
        "phrases": len(cases),
        "parses": len(every_call),
        "repeat": args.repeat,
        "warm_up_ms": round(warm_up_ms, 1),
        "budget_p99_ms": BUDGET_P99_MS,
        "slowest_phrases_median_ms": {p: round(statistics.median(samples[p]), 4) for p in slowest},
    }
    merge_results("deadline_parsing", figures, args.results)

    print(f"deadline parsing: {len(cases)} phrases x {args.repeat} = {len(every_call)} parses")
    print(f"  warm-up (dateparser import + first parse): {warm_up_ms:.1f} ms")
    for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms"):
        print(f"  {key[:-3]:>4}: {figures[key]:.4f} ms")
    print(f"  slowest (median): {figures['slowest_phrases_median_ms']}")
    print(f"  machine: {machine_line()}")
    p99 = percentiles(every_call)["p99_ms"]
    within = p99 < BUDGET_P99_MS
    print(f"  budget p99 < {BUDGET_P99_MS} ms: {'OK' if within else 'EXCEEDED'}")
    print(f"  merged into {args.results}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
