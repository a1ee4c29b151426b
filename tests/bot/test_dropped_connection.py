"""No pre-ping on PostgreSQL (issue 16: a ``SELECT 1`` round trip per pool checkout saved). A
connection the server dropped (a restart, an idle timeout, ``pg_terminate_backend`` here) fails
its first statement, and the work is done again once on a new connection: the update is stored
or handled again — recorded once, answered once, never an apology — and what is written after a
message was sent (the update answered, a reminder marked sent) is written, so nothing is sent
twice. (db/engine.py: is_dropped_connection, transaction_retried_once; bot/inbox.receive;
UpdateScope.retry_once.)
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import Session, col, select

from bot.catalogue import t
from bot.offline.driver import FakeUser, OfflineBot, texts
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from db.engine import make_engine
from db.models import AuditLog, Delivery, InboxUpdate, OutboxState, ProgressUpdate, Reminder, Role
from schedules.clock import ManualClock
from tests.databases import postgres_url
from tests.factories import Factory
from tests.handlers.test_broadcasts import NOTICE, members, notice_sends, send_broadcast
from tests.task_factories import TaskFactory, vn

pytestmark = pytest.mark.skipif(
    not postgres_url(), reason="needs PostgreSQL (CI sets COUNCILBOT_TEST_DATABASE_URL)"
)


@pytest.fixture
def server(database_url: str) -> Iterator[Engine]:
    """A connection of the server's own, to end the bot's."""
    admin = make_engine(database_url, isolation_level="AUTOCOMMIT")
    yield admin
    admin.dispose()


def _end_other_sessions(server: Engine) -> int:
    with server.connect() as connection:
        return len(
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
        )


@contextmanager
def dropped_at(
    engine: Engine, server: Engine, starts: tuple[str, ...], times: int
) -> Iterator[list[str]]:
    """The server ends the connection just before a statement starting with one of ``starts``
    runs on it, the first ``times`` times; yields the statements it ended."""
    ended: list[str] = []

    def end_it(_conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if len(ended) < times and statement.lstrip().startswith(starts):
            ended.append(statement[:40])
            with server.connect() as connection:
                connection.execute(
                    text("SELECT pg_terminate_backend(:pid, 5000)"),
                    {"pid": cursor.connection.info.backend_pid},
                )

    event.listen(engine, "before_cursor_execute", end_it)
    try:
        yield ended
    finally:
        event.remove(engine, "before_cursor_execute", end_it)


async def _focal_with_card(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock
) -> tuple[FakeUser, int, RecordedCall]:
    council, agency = factory.council(), factory.agency()
    focal = factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = TaskFactory(engine, clock).task(
        councils=[council], agency=agency, deadline=vn(2023, 12, 15)
    )
    cards = await bot.send(focal, "/tasks")
    card = next(c for c in cards if any(d.startswith("tk:") for _, d in c.buttons()))
    await bot.send(focal, "10% bắt đầu", reply_to=card)
    clock.advance(timedelta(minutes=1))
    return focal, task.id or 0, card


def _recorded(engine: Engine, task_id: int) -> tuple[list[int | None], int]:
    with Session(engine) as session:
        percents = [
            u.percent
            for u in session.exec(
                select(ProgressUpdate)
                .where(ProgressUpdate.task_id == task_id)
                .order_by(col(ProgressUpdate.id))
            ).all()
        ]
        audits = len(
            session.exec(
                select(AuditLog).where(AuditLog.entity == "task", AuditLog.entity_id == task_id)
            ).all()
        )
    return percents, audits


def _saved_once(calls: list[RecordedCall], task_id: int) -> None:
    said = texts(calls)
    start = t("vi", "update_saved", id=task_id, category="|", percent="").split("|")[0]
    assert len(said) == 1 and said[0].startswith(start), said
    assert t("vi", "error_apology") not in said


def test_the_pool_does_not_ping(engine: Engine) -> None:
    assert engine.pool._pre_ping is False


async def test_an_update_after_the_server_dropped_the_pooled_connections_is_handled_once(
    bot: OfflineBot,
    factory: Factory,
    engine: Engine,
    clock: ManualClock,
    server: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    focal, task_id, card = await _focal_with_card(bot, factory, engine, clock)
    assert _end_other_sessions(server) >= 1  # the bot's idle pooled connections
    caplog.set_level(logging.WARNING)
    _saved_once(await bot.send(focal, "40% đã trình", reply_to=card), task_id)
    assert _recorded(engine, task_id) == ([10, 40], 2)
    assert "storing again" in caplog.text  # its store met the dropped connection
    _saved_once(await bot.send(focal, "60% tiếp", reply_to=card), task_id)  # the pool goes on
    assert _recorded(engine, task_id) == ([10, 40, 60], 3)


async def test_a_connection_lost_while_storing_the_update_stores_it_again_once(
    bot: OfflineBot,
    factory: Factory,
    engine: Engine,
    clock: ManualClock,
    server: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    focal, task_id, card = await _focal_with_card(bot, factory, engine, clock)
    caplog.set_level(logging.WARNING)
    with dropped_at(engine, server, ("INSERT INTO inbox_update",), 1) as ended:
        calls = await bot.send(focal, "40% đã trình", reply_to=card)
    assert len(ended) == 1
    _saved_once(calls, task_id)
    assert _recorded(engine, task_id) == ([10, 40], 2)
    assert "storing again" in caplog.text


async def test_a_connection_lost_before_anything_was_done_handles_the_update_again_once(
    bot: OfflineBot,
    factory: Factory,
    engine: Engine,
    clock: ManualClock,
    server: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    focal, task_id, card = await _focal_with_card(bot, factory, engine, clock)
    caplog.set_level(logging.INFO)
    with dropped_at(engine, server, ("UPDATE task",), 1) as ended:
        calls = await bot.send(focal, "40% đã trình", reply_to=card)
    assert len(ended) == 1
    _saved_once(calls, task_id)
    assert _recorded(engine, task_id) == ([10, 40], 2)
    assert "handling it again" in caplog.text
    assert "outcome=retried:connection_lost" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_connection_lost_twice_is_not_retried_again(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock, server: Engine
) -> None:
    """Lost again in the second handling (which locks and reads the task, its read-ahead
    taken): the update fails as any error does (an apology) and nothing is recorded."""
    focal, task_id, card = await _focal_with_card(bot, factory, engine, clock)
    with dropped_at(engine, server, ("UPDATE task", "SELECT task.id"), 2) as ended:
        calls = await bot.send(focal, "40% đã trình", reply_to=card)
    assert len(ended) == 2
    assert texts(calls) == [t("vi", "error_apology")]
    assert _recorded(engine, task_id) == ([10], 1)


async def test_an_answer_sent_is_marked_even_if_the_connection_is_lost_then(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock, server: Engine
) -> None:
    """The update's row marked answered after its answer went out: tried once more, so the
    recovery has nothing to send again."""
    member = factory.user(Role.MEMBER, council=factory.council())
    with dropped_at(engine, server, ("UPDATE inbox_update SET claimed_by",), 1) as ended:
        calls = await bot.send(member, "/help")
    assert len(ended) == 1 and len(texts(calls)) == 1
    with Session(engine) as session:
        row = session.exec(select(InboxUpdate).order_by(col(InboxUpdate.update_id).desc())).first()
        assert row is not None and row.answered_at is not None and row.claimed_by is None
    clock.advance(timedelta(hours=1))
    assert await bot.recover() == []


async def test_a_reminder_sent_is_marked_even_if_the_connection_is_lost_then(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock, server: Engine
) -> None:
    council, agency = factory.council(), factory.agency()
    focal = factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = TaskFactory(engine, clock).task(councils=[council], agency=agency, deadline=None)
    with Session(engine) as session:
        session.add(
            Reminder(
                key=f"task:{task.id}:task_nudge:once:m0",
                target_kind="task",
                target_id=task.id,
                kind="task_nudge",
                offset="once",
                chat_id=focal.id,
                due_at=clock.now(),
                created_at=clock.now(),
            )
        )
        session.commit()
    with dropped_at(engine, server, ("UPDATE reminder SET state=%(b_state)s",), 1) as ended:
        first = [c for c in await bot.dispatch() if c.method == "sendMessage"]
    assert len(ended) == 1 and len(first) == 1
    with Session(engine) as session:
        reminder = session.exec(select(Reminder)).one()
        assert reminder.state == OutboxState.SENT
    clock.advance(timedelta(hours=1))
    assert [c for c in await bot.dispatch() if c.method == "sendMessage"] == []


async def test_a_broadcast_message_sent_is_marked_even_if_the_connection_is_lost_then(
    bot: OfflineBot, factory: Factory, engine: Engine, server: Engine, transport: FakeTelegram
) -> None:
    members(factory, 3)
    secretariat = factory.user(Role.SECRETARIAT)
    preview = await send_broadcast(bot, secretariat, f"/broadcast {NOTICE}")
    marked = (  # marked sent, not claimed
        "UPDATE delivery SET state=%(state)s::VARCHAR, claimed_by=%(claimed_by)s::VARCHAR,"
        " message_id"
    )
    with dropped_at(engine, server, (marked,), 1) as ended:
        await bot.press(secretariat, preview, preview.buttons()[0][1])
        await bot.settle()
    assert len(ended) == 1
    sent = Counter(call.chat_id for call in notice_sends(transport))
    assert sent and set(sent.values()) == {1}
    with Session(engine) as session:
        assert {d.state for d in session.exec(select(Delivery)).all()} == {OutboxState.SENT}
    await bot.settle()
    assert Counter(call.chat_id for call in notice_sends(transport)) == sent
