"""Percentages of a whole that add up to exactly 100 (largest-remainder rounding).

Rounding each share on its own gives "7% … 7% … 87%" = 101%; every place that shows the parts
of a whole as percentages uses :func:`percentages` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

K = TypeVar("K")


def percentages(counts: Mapping[K, int]) -> dict[K, int]:
    """Each key's whole-number share of the total; the shares sum to 100 (or all are 0).

    Every share is its exact value rounded down; the points still missing go to the largest
    remainders (ties: the smaller count first, so equal counts show equal shares where they
    can and a small category is not shown smaller than it is; then the order of ``counts``).
    """
    total = sum(counts.values())
    if total <= 0:
        return dict.fromkeys(counts, 0)
    floors = {key: 100 * count // total for key, count in counts.items()}
    missing = 100 - sum(floors.values())
    order = sorted(
        enumerate(counts.items()),
        key=lambda item: (-(100 * item[1][1] % total), item[1][1], item[0]),
    )
    for _, (key, _count) in order[:missing]:
        floors[key] += 1
    return floors
