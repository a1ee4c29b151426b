from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.formatting import (
    MESSAGE_LIMIT,
    callback_data,
    local_time,
    split_message,
    utf16_length,
)


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


# --- the splitter on Telegram HTML, counted in UTF-16 code units ----------------------------

USER_TEXT = st.text(alphabet=st.sampled_from("ab đ\n<>&\"'😀\u200b"), max_size=400)
TAGS = [("<b>", "</b>"), ("<i>", "</i>"), ("<code>", "</code>"), ('<a href="tg://x">', "</a>")]


@st.composite
def html_messages(draw: st.DrawFn) -> tuple[str, str]:
    """(Telegram HTML, the text a reader sees) built from escaped user text and nested tags."""
    html_parts: list[str] = []
    seen: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        raw = draw(USER_TEXT)
        escaped = html.escape(raw, quote=False)
        depth = draw(st.integers(0, 2))
        chosen = [draw(st.sampled_from(TAGS)) for _ in range(depth)]
        html_parts.append(
            "".join(o for o, _ in chosen) + escaped + "".join(c for _, c in reversed(chosen))
        )
        seen.append(raw)
    return "".join(html_parts), "".join(seen)


def _well_formed(part: str) -> None:
    """Every '&' starts a whole entity and every tag opened in the part is closed in it."""
    assert re.fullmatch(r"(?:[^&]|&(?:lt|gt|amp|quot|#\d+);)*", part), part
    stack: list[str] = []
    for closing, name in re.findall(r"<(/?)([a-z]+)[^>]*>", part):
        if closing:
            assert stack and stack.pop() == name, part
        else:
            stack.append(name)
    assert not stack, part


# From 120 units: room for two nested opening tags, their closing tags and one token.
@settings(max_examples=300)
@given(html_messages(), st.integers(min_value=120, max_value=400))
def test_split_never_cuts_an_entity_or_a_tag_and_counts_utf16(
    message: tuple[str, str], limit: int
) -> None:
    text, seen = message
    parts = split_message(text, limit=limit)
    for part in parts:
        assert utf16_length(part) <= limit
        _well_formed(part)
    read = html.unescape(re.sub(r"<[^>]*>", "", "".join(parts)))
    assert read.replace("\n", "") == seen.replace("\n", "")


@pytest.mark.parametrize(
    ("unit", "count", "expected_parts"),
    [
        ("😀", MESSAGE_LIMIT // 2, 1),  # 4,096 UTF-16 units: exactly one message
        ("😀", MESSAGE_LIMIT // 2 + 1, 2),  # one unit over: two
        ("&lt;", MESSAGE_LIMIT // 4, 1),
        ("&lt;", MESSAGE_LIMIT // 4 + 1, 2),
        ("đ", MESSAGE_LIMIT, 1),
        ("đ", MESSAGE_LIMIT + 1, 2),
    ],
)
def test_split_at_telegrams_boundary(unit: str, count: int, expected_parts: int) -> None:
    parts = split_message(unit * count)
    assert len(parts) == expected_parts
    assert all(utf16_length(part) <= MESSAGE_LIMIT for part in parts)
    assert "".join(parts) == unit * count


def test_3500_emoji_are_two_messages() -> None:
    parts = split_message("😀" * 3500)
    assert [utf16_length(part) for part in parts] == [4096, 7000 - 4096]


@settings(max_examples=60)
@given(
    st.lists(st.sampled_from(["😀", "&lt;", "&amp;", "đ", "a", " ", "\n"]), min_size=1, max_size=8),
    st.integers(min_value=MESSAGE_LIMIT - 40, max_value=MESSAGE_LIMIT + 40),
)
def test_one_message_exactly_up_to_4096_utf16_units(pieces: list[str], target: int) -> None:
    text = ""
    while utf16_length(text) < target:
        text += pieces[len(text) % len(pieces)]
    text = text.strip() or "a"
    parts = split_message(text)
    assert (len(parts) == 1) == (utf16_length(text) <= MESSAGE_LIMIT)
    assert all(utf16_length(part) <= MESSAGE_LIMIT for part in parts)
    assert html.unescape("".join(parts)).replace("\n", "") == html.unescape(text).replace("\n", "")
