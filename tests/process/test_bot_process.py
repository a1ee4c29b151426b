"""The bot run as a real process (``councilbot run``, long polling) against a stand-in Bot API
over HTTP: a realistic session with letter 6411, then adversarial input, then ``kill -9`` and a
restart. What a user sees must never be a traceback; no update may be lost or answered twice."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.catalogue import t
from bot.offline.fake_telegram import RecordedCall
from db.engine import make_engine
from tests.intake_helpers import LETTER_6411_TEXT
from tests.process.bot_process import ROOT, TOKEN, BotProcess, councilbot, write_config
from tests.process.standin import StandInBotApi

pytestmark = pytest.mark.process

ANSWERS = ("sendMessage", "editMessageText", "sendDocument", "sendPhoto", "answerCallbackQuery")
# What must never reach a user: a traceback, or an exception's class name.
LEAK = re.compile(r"Traceback|File \"|\b[A-Z]\w*(Error|Exception)\b|sqlalchemy|psycopg")

ADMIN: dict[str, Any] = {
    "id": 910001,
    "is_bot": False,
    "first_name": "Thư ký",
    "language_code": "vi",
}
FOCAL: dict[str, Any] = {
    "id": 910002,
    "is_bot": False,
    "first_name": "Đầu mối",
    "language_code": "vi",
}
STRANGER: dict[str, Any] = {
    "id": 910003,
    "is_bot": False,
    "first_name": "Khách",
    "language_code": "en",
}
CHANNEL: dict[str, Any] = {"id": -1009100000001, "type": "channel", "title": "Kênh tin"}
# Telegram's own account that posts a linked channel's messages into a group.
CHANNEL_BOT: dict[str, Any] = {
    "id": 136817688,
    "is_bot": True,
    "first_name": "Channel",
    "username": "Channel_Bot",
}


class Session:
    """Pushes updates to the stand-in and waits for the bot to finish each (its log line)."""

    def __init__(self, api: StandInBotApi, tmp_path: Path, database_url: str) -> None:
        self.api = api
        self.database_url = database_url
        self.tmp_path = tmp_path
        self.bot = BotProcess(tmp_path, "first")
        self.answered: dict[int, list[RecordedCall]] = {}

    def restart(self, name: str) -> None:
        self.bot = BotProcess(self.tmp_path, name)

    def send(self, payload: dict[str, Any], *, expect_answer: bool = True) -> list[RecordedCall]:
        before = len(self.api.calls())
        update_id = self.api.push(payload)
        self.wait_handled(update_id)
        calls = self.api.calls()[before:]
        answers = [call for call in calls if call.method in ANSWERS]
        if expect_answer and not answers:  # the log line can come a moment before the answer
            calls = self.api.wait_for(
                lambda all_calls: any(c.method in ANSWERS for c in all_calls[before:]), 20
            )[before:]
            answers = [call for call in calls if call.method in ANSWERS]
        self.answered[update_id] = answers
        return answers

    def wait_handled(self, update_id: int, timeout: float = 60.0) -> None:
        """Until the bot's log has the update's line (every update is one line when done)."""
        pattern = re.compile(rf"\bupdate={update_id} .*\boutcome=")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pattern.search(self.bot.output()):
                return
            assert self.bot.alive, self.bot.output()[-3000:]
            time.sleep(0.05)
        raise AssertionError(f"update {update_id} was not handled:\n{self.bot.output()[-3000:]}")


def _text(calls: list[RecordedCall]) -> str:
    return "\n".join(
        str(call.params.get("text") or call.params.get("caption") or "") for call in calls
    )


def _with_buttons(calls: list[RecordedCall]) -> RecordedCall:
    return next(call for call in reversed(calls) if call.buttons())


def _button(call: RecordedCall, label: str) -> str:
    return next(data for text, data in call.buttons() if label in text)


@pytest.fixture
def session(tmp_path: Path, database_url: str) -> Iterator[Session]:
    """A stand-in Bot API, the registry loaded by the CLI, the bot started. The database is the
    suite's (SQLite, or PostgreSQL when COUNCILBOT_TEST_DATABASE_URL is set)."""
    api = StandInBotApi(TOKEN)
    with api.running():
        write_config(tmp_path, api, database_url, admins=[ADMIN["id"]])
        loaded = councilbot(tmp_path, "registry", "load", str(ROOT / "examples" / "registry.toml"))
        assert loaded.returncode == 0, loaded.stderr
        running = Session(api, tmp_path, database_url)
        try:
            yield running
        finally:
            running.bot.stop()


def test_a_session_adversarial_input_and_kill_9(session: Session) -> None:
    api = session.api
    message, press = api.message, api.press

    # --- a realistic session -------------------------------------------------------------------
    assert "/help" in _text(session.send(message(ADMIN, "/start")))
    help_vi = _text(session.send(message(ADMIN, "/help")))
    assert "Các lệnh" in help_vi
    session.send(message(ADMIN, "/lang en"))
    help_en = _text(session.send(message(ADMIN, "/help")))
    assert "command" in help_en.lower() and help_en != help_vi
    session.send(message(ADMIN, "/lang vi"))

    assert "dán" in _text(session.send(message(ADMIN, "/import")))
    letter = LETTER_6411_TEXT.read_text(encoding="utf-8")
    for start in range(0, len(letter), 4096):  # Telegram splits a long paste so
        answers = session.send(message(ADMIN, letter[start : start + 4096]))
    proposal = _with_buttons(answers)
    assert "6411/VPCP-KTTH" in proposal.text and "15 nhiệm vụ" in proposal.text
    imported = _text(session.send(press(ADMIN, proposal, _button(proposal, "Nhập"))))
    assert "15" in imported, imported

    invitation = _text(session.send(message(ADMIN, "/invite DBSH dau-moi BKHDT")))
    code = re.search(r"start=([\w-]+)", invitation)
    assert code is not None, invitation
    assert "BKHDT" in _text(session.send(message(FOCAL, f"/start {code.group(1)}")))
    cards = session.send(message(FOCAL, "/tasks"))
    card = next(call for call in cards if call.method == "sendMessage" and call.buttons())
    task = re.search(r"#(\d+)", card.text)
    assert task is not None
    recorded = _text(session.send(message(FOCAL, "50% đã trình dự thảo", reply_to=card)))
    assert f"#{task.group(1)}" in recorded and "50%" in recorded
    choice = _with_buttons(session.send(message(ADMIN, "/status")))
    overview = _text(session.send(press(ADMIN, choice, _button(choice, "Đồng bằng sông Hồng"))))
    assert "%" in overview

    # --- adversarial input ---------------------------------------------------------------------
    hint = t("vi", "private_hint")
    long_text = ("Báo cáo tiến độ <b>dài</b> & chi tiết. " * 200)[:4096]
    assert _text(session.send(message(FOCAL, long_text))) == hint
    assert "quá dài" in _text(session.send(message(FOCAL, long_text, reply_to=card)))
    assert "không hợp lệ" in _text(session.send(message(ADMIN, "/status " + "9" * 4088)))
    html = _text(session.send(message(ADMIN, "/status <b>X</b> <script>alert(1)</script> &amp;")))
    assert "&lt;script&gt;" in html and "<script>" not in html
    for command in ("/status", "/assign", "/edit 1 ten"):  # each echoes what it cannot read
        session.send(message(ADMIN, f"{command} " + "<&>" * ((4096 - len(command)) // 3)))
    html_reply = _text(session.send(message(FOCAL, "<i>xong</i> & <tag> </b>", reply_to=card)))
    assert "✅" in html_reply
    # Invisible characters: Telegram's command entity stops at them.
    assert "/sta." in _text(session.send(message(ADMIN, "/sta\u200btus")))
    assert "Các lệnh" in _text(session.send(message(ADMIN, "/help\u200b")))
    assert "BKHDT" in _text(session.send(message(ADMIN, "/status\u2060 BKHDT")))
    assert _text(session.send(message(ADMIN, "\u200b/help"))) == hint
    assert _text(session.send(message(ADMIN, "\ufeff/tasks"))) == hint
    stale = t("vi", "stale_button")
    for data in ("ix:forged:ok", "x" * 64, "st:99999999999999999999", "", "ix:" + "A" * 61):
        pressed = session.send(press(ADMIN, proposal, data))
        assert [c.params.get("text") for c in pressed] == [stale]
    # Someone else's buttons: a stranger presses a focal point's card, a focal point the
    # secretariat's proposal.
    assert session.send(press(STRANGER, card, card.buttons()[0][1]))
    assert session.send(press(FOCAL, proposal, _button(proposal, "Nhập")))
    # A button on a message the bot can no longer see (older than 48 hours: date 0), and one
    # from an inline message (no message at all).
    old_card = press(FOCAL, card, card.buttons()[0][1])
    old_card["callback_query"]["message"] = {
        "chat": card.result["chat"],
        "message_id": card.result["message_id"],
        "date": 0,
    }
    assert "#" in _text(session.send(old_card))  # the card's prompt, in the card's chat
    inline = press(FOCAL, card, card.buttons()[0][1])
    del inline["callback_query"]["message"]
    inline["callback_query"]["inline_message_id"] = "AAAAAQ"
    assert [c.params.get("text") for c in session.send(inline)] == [stale]
    assert "không hợp lệ" in _text(session.send(message(ADMIN, "/status 12345678901234567890")))
    overflow = session.send(message(FOCAL, "/update 12345678901234567890 50% xong"))
    assert "không hợp lệ" in _text(overflow)
    assert "không hợp lệ" in _text(session.send(message(ADMIN, "/history 99999999999999999999")))
    assert "/foobar" in _text(session.send(message(ADMIN, "/foobar")))
    assert "not registered" in _text(session.send(message(STRANGER, "/foobar")))
    edited = message(ADMIN, "/help")["message"] | {"edit_date": int(time.time())}
    assert session.send({"edited_message": edited}, expect_answer=False) == []
    channel_post = message(CHANNEL_BOT, "/status")["message"] | {"chat": CHANNEL}
    del channel_post["from"]
    channel_post["sender_chat"] = CHANNEL
    assert session.send({"channel_post": channel_post}, expect_answer=False) == []
    group = {"id": -1009100000002, "type": "supergroup", "title": "Nhóm Hội đồng"}
    from_channel = message(CHANNEL_BOT, "/status", chat=group)
    from_channel["message"]["sender_chat"] = CHANNEL
    session.send(from_channel, expect_answer=False)
    random_pdf = ("file-random-pdf", "baocao.pdf", bytes(range(256)) * 40)
    not_a_letter = _text(session.send(message(ADMIN, "", document=random_pdf)))
    assert not_a_letter == t("vi", "intake_pdf_corrupt", name="baocao.pdf")

    all_calls = session.api.calls()
    answers = [call for call in all_calls if call.method in ANSWERS]
    refused = [(call.method, call.error, call.text[:120]) for call in answers if not call.ok]
    assert refused == []
    leaked = [call.text[:300] for call in answers if LEAK.search(call.text)]
    assert leaked == []
    assert session.bot.alive
    assert "Traceback" not in session.bot.output(), session.bot.output()[-4000:]

    # --- kill -9: one update answered, one mid-way; updates while down; restart ---------------
    # Both arrive in one poll and stay unconfirmed (Telegram sends them again at restart); the
    # focal point's answer never gets through before the kill.
    api.hold_after_delivery = True
    api.blocked_chats.add(FOCAL["id"])
    before_crash = len(api.calls())
    answered_last = api.push(message(ADMIN, "/help"))
    mid_way = api.push(message(FOCAL, "90% đã gửi xin ý kiến các Bộ", reply_to=card))
    session.wait_handled(answered_last)
    api.wait_for(lambda _: bool(api.blocked_attempts))
    session.bot.kill_hard()
    api.unblock()
    assert "Các lệnh" in _text([c for c in api.calls()[before_crash:] if c.method in ANSWERS])
    assert {answered_last, mid_way} <= {update["update_id"] for update in api.fake.unconfirmed}
    before_restart = len(api.calls())
    first_log = session.bot.output()
    api.release()
    admin_help = api.push(message(ADMIN, "/help"))
    progress = api.push(message(FOCAL, "70% hoàn thiện hồ sơ trình Thủ tướng", reply_to=card))
    stranger = api.push(message(STRANGER, "/start"))
    session.restart("second")
    for update_id in (admin_help, progress, stranger):
        session.wait_handled(update_id)
    time.sleep(3)  # time enough for a wrong second answer to arrive
    after = [c for c in api.calls()[before_restart:] if c.method in ANSWERS]
    assert sorted(int(c.params["chat_id"]) for c in after) == sorted(
        [ADMIN["id"], FOCAL["id"], FOCAL["id"], STRANGER["id"]]
    ), [(c.params["chat_id"], c.text[:80]) for c in after]
    assert "Các lệnh" in _text([c for c in after if int(c.params["chat_id"]) == ADMIN["id"]])
    focal_answers = _text([c for c in after if int(c.params["chat_id"]) == FOCAL["id"]])
    assert "90%" in focal_answers and "70%" in focal_answers
    assert all(c.ok and not LEAK.search(c.text) for c in after)
    second_log = session.bot.output()
    outcomes = dict(re.findall(r"\bupdate=(\d+) .*outcome=(\S+)", second_log))
    # What Telegram sent again is known: stored, applied, not handled twice. The update caught
    # mid-way was answered by the restarted bot at once (its claim's process is gone).
    assert outcomes.pop(str(answered_last)) == "duplicate"
    assert outcomes.pop(str(mid_way), "duplicate") == "duplicate"
    assert {int(n) for n in outcomes} == {admin_help, progress, stranger}
    assert "Traceback" not in first_log + second_log
    # Nothing written before the crash is lost, nothing after it is written twice.
    engine = make_engine(session.database_url)
    with engine.connect() as connection:
        counts = [
            connection.execute(text(query)).scalar_one()
            for query in (
                "SELECT count(*) FROM task",
                "SELECT count(*) FROM progress_update WHERE text LIKE '%đã trình dự thảo%'",
                "SELECT count(*) FROM progress_update WHERE text LIKE '%hoàn thiện hồ sơ%'",
                "SELECT count(*) FROM progress_update WHERE text LIKE '%xin ý kiến các Bộ%'",
            )
        ]
    engine.dispose()
    assert counts == [15, 1, 1, 1]
    assert session.bot.stop() == 0
