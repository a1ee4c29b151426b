"""A reply's task read with its inbox row and written only if still as read (db/task_ahead.py,
issue 16: the reply in 6 statements). Correctness before the count: a task changed between the
read and the write — by another instance, which this process cannot see coming — is locked and
read again, and the reply is then recorded or refused exactly as without the read-ahead.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from bot.catalogue import t
from bot.offline.driver import FakeUser, OfflineBot, answers
from bot.offline.fake_telegram import RecordedCall
from bot.settings import Settings
from db.engine import make_engine
from db.models import (
    Agency,
    AuditLog,
    Council,
    ProgressUpdate,
    Role,
    Task,
    TaskCoAgency,
    TaskCouncil,
    TaskState,
)
from handlers import tasks as task_handlers
from schedules.clock import ManualClock
from tests.bot.concurrency import Instance
from tests.databases import postgres_url
from tests.factories import Factory
from tests.statements import counted
from tests.task_factories import TaskFactory, vn

# Only the locked path reads the task (db/locked_task.py); written as read, it is not read.
LOCKED_READ = "SELECT task.id"


@dataclass
class World:
    focal: FakeUser
    task: Task
    other_council: Council
    other_agency: Agency
    card: RecordedCall


@pytest.fixture
async def world(bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock) -> World:
    council, agency = factory.council(), factory.agency()
    focal = factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = TaskFactory(engine, clock).task(
        councils=[council], agency=agency, deadline=vn(2023, 12, 15)
    )
    cards = await bot.send(focal, "/tasks")
    card = next(c for c in cards if any(d.startswith("tk:") for _, d in c.buttons()))
    await bot.send(focal, "10% bắt đầu", reply_to=card)
    clock.advance(timedelta(minutes=1))
    return World(
        focal=focal,
        task=task,
        other_council=factory.council("DBSCL", "Đồng bằng sông Cửu Long"),
        other_agency=factory.agency("BTC", "Bộ Tài chính"),
        card=card,
    )


@pytest.fixture
def elsewhere(database_url: str) -> Iterator[Engine]:
    """Another instance's engine: what it commits, this process cannot see coming."""
    other = make_engine(database_url)
    yield other
    other.dispose()


def _between_read_and_write(monkeypatch: pytest.MonkeyPatch, change: Callable[[], None]) -> None:
    """Run ``change`` (committed on its own) after the reply's read-ahead was taken."""
    original = task_handlers.reply_read_ahead

    def read_then_change(*args: Any) -> Any:
        ahead = original(*args)
        assert ahead is not None and ahead.task is not None  # what the write relies on
        change()
        return ahead

    monkeypatch.setattr(task_handlers, "reply_read_ahead", read_then_change)


def _saved(said: list[str], task_id: int, percent: int) -> bool:
    """The answer is the one a recorded update gets, with the percentage it set."""
    start = t("vi", "update_saved", id=task_id, category="|", percent="").split("|")[0]
    return (
        len(said) == 1
        and said[0].startswith(start)
        and t("vi", "task_percent", percent=percent) in said[0]
    )


def _audits(engine: Engine, task_id: int) -> list[AuditLog]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(AuditLog)
                .where(AuditLog.entity == "task", AuditLog.entity_id == task_id)
                .order_by(col(AuditLog.id))
            ).all()
        )


def _updates(engine: Engine, task_id: int) -> list[ProgressUpdate]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(ProgressUpdate)
                .where(ProgressUpdate.task_id == task_id)
                .order_by(col(ProgressUpdate.id))
            ).all()
        )


def _edit(engine: Engine, task_id: int, **values: Any) -> None:
    with Session(engine) as session:
        task = session.get(Task, task_id)
        assert task is not None
        for name, value in values.items():
            setattr(task, name, value)
        session.add(task)
        session.commit()


async def test_an_unchanged_task_is_written_as_read_with_its_audit_row(
    bot: OfflineBot, engine: Engine, world: World
) -> None:
    with counted(engine) as statements:
        said = answers(await bot.send(world.focal, "40% đã trình", reply_to=world.card))
    assert _saved(said, world.task.id or 0, 40)
    assert not [s for s in statements if s.startswith("SELECT")]  # the task was not read again
    audit = _audits(engine, world.task.id or 0)[-1]
    assert audit.before is not None and audit.after is not None
    assert (audit.before["percent"], audit.after["percent"]) == (10, 40)
    assert audit.before["approved_deadline"] == vn(2023, 12, 15).astimezone(UTC).isoformat()
    assert {k: v for k, v in audit.before.items() if k != "percent"} == {
        k: v for k, v in audit.after.items() if k in audit.before and k != "percent"
    }
    assert [u.percent for u in _updates(engine, world.task.id or 0)] == [10, 40]


@pytest.mark.parametrize(
    "change",
    ["another update", "deadline extended", "co-agency added", "text edited"],
)
async def test_a_task_changed_after_the_read_is_locked_read_again_and_updated(
    bot: OfflineBot,
    engine: Engine,
    elsewhere: Engine,
    world: World,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    change: str,
) -> None:
    task_id = world.task.id or 0
    extended = vn(2024, 1, 31)

    def apply() -> None:
        if change == "another update":  # at the same moment: only the percentage differs
            _edit(elsewhere, task_id, percent=55)
        elif change == "deadline extended":
            _edit(elsewhere, task_id, approved_deadline=extended)
        elif change == "text edited":
            _edit(elsewhere, task_id, title="Quy chế phối hợp vùng (sửa)")
        else:  # the scope alone: the task's row is untouched
            with Session(elsewhere) as session:
                session.add(TaskCoAgency(task_id=task_id, agency_id=world.other_agency.id or 0))
                session.commit()

    _between_read_and_write(monkeypatch, apply)
    with counted(engine) as statements:
        said = answers(await bot.send(world.focal, "40% đã trình", reply_to=world.card))
    assert _saved(said, task_id, 40)
    assert sum(s.startswith(LOCKED_READ) for s in statements) == 1  # locked and read again
    assert [u.percent for u in _updates(engine, task_id)] == [10, 40]  # recorded once
    audit = _audits(engine, task_id)[-1]
    assert audit.before is not None and audit.after is not None
    # "before" is the task as the write found it, not as read ahead.
    expected_before = {
        "another update": ("percent", 55),
        "deadline extended": ("approved_deadline", extended.astimezone(UTC).isoformat()),
        "text edited": ("title", "Quy chế phối hợp vùng (sửa)"),
        "co-agency added": ("percent", 10),
    }[change]
    assert audit.before[expected_before[0]] == expected_before[1]
    assert audit.after["percent"] == 40
    with Session(engine) as session:
        stored = session.get(Task, task_id)
        assert stored is not None and stored.percent == 40


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ("cancelled", "task_closed"),
        ("closed", "task_closed"),
        ("another agency leads it", "update_not_your_agency"),
        ("another council follows it", "forbidden"),
    ],
)
async def test_a_task_changed_after_the_read_refuses_the_reply_as_without_the_read(
    bot: OfflineBot,
    engine: Engine,
    elsewhere: Engine,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    change: str,
    refusal: str,
) -> None:
    task_id = world.task.id or 0

    def apply() -> None:
        if change == "cancelled":
            _edit(elsewhere, task_id, state=TaskState.CANCELLED)
        elif change == "closed":
            _edit(elsewhere, task_id, state=TaskState.DONE)
        elif change == "another agency leads it":
            _edit(elsewhere, task_id, lead_agency_id=world.other_agency.id)
        else:  # the scope alone: the task's row is untouched
            with Session(elsewhere) as session:
                session.execute(delete(TaskCouncil).where(col(TaskCouncil.task_id) == task_id))
                session.add(TaskCouncil(task_id=task_id, council_id=world.other_council.id or 0))
                session.commit()

    audits = len(_audits(engine, task_id))
    _between_read_and_write(monkeypatch, apply)
    said = answers(await bot.send(world.focal, "40% đã trình", reply_to=world.card))
    params = {"task_id": task_id} if refusal == "task_closed" else {}
    assert said == [t("vi", refusal, **params)]
    assert [u.percent for u in _updates(engine, task_id)] == [10]  # nothing recorded
    assert len(_audits(engine, task_id)) == audits


async def test_a_refusal_read_ahead_is_decided_on_the_task_as_it_is_now(
    bot: OfflineBot,
    engine: Engine,
    elsewhere: Engine,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Read ahead as cancelled, reopened before the write: the reply is recorded (what was read
    ahead never refuses on its own)."""
    task_id = world.task.id or 0
    _edit(elsewhere, task_id, state=TaskState.CANCELLED)
    _between_read_and_write(monkeypatch, lambda: _edit(elsewhere, task_id, state=TaskState.OPEN))
    await bot.send(world.focal, "40% đã trình", reply_to=world.card)
    assert [u.percent for u in _updates(engine, task_id)] == [10, 40]


# --- two instances on one PostgreSQL database ------------------------------------------------

ROUNDS = 6


@pytest.fixture
async def pair(
    settings: Settings, database_url: str, clock: ManualClock
) -> AsyncIterator[tuple[Instance, Instance]]:
    instances = (Instance(settings, database_url, clock), Instance(settings, database_url, clock))
    for instance in instances:
        await instance.start()
    yield instances
    for instance in instances:
        await instance.stop()


@pytest.mark.skipif(not postgres_url(), reason="needs PostgreSQL (COUNCILBOT_TEST_DATABASE_URL)")
async def test_two_replies_on_two_instances_read_alike_and_both_are_recorded_once(
    pair: tuple[Instance, Instance],
    engine: Engine,
    factory: Factory,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both instances read the task ahead before either writes (a barrier holds each after its
    read): one writes as read, the other finds the row changed, locks it and reads it again.
    Every reply is recorded once, the task follows the newest, and each audit row's "before"
    is the previous one's "after"."""
    council, agency = factory.council(), factory.agency()
    focals = [factory.user(Role.FOCAL_POINT, council=council, agency=agency) for _ in range(2)]
    task = TaskFactory(engine, clock).task(
        councils=[council], agency=agency, deadline=vn(2023, 12, 29)
    )
    task_id = task.id or 0
    left, right = pair
    cards = []
    for instance, focal in zip(pair, focals, strict=True):
        calls = await instance.run(instance.bot.send(focal, "/tasks"))
        cards.append(next(c for c in calls if any(d.startswith("tk:") for _, d in c.buttons())))
    barrier = threading.Barrier(2, timeout=20)
    original = task_handlers.reply_read_ahead

    def read_then_wait(*args: Any) -> Any:
        ahead = original(*args)
        barrier.wait()  # each instance's loop runs in its own thread
        return ahead

    monkeypatch.setattr(task_handlers, "reply_read_ahead", read_then_wait)
    for round_ in range(ROUNDS):
        percents = (10 + round_, 50 + round_)
        with counted(left.engine) as on_left, counted(right.engine) as on_right:
            said = await asyncio.gather(
                *(
                    instance.run(instance.bot.send(focal, f"{percent}% tiếp", reply_to=card))
                    for instance, focal, card, percent in zip(
                        pair, focals, cards, percents, strict=True
                    )
                )
            )
        assert all(answers(calls) for calls in said)
        assert sum(s.startswith(LOCKED_READ) for s in [*on_left, *on_right]) == 1  # one of the two
        clock.advance(timedelta(minutes=1))
    updates = _updates(engine, task_id)
    assert len(updates) == ROUNDS * 2
    audits = _audits(engine, task_id)
    assert len(audits) == ROUNDS * 2
    assert [a.after["update_id"] for a in audits if a.after] == [u.id for u in updates]
    for previous, current in itertools.pairwise(audits):
        assert previous.after is not None and current.before is not None
        assert current.before == {k: previous.after[k] for k in current.before}
    with Session(engine) as session:
        stored = session.get(Task, task_id)
        assert stored is not None and stored.percent == updates[-1].percent
