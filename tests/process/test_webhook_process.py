"""``councilbot run --webhook`` as a process: Telegram's POSTs with the right secret token are
stored, handled and answered once; with a wrong or no token they are refused (403) and change
nothing: no answer, no inbox row, no setting changed."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from db.engine import make_engine
from tests.process.bot_process import ROOT, TOKEN, BotProcess, councilbot, write_config
from tests.process.standin import StandInBotApi
from tests.process.test_bot_process import ADMIN, ANSWERS, LEAK, _text

pytestmark = pytest.mark.process

SECRET = "process-test-secret_0123456789"
PATH = "/telegram"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(port: int, update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{PATH}", data=json.dumps(update).encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _post_ignoring_errors(port: int, update: dict[str, Any]) -> None:
    """A POST whose answer never comes: the bot is killed while it handles it."""
    with contextlib.suppress(OSError):
        _post(port, update, SECRET)


def _wait_healthy(port: int, bot: BotProcess) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert bot.alive, bot.output()[-3000:]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the webhook server did not come up:\n{bot.output()[-3000:]}")


def test_webhook_process_right_and_wrong_secret(tmp_path: Path, database_url: str) -> None:
    api = StandInBotApi(TOKEN)
    port = _free_port()
    with api.running():
        write_config(tmp_path, api, database_url, admins=[ADMIN["id"]])
        with (tmp_path / "config.toml").open("a") as config:
            config.write(
                "[webhook]\n"
                'listen = "127.0.0.1"\n'
                f"port = {port}\n"
                f'path = "{PATH}"\n'
                'public_url = "https://bot.example.gov.vn/telegram"\n'
                f'secret_token = "{SECRET}"\n'
            )
        loaded = councilbot(tmp_path, "registry", "load", str(ROOT / "examples" / "registry.toml"))
        assert loaded.returncode == 0, loaded.stderr
        bot = BotProcess(tmp_path, "webhook", "--webhook")
        try:
            _wait_healthy(port, bot)
            registered = api.wait_for(lambda calls: any(c.method == "setWebhook" for c in calls))
            webhook = next(c for c in registered if c.method == "setWebhook")
            assert webhook.params["secret_token"] == SECRET
            assert webhook.params["url"] == "https://bot.example.gov.vn/telegram"

            def update(update_id: int, words: str) -> dict[str, Any]:
                return {"update_id": update_id, **api.message(ADMIN, words)}

            # The right token: stored, handled, answered before the 200.
            assert _post(port, update(7001, "/help"), SECRET) == 200
            help_vi = _text([c for c in api.calls() if c.method in ANSWERS])
            assert "Các lệnh" in help_vi
            # A wrong token, and none: refused; the language is not switched, nothing answered.
            before = len(api.calls())
            assert _post(port, update(7002, "/lang en"), "wrong-secret") == 403
            assert _post(port, update(7003, "/lang en"), None) == 403
            assert _post(port, update(7004, "/lang en"), SECRET + "x") == 403
            time.sleep(1)  # time enough for a wrong answer to arrive
            assert [c.method for c in api.calls()[before:] if c.method in ANSWERS] == []
            # A malformed body with the right token: 400.
            assert _post(port, {"not": "an update"}, SECRET) == 400
            # Telegram delivers 7001 again (its 200 lost): not answered twice.
            before = len(api.calls())
            assert _post(port, update(7001, "/help"), SECRET) == 200
            # Still Vietnamese: the refused /lang en changed nothing.
            assert _post(port, update(7005, "/help"), SECRET) == 200
            after = [c for c in api.calls()[before:] if c.method in ANSWERS]
            assert len(after) == 1 and "Các lệnh" in after[0].text, [c.text[:80] for c in after]

            answers = [c for c in api.calls() if c.method in ANSWERS]
            assert all(c.ok and not LEAK.search(c.text) for c in answers)
            engine = make_engine(database_url)
            with engine.connect() as connection:
                stored = connection.execute(text("SELECT update_id FROM inbox_update")).scalars()
                assert sorted(stored) == [7001, 7005]
            engine.dispose()
            assert "Traceback" not in bot.output(), bot.output()[-4000:]
            assert SECRET not in bot.output()

            # kill -9 while an update is handled (its answer held at the stand-in): Telegram has
            # no 200, so it posts the update again to the restarted bot, which answers it once.
            api.blocked_chats.add(ADMIN["id"])
            held = update(7006, "/help")
            lost = threading.Thread(target=_post_ignoring_errors, args=(port, held))
            lost.start()
            api.wait_for(lambda _: bool(api.blocked_attempts))
            bot.kill_hard()
            lost.join(timeout=30)
            api.unblock()
            before = len(api.calls())
            bot = BotProcess(tmp_path, "webhook-again", "--webhook")
            _wait_healthy(port, bot)
            assert _post(port, held, SECRET) == 200
            time.sleep(1)  # time enough for a second answer to arrive
            after = [c for c in api.calls()[before:] if c.method in ANSWERS]
            assert len(after) == 1 and after[0].ok and "Các lệnh" in after[0].text
            assert "Traceback" not in bot.output(), bot.output()[-4000:]
        finally:
            assert bot.stop() == 0
