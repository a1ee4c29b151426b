"""Cutting a report into pages: shared by the renderers and by the overview, which works out
which tasks a page shows before it loads them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

Item = TypeVar("Item")


def paginate(items: list[Item], size: int, is_heading: Callable[[Item], bool]) -> list[list[Item]]:
    """Cut a list into pages of ``size``, never leaving a heading alone at the bottom of a page."""
    pages: list[list[Item]] = []
    current: list[Item] = []
    for item in items:
        current.append(item)
        if len(current) >= size:
            carried = [current.pop()] if is_heading(current[-1]) else []
            pages.append(current)
            current = carried
    if current:
        pages.append(current)
    return pages or [[]]
