"""The secretariat's broadcast with the bot as a process: /broadcast, its preview and **Gửi**,
30 recipients invited as users are; the bot is killed (``kill -9``) in the middle of the
sending, with Telegram slow; after a restart every recipient has the notice exactly once. Then
the recipients press **Đã nhận** and /broadcasts shows who received and who acknowledged."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from bot.catalogue import t
from bot.offline.fake_telegram import Fault, RecordedCall
from db.engine import make_engine, session_scope
from db.invitations import create_invitation
from db.models import Member, Role
from db.permissions import Actor
from tests.process.test_bot_process import ADMIN, ANSWERS, LEAK, Session, _button, _text

pytestmark = pytest.mark.process

RECIPIENTS = 30
NOTICE = "Họp giao ban <quý IV> & chuẩn bị báo cáo"
CALLBACK_DATA_LIMIT = 64


def _user(number: int) -> dict[str, Any]:
    return {
        "id": 920000 + number,
        "is_bot": False,
        "first_name": f"Thành viên {number}",
        "language_code": "vi",
    }


def _notices(calls: list[RecordedCall], chat_ids: set[int]) -> list[RecordedCall]:
    """The notices Telegram accepted for the recipients."""
    return [
        c
        for c in calls
        if c.method == "sendMessage"
        and c.ok
        and int(c.params["chat_id"]) in chat_ids
        and "Họp giao ban" in c.text
    ]


def _handled(session: Session, *payloads: dict[str, Any]) -> None:
    """Several updates in one poll, as a busy moment brings them."""
    last = session.api.push(*payloads)
    for update_id in range(last - len(payloads) + 1, last + 1):
        session.wait_handled(update_id)


def test_broadcast_kill_9_mid_way_then_acknowledgements(bot_session: Session) -> None:
    session, api = bot_session, bot_session.api
    users = [_user(number) for number in range(1, RECIPIENTS + 1)]
    chat_ids = {user["id"] for user in users}

    # 30 members, each joining through an invitation as a user does: the first invitation made
    # with /invite, the others by the same service (30 answers in the secretariat's one chat
    # would take Telegram's pace of one a second there).
    invitation = _text(session.send(api.message(ADMIN, "/invite DBSH thanh-vien")))
    first_code = re.search(r"start=([\w-]+)", invitation)
    assert first_code is not None, invitation
    codes = [first_code.group(1), *_invitations(session.database_url, RECIPIENTS - 1)]
    _handled(
        session, *[api.message(u, f"/start {code}") for u, code in zip(users, codes, strict=True)]
    )

    preview = _with_send(session.send(api.message(ADMIN, f"/broadcast DBSH | {NOTICE}")))
    assert str(RECIPIENTS) in preview.text and "&lt;quý IV&gt;" in preview.text

    # One member blocked the bot since joining; Telegram asks for a pause once on another's.
    blocked, paused = users[-1], users[-2]
    api.fake.fail_next(Fault.BLOCKED, method="sendMessage", chat_id=blocked["id"])
    api.fake.fail_next(Fault.RETRY_AFTER, method="sendMessage", chat_id=paused["id"], retry_after=1)
    reached = chat_ids - {blocked["id"]}

    # Send, with Telegram slow: killed once about a third went out, one send held at the time
    # (Telegram refuses it afterwards: it never reached the recipient).
    api.send_delay = 0.05
    session.send(api.press(ADMIN, preview, _button(preview, "Gửi")))
    api.wait_for(lambda calls: len(_notices(calls, chat_ids)) >= RECIPIENTS // 3)
    api.blocked_chats.update(chat_ids)
    api.wait_for(lambda _: bool(api.blocked_attempts))
    session.bot.kill_hard()
    delivered_before_kill = len(_notices(api.calls(), chat_ids))
    assert delivered_before_kill < RECIPIENTS
    api.unblock()
    api.send_delay = 0.0

    started = time.monotonic()
    session.restart("second")
    api.wait_for(lambda calls: len(_notices(calls, chat_ids)) >= len(reached), 60)
    resumed_in = time.monotonic() - started
    api.wait_for(  # the delivery report, to the secretariat
        lambda calls: any(
            "Thông báo #" in c.text and int(c.params["chat_id"]) == ADMIN["id"]
            for c in calls
            if c.method == "sendMessage"
        ),
        30,
    )
    time.sleep(2)  # time enough for a second copy to arrive
    final_report = _text(
        [c for c in api.calls() if c.method == "sendMessage" and "Thông báo #" in c.text]
    )
    assert f"đã gửi {len(reached)}/{RECIPIENTS}, lỗi 1, đang chờ 0" in final_report
    assert blocked["first_name"] in final_report
    notices = _notices(api.calls(), chat_ids)
    per_chat = sorted(int(c.params["chat_id"]) for c in notices)
    assert per_chat == sorted(reached), f"{len(notices)} notices, after {resumed_in:.1f} s"
    # Sent at once by the restarted bot, not after the killed one's claims went stale (5 min).
    assert resumed_in < 30
    assert all("<quý IV>" not in c.text for c in notices)

    # Three press Đã nhận; one of them twice.
    acknowledged = t("vi", "acknowledged")
    for notice in notices[:3]:
        user = next(u for u in users if u["id"] == int(notice.params["chat_id"]))
        pressed = session.send(api.press(user, notice, _button(notice, "Đã nhận")))
        assert [c.params.get("text") for c in pressed] == [acknowledged]
    first = notices[0]
    first_user = next(u for u in users if u["id"] == int(first.params["chat_id"]))
    again = session.send(api.press(first_user, first, _button(first, "Đã nhận")))
    assert [c.params.get("text") for c in again] == [t("vi", "already_acknowledged")]

    listing = _with_send_or_buttons(session.send(api.message(ADMIN, "/broadcasts")))
    shown = _text(session.send(api.press(ADMIN, listing, listing.buttons()[0][1])))
    assert f"đã gửi {len(reached)}/{RECIPIENTS}, lỗi 1, đang chờ 0; 3 người" in shown, shown

    answers = [c for c in api.calls() if c.method in ANSWERS]
    refused = [(int(c.params.get("chat_id") or 0), c.error) for c in answers if not c.ok]
    assert sorted(refused) == [(paused["id"], "retry_after"), (blocked["id"], "blocked")]
    assert [c.text[:300] for c in answers if LEAK.search(c.text)] == []
    assert all(len(d.encode()) <= CALLBACK_DATA_LIMIT for c in answers for _, d in c.buttons())
    assert "Traceback" not in session.bot.output(), session.bot.output()[-4000:]


def _invitations(database_url: str, count: int) -> list[str]:
    """Invitations to DBSH as members, made by the admin through the invitation service."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            admin = session.exec(select(Member).where(Member.telegram_user_id == ADMIN["id"])).one()
            actor = Actor(telegram_user_id=ADMIN["id"], member_id=admin.id, is_admin=True)
            now = datetime.now(UTC)
            return [
                create_invitation(
                    session=session,
                    actor=actor,
                    council_code="DBSH",
                    role=Role.MEMBER,
                    agency_code=None,
                    now=now,
                    days=7,
                ).code
                for _ in range(count)
            ]
    finally:
        engine.dispose()


def _with_send(calls: list[RecordedCall]) -> RecordedCall:
    return next(c for c in reversed(calls) if any("Gửi" in label for label, _ in c.buttons()))


def _with_send_or_buttons(calls: list[RecordedCall]) -> RecordedCall:
    return next(c for c in reversed(calls) if c.buttons())
