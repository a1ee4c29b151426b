"""``councilbot run`` as a child process against the stand-in Bot API (tests/process/standin.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.process.standin import StandInBotApi

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "515151:PROCESS-test-token"


def environment(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COUNCILBOT_")}
    # This checkout's modules, not those the virtual environment was installed from.
    env["PYTHONPATH"] = str(ROOT)
    env["COUNCILBOT_TELEGRAM_TOKEN"] = TOKEN
    env["COUNCILBOT_CONFIG"] = str(tmp_path / "config.toml")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def write_config(tmp_path: Path, api: StandInBotApi, database_url: str, admins: list[int]) -> None:
    (tmp_path / "config.toml").write_text(
        "[telegram]\n"
        f'base_url = "{api.base_url}"\n'
        f'base_file_url = "{api.base_file_url}"\n'
        "[database]\n"
        f'url = "{database_url}"\n'
        "[access]\n"
        f"admins = {admins}\n"
    )


def councilbot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class BotProcess:
    """One ``councilbot run`` (long polling, or ``--webhook`` given in ``options``); its output
    goes to a log file in ``tmp_path``."""

    def __init__(self, tmp_path: Path, name: str, *options: str) -> None:
        self.log_path = tmp_path / f"{name}.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", *options],
            cwd=tmp_path,
            env=environment(tmp_path),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text()

    def kill_hard(self) -> None:
        """``kill -9``: no clean-up of any kind."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self._log.close()

    def stop(self) -> int:
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self._log.close()
        return self.process.returncode
