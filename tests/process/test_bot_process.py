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

from bot.offline.fake_telegram import RecordedCall
from tests.process.bot_process import ROOT, TOKEN, BotProcess, councilbot, write_config
from tests.process.standin import StandInBotApi

pytestmark = pytest.mark.process

LETTER_6411 = Path("/work/shared/reference/004_07938de1b4cdd86d.txt")
ANSWERS = ("sendMessage", "editMessageText", "sendDocument", "sendPhoto", "answerCallbackQuery")
# What must never reach a user: a traceback, or an exception's class name.
LEAK = re.compile(r"Traceback|File \"|\b[A-Z]\w*(Error|Exception)\b|sqlalchemy|psycopg")

ADMIN = {"id": 910001, "is_bot": False, "first_name": "Thư ký", "language_code": "vi"}
FOCAL = {"id": 910002, "is_bot": False, "first_name": "Đầu mối", "language_code": "vi"}
STRANGER = {"id": 910003, "is_bot": False, "first_name": "Khách", "language_code": "en"}
CHANNEL = {"id": -1009100000001, "type": "channel", "title": "Kênh tin"}
# Telegram's own account that posts a linked channel's messages into a group.
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}


class Session:
    """Pushes updates to the stand-in and waits for the bot to finish each (its log line)."""

    def __init__(self, api: StandInBotApi, tmp_path: Path) -> None:
        self.api = api
        self.tmp_path = tmp_path
        self.bot = BotProcess(tmp_path, "first")
        self.answered: dict[int, list[RecordedCall]] = {}

    def restart(self, name: str) -> None:
        self.bot = BotProcess(self.tmp_path, name)

    def send(self, payload: dict[str, Any], *, expect_answer: bool = True) -> list[RecordedCall]:
        before = len(self.api.calls())
        update_id = self.api.push(payload)
        self._wait_handled(update_id)
        calls = self.api.calls()[before:]
        answers = [call for call in calls if call.method in ANSWERS]
        if expect_answer:
            if not answers:  # the log line can come a moment before the answer
                calls = self.api.wait_for(
                    lambda all_calls: any(c.method in ANSWERS for c in all_calls[before:]), 20
                )[before:]
                answers = [call for call in calls if call.method in ANSWERS]
        self.answered[update_id] = answers
        return answers

    def _wait_handled(self, update_id: int, timeout: float = 60.0) -> None:
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
    return "\n".join(str(call.params.get("text") or call.params.get("caption") or "") for call in calls)


def _with_buttons(calls: list[RecordedCall]) -> RecordedCall:
    return next(call for call in reversed(calls) if call.buttons())


def _button(call: RecordedCall, label: str) -> str:
    return next(data for text, data in call.buttons() if label in text)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    api = StandInBotApi(TOKEN)
    with api.running():
        write_config(tmp_path, api, admins=[ADMIN["id"]])
        loaded = councilbot(tmp_path, "registry", "load", str(ROOT / "examples" / "registry.toml"))
        assert loaded.returncode == 0, loaded.stderr
        running = Session(api, tmp_path)
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
    letter = LETTER_6411.read_text(encoding="utf-8")
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
    long_text = ("Báo cáo tiến độ <b>dài</b> & chi tiết. " * 200)[:4096]
    session.send(message(FOCAL, long_text))
    session.send(message(FOCAL, long_text, reply_to=card))
    session.send(message(ADMIN, "/status " + "9" * 4088))
    session.send(message(ADMIN, "/status <b>BKHDT</b> <script>alert(1)</script> &amp; &nbsp;"))
    session.send(message(FOCAL, "<i>xong</i> & <tag> </b>", reply_to=card))
    for text in ("/sta\u200btus", "\u200b/help", "/help\u200b", "/status\u2060 BKHDT", "\ufeff/tasks"):
        session.send(message(ADMIN, text))
    for data in ("ix:forged:ok", "x" * 64, "st:99999999999999999999", "", "ix:" + "A" * 61):
        session.send(press(ADMIN, proposal, data))
    session.send(message(ADMIN, "/status 12345678901234567890"))
    session.send(message(FOCAL, "/update 12345678901234567890 50% xong"))
    session.send(message(ADMIN, "/history 99999999999999999999999"))
    session.send(message(ADMIN, "/foobar"))
    session.send(message(STRANGER, "/foobar"))
    session.send(message(STRANGER, "/status"))
    edited = message(ADMIN, "/help")
    session.send({"edited_message": {**edited["message"], "edit_date": int(time.time())}},
                 expect_answer=False)
    channel_post = {**message(CHANNEL_BOT, "/status")["message"], "chat": CHANNEL}
    del channel_post["from"]
    channel_post["sender_chat"] = CHANNEL
    session.send({"channel_post": channel_post}, expect_answer=False)
    group = {"id": -1009100000002, "type": "supergroup", "title": "Nhóm Hội đồng"}
    from_channel = message(CHANNEL_BOT, "/status", chat=group)
    from_channel["message"]["sender_chat"] = CHANNEL
    session.send(from_channel, expect_answer=False)
    random_pdf = ("file-random-pdf", "baocao.pdf", bytes(range(256)) * 40)
    session.send(message(ADMIN, "", document=random_pdf))

    all_calls = session.api.calls()
    answers = [call for call in all_calls if call.method in ANSWERS]
    refused = [(call.method, call.error, call.text[:120]) for call in answers if not call.ok]
    assert refused == []
    leaked = [call.text[:300] for call in answers if LEAK.search(call.text)]
    assert leaked == []
    assert session.bot.alive
    assert "Traceback" not in session.bot.output(), session.bot.output()[-4000:]
    print(session.bot.output()[-4000:])
    for update_id, calls in session.answered.items():
        if update_id > 14:
            print(update_id, [(c.method, c.text[:160]) for c in calls])
