"""A task's or a meeting's deadline: the longest phrase after a deadline word that
:func:`schedules.dates.parse_due` reads whole, at the letter's date. Never a guess: a phrase
relative to something unknown, recurring, already over, or two different deadlines give no
deadline and a warning key.
"""

from __future__ import annotations

import re
from datetime import datetime

from schedules.dates import DueWindow, parse_due

# Deadline phrases start with one of these words (lowercase) or open the sentence.
_DUE_ANCHORS = frozenset(
    {"trước", "trong", "chậm", "muộn", "không", "hạn", "thời", "vào", "xong", "từ", "đến"}
)
_ROMAN_WORDS = frozenset({"I", "II", "III", "IV"})
_RECURRING = re.compile(r"\b(?:hằng|hàng)\s+(?:năm|quý|tháng|tuần|ngày)\b|\bđịnh kỳ\b", re.I)
_UNSURE_AFTER = re.compile(r"^\W*(?:kể từ|tính từ|sau khi|từ khi|làm việc)\b", re.I)
MAX_DUE_WORDS = 16
_WORD = re.compile(r"\S+")


_WORD = re.compile(r"\S+")


def find_due(
    text: str, *, at: datetime, tz: str, meeting: bool = False
) -> tuple[str | None, DueWindow | None, str | None]:
    """(phrase as written, its window, warning key) for the deadline ``text`` sets, if any."""
    words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]
    found: list[tuple[str, DueWindow, int]] = []
    i = 0
    while i < len(words):
        word = words[i][0].lower().strip("(,")
        if word not in _DUE_ANCHORS and i != 0:
            i += 1
            continue
        best: tuple[str, DueWindow, int] | None = None
        for j in range(min(len(words), i + MAX_DUE_WORDS), i, -1):
            last = words[j - 1][0].rstrip(",.;:)/")
            before = words[j - 2][0] if j - 2 >= i else ""
            if not (
                any(c.isdigit() for c in last)
                or last in _ROMAN_WORDS
                or last.lower() in ("này", "ký", "hành")
                or any(c.isdigit() for c in before)  # "trong vòng 30 ngày"
            ):
                continue
            phrase = text[words[i][1] : words[j - 1][2]].rstrip(",.;:)/")
            window = parse_due(phrase, now=at, tz=tz)
            if window is not None:
                best = (phrase, window, words[j - 1][2])
                break
        if best is not None:
            found.append(best)
            i = next((k for k in range(i, len(words)) if words[k][1] >= best[2]), len(words))
        else:
            i += 1
    if not found:
        return None, None, None
    phrase, window, end = found[0]
    if len({item[1].end for item in found}) > 1:
        # "… trước ngày 15/10 để Bộ X tổng hợp, báo cáo Thủ tướng trước ngày 30/10": what
        # follows "để" is someone else's deadline; the agency's is the first.
        between = text[end : text.find(found[1][0], end)]
        if not re.search(r"\bđể\b", between):
            return phrase, None, "intake_warn_due_several"
    if _UNSURE_AFTER.match(text[end:]):
        return phrase, None, "intake_warn_due_relative"
    if not meeting and _RECURRING.search(text):
        return phrase, None, "intake_warn_due_recurring"
    if window.end < at.replace(hour=0, minute=0, second=0):
        return phrase, None, "intake_warn_due_past"
    return phrase, window, None
