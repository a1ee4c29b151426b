"""A role granted or revoked re-plans the council's reminders in the same transaction."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.offline.driver import FakeUser, OfflineBot, texts
from db.models import Member, OutboxState, Reminder, Role
from schedules.clock import ManualClock
from tests.directives import import_source, small_directive
from tests.factories import Factory


def pending_for(engine: Engine, user: FakeUser) -> list[Reminder]:
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.telegram_user_id == user.id)).first()
        if member is None:
            return []
        return list(
            session.exec(
                select(Reminder).where(
                    Reminder.recipient_id == member.id, Reminder.state == OutboxState.PENDING
                )
            )
        )


async def test_a_new_focal_point_gets_the_planned_reminders_and_loses_them_when_revoked(
    bot: OfflineBot, engine: Engine, clock: ManualClock, factory: Factory
) -> None:
    council = factory.council("DBSH")
    factory.agency("BKHDT")
    secretariat = factory.user(Role.SECRETARIAT, council=council)
    import_source(engine, clock, small_directive("DBSH"))  # a task due in Q4 2023
    (invitation,) = texts(await bot.send(secretariat, "/invite DBSH dau-moi BKHDT"))
    code = invitation.split("?start=", 1)[1].split()[0]
    newcomer = FakeUser(77_001, "Đầu mối mới")
    await bot.send(newcomer, f"/start {code}")
    planned = pending_for(engine, newcomer)
    assert {r.kind for r in planned} >= {"task_before", "task_due"}

    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.telegram_user_id == newcomer.id)).one()
    (question,) = [c for c in await bot.send(secretariat, f"/revoke #{member.id}") if c.buttons()]
    done = await bot.press(secretariat, question, question.buttons()[0][1])
    assert texts(done)[0].startswith("Đã thu hồi vai trò")
    assert pending_for(engine, newcomer) == []
