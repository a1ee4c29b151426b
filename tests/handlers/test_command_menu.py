"""Each member's private chat gets the command menu of their roles, in their language: set when
a role is granted or revoked, at /lang, and on /start and /help."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.catalogue import t
from bot.offline.driver import FakeUser, OfflineBot, texts
from bot.offline.fake_telegram import RecordedCall
from db.models import Member, Role
from tests.conftest import ADMIN_ID
from tests.factories import Factory


def menus(calls: list[RecordedCall]) -> dict[int, dict[str, str] | None]:
    """chat id → {command: description} (None: the chat's own menu was deleted)."""
    found: dict[int, dict[str, str] | None] = {}
    for call in calls:
        if call.method not in ("setMyCommands", "deleteMyCommands"):
            continue
        scope: Any = call.params.get("scope")
        scope = json.loads(scope) if isinstance(scope, str) else scope
        if not scope or scope.get("type") != "chat":
            continue
        commands: Any = call.params.get("commands")
        commands = json.loads(commands) if isinstance(commands, str) else commands
        found[int(scope["chat_id"])] = (
            {c["command"]: c["description"] for c in commands}
            if call.method == "setMyCommands"
            else None
        )
    return found


async def test_a_secretariat_and_a_member_get_the_commands_of_their_roles(
    bot: OfflineBot, factory: Factory
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    member = factory.user(Role.MEMBER, language="en")
    mine = menus(await bot.send(secretariat, "/help"))[secretariat.id]
    assert mine is not None and {"assign", "broadcast", "doctor", "status"} <= set(mine)
    assert mine["status"] == t("vi", "cmd_status")
    theirs = menus(await bot.send(member, "/start"))[member.id]
    assert theirs is not None and "assign" not in theirs
    assert theirs["status"] == t("en", "cmd_status")  # in the member's language


async def test_the_menu_follows_a_granted_and_a_revoked_role_and_the_language(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    factory.council("DBSH")
    admin = FakeUser(ADMIN_ID, "Quản trị")
    (link,) = texts(await bot.send(admin, "/invite DBSH thu-ky"))
    code = re.search(r"start=([A-Za-z0-9_-]+)", link)
    assert code is not None
    newcomer = FakeUser(88_001, "Thư ký mới")
    menu = menus(await bot.send(newcomer, f"/start {code[1]}"))[newcomer.id]
    assert menu is not None and menu["assign"] == t("vi", "cmd_assign")
    menu = menus(await bot.send(newcomer, "/lang en"))[newcomer.id]
    assert menu is not None and menu["assign"] == t("en", "cmd_assign")

    with Session(engine) as session:
        member_id = session.exec(
            select(Member.id).where(Member.telegram_user_id == newcomer.id)
        ).one()
    question = next(c for c in await bot.send(admin, f"/revoke #{member_id}") if c.buttons())
    revoked = menus(await bot.press(admin, question, question.buttons()[0][1]))
    assert revoked == {newcomer.id: None}  # no role left: back to the default menu
