"""The input classes through the real Application: invisible text refused, look-alike codes
read, lengths checked before any preview, one rule for percentages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from bot.catalogue import t
from bot.offline.driver import FakeUser, OfflineBot, texts
from db.models import Broadcast, Meeting, PendingInput, ProgressUpdate, Role, Task
from schedules.clock import ManualClock
from tests.factories import Factory
from tests.task_factories import TaskFactory

ZW = "\u200b\u200c\u2060\ufeff"


@pytest.fixture
def people(factory: Factory, engine: Engine, clock: ManualClock) -> dict[str, FakeUser]:
    council = factory.council()
    mpi = factory.agency()
    TaskFactory(engine, clock).task(
        councils=[council], agency=mpi, deadline=clock.now() + timedelta(days=30)
    )
    return {
        "secretariat": factory.user(Role.SECRETARIAT, council=council),
        "focal": factory.user(Role.FOCAL_POINT, council=council, agency=mpi),
    }


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def title(engine: Engine) -> str:
    with Session(engine) as session:
        return session.exec(select(Task.title)).one()


@pytest.mark.parametrize("body", [ZW, f"{ZW} \u202e {ZW}", "\u00ad\u200d", "\x00\x07"])
async def test_an_update_of_invisible_characters_is_refused(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser], body: str
) -> None:
    said = texts(await bot.send(people["focal"], f"/update 1 {body}"))
    assert said == [t("vi", "update_text_missing")]
    assert count(engine, ProgressUpdate) == 0


async def test_an_update_is_stored_normalized(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    await bot.send(people["focal"], f"/update 1 Ðã  trình{ZW}   dự thảo")
    with Session(engine) as session:
        assert session.exec(select(ProgressUpdate.text)).one() == "Đã trình dự thảo"


async def test_an_invisible_title_is_refused_before_the_preview(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    said = texts(await bot.send(people["secretariat"], f"/assign BKHDT | {ZW} | 31/12/2023"))
    assert said == [t("vi", "task_title_missing")]
    assert count(engine, PendingInput) == 0
    said = texts(await bot.send(people["secretariat"], f"/edit 1 title {ZW}"))
    assert said == [t("vi", "task_title_missing")]
    assert title(engine) == "Xây dựng quy chế phối hợp vùng"


async def test_a_lookalike_code_reads_as_the_agency(
    bot: OfflineBot, people: dict[str, FakeUser]
) -> None:
    # Cyrillic В, К, Н and Т, and a zero-width space, as pasted from a document.
    said = texts(await bot.send(people["secretariat"], "/assign ВКН\u200bDТ | Đề án | 31/12/2023"))
    assert len(said) == 1 and "BKHDT — Bộ Kế hoạch và Đầu tư" in said[0]


async def test_a_title_over_the_limit_is_refused_before_the_preview(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    said = texts(
        await bot.send(people["secretariat"], f"/assign BKHDT | {'a' * 2400} | 31/12/2023")
    )
    assert said == [t("vi", "text_over_limit", limit=2000, length=2400)]
    assert count(engine, PendingInput) == 0
    long_meeting = f"/meeting new | {'b' * 800} | 9:00 ngày 5/12/2023 | Phòng họp 1"
    said = texts(await bot.send(people["secretariat"], long_meeting))
    assert said == [t("vi", "text_over_limit", limit=500, length=800)]
    assert count(engine, PendingInput) == 0 and count(engine, Meeting) == 0


async def test_an_invisible_meeting_title_or_broadcast_is_refused(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    said = texts(
        await bot.send(people["secretariat"], f"/meeting new | {ZW} | 9:00 ngày 5/12/2023 | P1")
    )
    assert said == [t("vi", "meeting_title_missing")]
    said = texts(await bot.send(people["secretariat"], f"/broadcast | {ZW}"))
    assert said == [t("vi", "broadcast_text_missing")]
    assert count(engine, PendingInput) == 0 and count(engine, Broadcast) == 0


@pytest.mark.parametrize(
    "written", ["1000% xong", "-5% xong", "150% xong", "−5 % xong", "12,5% xong", "١٠٠% xong"]
)
async def test_one_rule_for_percentages(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser], written: str
) -> None:
    said = texts(await bot.send(people["focal"], f"/update 1 {written}"))
    assert said == [t("vi", "percent_invalid")]
    assert count(engine, ProgressUpdate) == 0


@pytest.mark.parametrize(("written", "stored"), [("0% bắt đầu", 0), ("100% xong", 100)])
async def test_percentages_from_0_to_100_are_stored(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser], written: str, stored: int
) -> None:
    await bot.send(people["focal"], f"/update 1 {written}")
    with Session(engine) as session:
        assert session.exec(select(ProgressUpdate.percent)).one() == stored
