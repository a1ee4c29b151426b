"""A letter sent to the bot: proposal, fixes with buttons and typed answers, then import."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.application import build_application
from bot.catalogue import t
from bot.offline.driver import FakeUser, OfflineBot, texts
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from bot.settings import Settings
from db.engine import make_engine
from db.models import Agency, AuditLog, Meeting, PendingImport, Reminder, Role, Task
from schedules.clock import ManualClock
from tests.conftest import ADMIN_ID
from tests.databases import postgres_url
from tests.directives import fingerprint, load_example_registry
from tests.factories import Factory
from tests.intake_helpers import LETTER_6411_TEXT, docx_bytes, pdf_bytes

ADMIN = FakeUser(ADMIN_ID, "Nguyễn Thị Lan")


@pytest.fixture(autouse=True)
def registry(engine: Engine, clock: ManualClock) -> None:
    load_example_registry(engine, clock)


def letter_text(**replace: str) -> str:
    text = LETTER_6411_TEXT.read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


async def send_file(
    bot: OfflineBot, user: FakeUser, content: bytes, name: str, caption: str = ""
) -> list[RecordedCall]:
    file_id = f"file-{len(bot.transport.calls)}"
    bot.transport.add_file(file_id, content, name)
    return await bot.send(user, caption, document=(file_id, name))


def card(calls: list[RecordedCall]) -> RecordedCall:
    return [call for call in calls if call.buttons()][-1]


def button(call: RecordedCall, label_start: str) -> str:
    return next(data for label, data in call.buttons() if label.startswith(label_start))


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return len(session.exec(select(model)).all())


async def test_a_word_letter_fixed_with_buttons_then_imported(
    bot: OfflineBot, engine: Engine, factory: Factory
) -> None:
    # Clause 2.b names an agency the registry does not have.
    text = letter_text(**{"b) Bộ Công Thương phối hợp": "b) Bộ Xây dựng phối hợp"})
    bkhdt = factory.agency("BKHDT")
    factory.user(Role.FOCAL_POINT, council=factory.council("DBSH"), agency=bkhdt)
    calls = await send_file(bot, ADMIN, docx_bytes(text), "6411.docx")  # no caption: private
    preview = texts(calls)[-1]
    assert preview.startswith("<b>Văn bản 6411/VPCP-KTTH</b> ngày 19/08/2023 — Văn phòng Chính phủ")
    assert "<b>15 nhiệm vụ</b>" in preview
    assert (
        "3. <b>2.a.3</b> · BKHDT · CACBO · trong quý III năm 2023 (đọc là quý III/2023" in preview
    )
    assert "8. <b>2.b</b> · Bộ Xây dựng ⚠ · CACDP · không có hạn" in preview
    assert count(engine, Task) == 0 and count(engine, PendingImport) == 1
    for _, data in card(calls).buttons():
        assert len(data.encode()) < 64
    # The unmatched name: create it as an agency.
    calls = await bot.press(ADMIN, card(calls), button(card(calls), "❓ Bộ Xây dựng"))
    assert "«Bộ Xây dựng» chưa có trong danh mục" in texts(calls)[-1]
    calls = await bot.press(ADMIN, card(calls), button(card(calls), "➕"))
    assert "8. <b>2.b</b> · BXD · CACDP" in texts(calls)[-1]
    # Task 1: a deadline typed as written, read at the letter's date.
    calls = await bot.press(ADMIN, card(calls), button(card(calls), "✏️ 1"))
    calls = await bot.press(ADMIN, card(calls), button(card(calls), "Thời hạn"))
    calls = await bot.send(ADMIN, "trước ngày 30/9")
    assert "1. <b>2.a.1</b> · BKHDT · CACBO · trước ngày 30/9 (đọc là" in texts(calls)[-1]
    assert "30/09/2023" in texts(calls)[-1]
    # An unreadable deadline is refused and changes nothing.
    preview_calls = calls
    menu = await bot.press(ADMIN, card(calls), button(card(calls), "✏️ 2"))
    await bot.press(ADMIN, card(menu), button(card(menu), "Thời hạn"))
    refused = await bot.send(ADMIN, "khi nào xong thì thôi")
    assert "Không đọc được thời hạn" in texts(refused)[-1]
    calls = preview_calls
    # Task 15 (2.g) is dropped; the co-operating agencies of task 9 (2.c.1) are typed.
    calls = await bot.press(ADMIN, card(calls), button(card(calls), "✏️ 15"))
    calls = await bot.press(ADMIN, card(calls), button(card(calls), "🗑"))
    assert "<b>14 nhiệm vụ</b>" in texts(calls)[-1]
    calls = await bot.press(ADMIN, card(calls), button(card(calls), "✏️ 9"))
    calls = await bot.press(ADMIN, card(calls), button(card(calls), "Phối hợp"))
    calls = await bot.send(ADMIN, "Bộ Tài chính, BKHCN")
    assert "9. <b>2.c.1</b> · BTTTT · BTC, BKHCN · không có hạn" in texts(calls)[-1]
    # The Excel sheet of the proposal.
    sheet = await bot.press(ADMIN, card(calls), button(card(calls), "📊"))
    document = next(call for call in sheet if call.method == "sendDocument")
    assert next(iter(document.files.values()))[0].endswith(".xlsx")
    # Someone else cannot use the author's buttons.
    other = factory.user(Role.SECRETARIAT, council=factory.council("DBSH"))
    before = fingerprint(engine)
    refused = await bot.press(other, card(calls), button(card(calls), "Nhập"))
    assert fingerprint(engine) == before
    assert any(call.method == "answerCallbackQuery" for call in refused)
    # Import: the same service as TOML files.
    done = await bot.press(ADMIN, card(calls), button(card(calls), "Nhập"))
    assert texts(done)[-1].startswith("<b>Đã nhập văn bản 6411/VPCP-KTTH ngày 19/08/2023</b>")
    assert count(engine, Task) == 14 and count(engine, Meeting) == 12
    assert count(engine, PendingImport) == 0
    with Session(engine) as session:
        task = session.exec(select(Task).where(Task.clause == "2.a.1")).one()
        assert task.due_text == "trước ngày 30/9"
        q4 = session.exec(select(Task).where(Task.clause == "2.a.7")).one()
        planned = session.exec(
            select(Reminder).where(Reminder.target_kind == "task", Reminder.target_id == q4.id)
        ).all()
        assert planned  # reminder planning ran, as for a TOML file
        actions = {row.action for row in session.exec(select(AuditLog))}
        assert session.exec(select(Agency).where(Agency.code == "BXD")).one()
    assert {"directive.import", "task.create", "agency.create"} <= actions
    # Pressed again (or on another instance): already gone, nothing doubled.
    again = await bot.press(ADMIN, card(calls), button(card(calls), "Nhập"))
    assert count(engine, Task) == 14
    assert any(call.method == "answerCallbackQuery" for call in again)


async def test_a_pasted_letter_after_import(bot: OfflineBot, engine: Engine) -> None:
    calls = await bot.send(ADMIN, "/import")
    assert "Hãy dán toàn văn văn bản" in texts(calls)[-1]
    calls = await bot.send(ADMIN, letter_text())
    assert "<b>15 nhiệm vụ</b>" in texts(calls)[-1]
    with Session(engine) as session:
        pending = session.exec(select(PendingImport)).one()
    stored = json.loads(pending.content)
    assert stored["proposal"]["number"] == "6411/VPCP-KTTH"  # kept in the database


async def test_a_pdf_with_the_caption(bot: OfflineBot) -> None:
    data = pdf_bytes(letter_text())
    calls = await send_file(bot, ADMIN, data, "6411.pdf", caption="/import")
    assert "<b>15 nhiệm vụ</b>" in texts(calls)[-1]


@pytest.mark.parametrize(
    ("content", "name", "key"),
    [
        (b"%PDF-1.4\n%broken", "a.pdf", "intake_pdf_corrupt"),
        (b"PK\x03\x04garbage", "a.docx", "intake_docx_corrupt"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "scan.png", "intake_image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "scan.jpg", "intake_image"),
        (b"PK\x03\x04garbage", "sheet.xlsx", "intake_xlsx_corrupt"),
        (b"   \n\n  ", "empty.txt", "intake_empty"),
        ("Kính gửi các đồng chí, chúc mừng năm mới.".encode(), "thu.txt", "intake_nothing_found"),
        (b"\xd0\xcf\x11\xe0old word", "old.doc", "intake_format"),
    ],
)
async def test_files_that_cannot_be_read(
    bot: OfflineBot, engine: Engine, content: bytes, name: str, key: str
) -> None:
    await bot.send(ADMIN, "/help")  # the admin's first contact registers them
    before = fingerprint(engine)
    calls = await send_file(bot, ADMIN, content, name, caption="/import")
    assert texts(calls)[-1] == t("vi", key, name=name)
    assert "Traceback" not in texts(calls)[-1]
    assert fingerprint(engine) == before


async def test_an_encrypted_pdf(bot: OfflineBot, engine: Engine) -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(
        clone_from=PdfReader(io.BytesIO(pdf_bytes("Số: 1/TEST\nGiao Bộ Tài chính báo cáo.")))
    )
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    calls = await send_file(bot, ADMIN, out.getvalue(), "a.pdf", caption="/import")
    assert texts(calls)[-1] == t("vi", "intake_pdf_encrypted")


async def test_a_file_over_twenty_megabytes_is_not_downloaded(
    bot: OfflineBot, engine: Engine
) -> None:
    calls = await send_file(bot, ADMIN, b"x" * (20 * 1024 * 1024 + 1), "big.pdf", caption="/import")
    assert texts(calls)[-1] == t("vi", "intake_too_big", limit=20)
    assert not any("/file/bot" in call.method for call in calls)
    assert [call.method for call in calls if call.method == "getFile"] == ["getFile"]


async def test_a_photo_captioned_import_is_answered(bot: OfflineBot) -> None:
    bot.transport.add_file("photo-1", b"\x89PNG", "p.png")
    calls = await bot.send(ADMIN, "/import", photo="photo-1")
    assert texts(calls)[-1] == t("vi", "intake_image")


async def test_a_letter_that_assigns_nothing(bot: OfflineBot, engine: Engine) -> None:
    await bot.send(ADMIN, "/help")
    before = fingerprint(engine)
    text = (
        "Số: 12/VPCP-TH\nHà Nội, ngày 3 tháng 5 năm 2023\nKính gửi: Bộ Tài chính.\n"
        "Văn phòng Chính phủ nhận được văn bản số 45 của Bộ Tài chính về việc báo cáo tình "
        "hình. Thủ tướng Chính phủ đã có ý kiến đồng ý.\nVăn phòng Chính phủ thông báo để Bộ "
        "Tài chính biết./."
    )
    calls = await bot.send(ADMIN, "/import " + text)
    assert texts(calls)[-1] == t("vi", "intake_nothing_found")
    after = fingerprint(engine)
    # Only the conversation's state: the rest of a letter split by Telegram may follow.
    assert after.pop("pending_input") != before.pop("pending_input")
    assert after == before


@pytest.mark.parametrize(
    "data",
    [
        "ix:AAAAAAAAAAAAAAAAAAAAAA:t:999999",
        "ix:AAAAAAAAAAAAAAAAAAAAAA:ok",
        "ix:x:ok",
        "ix:AAAAAAAAAAAAAAAAAAAAAA:L:1",
        "ix:AAAAAAAAAAAAAAAAAAAAAA:zz:1",
        "ix:AAAAAAAAAAAAAAAAAAAAAA:A:1:99999999999999999999",
    ],
)
async def test_forged_buttons_are_refused(bot: OfflineBot, engine: Engine, data: str) -> None:
    calls = await bot.send(ADMIN, "/import " + letter_text())
    before = fingerprint(engine)
    refused = await bot.press(ADMIN, card(calls), data)
    assert fingerprint(engine) == before
    popups = [call for call in refused if call.method == "answerCallbackQuery"]
    assert popups and popups[-1].params.get("show_alert")


async def test_a_long_preview_is_summarised_and_the_full_list_sent_as_a_file(
    bot: OfflineBot,
) -> None:
    tasks = "\n".join(
        f'[[tasks]]\nclause = "{n}"\nlead = "BTC"\ntext = "Nhiệm vụ {n}"\n' for n in range(1, 61)
    )
    source = 'number = "99/TEST"\ndate = 2023-11-01\ntitle = "Thử"\ncouncils = ["DBSH"]\n\n' + tasks
    calls = await send_file(bot, ADMIN, source.encode(), "dai.toml", caption="/import")
    preview = texts(calls)
    assert [call.method for call in calls].count("sendMessage") == 1  # not one per screenful
    assert "… và 20 mục nữa (danh sách đầy đủ trong tệp gửi kèm)." in preview[0]
    document = next(call for call in calls if call.method == "sendDocument")
    name, content = next(iter(document.files.values()))
    assert name == "99-TEST.txt"
    assert content.decode().count("+ 5") >= 11  # every task: 5, 50-59


async def test_the_proposal_survives_a_restart(
    bot: OfflineBot, engine: Engine, settings: Settings, clock: ManualClock
) -> None:
    calls = await bot.send(ADMIN, "/import " + letter_text())
    preview = card(calls)
    # Another process (after a restart) has only the database.
    transport = FakeTelegram(clock=clock)
    application = build_application(settings, request=transport, clock=clock, engine=engine)
    async with OfflineBot(application, transport, clock) as restarted:
        done = await restarted.press(ADMIN, preview, button(preview, "Nhập"))
    assert texts(done)[-1].startswith("<b>Đã nhập văn bản 6411/VPCP-KTTH")
    assert count(engine, Task) == 15


async def test_import_with_an_unknown_agency_is_refused_and_the_proposal_kept(
    bot: OfflineBot, engine: Engine
) -> None:
    text = letter_text(**{"b) Bộ Công Thương phối hợp": "b) Bộ Xây dựng phối hợp"})
    calls = await bot.send(ADMIN, "/import " + text)
    before = fingerprint(engine)
    refused = await bot.press(ADMIN, card(calls), button(card(calls), "Nhập"))
    answer = texts(refused)[-1]
    assert "mục 2.b: «Bộ Xây dựng» không có trong danh mục cơ quan" in answer
    assert count(engine, Task) == 0 and count(engine, PendingImport) == 1
    assert {k: v for k, v in fingerprint(engine).items() if k != "pending_import"} == {
        k: v for k, v in before.items() if k != "pending_import"
    }
    # Still usable: pick the agency, then import.
    menu = await bot.press(ADMIN, card(calls), button(card(calls), "❓ Bộ Xây dựng"))
    fixed = await bot.press(ADMIN, card(menu), button(card(menu), "BKHDT"))
    done = await bot.press(ADMIN, card(fixed), button(card(fixed), "Nhập"))
    assert texts(done)[-1].startswith("<b>Đã nhập văn bản 6411/VPCP-KTTH")
    assert count(engine, Task) == 15


async def test_a_letter_pasted_in_two_messages_is_read_whole(
    bot: OfflineBot, engine: Engine
) -> None:
    text = letter_text()
    cut = text.index("d) Bộ Khoa và và")
    first = await bot.send(ADMIN, "/import " + text[:cut])
    assert "<b>10 nhiệm vụ</b>" in texts(first)[-1]
    second = await bot.send(ADMIN, text[cut:])
    assert "<b>15 nhiệm vụ</b>" in texts(second)[-1]
    assert count(engine, PendingImport) == 1  # the first proposal was replaced
    done = await bot.press(ADMIN, card(second), button(card(second), "Nhập"))
    assert count(engine, Task) == 15 and count(engine, Meeting) == 12
    assert texts(done)[-1].startswith("<b>Đã nhập")


@pytest.mark.parametrize("pressed", ["Nhập", "Hủy"])
async def test_after_a_pasted_letter_is_imported_or_cancelled_a_message_is_not_read_as_more_of_it(
    bot: OfflineBot, engine: Engine, pressed: str
) -> None:
    # Found running the bot as a process (tests/process/): the paste stayed awaited for 30
    # minutes, so the next message was glued to the letter and its proposal shown again.
    calls = await bot.send(ADMIN, "/import " + letter_text())
    await bot.press(ADMIN, card(calls), button(card(calls), pressed))
    after = await bot.send(ADMIN, "Cảm ơn, tôi sẽ xem lại danh sách nhiệm vụ vào ngày mai nhé.")
    assert texts(after) == [t("vi", "private_hint")]
    assert count(engine, PendingImport) == 0
    assert count(engine, Task) == (15 if pressed == "Nhập" else 0)


async def test_a_file_sent_after_import_is_read_as_the_file_not_as_a_pasted_part(
    bot: OfflineBot,
) -> None:
    await bot.send(ADMIN, "/import")
    calls = await send_file(bot, ADMIN, b"%PDF-1.4\n%broken", "baocao.pdf")
    assert texts(calls) == [t("vi", "intake_pdf_corrupt", name="baocao.pdf")]
    after = await bot.send(ADMIN, "Cảm ơn, tôi sẽ gửi lại bản PDF đúng vào ngày mai nhé anh.")
    assert texts(after) == [t("vi", "private_hint")]


async def test_the_excel_sheet_sent_back_is_a_proposal_again(bot: OfflineBot) -> None:
    calls = await bot.send(ADMIN, "/import " + letter_text())
    sheet = await bot.press(ADMIN, card(calls), button(card(calls), "📊"))
    document = next(call for call in sheet if call.method == "sendDocument")
    name, content = next(iter(document.files.values()))
    back = await send_file(bot, ADMIN, content, name, caption="/import")
    preview = texts(back)[-1]
    assert "<b>15 nhiệm vụ</b>" in preview
    assert "7. <b>2.a.7</b> · BKHDT · BTC · trong quý IV năm 2023" in preview


async def test_a_directive_file_sent_without_caption_in_private_is_previewed(
    bot: OfflineBot,
) -> None:
    from tests.directives import LETTER_6411

    calls = await send_file(bot, ADMIN, LETTER_6411.read_bytes(), LETTER_6411.name)
    assert texts(calls)[-1].startswith("<b>Xem trước — văn bản 6411/VPCP-KTTH")


@pytest.mark.skipif(not postgres_url(), reason="needs PostgreSQL (two instances)")
async def test_import_pressed_on_two_instances_at_once_imports_once(
    bot: OfflineBot, engine: Engine, settings: Settings, clock: ManualClock, database_url: str
) -> None:
    calls = await bot.send(ADMIN, "/import " + letter_text())
    preview = card(calls)
    data = button(preview, "Nhập")
    engines = [make_engine(database_url), make_engine(database_url)]
    transports = [FakeTelegram(clock=clock), FakeTelegram(clock=clock)]
    bots = [
        OfflineBot(build_application(settings, request=tr, clock=clock, engine=en), tr, clock)
        for tr, en in zip(transports, engines, strict=True)
    ]
    async with bots[0] as left, bots[1] as right:
        results = await asyncio.gather(
            left.press(ADMIN, preview, data), right.press(ADMIN, preview, data)
        )
    for each in engines:
        each.dispose()
    done = [r for r in results if any("Đã nhập văn bản" in text for text in texts(r))]
    assert len(done) == 1
    (lost,) = [r for r in results if r is not done[0]]
    popups = [call.params.get("text") for call in lost if call.method == "answerCallbackQuery"]
    assert popups == [t("vi", "imp_pending_gone")]  # "already handled", not an apology
    assert count(engine, Task) == 15 and count(engine, PendingImport) == 0
