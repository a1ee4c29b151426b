"""Recurring duties in a letter's task: "Định kỳ hằng năm, các Bộ … báo cáo … trước ngày 15
tháng 12" becomes a schedule (:class:`schedules.recurrence.Recurrence`).

In a letter the parts of a recurring deadline are scattered through the sentence: the period
("định kỳ hằng năm", "hằng quý", "báo cáo 6 tháng và hằng năm") opens it, the deadline within
the period ("trước ngày 15 tháng 12", "trước ngày 20 của tháng cuối quý") closes it, and the
years ("giai đoạn 2021–2025") may be anywhere. :func:`read_recurring` finds each part, puts them
together as one phrase and lets :func:`schedules.recurrence.parse_recurrence` read it, so a
letter's schedule means exactly what the same words typed in /assign mean. It never guesses:

* A period counts only where it says when the duty comes back: after "định kỳ" or "báo cáo", at
  the start of a clause ("Hằng quý, …"), or next to a deadline ("trước ngày 25 hằng tháng").
  "Kế hoạch phát triển kinh tế - xã hội hằng năm" names a plan, not a schedule.
* Two different periods, two different deadlines, a deadline that does not say where it falls
  in the period ("hằng quý, trước ngày 20"), or a one-off dated deadline beside the schedule
  give no schedule and a warning; so does "định kỳ" without a period.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from schedules.recurrence import Period, Recurrence, parse_recurrence, recurrence_phrase

__all__ = ["RecurringReading", "read_recurring"]


@dataclass(frozen=True)
class RecurringReading:
    """A task's recurring deadline: its schedule, or the warning (catalogue key) saying why
    there is none; ``written`` is what the letter says, ``phrase`` the schedule as stored."""

    schedule: Recurrence | None
    phrase: str | None
    written: str
    warning: str | None = None


def fold_same_length(text: str) -> str:
    """Lowercase, no tone marks, đ→d, character for character (positions stay valid)."""
    out = []
    for ch in text:
        low = ch.lower()
        if low == "đ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", low)[:1] or ch
        out.append(base if len(low) == 1 else ch)
    return "".join(out)


# "định kỳ" or, for a meeting, "thường kỳ" ("họp thường kỳ mỗi quý một lần").
_KY = r"(?:dinh|thuong) ky"
# "phiên họp thường kỳ tháng 11", "… tháng Mười": one month's meeting, not every month's.
_NOT_A_MONTH = (
    r"(?!\s*\d)(?!\s+(?:muoi|mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|gieng|chap|nay|toi)\b)"
)
_PERIODS: Final[tuple[tuple[Period, str], ...]] = (
    (
        "half_and_year",
        rf"(?:{_KY}\s+)?(?:6|sau)\s+thang\s*(?:,|;|va)\s*(?:va\s+)?(?:tong ket\s+)?"
        r"(?:hang\s+|ca\s+)?nam\b(?!\s*\d)",
    ),
    ("half", rf"{_KY}\s+(?:6|sau)\s+thang(?:\s+mot\s+lan)?|(?:6|sau)\s+thang\s+mot\s+lan"),
    (
        "quarter",
        rf"(?:{_KY}\s+)?(?:hang|moi)\s+quy\b|quy\s+mot\s+lan|{_KY}\s+(?:3|ba)\s+thang\b",
    ),
    (
        "month",
        rf"(?:{_KY}\s+)?(?:hang|moi)\s+thang\b{_NOT_A_MONTH}|thang\s+mot\s+lan"
        rf"|{_KY}\s+(?:01\s+|1\s+|mot\s+)?thang\b{_NOT_A_MONTH}",
    ),
    ("year", rf"(?:{_KY}\s+)?(?:hang|moi)\s+nam\b(?!\s*\d)|nam\s+mot\s+lan"),
)
# "báo cáo 6 tháng (trước ngày 15/6) và báo cáo năm (trước ngày 15/12)", "báo cáo sơ kết 6
# tháng và tổng kết năm": the half-year report named with the yearly one is the reporting
# regime, every year. "báo cáo 6 tháng đầu năm 2024", "6 tháng qua" name one half year.
_REPORT = r"(?:bao cao|gui)(?:\s+(?:so ket|ket qua|tinh hinh|danh gia|dinh ky))*"
_PAIRED: Final = re.compile(
    rf"\b{_REPORT}\s+(?P<half>(?:6|sau)\s+thang)\b"
    r"(?!\s+(?:dau|cuoi|qua|toi|nay|nam\s+\d)\b)(?!\s*[/-]?\s*\d)"
    r"[^.]{0,160}?(?:[,;(]|\bva\b)\s*(?:va\s+)?"
    r"(?P<year>(?:bao cao|tong ket)(?:\s+(?:tong ket|hang|ca))?\s+nam)\b"
    r"(?!\s+(?:dau|cuoi|qua|toi|nay|sau)\b)(?!\s+truoc\b(?!\s+(?:ngay|\d)))(?!\s*\d)"
)
_PERIOD_RES: Final = [(period, re.compile(rf"\b(?:{form})")) for period, form in _PERIODS]
_PERIOD_WORDS: Final[dict[str, str]] = {
    "month": "hang thang",
    "quarter": "hang quy",
    "half": "dinh ky 6 thang",
    "half_and_year": "6 thang va hang nam",
    "year": "hang nam",
}

_BY = r"(?:truoc|cham nhat(?:\s+la)?(?:\s+vao)?|khong qua|khong muon hon|han chot(?:\s+la)?)"
# A year after the day makes it a one-off date ("trước ngày 15/12/2021"), not a schedule's.
_NO_YEAR = r"(?!\s*(?:/|-|nam)\s*\d)"
_DEADLINES: Final = (
    (
        "pos",
        rf"\b{_BY}\s+(?:ngay\s+)?(?P<d>\d{{1,2}})\s+(?:cua\s+)?thang\s+"
        r"(?P<pos>dau|cuoi|giua|thu nhat|thu hai)\s+(?:cua\s+)?(?P<unit>quy|ky|nua nam|6 thang)\b",
    ),
    (
        "date",
        rf"\b{_BY}\s+(?:ngay\s+)?(?P<d>\d{{1,2}})(?:\s+thang\s+|\s*/\s*)(?P<m>\d{{1,2}})\b{_NO_YEAR}",
    ),
    ("day", rf"\b{_BY}\s+ngay\s+(?P<d>\d{{1,2}})\b(?!\s*(?:/|-|thang)\s*\d){_NO_YEAR}"),
)
_DEADLINE_RES: Final = [(kind, re.compile(form)) for kind, form in _DEADLINES]
_POSITION: Final = {"dau": "dau", "thu nhat": "dau", "giua": "giua", "thu hai": "giua"}
_YEARS: Final = re.compile(
    r"\b(?:(?:trong\s+)?(?:giai doan|thoi ky)|tu)\s+(?:nam\s+)?(?P<a>(?:19|20|21)\d\d)\s*"
    r"(?:-|–|—|den(?:\s+nam)?|toi(?:\s+nam)?)\s*(?P<b>(?:19|20|21)\d\d)\b"
)
_DINH_KY: Final = re.compile(r"\bdinh ky\b")
# A dated one-off deadline ("trước ngày 30/6/2021", "trong quý III năm 2023").
_DATED: Final = re.compile(
    rf"\b{_BY}\s+(?:ngay\s+)?\d{{1,2}}\s*(?:/|-|\s+thang\s+)\d{{1,2}}\s*(?:/|-|\s+nam\s+)\d{{4}}"
    r"|\btrong\s+(?:quy|thang)\s+\w+\s+nam\s+\d{4}"
)


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    kind: str
    words: str  # the part as parse_recurrence reads it (folded)


def read_recurring(text: str) -> RecurringReading | None:
    """The recurring deadline ``text`` (one task of a letter) sets; None if it sets none."""
    folded = fold_same_length(text)
    deadlines = _longest(_deadlines(folded))
    paired = _paired(folded)
    periods = [
        p
        for p in _longest(_periods(folded))
        if _says_when(text, folded, p, deadlines) and not any(_overlap(p, q) for q in paired)
    ]
    periods = sorted([*periods, *paired], key=lambda p: p.start)
    if not periods:
        dinh_ky = _DINH_KY.search(folded)
        if dinh_ky is None:
            return None
        following = text[dinh_ky.end() :].split(".")[0].split()[:3]
        written = " ".join([text[dinh_ky.start() : dinh_ky.end()], *following]).rstrip(",;:")
        return RecurringReading(None, None, written, "intake_warn_recurring_no_period")
    ranges = [_Piece(m.start(), m.end(), "years", _years_words(m)) for m in _YEARS.finditer(folded)]
    years = [piece.words for piece in ranges]
    pieces = sorted([*periods, *deadlines, *ranges[:1]], key=lambda p: p.start)
    written = " … ".join(text[p.start : p.end] for p in pieces)
    kinds = {p.kind for p in periods}
    if kinds == {"half", "year"}:
        # "báo cáo định kỳ 6 tháng (trước ngày 10/6) và hằng năm (trước ngày 10/12)"
        kinds = {"half_and_year"}
    period = kinds.pop() if len(kinds) == 1 else None
    deadline_words = _deadline_words(period, deadlines) if period else None
    unclear = RecurringReading(None, None, written, "intake_warn_recurring_unclear")
    if deadline_words is None or len(set(years)) > 1:
        return unclear
    for dated in _DATED.finditer(folded):
        if not any(p.start <= dated.start() < p.end for p in pieces):
            return RecurringReading(None, None, written, "intake_warn_due_several")
    assert period is not None
    phrase = " ".join(p for p in (_PERIOD_WORDS[period], deadline_words, *years[:1]) if p)
    schedule = parse_recurrence(phrase)
    if schedule is None:
        return unclear
    return RecurringReading(schedule, recurrence_phrase(schedule), written)


def _periods(folded: str) -> list[_Piece]:
    return [
        _Piece(m.start(), m.end(), period, _PERIOD_WORDS[period])
        for period, rx in _PERIOD_RES
        for m in rx.finditer(folded)
    ]


def _paired(folded: str) -> list[_Piece]:
    pieces = []
    for m in _PAIRED.finditer(folded):
        pieces.append(_Piece(m.start("half"), m.end("half"), "half", _PERIOD_WORDS["half"]))
        pieces.append(_Piece(m.start("year"), m.end("year"), "year", _PERIOD_WORDS["year"]))
    return pieces


# "họp" (meet) and "hợp" (phối hợp, tổng hợp, hợp đồng) fold alike: the tone mark tells them
# apart, and in a letter written without tone marks the word before or after does.
_HOP_BEFORE: Final = frozenset(
    ["phoi", "tong", "ket", "thich", "phu", "hon", "to", "hoa", "lien", "dung", "tap"]
)
_HOP_AFTER: Final = frozenset(["tac", "le", "ly", "dong", "nhat", "phap", "thuc", "tinh", "nhan"])


def is_meeting_word(text: str, folded: str, start: int) -> bool:
    """Whether the folded "hop" at ``start`` is "họp" (a meeting), not "hợp"."""
    if not folded.startswith("hop", start):
        return True  # "hội nghị", "giao ban"
    written = text[start : start + 3].lower()
    if "ợ" in written or "ọ" in written:
        return "ọ" in written
    previous = folded[:start].split()[-1:]
    following = folded[start + 3 :].split()[:1]
    return not (set(previous) & _HOP_BEFORE or set(following) & _HOP_AFTER)


def _overlap(a: _Piece, b: _Piece) -> bool:
    return a.start < b.end and b.start < a.end


def _deadlines(folded: str) -> list[_Piece]:
    found = []
    for kind, rx in _DEADLINE_RES:
        for m in rx.finditer(folded):
            if kind == "pos":
                unit = "quy" if m["unit"] == "quy" else "ky"
                words = f"truoc ngay {m['d']} cua thang {_POSITION.get(m['pos'], 'cuoi')} {unit}"
            elif kind == "date":
                words = f"truoc ngay {int(m['d'])} thang {int(m['m'])}"
            else:
                words = f"truoc ngay {int(m['d'])}"
            found.append(_Piece(m.start(), m.end(), kind, words))
    return found


def _longest(pieces: list[_Piece]) -> list[_Piece]:
    """Drop pieces inside a longer one ("hằng năm" inside "6 tháng và hằng năm")."""
    kept: list[_Piece] = []
    for piece in sorted(pieces, key=lambda p: (p.start, -(p.end - p.start))):
        if kept and piece.start < kept[-1].end:
            continue
        kept.append(piece)
    return kept


def _says_when(text: str, folded: str, period: _Piece, deadlines: list[_Piece]) -> bool:
    """Whether the period word says when the duty comes back (see the module's docstring)."""
    if folded.startswith(("dinh ky", "thuong ky"), period.start):
        return True
    before = folded[: period.start].rstrip()
    if not before or before[-1] in ",;:(.-–" or re.search(rf"{_REPORT}$", before):
        return True
    if before.endswith(" hop") and is_meeting_word(text, folded, len(before) - 3):
        return True  # "họp hằng quý"
    if folded[period.end :].lstrip(" ,(").startswith(("truoc", "cham nhat", "khong qua")):
        return True
    # "trước ngày 25 hằng tháng": right after a deadline.
    return any(0 <= period.start - d.end <= 3 for d in deadlines)


def _deadline_words(period: str, deadlines: list[_Piece]) -> str | None:
    """The deadline within the period, or None if the letter gives several that differ.

    A half-yearly or quarterly report due on the same day of each period's last month may be
    written as dates ("báo cáo 6 tháng trước ngày 15/6, báo cáo năm trước ngày 15/12").
    """
    words = {d.words for d in deadlines}
    if len(words) <= 1:
        return next(iter(words), "")
    months = {"quarter": 3, "half": 6, "half_and_year": 6}.get(period)
    dates = [re.fullmatch(r"truoc ngay (\d+) thang (\d+)", w) for w in words]
    if months is None or not all(dates):
        return None
    days = {m[1] for m in dates if m}
    positions = {int(m[2]) % months for m in dates if m}
    if len(days) != 1 or positions != {0}:
        return None
    unit = "quy" if period == "quarter" else "ky"
    return f"truoc ngay {days.pop()} cua thang cuoi {unit}"


def _years_words(m: re.Match[str]) -> str:
    return f"tu nam {m['a']} den nam {m['b']}"
