"""The sender read with the inbox row (issue 16: one statement less per update) is used by the
access gate only while it cannot be stale by this process's doing: taken once, within
``READ_AHEAD_SECONDS``, and only if no change was committed here since."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine
from telegram import Update

from bot import inbox
from bot.runtime import Runtime
from bot.settings import Settings
from db.messages import ReplyAhead
from db.models import Role
from schedules.clock import ManualClock
from tests.factories import Factory


def _message(update_id: int, user_id: int) -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": user_id, "is_bot": False, "first_name": "A"},
                "text": "/help",
            },
        },
        None,
    )


def test_the_sender_read_ahead_is_trusted_only_while_fresh(
    engine: Engine,
    clock: ManualClock,
    settings: Settings,
    factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime = Runtime(settings=settings, engine=engine, clock=clock)
    council = factory.council()
    user = factory.user(Role.SECRETARIAT, council=council)

    assert inbox.receive(runtime, _message(1, user.id))
    rows = inbox.actor_read_ahead(runtime, 1)
    assert rows is not None and rows.member is not None
    assert [Role(grant[1]) for grant in rows.grants] == [Role.SECRETARIAT]
    assert inbox.reply_read_ahead(runtime, 1) == ReplyAhead(subject=None, pending=False)
    assert inbox.actor_read_ahead(runtime, 1) is None  # taken with the reply's: once

    inbox.receive(runtime, _message(2, user.id))
    factory.user(Role.MEMBER, council=council)  # a change committed by this process meanwhile
    assert inbox.actor_read_ahead(runtime, 2) is None

    inbox.receive(runtime, _message(3, user.id))
    inbox.receive(runtime, _message(3, user.id))  # a redelivery reads nothing ahead
    later = time.monotonic() + inbox.READ_AHEAD_SECONDS
    monkeypatch.setattr(inbox.time, "monotonic", lambda: later)
    assert inbox.actor_read_ahead(runtime, 3) is None


def test_a_stranger_is_read_ahead_as_nobody(
    engine: Engine, clock: ManualClock, settings: Settings
) -> None:
    runtime = Runtime(settings=settings, engine=engine, clock=clock)
    assert inbox.receive(runtime, _message(4, 987654))
    rows = inbox.actor_read_ahead(runtime, 4)
    assert rows is not None and rows.member is None and rows.grants == []
