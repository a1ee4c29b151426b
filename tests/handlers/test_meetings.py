"""Meetings: created with a confirmation, announced to every member with RSVP buttons and a
calendar file, answered, rescheduled, cancelled, concluded into tasks; imported meetings keep
their periods until a date is fixed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.offline.driver import FakeUser, OfflineBot, answers, texts
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from db.models import Attendance, Meeting, MeetingState, Role, Task
from schedules.clock import ManualClock
from tests.directives import LETTER_6411, import_source, load_example_registry
from tests.factories import Factory

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NEW = (
    "/meeting new DBSH | Họp cho ý kiến quy hoạch vùng | 14h ngày 5/12/2023 | "
    "Phòng họp số 1 | Quy hoạch vùng; Kế hoạch năm 2024"
)


def messages(calls: list[RecordedCall]) -> list[RecordedCall]:
    return [c for c in calls if c.ok and c.method in ("sendMessage", "editMessageText")]


def invitations(transport: FakeTelegram) -> list[RecordedCall]:
    return [
        c
        for c in transport.calls
        if c.ok and c.method == "sendMessage" and any(d.startswith("rsvp:") for _, d in c.buttons())
    ]


@pytest.fixture
def people(factory: Factory) -> dict[str, FakeUser]:
    council = factory.council()
    return {
        "secretariat": factory.user(Role.SECRETARIAT, council=council, name="Thư ký"),
        "chair": factory.user(Role.CHAIR, council=council, name="Chủ tịch"),
        "a": factory.user(Role.MEMBER, council=council, name="An"),
        "b": factory.user(Role.MEMBER, council=council, name="Bình", language="en"),
    }


async def create(bot: OfflineBot, secretariat: FakeUser) -> RecordedCall:
    (preview,) = messages(await bot.send(secretariat, NEW))
    assert "Xác nhận tạo cuộc họp" in preview.text
    assert "<b>Họp cho ý kiến quy hoạch vùng</b>" in preview.text  # no number before it exists
    assert "14:00 05/12/2023" in preview.text
    (done,) = messages(await bot.press(secretariat, preview, preview.buttons()[0][1]))
    return done


async def test_a_new_meeting_is_announced_with_rsvp_and_a_calendar_file(
    bot: OfflineBot, engine: Engine, transport: FakeTelegram, people: dict[str, FakeUser]
) -> None:
    done = await create(bot, people["secretariat"])
    assert done.text.startswith("✅ Đã tạo cuộc họp #1")
    await bot.settle()
    invited = {call.chat_id: call for call in invitations(transport)}
    assert set(invited) == {user.id for user in people.values()}
    vietnamese = invited[people["a"].id]
    assert "Thông báo mời họp" in vietnamese.text and "Phòng họp số 1" in vietnamese.text
    assert [label for label, _ in vietnamese.buttons()] == [
        "Tham dự",
        "Cử người dự thay",
        "Vắng",
        "Đã nhận",
    ]
    english = invited[people["b"].id]
    assert "Meeting invitation" in english.text and "Place: Phòng họp số 1" in english.text
    files = [c for c in transport.calls if c.method == "sendDocument" and c.ok]
    assert {c.chat_id for c in files} == set(invited)
    (name, content) = next(iter(files[0].files.values()))
    assert name == "hop-1.ics"
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime(2023, 12, 5, 14, 0, tzinfo=HANOI)
    assert str(start.tzinfo) == "Asia/Ho_Chi_Minh"
    assert str(event.get("summary")) == "Họp cho ý kiến quy hoạch vùng"


async def test_rsvps_are_recorded_and_shown(
    bot: OfflineBot, engine: Engine, transport: FakeTelegram, people: dict[str, FakeUser]
) -> None:
    await create(bot, people["secretariat"])
    await bot.settle()
    invited = {call.chat_id: call for call in invitations(transport)}
    a_card, chair_card = invited[people["a"].id], invited[people["chair"].id]
    assert answers(await bot.press(people["a"], a_card, "rsvp:1:a")) == ["Đã ghi nhận: tham dự."]
    assert answers(await bot.press(people["a"], a_card, "rsvp:1:x")) == ["Đã ghi nhận: vắng mặt."]
    prompt = messages(await bot.press(people["chair"], chair_card, "rsvp:1:d"))[0]
    assert "người dự thay" in prompt.text
    saved = texts(await bot.send(people["chair"], "Ông Trần Văn B, Phó Chủ tịch"))
    assert saved == ["Đã ghi nhận: cử Ông Trần Văn B, Phó Chủ tịch dự thay."]
    with Session(engine) as session:
        rows = session.exec(select(Attendance).order_by(col(Attendance.id))).all()
    assert [(row.response, row.delegate_name) for row in rows] == [
        ("absent", None),
        ("delegate", "Ông Trần Văn B, Phó Chủ tịch"),
    ]
    (details,) = texts(await bot.send(people["secretariat"], "/meeting 1"))
    assert "Vắng (1): An" in details
    assert "Cử người dự thay (1): Chủ tịch → Ông Trần Văn B, Phó Chủ tịch" in details
    assert "Chưa trả lời (2): Bình, Thư ký" in details
    outsider = factory_user_outside(bot)
    assert answers(await bot.press(outsider, a_card, "rsvp:1:a")) == [
        "Xin chào! Tài khoản Telegram của anh/chị chưa được đăng ký với bot của Hội đồng "
        "điều phối vùng.\nVui lòng liên hệ Văn phòng (bộ phận thư ký) của Hội đồng để được "
        "gửi đường dẫn mời tham gia."
    ]


def factory_user_outside(bot: OfflineBot) -> FakeUser:
    return FakeUser(99_999, "Người ngoài")


async def test_reschedule_and_cancel_tell_the_members(
    bot: OfflineBot, engine: Engine, transport: FakeTelegram, people: dict[str, FakeUser]
) -> None:
    secretariat = people["secretariat"]
    await create(bot, secretariat)
    await bot.settle()
    transport.clear()
    moved = texts(await bot.send(secretariat, "/meeting 1 reschedule 9h ngày 7/12/2023"))
    assert moved == ["✅ Đã đổi thời gian cuộc họp #1: 09:00 07/12/2023. Đang gửi thông báo."]
    await bot.settle()
    notices = invitations(transport)
    assert len(notices) == 4 and all(
        "Thay đổi thời gian họp" in c.text or "rescheduled" in c.text for c in notices
    )
    transport.clear()
    (confirm,) = messages(await bot.send(secretariat, "/meeting 1 cancel"))
    with Session(engine) as session:
        assert session.get(Meeting, 1).state == MeetingState.PLANNED  # type: ignore[union-attr]
    assert texts(await bot.press(secretariat, confirm, "mx:1:y")) == ["Đã hủy cuộc họp #1."]
    await bot.settle()
    cancelled = [
        c for c in transport.calls if c.method == "sendMessage" and "<b>Hủy cuộc họp</b>" in c.text
    ]
    assert len(cancelled) == 3  # the three Vietnamese speakers; no RSVP buttons on them
    assert all(not any(d.startswith("rsvp:") for _, d in c.buttons()) for c in cancelled)
    assert "đã kết thúc hoặc đã hủy" in texts(await bot.send(secretariat, "/meeting 1 cancel"))[0]


async def test_conclusions_become_tasks_in_one_step(
    bot: OfflineBot, engine: Engine, factory: Factory, people: dict[str, FakeUser]
) -> None:
    factory.agency("BKHDT")
    secretariat = people["secretariat"]
    await create(bot, secretariat)
    await bot.settle()  # the invitations are out (they no longer wait behind the replies)
    (concluded,) = messages(
        await bot.send(
            secretariat,
            "/meeting 1 conclude BKHDT | Hoàn thiện quy hoạch vùng | cuối tháng 12 năm 2023; "
            "Các tỉnh chủ động rà soát dự án",
        )
    )
    assert "2. Các tỉnh chủ động rà soát dự án" in concluded.text
    assert [label for label, _ in concluded.buttons()] == [
        "Giao nhiệm vụ từ kết luận 1",
        "Giao nhiệm vụ từ kết luận 2",
    ]
    (preview,) = messages(await bot.press(secretariat, concluded, concluded.buttons()[0][1]))
    assert "Xác nhận giao nhiệm vụ" in preview.text and "Hoàn thiện quy hoạch vùng" in preview.text
    await bot.press(secretariat, preview, preview.buttons()[0][1])
    with Session(engine) as session:
        task = session.exec(select(Task)).one()
        meeting = session.get(Meeting, 1)
    assert task.title == "Hoàn thiện quy hoạch vùng" and task.due_text == "cuối tháng 12 năm 2023"
    assert meeting is not None and meeting.state == MeetingState.CONCLUDED
    (step,) = messages(await bot.press(secretariat, concluded, concluded.buttons()[1][1]))
    assert "Bước 1/3" in step.text  # a free-text conclusion asks for the agencies first


async def test_imported_meetings_appear_with_their_periods(
    bot: OfflineBot, engine: Engine, clock: ManualClock, factory: Factory
) -> None:
    load_example_registry(engine, clock)
    import_source(engine, clock, LETTER_6411.read_text(encoding="utf-8"))
    member = factory.user(Role.MEMBER, council=factory.council("DBSH"))
    (text,) = texts(await bot.send(member, "/meetings"))
    assert "Đầu tháng 12 năm 2023 (chưa ấn định ngày: 01/12/2023 – 10/12/2023)" in text
    assert "Đầu quý IV năm 2023" not in text  # October is over on 20 November
    (english,) = texts(
        await bot.send(
            factory.user(Role.MEMBER, council=factory.council("DBSH"), language="en"), "/meetings"
        )
    )
    assert "(date not fixed yet: 01/12/2023 – 10/12/2023)" in english


async def test_a_meeting_called_for_a_period_gets_its_calendar_file_once_dated(
    bot: OfflineBot, transport: FakeTelegram, people: dict[str, FakeUser]
) -> None:
    secretariat = people["secretariat"]
    command = (
        "/meeting new DBSH | Họp quý | đầu quý I năm 2024 | https://meet.example/q1 | Kế hoạch"
    )
    (preview,) = messages(await bot.send(secretariat, command))
    assert "đầu quý I năm 2024 — đọc là " in preview.text
    await bot.press(secretariat, preview, preview.buttons()[0][1])
    await bot.settle()
    invited = invitations(transport)
    assert {call.chat_id for call in invited} == {user.id for user in people.values()}
    assert "chưa ấn định ngày: 01/01/2024 – 31/01/2024" in invited[0].text
    assert [c for c in transport.calls if c.method == "sendDocument"] == []  # no time, no .ics
    (listed,) = texts(await bot.send(people["a"], "/meetings"))
    assert "đầu quý I năm 2024 (chưa ấn định ngày: 01/01/2024 – 31/01/2024)" in listed

    transport.clear()
    await bot.send(secretariat, "/meeting 1 reschedule 9h ngày 10/1/2024")
    await bot.settle()
    files = [c for c in transport.calls if c.method == "sendDocument" and c.ok]
    assert {c.chat_id for c in files} == {user.id for user in people.values()}
    (event,) = Calendar.from_ical(next(iter(files[0].files.values()))[1]).walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2024, 1, 10, 9, 0, tzinfo=HANOI)


async def test_both_imported_meetings_appear_with_their_periods_before_they_pass(
    bot: OfflineBot, engine: Engine, clock: ManualClock, factory: Factory
) -> None:
    clock.set(datetime(2023, 9, 25, 9, 0, tzinfo=HANOI))
    load_example_registry(engine, clock)
    import_source(engine, clock, LETTER_6411.read_text(encoding="utf-8"))
    member = factory.user(Role.MEMBER, council=factory.council("DBSH"))
    (text,) = texts(await bot.send(member, "/meetings"))
    assert "Đầu quý IV năm 2023 (chưa ấn định ngày: 01/10/2023 – 31/10/2023)" in text
    assert "Đầu tháng 12 năm 2023 (chưa ấn định ngày: 01/12/2023 – 10/12/2023)" in text


async def test_usage_and_permissions(bot: OfflineBot, people: dict[str, FakeUser]) -> None:
    assert texts(await bot.send(people["secretariat"], "/meeting"))[0].startswith("Cách dùng:")
    assert texts(await bot.send(people["secretariat"], "/meeting new DBSH | chỉ tên"))[
        0
    ].startswith("Cách dùng:")
    bad_time = texts(await bot.send(people["secretariat"], "/meeting new DBSH | Họp | quý V | x"))
    assert bad_time[0].startswith("Không đọc được thời hạn “quý V”")
    assert texts(await bot.send(people["a"], NEW)) == [
        "Anh/chị không có quyền thực hiện thao tác này."
    ]
    assert texts(await bot.send(people["a"], "/meetings")) == ["Không có cuộc họp nào sắp tới."]


async def test_the_day_before_the_leaders_get_the_agenda_tasks(
    bot: OfflineBot,
    engine: Engine,
    clock: ManualClock,
    factory: Factory,
    transport: FakeTelegram,
    people: dict[str, FakeUser],
) -> None:
    from db.models import Task, TaskCouncil

    with Session(engine, expire_on_commit=False) as session:
        task = Task(
            lead_agency_id=factory.agency("BKHDT").id or 0,
            title="Quy hoạch vùng",
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        session.add(task)
        session.flush()
        session.add(TaskCouncil(task_id=task.id or 0, council_id=1))
        session.commit()
    command = NEW.replace(
        "Quy hoạch vùng; Kế hoạch năm 2024", f"#{task.id} Quy hoạch vùng; Kế hoạch"
    )
    (preview,) = messages(await bot.send(people["secretariat"], command))
    await bot.press(people["secretariat"], preview, preview.buttons()[0][1])
    await bot.settle()
    await bot.dispatch()  # nothing due yet but the meeting's own notice went out already
    transport.clear()
    clock.set(datetime(2023, 12, 4, 14, 0, tzinfo=HANOI))  # one day before 14:00 on 5/12
    sent = [c for c in await bot.dispatch() if c.method == "sendMessage" and c.ok]
    digests = [c for c in sent if "Chuẩn bị họp #1" in c.text]
    assert {c.chat_id for c in digests} == {people["secretariat"].id, people["chair"].id}
    assert f"1. Quy hoạch vùng (nhiệm vụ #{task.id}: Không có hạn)" in digests[0].text
    assert "2. Kế hoạch" in digests[0].text
    reminders = [c for c in sent if c not in digests]
    assert {c.chat_id for c in reminders} == {user.id for user in people.values()}
