"""Forms the Government Office's real letters use that the reader once misread (found on the
letters vpcp-* of tests/intake_corpus/): a header a page writes in another order or as a table,
a leader named before "giao", "… và giao X", "Bộ Ngoại giao", a subject dated rather than
tasked, and "các Bộ: …" lists whose names hold a comma or "và"."""

from __future__ import annotations

import pytest

from db.intake import Proposal, read_letter
from db.intake.frame import paragraphs, read_frame
from tests.directives import TZ
from tests.intake_helpers import NOW, example_registry

HEADER = (
    "VĂN PHÒNG CHÍNH PHỦ\nSố: 100/VPCP-TH\nV/v thử\nHà Nội, ngày 19 tháng 8 năm 2023\n"
    "Kính gửi: Các Bộ.\n"
)
LONG = "Xét đề nghị của Bộ Tài chính tại văn bản số 12/BTC-NSNN ngày 02 tháng 8 năm 2023 " * 2


def read(body: str) -> Proposal:
    return read_letter(HEADER + body, registry=example_registry(), tz=TZ, now=NOW)


def leads(body: str) -> list[tuple[str | None, str | None]]:
    return [(task.lead, task.lead_code) for task in read(body).tasks]


# --- the header -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "dated"),
    [
        (
            "V/v: xử lý một số đề nghị của các tỉnh: Đắk Lắk, Gia Lai, Kon Tum",
            "Hà Nội, ngày 06 tháng 05 năm 2011",
        ),
        (
            "V/v triển khai nhiệm vụ liên kết vùng Đồng bằng sông Hồng năm 2024",
            "Thành phố Hồ Chí Minh, ngày 6/5/2011",
        ),
        (
            "Về việc rà soát quy hoạch vùng Tây Nguyên thời kỳ 2021 - 2030",
            "Ngày 06 tháng 5 năm 2011",
        ),
    ],
)
def test_a_full_width_subject_line_does_not_swallow_the_date_and_addressees(
    subject: str, dated: str
) -> None:
    addressees = "Kính gửi: Ủy ban nhân dân các tỉnh Đắk Lắk, Gia Lai và Kon Tum"
    assert paragraphs(f"{subject}\n{dated}\n{addressees}") == [subject, dated, addressees]


def test_a_subject_above_the_motto_does_not_end_the_header() -> None:
    """No "Số:" line and "V/v" above the national motto, as some pages show a letter."""
    frame = read_frame(
        "VĂN PHÒNG CHÍNH PHỦ\n-------\nV/v: Báo cáo tình hình thực hiện Chỉ thị 1737/CT-TTg\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------\n"
        "Hà Nội, ngày 06 tháng 05 năm 2011\n\nKính gửi: Bộ Tài chính.\n"
        f"{LONG}, Thủ tướng Chính phủ có ý kiến như sau:\n"
        "Giao Bộ Tài chính báo cáo trước ngày 30/5/2011.\n"
    )
    assert frame.date is not None and (frame.date.month, frame.date.day) == (5, 6)
    assert frame.title == "Về Báo cáo tình hình thực hiện Chỉ thị 1737/CT-TTg"
    assert frame.body[0].startswith("Xét đề nghị") and frame.body[-1].startswith("Giao Bộ")


@pytest.mark.parametrize(
    "head",
    [
        # A page's table: "|" closing its cells, the motto broken over two lines.
        "VĂN PHÒNG CHÍNH\nPHỦ |\nCỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM |\nSố: 4275/VPCP-CN |\n"
        "Hà Nội, ngày 09 tháng 7 năm 2022 |\nKính gửi: |\n- Bộ Tài chính; |\n",
        "Loại văn bản | Công văn |\nVĂN PHÒNG CHÍNH PHỦ\n-------\n|\nCỘNG HÒA XÃ HỘI\n"
        "CHỦ NGHĨA VIỆT NAM\n|\nSố: 4275/VPCP-CN\n|\nHà Nội, ngày 09 tháng 7 năm 2022\n"
        "Kính gửi: Bộ Tài chính.\n",
        # The old tone placement in the motto ("HOÀ").
        "VĂN PHÒNG CHÍNH PHỦ\nCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 4275/VPCP-CN\n"
        "Hà Nội, ngày 09 tháng 7 năm 2022\nKính gửi: Bộ Tài chính.\n",
    ],
)
def test_a_page_table_and_a_broken_motto_leave_the_issuer_whole(head: str) -> None:
    frame = read_frame(head + "1. Bộ Tài chính chủ trì, báo cáo trước ngày 30/7/2022.\n")
    assert (frame.issuer, frame.number) == ("Văn phòng chính phủ", "4275/VPCP-CN")
    assert frame.date is not None and (frame.date.month, frame.date.day) == (7, 9)
    assert frame.body == ["1. Bộ Tài chính chủ trì, báo cáo trước ngày 30/7/2022."]


@pytest.mark.parametrize(
    ("head", "title"),
    [
        (
            "THÔNG BÁO\nKẾT LUẬN CỦA PHÓ THỦ TƯỚNG TẠI HỘI NGHỊ VÙNG\n"
            "Ngày 4 và 5 tháng 01 năm 1999 tại Hà Nội, Phó Thủ tướng Ngô Xuân Lộc và Phó Thủ "
            "tướng Nguyễn Công Tạn đã chủ trì Hội nghị triển khai Nghị quyết của Quốc hội,\n",
            "KẾT LUẬN CỦA PHÓ THỦ TƯỚNG TẠI HỘI NGHỊ VÙNG",
        ),
        (
            "CHỈ THỊ\nVỀ TĂNG CƯỜNG LIÊN KẾT VÙNG\nTrong những năm qua, liên kết vùng còn yếu,\n",
            "VỀ TĂNG CƯỜNG LIÊN KẾT VÙNG",
        ),
        (
            "QUYẾT ĐỊNH\nVề việc ban hành Quy chế hoạt động\ncủa Hội đồng điều phối vùng\n",
            "Về việc ban hành Quy chế hoạt động của Hội đồng điều phối vùng",
        ),
    ],
)
def test_an_upper_case_title_ends_where_the_body_starts(head: str, title: str) -> None:
    frame = read_frame(
        "VĂN PHÒNG CHÍNH PHỦ\nSố: 31/TB-VPCP\nHà Nội, ngày 22 tháng 02 năm 1999\n" + head
    )
    assert frame.title == title


# --- who is assigned ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Về đề nghị của tỉnh, Phó Thủ tướng Hoàng Trung Hải giao Bộ Tài chính xem xét, xử lý.",
        "Xét đề nghị của tỉnh, Thủ tướng Chính phủ Phạm Minh Chính giao Bộ Tài chính xem xét.",
        "Về việc này, Phó Thủ tướng Thường trực Chính phủ Nguyễn Sinh Hùng giao Bộ Tài chính "
        "làm việc với tỉnh.",
        "Đồng ý với kiến nghị của tỉnh và giao Bộ Tài chính hướng dẫn tỉnh thực hiện.",
        "Thống nhất với đề xuất của Bộ Y tế và giao Bộ Tài chính bố trí kinh phí.",
    ],
)
def test_giao_after_a_leader_or_after_va_assigns(sentence: str) -> None:
    assert leads(sentence) == [("Bộ Tài chính", "BTC")]


@pytest.mark.parametrize(
    ("sentence", "written"),
    [
        ("Yêu cầu Bộ Ngoại giao kiểm tra ngay và báo cáo.", ["Bộ Ngoại giao"]),
        ("Giao Bộ Ngoại giao chủ trì, phối hợp với Bộ Y tế đề xuất.", ["Bộ Ngoại giao"]),
        ("Bộ Ngoại giao và Bộ Công an kiểm tra, báo cáo.", ["Bộ Ngoại giao", "Bộ Công an"]),
    ],
)
def test_bo_ngoai_giao_is_a_whole_name_not_a_name_and_a_verb(
    sentence: str, written: list[str]
) -> None:
    assert [lead for lead, _ in leads(sentence)] == written


@pytest.mark.parametrize(
    "sentence",
    [
        "Báo Tuổi trẻ ngày 24 tháng 3 năm 2004 có bài phản ánh tình trạng tiêu cực.",
        "Bộ Tài chính ngày 12/4/2023 có văn bản đề nghị bổ sung vốn.",
        "Sở Kế hoạch và Đầu tư tỉnh Bình Dương ngày 5 tháng 6 đã gửi báo cáo.",
    ],
)
def test_a_subject_with_the_day_it_wrote_is_no_task(sentence: str) -> None:
    assert read(sentence).tasks == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Giao các Bộ: Kế hoạch và Đầu tư, Văn hóa, Thể thao và Du lịch, Nội vụ làm việc "
            "với tỉnh.",
            [
                ("Bộ Kế hoạch và Đầu tư", "BKHDT"),
                ("Bộ Văn hóa, Thể thao và Du lịch", None),
                ("Bộ Nội vụ", "BNV"),
            ],
        ),
        (
            "Các Bộ: Lao động, Thương binh và Xã hội, Tài nguyên và Môi trường báo cáo.",
            [
                ("Bộ Lao động, Thương binh và Xã hội", None),
                ("Bộ Tài nguyên và Môi trường", None),
            ],
        ),
        (
            "Các Bộ: Nông nghiệp và Phát triển nông thôn, Giáo dục và Đào tạo và Y tế báo cáo.",
            [
                ("Bộ Nông nghiệp và Phát triển nông thôn", "BNNPTNT"),
                ("Bộ Giáo dục và Đào tạo", None),
                ("Bộ Y tế", "BYT"),
            ],
        ),
        (
            "Các Bộ: Lao động - Thương binh và Xã hội, Khoa học và Công nghệ rà soát.",
            [("Bộ Lao động - Thương binh và Xã hội", None), ("Bộ Khoa học và Công nghệ", "BKHCN")],
        ),
    ],
)
def test_listed_ministries_keep_the_comma_and_va_of_their_names(
    sentence: str, expected: list[tuple[str | None, str | None]]
) -> None:
    assert leads(sentence) == expected
