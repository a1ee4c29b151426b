"""/import in Telegram: a document with the caption /import, a preview, then Import or Cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.application import build_application
from bot.catalogue import t
from bot.offline.driver import FakeUser, OfflineBot, answers, texts
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from bot.settings import Settings
from db.models import AuditLog, CouncilRole, Meeting, Member, PendingImport, Role, Task
from schedules.clock import ManualClock
from tests.conftest import ADMIN_ID
from tests.directives import LETTER_6411, fingerprint, load_example_registry, small_directive
from tests.factories import Factory

ADMIN = FakeUser(ADMIN_ID, "Nguyễn Thị Lan")
FORBIDDEN = t("vi", "forbidden")


@pytest.fixture(autouse=True)
def registry(engine: Engine, clock: ManualClock) -> None:
    load_example_registry(engine, clock)


async def send_file(
    bot: OfflineBot, user: FakeUser, content: bytes, name: str = "vanban.toml", **kwargs: object
) -> list[RecordedCall]:
    file_id = f"file-{len(bot.transport.calls)}"
    bot.transport.add_file(file_id, content, name)
    caption = str(kwargs.pop("caption", "/import"))
    return await bot.send(user, caption, document=(file_id, name), **kwargs)  # type: ignore[arg-type]


def letter() -> bytes:
    return LETTER_6411.read_bytes()


def card(calls: list[RecordedCall]) -> RecordedCall:
    return next(call for call in calls if call.buttons())


def count(engine: Engine, model: type[Task] | type[Meeting] | type[PendingImport]) -> int:
    with Session(engine) as session:
        return len(session.exec(select(model)).all())


async def test_a_preview_then_import(bot: OfflineBot, engine: Engine) -> None:
    calls = await send_file(bot, ADMIN, letter(), LETTER_6411.name)
    (preview,) = texts(calls)
    assert preview.startswith(
        "<b>Xem trước — văn bản 6411/VPCP-KTTH ngày 19/08/2023</b> (chưa ghi gì)"
    )
    assert "<b>Nhiệm vụ</b>: 15 thêm mới, 0 thay đổi, 0 giữ nguyên" in preview
    assert "+ 2.a.3 — BKHDT — quý III/2023 (01/07/2023 – 30/09/2023)" in preview
    assert "+ 2.g — BYT — không có hạn" in preview
    assert "<b>Cuộc họp</b>: 12 thêm mới" in preview
    labels = [label for label, _ in card(calls).buttons()]
    assert labels == ["Nhập", "Hủy"]
    assert count(engine, Task) == 0 and count(engine, PendingImport) == 1
    calls = await bot.press(ADMIN, card(calls), card(calls).buttons()[0][1])
    (done,) = texts(calls)
    assert done.startswith("<b>Đã nhập văn bản 6411/VPCP-KTTH ngày 19/08/2023</b>")
    assert "+ #3 2.a.3 — BKHDT" in done
    assert any(call.method == "editMessageReplyMarkup" for call in calls)  # buttons taken off
    assert count(engine, Task) == 15 and count(engine, Meeting) == 12
    assert count(engine, PendingImport) == 0
    with Session(engine) as session:
        admin = session.exec(select(Member).where(Member.telegram_user_id == ADMIN_ID)).one()
        summary = session.exec(select(AuditLog).where(AuditLog.action == "directive.import")).one()
    assert (summary.actor_id, summary.actor_label) == (admin.id, "Nguyễn Thị Lan")
    assert summary.after is not None and summary.after["file"] == LETTER_6411.name


async def test_the_preview_is_in_english_for_english_speakers(
    bot: OfflineBot, factory: Factory
) -> None:
    secretariat = factory.user(Role.SECRETARIAT, council=factory.council("DBSH"), language="en")
    calls = await send_file(bot, secretariat, small_directive().encode())
    assert texts(calls)[0].startswith(
        "<b>Preview — directive 15/TEST of 01/11/2023</b> (nothing written yet)"
    )
    assert [label for label, _ in card(calls).buttons()] == ["Import", "Cancel"]


async def test_cancel_writes_nothing(bot: OfflineBot, engine: Engine) -> None:
    calls = await send_file(bot, ADMIN, letter())
    calls = await bot.press(ADMIN, card(calls), card(calls).buttons()[1][1])
    assert texts(calls) == [t("vi", "imp_cancelled")]
    assert count(engine, Task) == 0 and count(engine, PendingImport) == 0


async def test_the_pending_file_survives_a_restart(
    bot: OfflineBot, settings: Settings, engine: Engine, clock: ManualClock
) -> None:
    question = card(await send_file(bot, ADMIN, letter()))
    transport = FakeTelegram(clock=clock)
    application = build_application(settings, request=transport, clock=clock, engine=engine)
    async with OfflineBot(application, transport, clock) as restarted:
        calls = await restarted.press(ADMIN, question, question.buttons()[0][1])
    assert texts(calls)[0].startswith("<b>Đã nhập văn bản 6411/VPCP-KTTH")
    assert count(engine, Task) == 15


async def test_the_import_button_works_once(bot: OfflineBot, engine: Engine) -> None:
    question = card(await send_file(bot, ADMIN, letter()))
    await bot.press(ADMIN, question, question.buttons()[0][1])
    before = fingerprint(engine)
    calls = await bot.press(ADMIN, question, question.buttons()[0][1])
    assert answers(calls) == [t("vi", "imp_pending_gone")]
    assert fingerprint(engine) == before


async def test_a_pending_import_expires_after_a_day(
    bot: OfflineBot, engine: Engine, clock: ManualClock
) -> None:
    question = card(await send_file(bot, ADMIN, letter()))
    clock.advance(timedelta(hours=24, seconds=1))
    calls = await bot.press(ADMIN, question, question.buttons()[0][1])
    assert answers(calls) == [t("vi", "imp_pending_gone")]
    assert count(engine, Task) == 0


async def test_a_forged_token_is_refused(bot: OfflineBot, engine: Engine) -> None:
    question = card(await send_file(bot, ADMIN, letter()))
    before = fingerprint(engine)
    for forged in ("imp:AAAAAAAAAAAAAAAAAAAAAA:ok", "imp:x", "imp"):
        calls = await bot.press(ADMIN, question, forged)
        assert len(answers(calls)) == 1
        assert answers(calls)[0] in (t("vi", "imp_pending_gone"), t("vi", "stale_button"))
    assert fingerprint(engine) == before


async def test_another_councils_secretariat_cannot_press_the_import_button(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    dbsh = factory.user(Role.SECRETARIAT, council=factory.council("DBSH"))
    tn = factory.user(Role.SECRETARIAT, council=factory.council("TN"))
    question = card(await send_file(bot, dbsh, small_directive("DBSH").encode()))
    before = fingerprint(engine)
    calls = await bot.press(tn, question, question.buttons()[0][1])
    assert answers(calls) == [FORBIDDEN]
    calls = await bot.press(tn, question, question.buttons()[1][1])  # nor cancel it
    assert answers(calls) == [FORBIDDEN]
    assert fingerprint(engine) == before


async def test_the_button_of_a_revoked_secretariat_is_refused(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    council = factory.council("DBSH")
    secretariat = factory.user(Role.SECRETARIAT, council=council)
    question = card(await send_file(bot, secretariat, small_directive("DBSH").encode()))
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.telegram_user_id == secretariat.id)).one()
        role = session.exec(select(CouncilRole).where(CouncilRole.member_id == member.id)).one()
        # Demoted to a plain member: still registered, no longer secretariat.
        role.role = Role.MEMBER
        session.add(role)
        session.commit()
    before = fingerprint(engine)
    calls = await bot.press(secretariat, question, question.buttons()[0][1])
    assert answers(calls) == [FORBIDDEN]
    with Session(engine) as session:
        session.delete(session.exec(select(CouncilRole)).one())
        session.commit()
    calls = await bot.press(secretariat, question, question.buttons()[0][1])
    assert answers(calls) == [t("vi", "not_registered")]
    assert count(engine, Task) == 0
    assert fingerprint(engine)["task"] == before["task"]


async def test_rights_are_checked_again_when_the_import_is_confirmed(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    dbsh, tn = factory.council("DBSH"), factory.council("TN")
    secretariat = factory.user(Role.SECRETARIAT, council=dbsh)
    two_councils = small_directive("DBSH").replace(
        'councils = ["DBSH"]', 'councils = ["DBSH", "TN"]'
    )
    code_calls = await bot.send(FakeUser(ADMIN_ID, "Quản trị"), "/invite TN thu-ky")
    code = texts(code_calls)[0].split("?start=")[1].split()[0]
    await bot.send(secretariat, f"/start {code}")
    question = card(await send_file(bot, secretariat, two_councils.encode()))
    with Session(engine) as session:
        role = session.exec(select(CouncilRole).where(CouncilRole.council_id == tn.id)).one()
        session.delete(role)
        session.commit()
    calls = await bot.press(secretariat, question, question.buttons()[0][1])
    (text,) = texts(calls)
    assert "chưa nhập gì" in text
    assert "Dòng 5, councils: anh/chị không phải Thư ký của Hội đồng TN" in text
    assert count(engine, Task) == 0


async def test_a_file_with_errors_is_reported_line_by_line(bot: OfflineBot, engine: Engine) -> None:
    broken = (
        small_directive()
        .replace('lead = "BKHDT"', 'lead = "BOGUS"')
        .replace("trong quý IV năm 2023", "sớm nhất có thể")
    )
    await bot.send(ADMIN, "/help")  # an admin's member row is made on first contact
    before = fingerprint(engine)
    calls = await send_file(bot, ADMIN, broken.encode(), "sai.toml")
    (text,) = texts(calls)
    assert text.splitlines() == [
        "<b>Tệp sai.toml có 2 lỗi; chưa nhập gì.</b> Sửa các lỗi sau rồi gửi lại:",
        "• Dòng 9, tasks[1].lead: không có cơ quan mã BOGUS",
        "• Dòng 11, tasks[1].due: " + t("vi", "imp_err_due_unreadable", text="sớm nhất có thể"),
    ]
    assert not any(call.buttons() for call in calls)
    assert fingerprint(engine) == before


async def test_a_file_already_imported_needs_no_confirmation(
    bot: OfflineBot, engine: Engine
) -> None:
    question = card(await send_file(bot, ADMIN, letter()))
    await bot.press(ADMIN, question, question.buttons()[0][1])
    calls = await send_file(bot, ADMIN, letter())
    assert texts(calls) == [t("vi", "imp_nothing_changed", number="6411/VPCP-KTTH")]
    assert not any(call.buttons() for call in calls)
    assert count(engine, PendingImport) == 0


async def test_an_edited_file_shows_the_changes_before_importing(
    bot: OfflineBot, engine: Engine
) -> None:
    question = card(await send_file(bot, ADMIN, letter()))
    await bot.press(ADMIN, question, question.buttons()[0][1])
    edited = letter().replace(b'lead = "BYT"', b'lead = "BNV"')
    (text,) = texts(await send_file(bot, ADMIN, edited))
    assert "<b>Nhiệm vụ</b>: 0 thêm mới, 1 thay đổi, 14 giữ nguyên" in text
    assert "~ #15 2.g:\n    chủ trì: BYT → BNV" in text


async def test_a_too_large_or_binary_file_is_refused(bot: OfflineBot, engine: Engine) -> None:
    big = b"# " + b"x" * (256 * 1024) + b"\n"
    assert texts(await send_file(bot, ADMIN, big)) == [t("vi", "imp_too_big", limit=256)]
    assert texts(await send_file(bot, ADMIN, b"\xff\xfe\x00bad")) == [t("vi", "imp_not_utf8")]
    assert count(engine, PendingImport) == 0


async def test_import_without_a_file_waits_for_a_pasted_letter(
    bot: OfflineBot, factory: Factory
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    assert texts(await bot.send(secretariat, "/import")) == [t("vi", "intake_paste_prompt")]


async def test_a_document_with_the_caption_addressed_to_the_bot_works_in_a_group(
    bot: OfflineBot,
) -> None:
    calls = await send_file(
        bot,
        ADMIN,
        letter(),
        caption=f"/import@{bot.transport.bot_username}",
        chat_id=-100777,
    )
    assert calls[-1].chat_id == -100777
    assert texts(calls)[0].startswith("<b>Xem trước")
