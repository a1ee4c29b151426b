"""Building a report's files (the workbook and the chart) off the event loop, with their own
session: what ``/report``, the 📊 button, the weekly digest and ``councilbot report`` share.

Everything here is blocking (database, openpyxl, matplotlib): callers on the event loop run it
with ``asyncio.to_thread``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from bot.report_charts import ChartData, chart_data, render_chart
from bot.report_workbook import render_workbook
from db.council_report import CouncilReport, ReportRequest, report_for
from db.engine import session_scope
from db.permissions import Access, Actor


@dataclass(frozen=True)
class ReportFiles:
    report: CouncilReport
    workbook: bytes | None  # None when only the chart was asked for
    chart: bytes
    chart_data: ChartData
    file_name: str


def file_name(report: CouncilReport) -> str:
    """An ASCII name that says what and when: bao-cao-DBSH-20231001-20231231.xlsx."""
    codes = "-".join(council.code for council in report.councils) or "all"
    if report.period is None:
        span = "all"
    else:
        span = f"{report.period.first_day:%Y%m%d}-{report.period.last_day:%Y%m%d}"
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-" for ch in codes)
    return f"bao-cao-{safe}-{span}.xlsx"


def render_files(report: CouncilReport, lang: str, *, workbook: bool = True) -> ReportFiles:
    data = chart_data(report, lang)
    return ReportFiles(
        report=report,
        workbook=render_workbook(report, lang) if workbook else None,
        chart=render_chart(data, lang),
        chart_data=data,
        file_name=file_name(report),
    )


def files_for(
    *,
    engine: Engine,
    actor: Actor,
    council_id: int,
    request: ReportRequest,
    now: datetime,
    due_soon_days: int,
    tz: str,
    lang: str,
    access: Access = Access.CHAIR,
    workbook: bool = True,
) -> ReportFiles:
    """The files of the report ``actor`` asked for (refused unless they may have it)."""
    with session_scope(engine) as session:
        report = report_for(
            session=session,
            actor=actor,
            council_id=council_id,
            request=request,
            now=now,
            due_soon_days=due_soon_days,
            tz=tz,
            access=access,
        )
    return render_files(report, lang, workbook=workbook)
