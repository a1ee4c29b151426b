"""A member asked twice in one chat (two /assign previews, two /meeting new previews): the
pending input behind the buttons is one row per member and chat, reused by the second question,
so the first preview's buttons named the second's input — "Xác nhận" under task A created task
B. Each question's buttons now carry its own mark (db.pending.pending_key); an older preview's
press is refused and creates nothing, the newer one's works."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.catalogue import t
from bot.offline.driver import FakeUser, OfflineBot, answers
from db.models import Meeting, Role, Task
from tests.factories import Factory
from tests.handlers.test_task_life import button, only_message


def _titles(engine: Engine, model: type[Task] | type[Meeting]) -> list[str]:
    with Session(engine) as session:
        return [str(title) for title in session.exec(select(model.title)).all()]


async def test_an_older_assign_preview_creates_nothing_the_newer_one_its_task(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    council = factory.council()
    factory.agency("BKHDT", "Bộ Kế hoạch và Đầu tư")
    secretariat: FakeUser = factory.user(Role.SECRETARIAT, council=council)
    first = only_message(await bot.send(secretariat, "/assign BKHDT | Việc A | 25/12/2023"))
    second = only_message(await bot.send(secretariat, "/assign BKHDT | Việc B | 26/12/2023"))
    refused = await bot.press(secretariat, first, button(first, "Xác nhận"))
    assert answers(refused) == [t("vi", "input_replaced")]
    assert _titles(engine, Task) == []
    await bot.press(secretariat, second, button(second, "Xác nhận"))
    assert _titles(engine, Task) == ["Việc B"]


async def test_an_older_meeting_preview_creates_nothing_the_newer_one_its_meeting(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    council = factory.council()
    secretariat: FakeUser = factory.user(Role.SECRETARIAT, council=council)
    first = only_message(
        await bot.send(secretariat, "/meeting new DBSH | Họp A | 14h ngày 5/12/2023 | Phòng 1")
    )
    second = only_message(
        await bot.send(secretariat, "/meeting new DBSH | Họp B | 14h ngày 6/12/2023 | Phòng 2")
    )
    refused = await bot.press(secretariat, first, first.buttons()[0][1])
    assert answers(refused) == [t("vi", "input_replaced")]
    assert _titles(engine, Meeting) == []
    await bot.press(secretariat, second, second.buttons()[0][1])
    assert _titles(engine, Meeting) == ["Họp B"]
