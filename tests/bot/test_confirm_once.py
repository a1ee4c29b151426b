"""Confirm-once under true concurrency: the same button pressed at the same moment on two
instances (two Applications, each in its own thread and loop, on one PostgreSQL database),
round after round. One press acts; the other is told it was already handled, nothing else
happens and nothing is logged as an error. And two focal points updating one task at once
leave the task's percentage equal to its newest update's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from bot.catalogue import t
from bot.offline.driver import FakeUser, answers
from bot.offline.fake_telegram import RecordedCall
from bot.settings import Settings
from db.models import (
    AuditLog,
    Broadcast,
    CouncilRole,
    Delivery,
    Meeting,
    ProgressUpdate,
    Role,
    Task,
    TaskState,
)
from schedules.clock import ManualClock
from tests.bot.concurrency import Instance
from tests.conftest import ADMIN_ID
from tests.databases import postgres_url
from tests.directives import load_example_registry, small_directive
from tests.factories import Factory
from tests.task_factories import TaskFactory, vn

pytestmark = pytest.mark.skipif(
    not postgres_url(), reason="needs PostgreSQL (CI sets COUNCILBOT_TEST_DATABASE_URL)"
)

ROUNDS = 8


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


def _button(calls: list[RecordedCall], prefix: str) -> tuple[RecordedCall, str]:
    """The message among ``calls`` with a button whose data starts with ``prefix``."""
    for call in calls:
        for _label, data in call.buttons():
            if data.startswith(prefix):
                return call, data
    raise AssertionError(f"no {prefix} button in {[c.text for c in calls]}")


async def _both_press(
    pair: tuple[Instance, Instance], user: FakeUser, message: RecordedCall, data: str
) -> list[list[str]]:
    """Both instances receive the same press at the same moment; what each answered."""
    left, right = pair
    results = await asyncio.gather(
        left.run(left.bot.press(user, message, data)),
        right.run(right.bot.press(user, message, data)),
    )
    return [answers(calls) for calls in results]


def _count(engine: Engine, statement: object) -> int:
    with Session(engine) as session:
        return int(session.exec(statement).one())  # type: ignore[call-overload]


def _no_errors(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


def _one_acted_one_refused(said: list[list[str]], done: str, refused: str) -> None:
    flat = [text for texts in said for text in texts]
    assert sum(text.startswith(done) for text in flat) == 1, said
    assert sum(text == refused for text in flat) == 1, said


async def test_assign_confirmed_twice_at_once_creates_one_task(
    pair: tuple[Instance, Instance],
    engine: Engine,
    factory: Factory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    council = factory.council()
    factory.agency()
    factory.agency("BTC", "Bộ Tài chính")
    secretariat = factory.user(Role.SECRETARIAT, council=council)
    left = pair[0]
    caplog.set_level(logging.INFO)
    for round_ in range(1, ROUNDS + 1):
        calls = await left.run(
            left.bot.send(secretariat, "/assign BKHDT, BTC | Báo cáo quý | quý IV năm 2023")
        )
        preview, confirm = _button(calls, "as:")
        said = await _both_press(pair, secretariat, preview, confirm)
        assert _count(engine, select(func.count()).select_from(Task)) == round_, said
        _one_acted_one_refused(said, "✅ Đã giao nhiệm vụ", t("vi", "already_handled"))
    _no_errors(caplog)


async def test_broadcast_sent_twice_at_once_is_delivered_once(
    pair: tuple[Instance, Instance],
    engine: Engine,
    factory: Factory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    council = factory.council()
    secretariat = factory.user(Role.SECRETARIAT, council=council)
    crowd = [factory.user(Role.MEMBER, council=council) for _ in range(5)]
    left = pair[0]
    caplog.set_level(logging.INFO)
    for round_ in range(1, ROUNDS + 1):
        calls = await left.run(left.bot.send(secretariat, f"/broadcast Họp lần {round_}"))
        draft, send = _button(calls, "bc:")
        said = await _both_press(pair, secretariat, draft, send)
        broadcast_id = int(send.split(":")[1])
        deliveries = select(func.count()).where(col(Delivery.broadcast_id) == broadcast_id)
        assert _count(engine, deliveries.select_from(Delivery)) == len(crowd) + 1, said
        _one_acted_one_refused(said, "Đang gửi thông báo", t("vi", "broadcast_already_sent"))
    with Session(engine) as session:
        assert {b.state for b in session.exec(select(Broadcast))} <= {"sending", "done"}
    _no_errors(caplog)


async def test_cancel_and_decisions_pressed_twice_at_once_act_once(
    pair: tuple[Instance, Instance],
    engine: Engine,
    factory: Factory,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    council = factory.council()
    agency = factory.agency()
    secretariat = factory.user(Role.SECRETARIAT, council=council)
    factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    tasks = TaskFactory(engine, clock)
    left = pair[0]
    caplog.set_level(logging.INFO)
    for _ in range(ROUNDS):
        task = tasks.task(councils=[council], agency=agency, deadline=vn(2023, 12, 29))
        calls = await left.run(left.bot.send(secretariat, f"/cancel {task.id}"))
        message, data = _button(calls, f"cx:{task.id}:y")
        said = await _both_press(pair, secretariat, message, data)
        cancels = select(func.count()).where(
            col(AuditLog.action) == "task.cancel", col(AuditLog.entity_id) == task.id
        )
        assert _count(engine, cancels.select_from(AuditLog)) == 1, said
        _one_acted_one_refused(said, "Đã hủy nhiệm vụ", t("vi", "already_handled"))
    _no_errors(caplog)


async def test_completion_extension_and_revoke_pressed_twice_at_once_act_once(
    pair: tuple[Instance, Instance],
    engine: Engine,
    factory: Factory,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    council = factory.council()
    agency = factory.agency()
    secretariat = factory.user(Role.SECRETARIAT, council=council)
    focal = factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    tasks = TaskFactory(engine, clock)
    left = pair[0]
    caplog.set_level(logging.INFO)
    for _ in range(ROUNDS):
        task = tasks.task(councils=[council], agency=agency, deadline=vn(2023, 12, 29))
        calls = await left.run(left.bot.send(focal, "/tasks"))
        card, done = _button(calls, f"tk:{task.id}:d")
        await left.run(left.bot.press(focal, card, done))
        await left.run(left.bot.send(focal, "Đã xong, gửi kèm báo cáo"))
        with Session(engine) as session:
            assert session.get(Task, task.id).state == TaskState.REPORTED_DONE  # type: ignore[union-attr]
        said = await _both_press(pair, secretariat, card, f"cf:{task.id}:y")
        confirms = select(func.count()).where(
            col(AuditLog.action) == "task.confirm", col(AuditLog.entity_id) == task.id
        )
        assert _count(engine, confirms.select_from(AuditLog)) == 1, said
        _one_acted_one_refused(said, "✅", t("vi", "already_handled"))

        # An extension request approved twice at once: one decision.
        other = tasks.task(councils=[council], agency=agency, deadline=vn(2023, 12, 29))
        calls = await left.run(left.bot.send(focal, "/tasks"))
        card, ask = _button(calls, f"tk:{other.id}:x")
        await left.run(left.bot.press(focal, card, ask))
        await left.run(left.bot.send(focal, "31/01/2024 | Chờ ý kiến các Bộ"))
        with Session(engine) as session:
            request = session.exec(
                select(ProgressUpdate).where(ProgressUpdate.task_id == other.id)
            ).one()
        said = await _both_press(pair, secretariat, card, f"rq:{request.id}:y")
        decided = select(func.count()).where(
            col(AuditLog.action) == "task.extension_request.approved",
            col(AuditLog.entity_id) == other.id,
        )
        assert _count(engine, decided.select_from(AuditLog)) == 1, said
        _one_acted_one_refused(said, "✅", t("vi", "request_already_decided"))

        # A role revoked twice at once: one revocation.
        member = factory.user(Role.MEMBER, council=council)
        calls = await left.run(left.bot.send(secretariat, f"/revoke {member.id}"))
        message, data = _button(calls, "rvk:")
        data = data if data.endswith(":ok") else data.rsplit(":", 1)[0] + ":ok"
        said = await _both_press(pair, secretariat, message, data)
        role_id = int(data.split(":")[1])
        revoked = select(func.count()).where(
            col(AuditLog.action) == "role.revoke", col(AuditLog.entity_id) == role_id
        )
        assert _count(engine, revoked.select_from(AuditLog)) == 1, said
        assert _count(engine, select(func.count()).where(col(CouncilRole.id) == role_id)) == 0
        _one_acted_one_refused(said, "Đã thu hồi vai trò", t("vi", "rvk_role_gone"))
    _no_errors(caplog)


async def test_meeting_confirmed_or_cancelled_twice_at_once_acts_once(
    pair: tuple[Instance, Instance],
    engine: Engine,
    factory: Factory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    council = factory.council()
    secretariat = factory.user(Role.SECRETARIAT, council=council)
    left = pair[0]
    caplog.set_level(logging.INFO)
    for round_ in range(1, ROUNDS + 1):
        calls = await left.run(
            left.bot.send(secretariat, "/meeting new DBSH | Họp quý | 05/12/2023 14:00 | Phòng 1")
        )
        preview, confirm = _button(calls, "mt:")
        said = await _both_press(pair, secretariat, preview, confirm)
        assert _count(engine, select(func.count()).select_from(Meeting)) == round_, said
        _one_acted_one_refused(said, "✅ Đã tạo cuộc họp", t("vi", "already_handled"))

        with Session(engine) as session:
            meeting_id = session.exec(select(func.max(Meeting.id))).one()
        calls = await left.run(left.bot.send(secretariat, f"/meeting {meeting_id} cancel"))
        message, data = _button(calls, f"mx:{meeting_id}:y")
        said = await _both_press(pair, secretariat, message, data)
        cancels = select(func.count()).where(
            col(AuditLog.action) == "meeting.cancel", col(AuditLog.entity_id) == meeting_id
        )
        assert _count(engine, cancels.select_from(AuditLog)) == 1, said
        notices = select(func.count()).where(col(Broadcast.meeting_id) == meeting_id)
        assert _count(engine, notices.select_from(Broadcast)) == 2, said  # created, cancelled
    _no_errors(caplog)


async def test_two_updates_at_once_leave_the_newest_percentage(
    pair: tuple[Instance, Instance],
    engine: Engine,
    factory: Factory,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    council = factory.council()
    agency = factory.agency()
    focals = [factory.user(Role.FOCAL_POINT, council=council, agency=agency) for _ in range(2)]
    tasks = TaskFactory(engine, clock)
    left, right = pair
    caplog.set_level(logging.INFO)
    for _ in range(ROUNDS * 2):
        task = tasks.task(councils=[council], agency=agency, deadline=vn(2023, 12, 29))
        await asyncio.gather(
            left.run(left.bot.send(focals[0], f"/update {task.id} 30% Đang làm")),
            right.run(right.bot.send(focals[1], f"/update {task.id} 70% Gần xong")),
        )
        with Session(engine) as session:
            newest = session.exec(
                select(ProgressUpdate)
                .where(ProgressUpdate.task_id == task.id)
                .order_by(col(ProgressUpdate.created_at).desc(), col(ProgressUpdate.id).desc())
            ).first()
            stored = session.get(Task, task.id)
            assert newest is not None and stored is not None
            assert stored.percent == newest.percent
    _no_errors(caplog)


async def test_an_import_confirmed_twice_at_once_imports_once(
    pair: tuple[Instance, Instance],
    engine: Engine,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    load_example_registry(engine, clock)
    admin = FakeUser(ADMIN_ID, "Nguyễn Thị Lan")
    left = pair[0]
    caplog.set_level(logging.INFO)
    for round_ in range(1, ROUNDS + 1):
        source = small_directive().replace('number = "15/TEST"', f'number = "{round_}/TEST"')
        file_id = f"file-{round_}"
        left.transport.add_file(file_id, source.encode(), "vanban.toml")
        calls = await left.run(left.bot.send(admin, "/import", document=(file_id, "vb.toml")))
        preview, confirm = _button(calls, "imp:")
        assert confirm.endswith(":ok")
        said = await _both_press(pair, admin, preview, confirm)
        assert _count(engine, select(func.count()).select_from(Task)) == round_, said
        flat = [text for texts in said for text in texts]
        assert flat.count(t("vi", "imp_pending_gone")) == 1, said
    _no_errors(caplog)
