"""Configuration: one TOML file, validated into one settings object.

Secrets and the database URL may be overridden from the environment so that a config file can be
committed to a deployment repository without them. A bad value stops start-up with one line that
names the key; the token never appears in any message or repr.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
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
    mode: str = "polling"  # or "webhook"


@dataclass(frozen=True)
class WebhookSettings:
    """[webhook]: the HTTP server Telegram posts updates to (behind a TLS reverse proxy)."""

    listen: str = "127.0.0.1"
    port: int = 8080
    path: str = "/telegram"
    public_url: str = ""  # what Telegram calls, e.g. https://bot.example.gov.vn/telegram
    secret_token: SecretStr = field(default_factory=lambda: SecretStr(""))


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = DEFAULT_DATABASE_URL


@dataclass(frozen=True)
class AppSettings:
    timezone: str = "Asia/Ho_Chi_Minh"
    default_language: str = "vi"
    # A task whose deadline is this close is "Sắp đến hạn" (due soon).
    due_soon_days: int = 7

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class AccessSettings:
    admins: frozenset[int] = frozenset()
    invitation_days: int = 7


@dataclass(frozen=True)
class RemindersSettings:
    """[reminders]: when reminders are planned and how they are delivered (docs/reminders.md)."""

    days_before: tuple[int, ...] = (14, 7, 3, 1)
    on_the_day: bool = True
    time_of_day: time = time(8, 30)
    overdue_every_working_days: int = 3
    escalate_after_overdue: int = 2
    overdue_max_reminders: int = 10
    no_deadline_nudge_days: int = 30
    meeting_notice: bool = True
    meeting_before: tuple[timedelta, ...] = (
        timedelta(days=7),
        timedelta(days=1),
        timedelta(hours=2),
    )
    late_send_max_age_days: int = 3
    dispatcher_tick_seconds: int = 60
    max_attempts: int = 5
    backoff_seconds: int = 30
    backoff_max_seconds: int = 3600
    stale_claim_minutes: int = 5


@dataclass(frozen=True)
class CalendarSettings:
    """[calendar]: working days and hours; Vietnamese public holidays come built in."""

    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    start: time = time(8, 0)
    end: time = time(17, 0)
    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()


@dataclass(frozen=True)
class DigestSettings:
    """[digest]: when the weekly digest goes to the secretariat and the chair."""

    weekday: int = 0  # Monday = 0
    time: time = time(8, 0)


@dataclass(frozen=True)
class Settings:
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    app: AppSettings = field(default_factory=AppSettings)
    access: AccessSettings = field(default_factory=AccessSettings)
    reminders: RemindersSettings = field(default_factory=RemindersSettings)
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    webhook: WebhookSettings = field(default_factory=WebhookSettings)

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
    known_sections = {
        "telegram",
        "database",
        "app",
        "access",
        "reminders",
        "calendar",
        "digest",
        "webhook",
    }
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
    invitation_days = access.get("invitation_days", AccessSettings.invitation_days)
    if (
        not isinstance(invitation_days, int)
        or isinstance(invitation_days, bool)
        or not 1 <= invitation_days <= 90
    ):
        raise ConfigError("access.invitation_days", "must be a whole number of days from 1 to 90")

    mode = _string(telegram, "telegram.mode", "mode", TelegramSettings.mode)
    if mode not in ("polling", "webhook"):
        raise ConfigError("telegram.mode", 'must be "polling" or "webhook"')

    return Settings(
        telegram=TelegramSettings(
            token=SecretStr(token), base_url=base_url, base_file_url=base_file_url, mode=mode
        ),
        database=DatabaseSettings(url=db_url),
        app=AppSettings(
            timezone=timezone,
            default_language=language,
            due_soon_days=_whole_number(
                app, "app.due_soon_days", "due_soon_days", AppSettings.due_soon_days, 1, 90
            ),
        ),
        access=AccessSettings(admins=frozenset(admins_raw), invitation_days=invitation_days),
        reminders=_reminders_settings(_section(raw, "reminders")),
        calendar=_calendar_settings(_section(raw, "calendar")),
        digest=_digest_settings(_section(raw, "digest")),
        webhook=_webhook_settings(_section(raw, "webhook"), environ),
    )


def _webhook_settings(section: Mapping[str, Any], environ: Mapping[str, str]) -> WebhookSettings:
    _no_unknown_keys(section, "webhook", WebhookSettings)
    default = WebhookSettings()
    path = _string(section, "webhook.path", "path", default.path)
    if not path.startswith("/") or path == "/healthz":
        raise ConfigError("webhook.path", 'must start with "/" and not be "/healthz"')
    public_url = _string(section, "webhook.public_url", "public_url", "")
    if public_url and not public_url.startswith("https://"):
        raise ConfigError("webhook.public_url", "must start with https:// (Telegram requires TLS)")
    secret = environ.get(ENV_WEBHOOK_SECRET) or _string(
        section, "webhook.secret_token", "secret_token", ""
    )
    if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise ConfigError(
            "webhook.secret_token", "must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return WebhookSettings(
        listen=_string(section, "webhook.listen", "listen", default.listen),
        port=_whole_number(section, "webhook.port", "port", default.port, 1, 65535),
        path=path,
        public_url=public_url,
        secret_token=SecretStr(secret),
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


def _whole_number(
    section: Mapping[str, Any], key: str, name: str, default: int, low: int, high: int
) -> int:
    value = section.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ConfigError(key, f"must be a whole number from {low} to {high}")
    return value


# --- [reminders], [calendar], [digest] --------------------------------------------------------

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _reminders_settings(section: Mapping[str, Any]) -> RemindersSettings:
    _no_unknown_keys(section, "reminders", RemindersSettings)
    d = RemindersSettings()

    def number(name: str, low: int, high: int) -> int:
        return _whole_number(section, f"reminders.{name}", name, getattr(d, name), low, high)

    days_before = section.get("days_before", list(d.days_before))
    if not isinstance(days_before, list) or not all(
        isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 365
        for days in days_before
    ):
        raise ConfigError(
            "reminders.days_before", "must be a list of whole numbers of days from 1 to 365"
        )
    meeting_before = section.get("meeting_before", ["7d", "1d", "2h"])
    if not isinstance(meeting_before, list):
        raise ConfigError("reminders.meeting_before", 'must be a list such as ["7d", "1d", "2h"]')
    settings = RemindersSettings(
        days_before=tuple(sorted(set(days_before), reverse=True)),
        on_the_day=_flag(section, "reminders.on_the_day", "on_the_day", d.on_the_day),
        time_of_day=_clock_time(section, "reminders.time_of_day", "time_of_day", d.time_of_day),
        overdue_every_working_days=number("overdue_every_working_days", 1, 60),
        escalate_after_overdue=number("escalate_after_overdue", 0, 100),
        overdue_max_reminders=number("overdue_max_reminders", 0, 100),
        no_deadline_nudge_days=number("no_deadline_nudge_days", 0, 365),
        meeting_notice=_flag(section, "reminders.meeting_notice", "meeting_notice", True),
        meeting_before=tuple(
            sorted(
                {_duration("reminders.meeting_before", item) for item in meeting_before},
                reverse=True,
            )
        ),
        late_send_max_age_days=number("late_send_max_age_days", 1, 60),
        dispatcher_tick_seconds=number("dispatcher_tick_seconds", 5, 3600),
        max_attempts=number("max_attempts", 1, 100),
        backoff_seconds=number("backoff_seconds", 1, 86_400),
        backoff_max_seconds=number("backoff_max_seconds", 1, 86_400),
        stale_claim_minutes=number("stale_claim_minutes", 1, 1440),
    )
    if settings.backoff_max_seconds < settings.backoff_seconds:
        raise ConfigError("reminders.backoff_max_seconds", "must not be less than backoff_seconds")
    return settings


def _calendar_settings(section: Mapping[str, Any]) -> CalendarSettings:
    _no_unknown_keys(section, "calendar", CalendarSettings)
    d = CalendarSettings()
    workdays_raw = section.get("workdays", [WEEKDAYS[day][:3] for day in sorted(d.workdays)])
    short_names = [day[:3] for day in WEEKDAYS]
    if (
        not isinstance(workdays_raw, list)
        or not workdays_raw
        or not all(isinstance(day, str) and day.lower()[:3] in short_names for day in workdays_raw)
    ):
        raise ConfigError("calendar.workdays", 'must be a non-empty list such as ["mon", "fri"]')
    start = _clock_time(section, "calendar.start", "start", d.start)
    end = _clock_time(section, "calendar.end", "end", d.end)
    if not start < end:
        raise ConfigError("calendar.end", "must be later than calendar.start")
    holidays = _dates(section, "calendar.extra_holidays", "extra_holidays")
    workdays = _dates(section, "calendar.extra_workdays", "extra_workdays")
    if holidays & workdays:
        raise ConfigError("calendar.extra_workdays", "a day cannot also be an extra holiday")
    return CalendarSettings(
        workdays=frozenset(short_names.index(day.lower()[:3]) for day in workdays_raw),
        start=start,
        end=end,
        extra_holidays=holidays,
        extra_workdays=workdays,
    )


def _digest_settings(section: Mapping[str, Any]) -> DigestSettings:
    _no_unknown_keys(section, "digest", DigestSettings)
    weekday = _string(section, "digest.weekday", "weekday", "monday").lower()
    if weekday not in WEEKDAYS:
        raise ConfigError("digest.weekday", f"must be one of {', '.join(WEEKDAYS)}")
    return DigestSettings(
        weekday=WEEKDAYS.index(weekday),
        time=_clock_time(section, "digest.time", "time", DigestSettings.time),
    )


def _no_unknown_keys(section: Mapping[str, Any], name: str, shape: type) -> None:
    known = set(shape.__dataclass_fields__)  # type: ignore[attr-defined]
    for key in section:
        if key not in known:
            raise ConfigError(f"{name}.{key}", "unknown key")


def _flag(section: Mapping[str, Any], key: str, name: str, default: bool) -> bool:
    value = section.get(name, default)
    if not isinstance(value, bool):
        raise ConfigError(key, "must be true or false")
    return value


def _clock_time(section: Mapping[str, Any], key: str, name: str, default: time) -> time:
    value = section.get(name, default.strftime("%H:%M"))
    if isinstance(value, time):  # TOML's own local-time type: 08:30:00
        return value.replace(tzinfo=None)
    try:
        hours, minutes = (int(part) for part in str(value).split(":"))
        return time(hours, minutes)
    except ValueError:
        raise ConfigError(key, 'must be a time of day such as "08:30"') from None


_DURATION_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def _duration(key: str, value: object) -> timedelta:
    text = str(value).strip().lower() if isinstance(value, str) else ""
    amount, unit = text[:-1], text[-1:]
    if unit not in _DURATION_UNITS or not amount.isdigit() or int(amount) <= 0:
        raise ConfigError(key, f'{value!r} is not a duration such as "7d", "2h" or "30m"')
    return timedelta(**{_DURATION_UNITS[unit]: int(amount)})


def _dates(section: Mapping[str, Any], key: str, name: str) -> frozenset[date]:
    values = section.get(name, [])
    if not isinstance(values, list):
        raise ConfigError(key, 'must be a list of days such as ["2024-04-29"]')
    days: set[date] = set()
    for value in values:
        if isinstance(value, date) and not hasattr(value, "hour"):  # a TOML date: 2024-04-29
            days.add(value)
            continue
        try:
            days.add(date.fromisoformat(str(value)))
        except ValueError:
            raise ConfigError(key, f"{value!r} is not a day written YYYY-MM-DD") from None
    return frozenset(days)
