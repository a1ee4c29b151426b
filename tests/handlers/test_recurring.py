"""A recurring task through the real Application: assigned with a schedule, then period after
period on time, late, extended, overdue, and cancelled — with its card, its record and its
reminders checked at each step (issue 17)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.offline.driver import FakeUser, OfflineBot, answers, texts
from bot.offline.fake_telegram import RecordedCall
from bot.outbound.reminder_messages import render_digest
from db.models import (
    Council,
    OutboxState,
    ProgressUpdate,
    Reminder,
    Role,
    Task,
    TaskOccurrence,
    TaskState,
)
from db.recurring import current_occurrence, period_records
from db.status import Category
from schedules.clock import ManualClock
from schedules.digest import build_digest
from schedules.reminders import TASK_KINDS, replan_all
from tests.factories import Factory
from tests.handlers.test_task_life import assign_task, button, only_message, the_task

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MONTHLY = "BKHDT | Báo cáo tình hình thực hiện Nghị quyết | hằng tháng, trước ngày 25"


@pytest.fixture
def people(factory: Factory) -> dict[str, FakeUser]:
    council = factory.council()
    mpi = factory.agency("BKHDT", "Bộ Kế hoạch và Đầu tư")
    return {
        "secretariat": factory.user(Role.SECRETARIAT, council=council, name="Thư ký Lan"),
        "mpi": factory.user(Role.FOCAL_POINT, council=council, agency=mpi, name="Đầu mối Minh"),
        "mpi_en": factory.user(
            Role.FOCAL_POINT, council=council, agency=mpi, language="en", name="Focal John"
        ),
    }


def periods(engine: Engine) -> list[tuple[date, str, date]]:
    """(period start, state, deadline in force as a local day) of every stored period."""
    with Session(engine) as session:
        rows = session.exec(
            select(TaskOccurrence).order_by(col(TaskOccurrence.original_deadline))
        ).all()
    return [
        (
            row.period_start,
            row.state,
            (row.approved_deadline or row.original_deadline).astimezone(HANOI).date(),
        )
        for row in rows
    ]


def pending_reminders(engine: Engine) -> list[Reminder]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(Reminder).where(
                    col(Reminder.kind).in_(TASK_KINDS), Reminder.state == OutboxState.PENDING
                )
            )
        )


def reminder_anchors(engine: Engine) -> set[str]:
    """The period deadlines the pending reminders are about ("20231125")."""
    return {row.offset.split("@", 1)[1] for row in pending_reminders(engine)}


async def card_of(bot: OfflineBot, user: FakeUser) -> str:
    calls = await bot.send(user, "/tasks")
    return next(call for call in calls if call.buttons()).text


async def report_done(bot: OfflineBot, user: FakeUser, text: str) -> None:
    card = next(call for call in await bot.send(user, "/tasks") if call.buttons())
    only_message(await bot.press(user, card, button(card, "Báo hoàn thành")))
    saved = only_message(await bot.send(user, text))
    assert "Văn phòng sẽ xác nhận" in saved.text


async def confirm(bot: OfflineBot, secretariat: FakeUser, task_id: int, said: str) -> None:
    notice = only_message(await bot.send(secretariat, f"/status {task_id}"))
    confirmed = await bot.press(secretariat, notice, f"cf:{task_id}:y")
    assert texts(confirmed) == [f"✅ Đã xác nhận hoàn thành nhiệm vụ #{task_id}, kỳ {said}."]


def replan_nightly(bot: OfflineBot) -> None:
    runtime = bot.runtime
    with runtime.session() as session:
        replan_all(session=session, now=runtime.clock.now(), config=runtime.reminders)


async def test_a_monthly_report_lives_through_its_periods(
    bot: OfflineBot, engine: Engine, clock: ManualClock, people: dict[str, FakeUser]
) -> None:
    secretariat, mpi = people["secretariat"], people["mpi"]

    # Assigned with a schedule: echoed as read with the next three deadlines, before storing.
    preview = only_message(await bot.send(secretariat, f"/assign {MONTHLY}"))
    assert (
        "Thời hạn: hằng tháng, trước ngày 25 — đọc là hằng tháng, trước ngày 25; các kỳ tới: "
        "25/11/2023, 25/12/2023, 25/01/2024" in preview.text
    )
    await bot.press(secretariat, preview, button(preview, "Xác nhận"))
    task = the_task(engine)
    assert task.recurrence == {"period": "month", "day": 25}
    assert task.state == TaskState.OPEN
    # Periods are written as far as the reminder horizon (62 days): November and December.
    assert periods(engine) == [
        (date(2023, 11, 1), "open", date(2023, 11, 25)),
        (date(2023, 12, 1), "open", date(2023, 12, 25)),
    ]
    card = await card_of(bot, mpi)
    assert "Kỳ hiện tại: tháng 11/2023, hạn 25/11/2023, Sắp đến hạn · 0/0 kỳ đúng hạn" in card
    english = await card_of(bot, people["mpi_en"])
    assert "Current period: November 2023, due 25/11/2023, Due soon · 0/0 periods on time" in (
        english
    )

    # Each period has its own reminders, anchored on its deadline; re-planning never doubles.
    assert reminder_anchors(engine) == {"20231125", "20231225"}
    before = Counter(row.key for row in pending_reminders(engine))
    replan_nightly(bot)
    replan_nightly(bot)
    after = Counter(row.key for row in pending_reminders(engine))
    assert after == before
    assert max(after.values()) == 1

    # November, on time: reported and confirmed; the task stays open, December is current.
    clock.set(datetime(2023, 11, 24, 10, 0, tzinfo=HANOI))
    await report_done(bot, mpi, "Đã gửi báo cáo tháng 11")
    assert "Chờ xác nhận" in await card_of(bot, mpi)
    assert "20231125" not in reminder_anchors(engine)  # nobody is reminded while it awaits
    assert task.id is not None
    await confirm(bot, secretariat, task.id, "tháng 11/2023: Hoàn thành đúng hạn")
    assert the_task(engine).state == TaskState.OPEN
    assert periods(engine)[0][1] == "done"
    card = await card_of(bot, mpi)
    assert "Kỳ hiện tại: tháng 12/2023, hạn 25/12/2023" in card
    assert "1/1 kỳ đúng hạn" in card
    assert the_task(engine).approved_deadline == datetime(2023, 12, 25, 23, 59, 59, tzinfo=HANOI)

    # December, late: overdue after the 25th, reported on the 28th, confirmed: done late.
    clock.set(datetime(2023, 12, 27, 9, 0, tzinfo=HANOI))
    assert "tháng 12/2023, hạn 25/12/2023, Quá hạn · 0/1" not in await card_of(bot, mpi)
    assert "tháng 12/2023, hạn 25/12/2023, Quá hạn · 1/2 kỳ đúng hạn" in await card_of(bot, mpi)
    replan_nightly(bot)  # the horizon slid: January and February are written
    assert [p[0] for p in periods(engine)][2:] == [date(2024, 1, 1), date(2024, 2, 1)]
    await report_done(bot, mpi, "Đã gửi báo cáo tháng 12")
    await confirm(bot, secretariat, task.id, "tháng 12/2023: Hoàn thành quá hạn")
    assert "Kỳ hiện tại: tháng 1/2024, hạn 25/01/2024" in await card_of(bot, mpi)
    assert "1/2 kỳ đúng hạn" in await card_of(bot, mpi)

    # January, extended for that period only, then done on time against the new deadline.
    january = next(call for call in await bot.send(mpi, "/tasks") if call.buttons())
    only_message(await bot.press(mpi, january, button(january, "Đề xuất gia hạn")))
    only_message(await bot.send(mpi, "31/1/2024 | chờ số liệu quý IV"))
    with Session(engine) as session:
        request = session.exec(
            select(ProgressUpdate).where(ProgressUpdate.kind == "extension_request")
        ).one()
    assert request.occurrence_id is not None
    await bot.press(secretariat, january, f"rq:{request.id}:y")
    assert periods(engine)[2] == (date(2024, 1, 1), "open", date(2024, 1, 31))
    assert periods(engine)[3] == (date(2024, 2, 1), "open", date(2024, 2, 25))  # untouched
    assert "Kỳ hiện tại: tháng 1/2024, hạn 31/01/2024" in await card_of(bot, mpi)
    assert "20240131" in reminder_anchors(engine)
    assert "20240125" not in reminder_anchors(engine)
    clock.set(datetime(2024, 1, 30, 9, 0, tzinfo=HANOI))
    await report_done(bot, mpi, "Đã gửi báo cáo tháng 1")
    await confirm(bot, secretariat, task.id, "tháng 1/2024: Hoàn thành đúng hạn")
    assert "2/3 kỳ đúng hạn" in await card_of(bot, mpi)

    # February passes without a report: overdue, and counted as such.
    clock.set(datetime(2024, 2, 27, 9, 0, tzinfo=HANOI))
    replan_nightly(bot)
    card = await card_of(bot, mpi)
    assert "Kỳ hiện tại: tháng 2/2024, hạn 25/02/2024, Quá hạn · 2/4 kỳ đúng hạn" in card
    # The council overview counts each period once, by category, with the record.
    overview = texts(await bot.send(secretariat, "/status"))[0]
    # Its counts are the chart's: the task's six periods in its place.
    assert "Tình hình thực hiện 6 nhiệm vụ (trong đó 6 kỳ của nhiệm vụ định kỳ)" in overview
    assert (
        "🔁 Việc định kỳ: 1 việc · các kỳ: Quá hạn: 1, Đang thực hiện – trong hạn: 2, "
        "Hoàn thành đúng hạn: 2, Hoàn thành quá hạn: 1 · 2/4 kỳ đúng hạn"
    ) in overview
    # So does the weekly digest.
    with bot.runtime.session() as session:
        council = session.exec(select(Council)).one()
        assert council.id is not None
        digest = build_digest(
            session=session,
            council_id=council.id,
            until=clock.now(),
            now=clock.now(),
            config=bot.runtime.reminders,
        )
    assert digest is not None
    assert (
        "🔁 Việc định kỳ: 1 việc · các kỳ: Quá hạn: 1, Đang thực hiện – trong hạn: 2, "
        "Hoàn thành đúng hạn: 2, Hoàn thành quá hạn: 1 · 2/4 kỳ đúng hạn"
    ) in render_digest(digest, "vi", "Asia/Ho_Chi_Minh")
    assert "(6 nhiệm vụ, trong đó 6 kỳ của nhiệm vụ định kỳ)" in render_digest(
        digest, "vi", "Asia/Ho_Chi_Minh"
    )
    assert dict(digest.counts)[Category.OVERDUE] == 1

    # Cancelled: the periods still ahead end, February stays overdue in the record, and no
    # reminder is left for any period.
    asked = only_message(await bot.send(secretariat, f"/cancel {task.id}"))
    await bot.press(secretariat, asked, f"cx:{task.id}:y")
    states = {start: state for start, state, _ in periods(engine)}
    assert states[date(2024, 2, 1)] == "open"
    assert all(state == "cancelled" for start, state in states.items() if start >= date(2024, 3, 1))
    assert any(start >= date(2024, 3, 1) for start in states)
    assert pending_reminders(engine) == []
    replan_nightly(bot)
    assert pending_reminders(engine) == []
    with Session(engine) as session:
        record = period_records(session=session, task_ids=[task.id], now=clock.now())[task.id]
    assert (record.on_time, record.counted) == (2, 4)
    # The overview still counts February as overdue (the record, as the chart), and says that
    # no open task needs attention: the task is cancelled.
    overview = texts(await bot.send(secretariat, "/status"))[0]
    assert "• Quá hạn: <b>1</b>" in overview
    assert "Không có nhiệm vụ đang thực hiện nào quá hạn hay sắp đến hạn." in overview


async def test_a_period_confirmation_is_taken_once(
    bot: OfflineBot, engine: Engine, clock: ManualClock, people: dict[str, FakeUser]
) -> None:
    secretariat, mpi = people["secretariat"], people["mpi"]
    await assign_task(bot, secretariat, MONTHLY)
    task = the_task(engine)
    assert task.id is not None
    await report_done(bot, mpi, "Đã gửi")
    notice = only_message(await bot.send(secretariat, f"/status {task.id}"))
    await bot.press(secretariat, notice, f"cf:{task.id}:y")
    again = await bot.press(secretariat, notice, f"cf:{task.id}:y")
    assert answers(again) and "xác nhận" not in (texts(again) or [""])[0]
    assert [state for _, state, _ in periods(engine)] == ["done", "open"]
    # The next period has not begun: nothing to report yet.
    card = next(call for call in await bot.send(mpi, "/tasks") if call.buttons())
    only_message(await bot.press(mpi, card, button(card, "Báo hoàn thành")))
    refused = texts(await bot.send(mpi, "Đã gửi tiếp"))
    assert refused and "Văn phòng sẽ xác nhận" not in refused[0]
    assert [state for _, state, _ in periods(engine)] == ["done", "open"]


@pytest.mark.parametrize(
    "phrase",
    [
        "định kỳ",
        "hằng quý, trước ngày 20",
        "hằng tháng, trước ngày 25 họp",
        "hằng\u200btháng, trước ngày 25",
        "<b>hằng tháng</b>",
    ],
)
async def test_an_unclear_schedule_is_refused_with_recurring_examples(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser], phrase: str
) -> None:
    calls = await bot.send(people["secretariat"], f"/assign BKHDT | Báo cáo | {phrase}")
    (answer,) = texts(calls)
    assert "Không đọc được thời hạn" in answer
    if "\u200b" not in phrase:  # an invisible character hides the word: the usual examples
        assert "hằng quý, trước ngày 20 của tháng cuối quý" in answer
    assert "<b>hằng" not in answer  # the user's text is escaped
    with Session(engine) as session:
        assert session.exec(select(Task)).all() == []


async def test_a_one_off_task_has_no_schedule_and_no_periods(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    await assign_task(bot, people["secretariat"], "BKHDT | Kế hoạch | cuối tháng 12 năm 2023")
    task = the_task(engine)
    assert task.recurrence is None
    assert periods(engine) == []
    assert "Kỳ hiện tại" not in await card_of(bot, people["mpi"])


async def test_a_bounded_schedule_starts_in_its_first_year(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    line = "BKHDT | Báo cáo năm | hằng năm, trước ngày 15 tháng 12, giai đoạn 2024–2025"
    await assign_task(bot, people["secretariat"], line)
    assert periods(engine) == [(date(2024, 1, 1), "open", date(2024, 12, 15))]
    assert "Kỳ hiện tại: năm 2024, hạn 15/12/2024" in await card_of(bot, people["mpi"])
    assert pending_reminders(engine) == []  # more than the horizon away
    over = "BKHDT | Báo cáo | hằng năm, giai đoạn 2020–2022"
    calls = await bot.send(people["secretariat"], f"/assign {over}")
    confirm_call = only_message(calls)
    refused = await bot.press(people["secretariat"], confirm_call, button(confirm_call, "Xác nhận"))
    assert any("không còn kỳ nào" in text for text in [*texts(refused), *answers(refused)])
    with Session(engine) as session:
        assert len(session.exec(select(Task)).all()) == 1


async def test_each_reminder_speaks_of_its_own_period(
    bot: OfflineBot, engine: Engine, clock: ManualClock, people: dict[str, FakeUser]
) -> None:
    mpi = people["mpi"]
    await assign_task(bot, people["secretariat"], MONTHLY)
    await bot.dispatch()  # the assignment notices
    # November was never reported; December's deadline is a week away.
    clock.set(datetime(2023, 12, 18, 8, 31, tzinfo=HANOI))
    calls = [c for c in await bot.dispatch() if c.method == "sendMessage" and c.chat_id == mpi.id]
    sent = [call.text for call in calls]
    november = [text for text in sent if "tháng 11/2023" in text]
    december = [text for text in sent if "tháng 12/2023" in text]
    assert november and december, sent
    assert all("25/11/2023" in text and "25/12/2023" not in text for text in november)
    assert all("25/12/2023" in text and "25/11/2023" not in text for text in december)

    # A reply to a reminder is an update about the period that reminder was about.
    for month, text in ((12, "Đang tổng hợp số liệu tháng 12"), (11, "Bổ sung tháng 11")):
        reminder = next(call for call in calls if f"tháng {month}/2023" in call.text)
        only_message(await bot.send(mpi, text, reply_to=reminder))
    with Session(engine) as session:
        about = {
            update.text: session.get(TaskOccurrence, update.occurrence_id)
            for update in session.exec(select(ProgressUpdate))
        }
    assert {text: p.period_start.month for text, p in about.items() if p} == {
        "Đang tổng hợp số liệu tháng 12": 12,
        "Bổ sung tháng 11": 11,
    }


async def test_history_names_the_period_decisions_and_edit_keeps_the_schedule(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    secretariat, mpi = people["secretariat"], people["mpi"]
    await assign_task(bot, secretariat, MONTHLY)
    task = the_task(engine)
    assert task.id is not None
    await report_done(bot, mpi, "Đã gửi")
    await confirm(bot, secretariat, task.id, "tháng 11/2023: Hoàn thành đúng hạn")
    history = texts(await bot.send(mpi, f"/history {task.id}"))[0]
    assert "Thư ký Lan: xác nhận hoàn thành một kỳ" in history
    refused = texts(await bot.send(secretariat, f"/edit {task.id} deadline 31/12/2023"))
    assert refused == [
        f"Việc #{task.id} là việc định kỳ: thời hạn của từng kỳ theo lịch đã giao; "
        "muốn lùi hạn một kỳ, hãy gửi đề nghị gia hạn."
    ]
    assert the_task(engine).recurrence == {"period": "month", "day": 25}


async def test_a_period_reminder_is_listed_with_others_and_a_reply_names_its_period(
    bot: OfflineBot, engine: Engine, clock: ManualClock, people: dict[str, FakeUser]
) -> None:
    """Issue 16 and 17 together: a period's reminder due with other tasks' reminders is a line of
    the one list (its period named); a second period of the same task keeps its own card; a
    reply to the list naming the task is recorded against the period of its line, even when
    another period is the task's current one."""
    mpi, secretariat = people["mpi"], people["secretariat"]
    await assign_task(bot, secretariat, MONTHLY)
    await assign_task(bot, secretariat, "BKHDT | Trình đề án phát triển vùng | 25/12/2023")
    await bot.dispatch()  # the assignment notices
    recurring, one_off = _tasks_by_title(engine, "Báo cáo tình hình", "Trình đề án")

    async def sent_to_mpi(day: int) -> list[RecordedCall]:
        clock.set(datetime(2023, 12, day, 8, 31, tzinfo=HANOI))
        calls = await bot.dispatch()
        return [c for c in calls if c.method == "sendMessage" and c.chat_id == mpi.id]

    # 18/12: November is overdue (never reported); December's period and the one-off task are
    # due in a week. November's line is listed with the one-off task; December keeps its card.
    calls = await sent_to_mpi(18)
    assert len(calls) == 2, [call.text[:60] for call in calls]
    listed, card = calls if calls[0].text.startswith("🔔 <b>2 nhiệm vụ") else calls[::-1]
    assert listed.text.startswith("🔔 <b>2 nhiệm vụ")
    assert f"#{recurring}" in listed.text and f"#{one_off}" in listed.text
    assert "tháng 11/2023" in listed.text and "tháng 12/2023" not in listed.text
    assert "tháng 12/2023" in card.text and "tháng 11/2023" not in card.text
    await sent_to_mpi(21)  # November's overdue reminder alone

    # 22/12: December's period and the one-off task, one list; November is still the current
    # period, yet a reply to the list naming the recurring task is about December.
    calls = await sent_to_mpi(22)
    assert len(calls) == 1 and calls[0].text.startswith("🔔 <b>2 nhiệm vụ")
    assert "tháng 12/2023" in calls[0].text
    only_message(await bot.send(mpi, f"#{recurring} 30% đang tổng hợp", reply_to=calls[0]))
    with Session(engine) as session:
        update = session.exec(
            select(ProgressUpdate).where(ProgressUpdate.task_id == recurring)
        ).one()
        assert update.occurrence_id is not None
        period = session.get(TaskOccurrence, update.occurrence_id)
        current = current_occurrence(session=session, task_id=recurring)
    assert period is not None and period.period_start.month == 12
    assert current is not None and current.period_start.month == 11
    # Not named: "which task?", then the button; the kept reply is about December too.
    asked = only_message(await bot.send(mpi, "Bổ sung số liệu", reply_to=calls[0]))
    chosen = next(data for label, data in asked.buttons() if label == f"#{recurring}")
    await bot.press(mpi, asked, chosen)
    with Session(engine) as session:
        added = session.exec(
            select(ProgressUpdate).where(ProgressUpdate.text == "Bổ sung số liệu")
        ).one()
        assert added.occurrence_id == period.id


def _tasks_by_title(engine: Engine, *starts: str) -> list[int]:
    with Session(engine) as session:
        tasks = session.exec(select(Task)).all()
    return [next(t.id or 0 for t in tasks if t.title.startswith(start)) for start in starts]
