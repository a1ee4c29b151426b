"""Every change made through the bot or the CLI leaves an audit row, in the same transaction."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.offline.driver import FakeUser, OfflineBot, texts
from db.audit import record_many
from db.models import AuditLog, Member, Role
from schedules.clock import ManualClock
from tests.conftest import ADMIN_ID
from tests.directives import (
    fingerprint,
    import_source,
    load_example_registry,
    small_directive,
)
from tests.factories import Factory

ADMIN = FakeUser(ADMIN_ID, "Nguyễn Thị Lan")


def audit(engine: Engine) -> list[AuditLog]:
    with Session(engine) as session:
        return list(session.exec(select(AuditLog).order_by(col(AuditLog.id))))


async def import_in_telegram(bot: OfflineBot, user: FakeUser, source: str) -> None:
    file_id = f"f{len(bot.transport.calls)}"
    bot.transport.add_file(file_id, source.encode(), "vanban.toml")
    calls = await bot.send(user, "/import", document=(file_id, "vanban.toml"))
    question = next(call for call in calls if call.buttons())
    await bot.press(user, question, question.buttons()[0][1])


async def test_each_kind_of_change_is_audited_with_who_when_what_before_and_after(
    bot: OfflineBot, engine: Engine, clock: ManualClock
) -> None:
    load_example_registry(engine, clock)
    await bot.send(ADMIN, "/help")
    first, start = len(audit(engine)), clock.now()
    await import_in_telegram(bot, ADMIN, small_directive("DBSH"))
    await import_in_telegram(
        bot, ADMIN, small_directive("DBSH").replace('lead = "BKHDT"', 'lead = "BTC"')
    )
    (invitation,) = texts(await bot.send(ADMIN, "/invite DBSH dau-moi BTC"))
    code = invitation.split("?start=")[1].split()[0]
    await bot.send(FakeUser(41, "Phạm Văn Hải"), f"/start {code}")
    with Session(engine) as session:
        hai = session.exec(select(Member).where(Member.telegram_user_id == 41)).one()
    calls = await bot.send(ADMIN, f"/revoke #{hai.id}")
    question = next(call for call in calls if call.buttons())
    await bot.press(ADMIN, question, question.buttons()[0][1])

    rows = audit(engine)[first:]
    assert [row.action for row in rows] == [
        "directive.create",
        "task.create",
        "meeting.create",
        "directive.import",
        "task.edit",
        "directive.import",
        "invitation.create",
        "invitation.use",
        "role.grant",
        "role.revoke",
    ]
    with Session(engine) as session:
        admin = session.exec(select(Member).where(Member.telegram_user_id == ADMIN_ID)).one()
    by_admin = [row for row in rows if row.action not in ("invitation.use", "role.grant")]
    assert {(row.actor_id, row.actor_label) for row in by_admin} == {(admin.id, "Nguyễn Thị Lan")}
    assert {(row.actor_id, row.actor_label) for row in rows} - {(admin.id, "Nguyễn Thị Lan")} == {
        (hai.id, "Phạm Văn Hải")
    }
    # The injected clock's time (it moves when answers to one chat are paced about 1 a second).
    assert all(start <= row.at <= clock.now() for row in rows)
    edit = rows[4]
    assert edit.before is not None and edit.after is not None
    assert edit.before["lead_agency_id"] != edit.after["lead_agency_id"]
    assert rows[1].before is None and rows[1].after is not None  # a creation: after only
    assert rows[-1].before is not None and rows[-1].after is None  # a removal: before only


def test_the_cli_is_the_actor_of_its_imports(engine: Engine, clock: ManualClock) -> None:
    load_example_registry(engine, clock)
    import_source(engine, clock, small_directive())
    rows = [row for row in audit(engine) if row.entity in ("directive", "task", "meeting")]
    assert rows and {(row.actor_id, row.actor_label) for row in rows} == {(None, "cli")}


class AuditFailure(Exception):
    pass


def failing_record(action: str, writer: Any = None) -> Any:
    """db.audit.record (or ``writer``, e.g. record_many) that fails for ``action``: the change
    must not be stored without it."""
    from db.audit import record

    write = writer or record

    def wrapped(**kwargs: Any) -> Any:
        if kwargs["action"] == action:
            raise AuditFailure(action)
        return write(**kwargs)

    return wrapped


@pytest.mark.parametrize(
    ("module", "action"),
    [
        ("db.imports", "task.create"),
        ("db.imports", "directive.import"),
    ],
)
def test_an_import_is_not_stored_without_its_audit_rows(
    engine: Engine, clock: ManualClock, monkeypatch: pytest.MonkeyPatch, module: str, action: str
) -> None:
    load_example_registry(engine, clock)
    before = fingerprint(engine)
    monkeypatch.setattr(f"{module}.record", failing_record(action))
    monkeypatch.setattr(f"{module}.record_many", failing_record(action, record_many))
    with pytest.raises(AuditFailure):
        import_source(engine, clock, small_directive())
    assert fingerprint(engine) == before


@pytest.mark.parametrize(
    ("module", "action", "command"),
    [
        ("db.invitations", "invitation.create", "/invite DBSH thanh-vien"),
        ("db.roles", "role.revoke", "revoke"),
        ("db.invitations", "role.grant", "join"),
    ],
)
async def test_a_change_in_telegram_is_not_stored_without_its_audit_row(
    bot: OfflineBot,
    factory: Factory,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    module: str,
    action: str,
    command: str,
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    victim = factory.user(Role.MEMBER)
    (link,) = texts(await bot.send(secretariat, "/invite DBSH chu-tich"))
    code = link.split("?start=")[1].split()[0]
    question = next(c for c in await bot.send(secretariat, f"/revoke {victim.id}") if c.buttons())
    await bot.send(FakeUser(42, "Khách"), "/help")
    before = fingerprint(engine)
    monkeypatch.setattr(f"{module}.record", failing_record(action))
    if command == "revoke":
        await bot.press(secretariat, question, question.buttons()[0][1])
    elif command == "join":
        await bot.send(FakeUser(42, "Khách"), f"/start {code}")
    else:
        await bot.send(secretariat, command)
    assert any(isinstance(r.exc_info[1], AuditFailure) for r in caplog.records if r.exc_info)
    assert fingerprint(engine) == before
