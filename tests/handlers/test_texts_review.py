"""Texts users see, as the review found them: stored values in words, names not bare codes,
Vietnamese sub-commands, English singulars, meeting notices with their title, RSVP and reading,
one wording for "as read" without nested parentheses, and the example letter's typo."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.catalogue import CATALOGUE
from bot.offline.driver import FakeUser, OfflineBot, texts
from bot.offline.fake_telegram import FakeTelegram
from db.models import Role, Task
from schedules.clock import ManualClock
from tests.directives import LETTER_6411, import_source, load_example_registry
from tests.factories import Factory
from tests.task_factories import TaskFactory

NESTED = re.compile(r"\([^()]*\(")


@pytest.fixture
def people(factory: Factory, engine: Engine, clock: ManualClock) -> dict[str, FakeUser]:
    council = factory.council()
    mpi = factory.agency()
    factory.agency("CACBO", "Các Bộ, cơ quan liên quan")
    TaskFactory(engine, clock).task(
        councils=[council], agency=mpi, deadline=clock.now() + timedelta(days=30)
    )
    return {
        "secretariat": factory.user(Role.SECRETARIAT, council=council),
        "member_en": factory.user(Role.MEMBER, council=council, language="en"),
    }


def title(engine: Engine) -> str:
    with Session(engine) as session:
        return session.exec(select(Task.title)).one()


async def test_history_shows_states_in_words(bot: OfflineBot, people: dict[str, FakeUser]) -> None:
    secretariat = people["secretariat"]
    (question,) = [c for c in await bot.send(secretariat, "/cancel 1") if c.buttons()]
    await bot.press(secretariat, question, question.buttons()[0][1])
    (history,) = texts(await bot.send(secretariat, "/history 1"))
    assert "trạng thái: đang thực hiện → đã hủy" in history
    assert "open" not in history and "cancelled" not in history


async def test_vietnamese_sub_commands(
    bot: OfflineBot, engine: Engine, people: dict[str, FakeUser]
) -> None:
    secretariat = people["secretariat"]
    await bot.send(secretariat, "/edit 1 ten Đề án mới")
    assert title(engine) == "Đề án mới"
    (done,) = texts(await bot.send(secretariat, "/edit 1 han 31/12/2023"))
    assert "31/12/2023" in done
    await bot.send(
        secretariat, "/meeting moi DBSH | Họp quý | 14h ngày 5/12/2023 | Phòng 1 | Kế hoạch"
    )
    (asked,) = texts(await bot.send(secretariat, "/meeting 1 huy"))
    assert asked != texts(await bot.send(secretariat, "/meeting 1 nonsense"))[0]


async def test_co_operating_groups_show_their_names_and_no_nested_parentheses(
    bot: OfflineBot, people: dict[str, FakeUser]
) -> None:
    (preview,) = texts(
        await bot.send(
            people["secretariat"], "/assign BKHDT, CACBO | Đề án | trong quý IV năm 2023"
        )
    )
    assert "Phối hợp: Các Bộ, cơ quan liên quan (CACBO)" in preview
    assert "trong quý IV năm 2023 — đọc là " in preview
    assert not NESTED.search(preview), preview


def test_one_wording_for_as_read() -> None:
    vietnamese = " ".join(versions["vi"] for versions in CATALOGUE.values())
    assert "hiểu là" not in vietnamese
    for key in ("task_due_read", "rem_due_read"):
        assert "đọc là" in CATALOGUE[key]["vi"] and "(" not in CATALOGUE[key]["vi"]


async def test_english_counts_of_one_are_singular(
    bot: OfflineBot, people: dict[str, FakeUser]
) -> None:
    (overview,) = texts(await bot.send(people["member_en"], "/status"))
    assert "Status of 1 task " in overview and "1 tasks" not in overview


async def test_broadcasts_list_meeting_notices_by_their_meeting(
    bot: OfflineBot, people: dict[str, FakeUser]
) -> None:
    secretariat = people["secretariat"]
    calls = await bot.send(
        secretariat, "/meeting new DBSH | Họp quý IV | 14h ngày 5/12/2023 | Phòng 1 | Kế hoạch"
    )
    (preview,) = [c for c in calls if c.buttons()]
    await bot.press(secretariat, preview, preview.buttons()[0][1])
    await bot.settle()
    (listing,) = texts(await bot.send(secretariat, "/broadcasts"))
    assert "thông báo cuộc họp “Họp quý IV”" in listing


async def test_an_imported_meetings_notice_has_rsvp_and_its_reading(
    bot: OfflineBot, engine: Engine, clock: ManualClock, factory: Factory, transport: FakeTelegram
) -> None:
    load_example_registry(engine, clock)
    member = factory.user(Role.MEMBER, council=factory.council("DBSH"))
    letter = LETTER_6411.read_text(encoding="utf-8")
    import_source(engine, clock, letter, reminders=bot.runtime.reminders)
    await bot.dispatch()
    notices = [c for c in transport.sent(member.id) if "Thông báo mời họp" in c.text]
    assert notices, [c.text[:80] for c in transport.sent(member.id)]
    notice = notices[0]
    assert "Đầu tháng 12 năm 2023 — đọc là 01/12/2023 – 10/12/2023" in notice.text, notice.text
    labels = [label for label, _ in notice.buttons()]
    assert {"Tham dự", "Cử người dự thay", "Vắng"} <= set(labels)


def test_the_example_letter_reads_as_the_letter() -> None:
    letter = Path(LETTER_6411).read_text(encoding="utf-8")
    assert "an ninh của ở vùng" not in letter
    assert "bảo đảm quốc phòng, an ninh ở vùng kinh tế - xã hội" in letter
