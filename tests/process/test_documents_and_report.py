"""The bot as a process: letter 6411 sent as a Word file and as a text PDF (getFile, then the
file's download from the stand-in), the proposal confirmed; then /report, whose workbook and
chart must be files Telegram accepts."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import text

from bot.catalogue import t
from bot.offline.fake_telegram import RecordedCall
from db.engine import make_engine
from tests.intake_helpers import LETTER_6411_TEXT, docx_bytes, pdf_bytes
from tests.process.test_bot_process import (
    ADMIN,
    ANSWERS,
    LEAK,
    STRANGER,
    Session,
    _button,
    _text,
    _with_buttons,
)

pytestmark = pytest.mark.process

TELEGRAM_UPLOAD_LIMIT = 50 * 1024 * 1024  # what a bot may send as a document
PHOTO_LIMIT = 10 * 1024 * 1024
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64


def _accepted(calls: list[RecordedCall]) -> None:
    """Every answer Telegram would take: sent, no leak, buttons within 64 bytes."""
    answers = [call for call in calls if call.method in ANSWERS]
    assert [(c.method, c.error) for c in answers if not c.ok] == []
    assert [c.text[:300] for c in answers if LEAK.search(c.text)] == []
    too_long = [d for c in answers for _, d in c.buttons() if len(d.encode()) > CALLBACK_DATA_LIMIT]
    assert too_long == []


def _task_count(session: Session) -> int:
    engine = make_engine(session.database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM task")).scalar_one())
    finally:
        engine.dispose()


def test_letter_as_docx_and_pdf_then_report(bot_session: Session) -> None:
    session, api = bot_session, bot_session.api
    letter = LETTER_6411_TEXT.read_text(encoding="utf-8")

    # The Word file, no caption (a private chat): read, proposed, imported.
    word = ("file-6411-docx", "6411-VPCP-KTTH.docx", docx_bytes(letter))
    proposal = _with_buttons(session.send(api.message(ADMIN, "", document=word)))
    assert "6411/VPCP-KTTH" in proposal.text and "15 nhiệm vụ" in proposal.text
    assert any(c.method == "getFile" for c in api.calls())
    # Nhập pressed twice in a hurry (both presses in one poll): imported once.
    gets_before = sum(c.method == "getFile" for c in api.calls())
    imported_data = _button(proposal, "Nhập")
    before = len(api.calls())
    twice = [api.press(ADMIN, proposal, imported_data) for _ in range(2)]
    last = api.push(*twice)
    session.wait_handled(last - 1)
    session.wait_handled(last)
    time.sleep(1)  # the answers may follow the log lines
    pressed = [c for c in api.calls()[before:] if c.method in ANSWERS]
    imports = [c for c in pressed if c.method == "sendMessage" and "Đã nhập" in c.text]
    assert len(imports) == 1 and "15 thêm mới" in imports[0].text, [c.text for c in pressed]
    spent = [c for c in pressed if c.method == "answerCallbackQuery" and c.text]
    assert len(spent) == 1 and "không còn hiệu lực" in spent[0].text
    assert _task_count(session) == 15

    # What is not a letter: a damaged Word file, one over Telegram's 20 MB download limit (not
    # even fetched), a letter from someone who is not the secretariat.
    damaged = ("file-damaged-docx", "hong.docx", b"PK\x03\x04" + bytes(range(256)) * 8)
    assert _text(session.send(api.message(ADMIN, "", document=damaged))) == t(
        "vi", "intake_docx_corrupt"
    )
    huge = api.message(ADMIN, "", document=("file-huge-docx", "lon.docx", b"PK"))
    huge["message"]["document"]["file_size"] = 25 * 1024 * 1024
    assert "20 MB" in _text(session.send(huge))
    assert sum(c.method == "getFile" for c in api.calls()) == gets_before + 1  # the damaged one
    from_stranger = _text(session.send(api.message(STRANGER, "", document=word)))
    assert from_stranger and "6411" not in from_stranger
    assert _task_count(session) == 15

    # The same letter as a text PDF: read the same; importing it again adds nothing.
    pdf = ("file-6411-pdf", "6411-VPCP-KTTH.pdf", pdf_bytes(letter))
    again = _with_buttons(session.send(api.message(ADMIN, "/import", document=pdf)))
    assert "6411/VPCP-KTTH" in again.text, again.text
    session.send(api.press(ADMIN, again, _button(again, "Nhập")))
    assert _task_count(session) == 15
    # A second press of the spent button: no second import.
    session.send(api.press(ADMIN, proposal, _button(proposal, "Nhập")))
    assert _task_count(session) == 15

    # /report: a progress line, then the workbook and the chart.
    before = len(api.calls())
    session.send(api.message(ADMIN, "/report DBSH"))
    calls = api.wait_for(
        lambda all_calls: (
            {"sendDocument", "sendPhoto"} <= {c.method for c in all_calls[before:] if c.ok}
        ),
        60,
    )[before:]
    documents = [c for c in calls if c.method == "sendDocument"]
    photos = [c for c in calls if c.method == "sendPhoto"]
    assert len(documents) == 1 and len(photos) == 1, [c.method for c in calls]
    name, workbook = documents[0].files["document"]
    assert name.endswith(".xlsx") and workbook[:2] == b"PK"
    assert 0 < len(workbook) < TELEGRAM_UPLOAD_LIMIT
    _, chart = photos[0].files["photo"]
    assert chart[:8] == b"\x89PNG\r\n\x1a\n" and 0 < len(chart) < PHOTO_LIMIT
    for call in documents + photos:
        caption = str(call.params.get("caption", ""))
        assert 0 < len(caption.encode("utf-16-le")) // 2 <= CAPTION_LIMIT
    assert re.search(r"6411|Đồng bằng sông Hồng|DBSH", _text(documents + photos))

    # /report without a council (the admin runs every one): buttons, then the chosen council's,
    # narrowed to an agency and a quarter that the buttons carry.
    before = len(api.calls())
    choice = _with_buttons(session.send(api.message(ADMIN, "/report BKHDT quý IV năm 2023")))
    assert len(choice.buttons()) >= 6, choice.buttons()
    session.send(api.press(ADMIN, choice, _button(choice, "Đồng bằng sông Hồng")))
    narrowed = api.wait_for(
        lambda all_calls: any(c.method == "sendPhoto" and c.ok for c in all_calls[before:]), 60
    )[before:]
    (document,) = [c for c in narrowed if c.method == "sendDocument"]
    assert document.files["document"][0] == "bao-cao-DBSH-20231001-20231231.xlsx"
    assert "01/10/2023 – 31/12/2023" in str(document.params["caption"])

    _accepted(api.calls())
    assert session.bot.alive
    assert "Traceback" not in session.bot.output(), session.bot.output()[-4000:]
    assert session.bot.stop() == 0
