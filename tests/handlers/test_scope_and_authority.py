"""Authority and scope (issue 20, items 4-7, 13, 15, 16, 18): shared tasks change only with
every following council's secretariat, invitations die with their creator's authority, a
council's secretariat sees and names only their councils' people and tasks, and refusals
say why without changing anything."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.catalogue import t
from bot.offline.driver import FakeUser, OfflineBot, answers, texts
from bot.offline.fake_telegram import RecordedCall
from db.models import (
    Agency,
    Council,
    CouncilRole,
    Member,
    PendingInput,
    ProgressUpdate,
    Role,
    Task,
    TaskCoAgency,
    TaskCouncil,
    TaskState,
    UpdateKind,
)
from schedules.clock import ManualClock
from tests.directives import fingerprint
from tests.factories import Factory
from tests.task_factories import TaskFactory, vn

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
LINK = re.compile(r"https://t\.me/councilbot_test_bot\?start=([A-Za-z0-9_-]+)")
FORBIDDEN = t("vi", "forbidden")


class World:
    """Two councils, DBSH and TN; BKHDT leads and BTC co-operates on a task they share."""

    def __init__(self, factory: Factory, engine: Engine, clock: ManualClock) -> None:
        self.engine = engine
        self.dbsh = factory.council("DBSH", "Đồng bằng sông Hồng")
        self.tn = factory.council("TN", "Tây Nguyên")
        self.mpi = factory.agency("BKHDT", "Bộ Kế hoạch và Đầu tư")
        self.mof = factory.agency("BTC", "Bộ Tài chính")
        self.dbsh_secretariat = factory.user(Role.SECRETARIAT, council=self.dbsh, name="Thư ký Hà")
        self.tn_secretariat = factory.user(Role.SECRETARIAT, council=self.tn, name="Thư ký Tây")
        self.both_secretariat = factory.user(Role.SECRETARIAT, council=self.dbsh, name="Thư ký Cả")
        add_role(engine, self.both_secretariat, self.tn, Role.SECRETARIAT)
        self.lead = factory.user(Role.FOCAL_POINT, council=self.dbsh, agency=self.mpi, name="Lan")
        self.co = factory.user(Role.FOCAL_POINT, council=self.dbsh, agency=self.mof, name="Cúc")
        self.dbsh_only = factory.user(Role.MEMBER, council=self.dbsh, name="Đào Bí Mật")
        tasks = TaskFactory(engine, clock)
        self.shared = tasks.task(
            councils=[self.dbsh, self.tn], agency=self.mpi, deadline=vn(2023, 12, 29)
        )
        self.tn_only = tasks.task(
            councils=[self.tn], agency=self.mpi, deadline=vn(2023, 12, 29), title="Việc riêng TN"
        )
        self.dbsh_task = tasks.task(
            councils=[self.dbsh], agency=self.mpi, deadline=vn(2023, 12, 29)
        )
        for task in (self.shared, self.dbsh_task):
            co_operate(engine, task, self.mof)


def add_role(engine: Engine, user: FakeUser, council: Council, role: Role) -> None:
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.telegram_user_id == user.id)).one()
        session.add(
            CouncilRole(
                council_id=council.id or 0,
                member_id=member.id or 0,
                role=role,
                granted_at=datetime(2023, 11, 1, tzinfo=HANOI),
            )
        )
        session.commit()


def co_operate(engine: Engine, task: Task, agency: Agency) -> None:
    with Session(engine) as session:
        session.add(TaskCoAgency(task_id=task.id or 0, agency_id=agency.id or 0))
        session.commit()


def stored(engine: Engine, task: Task) -> Task:
    with Session(engine) as session:
        found = session.get(Task, task.id)
        assert found is not None
        return found


@pytest.fixture
def world(factory: Factory, engine: Engine, clock: ManualClock) -> World:
    return World(factory, engine, clock)


def card(calls: list[RecordedCall]) -> RecordedCall:
    return next(call for call in calls if call.buttons())


# --- 5. shared tasks ------------------------------------------------------------------------


async def test_one_councils_secretariat_may_not_change_a_shared_task(
    bot: OfflineBot, world: World, engine: Engine
) -> None:
    refusal = t("vi", "task_shared_forbidden", task_id=world.shared.id, councils="DBSH, TN")
    before = fingerprint(engine)
    for command in (
        f"/cancel {world.shared.id}",
        f"/edit {world.shared.id} title Tên khác",
        f"/edit {world.shared.id} deadline 31/01/2024",
        f"/edit {world.shared.id} lead BTC",
    ):
        assert texts(await bot.send(world.tn_secretariat, command)) == [refusal], command
    # A cancellation button of someone who may, pressed by TN's secretariat: refused the same.
    carrier = (await bot.send(world.tn_secretariat, "/help"))[0]
    assert answers(await bot.press(world.tn_secretariat, carrier, f"cx:{world.shared.id}:y")) == [
        refusal
    ]
    assert fingerprint(engine) == before
    # Its own council's task stays its own; a secretariat of both councils changes the shared.
    await bot.send(world.tn_secretariat, f"/edit {world.tn_only.id} title Đổi tên")
    assert stored(engine, world.tn_only).title == "Đổi tên"
    said = texts(await bot.send(world.both_secretariat, f"/edit {world.shared.id} title Tên mới"))
    assert stored(engine, world.shared).title == "Tên mới", said


async def test_a_completion_of_a_shared_task_is_decided_by_every_councils_secretariat(
    bot: OfflineBot, world: World, engine: Engine
) -> None:
    tasks = await bot.send(world.lead, "/tasks")
    shared_card = next(c for c in tasks if f"tk:{world.shared.id}:d" in dict(c.buttons()).values())
    await bot.press(world.lead, shared_card, f"tk:{world.shared.id}:d")
    await bot.send(world.lead, "Đã hoàn thành")
    assert stored(engine, world.shared).state == TaskState.REPORTED_DONE
    carrier = (await bot.send(world.dbsh_secretariat, "/help"))[0]
    refused = answers(await bot.press(world.dbsh_secretariat, carrier, f"cf:{world.shared.id}:y"))
    assert refused == [
        t("vi", "task_shared_forbidden", task_id=world.shared.id, councils="DBSH, TN")
    ]
    assert stored(engine, world.shared).state == TaskState.REPORTED_DONE
    await bot.press(world.both_secretariat, carrier, f"cf:{world.shared.id}:y")
    assert stored(engine, world.shared).state == TaskState.DONE


# --- 13. lead and co-operating --------------------------------------------------------------


async def test_the_lead_cannot_become_a_co_operating_agency(
    bot: OfflineBot, world: World, engine: Engine
) -> None:
    before = fingerprint(engine)
    said = texts(await bot.send(world.dbsh_secretariat, f"/edit {world.dbsh_task.id} lead btc"))
    assert said == [t("vi", "edit_lead_is_co", task_id=world.dbsh_task.id, code="BTC")]
    assert fingerprint(engine) == before
    assert stored(engine, world.dbsh_task).lead_agency_id == world.mpi.id


# --- 7. co-operating agencies ---------------------------------------------------------------


async def test_a_co_operating_agency_is_told_only_the_lead_reports_completion(
    bot: OfflineBot, world: World, engine: Engine
) -> None:
    calls = await bot.send(world.co, "/tasks")
    co_card = next(c for c in calls if f"tk:{world.dbsh_task.id}:p" in dict(c.buttons()).values())
    assert [data.rsplit(":", 1)[1] for _, data in co_card.buttons()] == ["p", "o"]
    before = fingerprint(engine)
    for action in ("d", "x"):
        said = answers(await bot.press(world.co, co_card, f"tk:{world.dbsh_task.id}:{action}"))
        assert said == [t("vi", "update_lead_only", task_id=world.dbsh_task.id)]
    assert fingerprint(engine) == before
    lead_card = card(await bot.send(world.lead, "/tasks"))
    assert [data.rsplit(":", 1)[1] for _, data in lead_card.buttons()] == ["p", "d", "o", "x"]


# --- 16. cancellation -----------------------------------------------------------------------


async def test_a_cancelled_tasks_agencies_are_told_and_old_cards_refuse_at_once(
    bot: OfflineBot, world: World, engine: Engine
) -> None:
    lead_card = card(await bot.send(world.lead, "/tasks"))
    confirm = card(await bot.send(world.dbsh_secretariat, f"/cancel {world.dbsh_task.id}"))
    await bot.press(world.dbsh_secretariat, confirm, f"cx:{world.dbsh_task.id}:y")
    told = {c.chat_id: c.text for c in await bot.dispatch() if c.method == "sendMessage"}
    notice = t("vi", "notice_decision_tc", id=world.dbsh_task.id)
    assert told[world.lead.id].startswith(notice)
    assert told[world.co.id].startswith(notice)
    assert world.dbsh_only.id not in told
    # The old card's "Cập nhật tiến độ": refused at once, nothing waited for.
    said = answers(await bot.press(world.lead, lead_card, f"tk:{world.dbsh_task.id}:p"))
    assert said == [t("vi", "task_closed", task_id=world.dbsh_task.id)]
    with Session(engine) as session:
        assert session.exec(select(PendingInput)).all() == []


# --- 15. another member's reply to a prompt in a group --------------------------------------


async def test_another_members_reply_to_an_obstacle_prompt_in_a_group_is_refused(
    bot: OfflineBot, world: World, engine: Engine
) -> None:
    group = -100_555
    other_focal = world.co
    calls = await bot.send(world.lead, "/tasks", chat_id=group)
    group_card = next(
        c for c in calls if f"tk:{world.dbsh_task.id}:o" in dict(c.buttons()).values()
    )
    (prompt,) = [
        c
        for c in await bot.press(world.lead, group_card, f"tk:{world.dbsh_task.id}:o")
        if c.method == "sendMessage"
    ]
    before = fingerprint(engine)
    said = texts(await bot.send(other_focal, "Không có gì vướng", chat_id=group, reply_to=prompt))
    assert said == [t("vi", "prompt_not_yours")]
    assert fingerprint(engine) == before
    # The prompted member's own reply keeps the prompt's kind: an obstacle.
    await bot.send(world.lead, "Thiếu kinh phí", chat_id=group, reply_to=prompt)
    with Session(engine) as session:
        kinds = session.exec(
            select(ProgressUpdate.kind).where(ProgressUpdate.task_id == world.dbsh_task.id)
        ).all()
    assert kinds == [UpdateKind.OBSTACLE]


# --- 18. another council's code -------------------------------------------------------------


async def test_another_councils_code_is_not_allowed_rather_than_unknown(
    bot: OfflineBot, world: World, engine: Engine
) -> None:
    before = fingerprint(engine)
    for command in (
        "/meeting new DBSH | Họp | 05/12/2023 14:00",
        "/broadcast DBSH | Kính mời họp",
        "/invite DBSH member",
    ):
        assert texts(await bot.send(world.tn_secretariat, command)) == [FORBIDDEN], command
    unknown = texts(await bot.send(world.tn_secretariat, "/broadcast XYZ | Kính mời họp"))
    assert unknown == [t("vi", "reg_council_unknown", code="XYZ")]
    assert fingerprint(engine) == before


# --- 4. invitations -------------------------------------------------------------------------


async def test_an_invitation_dies_with_its_creators_authority(
    bot: OfflineBot, world: World, engine: Engine, factory: Factory
) -> None:
    inviter = factory.user(Role.SECRETARIAT, council=world.dbsh, name="Thư ký Cũ")
    codes = []
    for _ in range(2):
        match = LINK.search(texts(await bot.send(inviter, "/invite DBSH thu-ky"))[0])
        assert match
        codes.append(match.group(1))
    newcomer = FakeUser(9_001, "Người Mới")
    await bot.send(newcomer, f"/start {codes[0]}")  # used while the inviter still could
    with Session(engine) as session:
        joined = session.exec(select(Member).where(Member.telegram_user_id == newcomer.id)).one()
        assert session.exec(select(CouncilRole).where(CouncilRole.member_id == joined.id)).one()
    with Session(engine) as session:
        role = session.exec(
            select(CouncilRole)
            .join(Member, Member.id == CouncilRole.member_id)  # type: ignore[arg-type]
            .where(Member.telegram_user_id == inviter.id)
        ).one()
    confirm = card(await bot.send(world.dbsh_secretariat, f"/revoke {inviter.id}"))
    await bot.press(world.dbsh_secretariat, confirm, f"rvk:{role.id}:ok")
    before = fingerprint(engine)
    intruder = FakeUser(9_002, "Kẻ Lạ")
    assert texts(await bot.send(intruder, f"/start {codes[1]}")) == [t("vi", "inv_inviter_revoked")]
    assert fingerprint(engine) == before


# --- 6. listings and messages scoped to the actor -------------------------------------------


async def test_a_meeting_agenda_links_only_its_councils_tasks(
    bot: OfflineBot, world: World, engine: Engine
) -> None:
    before = fingerprint(engine)
    said = texts(
        await bot.send(
            world.dbsh_secretariat,
            f"/meeting new DBSH | Họp quý | 05/12/2023 14:00 | Phòng 1 | #{world.tn_only.id} Việc",
        )
    )
    assert said == [t("vi", "task_not_found", task_id=world.tn_only.id)]
    assert "Việc riêng TN" not in said[0]
    assert fingerprint(engine) == before
    ok = await bot.send(
        world.dbsh_secretariat,
        f"/meeting new DBSH | Họp quý | 05/12/2023 14:00 | Phòng 1 | #{world.shared.id} Việc",
    )
    assert any(c.buttons() for c in ok)


async def test_doctor_reminders_and_revoke_name_only_the_actors_councils_members(
    bot: OfflineBot, world: World, engine: Engine, clock: ManualClock
) -> None:
    with Session(engine) as session:
        for member in session.exec(select(Member)):
            member.private_chat_ok = None  # nobody has opened a private chat yet
            session.add(member)
        session.commit()
    doctor = texts(await bot.send(world.tn_secretariat, "/doctor"))[0]
    assert "Thư ký Cả" in doctor and "Đào Bí Mật" not in doctor and "Lan" not in doctor
    # The shared task's reminders go to DBSH's focal points: TN's secretariat sees none of them.
    await bot.send(world.tn_secretariat, f"/edit {world.tn_only.id} deadline 30/11/2023")
    with Session(engine) as session:
        session.add(TaskCouncil(task_id=world.tn_only.id or 0, council_id=world.dbsh.id or 0))
        session.commit()
    await bot.send(world.both_secretariat, f"/edit {world.tn_only.id} deadline 29/11/2023")
    listing = "\n".join(texts(await bot.send(world.tn_secretariat, "/reminders 30")))
    assert "Lan" not in listing
    full = "\n".join(texts(await bot.send(world.dbsh_secretariat, "/reminders 30")))
    assert "Lan" in full
    # /revoke of another council's member by number: unknown, and not named.
    with Session(engine) as session:
        number = session.exec(
            select(Member.id).where(Member.telegram_user_id == world.dbsh_only.id)
        ).one()
    said = texts(await bot.send(world.tn_secretariat, f"/revoke #{number}"))
    assert said == [t("vi", "rvk_member_unknown", member=f"#{number}")]
