"""Percentages of a whole add up to 100."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from db.shares import percentages


def test_the_overview_of_the_review_sums_to_100() -> None:
    # 1, 1 and 13 of 15 tasks: rounded alone, 7% + 7% + 87% = 101%.
    shares = percentages({"overdue": 1, "at_risk": 1, "on_track": 13})
    assert shares == {"overdue": 7, "at_risk": 7, "on_track": 86}


def test_nothing_counted_is_all_zero() -> None:
    assert percentages({"a": 0, "b": 0}) == {"a": 0, "b": 0}


@given(st.dictionaries(st.text(max_size=3), st.integers(0, 10_000), min_size=1, max_size=8))
def test_shares_sum_to_100_and_stay_within_one_point(counts: dict[str, int]) -> None:
    shares = percentages(counts)
    total = sum(counts.values())
    if total == 0:
        assert set(shares.values()) == {0}
        return
    assert sum(shares.values()) == 100
    for key, count in counts.items():
        assert abs(shares[key] - 100 * count / total) < 1
