"""Shaping messages for Telegram's limits."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64


# Telegram HTML, read as tokens that are never cut: a tag, an entity, a line break, a run of
# spaces, a run of at most 32 other characters (so an overlong word can still be cut), or one
# stray character.
_TOKEN = re.compile(
    r"<[^<>]*>|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});|\n|[^\S\n]+"
    r"|[^<&\s]{1,32}|[\s\S]"
)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")


def utf16_length(text: str) -> int:
    """The length Telegram counts: UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The one message splitter: parts of at most ``limit`` UTF-16 code units.

    Cuts fall between tokens (never inside an entity such as ``&lt;`` or a tag), preferably at
    a line break, else at a space; a tag open at a cut is closed at the end of the part and
    opened again at the start of the next, so every part is valid Telegram HTML.
    """
    if utf16_length(text) <= limit:
        return [text]
    tokens = _TOKEN.findall(text)
    parts: list[str] = []
    stack: list[tuple[str, str]] = []  # (tag name, the opening tag as written)
    start = 0
    while start < len(tokens):
        while start < len(tokens) and tokens[start] == "\n":
            start += 1  # a part never starts with an empty line
        if start == len(tokens):
            break
        end, stack_at_end = _part_end(tokens, start, stack, limit)
        body = "".join(opening for _, opening in stack)
        body += "".join(tokens[start:end]).rstrip("\n")
        body += "".join(f"</{name}>" for name, _ in reversed(stack_at_end))
        parts.append(body)
        start, stack = end, stack_at_end
    return parts or [text[:limit]]


def _part_end(
    tokens: list[str], start: int, stack: list[tuple[str, str]], limit: int
) -> tuple[int, list[tuple[str, str]]]:
    """Where the part starting at ``start`` ends, and the tags open there."""
    used = sum(utf16_length(opening) for _, opening in stack)
    current = list(stack)
    at_line: tuple[int, list[tuple[str, str]]] | None = None
    at_space: tuple[int, list[tuple[str, str]]] | None = None
    index = start
    while index < len(tokens):
        token = tokens[index]
        after = _apply_tag(current, token)
        closing = sum(len(name) + 3 for name, _ in after)
        if used + utf16_length(token) + closing > limit:
            break
        used += utf16_length(token)
        current = after
        index += 1
        if token == "\n":
            at_line = (index, current)
        elif token.isspace():
            at_space = (index, current)
    if index == len(tokens):
        return index, current
    half = start + (index - start) // 2
    for candidate in (at_line, at_space):
        if candidate is not None and candidate[0] > half:
            return candidate
    if index == start:  # one token longer than a whole part (a huge tag): give it a part
        return index + 1, _apply_tag(current, tokens[index])
    return index, current


def _apply_tag(stack: list[tuple[str, str]], token: str) -> list[tuple[str, str]]:
    match = _TAG.match(token) if token.startswith("<") and token.endswith(">") else None
    if match is None:
        return stack
    closing, name = match.group(1) == "/", match.group(2).lower()
    if not closing:
        return [*stack, (name, token)]
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth][0] == name:
            return stack[:depth] + stack[depth + 1 :]
    return stack


def callback_data(*parts: object) -> str:
    """Join button data parts with ':' and refuse anything over Telegram's 64-byte limit."""
    data = ":".join(str(part) for part in parts)
    if len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return data


def local_time(moment: datetime, timezone: str) -> str:
    """A UTC moment shown as dd/mm/yyyy HH:MM in ``timezone``."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M %d/%m/%Y")
