"""Recurring duties in letters (issue 17): the schedule read from a task's wording, the warnings
instead of a guess, and the proposal carrying the schedule to the preview, JSON and import."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.outbound.import_report import render_report
from db.intake import read_letter
from db.intake.importing import import_proposal, proposal_toml
from db.intake.proposal import Proposal
from db.intake.recurring import read_recurring
from db.models import Task, TaskOccurrence
from schedules.clock import ManualClock
from schedules.recurrence import RECURRENCE_EXAMPLES, parse_recurrence, recurrence_phrase
from tests.directives import TZ, fingerprint, load_example_registry
from tests.intake_helpers import example_registry

NOW = datetime(2023, 11, 20, 2, tzinfo=UTC)
HEADER = (
    "VĂN PHÒNG CHÍNH PHỦ\nSố: 200/VPCP-KTTH\nV/v báo cáo định kỳ\n"
    "Hà Nội, ngày 15 tháng 11 năm 2023\nKính gửi: Các Bộ.\n"
)


def read(body: str) -> Proposal:
    return read_letter(HEADER + body, registry=example_registry(), tz=TZ, now=NOW)


@pytest.mark.parametrize(
    ("text", "schedule"),
    [
        (
            "Định kỳ hằng năm, các Bộ báo cáo Thủ tướng Chính phủ trước ngày 15 tháng 12.",
            {"period": "year", "day": 15, "month": 12},
        ),
        (
            "Bộ Tài chính báo cáo hằng quý, trước ngày 20 của tháng cuối quý.",
            {"period": "quarter", "day": 20, "month": 3},
        ),
        (
            "Các Bộ báo cáo 6 tháng và hằng năm về Bộ Kế hoạch và Đầu tư.",
            {"period": "half_and_year"},
        ),
        ("Hằng tháng, trước ngày 25, Bộ Tài chính báo cáo.", {"period": "month", "day": 25}),
        ("Bộ Y tế gửi báo cáo trước ngày 25 hằng tháng.", {"period": "month", "day": 25}),
        (
            "Định kỳ hằng năm, trước ngày 15 tháng 12, báo cáo kết quả giai đoạn 2021–2025.",
            {"period": "year", "day": 15, "month": 12, "first_year": 2021, "last_year": 2025},
        ),
        (
            "Báo cáo định kỳ 6 tháng (trước ngày 10 tháng 6) và hằng năm (trước ngày 10 tháng 12).",
            {"period": "half_and_year", "day": 10, "month": 6},
        ),
        ("Bộ Y tế báo cáo định kỳ 6 tháng một lần.", {"period": "half"}),
    ],
)
def test_a_recurring_duty_is_read_as_its_schedule(text: str, schedule: dict[str, int]) -> None:
    reading = read_recurring(text)
    assert reading is not None and reading.warning is None
    assert reading.schedule is not None and reading.schedule.to_json() == schedule
    # What is stored is a phrase the /assign reader reads back to the same schedule.
    assert reading.phrase is not None
    assert parse_recurrence(reading.phrase) == reading.schedule


@pytest.mark.parametrize(
    "text",
    [
        "Lồng ghép vào kế hoạch phát triển kinh tế - xã hội hằng năm của địa phương.",
        "Bố trí kinh phí trong dự toán ngân sách hằng năm.",
        "Bộ Tài chính hoàn thành trước ngày 15/12/2023.",
        "Báo cáo tình hình 6 tháng đầu năm 2023 trước ngày 30/6/2023.",
    ],
)
def test_words_that_name_a_plan_or_a_half_year_are_no_schedule(text: str) -> None:
    assert read_recurring(text) is None


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("Bộ Y tế báo cáo định kỳ về Thủ tướng Chính phủ.", "intake_warn_recurring_no_period"),
        ("Bộ Y tế báo cáo hằng quý, trước ngày 20.", "intake_warn_recurring_unclear"),
        ("Hằng năm, trước ngày 15, Bộ Y tế báo cáo.", "intake_warn_recurring_unclear"),
        ("Báo cáo hằng quý và hằng năm, trước ngày 15 tháng 12.", "intake_warn_recurring_unclear"),
        (
            "Hằng quý, trước ngày 20 của tháng cuối quý, Bộ Y tế báo cáo; trước ngày 15 của tháng "
            "đầu quý gửi số liệu.",
            "intake_warn_recurring_unclear",
        ),
        (
            "Xây dựng kế hoạch trước ngày 30/6/2024; định kỳ hằng năm báo cáo trước ngày 15/12.",
            "intake_warn_due_several",
        ),
    ],
)
def test_a_schedule_it_cannot_read_whole_is_a_warning_never_a_guess(
    text: str, warning: str
) -> None:
    reading = read_recurring(text)
    assert reading is not None
    assert (reading.schedule, reading.phrase, reading.warning) == (None, None, warning)


def test_the_phrase_stored_reads_back_for_every_example() -> None:
    for example in RECURRENCE_EXAMPLES["vi"] + RECURRENCE_EXAMPLES["en"]:
        schedule = parse_recurrence(example)
        assert schedule is not None
        assert parse_recurrence(recurrence_phrase(schedule)) == schedule


BODY = (
    "1. Định kỳ hằng năm, các Bộ: Tài chính, Công Thương báo cáo kết quả thực hiện Nghị quyết số "
    "128/NQ-CP, gửi Bộ Kế hoạch và Đầu tư trước ngày 15 tháng 12 để tổng hợp.\n"
    "2. Bộ Y tế báo cáo định kỳ về tình hình thực hiện.\n"
    "3. Bộ Kế hoạch và Đầu tư hoàn thành dự thảo Quy chế trong quý I năm 2024.\n"
    "Văn phòng Chính phủ thông báo để các Bộ, cơ quan liên quan biết, thực hiện./.\n"
)


def test_the_letter_proposes_the_task_with_its_schedule_and_next_deadlines() -> None:
    proposal = read(BODY)
    tasks = {task.clause: task for task in proposal.tasks}
    assert sorted(tasks) == ["1.1", "1.2", "2", "3"]
    yearly = tasks["1.1"]
    assert (yearly.lead_code, tasks["1.2"].lead_code) == ("BTC", "BCT")
    assert yearly.window is None and yearly.due == "hằng năm, trước ngày 15 tháng 12"
    assert [f"{d:%d/%m/%Y}" for d in yearly.upcoming] == ["15/12/2023", "15/12/2024", "15/12/2025"]
    assert tasks["2"].due is None and tasks["2"].schedule is None
    assert [(w.key, w.clause) for w in proposal.warnings] == [
        ("intake_warn_recurring_no_period", "2")
    ]
    assert tasks["3"].window is not None  # a one-off deadline is read as before
    document = proposal.to_json(TZ)
    item = document["tasks"][0]
    assert item["schedule"] == {"period": "year", "day": 15, "month": 12}
    assert item["schedule_read"] == "hằng năm, trước ngày 15/12"
    assert item["next_deadlines"] == ["2023-12-15", "2024-12-15", "2025-12-15"]
    assert item["due_end"] is None
    # Waiting in the database and read back, the proposal keeps the schedule.
    again = Proposal.from_json(document, tz=TZ, now=NOW)
    assert again.tasks[0].schedule == yearly.schedule
    assert again.tasks[0].upcoming == yearly.upcoming
    assert again.to_json(TZ) == document
    assert 'due = "hằng năm, trước ngày 15 tháng 12"' in proposal_toml(proposal, ["DBSH"])


def test_a_deadline_left_out_with_a_warning_stays_out_when_read_back() -> None:
    proposal = read(
        "1. Giao Bộ Tài chính đưa vào kế hoạch hằng năm, báo cáo trước ngày 15/12/2023.\n"
    )
    assert proposal.tasks[0].window is None
    again = Proposal.from_json(proposal.to_json(TZ), tz=TZ, now=NOW)
    assert again.tasks[0].window is None and again.tasks[0].schedule is None


def test_confirming_stores_the_periods_as_a_directive_file_does(
    engine: Engine, clock: ManualClock
) -> None:
    load_example_registry(engine, clock)
    proposal = read(BODY)
    proposal.tasks = [task for task in proposal.tasks if task.clause != "2"]
    before = fingerprint(engine)
    with Session(engine) as session:
        dry = import_proposal(
            session=session, proposal=proposal, councils=["DBSH"], tz=TZ, now=NOW, dry_run=True
        )
        assert dry.report is not None
        preview = render_report(dry.report, "vi")
        session.rollback()
    assert "hằng năm, trước ngày 15/12; các kỳ tới: 15/12/2023, 15/12/2024, 15/12/2025" in preview
    assert fingerprint(engine) == before
    with Session(engine) as session:
        outcome = import_proposal(
            session=session, proposal=proposal, councils=["DBSH"], tz=TZ, now=NOW
        )
        assert outcome.report is not None
        session.commit()
    with Session(engine) as session:
        tasks = {task.clause: task for task in session.exec(select(Task))}
        periods = session.exec(select(TaskOccurrence)).all()
    assert tasks["1.1"].recurrence == {"period": "year", "day": 15, "month": 12}
    assert tasks["1.1"].due_text == "hằng năm, trước ngày 15 tháng 12"
    assert tasks["3"].recurrence is None
    assert sorted((p.task_id, p.period_start.isoformat()) for p in periods) == sorted(
        (tasks[c].id, "2023-01-01") for c in ("1.1", "1.2")
    )


def test_the_excel_sheet_keeps_the_schedule() -> None:
    from db.intake.spreadsheet import read_xlsx, write_xlsx

    proposal = read(BODY)
    back, _, issues = read_xlsx(write_xlsx(proposal), matcher=example_registry().matcher)
    assert issues == [] and back is not None
    back.reread(TZ, NOW)
    assert [task.schedule for task in back.tasks] == [task.schedule for task in proposal.tasks]
    assert back.tasks[0].upcoming == proposal.tasks[0].upcoming
