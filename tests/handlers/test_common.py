"""/start, /help, /lang and the treatment of unregistered users, through the real Application."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.catalogue import t
from bot.offline.driver import FakeUser, OfflineBot, answers, texts
from db.models import Member, Role
from tests.conftest import ADMIN_ID
from tests.factories import Factory

GROUP = -100123


async def test_unregistered_user_is_told_to_ask_for_an_invitation(bot: OfflineBot) -> None:
    stranger = FakeUser(77, "Khách")
    for message in ("/start", "/help", "/lang en", "xin chào"):
        calls = await bot.send(stranger, message)
        assert texts(calls) == [texts(calls)[0]]
        assert "chưa được đăng ký" in texts(calls)[0]


async def test_unregistered_english_speaker_is_answered_in_english(bot: OfflineBot) -> None:
    calls = await bot.send(FakeUser(78, "Guest", language_code="en"), "/help")
    assert "not registered" in texts(calls)[0]


async def test_unregistered_user_changes_nothing(bot: OfflineBot, engine: Engine) -> None:
    await bot.send(FakeUser(79, "Khách"), "/lang en")
    with Session(engine) as session:
        assert session.exec(select(Member)).all() == []


async def test_group_chatter_is_ignored(bot: OfflineBot, factory: Factory) -> None:
    member = factory.user(Role.MEMBER)
    assert await bot.send(FakeUser(80, "Khách"), "hôm nay họp lúc mấy giờ?", chat_id=GROUP) == []
    assert await bot.send(member, "ok", chat_id=GROUP) == []


async def test_commands_for_another_bot_are_ignored(bot: OfflineBot, factory: Factory) -> None:
    member = factory.user(Role.MEMBER)
    assert await bot.send(member, "/help@some_other_bot", chat_id=GROUP) == []
    calls = await bot.send(member, f"/help@{bot.transport.bot_username}", chat_id=GROUP)
    assert calls[0].chat_id == GROUP
    assert "/help" in texts(calls)[0]


async def test_unknown_command_gets_a_hint(bot: OfflineBot, factory: Factory) -> None:
    calls = await bot.send(factory.user(Role.MEMBER), "/frobnicate")
    assert texts(calls) == [
        "Không có lệnh /frobnicate. Gõ /help để xem các lệnh anh/chị dùng được."
    ]


async def test_start_greets_a_registered_member(bot: OfflineBot, factory: Factory) -> None:
    member = factory.user(Role.MEMBER, name="Nguyễn Văn An")
    assert texts(await bot.send(member, "/start")) == [
        "Xin chào Nguyễn Văn An! Gõ /help để xem các lệnh anh/chị dùng được."
    ]


@pytest.mark.parametrize(
    ("role", "role_label"),
    [
        (Role.MEMBER, "Thành viên"),
        (Role.CHAIR, "Chủ tịch"),
        (Role.SECRETARIAT, "Thư ký (Văn phòng)"),
        (Role.FOCAL_POINT, "Đầu mối BKHDT"),
    ],
)
async def test_help_names_the_role_and_lists_allowed_commands(
    bot: OfflineBot, factory: Factory, role: Role, role_label: str
) -> None:
    (text,) = texts(await bot.send(factory.user(role), "/help"))
    assert f"Vai trò: {role_label}" in text
    for command in ("/start", "/help", "/lang"):
        assert command in text


async def test_help_shows_only_commands_the_role_allows(
    bot: OfflineBot, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import commands
    from db.permissions import Access

    extra = (
        commands.CommandSpec("broadcast", Access.SECRETARIAT, "cmd_help"),
        commands.CommandSpec("report", Access.CHAIR, "cmd_help"),
        commands.CommandSpec("tasks", Access.FOCAL_POINT, "cmd_help"),
    )
    monkeypatch.setattr(commands, "COMMANDS", commands.COMMANDS + extra)
    monkeypatch.setattr("handlers.common.COMMANDS", commands.COMMANDS + extra)
    seen = {
        role: texts(await bot.send(factory.user(role), "/help"))[0]
        for role in (Role.MEMBER, Role.FOCAL_POINT, Role.CHAIR, Role.SECRETARIAT)
    }
    assert "/broadcast" in seen[Role.SECRETARIAT]
    assert "/report" in seen[Role.SECRETARIAT] and "/tasks" in seen[Role.SECRETARIAT]
    assert "/report" in seen[Role.CHAIR] and "/broadcast" not in seen[Role.CHAIR]
    assert "/tasks" in seen[Role.FOCAL_POINT] and "/report" not in seen[Role.FOCAL_POINT]
    for forbidden in ("/broadcast", "/report", "/tasks"):
        assert forbidden not in seen[Role.MEMBER]


async def test_configured_admin_is_secretariat_without_invitation(
    bot: OfflineBot, engine: Engine
) -> None:
    (text,) = texts(await bot.send(FakeUser(ADMIN_ID, "Quản trị"), "/help"))
    assert "Quản trị (thư ký mọi Hội đồng)" in text
    with Session(engine) as session:
        admin = session.exec(select(Member).where(Member.telegram_user_id == ADMIN_ID)).one()
    assert admin.private_chat_ok is True


async def test_lang_switches_and_is_remembered(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    member = factory.user(Role.MEMBER)
    assert texts(await bot.send(member, "/lang en")) == ["Language set to English."]
    assert "Commands available to you" in texts(await bot.send(member, "/help"))[0]
    assert texts(await bot.send(member, "/lang VI")) == ["Đã chuyển ngôn ngữ sang tiếng Việt."]
    with Session(engine) as session:
        stored = session.exec(select(Member).where(Member.telegram_user_id == member.id)).one()
    assert stored.language == "vi"


async def test_lang_without_a_choice_offers_buttons(bot: OfflineBot, factory: Factory) -> None:
    member = factory.user(Role.MEMBER)
    for message in ("/lang", "/lang fr", "/lang vi en"):
        (call,) = [c for c in await bot.send(member, message) if c.method == "sendMessage"]
        assert call.text == "Cách dùng: /lang vi hoặc /lang en"
        assert call.buttons() == [("Tiếng Việt", "lang:vi"), ("English", "lang:en")]
    calls = await bot.press(member, call, "lang:en")
    assert texts(calls) == ["Language set to English."]


async def test_forged_language_button_changes_nothing(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    member = factory.user(Role.MEMBER)
    (card,) = [c for c in await bot.send(member, "/lang") if c.method == "sendMessage"]
    calls = await bot.press(member, card, "lang:fr")
    assert answers(calls) == ["Nút này không còn hiệu lực. Vui lòng gửi lại lệnh."]
    calls = await bot.press(member, card, "nosuchbutton:1")
    assert answers(calls) == ["Nút này không còn hiệu lực. Vui lòng gửi lại lệnh."]
    with Session(engine) as session:
        stored = session.exec(select(Member).where(Member.telegram_user_id == member.id)).one()
    assert stored.language == "vi"


async def test_language_button_of_an_unregistered_user_is_refused(
    bot: OfflineBot, factory: Factory
) -> None:
    member = factory.user(Role.MEMBER)
    (card,) = [c for c in await bot.send(member, "/lang") if c.method == "sendMessage"]
    calls = await bot.press(FakeUser(81, "Khách"), card, "lang:en")
    assert "chưa được đăng ký" in answers(calls)[0]


async def test_command_menu_is_set_in_both_languages(bot: OfflineBot) -> None:
    menus = {
        call.params.get("language_code"): call.params["commands"]
        for call in bot.transport.calls
        if call.method == "setMyCommands"
    }
    assert set(menus) == {None, "en"}
    vi = {command["command"]: command["description"] for command in menus[None]}
    en = {command["command"]: command["description"] for command in menus["en"]}
    assert vi["help"] == "Các lệnh dùng được"
    assert en["help"] == "Commands you can use"


async def test_an_unexpected_error_becomes_a_localized_apology(
    bot: OfflineBot,
    factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def explode(**_: object) -> None:
        raise RuntimeError("database is on fire")

    monkeypatch.setattr("handlers.common.set_language", explode)
    member = factory.user(Role.MEMBER, language="en")
    calls = await bot.send(member, "/lang vi")
    assert texts(calls) == [
        "Sorry, something went wrong while handling your request. It has been logged; "
        "please try again in a few minutes."
    ]
    assert "on fire" not in texts(calls)[0]
    failure = next(record for record in caplog.records if record.name == "handlers.errors")
    assert failure.exc_info is not None and "database is on fire" in str(failure.exc_info[1])


async def test_a_domain_error_becomes_its_localized_message(
    bot: OfflineBot, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db.errors import Forbidden

    def refuse(**_: object) -> None:
        raise Forbidden()

    monkeypatch.setattr("handlers.common.set_language", refuse)
    calls = await bot.send(factory.user(Role.MEMBER), "/lang en")
    assert texts(calls) == ["Anh/chị không có quyền thực hiện thao tác này."]


async def test_apology_for_a_button_is_a_popup(
    bot: OfflineBot, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = factory.user(Role.MEMBER)
    (card,) = [c for c in await bot.send(member, "/lang") if c.method == "sendMessage"]

    def explode(**_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("handlers.common.set_language", explode)
    calls = await bot.press(member, card, "lang:en")
    popups = [c for c in calls if c.method == "answerCallbackQuery" and c.params.get("text")]
    assert popups and "Xin lỗi" in popups[0].params["text"]


async def test_a_button_pressed_on_an_inline_message_is_stale_not_an_error(
    bot: OfflineBot, factory: Factory
) -> None:
    # Found running the bot as a process (tests/process/): no message, no chat, and the task
    # card's handler failed on it (the member was told "an error occurred").
    focal = factory.user(Role.FOCAL_POINT, council=factory.council(), agency=factory.agency())
    for data in ("tk:1:p", "st:1", "lang:en"):
        query = {
            "id": f"inline-{data}",
            "from": focal.as_json(),
            "chat_instance": "inline",
            "inline_message_id": "AAAAAQ",
            "data": data,
        }
        calls = await bot.replay({"update_id": 990_000 + len(data), "callback_query": query})
        assert answers(calls) == [t("vi", "stale_button")], data
