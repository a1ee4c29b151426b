"""Building a report's files (the workbook and the chart) off the event loop, with their own
session: what ``/report``, the 📊 button, the weekly digest and ``councilbot report`` share.

Everything here is blocking (database, openpyxl, matplotlib): callers on the event loop run it
with ``asyncio.to_thread``.
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.catalogue import t
from bot.outbound.report_charts import ChartData, chart_data, render_chart
from bot.outbound.report_workbook import council_names, period_text, render_workbook
from bot.settings import Settings
from db.council_report import (
    CouncilReport,
    ReportRequest,
    council_report,
    narrowed,
    read_request,
    report_for,
)
from db.engine import make_engine, session_scope
from db.errors import AppError, NotFound
from db.models import Council
from db.permissions import Access, Actor
from schedules.dispatcher import Outgoing, ReminderView, Renderer
from schedules.reminders import KIND_DIGEST

if TYPE_CHECKING:
    from bot.runtime import Runtime


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


def report_from_cli(
    settings: Settings,
    *,
    council: str | None,
    period: str,
    agency: str | None,
    directive: str | None,
    lang: str,
    output: Path,
    chart: Path | None,
) -> int:
    """``councilbot report``: the operator's view (every council unless one is named)."""
    from db.migrate import upgrade
    from schedules.clock import SystemClock

    tz = settings.app.timezone
    engine = make_engine(settings.database.url)
    try:
        upgrade(engine)
        now = SystemClock().now()
        with session_scope(engine) as session:
            try:
                request = read_request(session=session, text=period, now=now, tz=tz)
                request = narrowed(
                    session=session, request=request, agency=agency, directive=directive
                )
                council_ids = _cli_councils(session, council)
            except AppError as error:
                message = _one_line(t(lang, error.key, **error.params))
                print(f"councilbot: {message}", file=sys.stderr)
                return 1
            report = council_report(
                session=session,
                council_ids=council_ids,
                request=request,
                now=now,
                due_soon_days=settings.app.due_soon_days,
                tz=tz,
            )
    finally:
        engine.dispose()
    files = render_files(report, lang)
    assert files.workbook is not None
    output.write_bytes(files.workbook)
    if chart is not None:
        chart.write_bytes(files.chart)
    print(
        _one_line(
            t(
                lang,
                "report_cli_written",
                path=str(output),
                total=report.summary.total,
                period=period_text(report, lang),
                undated=report.summary.no_deadline,
            )
        )
    )
    return 0


def _cli_councils(session: Session, code: str | None) -> list[int]:
    query = select(Council.id)
    if code is not None:
        query = query.where(Council.code == code.upper())
    ids = [council_id for council_id in session.exec(query).all() if council_id is not None]
    if not ids:
        raise NotFound("council_unknown", code=code or "")
    return ids


def _one_line(text: str) -> str:
    return " ".join(html.unescape(text).replace("• ", "").split())


def with_digest_chart(renderer: Renderer, runtime: Runtime) -> Renderer:
    """``renderer``, with the council's chart (every deadline, as ``/status``) after each weekly
    digest. Per dispatcher, not in the global renderer table: it needs this runtime's engine."""

    def render(view: ReminderView) -> Outgoing:
        outgoing = renderer(view)
        digest = view.digest
        if view.kind != KIND_DIGEST or digest is None:
            return outgoing

        def draw() -> tuple[bytes, str]:
            with session_scope(runtime.engine) as session:
                report = council_report(
                    session=session,
                    council_ids=[digest.council_id],
                    request=ReportRequest(period=None),
                    now=view.now,
                    due_soon_days=runtime.settings.app.due_soon_days,
                    tz=view.timezone,
                )
            files = render_files(report, view.lang, workbook=False)
            caption = t(
                view.lang,
                "report_chart_caption",
                council=council_names(report, view.lang),
                period=period_text(report, view.lang),
            )
            return files.chart, caption

        return replace(outgoing, photo=draw)

    return render
