"""Domain errors. Each carries a catalogue key so the bot can answer in the user's language."""

from __future__ import annotations


class AppError(Exception):
    """An expected failure that the user should be told about (never a bug)."""

    default_key = "error_apology"

    def __init__(self, key: str | None = None, /, **params: object) -> None:
        self.key = key or self.default_key
        self.params = params
        super().__init__(self.key, params)


class NotFound(AppError):
    default_key = "not_found"


class Forbidden(AppError):
    default_key = "forbidden"


class InvalidInput(AppError):
    default_key = "invalid_input"


class Conflict(AppError):
    default_key = "conflict"
