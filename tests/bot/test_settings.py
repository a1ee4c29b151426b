"""Configuration: every key validated, one clear line per problem, the token never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import (
    DEFAULT_DATABASE_URL,
    ConfigError,
    SecretStr,
    load_settings,
    settings_from_mapping,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_example_config_loads_with_documented_defaults() -> None:
    settings = load_settings(EXAMPLE, environ={})
    assert settings.app.timezone == "Asia/Ho_Chi_Minh"
    assert settings.app.default_language == "vi"
    assert settings.database.url == DEFAULT_DATABASE_URL
    assert settings.telegram.base_url == "https://api.telegram.org/bot"


def test_every_key_of_the_example_is_commented() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "[")):
            assert lines[index - 1].strip().startswith("#"), f"key without a comment: {line!r}"


def test_environment_overrides_token_and_database_url(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[telegram]\ntoken = "1:file"\n[database]\nurl = "sqlite:///a.db"\n')
    settings = load_settings(
        config,
        environ={
            "COUNCILBOT_TELEGRAM_TOKEN": "2:env",
            "COUNCILBOT_DATABASE_URL": "postgresql+psycopg://x@h/db",
        },
    )
    assert settings.telegram.token.get_secret_value() == "2:env"
    assert settings.database.url == "postgresql+psycopg://x@h/db"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"app": {"timezone": "Mars/Olympus"}}, "app.timezone"),
        ({"app": {"default_language": "fr"}}, "app.default_language"),
        ({"access": {"admins": ["abc"]}}, "access.admins"),
        ({"access": {"admins": 5}}, "access.admins"),
        ({"access": {"admins": [True]}}, "access.admins"),
        ({"telegram": {"base_url": "ftp://x"}}, "telegram.base_url"),
        ({"telegram": {"base_file_url": 3}}, "telegram.base_file_url"),
        ({"telegram": {"token": 12345}}, "telegram.token"),
        ({"database": {"url": "data/bot.db"}}, "database.url"),
        ({"telegram": "token"}, "telegram"),
        ({"colour": {}}, "colour"),
    ],
)
def test_invalid_values_name_the_key(raw: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as error:
        settings_from_mapping(raw, environ={})
    assert error.value.key == key
    assert str(error.value).startswith(f"config: {key}: ")
    assert "\n" not in str(error.value)


def test_missing_token_names_the_key_and_the_variable() -> None:
    settings = settings_from_mapping({}, environ={})
    with pytest.raises(ConfigError) as error:
        settings.require_token()
    assert error.value.key == "telegram.token"
    assert "COUNCILBOT_TELEGRAM_TOKEN" in str(error.value)


def test_bad_toml_and_missing_file_are_config_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[telegram\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(broken, environ={})
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "absent.toml", environ={})


def test_token_never_shows_in_repr() -> None:
    settings = settings_from_mapping({"telegram": {"token": "999:SECRET"}}, environ={})
    assert "999:SECRET" not in repr(settings)
    assert "999:SECRET" not in str(settings.telegram.token)
    assert settings.require_token() == "999:SECRET"
    assert SecretStr("a") == SecretStr("a")
    assert not SecretStr("")


def test_webhook_settings_and_the_secret_from_the_environment() -> None:
    raw = {
        "telegram": {"mode": "webhook"},
        "webhook": {"port": 8443, "path": "/tg", "public_url": "https://bot.example/tg"},
    }
    settings = settings_from_mapping(raw, environ={"COUNCILBOT_WEBHOOK_SECRET": "s3cret_-X"})
    assert settings.telegram.mode == "webhook"
    assert (settings.webhook.port, settings.webhook.path) == (8443, "/tg")
    assert settings.webhook.secret_token.get_secret_value() == "s3cret_-X"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"telegram": {"mode": "push"}}, "telegram.mode"),
        ({"webhook": {"port": 70000}}, "webhook.port"),
        ({"webhook": {"path": "telegram"}}, "webhook.path"),
        ({"webhook": {"path": "/healthz"}}, "webhook.path"),
        ({"webhook": {"public_url": "http://insecure"}}, "webhook.public_url"),
        ({"webhook": {"secret_token": "has space"}}, "webhook.secret_token"),
        ({"webhook": {"colour": 1}}, "webhook.colour"),
    ],
)
def test_invalid_webhook_values_name_the_key(raw: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as error:
        settings_from_mapping(raw, environ={})
    assert error.value.key == key
