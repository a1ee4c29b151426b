"""Shaping messages for Telegram's limits."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split ``text`` into parts under ``limit`` characters, at line breaks where possible.

    Renderers keep every HTML tag within one line, so a cut between lines never splits a tag.
    """
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single overlong line: cut it hard
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts


def callback_data(*parts: object) -> str:
    """Join button data parts with ':' and refuse anything over Telegram's 64-byte limit."""
    data = ":".join(str(part) for part in parts)
    if len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return data


def local_time(moment: datetime, timezone: str) -> str:
    """A UTC moment shown as dd/mm/yyyy HH:MM in ``timezone``."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M %d/%m/%Y")
