"""Reading a deadline a user typed, or answering with the forms that are understood."""

from __future__ import annotations

from datetime import UTC

from bot.context import BotContext
from db.errors import InvalidInput
from db.tasks import DueReading
from db.text_input import normalize_text
from schedules.dates import (
    ACCEPTED_EXAMPLES,
    DueWindow,
    Recurrence,
    examples_for,
    parse_deadline,
    parse_due,
)

NO_DEADLINE_WORDS = {"không", "khong", "none", "no", "-", "không có", "khong co", "không có hạn"}


def parse_window(context: BotContext, text: str) -> DueWindow:
    """The window ``text`` names, or InvalidInput listing accepted examples."""
    text = normalize_text(text, multiline=False)  # it is stored as written (due_text)
    window = parse_due(
        text, now=context.runtime.clock.now(), tz=context.runtime.settings.app.timezone
    )
    if window is None:
        examples = "\n".join(f"• {example}" for example in ACCEPTED_EXAMPLES[context.lang])
        raise InvalidInput("due_not_understood", text=text, examples=examples)
    return window


def as_reading(window: DueWindow) -> DueReading:
    return DueReading(
        text=window.text,
        start=window.start.astimezone(UTC),
        end=window.end.astimezone(UTC),
        precision=window.precision,
    )


def read_due(context: BotContext, text: str) -> DueReading:
    return as_reading(parse_window(context, text))


def is_no_deadline(text: str) -> bool:
    return text.strip().lower() in NO_DEADLINE_WORDS


def parse_window_or_schedule(context: BotContext, text: str) -> DueWindow | Recurrence:
    """A one-off window or a recurring schedule, or InvalidInput with the fitting examples."""
    text = normalize_text(text, multiline=False)  # it is stored as written (due_text)
    reading = parse_deadline(
        text, now=context.runtime.clock.now(), tz=context.runtime.settings.app.timezone
    )
    if reading is None:
        examples = "\n".join(f"• {example}" for example in examples_for(text, context.lang))
        raise InvalidInput("due_not_understood", text=text, examples=examples)
    return reading
