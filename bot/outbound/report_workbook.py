"""The report as an .xlsx workbook in the Government Office's form (XlsxWriter).

Sheets: *Tổng hợp* (title block, the categories with counts and shares, then one row per lead
agency with its scorecard), *Phụ lục* (one row per task with a deadline in the period, one per
period for a recurring task, named in the column *Kỳ*) and
*Không có hạn* (the tasks without a deadline, listed apart). Spreadsheet habits: a frozen header
row and filters on every table, wrapped long text, column widths fitted to the content, dates as
Excel dates shown dd/mm/yyyy, shares as numbers formatted as %, and print settings (A4
landscape, fit to width, the header row repeated on each page) so that it prints as an appendix.

XlsxWriter, not openpyxl, writes it: at national scale (12,000 tasks, 190,000 cells) openpyxl
took 5.5 s to build and save the workbook, XlsxWriter 1.1 s (bench/README.md). The tests read the
files back with openpyxl, a reader independent of the writer. XlsxWriter is imported when a
workbook is written, not when the bot starts.
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
from db.council_report import CouncilReport, Tally
from db.report_rows import AppendixRow

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

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
    ("xl_periods", "periods"),
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
    "xl_col_period",
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
_COLUMN = {key: index for index, key in enumerate(APPENDIX_COLUMNS)}
NUMBER_COLUMNS = tuple(_COLUMN[key] for key in ("xl_stt", "xl_col_percent", "xl_col_task_id"))
DATE_COLUMNS = tuple(
    _COLUMN[key] for key in ("xl_col_due_read", "xl_col_approved", "xl_col_update_date")
)


def render_workbook(report: CouncilReport, lang: str) -> bytes:
    """The workbook's bytes (.xlsx)."""
    from xlsxwriter import Workbook

    buffer = io.BytesIO()
    workbook = Workbook(buffer, {"constant_memory": True})
    styles = _Styles(workbook)
    sheets = (
        (plain(lang, "xl_sheet_summary"), None, ""),
        (plain(lang, "xl_sheet_appendix"), report.rows, "xl_appendix_title"),
        (plain(lang, "xl_sheet_undated"), report.undated, "xl_undated_title"),
    )
    for name, rows, title_key in sheets:
        sheet = workbook.add_worksheet(name)
        if rows is None:
            _Summary(sheet, styles, report, lang).write()
        else:
            _Appendix(sheet, styles, report, lang, rows, title_key).write()
    workbook.close()
    return buffer.getvalue()


class _Styles:
    """The workbook's cell formats, made once (XlsxWriter shares them between cells)."""

    def __init__(self, workbook: Workbook) -> None:
        border = {"border": 1, "border_color": "#808080", "valign": "top"}
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.bold = workbook.add_format({"bold": True})
        self.header = workbook.add_format(
            {
                **border,
                "bold": True,
                "bg_color": "#D9E1F2",
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
            }
        )
        self.cell = workbook.add_format(border)
        self.strong = workbook.add_format({**border, "bold": True})
        self.wrapped = workbook.add_format({**border, "text_wrap": True})
        self.date = workbook.add_format({**border, "num_format": DATE_FORMAT})
        self.minute = workbook.add_format({**border, "num_format": MINUTE_FORMAT})
        self.percent = workbook.add_format({**border, "num_format": PERCENT_FORMAT})
        self.rate = workbook.add_format({**border, "num_format": RATE_FORMAT})
        self.strong_rate = workbook.add_format({**border, "num_format": RATE_FORMAT, "bold": True})
        self.days = workbook.add_format({**border, "num_format": "0.0"})
        self.strong_days = workbook.add_format({**border, "num_format": "0.0", "bold": True})


class _Sheet:
    """What both kinds of sheet share: the title block, typed cells, widths, print settings.

    Rows and columns are counted from 0, as XlsxWriter does.
    """

    def __init__(self, sheet: Worksheet, styles: _Styles, report: CouncilReport, lang: str) -> None:
        self.sheet = sheet
        self.styles = styles
        self.report = report
        self.lang = lang
        self.zone = ZoneInfo(report.tz)
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
        for row, line in enumerate(lines):
            style = self.styles.title if row == 0 else self.styles.bold
            self.sheet.merge_range(row, 0, row, columns - 1, _cell_text(line), style)
        return len(lines) + 1

    def header(self, row: int, labels: Sequence[str]) -> None:
        for column, label in enumerate(labels):
            self.sheet.write_string(row, column, label, self.styles.header)
            self.fit(column, label, header=True)

    def put(self, row: int, column: int, value: object, style: Format) -> None:
        """One typed cell: text is always text (never a formula), dates are Excel dates."""
        sheet = self.sheet
        if value is None:
            sheet.write_blank(row, column, None, style)
        elif isinstance(value, str):
            sheet.write_string(row, column, value, style)
        elif isinstance(value, date):  # datetime too
            sheet.write_datetime(row, column, value, style)
        elif isinstance(value, int | float):
            sheet.write_number(row, column, value, style)
        else:
            raise TypeError(f"cannot write {value!r}")

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
        sheet = self.sheet
        for column, width in self.widths.items():
            sheet.set_column(column, column, max(width, 6))
        sheet.freeze_panes(header_row + 1, 0)
        sheet.autofilter(header_row, 0, max(last_row, header_row), columns - 1)
        sheet.repeat_rows(header_row)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)  # as wide as one page, as long as it takes
        sheet.center_horizontally()
        sheet.set_margins(left=0.4, right=0.4)

    def local(self, moment: datetime | None) -> datetime | None:
        """An aware moment as the naive local time Excel stores."""
        return moment.astimezone(self.zone).replace(tzinfo=None) if moment else None

    def local_day(self, moment: datetime | None) -> date | None:
        return moment.astimezone(self.zone).date() if moment else None


class _Summary(_Sheet):
    """Tổng hợp: the categories, then one row per agency (its scorecard)."""

    def write(self) -> None:
        lang, styles = self.lang, self.styles
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
        for column, key in enumerate(("xl_stt", None, "xl_indicator", "xl_count", "xl_share")):
            self.put(row, column, plain(lang, key) if key else None, styles.header)
        for index, (key, name) in enumerate(SUMMARY_ROWS, start=1):
            row += 1
            count = getattr(summary, name)
            share = None if name == "no_deadline" else summary.share(count)
            self.put(row, 0, index, styles.cell)
            self.put(row, 1, None, styles.cell)
            self.put(row, 2, plain(lang, key), styles.cell)
            self.put(row, 3, count, styles.cell)
            self.put(row, 4, share, styles.percent)
            self.fit(2, plain(lang, key))
        row += 2
        self.sheet.write_string(row, 0, plain(lang, "xl_by_agency"), styles.bold)
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
        styles = self.styles
        total = index == 0
        values: list[Any] = [
            index or None,
            _cell_text(code),
            _cell_text(name or code),
            *(getattr(tally, field) for _, field in AGENCY_COLUMNS),
        ]
        for column, value in enumerate(values):
            self.put(row, column, value, styles.strong if total else styles.cell)
            self.fit(column, value)
        rate, median = len(values), len(values) + 1
        self.put(row, rate, tally.on_time_rate, styles.strong_rate if total else styles.rate)
        self.put(row, median, tally.median_days_late, styles.strong_days if total else styles.days)
        self.fit(rate, tally.on_time_rate)
        self.fit(median, tally.median_days_late)


class _Appendix(_Sheet):
    """Phụ lục (and Không có hạn): one row per task (per period of a recurring task)."""

    def __init__(
        self,
        sheet: Worksheet,
        styles: _Styles,
        report: CouncilReport,
        lang: str,
        rows: Sequence[AppendixRow],
        title_key: str,
    ) -> None:
        super().__init__(sheet, styles, report, lang)
        self.rows = rows
        self.title_key = title_key

    def write(self) -> None:
        lang, styles = self.lang, self.styles
        header_row = self.title_block(self.title_key, len(APPENDIX_COLUMNS))
        self.header(header_row, [plain(lang, key) for key in APPENDIX_COLUMNS])
        column_styles = [
            styles.wrapped if key in WRAPPED_COLUMNS else styles.cell for key in APPENDIX_COLUMNS
        ]
        for column in DATE_COLUMNS:
            column_styles[column] = styles.date
        read, percent, task_id = (
            _COLUMN[key] for key in ("xl_col_due_read", "xl_col_percent", "xl_col_task_id")
        )
        column_styles[percent] = styles.percent
        sheet = self.sheet
        # Each column holds one type (or nothing): its writer is chosen once, not per cell.
        writers = [sheet.write_string] * len(APPENDIX_COLUMNS)
        for column in NUMBER_COLUMNS:
            writers[column] = sheet.write_number
        for column in DATE_COLUMNS:
            writers[column] = sheet.write_datetime
        blank = sheet.write_blank
        texts = set(range(len(APPENDIX_COLUMNS))) - {*NUMBER_COLUMNS, *DATE_COLUMNS}
        categories = {
            category: plain(lang, f"category_{category}")
            for category in {row.category for row in self.rows}
        }
        flag = plain(lang, "flag_obstacle")
        longest = [0] * len(APPENDIX_COLUMNS)
        row_number = header_row
        for index, task in enumerate(self.rows, start=1):
            row_number += 1
            values = self._values(index, task, categories[task.category], flag)
            minute = task.due_precision == "minute"
            for column, value in enumerate(values):
                style = styles.minute if minute and column == read else column_styles[column]
                if value is None:
                    blank(row_number, column, None, style)
                    continue
                writers[column](row_number, column, value, style)
                if column in texts and len(value) > longest[column]:
                    longest[column] = len(value)
        for column, key in enumerate(APPENDIX_COLUMNS):
            if key in WRAPPED_COLUMNS:
                if longest[column]:
                    self.widths[column] = max(self.widths.get(column, 0), WRAPPED_WIDTH)
            elif column in texts:
                self.fit(column, "x" * longest[column])
        if self.rows:
            self.fit(0, str(len(self.rows)))
            self.fit(task_id, str(max(row.id for row in self.rows)))
            for column in DATE_COLUMNS:
                self.fit(column, date.min)
            self.fit(percent, 0.0)
        if not self.rows:
            row_number += 1
            self.sheet.write_string(row_number, 0, plain(lang, "xl_nothing"))
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
            task.period.label(self.lang) if task.period else None,
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
