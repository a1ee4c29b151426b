"""Meetings called by real letters (tests/intake_corpus: 2934/VPCP-CN, the Hải Dương
invitations): the time as written and as read when the day and the clock time are written
apart, the place, the chair, the reports asked for the meeting and the invitees (no tasks)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from db.intake import read_letter
from db.intake.meeting_details import meeting_chair, meeting_place, meeting_time
from db.intake.meetings import calls_meeting
from db.intake.proposal import Proposal
from tests.directives import TZ
from tests.intake_helpers import example_registry

AT = datetime(2023, 11, 20, 2, tzinfo=UTC)
HEADER = (
    "VĂN PHÒNG CHÍNH PHỦ\nSố: 215/GM-VPCP\nV/v họp Hội đồng điều phối vùng Đồng bằng sông Hồng\n"
    "Hà Nội, ngày 20 tháng 11 năm 2023\nKính gửi: Các Bộ.\n"
)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("Hội đồng họp vào lúc 14 giờ 00, thứ Năm, ngày 7/12/2023 tại Hà Nội.", "07/12 14:00"),
        ("Thời gian: 14h00 ngày 07 tháng 12 năm 2023.", "07/12 14:00"),
        ("Cuộc họp vào Thứ Năm, ngày 7/12/2023, từ 8h30 tại Phòng họp số 1.", "07/12 08:30"),
        ("Thời gian: từ 8h30 - 11h00, thứ Năm, ngày 07/12/2023.", "07/12 08:30"),
        ("Thời gian: từ 8 giờ 30 phút đến 11 giờ, ngày 7 tháng 12 năm 2023.", "07/12 08:30"),
        ("Thời gian: 14 giờ 30, ngày 7/12/2023.", "07/12 14:30"),
        # A clock time in another sentence is not the meeting's: the day alone.
        ("Họp ngày 7/12/2023. Báo cáo gửi trước 17h00.", "07/12 00:00"),
    ],
)
def test_the_day_and_the_clock_time_written_apart_are_one_time(text: str, start: str) -> None:
    phrase, window, warning, _ = meeting_time(text, at=AT, tz=TZ)
    assert warning is None and window is not None, phrase
    assert f"{window.start:%d/%m %H:%M}" == start


def test_a_meeting_already_over_at_the_letters_date_is_not_given_a_time() -> None:
    phrase, window, warning, _ = meeting_time("Họp lúc 8h00 ngày 7/12/2022.", at=AT, tz=TZ)
    assert (phrase, window, warning) == ("8h00 ngày 7/12/2022", None, "intake_warn_due_past")


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (
            "Địa điểm: Phòng họp số 1, Văn phòng Chính phủ, số 1 Hoàng Hoa Thám.",
            "Phòng họp số 1, Văn phòng Chính phủ, số 1 Hoàng Hoa Thám",
        ),
        (
            "3. Địa điểm: Tại Văn Miếu Mao Điền, huyện Cẩm Giàng.",
            "Văn Miếu Mao Điền, huyện Cẩm Giàng",
        ),
        (
            "Họp ngày 7/12/2023, từ 07h00 tại Hội trường tầng 1, trụ sở UBND tỉnh.",
            "Hội trường tầng 1, trụ sở UBND tỉnh",
        ),
        (
            "Hội nghị sẽ được tổ chức vào tháng 12 năm 2023 tại đầu cầu Trụ sở Chính phủ; …",
            "đầu cầu Trụ sở Chính phủ",
        ),
        (
            "- Địa điểm: Khách sạn Đệ Nhất, số 18 Hoàng Việt, Phường 4, Q.Tân Bình, TP.HCM",
            "Khách sạn Đệ Nhất, số 18 Hoàng Việt, Phường 4, Q.Tân Bình, TP.HCM",
        ),
        # "tại" not right after the time is not the meeting's place.
        ("Theo đề nghị tại Công văn số 12, họp ngày 7/12/2023.", None),
    ],
)
def test_the_place(text: str, place: str | None) -> None:
    _, _, _, end = meeting_time(text, at=AT, tz=TZ)
    assert meeting_place(text, end) == place


@pytest.mark.parametrize(
    ("text", "chair"),
    [
        (
            "Chủ trì: Phó Thủ tướng Trần Hồng Hà, Chủ tịch Hội đồng.",
            "Phó Thủ tướng Trần Hồng Hà, Chủ tịch Hội đồng",
        ),
        ("Hội nghị do Bộ trưởng Bộ Kế hoạch và Đầu tư chủ trì.", "Bộ trưởng Bộ Kế hoạch và Đầu tư"),
        ("Hội nghị họp dưới sự chủ trì của Thủ tướng Chính phủ.", "Thủ tướng Chính phủ"),
        ("Bộ Tài chính chủ trì, phối hợp với các Bộ chuẩn bị báo cáo.", None),
    ],
)
def test_the_chair(text: str, chair: str | None) -> None:
    assert meeting_chair(text) == chair


@pytest.mark.parametrize(
    ("text", "calls"),
    [
        ("Hội nghị tổng kết sẽ được tổ chức vào tháng 11 năm 2023 tại Hà Nội.", True),
        ("Hội nghị dự kiến tổ chức vào ngày 7/12/2023.", True),
        ("Vào lúc 14h00 ngày 7/12/2023, Hội nghị sẽ khai mạc tại Hà Nội.", True),
        ("Hội nghị tổng kết đã được tổ chức vào ngày 7/10/2023.", False),
    ],
)
def test_a_conference_announced_calls_a_meeting_one_held_does_not(text: str, calls: bool) -> None:
    assert calls_meeting(text) is calls


def read(body: str) -> Proposal:
    return read_letter(HEADER + body, registry=example_registry(), tz=TZ, now=AT)


def test_an_invitation_with_labelled_lines_reports_due_and_invitees() -> None:
    proposal = read(
        "Văn phòng Chính phủ tổ chức Hội nghị lần thứ hai Hội đồng điều phối vùng Đồng bằng sông "
        "Hồng như sau:\n"
        "1. Chủ trì: Phó Thủ tướng Trần Hồng Hà, Chủ tịch Hội đồng.\n"
        "2. Thời gian: vào lúc 14 giờ 00, thứ Năm, ngày 7/12/2023.\n"
        "3. Địa điểm: Phòng họp số 1, Văn phòng Chính phủ.\n"
        "4. Thành phần mời dự:\n"
        "- Bộ trưởng các Bộ: Tài chính, Xây dựng;\n"
        "- Chủ tịch UBND các tỉnh: Hải Dương, Thái Bình;\n"
        "5. Đề nghị Bộ Kế hoạch và Đầu tư gửi báo cáo về Văn phòng Chính phủ trước ngày "
        "5/12/2023.\n"
    )
    (meeting,) = proposal.meetings
    assert meeting.clause == "2"
    assert meeting.title.startswith("Hội nghị lần thứ hai Hội đồng điều phối vùng")
    assert meeting.when == "14 giờ 00 thứ Năm, ngày 7/12/2023"
    assert meeting.window is not None and f"{meeting.window.start:%d/%m/%Y %H:%M}" == (
        "07/12/2023 14:00"
    )
    assert meeting.place == "Phòng họp số 1, Văn phòng Chính phủ"
    assert meeting.chair == "Phó Thủ tướng Trần Hồng Hà, Chủ tịch Hội đồng"
    assert [(t.clause, t.lead_code) for t in proposal.tasks] == [("5", "BKHDT")]
    assert proposal.tasks[0].window is not None
    assert f"{proposal.tasks[0].window.end:%d/%m/%Y}" == "05/12/2023"


def test_the_reporting_unit_under_an_agenda_item_reports_at_its_turn() -> None:
    proposal = read(
        "Văn phòng Chính phủ tổ chức cuộc họp vào Thứ Năm, ngày 7/12/2023, từ 08h00 tại Phòng "
        "họp số 1.\n"
        "1. Báo cáo tiến độ lập quy hoạch vùng.\n"
        "- Đơn vị báo cáo: Bộ Kế hoạch và Đầu tư. Thời gian từ 08h30 đến 09h30\n"
        "- Mời dự: Thủ trưởng các Sở: Tài chính, Xây dựng\n"
        "- Chủ tịch UBND các huyện, thành phố: Hải Dương, Thanh Hà./.\n"
    )
    (meeting,) = proposal.meetings
    assert (meeting.title, meeting.place) == ("Cuộc họp", "Phòng họp số 1")
    (task,) = proposal.tasks
    assert (task.clause, task.lead_code) == ("1.1", "BKHDT")
    assert task.due == "vào 08h30 Thứ Năm, ngày 7/12/2023"
    assert task.window is not None and f"{task.window.end:%d/%m %H:%M}" == "07/12 08:30"


def test_a_proposal_reloaded_from_json_keeps_the_time_place_and_chair() -> None:
    proposal = read(
        "1. Hội nghị sẽ được tổ chức vào lúc 14 giờ 00, thứ Năm, ngày 7/12/2023 tại Phòng họp "
        "số 1, dưới sự chủ trì của Phó Thủ tướng Trần Hồng Hà.\n"
    )
    again = Proposal.from_json(proposal.to_json(TZ), tz=TZ, now=AT)
    (meeting,) = again.meetings
    assert (meeting.title, meeting.place, meeting.chair) == (
        "Hội nghị",
        "Phòng họp số 1",
        "Phó Thủ tướng Trần Hồng Hà",
    )
    assert meeting.window is not None and f"{meeting.window.start:%d/%m %H:%M}" == "07/12 14:00"


def test_a_call_without_a_time_is_timed_by_the_labelled_dashes_after_it() -> None:
    proposal = read(
        "Văn phòng sẽ tổ chức cuộc họp trao đổi thông tin với đại diện các cơ quan báo chí.\n"
        "- Thời gian: 16h30 ngày 7/12/2023\n"
        "- Địa điểm: Khách sạn Đệ Nhất, số 18 Hoàng Việt, Q.Tân Bình, TP.HCM\n"
    )
    (meeting,) = proposal.meetings
    assert meeting.clause == "1"
    assert meeting.title == "Cuộc họp trao đổi thông tin với đại diện các cơ quan báo chí"
    assert meeting.when == "16h30 ngày 7/12/2023"
    assert meeting.place == "Khách sạn Đệ Nhất, số 18 Hoàng Việt, Q.Tân Bình, TP.HCM"


@pytest.mark.parametrize(
    "sentence",
    [
        "Các phóng viên Ảnh, Truyền hình sẽ được bố trí chụp ảnh trong 5 phút khai mạc.",
        "Các đại biểu sẽ được cung cấp tài liệu tại cuộc họp.",
    ],
)
def test_what_will_be_done_for_someone_is_not_their_task(sentence: str) -> None:
    assert read("1. " + sentence + "\n").tasks == []


def test_what_someone_will_do_is_still_their_task() -> None:
    proposal = read("1. Bộ Tài chính sẽ gửi báo cáo trước ngày 5/12/2023.\n")
    assert [task.lead_code for task in proposal.tasks] == ["BTC"]
