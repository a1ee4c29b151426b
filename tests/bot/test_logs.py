"""The log of a full scenario: one line per update, and never the token or webhook secret."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import configure_logging
from bot.offline.driver import OfflineBot
from db.models import Role
from tests.conftest import TEST_TOKEN
from tests.factories import Factory


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    configure_logging("DEBUG", secrets=[TEST_TOKEN], stream=stream)
    yield stream
    root.handlers[:], root.level = saved


async def test_a_full_scenario_logs_each_update_and_never_the_token(
    bot: OfflineBot, factory: Factory, log: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory.agency("BKHDT")
    secretariat = factory.user(Role.SECRETARIAT)
    focal = factory.user(Role.FOCAL_POINT)
    preview = [
        c
        for c in await bot.send(secretariat, "/assign BKHDT | Kế hoạch | 22/11/2023")
        if c.buttons()
    ]
    await bot.press(secretariat, preview[0], preview[0].buttons()[0][1])
    await bot.send(focal, "/update 1 30% Đang làm")
    await bot.dispatch()
    await bot.send(focal, "/status 1")

    def leak(**_: object) -> None:
        raise RuntimeError(f"connection to https://api.telegram.org/bot{TEST_TOKEN}/x failed")

    monkeypatch.setattr("handlers.common.set_language", leak)
    await bot.send(focal, "/lang en")  # an error whose traceback carries the token

    text = log.getvalue()
    assert TEST_TOKEN not in text
    assert "bot***" in text  # the secret was there, and was scrubbed
    lines = [line for line in text.splitlines() if "councilbot.updates" in line]
    assert len(lines) == 5
    assert "action=/assign" in lines[0] and "outcome=ok" in lines[0] and "duration_ms=" in lines[0]
    assert "action=button:as" in lines[1]
    assert f"user={focal.id}" in lines[2] and "action=/update" in lines[2]
