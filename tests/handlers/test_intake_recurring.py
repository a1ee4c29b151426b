"""A letter with recurring duties sent to the bot (issue 17): the preview shows each schedule as
read with its next three deadlines, a schedule can be typed as a task's deadline, and
confirming stores the periods exactly as /assign does."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.offline.driver import FakeUser, OfflineBot, texts
from db.models import Meeting, Role, Task, TaskOccurrence
from schedules.clock import ManualClock
from tests.conftest import ADMIN_ID
from tests.directives import load_example_registry
from tests.factories import Factory
from tests.handlers.test_intake import button, card
from tests.handlers.test_task_life import assign_task
from tests.intake_helpers import CORPUS

ADMIN = FakeUser(ADMIN_ID, "Nguyễn Thị Lan")
LETTER = (CORPUS / "vpcp-chedo-baocao-2023-mau.txt").read_text(encoding="utf-8")
QUARTERLY = "hằng quý, trước ngày 20 của tháng cuối quý"


@pytest.fixture(autouse=True)
def registry(engine: Engine, clock: ManualClock) -> None:
    load_example_registry(engine, clock)


def periods(engine: Engine, task_id: int | None) -> list[tuple[str, str, str, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(TaskOccurrence)
            .where(TaskOccurrence.task_id == task_id)
            .order_by(col(TaskOccurrence.original_deadline))
        ).all()
    return [
        (row.kind, str(row.period_start), str(row.period_end), row.original_deadline.isoformat())
        for row in rows
    ]


async def test_a_letter_with_recurring_duties_previewed_fixed_and_imported(
    bot: OfflineBot, engine: Engine, factory: Factory
) -> None:
    calls = await bot.send(ADMIN, "/import " + LETTER)
    preview = texts(calls)[-1]
    assert (
        f"1. <b>1</b> · BKHDT · — · 🔁 {QUARTERLY}; các kỳ tới: 20/12/2023, 20/03/2024, "
        "20/06/2024" in preview
    )
    assert (
        "2. <b>2.1</b> · BTC · — · 🔁 hằng năm, trước ngày 15/12, từ năm 2021 đến năm 2025; "
        "các kỳ tới: 15/12/2023, 15/12/2024, 15/12/2025" in preview
    )
    assert (
        "4. <b>3</b> · BTC · BKHDT · 🔁 6 tháng và hằng năm, hạn là ngày cuối kỳ; các kỳ tới: "
        "31/12/2023, 30/06/2024, 31/12/2024" in preview
    )
    # "báo cáo định kỳ" without a period: no deadline, and a warning on that task.
    assert "5. <b>4</b> · BTTTT · — · không có hạn" in preview
    assert "• Mục 4: «định kỳ về việc xây»: nhiệm vụ định kỳ nhưng không rõ kỳ" in preview
    # Clause 2's years are over by now: nothing hides it before the import.
    assert "Mục 2.1" not in preview  # (2021–2025 still has periods on 20/11/2023)
    assert "6. <b>5</b> · BKHDT · — · trong quý I năm 2024 (đọc là" in preview

    # The secretariat types the schedule the letter left unsaid.
    proposal = calls
    for typed in ("hằng quý, trước ngày 20", QUARTERLY):
        menu = await bot.press(ADMIN, card(proposal), button(card(proposal), "✏️ 5"))
        await bot.press(ADMIN, card(menu), button(card(menu), "Thời hạn"))
        calls = await bot.send(ADMIN, typed)
        if typed != QUARTERLY:  # which month of the quarter? refused, with examples
            assert "Không đọc được lịch định kỳ «hằng quý, trước ngày 20»" in texts(calls)[-1]
    fixed = texts(calls)[-1]
    assert f"5. <b>4</b> · BTTTT · — · 🔁 {QUARTERLY}; các kỳ tới: 20/12/2023" in fixed
    assert "không rõ kỳ" not in fixed

    done = await bot.press(ADMIN, card(calls), button(card(calls), "Nhập"))
    report = texts(done)[-1]
    assert report.startswith("<b>Đã nhập văn bản 9170/VPCP-KTTH ngày 15/11/2023</b>")
    assert f"{QUARTERLY}; các kỳ tới: 20/12/2023, 20/03/2024, 20/06/2024" in report
    with Session(engine) as session:
        tasks = {task.clause: task for task in session.exec(select(Task))}
    assert tasks["1"].recurrence == {"period": "quarter", "day": 20, "month": 3}
    assert tasks["3"].recurrence == {"period": "half_and_year"}
    assert tasks["5"].recurrence is None
    assert periods(engine, tasks["3"].id) == [
        ("year", "2023-01-01", "2023-12-31", "2023-12-31T16:59:59+00:00")
    ]

    # The same duty assigned with /assign is stored the same way: schedule, text, periods.
    secretariat = factory.user(Role.SECRETARIAT, council=factory.council("DBSH"))
    await assign_task(bot, secretariat, f"BKHDT | Tổng hợp tình hình hoạt động | {QUARTERLY}")
    with Session(engine) as session:
        assigned = session.exec(select(Task).where(col(Task.directive_id).is_(None))).one()
    assert (assigned.recurrence, assigned.due_text) == (tasks["1"].recurrence, tasks["1"].due_text)
    assert periods(engine, assigned.id) == periods(engine, tasks["1"].id)
    assert periods(engine, tasks["1"].id) == [
        ("quarter", "2023-10-01", "2023-12-31", "2023-12-20T16:59:59+00:00")
    ]


async def test_an_english_preview_reads_the_schedule_in_english(bot: OfflineBot) -> None:
    english = FakeUser(ADMIN_ID, "Lan", language_code="en")
    calls = await bot.send(english, "/import " + LETTER)
    assert (
        "1. <b>1</b> · BKHDT · — · 🔁 quarterly, by the 20th of the last month of the quarter; "
        "next: 20/12/2023, 20/03/2024, 20/06/2024" in texts(calls)[-1]
    )


async def test_edit_makes_a_one_off_task_recurring_once(
    bot: OfflineBot, engine: Engine, factory: Factory
) -> None:
    secretariat = factory.user(Role.SECRETARIAT, council=factory.council("DBSH"))
    await assign_task(bot, secretariat, "BKHDT | Tổng hợp tình hình | trước ngày 30/11/2023")
    with Session(engine) as session:
        task = session.exec(select(Task)).one()
    calls = await bot.send(secretariat, f"/edit {task.id} han {QUARTERLY}")
    assert f"✅ Đã sửa nhiệm vụ #{task.id}" in texts(calls)[-1]
    with Session(engine) as session:
        edited = session.get(Task, task.id)
        assert edited is not None
        assert (edited.recurrence, edited.due_text) == (
            {"period": "quarter", "day": 20, "month": 3},
            QUARTERLY,
        )
    assert periods(engine, task.id) == [
        ("quarter", "2023-10-01", "2023-12-31", "2023-12-20T16:59:59+00:00")
    ]
    # A schedule is never changed afterwards (periods may be reported): refused, nothing moves.
    for value in ("hằng tháng, trước ngày 25", "trước ngày 30/12/2023"):
        calls = await bot.send(secretariat, f"/edit {task.id} han {value}")
        assert f"Việc #{task.id} là việc định kỳ" in texts(calls)[-1]
    assert len(periods(engine, task.id)) == 1
    # An unreadable schedule is answered with the recurring examples.
    calls = await bot.send(secretariat, f"/edit {task.id} han hằng quý, trước ngày 20")
    assert "hằng quý, trước ngày 20 của tháng cuối quý" in texts(calls)[-1]


MEETINGS_LETTER = (CORPUS / "vpcp-chedo-hop-2023-mau.txt").read_text(encoding="utf-8")


async def test_a_pasted_letter_with_a_recurring_meeting_is_stored_as_the_duty_of_keeping_it(
    bot: OfflineBot, engine: Engine
) -> None:
    calls = await bot.send(ADMIN, "/import")
    calls = await bot.send(ADMIN, MEETINGS_LETTER)
    preview = texts(calls)[-1]
    # The councils' six-monthly meeting, led by the standing agency the letter names.
    assert (
        "2. <b>2</b> · BKHDT · — · 🔁 định kỳ 6 tháng, hạn là ngày cuối kỳ; các kỳ tới: "
        "31/12/2023, 30/06/2024, 31/12/2024" in preview
    )
    # The yearly conference by 20 December, convened by the Ministry of Finance.
    assert (
        "3. <b>3</b> · BTC · — · 🔁 hằng năm, trước ngày 20/12; các kỳ tới: 20/12/2023, "
        "20/12/2024, 20/12/2025" in preview
    )
    assert "• Mục 4: «định kỳ để cho ý»: nhiệm vụ định kỳ nhưng không rõ kỳ" in preview
    # "báo cáo 6 tháng (trước ngày 15 tháng 6) và báo cáo năm (trước ngày 15 tháng 12)".
    assert "5. <b>5</b> · BTC · — · 🔁 6 tháng và hằng năm, trước ngày 15" in preview
    assert "<b>1 cuộc họp</b>" in preview and "<b>7</b> · Họp kiểm điểm" in preview

    # The duty without a period is dropped; the rest is imported.
    calls = await bot.press(ADMIN, card(calls), button(card(calls), "✏️ 4"))
    calls = await bot.press(ADMIN, card(calls), button(card(calls), "🗑 Bỏ"))
    done = await bot.press(ADMIN, card(calls), button(card(calls), "Nhập"))
    report = texts(done)[-1]
    assert report.startswith("<b>Đã nhập văn bản 9320/VPCP-KTTH ngày 22/11/2023</b>")
    assert "định kỳ 6 tháng, hạn là ngày cuối kỳ; các kỳ tới: 31/12/2023" in report
    with Session(engine) as session:
        tasks = {str(task.clause): task for task in session.exec(select(Task))}
        meetings = session.exec(select(Meeting)).all()
    assert sorted(tasks) == ["1", "2", "3", "5", "6", "8"]
    meeting = tasks["2"]
    assert meeting.title.startswith("Cuộc họp định kỳ của Hội đồng: Các Hội đồng điều phối vùng")
    assert (meeting.recurrence, meeting.due_text) == ({"period": "half"}, "định kỳ 6 tháng")
    assert periods(engine, meeting.id) == [
        ("half", "2023-07-01", "2023-12-31", "2023-12-31T16:59:59+00:00")
    ]
    assert tasks["3"].recurrence == {"period": "year", "day": 20, "month": 12}
    assert periods(engine, tasks["3"].id) == [
        ("year", "2023-01-01", "2023-12-31", "2023-12-20T16:59:59+00:00")
    ]
    # The one-off meeting is a meeting, as before.
    assert {m.clause for m in meetings} == {"7"}  # held by each council the letter concerns


async def test_a_recurring_meeting_nobody_convenes_waits_for_its_lead(
    bot: OfflineBot, engine: Engine
) -> None:
    letter = MEETINGS_LETTER.replace(
        " (cơ quan thường trực các Hội đồng điều phối vùng)", ""
    ).replace("Bộ Tài chính triệu tập và chuẩn bị", "chuẩn bị")
    calls = await bot.send(ADMIN, "/import " + letter)
    preview = texts(calls)[-1]
    assert "2. <b>2</b> · ? ⚠ · — · 🔁 định kỳ 6 tháng" in preview
    assert "• Mục 2: Chưa rõ cơ quan chủ trì" in preview
    refused = await bot.press(ADMIN, card(calls), button(card(calls), "Nhập"))
    assert "mục 2: chưa có cơ quan chủ trì" in texts(refused)[-1]
    assert "«—»" not in texts(refused)[-1]
    with Session(engine) as session:
        assert session.exec(select(Task)).all() == []

    menu = await bot.press(ADMIN, card(calls), button(card(calls), "✏️ 2"))
    await bot.press(ADMIN, card(menu), button(card(menu), "Chủ trì"))
    calls = await bot.send(ADMIN, "BKHDT")
    fixed = texts(calls)[-1]
    assert "2. <b>2</b> · BKHDT · — · 🔁 định kỳ 6 tháng" in fixed
    assert "Mục 2: Chưa rõ cơ quan chủ trì" not in fixed
