"""The dispatcher's Telegram side: send one message, translate Telegram's errors.

The dispatcher (schedules/dispatcher.py) knows nothing of python-telegram-bot; this adapter maps
what Telegram answers onto the three outcomes it acts on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.formatting import split_message
from schedules.dispatcher import (
    Button,
    PermanentFailure,
    RetryLater,
    SendResult,
    TransientFailure,
)

# Bad requests that mean "this chat cannot be written to", not "this message is wrong".
_UNREACHABLE = ("chat not found", "user not found", "bot can't initiate", "user is deactivated")


class TelegramSender:
    """Sends HTML messages with optional buttons (two to a row); long texts are split."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, text: str, buttons: Sequence[Button]) -> SendResult:
        markup = (
            InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(label, callback_data=data) for label, data in row]
                    for row in _rows(buttons)
                ]
            )
            if buttons
            else None
        )
        parts = split_message(text)
        message_ids: list[int] = []
        with telegram_outcomes():
            for index, part in enumerate(parts):
                message = await self.bot.send_message(
                    chat_id=chat_id,
                    text=part,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup if index == len(parts) - 1 else None,
                    disable_web_page_preview=True,
                )
                message_ids.append(message.message_id)
        return SendResult(
            message_id=message_ids[-1] if message_ids else 0, parts=tuple(message_ids)
        )

    async def send_document(
        self, chat_id: int, file_name: str, content: bytes, caption: str
    ) -> SendResult:
        """A file (e.g. a meeting's .ics) with an optional caption."""
        with telegram_outcomes():
            message = await self.bot.send_document(
                chat_id=chat_id,
                document=InputFile(content, filename=file_name),
                caption=caption or None,
            )
        return SendResult(message_id=message.message_id)

    async def send_photo(self, chat_id: int, png: bytes, caption: str) -> SendResult:
        """A picture (e.g. the weekly digest's chart) with an HTML caption."""
        with telegram_outcomes():
            message = await self.bot.send_photo(
                chat_id=chat_id,
                photo=InputFile(png, filename="chart.png"),
                caption=caption[:1024] or None,
                parse_mode=ParseMode.HTML,
            )
        return SendResult(message_id=message.message_id)


@contextmanager
def telegram_outcomes() -> Iterator[None]:
    """Translate Telegram's errors into the three outcomes the senders act on."""
    try:
        yield
    except RetryAfter as exc:
        wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        raise RetryLater(seconds) from exc
    except Forbidden as exc:
        raise PermanentFailure(f"403 {exc.message}", unreachable=True) from exc
    except ChatMigrated as exc:
        raise PermanentFailure(f"chat migrated to {exc.new_chat_id}") from exc
    except BadRequest as exc:  # before NetworkError: BadRequest is a NetworkError
        unreachable = any(phrase in exc.message.lower() for phrase in _UNREACHABLE)
        raise PermanentFailure(f"400 {exc.message}", unreachable=unreachable) from exc
    except TimedOut as exc:
        raise TransientFailure("timed out") from exc
    except NetworkError as exc:
        raise TransientFailure(f"network: {exc.message}") from exc
    except TelegramError as exc:  # e.g. a bad token or a conflict: may be fixed by an operator
        raise TransientFailure(f"{type(exc).__name__}: {exc.message}") from exc


def _rows(buttons: Sequence[Button], per_row: int = 2) -> list[Sequence[Button]]:
    """Vietnamese labels are long: two buttons to a row stay readable on a phone."""
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
