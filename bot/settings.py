"""Configuration: one TOML file, validated into one settings object.

Secrets and the database URL may be overridden from the environment so that a config file can be
committed to a deployment repository without them. A bad value stops start-up with one line that
names the key; the token never appears in any message or repr.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGUAGES = ("vi", "en")
DEFAULT_DATABASE_URL = "sqlite:///data/councilbot.db"
ENV_TOKEN = "COUNCILBOT_TELEGRAM_TOKEN"
ENV_DATABASE_URL = "COUNCILBOT_DATABASE_URL"
ENV_WEBHOOK_SECRET = "COUNCILBOT_WEBHOOK_SECRET"


class ConfigError(Exception):
    """A missing or invalid setting; the message names the key and the problem."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"config: {key}: {problem}")
        self.key = key
        self.problem = problem


class SecretStr:
    """A string that never shows itself in repr, str or logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "SecretStr('**********')" if self._value else "SecretStr('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class TelegramSettings:
    token: SecretStr = field(default_factory=lambda: SecretStr(""))
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = DEFAULT_DATABASE_URL


@dataclass(frozen=True)
class AppSettings:
    timezone: str = "Asia/Ho_Chi_Minh"
    default_language: str = "vi"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class AccessSettings:
    admins: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Settings:
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    app: AppSettings = field(default_factory=AppSettings)
    access: AccessSettings = field(default_factory=AccessSettings)

    def require_token(self) -> str:
        """The token, or a ConfigError naming the key when it is not set."""
        if not self.telegram.token:
            raise ConfigError(
                "telegram.token", f"missing (set it in the config file or in ${ENV_TOKEN})"
            )
        return self.telegram.token.get_secret_value()


def load_settings(
    path: Path | None = None, *, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read ``path`` (if given and present), apply environment overrides, validate."""
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            with path.open("rb") as config_file:
                raw = tomllib.load(config_file)
        except FileNotFoundError:
            raise ConfigError(str(path), "file not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(path), f"not valid TOML ({exc})") from None
    return settings_from_mapping(raw, environ=environ)


def settings_from_mapping(raw: Mapping[str, Any], *, environ: Mapping[str, str]) -> Settings:
    known_sections = {"telegram", "database", "app", "access", "reminders", "webhook"}
    for section in raw:
        if section not in known_sections:
            raise ConfigError(section, "unknown section")
    telegram = _section(raw, "telegram")
    database = _section(raw, "database")
    app = _section(raw, "app")
    access = _section(raw, "access")

    token = environ.get(ENV_TOKEN) or _string(telegram, "telegram.token", "token", "")
    base_url = _url(telegram, "telegram.base_url", "base_url", TelegramSettings.base_url)
    base_file_url = _url(
        telegram, "telegram.base_file_url", "base_file_url", TelegramSettings.base_file_url
    )
    db_url = environ.get(ENV_DATABASE_URL) or _string(
        database, "database.url", "url", DEFAULT_DATABASE_URL
    )
    if "://" not in db_url:
        raise ConfigError("database.url", "must be a database URL such as sqlite:///data/bot.db")

    timezone = _string(app, "app.timezone", "timezone", AppSettings.timezone)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("app.timezone", f"unknown time zone {timezone!r}") from None
    language = _string(app, "app.default_language", "default_language", "vi")
    if language not in LANGUAGES:
        raise ConfigError("app.default_language", f"must be one of {', '.join(LANGUAGES)}")

    admins_raw = access.get("admins", [])
    if not isinstance(admins_raw, list) or not all(
        isinstance(admin, int) and not isinstance(admin, bool) and admin > 0 for admin in admins_raw
    ):
        raise ConfigError("access.admins", "must be a list of Telegram user ids (numbers)")

    return Settings(
        telegram=TelegramSettings(
            token=SecretStr(token), base_url=base_url, base_file_url=base_file_url
        ),
        database=DatabaseSettings(url=db_url),
        app=AppSettings(timezone=timezone, default_language=language),
        access=AccessSettings(admins=frozenset(admins_raw)),
    )


def _section(raw: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, Mapping):
        raise ConfigError(name, "must be a table ([" + name + "])")
    return value


def _string(section: Mapping[str, Any], key: str, name: str, default: str) -> str:
    value = section.get(name, default)
    if not isinstance(value, str):
        raise ConfigError(key, "must be a string")
    return value


def _url(section: Mapping[str, Any], key: str, name: str, default: str) -> str:
    value = _string(section, key, name, default)
    if not value.startswith(("http://", "https://")):
        raise ConfigError(key, "must start with http:// or https://")
    return value
