"""The reader's rules on small letters: subjects, several addressees, deadlines it must not
guess, agencies as letters write them."""

from __future__ import annotations

from datetime import date

import pytest

from db.intake import Proposal, read_letter
from tests.directives import TZ
from tests.intake_helpers import NOW, example_registry

HEADER = (
    "VĂN PHÒNG CHÍNH PHỦ\nSố: 100/VPCP-TH\nV/v thử\nHà Nội, ngày 19 tháng 8 năm 2023\n"
    "Kính gửi: Các Bộ.\n"
)


def read(body: str) -> Proposal:
    return read_letter(HEADER + body, registry=example_registry(), tz=TZ, now=NOW)


def only_task(body: str) -> tuple[str | None, str | None, list[str | None], date | None]:
    proposal = read(body)
    assert len(proposal.tasks) == 1, proposal.tasks
    task = proposal.tasks[0]
    return task.due, task.lead_code, task.co_codes, task.window.end.date() if task.window else None


def warnings(body: str) -> list[str]:
    return [warning.key for warning in read(body).warnings]


@pytest.mark.parametrize(
    ("body", "due_end"),
    [
        (
            "1. Giao Bộ Tài chính báo cáo Thủ tướng Chính phủ trước ngày 30 tháng 9 năm 2023.",
            date(2023, 9, 30),
        ),
        (
            "1. Bộ Tài chính hoàn thành không quá 2 tháng kể từ ngày ban hành văn bản này.",
            date(2023, 10, 19),
        ),
        ("1. Đề nghị Bộ Y tế báo cáo trong vòng 30 ngày kể từ ngày ký.", date(2023, 9, 18)),
        ("1. Yêu cầu Bộ Công Thương báo cáo trước ngày 15/9.", date(2023, 9, 15)),
    ],
)
def test_deadlines_read_at_the_letters_date(body: str, due_end: date) -> None:
    assert only_task(body)[3] == due_end


@pytest.mark.parametrize(
    ("body", "warning"),
    [
        (
            "1. Giao Bộ Tài chính báo cáo trong vòng 30 ngày kể từ ngày nhận được văn bản này.",
            "intake_warn_due_relative",
        ),
        (
            # "hằng năm" names the plan here; the deadline may be each year's: not guessed.
            "1. Giao Bộ Tài chính đưa vào kế hoạch hằng năm, báo cáo trước ngày 15/12.",
            "intake_warn_due_recurring",
        ),
        (
            "1. Giao Bộ Tài chính báo cáo trước ngày 15/9/2023, Bộ Y tế tổng hợp trước ngày "
            "30/9/2023.",
            "intake_warn_due_several",
        ),
        ("1. Giao Bộ Tài chính xử lý vào ngày 5/1/2023 như đã nêu.", "intake_warn_due_past"),
        ("1. Giao Bộ Tài chính báo cáo trong 15 ngày làm việc kể từ ngày ban hành.", None),
    ],
)
def test_a_deadline_it_cannot_be_sure_of_is_left_out(body: str, warning: str | None) -> None:
    _, lead, _, due_end = only_task(body)
    assert lead == "BTC" and due_end is None
    if warning is not None:
        assert warning in warnings(body)


def test_agencies_as_letters_write_them() -> None:
    body = (
        "1. Bộ KH&ĐT chủ trì, phối hợp với Bộ trưởng Bộ Tài chính và Uỷ ban nhân dân các tỉnh, "
        "thành phố liên quan rà soát.\n"
        "2. Bộ Kế hoạch và Đầu tưchủ trì tổng hợp.\n"
        "3. Bộ Khoa Học Và Công Nghệ nghiên cứu.\n"
        "4. Bộ Xây dựng phối hợp với Bộ Giao thông vận tải đề xuất.\n"
    )
    proposal = read(body)
    got = [(t.clause, t.lead_code, t.co_codes) for t in proposal.tasks]
    assert got == [
        ("1", "BKHDT", ["BTC", "CACDP"]),
        ("2", "BKHDT", []),
        ("3", "BKHCN", []),
        ("4", None, [None]),
    ]
    assert proposal.tasks[3].lead == "Bộ Xây dựng"
    assert proposal.tasks[3].co == ["Bộ Giao thông vận tải"]
    unknown = {w.params["name"] for w in proposal.warnings if w.key == "intake_warn_unknown_agency"}
    assert unknown == {"Bộ Xây dựng", "Bộ Giao thông vận tải"}


def test_several_addressees_get_one_task_each() -> None:
    proposal = read("1. Các Bộ: Tài chính, Y tế và Công Thương báo cáo trước ngày 30/9/2023.")
    assert [(t.clause, t.lead_code) for t in proposal.tasks] == [
        ("1.1", "BTC"),
        ("1.2", "BYT"),
        ("1.3", "BCT"),
    ]
    assert {t.window.end.date() for t in proposal.tasks if t.window} == {date(2023, 9, 30)}


def test_paragraphs_that_assign_nothing() -> None:
    body = (
        "Xét đề nghị của Bộ Tài chính tại văn bản số 12/BTC-NSNN, Thủ tướng Chính phủ có ý kiến "
        "như sau:\n"
        "1. Bộ Tài chính đã báo cáo tình hình thực hiện trong quý II năm 2023.\n"
        "2. Nâng cao hiệu quả phối hợp giữa các Bộ, ngành.\n"
        "Văn phòng Chính phủ thông báo để các Bộ, cơ quan biết, thực hiện./.\n"
    )
    proposal = read(body)
    assert proposal.tasks == [] and proposal.meetings == []
    assert [w.key for w in proposal.warnings] == ["intake_warn_nothing"]


def test_who_is_assigned_when_someone_directs() -> None:
    body = (
        "1. Chủ tịch Ủy ban nhân dân tỉnh Lâm Đồng chỉ đạo các sở, ngành báo cáo trước ngày "
        "20/9/2023.\n"
        "2. Thủ tướng Chính phủ chỉ đạo Bộ Tài chính báo cáo trước ngày 20/9/2023.\n"
        "3. Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương rà soát, báo cáo Bộ Tài "
        "chính trước ngày 30/9/2023 để tổng hợp, báo cáo Thủ tướng Chính phủ trước ngày "
        "15/10/2023.\n"
        "4. Giao Bộ Y tế chủ trì, phối hợp với các Bộ, ngành, địa phương liên quan xây dựng "
        "hướng dẫn.\n"
        "5. Năm 2022, Ủy ban nhân dân tỉnh đã giao Bộ Y tế xây dựng hướng dẫn.\n"
    )
    proposal = read(body)
    got = [
        (t.clause, t.lead, t.co, t.window.end.date() if t.window else None) for t in proposal.tasks
    ]
    assert got == [
        ("1", "Ủy ban nhân dân tỉnh Lâm Đồng", [], date(2023, 9, 20)),
        ("2", "Bộ Tài chính", [], date(2023, 9, 20)),
        ("3", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", [], date(2023, 9, 30)),
        ("4", "Bộ Y tế", ["các Bộ, ngành, địa phương liên quan"], None),
    ]


def test_a_plans_task_table_in_a_word_file() -> None:
    import io

    import docx

    from db.intake.text import letter_text

    document = docx.Document()
    for line in (
        "ỦY BAN NHÂN DÂN",
        "TỈNH BÌNH DƯƠNG",
        "Số: 12/KH-UBND",
        "Bình Dương, ngày 5 tháng 10 năm 2023",
        "KẾ HOẠCH",
        "Triển khai Nghị quyết số 128/NQ-CP",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Cụ thể hóa nhiệm vụ của tỉnh.",
        "II. NHIỆM VỤ CỤ THỂ",
    ):
        document.add_paragraph(line)
    rows = [
        ["TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"],
        ["1", "Xây dựng đề án liên kết vùng", "Bộ Tài chính", "Bộ Công Thương", "Quý IV/2023"],
        ["2", "Rà soát quy hoạch", "Bộ Công Thương", "", "Thường xuyên"],
        ["3", "Báo cáo kết quả", "Bộ Y tế", "Bộ Tài chính", "Trước ngày 15/12/2023"],
    ]
    table = document.add_table(rows=len(rows), cols=5)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    text = letter_text(out.getvalue(), "ke-hoach.docx")
    proposal = read_letter(text, registry=example_registry(), tz=TZ, now=NOW)
    assert proposal.number == "12/KH-UBND"
    assert proposal.issuer == "Ủy ban nhân dân tỉnh Bình Dương"
    got = [
        (t.clause, t.lead_code, t.co_codes, t.window.end.date() if t.window else None)
        for t in proposal.tasks
    ]
    assert got == [
        ("II.1", "BTC", ["BCT"], date(2023, 12, 31)),
        ("II.2", "BCT", [], None),
        ("II.3", "BYT", ["BTC"], date(2023, 12, 15)),
    ]
