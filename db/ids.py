"""Ids typed by users or carried in buttons: parsed in one place, with the database's range.

Every command argument and every callback-data part that names a row goes through
:func:`parse_id` (or :func:`button_id` for buttons), so a 20-digit number, a superscript digit
or a forged button is refused with a localized answer before it reaches a query (SQLite raises
``OverflowError`` beyond 64 bits; PostgreSQL's INTEGER keys stop at 2**31 - 1).
"""

from __future__ import annotations

import re

from db.errors import AppError, NotFound

# Primary keys are INTEGER on PostgreSQL (int4); no row id can be larger.
MAX_ROW_ID = 2**31 - 1
# Telegram user and chat ids are stored as BIGINT.
MAX_TELEGRAM_ID = 2**63 - 1

# ASCII digits only: str.isdigit() also accepts '²' and '٣', which int() rejects or reads.
_ID = re.compile(r"#?([0-9]+)")
_MAX_DIGITS = 19  # more cannot be in range, and int() of thousands of digits is refused


def id_in_range(text: str, *, limit: int = MAX_ROW_ID) -> int | None:
    """The id ``text`` names (``12`` or ``#12``), or None when it is not an id within range."""
    match = _ID.fullmatch(text.strip())
    if match is None or len(match.group(1).lstrip("0")) > _MAX_DIGITS:
        return None
    value = int(match.group(1))
    return value if 1 <= value <= limit else None


def looks_like_id(text: str) -> bool:
    """Whether ``text`` is written as an id (``12``, ``#12``), whatever its size."""
    return _ID.fullmatch(text.strip()) is not None


def parse_id(text: str, *, limit: int = MAX_ROW_ID) -> int | None:
    """A command argument naming a row: None when it is not written as an id (the caller shows
    its usage); :class:`NotFound` when it is but no row can carry it (0, 20 digits)."""
    if not looks_like_id(text):
        return None
    value = id_in_range(text, limit=limit)
    if value is None:
        raise NotFound("id_out_of_range", ref=text.strip()[:24])
    return value


def button_id(text: str) -> int:
    """An id inside callback data; anything else is a stale or forged button."""
    value = id_in_range(text)
    if value is None or text.startswith("#"):
        raise AppError("stale_button")
    return value


def button_number(text: str, *, limit: int = 10_000) -> int:
    """A small number inside callback data (a page); anything else is a stale or forged button."""
    if not re.fullmatch(r"[0-9]{1,10}", text) or int(text) > limit:
        raise AppError("stale_button")
    return int(text)
