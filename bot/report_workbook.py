"""The report as an .xlsx workbook in the Government Office's form (openpyxl).

Sheets: *Tổng hợp* (title block, the categories with counts and shares, then one row per lead
agency with its scorecard), *Phụ lục* (one row per task with a deadline in the period) and
*Không có hạn* (the tasks without a deadline, listed apart). Spreadsheet habits: a frozen header
row and filters on every table, wrapped long text, column widths fitted to the content, dates as
Excel dates shown dd/mm/yyyy, shares as numbers formatted as %, and print settings (A4
landscape, fit to width, the header row repeated on each page) so that it prints as an appendix.

openpyxl is imported when a workbook is written, not when the bot starts.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.catalogue import t
from db.council_report import AppendixRow, CouncilReport, Tally

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "dd/mm/yyyy"
MINUTE_FORMAT = "dd/mm/yyyy hh:mm"
PERCENT_FORMAT = "0%"
RATE_FORMAT = "0.0%"
MAX_WIDTH = 60
WRAPPED_WIDTH = 48  # long text columns: this wide, wrapped
TEXT_LIMIT = 32_767  # an Excel cell's limit


def plain(lang: str, key: str, /, **params: object) -> str:
    """A catalogue text without Telegram's HTML escaping (a cell is not HTML)."""
    return html.unescape(t(lang, key, **params))


def council_names(report: CouncilReport, lang: str) -> str:
    name = "name_vi" if lang == "vi" else "name_en"
    return "; ".join(getattr(council, name) for council in report.councils)


def period_text(report: CouncilReport, lang: str) -> str:
    return report.period.render(lang) if report.period else plain(lang, "report_period_all")


def scope_text(report: CouncilReport, lang: str) -> str | None:
    if report.agency is not None:
        return plain(lang, "report_scope_agency", agency=report.agency.code)
    if report.directive is not None:
        return plain(lang, "report_scope_directive", number=report.directive)
    return None


# The Government Office's categories, in the order its reports list them: (key, Tally field).
SUMMARY_ROWS: tuple[tuple[str, str], ...] = (
    ("xl_total", "total"),
    ("xl_due", "due"),
    ("xl_done_on_time", "done_on_time"),
    ("xl_done_late", "done_late"),
    ("xl_within", "within_deadline"),
    ("xl_overdue", "overdue"),
    ("xl_awaiting", "awaiting"),
    ("xl_obstacles", "obstacles"),
    ("xl_no_deadline", "no_deadline"),
)
AGENCY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("xl_col_total", "total"),
    ("xl_col_done_on_time", "done_on_time"),
    ("xl_col_done_late", "done_late"),
    ("xl_col_within", "within_deadline"),
    ("xl_col_overdue", "overdue"),
    ("xl_col_awaiting", "awaiting"),
    ("xl_col_obstacles", "obstacles"),
    ("xl_col_no_deadline", "no_deadline"),
    ("xl_col_due", "due"),
)
APPENDIX_COLUMNS: tuple[str, ...] = (
    "xl_stt",
    "xl_col_directive",
    "xl_col_clause",
    "xl_col_task",
    "xl_agency",
    "xl_col_co",
    "xl_col_due_text",
    "xl_col_due_read",
    "xl_col_approved",
    "xl_col_status",
    "xl_col_percent",
    "xl_col_update_date",
    "xl_col_update_by",
    "xl_col_update_text",
    "xl_col_obstacle",
    "xl_col_task_id",
)
WRAPPED_COLUMNS = frozenset({"xl_col_task", "xl_col_update_text", "xl_col_obstacle", "xl_agency"})


def render_workbook(report: CouncilReport, lang: str) -> bytes:
    """The workbook's bytes (.xlsx)."""
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    _Summary(summary, report, lang).write()
    appendix = workbook.create_sheet(plain(lang, "xl_sheet_appendix"))
    _Appendix(appendix, report, lang, report.rows, "xl_appendix_title").write()
    undated = workbook.create_sheet(plain(lang, "xl_sheet_undated"))
    _Appendix(undated, report, lang, report.undated, "xl_undated_title").write()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Sheet:
    """What both kinds of sheet share: the title block, styles, widths, print settings."""

    def __init__(self, sheet: Worksheet, report: CouncilReport, lang: str) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.sheet = sheet
        self.report = report
        self.lang = lang
        self.zone = ZoneInfo(report.tz)
        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=14)
        self.header_fill = PatternFill("solid", fgColor="D9E1F2")
        self.header_alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.wrapped = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")
        self.widths: dict[int, float] = {}

    def title_block(self, title_key: str, columns: int) -> int:
        """Title, council, period, time of the report, scope; returns the next free row."""
        lines = [
            plain(self.lang, title_key),
            plain(self.lang, "xl_council", council=council_names(self.report, self.lang)),
            plain(self.lang, "xl_period", period=period_text(self.report, self.lang)),
            plain(
                self.lang,
                "xl_generated",
                now=self.report.now.astimezone(self.zone).strftime("%H:%M %d/%m/%Y"),
            ),
        ]
        scope = scope_text(self.report, self.lang)
        if scope:
            lines.append(plain(self.lang, "xl_scope", scope=scope))
        for index, line in enumerate(lines, start=1):
            cell = self.sheet.cell(row=index, column=1, value=line)
            cell.font = self.title_font if index == 1 else self.bold
            self.sheet.merge_cells(
                start_row=index, start_column=1, end_row=index, end_column=columns
            )
        return len(lines) + 2

    def header(self, row: int, labels: Sequence[str]) -> None:
        for column, label in enumerate(labels, start=1):
            cell = self.sheet.cell(row=row, column=column, value=label)
            cell.font = self.bold
            cell.fill = self.header_fill
            cell.alignment = self.header_alignment
            cell.border = self.border
            self.fit(column, label, header=True)

    def fit(self, column: int, value: object, *, header: bool = False) -> None:
        """Widen ``column`` for ``value`` (headers wrap on two lines at most)."""
        if value is None:
            return
        if isinstance(value, datetime):
            width = 16.0
        elif isinstance(value, date):
            width = 11.0
        elif isinstance(value, float):
            width = 7.0
        else:
            text = str(value)
            width = min(len(text) / 2 + 2, 24) if header else len(text) + 2
        if width > self.widths.get(column, 0):
            self.widths[column] = min(width, MAX_WIDTH)

    def finish(self, header_row: int, last_row: int, columns: int) -> None:
        """Widths, frozen header, filters and print settings."""
        from openpyxl.utils import get_column_letter

        for column, width in self.widths.items():
            self.sheet.column_dimensions[get_column_letter(column)].width = max(width, 6)
        last_column = get_column_letter(columns)
        self.sheet.freeze_panes = f"A{header_row + 1}"
        self.sheet.auto_filter.ref = f"A{header_row}:{last_column}{max(last_row, header_row)}"
        self.sheet.print_title_rows = f"{header_row}:{header_row}"
        setup = self.sheet.page_setup
        setup.orientation = "landscape"
        setup.paperSize = self.sheet.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.sheet.print_options.horizontalCentered = True
        self.sheet.page_margins.left = self.sheet.page_margins.right = 0.4

    def local(self, moment: datetime | None) -> datetime | None:
        """An aware moment as the naive local time Excel stores."""
        return moment.astimezone(self.zone).replace(tzinfo=None) if moment else None

    def local_day(self, moment: datetime | None) -> date | None:
        return moment.astimezone(self.zone).date() if moment else None


class _Summary(_Sheet):
    """Tổng hợp: the categories, then one row per agency (its scorecard)."""

    def write(self) -> None:
        sheet, lang = self.sheet, self.lang
        sheet.title = plain(lang, "xl_sheet_summary")
        labels = [
            plain(lang, "xl_stt"),
            plain(lang, "xl_code"),
            plain(lang, "xl_agency"),
            *(plain(lang, key) for key, _ in AGENCY_COLUMNS),
            plain(lang, "xl_col_rate"),
            plain(lang, "xl_col_median_late"),
        ]
        row = self.title_block("xl_title", len(labels))
        summary = self.report.summary
        # The categories: the block's own header row, counts, shares of the total.
        for column, key in ((1, "xl_stt"), (3, "xl_indicator"), (4, "xl_count"), (5, "xl_share")):
            cell = sheet.cell(row=row, column=column, value=plain(lang, key))
            cell.font, cell.fill, cell.border = self.bold, self.header_fill, self.border
        sheet.cell(row=row, column=2).border = self.border
        sheet.cell(row=row, column=2).fill = self.header_fill
        for index, (key, name) in enumerate(SUMMARY_ROWS, start=1):
            row += 1
            count = getattr(summary, name)
            values: list[Any] = [index, None, plain(lang, key), count]
            values.append(None if name == "no_deadline" else summary.share(count))
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column, value=value)
                cell.border = self.border
            sheet.cell(row=row, column=5).number_format = PERCENT_FORMAT
            self.fit(3, plain(lang, key))
        row += 2
        sheet.cell(row=row, column=1, value=plain(lang, "xl_by_agency")).font = self.bold
        row += 1
        header_row = row
        self.header(header_row, labels)
        tallies = [
            (plain(lang, "xl_all_agencies"), "", summary),
            *(
                (a.code, a.name_vi if lang == "vi" else a.name_en, a.tally)
                for a in self.report.agencies
            ),
        ]
        for index, (code, name, tally) in enumerate(tallies):
            row += 1
            self._agency_row(row, index, code, name, tally)
        self.finish(header_row, row, len(labels))

    def _agency_row(self, row: int, index: int, code: str, name: str, tally: Tally) -> None:
        sheet = self.sheet
        values: list[Any] = [
            index or None,
            code,
            name or code,
            *(getattr(tally, field) for _, field in AGENCY_COLUMNS),
            tally.on_time_rate,
            tally.median_days_late,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.border = self.border
            if index == 0:
                cell.font = self.bold
            self.fit(column, value)
        rate = len(values) - 1
        sheet.cell(row=row, column=rate).number_format = RATE_FORMAT
        sheet.cell(row=row, column=rate + 1).number_format = "0.0"


class _Appendix(_Sheet):
    """Phụ lục (and Không có hạn): one row per task."""

    def __init__(
        self,
        sheet: Worksheet,
        report: CouncilReport,
        lang: str,
        rows: Sequence[AppendixRow],
        title_key: str,
    ) -> None:
        super().__init__(sheet, report, lang)
        self.rows = rows
        self.title_key = title_key

    def write(self) -> None:
        sheet, lang = self.sheet, self.lang
        header_row = self.title_block(self.title_key, len(APPENDIX_COLUMNS))
        self.header(header_row, [plain(lang, key) for key in APPENDIX_COLUMNS])
        wrapped = {i for i, key in enumerate(APPENDIX_COLUMNS, 1) if key in WRAPPED_COLUMNS}
        formats = {8: DATE_FORMAT, 9: DATE_FORMAT, 11: PERCENT_FORMAT, 12: DATE_FORMAT}
        categories = {
            category: plain(lang, f"category_{category}")
            for category in {row.category for row in self.rows}
        }
        flag = plain(lang, "flag_obstacle")
        row_number = header_row
        for index, task in enumerate(self.rows, start=1):
            row_number += 1
            values = self._values(index, task, categories[task.category], flag)
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row_number, column=column, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # user text, never a formula
                cell.border = self.border
                if column in wrapped:
                    cell.alignment = self.wrapped
                    if value is not None:
                        self.widths[column] = WRAPPED_WIDTH
                else:
                    cell.alignment = self.top
                    self.fit(column, value)
                if column in formats:
                    cell.number_format = formats[column]
            if task.due_precision == "minute":
                sheet.cell(row=row_number, column=8).number_format = MINUTE_FORMAT
        if not self.rows:
            row_number += 1
            sheet.cell(row=row_number, column=1, value=plain(lang, "xl_nothing"))
        self.finish(header_row, row_number, len(APPENDIX_COLUMNS))

    def _values(self, index: int, task: AppendixRow, status: str, flag: str) -> list[Any]:
        name = task.lead_name_vi if self.lang == "vi" else task.lead_name_en
        read = (
            self.local(task.original_deadline)
            if task.due_precision == "minute"
            else self.local_day(task.original_deadline)
        )
        latest = task.latest
        return [
            index,
            task.directive,
            task.clause,
            _cell_text(task.title),
            _cell_text(f"{name} ({task.lead_code})"),
            ", ".join(task.co_agencies) or None,
            _cell_text(task.due_text) if task.due_text else None,
            read,
            self.local_day(task.approved_deadline) if task.extended else None,
            f"{status} – {flag}" if task.obstacle is not None else status,
            task.percent / 100 if task.percent is not None else None,
            self.local_day(latest.at) if latest else None,
            _cell_text(latest.author) or None if latest else None,
            _cell_text(latest.text) if latest else None,
            _cell_text(task.obstacle) if task.obstacle is not None else None,
            task.id,
        ]


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell_text(text: str) -> str:
    """User text as a cell can hold it: no control characters, within Excel's limit."""
    return _ILLEGAL.sub("", text)[:TEXT_LIMIT]
