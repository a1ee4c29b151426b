"""Long answers built from user text go through the one splitter: every part within Telegram's
4,096 UTF-16 code units, no entity or tag cut, whatever the text holds."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.formatting import MESSAGE_LIMIT, utf16_length
from bot.offline.driver import OfflineBot, texts
from db.models import Role
from schedules.clock import ManualClock
from tests.factories import Factory
from tests.task_factories import TaskFactory

WHOLE_ENTITIES = re.compile(r"(?:[^&]|&(?:lt|gt|amp|quot|#\d+);)*", re.DOTALL)


def assert_well_formed(parts: list[str]) -> None:
    for part in parts:
        assert utf16_length(part) <= MESSAGE_LIMIT
        assert WHOLE_ENTITIES.fullmatch(part), part[-40:]
        opened = re.findall(r"<([a-z]+)[^>]*>", part)
        closed = re.findall(r"</([a-z]+)>", part)
        assert sorted(opened) == sorted(closed), part[-80:]


@pytest.mark.parametrize("unit", ["<&>", "😀", "a&lt;", "đ"])
async def test_status_of_a_task_with_a_long_title_and_updates(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock, unit: str
) -> None:
    council, mpi = factory.council(), factory.agency()
    title = (unit * 2000)[:1990]
    TaskFactory(engine, clock).task(
        councils=[council], agency=mpi, deadline=clock.now() + timedelta(days=9), title=title
    )
    focal = factory.user(Role.FOCAL_POINT, council=council, agency=mpi)
    for _ in range(3):
        await bot.send(focal, "/update 1 " + (unit * 1000)[:2990])
    parts = texts(await bot.send(focal, "/status 1"))
    assert_well_formed(parts)
    parts = texts(await bot.send(focal, "/tasks"))
    assert_well_formed(parts)


def test_every_message_goes_through_the_one_splitter() -> None:
    """Only the modules that call split_message send text to Telegram themselves."""
    root = Path(__file__).resolve().parents[2]
    senders = {
        str(path.relative_to(root))
        for folder in ("bot", "handlers", "schedules")
        for path in (root / folder).rglob("*.py")
        if re.search(r"\.send_message\(", path.read_text(encoding="utf-8"))
    }
    assert senders == {
        "handlers/replying.py",
        "bot/outbound/telegram_sender.py",
        "bot/outbound/broadcast_jobs.py",
    }
    for sender in senders:
        assert "split_message(" in (root / sender).read_text(encoding="utf-8")
