"""Every command and every button family × every role (and the unregistered): allowed or refused.

The expectations below are written by hand from the policy in the issue, not derived from
bot/commands.py, so that a wrong access level there makes this test fail. A command or button
prefix added to bot/commands.py without a row here fails ``test_every_*_has_an_expectation``.

Refused means: exactly the localized refusal (a message for a command, a pop-up for a button)
and nothing changed in the database. Allowed means: an answer that is not that refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.catalogue import t
from bot.commands import CALLBACK_ACCESS, COMMANDS
from bot.offline.driver import FakeUser, OfflineBot, answers, texts
from db.engine import session_scope
from db.models import Council, CouncilRole, Member, PendingImport, Role, Task
from schedules.clock import ManualClock
from tests.conftest import ADMIN_ID
from tests.directives import fingerprint, import_source, small_directive
from tests.factories import Factory

ROLES = ("unregistered", "member", "focal_point", "chair", "secretariat", "admin")

EVERYONE = frozenset(ROLES)
REGISTERED = EVERYONE - {"unregistered"}
FOCAL_AND_UP = frozenset({"focal_point", "secretariat", "admin"})
SECRETARIAT = frozenset({"secretariat", "admin"})
CHAIR_AND_UP = frozenset({"chair", "secretariat", "admin"})

# Who may use each command (the "Who may do what").
COMMAND_EXPECTATIONS: dict[str, frozenset[str]] = {
    "start": EVERYONE,  # with an invitation code
    "help": REGISTERED,
    "lang": REGISTERED,
    "status": REGISTERED,
    "history": REGISTERED,  # of a task in their council (checked per task, tested elsewhere)
    "councils": REGISTERED,
    "agencies": REGISTERED,
    "tasks": FOCAL_AND_UP,  # updates on their own agency's tasks
    "update": FOCAL_AND_UP,
    "assign": SECRETARIAT,
    "edit": SECRETARIAT,
    "cancel": SECRETARIAT,
    "invite": SECRETARIAT,
    "members": SECRETARIAT,
    "revoke": SECRETARIAT,
    "import": SECRETARIAT,
    "reminders": SECRETARIAT,
    "doctor": SECRETARIAT,
    "setgroup": SECRETARIAT,
    "broadcast": SECRETARIAT,
    "broadcasts": SECRETARIAT,
    "meetings": REGISTERED,
    "meeting": SECRETARIAT,
    "report": CHAIR_AND_UP,  # the reports sent upward: the chair's and the secretariat's
}

# Who may press each family of buttons (callback data "<prefix>:...").
CALLBACK_EXPECTATIONS: dict[str, frozenset[str]] = {
    "lang": REGISTERED,
    "st": REGISTERED,
    "hist": REGISTERED,
    "in": REGISTERED,
    "tk": FOCAL_AND_UP,
    "tkp": FOCAL_AND_UP,
    "as": SECRETARIAT,
    "cx": SECRETARIAT,
    "cf": SECRETARIAT,
    "rq": SECRETARIAT,
    "rvk": SECRETARIAT,
    "imp": SECRETARIAT,
    "ix": SECRETARIAT,  # a letter's proposal (its author: checked per proposal)
    "rem": REGISTERED,  # "remind me later" on a reminder (its recipient: checked per reminder)
    "rems": SECRETARIAT,
    "bc": SECRETARIAT,
    "ack": REGISTERED,  # "received" on a notice (its recipient: checked per delivery)
    "mr": REGISTERED,  # a merged reminder's task buttons (the task: checked per press)
    "rsvp": REGISTERED,  # an invitation's answer (a member of its council: checked per meeting)
    "mt": SECRETARIAT,
    "mx": SECRETARIAT,
    "mk": SECRETARIAT,
    "rp": CHAIR_AND_UP,  # /report: the council chosen
    "rpc": REGISTERED,  # 📊 on the /status overview: what /status shows (a member of the council)
}


@dataclass
class World:
    """One council with a task, a member to revoke, and the acting user."""

    user: FakeUser
    member_id: int | None
    task_id: int
    victim_role_id: int
    victim_member_id: int


def build_world(factory: Factory, engine: Engine, clock: ManualClock, role: str) -> World:
    council = factory.council("DBSH")
    factory.agency("BKHDT")
    import_source(engine, clock, small_directive("DBSH"))
    victim = factory.user(Role.MEMBER, council=council, name="Người bị thu hồi")
    if role == "unregistered":
        user = FakeUser(90_001, "Khách")
    elif role == "admin":
        user = FakeUser(ADMIN_ID, "Quản trị")
    else:
        user = factory.user(Role(role), council=council)
    with Session(engine) as session:
        task = session.exec(select(Task)).one()
        victim_member = session.exec(
            select(Member).where(Member.telegram_user_id == victim.id)
        ).one()
        victim_role = session.exec(
            select(CouncilRole).where(CouncilRole.member_id == victim_member.id)
        ).one()
    assert task.id and victim_member.id and victim_role.id
    return World(user, None, task.id, victim_role.id, victim_member.id)


def member_id_of(engine: Engine, user: FakeUser) -> int | None:
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.telegram_user_id == user.id)).first()
    return member.id if member else None


# What each command is sent with, so that an allowed user gets a real answer.
COMMAND_PROBES: dict[str, Callable[[World], str]] = {
    "start": lambda world: "/start nosuchcode",
    "lang": lambda world: "/lang en",
    "history": lambda world: f"/history {world.task_id}",
    "invite": lambda world: "/invite DBSH thanh-vien",
    "members": lambda world: "/members DBSH",
    "revoke": lambda world: f"/revoke #{world.victim_member_id}",
}
DOCUMENT_COMMANDS = {"import"}


def stage_pending_import(engine: Engine, clock: ManualClock, member_id: int) -> str:
    """A file waiting for confirmation by ``member_id`` (as if they had sent it earlier)."""
    token = f"matrix{member_id}"
    with session_scope(engine) as session:
        session.add(
            PendingImport(
                token=token,
                member_id=member_id,
                file_name="test.toml",
                content=small_directive("DBSH").replace("15/TEST", "16/TEST"),
                created_at=clock.now(),
                expires_at=clock.now().replace(year=2030),
            )
        )
    return token


def callback_probe(prefix: str, world: World, engine: Engine, clock: ManualClock) -> str:
    if prefix == "lang":
        return "lang:en"
    if prefix == "hist":
        return f"hist:{world.task_id}:0"
    if prefix == "rvk":
        return f"rvk:{world.victim_role_id}:ok"
    if prefix == "imp":
        owner = world.member_id or world.victim_member_id
        return f"imp:{stage_pending_import(engine, clock, owner)}:ok"
    if prefix == "rpc":
        with Session(engine) as session:
            council_ids = session.exec(select(Council.id)).all()
        return f"rpc:{council_ids[0]}"
    return f"{prefix}:0"  # other families: malformed on purpose; an allowed user is told so


def refusal_for(role: str) -> str:
    return t("vi", "not_registered" if role == "unregistered" else "forbidden")


def test_every_command_has_an_expectation() -> None:
    assert {spec.name for spec in COMMANDS} == set(COMMAND_EXPECTATIONS)


def test_every_button_family_has_an_expectation() -> None:
    assert set(CALLBACK_ACCESS) == set(CALLBACK_EXPECTATIONS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("command", [spec.name for spec in COMMANDS])
async def test_command(
    bot: OfflineBot,
    factory: Factory,
    engine: Engine,
    clock: ManualClock,
    command: str,
    role: str,
) -> None:
    if command not in COMMAND_EXPECTATIONS:
        pytest.fail(f"/{command} has no row in COMMAND_EXPECTATIONS")
    world = build_world(factory, engine, clock, role)
    await bot.send(world.user, "/help")  # first contact: an admin's member row, the private chat
    if command in DOCUMENT_COMMANDS:
        bot.transport.add_file("matrix-file", small_directive("DBSH").encode(), "test.toml")
        send = bot.send(world.user, f"/{command}", document=("matrix-file", "test.toml"))
    else:
        probe = COMMAND_PROBES.get(command, lambda _: f"/{command}")
        send = bot.send(world.user, probe(world))
    before = fingerprint(engine)
    said = texts(await send)
    if role in COMMAND_EXPECTATIONS[command]:
        assert said, f"/{command} as {role}: no answer"
        assert refusal_for(role) not in said, f"/{command} as {role}: refused"
    else:
        assert said == [refusal_for(role)], f"/{command} as {role}: {said}"
        assert fingerprint(engine) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("prefix", sorted(CALLBACK_ACCESS))
async def test_button(
    bot: OfflineBot,
    factory: Factory,
    engine: Engine,
    clock: ManualClock,
    prefix: str,
    role: str,
) -> None:
    if prefix not in CALLBACK_EXPECTATIONS:
        pytest.fail(f"button prefix {prefix!r} has no row in CALLBACK_EXPECTATIONS")
    world = build_world(factory, engine, clock, role)
    carrier = (await bot.send(world.user, "/help"))[0]  # a bot message to hang the button on
    world.member_id = member_id_of(engine, world.user)
    data = callback_probe(prefix, world, engine, clock)
    before = fingerprint(engine)
    calls = await bot.press(world.user, carrier, data)
    said = answers(calls)
    if role in CALLBACK_EXPECTATIONS[prefix]:
        assert refusal_for(role) not in said, f"{data} as {role}: refused"
        assert any(call.method == "answerCallbackQuery" for call in calls), f"{data}: unanswered"
    else:
        assert said == [refusal_for(role)], f"{data} as {role}: {said}"
        popup = next(call for call in calls if call.method == "answerCallbackQuery")
        assert popup.params.get("show_alert") is True
        assert fingerprint(engine) == before
