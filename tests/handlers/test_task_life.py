"""The whole life of a task through the real Application: assigned, updated by reply, obstacle,
extension requested and approved, completion reported and confirmed — with the category the
status model gives at each step, in Vietnamese and in English."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.offline.driver import FakeUser, OfflineBot, answers, texts
from bot.offline.fake_telegram import RecordedCall
from db.models import AuditLog, ProgressUpdate, Reminder, Role, Task, TaskState
from schedules.clock import ManualClock
from tests.factories import Factory

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def only_message(calls: list[RecordedCall]) -> RecordedCall:
    messages = [c for c in calls if c.method in ("sendMessage", "editMessageText") and c.ok]
    assert len(messages) == 1, [call.text for call in messages]
    return messages[0]


def button(call: RecordedCall, label: str) -> str:
    for text, data in call.buttons():
        if text == label:
            return data
    raise AssertionError(f"no button {label!r} in {call.buttons()}")


def the_task(engine: Engine) -> Task:
    with Session(engine) as session:
        return session.exec(select(Task)).one()


def notices(engine: Engine, kind: str) -> list[Reminder]:
    with Session(engine) as session:
        return list(
            session.exec(select(Reminder).where(Reminder.kind == kind).order_by(col(Reminder.id)))
        )


@pytest.fixture
def people(factory: Factory) -> dict[str, FakeUser]:
    council = factory.council()
    mpi = factory.agency("BKHDT", "Bộ Kế hoạch và Đầu tư")
    mof = factory.agency("BTC", "Bộ Tài chính")
    return {
        "secretariat": factory.user(Role.SECRETARIAT, council=council, name="Thư ký Lan"),
        "mpi": factory.user(Role.FOCAL_POINT, council=council, agency=mpi, name="Đầu mối Minh"),
        "mof": factory.user(Role.FOCAL_POINT, council=council, agency=mof, name="Đầu mối Hà"),
        "mpi_en": factory.user(
            Role.FOCAL_POINT, council=council, agency=mpi, language="en", name="Focal John"
        ),
        "member": factory.user(Role.MEMBER, council=council, name="Thành viên Bình"),
    }


async def english_status(bot: OfflineBot, user: FakeUser, task_id: int | None) -> str:
    """The task's details as an English-speaking focal point of the lead agency reads them."""
    return texts(await bot.send(user, f"/status {task_id}"))[0]


async def assign_task(bot: OfflineBot, secretariat: FakeUser, line: str) -> RecordedCall:
    preview = only_message(await bot.send(secretariat, f"/assign {line}"))
    confirmed = await bot.press(secretariat, preview, button(preview, "Xác nhận"))
    return only_message(confirmed)


async def test_the_whole_life_of_a_task(
    bot: OfflineBot, engine: Engine, clock: ManualClock, people: dict[str, FakeUser]
) -> None:
    secretariat, mpi, mof = people["secretariat"], people["mpi"], people["mof"]

    # Assigned: the deadline is echoed as read before anything is stored.
    preview = only_message(
        await bot.send(
            secretariat,
            "/assign BKHDT, BTC | Báo cáo về việc thành lập quỹ đầu tư | cuối tháng 12 năm 2023",
        )
    )
    assert "Xác nhận giao nhiệm vụ" in preview.text
    assert "cuối tháng 12 năm 2023 — đọc là " in preview.text
    assert "31/12/2023" in preview.text
    with Session(engine) as session:
        assert session.exec(select(Task)).all() == []  # nothing before the confirmation
    done = only_message(await bot.press(secretariat, preview, button(preview, "Xác nhận")))
    task = the_task(engine)
    assert done.text == (
        f"✅ Đã giao nhiệm vụ #{task.id} cho BKHDT. Đầu mối của cơ quan sẽ được thông báo."
    )
    assert task.due_text == "cuối tháng 12 năm 2023"
    assert task.original_deadline == task.approved_deadline
    assert {n.recipient_id for n in notices(engine, "notice_assigned")}.__len__() == 3
    status = texts(await bot.send(mpi, f"/status {task.id}"))[0]
    assert "Đang thực hiện – trong hạn" in status
    assert "Chủ trì: Bộ Kế hoạch và Đầu tư (BKHDT)" in status
    assert "Phối hợp: Bộ Tài chính (BTC)" in status
    english = people["mpi_en"]
    assert "Status: In progress – on time" in await english_status(bot, english, task.id)

    # The agencies are told, with the task's buttons; a reply to that notice is an update.
    told = {call.chat_id: call for call in await bot.dispatch() if call.method == "sendMessage"}
    assert set(told) == {mpi.id, mof.id, people["mpi_en"].id}
    assert told[mpi.id].text.startswith("📌 <b>Nhiệm vụ mới được giao</b>")
    assert told[people["mpi_en"].id].text.startswith("📌 <b>New task assigned</b>")
    reply = only_message(await bot.send(mpi, "20% Đã họp tổ soạn thảo", reply_to=told[mpi.id]))
    assert reply.text.endswith("Đang thực hiện – trong hạn, 20%.")

    # Reminded 14 days before the deadline; the reply to the reminder is an update too.
    clock.set(datetime(2023, 12, 15, 8, 31, tzinfo=HANOI))
    reminders = [call for call in await bot.dispatch() if call.method == "sendMessage"]
    assert {call.chat_id for call in reminders} == {mpi.id, people["mpi_en"].id}
    reminder = next(call for call in reminders if call.chat_id == mpi.id)
    assert "BKHDT" in reminder.text and "gửi muộn" not in reminder.text
    assert "còn 16 ngày" in reminder.text  # Sunday's reminder came on the Friday before
    assert [label for label, _ in reminder.buttons()] == ["🔁 Nhắc lại sau"]
    reminder_en = next(call for call in reminders if call.chat_id == english.id)
    assert "16 days until the deadline" in reminder_en.text
    assert [label for label, _ in reminder_en.buttons()] == ["🔁 Remind me later"]
    reply = only_message(await bot.send(mpi, "40% Đã lấy ý kiến các Bộ", reply_to=reminder))
    assert reply.text == (
        f"✅ Đã ghi nhận cập nhật cho nhiệm vụ #{task.id}. Tình trạng: "
        "Đang thực hiện – trong hạn, 40%."
    )
    assert the_task(engine).percent == 40
    calls = await bot.send(mpi, "/tasks")
    card = next(call for call in calls if call.buttons())
    assert [label for label, _ in card.buttons()] == [
        "Cập nhật tiến độ",
        "Báo hoàn thành",
        "Báo vướng mắc",
        "Đề xuất gia hạn",
    ]

    # Eleven days later the deadline is close: due soon.
    clock.set(datetime(2023, 12, 26, 9, 0, tzinfo=HANOI))
    assert "Sắp đến hạn" in texts(await bot.send(mpi, f"/status {task.id}"))[0]
    assert "Status: Due soon" in await english_status(bot, english, task.id)

    # An obstacle, reported with the button and a short conversation.
    prompt = only_message(await bot.press(mpi, card, button(card, "Báo vướng mắc")))
    assert "nêu vướng mắc" in prompt.text
    saved = only_message(await bot.send(mpi, "Chưa có ý kiến của Bộ Tài chính"))
    assert saved.text == (f"✅ Đã chuyển vướng mắc của nhiệm vụ #{task.id} tới Văn phòng Hội đồng.")
    assert "Có vướng mắc" in texts(await bot.send(secretariat, f"/status {task.id}"))[0]
    assert "Status: Due soon, 40% · ⚠️ Obstacle reported" in await english_status(
        bot, english, task.id
    )
    assert len(notices(engine, "notice_report")) == 1

    # A co-operating agency may report progress but not completion or an extension: its card
    # has no such buttons, and an older card's (or a notice's) says who reports instead.
    co_card = next(call for call in await bot.send(mof, "/tasks") if call.buttons())
    assert [label for label, _ in co_card.buttons()] == ["Cập nhật tiến độ", "Báo vướng mắc"]
    for action in ("d", "x"):
        refused = await bot.press(mof, co_card, f"tk:{task.id}:{action}")
        assert answers(refused) == [
            f"Chỉ cơ quan chủ trì nhiệm vụ #{task.id} mới báo hoàn thành hoặc đề xuất gia hạn; "
            "cơ quan phối hợp có thể cập nhật tiến độ hoặc báo vướng mắc."
        ]
    assert the_task(engine).state == "open"

    # The deadline passes: overdue.
    clock.advance(timedelta(days=10))
    assert "Quá hạn" in texts(await bot.send(mpi, f"/status {task.id}"))[0]
    assert "Status: Overdue" in await english_status(bot, english, task.id)

    # Extension requested and approved: both deadlines are kept and shown.
    only_message(await bot.press(mpi, card, button(card, "Đề xuất gia hạn")))
    saved = only_message(await bot.send(mpi, "cuối tháng 1 năm 2024 | chờ ý kiến Bộ Tài chính"))
    assert saved.text == (
        f"✅ Đã gửi đề xuất gia hạn nhiệm vụ #{task.id} đến 31/01/2024; chờ Văn phòng xem xét."
    )
    with Session(engine) as session:
        request = session.exec(
            select(ProgressUpdate).where(ProgressUpdate.kind == "extension_request")
        ).one()
    decision = await bot.press(secretariat, card, f"rq:{request.id}:y")
    assert f"Đã duyệt gia hạn nhiệm vụ #{task.id} đến 31/01/2024." in texts(decision)[0]
    details = texts(await bot.send(mpi, f"/status {task.id}"))[0]
    assert "đã gia hạn đến 31/01/2024" in details
    assert "31/12/2023" in details
    assert "Tình trạng: Đang thực hiện – trong hạn" in details
    details_en = await english_status(bot, english, task.id)
    assert "; extended to 31/01/2024" in details_en
    assert "Status: In progress – on time" in details_en
    task = the_task(engine)
    assert task.original_deadline is not None and task.approved_deadline is not None
    assert task.approved_deadline > task.original_deadline

    # Completion reported: awaiting confirmation.
    only_message(await bot.press(mpi, card, button(card, "Báo hoàn thành")))
    saved = only_message(await bot.send(mpi, "Đã trình Thủ tướng tại Tờ trình số 123"))
    assert "Văn phòng sẽ xác nhận" in saved.text
    assert "Chờ xác nhận" in texts(await bot.send(secretariat, f"/status {task.id}"))[0]
    assert "Status: Awaiting confirmation" in await english_status(bot, english, task.id)

    # The secretariat is told, with the buttons that decide; confirmed: done on time against
    # the approved (extended) deadline.
    to_secretariat = [
        c for c in await bot.dispatch() if c.method == "sendMessage" and c.chat_id == secretariat.id
    ]
    notice = next(c for c in to_secretariat if "Báo cáo hoàn thành nhiệm vụ" in c.text)
    assert [label for label, _ in notice.buttons()] == ["Xác nhận hoàn thành", "Chưa đạt"]
    confirmed = await bot.press(secretariat, notice, notice.buttons()[0][1])
    assert texts(confirmed) == [
        f"✅ Đã xác nhận hoàn thành nhiệm vụ #{task.id}: Hoàn thành đúng hạn."
    ]
    assert the_task(engine).state == TaskState.DONE
    assert "Tình trạng: Hoàn thành đúng hạn" in texts(await bot.send(mpi, f"/status {task.id}"))[0]
    assert "Status: Done on time" in await english_status(bot, english, task.id)
    decisions = notices(engine, "notice_decision")
    assert len(decisions) == 4  # extension approved and completion confirmed, to two MPI focals

    with Session(engine) as session:
        actions = session.exec(
            select(AuditLog.action).where(AuditLog.entity == "task").order_by(col(AuditLog.id))
        ).all()
    assert actions == [
        "task.create",
        "task.progress",
        "task.progress",
        "task.obstacle",
        "task.extension_request",
        "task.extension_request.approved",
        "task.completion",
        "task.confirm",
    ]
    history = texts(await bot.send(mpi, f"/history {task.id}"))[0]
    assert "Thư ký Lan: xác nhận hoàn thành" in history
    assert "Thư ký Lan: duyệt gia hạn" in history


async def test_a_completion_and_an_extension_can_be_rejected(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    secretariat, mpi = people["secretariat"], people["mpi"]
    await assign_task(bot, secretariat, "BKHDT | Kế hoạch | cuối tháng 12 năm 2023")
    task = the_task(engine)
    card = next(call for call in await bot.send(mpi, "/tasks") if call.buttons())

    only_message(await bot.press(mpi, card, button(card, "Đề xuất gia hạn")))
    only_message(await bot.send(mpi, "cuối tháng 1 năm 2024 | chờ ý kiến"))
    with Session(engine) as session:
        request = session.exec(
            select(ProgressUpdate).where(ProgressUpdate.kind == "extension_request")
        ).one()
    refused = await bot.press(secretariat, card, f"rq:{request.id}:n")
    assert texts(refused) == [f"Đã từ chối đề xuất gia hạn nhiệm vụ #{task.id}."]
    assert the_task(engine).approved_deadline == task.original_deadline
    assert "đã gia hạn" not in texts(await bot.send(mpi, f"/status {task.id}"))[0]

    only_message(await bot.press(mpi, card, button(card, "Báo hoàn thành")))
    only_message(await bot.send(mpi, "Đã trình"))
    sent_back = await bot.press(secretariat, card, f"cf:{task.id}:n")
    assert texts(sent_back) == [f"Nhiệm vụ #{task.id} được chuyển lại trạng thái đang thực hiện."]
    assert the_task(engine).state == TaskState.OPEN
    details = texts(await bot.send(mpi, f"/status {task.id}"))[0]
    assert "Tình trạng: Đang thực hiện – trong hạn" in details
    history = texts(await bot.send(people["mpi_en"], f"/history {task.id}"))[0]
    assert "Thư ký Lan: extension rejected" in history
    assert "Thư ký Lan: completion sent back" in history
    # Both decisions reach the lead agency's two focal points.
    assert len(notices(engine, "notice_decision")) == 4


async def test_texts_in_english(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    await assign_task(
        bot, people["secretariat"], "BKHDT | Kế hoạch hoạt động | trong quý IV năm 2023"
    )
    task = the_task(engine)
    english = people["mpi_en"]
    status = texts(await bot.send(english, f"/status {task.id}"))[0]
    assert "Status: In progress – on time" in status
    assert "Lead: " in status and "Deadline: trong quý IV năm 2023 — read as " in status
    card = next(call for call in await bot.send(english, "/tasks") if call.buttons())
    assert next(label for label, _ in card.buttons()) == "Report progress"
    reply = only_message(await bot.send(english, "50% drafted", reply_to=card))
    assert reply.text.startswith(f"✅ Update recorded for task #{task.id}. Status: ")
    assert reply.text.endswith(", 50%.")


async def test_update_command_and_percent(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    await assign_task(bot, people["secretariat"], "BKHDT | Kế hoạch | không")
    task = the_task(engine)
    assert task.original_deadline is None
    saved = only_message(await bot.send(people["mpi"], f"/update {task.id} 70% Đã hoàn thiện"))
    assert "Không có hạn, 70%" in saved.text
    for bad in ("/update", "/update abc text", f"/update {task.id}"):
        assert "Cách dùng: /update" in texts(await bot.send(people["mpi"], bad))[0]
    refused = texts(await bot.send(people["mpi"], f"/update {task.id} 150% quá"))
    assert refused == ["Tỷ lệ hoàn thành phải từ 0% đến 100%."]


async def test_update_from_the_wrong_agency_is_refused(
    bot: OfflineBot, engine: Engine, factory: Factory, people: dict[str, FakeUser]
) -> None:
    await assign_task(bot, people["secretariat"], "BKHDT | Kế hoạch | tháng 12/2023")
    task = the_task(engine)
    other = factory.user(Role.FOCAL_POINT, agency=factory.agency("BYT", "Bộ Y tế"))
    assert texts(await bot.send(other, f"/update {task.id} Xong")) == [
        "Nhiệm vụ này không do cơ quan của anh/chị chủ trì hoặc phối hợp thực hiện."
    ]
    forged = await bot.press(other, only_message(await bot.send(other, "/help")), f"tk:{task.id}:d")
    assert answers(forged) == [
        "Nhiệm vụ này không do cơ quan của anh/chị chủ trì hoặc phối hợp thực hiện."
    ]
    with Session(engine) as session:
        assert session.exec(select(ProgressUpdate)).all() == []


async def test_reply_to_an_unrelated_message_is_not_attached(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    await assign_task(bot, people["secretariat"], "BKHDT | Kế hoạch | tháng 12/2023")
    help_message = only_message(await bot.send(people["mpi"], "/help"))
    answer = only_message(await bot.send(people["mpi"], "Đã xong 50%", reply_to=help_message))
    assert "không gắn với nhiệm vụ nào" in answer.text
    with Session(engine) as session:
        assert session.exec(select(ProgressUpdate)).all() == []


async def test_reply_in_the_council_group(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    await assign_task(bot, people["secretariat"], "BKHDT | Kế hoạch | tháng 12/2023")
    group = -100500
    card = next(
        call for call in await bot.send(people["mpi"], "/tasks", chat_id=group) if call.buttons()
    )
    assert card.chat_id == group
    saved = only_message(
        await bot.send(people["mpi"], "Đã gửi dự thảo", chat_id=group, reply_to=card)
    )
    assert saved.chat_id == group and "Đã ghi nhận cập nhật" in saved.text


async def test_a_button_in_the_council_group_asks_for_a_reply(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    """In a group the bot sees only replies to it (privacy mode): the prompt says so, and a
    reply to the prompt is taken."""
    await assign_task(bot, people["secretariat"], "BKHDT | Kế hoạch | tháng 12/2023")
    group = -100500
    card = next(
        call for call in await bot.send(people["mpi"], "/tasks", chat_id=group) if call.buttons()
    )
    progress = dict(card.buttons())["Cập nhật tiến độ"]
    prompt = only_message(await bot.press(people["mpi"], card, progress))
    assert prompt.text.endswith("↩️ Trong nhóm, vui lòng trả lời (Reply) tin nhắn này.")
    saved = only_message(
        await bot.send(people["mpi"], "40% đã có dự thảo", chat_id=group, reply_to=prompt)
    )
    assert "Đã ghi nhận cập nhật" in saved.text
    private_card = next(call for call in await bot.send(people["mpi"], "/tasks") if call.buttons())
    private_prompt = only_message(await bot.press(people["mpi"], private_card, progress))
    assert "Reply" not in private_prompt.text


async def test_attachment_is_kept(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    await assign_task(bot, people["secretariat"], "BKHDT | Kế hoạch | tháng 12/2023")
    card = next(call for call in await bot.send(people["mpi"], "/tasks") if call.buttons())
    await bot.send(people["mpi"], "Báo cáo kèm theo", reply_to=card, document=("FILE-1", "bc.pdf"))
    await bot.send(people["mpi"], "", reply_to=card, photo="PHOTO-1")
    with Session(engine) as session:
        kept = session.exec(select(ProgressUpdate).order_by(col(ProgressUpdate.id))).all()
    assert [(u.attachment_file_id, u.attachment_kind) for u in kept] == [
        ("FILE-1", "document"),
        ("PHOTO-1", "photo"),
    ]
    details = texts(await bot.send(people["mpi"], f"/status {kept[0].task_id}"))[0]
    assert details.count("📎 tệp đính kèm") == 2
    history = texts(await bot.send(people["mpi"], f"/history {kept[0].task_id}"))[0]
    assert "tệp đính kèm: (trống) → 📎 ảnh" in history
    assert "tệp đính kèm: (trống) → 📎 tài liệu" in history
    english = texts(await bot.send(people["mpi_en"], f"/history {kept[0].task_id}"))[0]
    assert "attachment: (none) → 📎 photo" in english


async def test_conversation_can_be_cancelled(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    await assign_task(bot, people["secretariat"], "BKHDT | Kế hoạch | tháng 12/2023")
    card = next(call for call in await bot.send(people["mpi"], "/tasks") if call.buttons())
    prompt = only_message(await bot.press(people["mpi"], card, button(card, "Báo vướng mắc")))
    assert texts(await bot.press(people["mpi"], prompt, "in:x")) == ["Đã hủy."]
    hint = only_message(await bot.send(people["mpi"], "vướng mắc gì đó"))
    assert "Gõ /help" in hint.text
    with Session(engine) as session:
        assert session.exec(select(ProgressUpdate)).all() == []


async def test_guided_assignment(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    secretariat = people["secretariat"]
    step1 = only_message(await bot.send(secretariat, "/assign"))
    assert "Bước 1/3" in step1.text
    assert "Không có cơ quan mã XYZ" in only_message(await bot.send(secretariat, "XYZ")).text
    assert "Bước 2/3" in only_message(await bot.send(secretariat, "BKHDT, BTC")).text
    assert "Bước 3/3" in only_message(await bot.send(secretariat, "Xây dựng quy chế")).text
    refused = only_message(await bot.send(secretariat, "quý V năm 2023"))
    assert "Không đọc được thời hạn" in refused.text
    preview = only_message(await bot.send(secretariat, "quý IV năm 2023"))
    assert "01/10/2023" in preview.text and "31/12/2023" in preview.text
    cancelled = await bot.press(secretariat, preview, button(preview, "Hủy"))
    assert texts(cancelled) == ["Đã hủy."]
    with Session(engine) as session:
        assert session.exec(select(Task)).all() == []


async def test_assign_usage_and_unknown_agency(
    bot: OfflineBot, people: dict[str, FakeUser]
) -> None:
    secretariat = people["secretariat"]
    assert "Cách dùng: /assign" in texts(await bot.send(secretariat, "/assign BKHDT | thiếu"))[0]
    assert texts(await bot.send(secretariat, "/assign XYZ | Việc | tháng 12/2023")) == [
        "Không có cơ quan mã XYZ. Dùng mã viết tắt, ví dụ BKHDT, BTC."
    ]


async def test_edit_and_cancel(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    secretariat = people["secretariat"]
    await assign_task(bot, secretariat, "BKHDT | Kế hoạch | tháng 12/2023")
    task = the_task(engine)
    edited = only_message(await bot.send(secretariat, f"/edit {task.id} deadline 15/1/2024"))
    assert "15/01/2024" in edited.text
    assert "Cách dùng: /edit" in texts(await bot.send(secretariat, f"/edit {task.id} colour x"))[0]
    confirm = only_message(await bot.send(secretariat, f"/cancel {task.id}"))
    assert the_task(engine).state == TaskState.OPEN  # not before the confirmation
    assert texts(await bot.press(secretariat, confirm, f"cx:{task.id}:y")) == [
        f"Đã hủy nhiệm vụ #{task.id}."
    ]
    assert the_task(engine).state == TaskState.CANCELLED
    assert "đã kết thúc" in texts(await bot.send(people["mpi"], f"/update {task.id} x"))[0]
    with Session(engine) as session:
        rows = session.exec(
            select(AuditLog).where(AuditLog.entity == "task").order_by(col(AuditLog.id))
        ).all()
    assert [row.action for row in rows] == ["task.create", "task.edit", "task.cancel"]
    _, edit_row, cancel_row = rows
    assert edit_row.actor_label == "Thư ký Lan"
    assert edit_row.before is not None and edit_row.after is not None
    assert edit_row.before["original_deadline"] != edit_row.after["original_deadline"]
    assert cancel_row.before is not None and cancel_row.after is not None
    assert (cancel_row.before["state"], cancel_row.after["state"]) == ("open", "cancelled")


async def test_members_cannot_manage_tasks(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    await assign_task(bot, people["secretariat"], "BKHDT | Kế hoạch | tháng 12/2023")
    task = the_task(engine)
    for command in (f"/cancel {task.id}", f"/edit {task.id} title X", "/assign", "/tasks"):
        refused = texts(await bot.send(people["member"], command))
        assert refused == ["Anh/chị không có quyền thực hiện thao tác này."], command
    help_message = only_message(await bot.send(people["mpi"], "/help"))
    forged = await bot.press(people["mpi"], help_message, f"cf:{task.id}:y")
    assert answers(forged) == ["Anh/chị không có quyền thực hiện thao tác này."]
