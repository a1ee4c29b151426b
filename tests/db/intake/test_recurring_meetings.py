"""Recurring meetings and paired reports in letters (issue 17): a council's recurring meeting
becomes the recurring duty of keeping it, led by its convener or the council's standing agency;
"báo cáo 6 tháng … và báo cáo năm …" is half-yearly and yearly; nothing is guessed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from db.intake import read_letter
from db.intake.meetings import DUTY_TITLE
from db.intake.proposal import Proposal, ProposedTask
from db.intake.recurring import read_recurring
from tests.directives import TZ
from tests.intake_helpers import example_registry

NOW = datetime(2023, 11, 20, 2, tzinfo=UTC)
HEADER = (
    "VĂN PHÒNG CHÍNH PHỦ\nSố: 201/VPCP-KTTH\nV/v chế độ họp của các Hội đồng điều phối vùng\n"
    "Hà Nội, ngày 15 tháng 11 năm 2023\nKính gửi: Các Bộ.\n"
)
STANDING = (
    "1. Bộ Kế hoạch và Đầu tư (cơ quan thường trực các Hội đồng điều phối vùng) hoàn thiện dự "
    "thảo Quy chế, trình Thủ tướng Chính phủ trong quý I năm 2024.\n"
)


def read(body: str) -> Proposal:
    return read_letter(HEADER + body, registry=example_registry(), tz=TZ, now=NOW)


def duty(proposal: Proposal) -> ProposedTask:
    duties = [task for task in proposal.tasks if task.text.startswith(DUTY_TITLE)]
    assert len(duties) == 1, [task.text for task in proposal.tasks]
    return duties[0]


def upcoming(task: ProposedTask) -> list[str]:
    return [f"{moment:%d/%m/%Y}" for moment in task.upcoming]


@pytest.mark.parametrize(
    ("sentence", "schedule", "deadlines"),
    [
        (
            "Hội đồng họp định kỳ 6 tháng một lần.",
            {"period": "half"},
            ["31/12/2023", "30/06/2024", "31/12/2024"],
        ),
        (
            "Các Hội đồng điều phối vùng tổ chức họp định kỳ hằng quý.",
            {"period": "quarter"},
            ["31/12/2023", "31/03/2024", "30/06/2024"],
        ),
        (
            "Hội đồng họp thường kỳ mỗi quý một lần.",
            {"period": "quarter"},
            ["31/12/2023", "31/03/2024", "30/06/2024"],
        ),
        (
            "Hằng năm tổ chức Hội nghị sơ kết việc thực hiện Nghị quyết số 128/NQ-CP.",
            {"period": "year"},
            ["31/12/2023", "31/12/2024", "31/12/2025"],
        ),
        (
            "Hằng năm, trước ngày 20 tháng 12, các Hội đồng điều phối vùng tổ chức Hội nghị "
            "tổng kết công tác năm.",
            {"period": "year", "day": 20, "month": 12},
            ["20/12/2023", "20/12/2024", "20/12/2025"],
        ),
        (
            "Hội đồng họp hằng quý, trước ngày 15 của tháng cuối quý.",
            {"period": "quarter", "day": 15, "month": 3},
            ["15/12/2023", "15/03/2024", "15/06/2024"],
        ),
        # Written without tone marks, with "hàng", with spaces and invisible characters that
        # a copied text carries, and wrapped by a narrow page.
        ("Hoi dong hop dinh ky 6 thang mot lan.", {"period": "half"}, None),
        ("Các Hội đồng tổ chức họp định kỳ hàng quý.", {"period": "quarter"}, None),
        ("Các Hội đồng tổ chức họp\u00a0định\u00a0kỳ hằng\u200b quý.", {"period": "quarter"}, None),
        ("Hội đồng họp\u200b định kỳ 6\u2009tháng\u00a0một lần.", {"period": "half"}, None),
        ("Các Hội đồng tổ chức họp định\nkỳ hằng\nquý.", {"period": "quarter"}, None),
    ],
)
def test_a_recurring_meeting_is_the_duty_of_keeping_it(
    sentence: str, schedule: dict[str, int], deadlines: list[str] | None
) -> None:
    proposal = read(STANDING + "2. " + sentence + "\n")
    task = duty(proposal)
    assert task.schedule is not None and task.schedule.to_json() == schedule
    assert task.window is None and task.clause == "2"
    if deadlines is not None:
        assert upcoming(task) == deadlines
    # Not also a one-off meeting, and nothing left to check about it.
    assert proposal.meetings == []
    assert [w for w in proposal.warnings if w.clause == "2"] == []
    # Led by the council's standing agency, as the letter names it in another clause.
    assert (task.lead_code, task.lead) == ("BKHDT", "Bộ Kế hoạch và Đầu tư")
    assert task.text.startswith("Cuộc họp định kỳ của Hội đồng: ")


@pytest.mark.parametrize(
    "sentence",
    [
        "Hằng năm tổ chức Hội nghị tổng kết, do Bộ Tài chính chủ trì.",
        "Các Hội đồng họp định kỳ hằng quý; Bộ Tài chính triệu tập và chuẩn bị nội dung.",
        "Hội đồng họp định kỳ 6 tháng một lần do Bộ trưởng Bộ Tài chính triệu tập.",
    ],
)
def test_the_agency_that_convenes_it_leads_it(sentence: str) -> None:
    task = duty(read(STANDING + "2. " + sentence + "\n"))
    assert task.lead_code == "BTC"


def test_with_nobody_named_the_duty_has_no_lead_and_a_warning() -> None:
    proposal = read("1. Hội đồng họp định kỳ 6 tháng một lần.\n")
    task = duty(proposal)
    assert (task.lead, task.lead_code) == (None, None)
    assert [(w.key, w.clause) for w in proposal.warnings] == [("intake_warn_no_lead", "1")]
    # Two standing agencies named: which one is not guessed.
    two = read(
        STANDING.replace("1. ", "3. ")
        + "4. Bộ Tài chính (cơ quan thường trực Hội đồng) chuẩn bị kinh phí trong quý I năm "
        "2024.\n5. Hội đồng họp định kỳ hằng quý.\n"
    )
    assert duty(two).lead_code is None
    # A standing agency of another board is not the council's.
    other = read(
        "1. Bộ Tài chính (cơ quan thường trực Ban Chỉ đạo) hoàn thiện Quy chế trong quý I năm "
        "2024.\n2. Hội đồng họp định kỳ hằng quý.\n"
    )
    assert duty(other).lead_code is None


def test_a_periodic_meeting_without_a_period_has_the_warning_and_no_schedule() -> None:
    proposal = read(STANDING + "2. Các Hội đồng tổ chức họp định kỳ để cho ý kiến về quy hoạch.\n")
    task = duty(proposal)
    assert (task.schedule, task.due, task.window) == (None, None, None)
    assert [(w.key, w.clause) for w in proposal.warnings] == [
        ("intake_warn_recurring_no_period", "2")
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        # A one-off meeting stays a meeting, even when its agenda names a yearly duty.
        "Đầu tháng 12 năm 2023 các Hội đồng điều phối vùng họp để: (i) kiểm điểm Kế hoạch công "
        "tác năm 2023, (ii) thống nhất chế độ báo cáo hằng năm.",
        "Trong tháng 12 năm 2023, Hội đồng tổ chức Hội nghị sơ kết 6 tháng cuối năm 2023.",
        "Trong tháng 12 năm 2023, Hội đồng họp với các ngân hàng để thống nhất chế độ báo cáo "
        "hằng quý.",
    ],
)
def test_a_one_off_meeting_stays_a_meeting(sentence: str) -> None:
    proposal = read("1. " + sentence + "\n")
    assert proposal.tasks == []
    assert [meeting.clause for meeting in proposal.meetings] == ["1"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Các Hội đồng đã họp định kỳ hằng quý theo đúng Quy chế.",  # meetings held: a report
        "Phiên họp thường kỳ tháng Mười một của Hội đồng đã được tổ chức.",
        "Hội nghị sơ kết 6 tháng đầu năm 2024 của Hội đồng.",
        # "hợp" (phối hợp) folds like "họp": the tone mark, or the word before, tells.
        "Các Hội đồng phối hợp định kỳ hằng quý với các địa phương trong vùng.",
        "Cac Hoi dong phoi hop dinh ky hang quy voi cac dia phuong trong vung.",
    ],
)
def test_words_about_meetings_that_call_none_give_nothing(sentence: str) -> None:
    proposal = read("1. " + sentence + "\n")
    assert (proposal.tasks, proposal.meetings) == ([], [])


@pytest.mark.parametrize(
    ("text", "schedule"),
    [
        (
            "Bộ Tài chính gửi báo cáo 6 tháng (trước ngày 15 tháng 6) và báo cáo năm (trước ngày "
            "15 tháng 12) về Bộ Kế hoạch và Đầu tư.",
            {"period": "half_and_year", "day": 15, "month": 6},
        ),
        (
            "Các Bộ gửi báo cáo sơ kết 6 tháng và tổng kết năm về Bộ Kế hoạch và Đầu tư.",
            {"period": "half_and_year"},
        ),
        (
            "Bộ Y tế báo cáo 6 tháng, báo cáo năm trước ngày 20 của tháng cuối kỳ.",
            {"period": "half_and_year", "day": 20, "month": 6},
        ),
        # Without tone marks, wrapped by a narrow page, in words, after ";".
        (
            "Cac Bo gui bao cao so ket 6 thang va tong ket nam ve Bo Ke hoach va Dau tu.",
            {"period": "half_and_year"},
        ),
        (
            "Các Bộ gửi báo cáo 6 tháng và\nbáo cáo năm về Bộ Kế hoạch và Đầu tư.",
            {"period": "half_and_year"},
        ),
        (
            "Các Bộ gửi báo cáo sơ kết sáu tháng; báo cáo tổng kết năm về Bộ Tài chính.",
            {"period": "half_and_year"},
        ),
    ],
)
def test_half_year_and_annual_reports_written_apart_are_recurring(
    text: str, schedule: dict[str, int]
) -> None:
    reading = read_recurring(text)
    assert reading is not None and reading.warning is None and reading.schedule is not None
    assert reading.schedule.to_json() == schedule


@pytest.mark.parametrize(
    "text",
    [
        # One report for one half year, or for one year: not a schedule.
        "Bộ Tài chính gửi báo cáo 6 tháng đầu năm 2024 trước ngày 15/7/2024.",
        "Các Bộ gửi báo cáo 6 tháng đầu năm và báo cáo năm 2024 về Bộ Kế hoạch và Đầu tư.",
        "Bộ Y tế báo cáo kết quả 6 tháng qua và báo cáo năm trước về Bộ Tài chính.",
        "Bộ Y tế gửi báo cáo 6 tháng về Bộ Kế hoạch và Đầu tư.",
        # "báo cáo quý" alone is this quarter's report as likely as every quarter's: the letter
        # says "hằng quý" or "định kỳ" when it means a schedule (next test).
        "Bộ Y tế gửi báo cáo quý về Bộ Kế hoạch và Đầu tư.",
        "Bộ Y tế gửi báo cáo quý IV năm 2023 về Bộ Kế hoạch và Đầu tư.",
    ],
)
def test_a_single_period_report_is_no_schedule(text: str) -> None:
    assert read_recurring(text) is None


def test_a_quarterly_report_is_recurring_when_the_letter_says_so() -> None:
    for text in ("Bộ Y tế gửi báo cáo hằng quý.", "Bộ Y tế gửi báo cáo định kỳ hàng quý."):
        reading = read_recurring(text)
        assert reading is not None and reading.schedule is not None
        assert reading.schedule.to_json() == {"period": "quarter"}


def test_the_paired_report_in_a_letter_has_its_next_deadlines() -> None:
    proposal = read(
        "1. Bộ Tài chính gửi báo cáo 6 tháng (trước ngày 15 tháng 6) và báo cáo năm (trước "
        "ngày 15 tháng 12) về Bộ Kế hoạch và Đầu tư.\n"
    )
    (task,) = proposal.tasks
    assert task.due == "6 tháng và hằng năm, trước ngày 15 của tháng cuối kỳ"
    assert upcoming(task) == ["15/12/2023", "15/06/2024", "15/12/2024"]
    assert proposal.warnings == []
