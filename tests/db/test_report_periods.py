"""The report counts a recurring task's periods due in its window, each as its own item."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.outbound.report_charts import chart_data
from bot.outbound.report_files import render_files
from db.council_report import (
    CouncilReport,
    ReportRequest,
    agency_scorecard,
    council_report,
    read_request,
)
from db.models import Council, ProgressUpdate, Task, TaskOccurrence, TaskState, UpdateKind
from db.recurring import end_future_periods, ensure_occurrences, set_schedule, sync_task
from db.status import Category
from schedules.clock import ManualClock
from schedules.recurrence import Recurrence
from tests.factories import Factory
from tests.statements import counted
from tests.task_factories import TaskFactory, vn

TZ = "Asia/Ho_Chi_Minh"
MONTHLY = Recurrence("month", day=25)
WINDOW = "từ 1/8/2023 đến 31/3/2024"  # the clock: Monday 20/11/2023


def monthly_task(
    engine: Engine, clock: ManualClock, council: Council, agency_code: str, factory: Factory
) -> int:
    """A task "hằng tháng, trước ngày 25" created on 1/7/2023, periods written to December."""
    task = TaskFactory(engine, clock).task(
        councils=[council],
        agency=factory.agency(agency_code),
        deadline=None,
        title="Báo cáo tình hình giải ngân vốn đầu tư công",
        due_text="hằng tháng, trước ngày 25",
        created_at=vn(2023, 7, 1, 9),
    )
    with Session(engine) as session:
        stored = session.get(Task, task.id)
        assert stored is not None
        set_schedule(
            session=session,
            task=stored,
            schedule=MONTHLY,
            now=clock.now(),
            until=clock.now(),
            tz=TZ,
        )
        ensure_occurrences(session=session, task=stored, until=vn(2023, 12, 31), tz=TZ)
        session.commit()
    assert task.id is not None
    return task.id


def set_period(engine: Engine, task_id: int, month: int, **values: object) -> None:
    with Session(engine) as session:
        row = session.exec(
            select(TaskOccurrence).where(
                TaskOccurrence.task_id == task_id,
                TaskOccurrence.period_start == date(2023, month, 1),
            )
        ).one()
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)
        session.commit()


@pytest.fixture
def seeded(engine: Engine, factory: Factory, clock: ManualClock) -> tuple[Council, int, int]:
    """One monthly task whose periods are: July done (before the window), August on time,
    September late, October overdue (with an obstacle), November extended, December cancelled;
    January to March 2024 are not written yet. And one one-off task due in December."""
    council = factory.council()
    task_id = monthly_task(engine, clock, council, "BKHDT", factory)
    done = {"state": TaskState.DONE}
    set_period(engine, task_id, 7, **done, completed_at=vn(2023, 7, 20))
    set_period(
        engine,
        task_id,
        8,
        **done,
        completion_reported_at=vn(2023, 8, 24),
        completed_at=vn(2023, 8, 28),
    )
    set_period(
        engine,
        task_id,
        9,
        **done,
        completion_reported_at=vn(2023, 9, 29),
        completed_at=vn(2023, 9, 30),
    )
    set_period(engine, task_id, 11, approved_deadline=vn(2023, 12, 15, 23, 59))
    set_period(engine, task_id, 12, state=TaskState.CANCELLED)
    with Session(engine) as session:
        october = session.exec(
            select(TaskOccurrence).where(
                TaskOccurrence.task_id == task_id, TaskOccurrence.period_start == date(2023, 10, 1)
            )
        ).one()
        session.add(
            ProgressUpdate(
                task_id=task_id,
                occurrence_id=october.id,
                kind=UpdateKind.OBSTACLE,
                text="Chưa có số liệu của tỉnh",
                created_at=vn(2023, 10, 20),
            )
        )
        task = session.get(Task, task_id)
        assert task is not None
        sync_task(session=session, task=task, now=clock.now())
        session.commit()
    one_off = TaskFactory(engine, clock).task(
        councils=[council], agency=factory.agency("BTC"), deadline=vn(2023, 12, 1, 23, 59)
    )
    assert one_off.id is not None
    return council, task_id, one_off.id


def make(engine: Engine, clock: ManualClock, council: Council, text: str = WINDOW) -> CouncilReport:
    with Session(engine) as session:
        request = read_request(session=session, text=text, now=clock.now(), tz=TZ)
        return council_report(
            session=session,
            council_ids=[council.id or 0],
            request=request,
            now=clock.now(),
            due_soon_days=7,
            tz=TZ,
        )


def every_deadline(session: Session, clock: ManualClock, council: Council) -> CouncilReport:
    """The report of every deadline (the /status chart's): the periods written so far."""
    return council_report(
        session=session,
        council_ids=[council.id or 0],
        request=ReportRequest(period=None),
        now=clock.now(),
        due_soon_days=7,
        tz=TZ,
    )


def test_each_period_in_the_window_is_an_item_of_the_report(
    engine: Engine, clock: ManualClock, seeded: tuple[Council, int, int]
) -> None:
    council, task_id, one_off = seeded
    made = make(engine, clock, council)
    summary = made.summary
    # August–November written, January–March 2024 computed; July outside, December cancelled.
    assert (summary.total, summary.periods) == (8, 7)
    assert (summary.done_on_time, summary.done_late, summary.overdue) == (1, 1, 1)
    assert (summary.within_deadline, summary.awaiting, summary.obstacles) == (5, 0, 1)
    assert summary.due == 3 and summary.days_late == (4,)  # reported 29/9, due 25/9
    periods = [row for row in made.rows if row.id == task_id]
    assert [row.period.label("vi") for row in periods if row.period] == [
        "tháng 8/2023",
        "tháng 9/2023",
        "tháng 10/2023",
        "tháng 11/2023",
        "tháng 1/2024",
        "tháng 2/2024",
        "tháng 3/2024",
    ]
    assert [row.category for row in periods] == [
        Category.DONE_ON_TIME,
        Category.DONE_LATE,
        Category.OVERDUE,
        Category.ON_TIME,  # extended to 15/12
        Category.ON_TIME,
        Category.ON_TIME,
        Category.ON_TIME,
    ]
    assert periods[2].obstacle == "Chưa có số liệu của tỉnh"
    assert periods[3].extended and not periods[4].extended
    one_off_row = next(row for row in made.rows if row.id == one_off)
    assert one_off_row.period is None and one_off_row.category == Category.ON_TIME
    by_code = {agency.code: agency.tally for agency in made.agencies}
    assert (by_code["BKHDT"].total, by_code["BKHDT"].periods) == (7, 7)
    assert (by_code["BTC"].total, by_code["BTC"].periods) == (1, 0)
    # The chart counts periods too.
    totals = chart_data(made, "vi").totals()
    assert totals["within_deadline"] == 5 and sum(totals.values()) == 8
    # A window of one month holds that month's period only.
    november = make(engine, clock, council, "tháng 11/2023")
    assert november.rows == ()  # November's period was extended to 15/12
    december = make(engine, clock, council, "tháng 12/2023")  # December's was cancelled
    assert {row.id for row in december.rows} == {task_id, one_off}
    assert [row.period.label("vi") for row in december.rows if row.period] == ["tháng 11/2023"]


def test_the_workbook_has_a_row_per_period_and_the_period_column(
    engine: Engine, clock: ManualClock, seeded: tuple[Council, int, int]
) -> None:
    council, task_id, one_off = seeded
    content = render_files(make(engine, clock, council), "vi").workbook
    assert content is not None
    book = load_workbook(io.BytesIO(content))
    summary = {
        row[0]: row[1]
        for row in book["Tổng hợp"].iter_rows(min_col=3, max_col=4, values_only=True)
        if isinstance(row[0], str) and row[1] is not None
    }
    assert summary["Tổng số nhiệm vụ có thời hạn trong kỳ"] == 8
    assert summary["Trong đó: số kỳ của nhiệm vụ định kỳ"] == 7
    assert summary["Chưa hoàn thành – quá hạn"] == 1
    appendix = book["Phụ lục"]
    header = [cell.value for cell in appendix[6]]
    assert header[6:9] == ["Thời hạn (theo văn bản)", "Kỳ", "Thời hạn (đọc là)"]
    rows = [[cell.value for cell in row] for row in appendix.iter_rows(min_row=7)]
    assert len(rows) == 8
    mine = [row for row in rows if row[16] == task_id]
    assert [row[7] for row in mine] == [
        "tháng 8/2023",
        "tháng 9/2023",
        "tháng 10/2023",
        "tháng 11/2023",
        "tháng 1/2024",
        "tháng 2/2024",
        "tháng 3/2024",
    ]
    assert all(row[6] == "hằng tháng, trước ngày 25" for row in mine)
    assert [row[8].date() for row in mine[:2]] == [date(2023, 8, 25), date(2023, 9, 25)]
    assert mine[3][9].date() == date(2023, 12, 15)  # November's extension
    assert [row[10] for row in mine[:4]] == [
        "Hoàn thành đúng hạn",
        "Hoàn thành quá hạn",
        "Quá hạn – Có vướng mắc",
        "Đang thực hiện – trong hạn",
    ]
    assert mine[2][15] == "Chưa có số liệu của tỉnh"
    assert mine[0][11] == 1  # done: 100 %
    (other,) = [row for row in rows if row[16] == one_off]
    assert other[7] is None  # a one-off task has no period
    english = load_workbook(
        io.BytesIO(render_files(make(engine, clock, council), "en").workbook or b"")
    )
    assert english["Appendix"]["H6"].value == "Period"
    assert english["Appendix"]["H7"].value == "August 2023"


def test_a_cancelled_task_keeps_its_overdue_periods_and_adds_none(
    engine: Engine, factory: Factory, clock: ManualClock, seeded: tuple[Council, int, int]
) -> None:
    council, task_id, _ = seeded
    with Session(engine) as session:
        task = session.get(Task, task_id)
        assert task is not None
        task.state = TaskState.CANCELLED
        session.add(task)
        end_future_periods(session=session, task_id=task_id, now=clock.now())
        session.commit()
    made = make(engine, clock, council)
    periods = [row.period.label("vi") for row in made.rows if row.period]
    assert periods == ["tháng 8/2023", "tháng 9/2023", "tháng 10/2023"]
    assert made.summary.overdue == 1


def test_the_periods_cost_the_same_queries_for_one_task_or_many(
    engine: Engine, factory: Factory, clock: ManualClock, seeded: tuple[Council, int, int]
) -> None:
    council = seeded[0]
    with counted(engine) as few:
        make(engine, clock, council)
    for number in range(5):
        monthly_task(engine, clock, council, f"CQ{number}", factory)
    with counted(engine) as many:
        made = make(engine, clock, council)
    assert made.summary.periods == 7 + 5 * 8  # August to March, none done
    assert len(many) == len(few)
    assert sum("task_occurrence" in s for s in many) <= 4


def test_every_deadline_reports_the_periods_written(
    engine: Engine, clock: ManualClock, seeded: tuple[Council, int, int]
) -> None:
    council = seeded[0]
    with Session(engine) as session:
        made = every_deadline(session, clock, council)
    written = [row.period.label("vi") for row in made.rows if row.period]
    assert written == [f"tháng {m}/2023" for m in (7, 8, 9, 10, 11)]  # December cancelled
    assert made.counts[Category.DONE_ON_TIME] == 2  # July and August


def test_the_scorecard_of_status_counts_the_periods_as_the_report_does(
    engine: Engine, clock: ManualClock, factory: Factory, seeded: tuple[Council, int, int]
) -> None:
    council = seeded[0]
    with Session(engine) as session:
        made = every_deadline(session, clock, council)
        rows = {agency.code: agency.tally for agency in made.agencies}
        for code in ("BKHDT", "BTC"):
            card = agency_scorecard(
                session=session,
                agency_id=factory.agency(code).id or 0,
                council_ids=[council.id or 0],
                now=clock.now(),
                due_soon_days=7,
            )
            assert card == rows[code]
    assert (rows["BKHDT"].total, rows["BKHDT"].periods, rows["BKHDT"].obstacles) == (5, 5, 1)
