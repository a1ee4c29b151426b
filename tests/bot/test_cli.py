"""The councilbot command, run as a user would run it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.cli import main

TOKEN = "424242:CLI-secret-token"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COUNCILBOT_")}
    env["COUNCILBOT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    env.update(extra)
    return env


def _councilbot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_run_without_token_names_the_missing_key(tmp_path: Path) -> None:
    result = _councilbot(tmp_path, "run")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "councilbot: config: telegram.token: missing "
        "(set it in the config file or in $COUNCILBOT_TELEGRAM_TOKEN)"
    ]


def test_invalid_config_stops_with_one_line_and_no_token(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[telegram]\ntoken = "{TOKEN}"\n[app]\ntimezone = "Nowhere/Land"\n')
    result = _councilbot(tmp_path, "run")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "councilbot: config: app.timezone: unknown time zone 'Nowhere/Land'"
    )
    assert TOKEN not in result.stdout + result.stderr


def test_db_upgrade_creates_the_database(tmp_path: Path) -> None:
    result = _councilbot(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert (tmp_path / "cli.db").exists()


def test_demo_runs_offline_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "offline demo" in out
    assert "👤" in out and "🤖" in out


class _BotApiServer(ThreadingHTTPServer):
    """A local Bot API server that answers what polling needs and records method names."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _BotApiHandler)
        self.methods: list[str] = []
        self.paths: list[str] = []
        self.polled = threading.Event()


class _BotApiHandler(BaseHTTPRequestHandler):
    server: _BotApiServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        method = self.path.rsplit("/", 1)[-1]
        self.server.methods.append(method)
        self.server.paths.append(self.path)
        result: object = True
        if method == "getMe":
            result = {"id": 1, "is_bot": True, "first_name": "B", "username": "b_bot"}
        elif method == "getUpdates":
            result = []
            self.server.polled.set()
        body = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def bot_api() -> Iterator[_BotApiServer]:
    server = _BotApiServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_run_polls_a_local_bot_api_server_and_stops_on_sigterm(
    tmp_path: Path, bot_api: _BotApiServer
) -> None:
    port = bot_api.server_address[1]
    config = tmp_path / "config.toml"
    config.write_text(
        "[telegram]\n"
        f'base_url = "http://127.0.0.1:{port}/bot"\n'
        f'base_file_url = "http://127.0.0.1:{port}/file/bot"\n'
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path,
        env=_env(tmp_path, COUNCILBOT_TELEGRAM_TOKEN=TOKEN),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert bot_api.polled.wait(timeout=60), "the bot never polled the local server"
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert {"getMe", "getUpdates", "setMyCommands"} <= set(bot_api.methods)
    assert all(path.startswith(f"/bot{TOKEN}/") for path in bot_api.paths)
    assert TOKEN not in output


def test_db_backup_and_restore_from_the_command_line(tmp_path: Path) -> None:
    assert _councilbot(tmp_path, "db", "upgrade").returncode == 0
    backup = _councilbot(tmp_path, "db", "backup", "backups/b.db")
    assert backup.returncode == 0, backup.stderr
    assert (tmp_path / "backups" / "b.db").exists()
    refused = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "restore", "backups/b.db"],
        cwd=tmp_path,
        env=_env(tmp_path),
        input="n\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 1 and "nothing restored" in refused.stdout
    restored = _councilbot(tmp_path, "db", "restore", "backups/b.db", "--yes")
    assert restored.returncode == 0, restored.stderr
    missing = _councilbot(tmp_path, "db", "restore", "nope.db", "--yes")
    assert missing.returncode == 1 and "no such file" in missing.stderr
