"""Which time zone to show a council's times in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from db.models import Council


def zone_of(council: Council | None, settings: Settings) -> str:
    """The council's own zone if it has one, else the configured default."""
    return (council.timezone if council and council.timezone else None) or settings.app.timezone
