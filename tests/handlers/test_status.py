"""/status on real data: counts per category, pagination under Telegram's limits, agencies,
directives, several councils."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.offline.driver import OfflineBot, answers, texts
from bot.offline.fake_telegram import RecordedCall
from db.models import (
    Agency,
    Council,
    Directive,
    Meeting,
    ProgressUpdate,
    Role,
    Task,
    TaskCouncil,
    TaskState,
    UpdateKind,
)
from schedules.clock import ManualClock
from tests.factories import Factory

NOW = datetime(2023, 11, 20, 2, 0, tzinfo=UTC)


def add_task(
    session: Session,
    council: Council,
    agency: Agency,
    *,
    title: str,
    deadline: datetime | None,
    state: TaskState = TaskState.OPEN,
    reported: datetime | None = None,
    directive: Directive | None = None,
    clause: str | None = None,
) -> Task:
    task = Task(
        lead_agency_id=agency.id or 0,
        title=title,
        due_text="test" if deadline else None,
        due_start=deadline,
        due_end=deadline,
        due_precision="day" if deadline else None,
        original_deadline=deadline,
        approved_deadline=deadline,
        state=state,
        completion_reported_at=reported,
        completed_at=reported if state == TaskState.DONE else None,
        directive_id=directive.id if directive else None,
        clause=clause,
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(task)
    session.flush()
    session.add(TaskCouncil(task_id=task.id or 0, council_id=council.id or 0))
    return task


def messages(calls: list[RecordedCall]) -> list[RecordedCall]:
    return [c for c in calls if c.ok and c.method in ("sendMessage", "editMessageText")]


async def test_overview_counts_each_category(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    council = factory.council()
    mpi, mof = factory.agency("BKHDT"), factory.agency("BTC", "Bộ Tài chính")
    with Session(engine, expire_on_commit=False) as session:
        add_task(session, council, mpi, title="Quá hạn A", deadline=NOW - timedelta(days=3))
        add_task(session, council, mof, title="Quá hạn B", deadline=NOW - timedelta(days=1))
        add_task(session, council, mpi, title="Sắp đến hạn", deadline=NOW + timedelta(days=5))
        add_task(session, council, mpi, title="Trong hạn", deadline=NOW + timedelta(days=40))
        add_task(session, council, mpi, title="Không hạn", deadline=None)
        late = add_task(
            session,
            council,
            mof,
            title="Xong muộn",
            deadline=NOW - timedelta(days=30),
            state=TaskState.DONE,
            reported=NOW - timedelta(days=20),
        )
        add_task(
            session,
            council,
            mof,
            title="Xong đúng hạn",
            deadline=NOW,
            state=TaskState.DONE,
            reported=NOW - timedelta(days=2),
        )
        add_task(session, council, mof, title="Chờ", deadline=NOW, state=TaskState.REPORTED_DONE)
        add_task(session, council, mof, title="Hủy", deadline=NOW, state=TaskState.CANCELLED)
        session.add(
            ProgressUpdate(task_id=late.id or 0, kind=UpdateKind.OBSTACLE, text="x", created_at=NOW)
        )
        session.add(
            Meeting(
                council_id=council.id or 0,
                title="Họp cho ý kiến quy hoạch vùng",
                when_text="Đầu tháng 12 năm 2023",
                window_start=NOW + timedelta(days=11),
                window_end=NOW + timedelta(days=21),
                created_at=NOW,
                updated_at=NOW,
            )
        )
        session.commit()
    (text,) = texts(await bot.send(factory.user(Role.MEMBER, council=council), "/status"))
    assert "Tình hình thực hiện 8 nhiệm vụ" in text  # the cancelled one is not counted
    assert "• Quá hạn: <b>2</b> (25%)" in text
    singles = [
        "• Sắp đến hạn: <b>1</b>",
        "• Đang thực hiện – trong hạn: <b>1</b>",
        "• Chờ xác nhận: <b>1</b>",
        "• Hoàn thành đúng hạn: <b>1</b>",
        "• Hoàn thành quá hạn: <b>1</b>",
        "• Không có hạn: <b>1</b>",
    ]
    shown = [int(re.search(re.escape(line) + r" \((\d+)%\)", text)[1]) for line in singles]  # type: ignore[index]
    # 12.5% each: three are shown 12% and three 13%, so that the page adds up to 100%.
    assert sorted(shown) == [12, 12, 12, 13, 13, 13] and 25 + sum(shown) == 100
    # Overdue and due-soon tasks grouped by agency, overdue first.
    attention = text.split("Quá hạn và sắp đến hạn")[1]
    assert (
        attention.index("Quá hạn A")
        < attention.index("Sắp đến hạn")
        < attention.index("<b>BTC</b>")
    )
    assert "⚠️ Vướng mắc cần Hội đồng hỗ trợ" in text and "Xong muộn" in text
    assert "Họp cho ý kiến quy hoạch vùng — Đầu tháng 12 năm 2023" in text


async def test_hundreds_of_tasks_paginate_under_the_limit(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    council = factory.council()
    agencies = [factory.agency(f"A{n:02d}", f"Cơ quan {n}") for n in range(12)]
    long_title = "Nghiên cứu, đề xuất <cơ chế> & chính sách ưu đãi vùng phù hợp " * 5
    with Session(engine, expire_on_commit=False) as session:
        for n in range(400):
            add_task(
                session,
                council,
                agencies[n % 12],
                title=f"{n} {long_title}",
                deadline=NOW + timedelta(days=(n % 10) - 5),
            )
        session.commit()
    member = factory.user(Role.MEMBER, council=council)
    (first,) = messages(await bot.send(member, "/status"))
    assert "&lt;cơ chế&gt; &amp;" in first.text  # user text is escaped
    labels = [label for label, _ in first.buttons()]
    assert labels[0] == "Trang 1/" + labels[0].split("/")[1]
    pages = int(labels[0].split("/")[1])
    assert pages > 5
    seen = [first]
    current = first
    for _ in range(pages - 1):
        next_data = dict(current.buttons())["Sau ›"]
        assert len(next_data.encode()) <= 64
        (current,) = messages(await bot.press(member, current, next_data))
        assert current.method == "editMessageText"
        seen.append(current)
    assert all(len(page.text) <= 4096 for page in seen)
    assert "Sau ›" not in dict(current.buttons())
    # All 400 tasks are overdue or due soon: each appears exactly once across the pages.
    shown = re.findall(r"^#(\d+) ", "\n".join(page.text for page in seen), re.MULTILINE)
    assert sorted(map(int, shown)) == list(range(1, 401))
    back = dict(current.buttons())["‹ Trước"]
    (previous,) = messages(await bot.press(member, current, back))
    assert previous.text == seen[-2].text


async def test_the_overview_says_how_many_obstacles_it_left_out(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    council = factory.council()
    mpi = factory.agency("BKHDT")
    with Session(engine, expire_on_commit=False) as session:
        for n in range(13):
            task = add_task(
                session, council, mpi, title=f"Vướng {n}", deadline=NOW + timedelta(days=30 + n)
            )
            session.add(
                ProgressUpdate(
                    task_id=task.id or 0, kind=UpdateKind.OBSTACLE, text="x", created_at=NOW
                )
            )
        session.commit()
    member = factory.user(Role.MEMBER, council=council)
    (text,) = texts(await bot.send(member, "/status"))
    obstacles = text.split("Vướng mắc cần Hội đồng hỗ trợ")[1]
    assert len(re.findall(r"^#\d+ ", obstacles, re.MULTILINE)) == 10
    assert "… và 3 nhiệm vụ vướng mắc khác (/status &lt;mã cơ quan&gt; để xem)." in obstacles
    await bot.send(member, "/lang en")
    (text,) = texts(await bot.send(member, "/status"))
    assert "… and 3 more tasks with obstacles" in text


async def test_status_of_an_agency_a_task_and_a_directive(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    council = factory.council()
    mpi = factory.agency("BKHDT")
    with Session(engine, expire_on_commit=False) as session:
        directive = Directive(number="6411/VPCP-KTTH", title="Hoạt động HĐĐP vùng", created_at=NOW)
        session.add(directive)
        session.flush()
        task = add_task(
            session,
            council,
            mpi,
            title="Kế hoạch",
            deadline=NOW,
            directive=directive,
            clause="2.a.1",
        )
        session.commit()
    member = factory.user(Role.MEMBER, council=council)
    agency = texts(await bot.send(member, "/status bkhdt"))[0]
    assert "Bộ Kế hoạch và Đầu tư (BKHDT)</b> — 1 nhiệm vụ" in agency
    directive_text = texts(await bot.send(member, "/status 6411/vpcp-kttH"))[0]
    assert "Văn bản 6411/VPCP-KTTH</b> — 1 nhiệm vụ" in directive_text
    card = texts(await bot.send(member, f"/status #{task.id}"))[0]
    assert "(văn bản 6411/VPCP-KTTH, mục 2.a.1)" in card
    assert "Chưa có cập nhật." in card
    unknown = texts(await bot.send(member, "/status khong-co"))[0]
    assert unknown.startswith("Không hiểu “khong-co”.")
    assert texts(await bot.send(member, "/status 999999")) == ["Không tìm thấy nhiệm vụ số 999999."]


async def test_a_task_of_another_council_is_not_shown(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    mekong = factory.council("DBSCL", "Đồng bằng sông Cửu Long")
    with Session(engine, expire_on_commit=False) as session:
        task = add_task(session, mekong, factory.agency(), title="Bí mật", deadline=NOW)
        session.commit()
    outsider = factory.user(Role.MEMBER, council=factory.council())
    assert texts(await bot.send(outsider, f"/status {task.id}")) == [
        "Anh/chị không có quyền thực hiện thao tác này."
    ]


async def test_member_of_several_councils_chooses_with_buttons(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock
) -> None:
    red_river, mekong = factory.council(), factory.council("DBSCL", "Đồng bằng sông Cửu Long")
    user = factory.user(Role.MEMBER, council=red_river)
    with Session(engine, expire_on_commit=False) as session:
        from sqlmodel import select

        from db.models import CouncilRole, Member

        member = session.exec(select(Member).where(Member.telegram_user_id == user.id)).one()
        session.add(
            CouncilRole(
                council_id=mekong.id or 0, member_id=member.id or 0, role=Role.CHAIR, granted_at=NOW
            )
        )
        session.commit()
    (choice,) = messages(await bot.send(user, "/status"))
    assert choice.text == "Anh/chị là thành viên của nhiều Hội đồng. Chọn Hội đồng cần xem:"
    assert [label for label, _ in choice.buttons()] == [
        "Hội đồng điều phối vùng Đồng bằng sông Cửu Long",
        "Hội đồng điều phối vùng Đồng bằng sông Hồng",
    ]
    (overview,) = messages(await bot.press(user, choice, choice.buttons()[0][1]))
    assert "Đồng bằng sông Cửu Long" in overview.text
    forged = await bot.press(factory.user(Role.MEMBER), choice, f"st:c:{mekong.id}:0")
    assert answers(forged) == ["Anh/chị không có quyền thực hiện thao tác này."]


@pytest.mark.parametrize("data", ["st:x:1:0", "st:c:abc:0", "st:c:1", "st:"])
async def test_malformed_status_buttons_are_stale(
    bot: OfflineBot, factory: Factory, data: str
) -> None:
    member = factory.user(Role.MEMBER)
    (message,) = messages(await bot.send(member, "/help"))
    assert answers(await bot.press(member, message, data)) == [
        "Nút này không còn hiệu lực. Vui lòng gửi lại lệnh."
    ]
