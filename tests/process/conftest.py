"""The bot process session, shared by the process tests beyond tests/process/test_bot_process.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.process.bot_process import ROOT, TOKEN, councilbot, write_config
from tests.process.standin import StandInBotApi
from tests.process.test_bot_process import ADMIN, Session


@pytest.fixture
def bot_session(tmp_path: Path, database_url: str) -> Iterator[Session]:
    """As test_bot_process's ``session``: a stand-in, the example registry, the bot started."""
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
