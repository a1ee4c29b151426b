"""Statements per update on realistic data (issue 16, part 4): test_statement_budget.py's
tasks have no directive, no co-agency, no update, no period — what the national dataset's
tasks have (bench/bench_updates.py). Here a focal point's /tasks page holds a directive's task
with co-agencies and updates, a recurring task with a period done and one at hand, a task with
an open obstacle, and more tasks than a page (so the "More" message follows the cards); and a
secretary asks for the directive's task with /status <task>.

Counted as in test_statement_budget.py (``before_cursor_execute``, tests/statements.py), the
same on SQLite and PostgreSQL. The cards are checked too: the counts are of these answers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.offline.driver import FakeUser, OfflineBot, texts
from bot.offline.fake_telegram import RecordedCall
from db.models import (
    Directive,
    ProgressUpdate,
    Role,
    Task,
    TaskCoAgency,
    TaskOccurrence,
    TaskState,
    UpdateKind,
)
from db.recurring import sync_task
from schedules.clock import ManualClock
from tests.factories import Factory
from tests.handlers.test_recurring import MONTHLY
from tests.handlers.test_task_life import assign_task
from tests.statements import counted
from tests.task_factories import TaskFactory, member_id, vn

BUDGET = 6
# What each kind runs on this data (docs/reminders.md, "On realistic data"): the card's
# agencies, directive, updates and periods are one statement (db/task_cards.py).
REACHED = {"/status <task>": 5, "/tasks": 6}


def _at(day: int, hour: int = 9) -> datetime:
    return vn(2023, 11, day, hour).astimezone(UTC)


@pytest.fixture
async def scene(bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock) -> dict:
    council = factory.council()
    mpi, mof, moit = (
        factory.agency("BKHDT", "Bộ Kế hoạch và Đầu tư"),
        factory.agency("BTC", "Bộ Tài chính"),
        factory.agency("BCT", "Bộ Công Thương"),
    )
    focal = factory.user(Role.FOCAL_POINT, council=council, agency=mpi, name="Đầu mối Minh")
    secretary = factory.user(Role.SECRETARIAT, council=council, name="Thư ký Lan")
    for who in (secretary, focal):  # first contact (a language, a private chat) is apart
        await bot.send(who, "/help")
    # A recurring task, assigned as the secretariat does: its periods are written (November at
    # hand, December ahead); October's, done on time, gives it a record.
    await assign_task(bot, secretary, MONTHLY)
    with Session(engine, expire_on_commit=False) as session:
        recurring = session.exec(select(Task).where(Task.recurrence.is_not(None))).one()  # type: ignore[union-attr]
        session.add(
            TaskOccurrence(
                task_id=recurring.id or 0,
                kind="month",
                period_start=date(2023, 10, 1),
                period_end=date(2023, 10, 31),
                original_deadline=vn(2023, 10, 25).astimezone(UTC),
                approved_deadline=vn(2023, 10, 25).astimezone(UTC),
                state=TaskState.DONE,
                completion_reported_at=vn(2023, 10, 24).astimezone(UTC),
                completed_at=vn(2023, 10, 26).astimezone(UTC),
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
        sync_task(session=session, task=recurring, now=clock.now())
        session.commit()
    tasks = TaskFactory(engine, clock)
    led = tasks.task(
        councils=[council],
        agency=mpi,
        deadline=vn(2023, 11, 30),
        title="Xây dựng quy chế phối hợp vùng",
        due_text="cuối tháng 11 năm 2023",
    )
    stuck = tasks.task(councils=[council], agency=mpi, deadline=vn(2023, 11, 10), title="Quỹ")
    helped = tasks.task(councils=[council], agency=mof, deadline=vn(2023, 12, 5), title="Vốn")
    later = [
        tasks.task(councils=[council], agency=mpi, deadline=vn(2024, 1, day), title=f"Việc {day}")
        for day in (10, 20, 30)
    ]
    author = member_id(engine, focal)
    with Session(engine, expire_on_commit=False) as session:
        directive = Directive(
            number="6411/VPCP-KTTH", issuer="Văn phòng Chính phủ", created_at=clock.now()
        )
        session.add(directive)
        session.flush()
        for task in (led, stuck):
            row = session.get(Task, task.id)
            assert row is not None
            row.directive_id, row.clause = directive.id, f"{task.id}.a"
        session.add_all(
            [
                TaskCoAgency(task_id=led.id or 0, agency_id=mof.id or 0),
                TaskCoAgency(task_id=led.id or 0, agency_id=moit.id or 0),
                TaskCoAgency(task_id=helped.id or 0, agency_id=mpi.id or 0),
            ]
        )
        session.add_all(
            ProgressUpdate(
                task_id=led.id or 0,
                author_id=author,
                text=f"Đã họp lần {n}",
                percent=10 * n,
                created_at=_at(n + 1),
            )
            for n in range(1, 8)  # seven: the card shows the five newest
        )
        session.add_all(
            [
                ProgressUpdate(
                    task_id=stuck.id or 0,
                    author_id=author,
                    kind=UpdateKind.OBSTACLE,
                    text="Chờ ý kiến Bộ Tài chính",
                    created_at=_at(2),
                ),
                ProgressUpdate(
                    task_id=stuck.id or 0,
                    author_id=author,
                    text="Đã gửi công văn",
                    created_at=_at(3),
                ),
                ProgressUpdate(task_id=helped.id or 0, text="Đang tổng hợp", created_at=_at(4)),
            ]
        )
        session.commit()
    return {
        "focal": focal,
        "secretary": secretary,
        "led": led,
        "stuck": stuck,
        "helped": helped,
        "recurring": recurring,
        "later": later,
    }


async def measure(
    bot: OfflineBot, engine: Engine, who: FakeUser, text: str
) -> tuple[list[str], list[RecordedCall]]:
    with counted(engine) as statements:
        calls = await bot.send(who, text)
    assert texts(calls), f"{text!r} was not answered"
    return statements, calls


def cards_of(calls: list[RecordedCall]) -> dict[int, str]:
    """The task cards among the answers, by the task their buttons name."""
    found = {}
    for call in calls:
        data = [d for _, d in call.buttons() if d.startswith("tk:")]
        if data:
            found[int(data[0].split(":")[1])] = call.text
    return found


async def test_statements_per_update_on_realistic_data(
    bot: OfflineBot, engine: Engine, scene: dict
) -> None:
    led = scene["led"]
    status, shown = await measure(bot, engine, scene["secretary"], f"/status {led.id}")
    (card,) = texts(shown)
    assert "6411/VPCP-KTTH" in card and "Bộ Tài chính (BTC)" in card and "BCT" in card
    assert "Đã họp lần 7" in card and "Đã họp lần 3" in card and "Đã họp lần 2" not in card

    listed, calls = await measure(bot, engine, scene["focal"], "/tasks")
    cards = cards_of(calls)
    # A page of five, by deadline: the obstructed, the recurring, the directive's, the helped
    # one and the first of the later ones; the "More" message follows.
    assert list(cards) == [
        scene["stuck"].id,
        scene["recurring"].id,
        led.id,
        scene["helped"].id,
        scene["later"][0].id,
    ]
    assert any(d.startswith("tkp:") for call in calls for _, d in call.buttons())
    assert "6411/VPCP-KTTH" in cards[led.id] and "Bộ Công Thương (BCT)" in cards[led.id]
    assert "vướng mắc" in cards[scene["stuck"].id].lower()
    assert "tháng 11/2023" in cards[scene["recurring"].id]
    assert "1/1 kỳ đúng hạn" in cards[scene["recurring"].id]

    runs = (("/status <task>", status), ("/tasks", listed))
    reached = {kind: len(run) for kind, run in runs}
    assert reached == REACHED, {"/status <task>": status, "/tasks": listed}
    assert all(count <= BUDGET for count in reached.values())
    # Each card's rows in one statement, the page in another; the cards remembered for replies
    # are one write, with the "More" message's answer recorded in the next.
    # The reads: the page (or the task and its scope), then every card's rows in one; the
    # cards remembered for replies are one write, the "More" message's answer recorded in the
    # next (committed with them before it is sent).
    reads = {kind: [_read(s) for s in run if s.startswith("SELECT")] for kind, run in runs}
    assert reads == {
        "/status <task>": ["task", "task's councils and co-agencies", "cards"],
        "/tasks": ["task", "cards"],
    }
    writes = [_write(s) for s in listed if not s.startswith("SELECT")]
    assert writes == ["store the update", "remember the cards", "record the answer", "answered"]


def _read(statement: str) -> str:
    if "card_keys" in statement:
        return "cards"
    if "task_council" in statement:
        return "task's councils and co-agencies"
    return "task" if statement.startswith("SELECT task.id") else statement


def _write(statement: str) -> str:
    if statement.startswith("INSERT INTO inbox_update"):
        return "store the update"
    if statement.startswith("INSERT INTO sent_message"):
        return "remember the cards"
    # Marked processed with the answer: a CTE on PostgreSQL, an INSERT … WHERE EXISTS on SQLite.
    if statement.startswith(("INSERT INTO inbox_answer", "WITH marked AS")):
        return "record the answer"
    return "answered" if statement.startswith("UPDATE inbox_update SET claimed_by") else statement
