from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.formatting import MESSAGE_LIMIT, callback_data, local_time, split_message


def test_short_text_is_one_part() -> None:
    assert split_message("xin chào") == ["xin chào"]


def test_long_text_splits_at_line_breaks_under_the_limit() -> None:
    lines = [f"dòng {n} " + "x" * 50 for n in range(300)]
    parts = split_message("\n".join(lines))
    assert len(parts) > 1
    assert all(len(part) <= MESSAGE_LIMIT for part in parts)
    assert "\n".join(parts).split("\n") == lines


@given(st.text(alphabet=st.sampled_from("ab\nđ "), max_size=20_000))
def test_split_keeps_every_character_and_respects_the_limit(text: str) -> None:
    parts = split_message(text, limit=100)
    assert all(len(part) <= 100 for part in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_callback_data_is_limited_to_64_bytes() -> None:
    assert callback_data("upd", 12, "done") == "upd:12:done"
    with pytest.raises(ValueError, match="64 bytes"):
        callback_data("x" * 40, "đ" * 20)


def test_local_time_shows_hanoi_time() -> None:
    assert local_time(datetime(2023, 12, 5, 7, 0, tzinfo=UTC), "Asia/Ho_Chi_Minh") == (
        "14:00 05/12/2023"
    )
