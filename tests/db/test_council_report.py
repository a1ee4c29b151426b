"""The report's numbers, its workbook and its chart, against the status model (seeded council)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session

from bot.outbound.report_charts import HEIGHT_PX, WIDTH_PX, chart_data
from bot.outbound.report_files import render_files
from db.council_report import (
    CouncilReport,
    ReportRequest,
    agency_scorecard,
    council_report,
    read_request,
)
from db.errors import InvalidInput
from db.reports import council_overview
from db.status import Category
from schedules.clock import ManualClock
from tests.factories import Factory
from tests.report_seed import Seeded, seed

TZ = "Asia/Ho_Chi_Minh"


@pytest.fixture
def seeded(engine: Engine, factory: Factory) -> Seeded:
    return seed(engine, factory)


def report(
    engine: Engine,
    clock: ManualClock,
    seeded: Seeded,
    text: str,
    council_ids: list[int] | None = None,
) -> CouncilReport:
    with Session(engine) as session:
        request = read_request(session=session, text=text, now=clock.now(), tz=TZ)
        return council_report(
            session=session,
            council_ids=council_ids or [seeded.council.id or 0],
            request=request,
            now=clock.now(),
            due_soon_days=7,
            tz=TZ,
        )


def test_quarter_counts_in_the_government_offices_categories(
    engine: Engine, clock: ManualClock, seeded: Seeded
) -> None:
    made = report(engine, clock, seeded, "quý IV năm 2023")
    summary = made.summary
    assert (summary.total, summary.done_on_time, summary.done_late) == (6, 1, 1)
    assert (summary.within_deadline, summary.overdue, summary.awaiting) == (2, 1, 1)
    assert (summary.obstacles, summary.due, summary.no_deadline) == (1, 3, 1)
    assert summary.on_time_rate == pytest.approx(1 / 3)
    assert summary.days_late == (4,) and summary.median_days_late == 4
    ids = seeded.ids
    assert [row.id for row in made.rows] == [
        ids["late"],  # 6411/VPCP-KTTH 2.a.9
        ids["on_time"],  # 2.a.10: clauses compared as numbers
        ids["extended"],  # then the tasks of no directive
        ids["overdue"],
        ids["due_soon"],
        ids["awaiting"],
    ]
    assert [row.id for row in made.undated] == [ids["undated"]]
    by_code = {agency.code: agency.tally for agency in made.agencies}
    assert [agency.code for agency in made.agencies] == ["BKHDT", "BTC"]
    assert (by_code["BKHDT"].total, by_code["BKHDT"].due, by_code["BKHDT"].overdue) == (4, 3, 1)
    assert (by_code["BTC"].total, by_code["BTC"].no_deadline, by_code["BTC"].due) == (2, 1, 0)
    extended = next(row for row in made.rows if row.id == ids["extended"])
    assert extended.extended and extended.category == Category.ON_TIME
    assert extended.latest is not None and extended.latest.text == "Đã trình dự thảo lần 2"
    overdue = next(row for row in made.rows if row.id == ids["overdue"])
    assert overdue.obstacle == "Chưa có ý kiến của địa phương"
    due_soon = next(row for row in made.rows if row.id == ids["due_soon"])
    assert due_soon.co_agencies == ("BKHDT",)


def test_the_period_filters_by_the_deadline_in_force(
    engine: Engine, clock: ManualClock, seeded: Seeded
) -> None:
    ids = seeded.ids
    q3 = {row.id for row in report(engine, clock, seeded, "quý III năm 2023").rows}
    # The extended task was due in Q3; its approved deadline is in Q4, so Q4 reports it.
    assert q3 == {ids["q3"]}
    year = {row.id for row in report(engine, clock, seeded, "").rows}  # this year by default
    assert year == {ids[k] for k in ("late", "on_time", "extended", "overdue", "due_soon")} | {
        ids["awaiting"],
        ids["q3"],
    }
    november = report(engine, clock, seeded, "từ 1/11/2023 đến 30/11/2023")
    assert {row.id for row in november.rows} == {ids["overdue"], ids["due_soon"]}
    assert november.period is not None
    assert november.period.render("vi") == "01/11/2023 – 30/11/2023"


def test_another_councils_tasks_are_never_included(
    engine: Engine, clock: ManualClock, seeded: Seeded
) -> None:
    made = report(engine, clock, seeded, "năm 2023")
    assert seeded.ids["other_council"] not in {row.id for row in made.rows}
    other = report(engine, clock, seeded, "năm 2023", [seeded.other.id or 0])
    assert [row.id for row in other.rows] == [seeded.ids["other_council"]]
    assert other.summary.total == 1 and other.undated == ()


@pytest.mark.parametrize(
    "text",
    [
        "quý V năm 2023",
        "trước ngày 15/12",  # "by": no span to report on
        "từ 31/12/2023 đến 1/10/2023",
        "từ 1/1/2000 đến 31/12/2099",  # longer than any report
        "quý IV\u200b năm 2023 xyz",
        "<b>năm</b>",
        "9" * 20,
    ],
)
def test_bad_periods_are_refused_like_deadlines(
    engine: Engine, clock: ManualClock, seeded: Seeded, text: str
) -> None:
    with Session(engine) as session, pytest.raises(InvalidInput) as refused:
        read_request(session=session, text=text, now=clock.now(), tz=TZ)
    assert refused.value.key == "report_period_not_understood"
    assert refused.value.params == {"text": text}


def test_an_agency_or_a_directive_narrows_the_report(
    engine: Engine, clock: ManualClock, seeded: Seeded
) -> None:
    ids = seeded.ids
    # Led or co-operated, as /status <agency>.
    mof = report(engine, clock, seeded, "BTC quý IV năm 2023")
    assert {row.id for row in mof.rows} == {ids["due_soon"], ids["awaiting"]}
    mpi = report(engine, clock, seeded, "DBSH bkhdt quý IV năm 2023")
    assert ids["due_soon"] in {row.id for row in mpi.rows}  # BKHDT co-operates on it
    directive = report(engine, clock, seeded, "6411/vpcp-ktth quý IV năm 2023")
    assert [row.id for row in directive.rows] == [ids["late"], ids["on_time"]]
    assert directive.directive == "6411/VPCP-KTTH"


def test_workbook_chart_and_status_agree(
    engine: Engine, clock: ManualClock, seeded: Seeded
) -> None:
    """One definition: the overview /status shows, the report of every deadline, its
    workbook and its chart count the same tasks in the same categories."""
    made = report_all(engine, clock, seeded)
    with Session(engine) as session:
        overview = council_overview(
            session=session, council=seeded.council, now=clock.now(), due_soon_days=7
        )
    assert made.counts == overview.counts
    summary = made.summary
    assert summary.total + summary.no_deadline == overview.total
    assert summary.done_on_time == overview.counts[Category.DONE_ON_TIME]
    assert summary.within_deadline == (
        overview.counts[Category.ON_TIME] + overview.counts[Category.DUE_SOON]
    )
    files = render_files(made, "vi")
    sheet = summary_values(files.workbook)
    assert sheet["Tổng số nhiệm vụ có thời hạn trong kỳ"] == summary.total
    assert sheet["Đã hoàn thành đúng hạn"] == overview.counts[Category.DONE_ON_TIME]
    assert sheet["Chưa hoàn thành – quá hạn"] == overview.counts[Category.OVERDUE]
    assert sheet["Chờ xác nhận hoàn thành"] == overview.counts[Category.AWAITING_CONFIRMATION]
    assert sheet["Không có thời hạn (liệt kê riêng)"] == overview.counts[Category.NO_DEADLINE]
    totals = files.chart_data.totals()
    assert totals == {
        "done_on_time": overview.counts[Category.DONE_ON_TIME],
        "done_late": overview.counts[Category.DONE_LATE],
        "within_deadline": overview.counts[Category.ON_TIME] + overview.counts[Category.DUE_SOON],
        "overdue": overview.counts[Category.OVERDUE],
        "awaiting": overview.counts[Category.AWAITING_CONFIRMATION],
        "no_deadline": overview.counts[Category.NO_DEADLINE],
    }
    assert sum(totals.values()) == overview.total


def report_all(engine: Engine, clock: ManualClock, seeded: Seeded) -> CouncilReport:
    with Session(engine) as session:
        return council_report(
            session=session,
            council_ids=[seeded.council.id or 0],
            request=ReportRequest(period=None),
            now=clock.now(),
            due_soon_days=7,
            tz=TZ,
        )


def summary_values(content: bytes | None) -> dict[str, Any]:
    """Tổng hợp's category block: label (column C) → count (column D)."""
    assert content is not None
    sheet = load_workbook(io.BytesIO(content))["Tổng hợp"]
    values: dict[str, Any] = {}
    for row in sheet.iter_rows(min_col=3, max_col=4, values_only=True):
        if isinstance(row[0], str) and row[1] is not None:
            values.setdefault(row[0], row[1])
    return values


def test_the_workbook_in_the_government_offices_form(
    engine: Engine, clock: ManualClock, seeded: Seeded
) -> None:
    made = report(engine, clock, seeded, "quý IV năm 2023")
    content = render_files(made, "vi").workbook
    assert content is not None
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Tổng hợp", "Phụ lục", "Không có hạn"]
    summary = book["Tổng hợp"]
    assert summary["A1"].value == "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ ĐƯỢC GIAO"
    assert summary["A2"].value == "Hội đồng: Hội đồng điều phối vùng Đồng bằng sông Hồng"
    assert summary["A3"].value == (
        "Kỳ báo cáo (theo thời hạn nhiệm vụ): quý IV/2023 (01/10/2023 – 31/12/2023)"
    )
    assert summary["A4"].value == "Số liệu tính đến: 09:00 20/11/2023"
    rows = {row[2].value: row for row in summary.iter_rows(min_row=6, max_row=16) if row[2].value}
    total = rows["Tổng số nhiệm vụ có thời hạn trong kỳ"]
    assert (total[3].value, total[4].value, total[4].number_format) == (6, 1, "0%")
    late = rows["Đã hoàn thành quá hạn"]
    assert late[3].value == 1 and late[4].value == pytest.approx(1 / 6)
    assert rows["Nhiệm vụ đến hạn"][3].value == 3
    assert rows["Có vướng mắc chưa xử lý"][3].value == 1
    # The agencies' table: the total first, then each lead agency, with its scorecard.
    header_row = next(
        cell.row for cell in summary["C"] if cell.value == "Cơ quan chủ trì" and cell.row > 6
    )
    header = [cell.value for cell in summary[header_row]]
    assert header[:4] == ["STT", "Mã", "Cơ quan chủ trì", "Tổng số"]
    assert header[-2:] == ["Tỷ lệ hoàn thành đúng hạn", "Số ngày trễ (trung vị)"]
    agencies = [[cell.value for cell in row] for row in summary.iter_rows(min_row=header_row + 1)]
    assert [row[1] for row in agencies] == ["Tổng cộng", "BKHDT", "BTC"]
    mpi = agencies[1]
    assert mpi[2] == "Bộ Kế hoạch và Đầu tư" and mpi[3] == 4
    assert mpi[-2] == pytest.approx(1 / 3) and mpi[-1] == 4
    assert summary.cell(row=header_row + 2, column=len(header) - 1).number_format == "0.0%"
    assert agencies[2][-2] is None  # BTC: nothing due yet, no rate
    assert summary.auto_filter.ref == f"A{header_row}:{_letter(len(header))}{header_row + 3}"
    assert summary.page_setup.orientation == "landscape"
    # Phụ lục: one row per task, a frozen and filtered header, Excel dates, % progress.
    appendix = book["Phụ lục"]
    assert appendix.freeze_panes == "A7"
    assert appendix.auto_filter.ref == "A6:Q12"
    assert appendix.print_title_rows == "$6:$6"
    assert appendix.page_setup.orientation == "landscape"
    # One page wide (fitToWidth is left out when 1, the default), as many pages long as needed.
    assert (appendix.page_setup.fitToWidth or 1) == 1
    assert str(appendix.page_setup.fitToHeight) == "0"
    assert appendix.sheet_properties.pageSetUpPr.fitToPage
    assert appendix["A6"].value == "STT" and appendix["D6"].value == "Nội dung nhiệm vụ"
    lines = {row[16].value: row for row in appendix.iter_rows(min_row=7)}
    assert set(lines) == {row.id for row in made.rows}
    extended = lines[seeded.ids["extended"]]
    assert extended[3].value == "=Gia hạn từ quý III"  # user text, not a formula
    assert extended[3].data_type == "s" and extended[3].alignment.wrap_text
    assert extended[8].value.date() == date(2023, 9, 15)  # as read: the original deadline
    assert extended[8].number_format == "dd/mm/yyyy"
    assert extended[9].value.date() == date(2023, 12, 15)  # the approved extension
    assert extended[10].value == "Đang thực hiện – trong hạn"
    assert (extended[11].value, extended[11].number_format) == (0.4, "0%")
    assert extended[12].value.date() == date(2023, 11, 2)
    assert extended[13].value == "Nguyễn Văn An" and extended[14].value == "Đã trình dự thảo lần 2"
    overdue = lines[seeded.ids["overdue"]]
    assert overdue[10].value == "Quá hạn – Có vướng mắc"
    assert overdue[15].value == "Chưa có ý kiến của địa phương"
    assert overdue[9].value is None  # not extended
    assert appendix["H6"].value == "Kỳ" and overdue[7].value is None  # a one-off task
    on_time = lines[seeded.ids["on_time"]]
    assert (on_time[1].value, on_time[2].value) == ("6411/VPCP-KTTH", "2.a.10")
    assert lines[seeded.ids["due_soon"]][5].value == "BKHDT"
    assert 48 <= appendix.column_dimensions["D"].width < 49
    # Listed apart: the task without a deadline, its text kept as written (not HTML-escaped).
    undated = book["Không có hạn"]
    assert undated["D7"].value == "Không có hạn <b>HTML</b> & co"
    assert undated["K7"].value == "Không có hạn" and undated["I7"].value is None


def test_the_workbook_in_english(engine: Engine, clock: ManualClock, seeded: Seeded) -> None:
    made = report(engine, clock, seeded, "Q4 2023")
    content = render_files(made, "en").workbook
    assert content is not None
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Summary", "Appendix", "No deadline"]
    assert (
        book["Summary"]["A3"].value
        == "Period (by the tasks' deadlines): Q4 2023 (01/10/2023 – 31/12/2023)"
    )


def test_the_chart_decodes_and_draws_the_reports_numbers(
    engine: Engine, clock: ManualClock, seeded: Seeded
) -> None:
    from matplotlib import image

    made = report(engine, clock, seeded, "quý IV năm 2023")
    files = render_files(made, "vi", workbook=False)
    assert files.workbook is None
    pixels = image.imread(io.BytesIO(files.chart), format="png")
    assert pixels.shape[:2] == (HEIGHT_PX, WIDTH_PX)
    data = files.chart_data
    assert data == chart_data(made, "vi")
    assert data.agencies == ("BKHDT", "BTC")
    series = {name: counts for name, _, counts in data.series}
    assert series["done_on_time"] == (1, 0) and series["done_late"] == (1, 0)
    assert series["within_deadline"] == (1, 1) and series["overdue"] == (1, 0)
    assert series["awaiting"] == (0, 1) and series["no_deadline"] == (0, 1)
    # Twelve weeks up to this one; completions on 10/10 (on time) and 3/11 (late).
    assert len(data.weeks) == 12 and data.weeks[0] == "04/09" and data.weeks[-1] == "20/11"
    assert data.completed[5] == 1 and data.rates[5] == 100.0  # week of 09/10
    assert data.completed[8] == 1 and data.rates[8] == 0.0  # week of 30/10
    assert sum(data.completed) == 2 and data.rates[0] is None
    assert [week.monday for week in made.weeks][:1] == [date(2023, 9, 4)]


def test_many_agencies_are_summed_in_one_bar(
    engine: Engine, clock: ManualClock, seeded: Seeded, factory: Factory
) -> None:
    from tests.report_seed import add
    from tests.task_factories import vn

    agencies = [factory.agency(f"UB{n:02d}", f"UBND tỉnh {n}") for n in range(25)]
    with Session(engine, expire_on_commit=False) as session:
        for number, agency in enumerate(agencies):
            add(session, seeded.council, agency, f"Việc {number}", vn(2023, 12, 20))
        session.commit()
    made = report(engine, clock, seeded, "quý IV năm 2023")
    data = chart_data(made, "vi")
    assert len(data.agencies) == 21 and data.agencies[-1] == "Khác (7)"  # 27 agencies, 20 shown
    assert data.totals()["within_deadline"] == made.summary.within_deadline


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


def test_the_scorecard_of_status_is_the_reports_agency_row(
    engine: Engine, clock: ManualClock, seeded: Seeded
) -> None:
    """``/status <agency>``'s first line and the workbook's row of that agency (every deadline)
    are the same figures, though the scorecard is computed from two light queries."""
    made = report_all(engine, clock, seeded)
    rows = {agency.code: agency.tally for agency in made.agencies}
    for agency in (seeded.mpi, seeded.mof):
        with Session(engine) as session:
            card = agency_scorecard(
                session=session,
                agency_id=agency.id or 0,
                council_ids=[seeded.council.id or 0],
                now=clock.now(),
                due_soon_days=7,
            )
        assert card == rows[agency.code]
    assert rows["BKHDT"].obstacles == 1 and rows["BKHDT"].days_late == (4,)
    assert rows["BTC"].no_deadline == 1
