"""/history <task>: a task's audit trail, for the members of the councils that follow it."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.catalogue import t
from bot.offline.driver import FakeUser, OfflineBot, answers, texts
from db.models import Role, Task
from schedules.clock import ManualClock
from tests.conftest import ADMIN_ID
from tests.directives import fingerprint, import_source, load_example_registry, small_directive
from tests.factories import Factory

FORBIDDEN = t("vi", "forbidden")


@pytest.fixture
def task_id(engine: Engine, clock: ManualClock) -> int:
    """Task "1" of a DBSH directive, imported by the CLI."""
    load_example_registry(engine, clock)
    import_source(engine, clock, small_directive("DBSH"))
    with Session(engine) as session:
        task = session.exec(select(Task)).one()
    assert task.id is not None
    return task.id


async def test_history_shows_who_did_what_and_when(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock, task_id: int
) -> None:
    edited = small_directive("DBSH").replace("trong quý IV năm 2023", "trong quý I năm 2024")
    import_source(engine, clock, edited.replace('lead = "BKHDT"', 'lead = "BTC"'))
    member = factory.user(Role.MEMBER, council=factory.council("DBSH"))
    (text,) = texts(await bot.send(member, f"/history {task_id}"))
    assert text.splitlines() == [
        f"<b>Lịch sử nhiệm vụ #{task_id}</b> 1",
        "Báo cáo tình hình thực hiện",
        "",
        "<b>09:00 20/11/2023</b> — cli: sửa nhiệm vụ",
        "    chủ trì: BKHDT → BTC",
        "    thời hạn: trong quý IV năm 2023 → trong quý I năm 2024",
        "    hạn ban đầu: 23:59 31/12/2023 → 23:59 31/03/2024",
        "    hạn hiện hành: 23:59 31/12/2023 → 23:59 31/03/2024",
        "",
        "<b>09:00 20/11/2023</b> — cli: giao nhiệm vụ",
    ]


async def test_history_in_english(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock, task_id: int
) -> None:
    import_source(engine, clock, small_directive("DBSH").replace('lead = "BKHDT"', 'lead = "BTC"'))
    focal = factory.user(Role.FOCAL_POINT, council=factory.council("DBSH"), language="en")
    (text,) = texts(await bot.send(focal, f"/history #{task_id}"))
    assert "— cli: task edited\n    lead: BKHDT → BTC" in text
    assert text.endswith("— cli: task assigned")


async def test_history_of_another_councils_task_is_refused(
    bot: OfflineBot, factory: Factory, engine: Engine, task_id: int
) -> None:
    outsider = factory.user(Role.SECRETARIAT, council=factory.council("TN", "Tây Nguyên"))
    await bot.send(outsider, "/help")
    before = fingerprint(engine)
    assert texts(await bot.send(outsider, f"/history {task_id}")) == [FORBIDDEN]
    carrier = (await bot.send(outsider, "/help"))[0]
    assert answers(await bot.press(outsider, carrier, f"hist:{task_id}:0")) == [FORBIDDEN]
    assert fingerprint(engine) == before


async def test_an_admin_sees_every_tasks_history(bot: OfflineBot, task_id: int) -> None:
    (text,) = texts(await bot.send(FakeUser(ADMIN_ID, "Quản trị"), f"/history {task_id}"))
    assert "cli: giao nhiệm vụ" in text


async def test_history_explains_its_usage_and_unknown_tasks(
    bot: OfflineBot, factory: Factory, task_id: int
) -> None:
    member = factory.user(Role.MEMBER, council=factory.council("DBSH"))
    for command in ("/history", "/history abc", "/history 1 2"):
        assert texts(await bot.send(member, command)) == [t("vi", "hist_usage")]
    assert texts(await bot.send(member, "/history 999")) == [t("vi", "task_not_found", task_id=999)]


async def test_a_long_history_is_paged(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock, task_id: int
) -> None:
    for number in range(12):  # twelve edits and the creation: thirteen rows, two pages
        lead = "BTC" if number % 2 == 0 else "BKHDT"
        import_source(
            engine, clock, small_directive("DBSH").replace('lead = "BKHDT"', f'lead = "{lead}"')
        )
    member = factory.user(Role.MEMBER, council=factory.council("DBSH"))
    calls = await bot.send(member, f"/history {task_id}")
    (first,) = [call for call in calls if call.method == "sendMessage"]
    assert "Trang 1/2, mới nhất trước" in first.text
    assert first.text.count("sửa nhiệm vụ") == 10
    assert first.buttons() == [("Sau ›", f"hist:{task_id}:1")]
    calls = await bot.press(member, first, f"hist:{task_id}:1")
    (second,) = [call for call in calls if call.method == "editMessageText"]
    assert "Trang 2/2" in second.text
    assert second.text.count("sửa nhiệm vụ") == 2 and "giao nhiệm vụ" in second.text
    assert second.buttons() == [("‹ Trước", f"hist:{task_id}:0")]
