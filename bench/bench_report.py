"""Benchmark: the report (workbook and chart) at national scale.

    .venv/bin/python bench/bench_report.py [--repeat 3] [--postgres URL]

Each case runs in a fresh Python process (so that its peak memory is its own) on a copy of the
national dataset (``bench/dataset.py``), with the clock at the dataset's moment, through what
``/report`` and ``councilbot report`` run: ``db.council_report.council_report`` in a session,
then ``bot.outbound.report_workbook.render_workbook`` (XlsxWriter) and
``bot.outbound.report_charts`` (chart
data, PNG).
Cases:

- ``national``: every council and every deadline (``councilbot report`` without ``--council``
  and a period covering the dataset): the 12,000 tasks, 120 lead agencies; the 1,200 recurring
  tasks count as their periods written so far (one row each);
- ``council``: one council, the default period (this year), as ``/report`` answers; a
  recurring task counts as its periods due this year, those not written yet computed.

Figures (median of ``--repeat`` runs in the same process): ``data_s`` (the queries and the
status model), ``workbook_s`` (to bytes), ``workbook_total_s`` (both: what the budget
is about), ``chart_s`` (chart data and PNG, what the budget is about; the first chart of a
process also pays for importing matplotlib and loading its fonts, reported apart as
``chart_first_s``: the first /report after a start waits that much longer), the workbook's
size, and ``peak_rss_mb``, the process's peak resident memory (Python, SQLite, XlsxWriter and
matplotlib together). Merges
``{"report": ...}`` into ``bench/results.json``. Budget: the workbook within 3 s, a chart within
1 s, peak memory under 300 MB; exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the project

from bench.dataset import NOW, database_copy  # noqa: E402
from bench.harness import machine_line, merge_results, table, verdict  # noqa: E402

WORKBOOK_BUDGET_S = 3.0
CHART_BUDGET_S = 1.0
MEMORY_BUDGET_MB = 300.0
TZ = "Asia/Ho_Chi_Minh"
CASES = ("national", "council")


def run_case(case: str, url: str, repeat: int) -> dict[str, Any]:
    """One case, in this process (the child)."""
    from sqlmodel import select

    from bot.outbound.report_charts import chart_data, render_chart
    from bot.outbound.report_workbook import render_workbook
    from db.council_report import ReportRequest, council_report
    from db.engine import make_engine, session_scope
    from db.models import Council
    from schedules.periods import this_year

    engine = make_engine(url)
    with session_scope(engine) as session:
        council_ids = [c.id for c in session.exec(select(Council).order_by(Council.code)) if c.id]
    if case == "national":
        request = ReportRequest(period=None)
        ids = council_ids
    else:
        request = ReportRequest(period=this_year(NOW, TZ))
        ids = council_ids[:1]
    data_s, workbook_s, chart_s = [], [], []
    chart_first_s = 0.0
    size = tasks = periods = agencies = 0
    for index in range(repeat):
        started = time.perf_counter()
        with session_scope(engine) as session:
            report = council_report(
                session=session,
                council_ids=ids,
                request=request,
                now=NOW,
                due_soon_days=7,
                tz=TZ,
            )
        built = time.perf_counter()
        content = render_workbook(report, "vi")
        written = time.perf_counter()
        png = render_chart(chart_data(report, "vi"), "vi")
        drawn = time.perf_counter()
        data_s.append(built - started)
        workbook_s.append(written - built)
        if index == 0:
            chart_first_s = drawn - written
        else:
            chart_s.append(drawn - written)
        size = len(content)
        tasks = len(report.rows) + len(report.undated)
        periods = report.summary.periods
        agencies = len(report.agencies)
        assert png.startswith(b"\x89PNG")
    engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    data, book = statistics.median(data_s), statistics.median(workbook_s)
    return {
        "tasks": tasks,  # the appendix's rows: one-off tasks, and recurring tasks' periods
        "periods": periods,
        "agencies": agencies,
        "data_s": round(data, 3),
        "workbook_s": round(book, 3),
        "workbook_total_s": round(data + book, 3),
        "chart_first_s": round(chart_first_s, 3),
        "chart_s": round(statistics.median(chart_s or [chart_first_s]), 3),
        "workbook_kb": round(size / 1024),
        "peak_rss_mb": round(peak, 1),
        "repeat": repeat,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_case(args.child[0], args.child[1], max(args.repeat, 2))))
        return 0
    database = "PostgreSQL" if args.postgres else "SQLite"
    figures: dict[str, Any] = {}
    for case in CASES:
        with database_copy(args.postgres) as url:
            output = subprocess.run(
                [sys.executable, __file__, "--child", case, url, "--repeat", str(args.repeat)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        figures[case] = json.loads(output.strip().splitlines()[-1])
    met = all(
        f["workbook_total_s"] <= WORKBOOK_BUDGET_S
        and f["chart_s"] <= CHART_BUDGET_S
        and f["peak_rss_mb"] < MEMORY_BUDGET_MB
        for f in figures.values()
    )
    print(machine_line())
    print(
        table(
            [
                "case",
                "rows",
                "periods",
                "data",
                "workbook",
                "total",
                "chart (first)",
                "chart",
                "peak",
                "",
            ],
            [
                [
                    case,
                    f["tasks"],
                    f["periods"],
                    f"{f['data_s']} s",
                    f"{f['workbook_s']} s",
                    f"{f['workbook_total_s']} s",
                    f"{f['chart_first_s']} s",
                    f"{f['chart_s']} s",
                    f"{f['peak_rss_mb']} MB",
                    verdict(
                        f["workbook_total_s"] <= WORKBOOK_BUDGET_S
                        and f["chart_s"] <= CHART_BUDGET_S
                        and f["peak_rss_mb"] < MEMORY_BUDGET_MB
                    ),
                ]
                for case, f in figures.items()
            ],
        )
    )
    # One entry per database: the README's table shows both.
    merge_results(
        "report_postgresql" if args.postgres else "report", {"database": database, **figures}
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
