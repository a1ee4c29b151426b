"""Read deadline phrases ("quý IV năm 2023", "trước ngày 5/12", "next Monday") as time windows.

Directives and council members write deadlines as periods and phrases, not dates. This module
turns such a phrase into a :class:`DueWindow` (start, end, precision) or refuses it with
``None``; it never guesses. Conventions (see ``docs/deadlines.md`` for the secretariat's version):

* A deadline is the *end* of the window. A day runs 00:00:00–23:59:59, a period from 00:00:00
  of its first day to 23:59:59 of its last, a time of day is a single minute (``start == end``).
* "trước ngày X", "chậm nhất ngày X", "hạn chót X", "by X"... mean *by the end of X*
  (official Vietnamese usage: "trước ngày 15/12" includes 15/12). Such a window runs from
  ``now`` to the end of X, has ``by=True``, and keeps X's precision and label. If X is already
  over, the window is X itself (the deadline stays the end of X; callers flag it as overdue).
* "trước"/"by" followed by a whole period ("trước tháng 10", "by Q4") is refused: it can mean
  before the period starts or before it ends. "chậm nhất"/"hạn"/"no later than" + a period
  is fine (at the latest in that period = by its end), and so is "trước cuối tháng 12".
* đầu/giữa/cuối tháng (and thượng/trung/hạ tuần, early/mid/late) = days 1–10 / 11–20 /
  21–last; đầu/giữa/cuối quý = the quarter's 1st/2nd/3rd month; đầu năm = Q1, cuối năm = Q4;
  "giữa năm", "cuối tuần" and "đầu tuần" are refused as ambiguous.
* A day or period named without a year is the next one that has not ended at ``now``
  (today counts); "tháng này", "năm sau", "tuần tới"... are taken literally.

How: the text is normalised (NFC, lowercase, diacritics removed, đ→d, spaces collapsed, a
trailing "." "," ";" "!" or "./." dropped) and then has to match *entirely* one form of a small
regex grammar written on that ASCII form, optionally after deadline words ("trước ngày",
"chậm nhất là", "trong", "by"...). Requiring a full match is what keeps a phrase like
"ngày mai họp" or "quý IV hoặc sớm hơn" from being half-read. Tone marks that are present are
still checked, so "tháng sáu" (June) is not read as "tháng sau" (next month).

dateparser is only a fallback, for English dates with a month name, a day and a four-digit year
spelled in ways the grammar does not know ("december the 5th, 2023", "5-dec-2023"); its answer
is kept only if every word is a date word and it used exactly the day, month and year written.
Everything relative ("3 tuần sau", "tháng 10/2023"...) is the grammar's: that is where
dateparser is silently wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from schedules.recurrence import (
    ENGLISH_MONTHS,
    RECURRENCE_EXAMPLES,
    Recurrence,
    describe_recurrence,
    looks_recurring,
    parse_recurrence,
)

__all__ = [
    "ACCEPTED_EXAMPLES",
    "DueWindow",
    "PeriodLabel",
    "Recurrence",
    "examples_for",
    "format_deadline",
    "format_due",
    "parse_deadline",
    "parse_due",
    "warm_up",
]

Precision = Literal["minute", "day", "period"]
PeriodKind = Literal[
    "week",
    "month",
    "month_part",
    "quarter",
    "quarter_part",
    "year",
    "year_part",
    "first_months",
    "last_months",
]
Part = Literal["early", "mid", "late"]
Lang = Literal["vi", "en"]

DEFAULT_TZ: Final = "Asia/Ho_Chi_Minh"
# Deadlines outside this range are typos ("năm 20233"), not plans.
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2199
# About ten years: the longest "N ngày nữa" we take; it also keeps date arithmetic in range.
MAX_RELATIVE_DAYS: Final = 3660

ACCEPTED_EXAMPLES: Final[dict[str, list[str]]] = {
    "vi": [
        "ngày 5/12",
        "14h30 ngày 5/12",
        "thứ Sáu tuần sau",
        "3 ngày nữa",
        "trước ngày 15/12",
        "đầu tháng 12",
        "quý IV",
        "6 tháng đầu năm sau",
    ],
    "en": [
        "5/12",
        "14:30 5/12",
        "Friday next week",
        "in 3 days",
        "by 15/12",
        "early December",
        "Q4",
        "first half of next year",
    ],
}


# --------------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeriodLabel:
    """What named period a window is, as data, so it can be rendered in any language.

    ``number`` is the month (1–12) for ``month``/``month_part``, the quarter (1–4) for
    ``quarter``/``quarter_part``, the ISO week for ``week`` and the count of months for
    ``first_months``/``last_months``; it is 0 for ``year``/``year_part``. ``year`` is the
    calendar year (the ISO year for ``week``). ``part`` is set for the ``*_part`` kinds.
    """

    kind: PeriodKind
    year: int
    number: int = 0
    part: Part | None = None

    def render(self, lang: str) -> str:
        """The period's name, e.g. "quý IV/2023" (vi) or "Q4 2023" (en)."""
        renderer = _LABEL_RENDERERS[_language(lang)]
        return renderer(self)


@dataclass(frozen=True, slots=True)
class DueWindow:
    """When something is due: the deadline is ``end``.

    ``start``/``end`` are aware datetimes in the requested zone. ``precision`` is "minute"
    (``start == end``), "day" or "period". ``text`` is the input as given. ``label`` names the
    period for period windows (None for days and minutes). ``by`` is True for "trước ngày X" /
    "by X" style windows, which run from ``now`` to the end of X; ``precision`` and ``label``
    then describe X.
    """

    start: datetime
    end: datetime
    precision: Precision
    text: str
    label: PeriodLabel | None = None
    by: bool = False

    @property
    def deadline(self) -> datetime:
        return self.end


class _Refused(Exception):
    """A form of the grammar matched but its values are impossible ("31/2", "quý IV" + "giữa")."""


@dataclass(frozen=True, slots=True)
class _Context:
    now: datetime  # naive, wall clock in the target zone, whole seconds
    today: date


@dataclass(frozen=True, slots=True)
class _Span:
    """A reading in naive wall-clock time; ``parse_due`` attaches the zone at the end."""

    start: datetime
    end: datetime
    precision: Precision
    label: PeriodLabel | None = None
    by: bool = False


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------


def parse_due(text: str, *, now: datetime, tz: str = DEFAULT_TZ) -> DueWindow | None:
    """Read ``text`` as a deadline window in zone ``tz``, or return None if not understood.

    ``now`` must be timezone-aware (any zone); "today" is its date in ``tz``.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("parse_due needs a timezone-aware 'now'")
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone).replace(microsecond=0)
    if not MIN_YEAR <= local_now.year <= MAX_YEAR:
        raise ValueError(f"parse_due supports 'now' in {MIN_YEAR}–{MAX_YEAR}, got {now!r}")
    ctx = _Context(now=local_now.replace(tzinfo=None), today=local_now.date())
    phrase = _normalize(text)
    if not phrase or _tones_contradict(text):
        return None
    try:
        span = _parse_phrase(phrase, ctx)
    except _Refused:
        return None
    if span is None:
        return None
    return DueWindow(
        start=span.start.replace(tzinfo=zone),
        end=span.end.replace(tzinfo=zone),
        precision=span.precision,
        text=text,
        label=span.label,
        by=span.by,
    )


def format_due(window: DueWindow, lang: str) -> str:
    """Render a window for a reply, e.g. "quý IV/2023 (01/10/2023 – 31/12/2023)"."""
    language = _language(lang)
    if window.by:
        return f"{_BY_WORD[language]} {_format_deadline_of(window, language)}"
    if window.precision == "minute":
        return _fmt_minute(window.end)
    if window.precision == "day":
        return _fmt_day(window.end)
    span = f"{_fmt_day(window.start)} – {_fmt_day(window.end)}"
    return f"{window.label.render(language)} ({span})" if window.label else span


def parse_deadline(
    text: str, *, now: datetime, tz: str = DEFAULT_TZ
) -> DueWindow | Recurrence | None:
    """Read a one-off deadline or a recurring one ("hằng quý, trước ngày 20 …"), or None.

    A phrase with a recurring word ("định kỳ", "hằng tháng", "every"…) is read only as a
    schedule (:mod:`schedules.recurrence`): never half-read as a one-off date.
    """
    if looks_recurring(text):
        return parse_recurrence(text)
    return parse_due(text, now=now, tz=tz)


def format_deadline(
    reading: DueWindow | Recurrence, lang: str, *, now: datetime, tz: str = DEFAULT_TZ
) -> str:
    """A window as :func:`format_due`; a schedule as read with its next three deadlines."""
    if isinstance(reading, Recurrence):
        return describe_recurrence(reading, now=now, tz=tz, lang=lang)
    return format_due(reading, lang)


def examples_for(text: str, lang: str) -> list[str]:
    """The examples to answer a refused ``text`` with: recurring ones if it tried to recur."""
    language = _language(lang)
    return (RECURRENCE_EXAMPLES if looks_recurring(text) else ACCEPTED_EXAMPLES)[language]


_WARM_UP_NOW: Final = datetime(2023, 8, 19, 10, tzinfo=ZoneInfo(DEFAULT_TZ))


def warm_up() -> None:
    """Pay dateparser's import and first-parse cost (0.1–0.3 s) now, not on a user's message."""
    parser = _date_data_parser(_WARM_UP_NOW.replace(tzinfo=None))
    parser.get_date_data("5 december 2023")
    parser.get_date_data("ngày 5 tháng 12 năm 2023")
    for phrase in (*ACCEPTED_EXAMPLES["vi"], *ACCEPTED_EXAMPLES["en"], "december the 5th, 2023"):
        parse_due(phrase, now=_WARM_UP_NOW)


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_SPACES_AROUND_SLASH = re.compile(r"\s*/\s*")
_SPACES_AROUND_COLON = re.compile(r"(?<=\d)\s*:\s*(?=\d)")
_HYPHEN_IN_WORD = re.compile(r"(?<=[a-z])-(?=[a-z])")
_SPACES_AROUND_COMMA = re.compile(r"\s*,\s*")


def _normalize(text: str) -> str:
    """NFC, lowercase, strip diacritics (đ→d), tidy spaces and trailing punctuation.

    Diacritics go because users type both "quý IV" and "quy iv"; the grammar is written on the
    ASCII form, and :func:`_tones_contradict` catches the few words that then collide.
    """
    s = " ".join(_strip_marks(_lower(text)).split())
    s = _SPACES_AROUND_SLASH.sub("/", s)
    s = _SPACES_AROUND_COLON.sub(":", s)
    s = _HYPHEN_IN_WORD.sub(" ", s)
    s = _SPACES_AROUND_COMMA.sub(", ", s)
    s = s.removesuffix("./.")  # the closing mark of Vietnamese official letters
    return s.rstrip(" .,;!").lstrip(" ,")


def _lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("đ", "d")


# Toned words whose toneless form means something else to the grammar, with a test of where
# the toned word may stand given the toneless previous and next words. Without it "tháng sáu"
# (June) would be read as "tháng sau" (next month) and "quý tối" as "quý tới" (next quarter).
_UNITS_BEFORE_NEXT: Final = frozenset({"ngay", "tuan", "thang", "quy", "nam"})
_TONED_WORD_FITS: Final[dict[str, Callable[[str, str], bool]]] = {
    "sáu": lambda prev, _: prev == "thu",  # six: only in "thứ sáu" (Friday), not "sau" (after)
    "tới": lambda prev, _: prev in _UNITS_BEFORE_NEXT,  # next: "tuần tới", "3 ngày tới"
    "tối": lambda prev, _: prev not in _UNITS_BEFORE_NEXT,  # evening: "9h tối"
    "một": lambda _, __: False,  # one: never "mốt" (the day after tomorrow)
    "sáng": lambda _, nxt: nxt != "nam",  # morning: not "sang năm" (next year)
    "nửa": lambda prev, _: prev not in _UNITS_BEFORE_NEXT,  # half: not "3 ngày nữa" (more)
    "nữa": lambda _, nxt: nxt not in ("dau", "cuoi"),  # more: not "nửa đầu năm" (half)
}


def _tones_contradict(text: str) -> bool:
    """True when a toned word sits where only its toneless twin makes sense."""
    words = [w.strip(",.;:!") for w in _lower(text).split()]
    toneless = [_strip_marks(w) for w in words]
    for i, word in enumerate(words):
        fits = _TONED_WORD_FITS.get(word)
        if fits is None:
            continue
        prev = toneless[i - 1] if i > 0 else ""
        nxt = toneless[i + 1] if i + 1 < len(words) else ""
        if not fits(prev, nxt):
            return True
    return False


# --------------------------------------------------------------------------------------------
# Vocabulary (on the ASCII form)
# --------------------------------------------------------------------------------------------


def _numbered(groups: Iterable[Iterable[str]], start: int) -> dict[str, int]:
    """{word: number} from groups of synonyms listed in order."""
    return {word: n for n, words in enumerate(groups, start) for word in words}


_MONTHS_EN: Final = ENGLISH_MONTHS
# Monday = 0, as date.weekday(). "thu" alone is not Thursday: on the ASCII form it is the
# Vietnamese "thứ". "thu sau" is Friday (thứ sáu) while "tuan sau" is next week (tuần sau).
_WEEKDAYS: Final = _numbered(
    (
        ("thu hai", "thu 2", "t2", "monday", "mon"),
        ("thu ba", "thu 3", "t3", "tuesday", "tues", "tue"),
        ("thu tu", "thu 4", "t4", "wednesday", "wed"),
        ("thu nam", "thu 5", "t5", "thursday", "thurs", "thur"),
        ("thu sau", "thu 6", "t6", "friday", "fri"),
        ("thu bay", "thu 7", "t7", "saturday", "sat"),
        ("chu nhat", "cn", "sunday", "sun"),
    ),
    start=0,
)
_QUARTERS: Final = _numbered(
    (
        ("i", "1", "first", "1st"),
        ("ii", "2", "second", "2nd"),
        ("iii", "3", "third", "3rd"),
        ("iv", "4", "fourth", "4th"),
    ),
    start=1,
)
_PARTS: Final[dict[str, Part]] = {
    "dau": "early",
    "giua": "mid",
    "cuoi": "late",
    "early": "early",
    "beginning of": "early",
    "the beginning of": "early",
    "start of": "early",
    "the start of": "early",
    "mid": "mid",
    "middle of": "mid",
    "the middle of": "mid",
    "late": "late",
    "end of": "late",
    "the end of": "late",
}
# Ten-day parts ("tuần" here is the old ten-day unit): only meaningful for a month.
_DECADES: Final[dict[str, Part]] = {
    "thuong tuan": "early",
    "trung tuan": "mid",
    "ha tuan": "late",
}
_REL_OFFSETS: Final[dict[str, int]] = {
    "nay": 0,
    "this": 0,
    "sau": 1,
    "toi": 1,
    "next": 1,
    "sang nam": 1,
}


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first so "thursday" wins over "thu"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_MONTH_ALT: Final = _alternation(_MONTHS_EN)
_WEEKDAY_ALT: Final = _alternation(_WEEKDAYS)
_PART_ALT: Final = _alternation([*_PARTS, *_DECADES])


def _rx(pattern: str) -> re.Pattern[str]:
    # ASCII: \d must not accept other scripts' digits, which int() would happily convert.
    return re.compile(pattern, re.ASCII)


# --------------------------------------------------------------------------------------------
# Calendar helpers
# --------------------------------------------------------------------------------------------


def _check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _Refused
    return year


def _last_day_of_month(year: int, month: int) -> date:
    first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_of_next - timedelta(days=1)


def _shift_month(year: int, month: int, offset: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + offset
    return index // 12, index % 12 + 1


def _quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def _shift_quarter(year: int, quarter: int, offset: int) -> tuple[int, int]:
    index = year * 4 + (quarter - 1) + offset
    return index // 4, index % 4 + 1


def _day_span(day: date) -> _Span:
    return _Span(datetime.combine(day, time.min), datetime.combine(day, time(23, 59, 59)), "day")


def _minute_span(moment: datetime) -> _Span:
    return _Span(moment, moment, "minute")


def _period_span(first: date, last: date, label: PeriodLabel) -> _Span:
    return _Span(
        datetime.combine(first, time.min),
        datetime.combine(last, time(23, 59, 59)),
        "period",
        label,
    )


def _add_days(today: date, days: int) -> date:
    if not 0 <= days <= MAX_RELATIVE_DAYS:
        raise _Refused
    return today + timedelta(days=days)


# --------------------------------------------------------------------------------------------
# Top level: deadline words around a target
# --------------------------------------------------------------------------------------------

# "at the latest" words: the deadline is the end of whatever follows, day or period.
_LATEST_RE = _rx(
    r"(?:han chot|thoi han|han|cham nhat|muon nhat|khong qua|khong muon hon|no later than"
    r"|not later than|deadline|due)(?: la)?:? "
)
# "before"/"by": fine before a day, a time or an end-of-period, ambiguous before a period.
_STRICT_RE = _rx(r"(?:truoc|by) ")
# Words that only say "during/on": the window is the target itself.
_WITHIN_RE = _rx(r"(?:trong|vao|in|on|during|within) ")
_WITHIN_COUNT_RE = _rx(
    r"(?:trong vong|trong|within|in the next) (?P<n>\d{1,4}) "
    r"(?P<unit>ngay|tuan|days?|weeks?)(?: toi| nua)?"
)


# "không quá 2 tháng kể từ ngày ban hành văn bản này": counted from the day of issue, which is
# ``now`` when a letter is read as of its date (db/intake). Counted from the day the letter is
# *received* ("kể từ ngày nhận được") it is unknowable, and working days need the calendar:
# both are refused rather than guessed.
_FROM_ISSUE_RE = _rx(
    r"(?:(?:khong qua|khong muon hon|trong vong|trong thoi han|trong|cham nhat|muon nhat"
    r"|sau|han|thoi han) )?(?:la )?(?P<n>\d{1,3}) (?P<unit>ngay|tuan|thang|nam)(?P<work> lam viec)?"
    r" (?:ke tu|tinh tu|ke tu khi|sau) (?:ngay )?(?:ban hanh|ky|van ban nay duoc ban hanh)"
    r"(?: ban hanh)?(?: (?:van ban|cong van|thong bao|quyet dinh|ke hoach|chi thi|nghi quyet"
    r"|thong tu|chuong trinh)(?: nay)?)?"
)


def _parse_phrase(s: str, ctx: _Context) -> _Span | None:
    return (
        _parse_within_count(s, ctx)
        or _parse_from_issue(s, ctx)
        or _parse_target(s, ctx)
        or _parse_with_deadline_words(s, ctx)
    )


def _parse_from_issue(s: str, ctx: _Context) -> _Span | None:
    """'không quá 2 tháng kể từ ngày ban hành văn bản này': by the end of that day."""
    m = _FROM_ISSUE_RE.fullmatch(s)
    if m is None:
        return None
    n, unit = int(m["n"]), m["unit"]
    if m["work"] or n < 1:
        raise _Refused
    if unit in ("thang", "nam"):
        months = n if unit == "thang" else 12 * n
        year, month = _shift_month(ctx.today.year, ctx.today.month, months)
        _check_year(year)
        day = min(ctx.today.day, _last_day_of_month(year, month).day)
        return _by_window(_day_span(date(year, month, day)), ctx)
    return _by_window(_day_span(_add_days(ctx.today, _count_to_days(n, unit))), ctx)


def _parse_within_count(s: str, ctx: _Context) -> _Span | None:
    """'trong vòng 3 ngày' / 'within 2 weeks': from now to the end of the N-th day."""
    m = _WITHIN_COUNT_RE.fullmatch(s)
    if m is None:
        return None
    days = _count_to_days(int(m["n"]), m["unit"])
    return _by_window(_day_span(_add_days(ctx.today, days)), ctx)


def _parse_with_deadline_words(s: str, ctx: _Context) -> _Span | None:
    rest = s
    latest = strict = False
    if m := _LATEST_RE.match(rest):
        latest, rest = True, rest[m.end() :]
        if within_count := _parse_within_count(rest, ctx):
            return within_count
    if m := _STRICT_RE.match(rest):
        strict, rest = True, rest[m.end() :]
    elif m := _WITHIN_RE.match(rest):
        rest = rest[m.end() :]
    if rest == s:
        return None
    target = _parse_target(rest, ctx)
    if target is None:
        return None
    if strict and target.precision == "period" and not _ends_a_period(target):
        raise _Refused  # "trước tháng 10": before it starts or before it ends?
    if latest or strict:
        return _by_window(target, ctx)
    return target


def _ends_a_period(span: _Span) -> bool:
    """'cuối tháng 12', 'end of 2023': the end of the period is what is named."""
    return span.label is not None and span.label.part == "late"


def _by_window(target: _Span, ctx: _Context) -> _Span:
    # From now until the end of the target; a target already over keeps its own start so
    # the window stays well-formed and the deadline stays the end of the target.
    start = ctx.now if ctx.now <= target.end else target.start
    return _Span(start, target.end, target.precision, target.label, by=True)


def _parse_target(s: str, ctx: _Context) -> _Span | None:
    return (
        _parse_moment(s, ctx)
        or _parse_day_span(s, ctx)
        or _parse_period(s, ctx)
        or _parse_with_dateparser(s, ctx)
    )


# --------------------------------------------------------------------------------------------
# Days
# --------------------------------------------------------------------------------------------

_DAY_WORD_RE = _rx(r"(?:ngay|mung|mong) ")
_ABSOLUTE_DATE_RES: Final = (
    # 19/8/2023, 19-08-2023, 19.08.2023, 5/12/23, 5/12, 5/12 năm 2023
    _rx(
        r"(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})"
        r"(?:(?P=sep)(?P<y>\d{4}|\d{2})|,? nam (?P<y2>\d{4}))?"
    ),
    # 2023-08-19, 2023/08/19
    _rx(r"(?P<y>\d{4})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"),
    # 19 tháng 8 năm 2023, 19 tháng 8, 2023, 19 tháng 8
    _rx(r"(?P<d>\d{1,2}) thang (?P<m>\d{1,2})(?:(?:,? nam |,? |/)(?P<y>\d{4}))?"),
    # 5 December 2023, the 5th of Dec, 2023
    _rx(
        rf"(?:the )?(?P<d>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<mon>{_MONTH_ALT})"
        r"(?:,? (?P<y>\d{4}))?"
    ),
    # December 5, 2023
    _rx(rf"(?P<mon>{_MONTH_ALT}) (?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,? (?P<y>\d{{4}}))?"),
)
# "ngày thứ Sáu tuần sau": the day word may stand before a weekday, as before a date.
_WEEKDAY_THEN_DATE_RE = _rx(rf"(?:ngay )?(?P<wd>{_WEEKDAY_ALT}),? (?P<rest>.+)")
_WEEKDAY_RE = _rx(
    rf"(?:(?P<pre>next|this) |ngay )?(?P<wd>{_WEEKDAY_ALT})"
    r"(?: (?P<post>tuan nay|tuan sau|tuan toi|nay|this week|next week))?"
)
_RELATIVE_DAYS: Final[dict[str, int]] = {
    "hom nay": 0,
    "ngay hom nay": 0,
    "today": 0,
    "ngay mai": 1,
    "tomorrow": 1,
    "ngay kia": 2,
    "ngay mot": 2,
    "day after tomorrow": 2,
    "the day after tomorrow": 2,
}
# Bare "mai"/"nay" are only day words right after a part of the day: "8:30 sáng mai".
_RELATIVE_DAYS_AFTER_DAYPART: Final[dict[str, int]] = {"nay": 0, "mai": 1, "mot": 2, "kia": 2}
_COUNT_RES: Final = (
    _rx(r"(?P<n>\d{1,4}) (?P<unit>ngay|tuan) (?:nua|sau)"),
    _rx(r"sau (?P<n>\d{1,4}) (?P<unit>ngay|tuan)(?: nua)?"),
    _rx(r"in (?P<n>\d{1,4}) (?P<unit>days?|weeks?)"),
    _rx(r"(?P<n>\d{1,4}) (?P<unit>days?|weeks?) from (?:now|today)"),
)


def _parse_day_span(s: str, ctx: _Context) -> _Span | None:
    day = _parse_day(s, ctx, after_daypart=False)
    return _day_span(day) if day else None


def _parse_day(s: str, ctx: _Context, *, after_daypart: bool) -> date | None:
    """A single calendar day, absolute or relative to today."""
    if after_daypart and s in _RELATIVE_DAYS_AFTER_DAYPART:
        return ctx.today + timedelta(days=_RELATIVE_DAYS_AFTER_DAYPART[s])
    if s in _RELATIVE_DAYS:
        return ctx.today + timedelta(days=_RELATIVE_DAYS[s])
    return (
        _parse_absolute_date(s, ctx)
        or _parse_weekday_then_date(s, ctx)
        or _parse_weekday(s, ctx)
        or _parse_count(s, ctx)
    )


def _parse_absolute_date(s: str, ctx: _Context) -> date | None:
    if m := _DAY_WORD_RE.match(s):
        s = s[m.end() :]
    for pattern in _ABSOLUTE_DATE_RES:
        if m := pattern.fullmatch(s):
            groups = m.groupdict()
            month = _MONTHS_EN[groups["mon"]] if groups.get("mon") else int(groups["m"])
            year_text = groups.get("y") or groups.get("y2")
            return _resolve_date(int(groups["d"]), month, year_text, ctx)
    return None


def _resolve_date(day: int, month: int, year_text: str | None, ctx: _Context) -> date:
    """A real date; without a year, the next such day not before today (today counts)."""
    if year_text is not None:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        try:
            return date(_check_year(year), month, day)
        except ValueError:
            raise _Refused from None
    # Eight years always reach the next 29 February.
    for year in range(ctx.today.year, ctx.today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= ctx.today:
            return candidate
    raise _Refused


def _parse_weekday_then_date(s: str, ctx: _Context) -> date | None:
    """'thứ Ba, 5/12/2023': the weekday must agree with the date or we refuse."""
    m = _WEEKDAY_THEN_DATE_RE.fullmatch(s)
    if m is None:
        return None
    day = _parse_absolute_date(m["rest"], ctx)
    if day is None:
        return None
    if day.weekday() != _WEEKDAYS[m["wd"]]:
        raise _Refused
    return day


def _parse_weekday(s: str, ctx: _Context) -> date | None:
    m = _WEEKDAY_RE.fullmatch(s)
    if m is None:
        return None
    weekday = _WEEKDAYS[m["wd"]]
    pre, post = m["pre"], m["post"]
    if pre and post:
        raise _Refused
    this_monday = ctx.today - timedelta(days=ctx.today.weekday())
    this_week = this_monday + timedelta(days=weekday)
    next_week = this_week + timedelta(days=7)
    if post in ("tuan sau", "tuan toi", "next week"):
        return next_week
    if post in ("tuan nay", "nay", "this week") or pre == "this":
        if this_week < ctx.today:
            raise _Refused  # "thứ Hai tuần này" on a Saturday is already over
        return this_week
    if pre == "next":
        # English "next Friday" is read two ways: the first Friday after today, or Friday of
        # next week. Take it only when both agree; otherwise ask for "Friday next week".
        first_after = ctx.today + timedelta(days=(weekday - ctx.today.weekday() - 1) % 7 + 1)
        if first_after != next_week:
            raise _Refused
        return next_week
    return ctx.today + timedelta(days=(weekday - ctx.today.weekday()) % 7)


def _count_to_days(n: int, unit: str) -> int:
    if n < 1:
        raise _Refused
    return n * 7 if unit in ("tuan", "week", "weeks") else n


def _parse_count(s: str, ctx: _Context) -> date | None:
    """'3 ngày nữa', 'sau 2 tuần', 'in 3 days': that day (not the span up to it)."""
    for pattern in _COUNT_RES:
        if m := pattern.fullmatch(s):
            return _add_days(ctx.today, _count_to_days(int(m["n"]), m["unit"]))
    return None


# --------------------------------------------------------------------------------------------
# Times of day
# --------------------------------------------------------------------------------------------


def _time_pattern(*, with_daypart: bool) -> str:
    clock = (
        r"(?:(?:vao )?luc |at |vao )?(?:"
        r"(?P<h1>\d{1,2}):(?P<m1>\d{2})"
        r"|(?P<h2>\d{1,2}) ?[hg](?P<m2>\d{2})?"
        r"|(?P<h4>\d{1,2}) ?gio(?: (?P<m3>\d{2})| (?P<m4>\d{1,2}) phut| (?P<half>ruoi))?"
        r"|(?P<h3>\d{1,2})(?= ?(?:am|pm)))"
        r"(?: ?(?P<ampm>am|pm))?"
    )
    return clock + (r"(?: (?P<dp>sang|trua|chieu|toi))?" if with_daypart else "")


_TIME_RE = _rx(_time_pattern(with_daypart=True))
_TIME_NO_DAYPART_RE = _rx(_time_pattern(with_daypart=False))
_DAYPART_FIRST_RE = _rx(r"(?P<dp>sang|trua|chieu|toi) (?P<rest>.+)")
_BETWEEN_TIME_AND_DAY_RE = _rx(r"(?:vao |on )")


_DAYPART_HOURS: Final[dict[str, tuple[range, range]]] = {
    "sang": (range(12), range(0)),  # morning: 0–11
    "trua": (range(11, 15), range(1, 3)),  # noon: 11–14, "1 giờ trưa" = 13
    "chieu": (range(12, 19), range(1, 12)),  # afternoon: +12 for 1–11
    "toi": (range(17, 24), range(5, 12)),  # evening: "7 giờ tối" = 19
}


def _hour_of_day(hour: int, ampm: str | None, daypart: str | None) -> int:
    """24-hour clock from '2 giờ chiều', '9h sáng', '2pm'; contradictions are refused."""
    if ampm == "am":
        if not 1 <= hour <= 12:
            raise _Refused
        return 0 if hour == 12 else hour
    if ampm == "pm":
        if not 1 <= hour <= 12:
            raise _Refused
        return 12 if hour == 12 else hour + 12
    if daypart is None:
        return hour
    # Hours each part of the day accepts as written, and those it moves by 12.
    as_written, plus_twelve = _DAYPART_HOURS[daypart]
    if hour in plus_twelve:
        return hour + 12
    if hour in as_written:
        return hour
    raise _Refused  # "14h sáng", "12 giờ tối" (noon or midnight?)


def _read_clock(m: re.Match[str], daypart: str | None) -> time:
    """The time in a match of ``_TIME_RE``; ``daypart`` when it was written before the day."""
    groups = m.groupdict()
    daypart = daypart or groups.get("dp")
    if groups["ampm"] and daypart:
        raise _Refused  # "2pm chiều": pick one
    hour = int(groups["h1"] or groups["h2"] or groups["h3"] or groups["h4"])
    minute_text = groups["m1"] or groups["m2"] or groups["m3"] or groups["m4"]
    minute = 30 if groups["half"] else int(minute_text) if minute_text else 0
    if hour > 23 or minute > 59:
        raise _Refused
    return time(_hour_of_day(hour, groups["ampm"], daypart), minute)


def _spaces(s: str) -> Iterable[int]:
    return (i for i, ch in enumerate(s) if ch == " ")


def _parse_moment(s: str, ctx: _Context) -> _Span | None:
    """A time of day on a day: '14h30 5/12/2023', '5/12/2023 14:00', 'sáng mai lúc 9h'.

    Every split between a time and a day is tried; two different readings means refusal.
    """
    readings: set[datetime] = set()
    for i in _spaces(s):
        head, tail = s[:i].rstrip(","), s[i + 1 :]
        for reading in (_time_then_day(head, tail, ctx), _day_then_time(head, tail, ctx)):
            if reading is not None:
                readings.add(reading)
    if len(readings) > 1:
        raise _Refused
    return _minute_span(readings.pop()) if readings else None


def _time_then_day(head: str, tail: str, ctx: _Context) -> datetime | None:
    """'14h ngày 5/12', '8:30 sáng mai', '2pm on Friday'."""
    m = _TIME_RE.fullmatch(head)
    if m is None:
        return None
    if between := _BETWEEN_TIME_AND_DAY_RE.match(tail):
        tail = tail[between.end() :]
    day = _parse_day(tail, ctx, after_daypart=m["dp"] is not None)
    return datetime.combine(day, _read_clock(m, None)) if day else None


def _day_then_time(head: str, tail: str, ctx: _Context) -> datetime | None:
    """'5/12/2023 14:00', 'ngày mai lúc 9h', 'sáng mai lúc 9h' (part of day first)."""
    daypart: str | None = None
    if dp_first := _DAYPART_FIRST_RE.fullmatch(head):
        daypart, head = dp_first["dp"], dp_first["rest"]
        m = _TIME_NO_DAYPART_RE.fullmatch(tail)
    else:
        m = _TIME_RE.fullmatch(tail)
    if m is None:
        return None
    day = _parse_day(head, ctx, after_daypart=daypart is not None)
    return datetime.combine(day, _read_clock(m, daypart)) if day else None


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------

Unit = Literal["week", "month", "quarter", "year"]


@dataclass(frozen=True, slots=True)
class _Ref:
    """A reference to a month, quarter, year or week, before resolving it against today.

    Exactly one of: ``number`` and ``year`` ("tháng 10/2023"), ``number`` only ("tháng 10",
    rolling over years), ``offset`` ("tháng sau" = +1) or nothing (bare "tháng" after
    "cuối": rolling over the unit itself).
    """

    unit: Unit
    number: int | None = None
    year: int | None = None
    offset: int | None = None

    @property
    def bare(self) -> bool:
        return self.number is None and self.year is None and self.offset is None


_YEAR_SUFFIX = (
    r"(?:(?:,? nam |/|-|,? of |,? )(?P<y>\d{4})"
    r"|,? nam (?P<yrel>nay|sau|toi)|,? (?P<yrel_en>this|next) year|,? (?P<yrel_vi>sang nam))?"
)
# Each pattern may set: num (month or quarter as written), the year suffix groups above, or
# rel (this/next one); none of them means the bare unit ("tháng" in "cuối tháng").
_REF_PATTERNS: Final[tuple[tuple[Unit, re.Pattern[str]], ...]] = (
    ("month", _rx(r"thang (?P<num>\d{1,2})" + _YEAR_SUFFIX)),
    ("month", _rx(rf"(?P<num>{_MONTH_ALT})" + _YEAR_SUFFIX)),
    ("month", _rx(r"thang (?P<rel>nay|sau|toi)")),
    ("month", _rx(r"(?P<rel>this|next) month")),
    ("month", _rx(r"(?:the )?month|thang")),
    ("quarter", _rx(r"quy (?P<num>iv|iii|ii|i|[1-4])" + _YEAR_SUFFIX)),
    ("quarter", _rx(r"q(?P<num>[1-4])" + _YEAR_SUFFIX)),
    (
        "quarter",
        _rx(r"(?:the )?(?P<num>first|second|third|fourth|1st|2nd|3rd|4th) quarter" + _YEAR_SUFFIX),
    ),
    ("quarter", _rx(r"quy (?P<rel>nay|sau|toi)")),
    ("quarter", _rx(r"(?P<rel>this|next) quarter")),
    ("quarter", _rx(r"(?:the )?quarter|quy")),
    ("year", _rx(r"(?:nam )?(?P<y>\d{4})")),
    ("year", _rx(r"nam (?P<rel>nay|sau|toi)")),
    ("year", _rx(r"(?P<rel>this|next) year")),
    ("year", _rx(r"(?P<rel>sang nam)")),
    ("year", _rx(r"(?:the )?year|nam")),
    ("week", _rx(r"tuan (?P<rel>nay|sau|toi)")),
    ("week", _rx(r"(?P<rel>this|next) week")),
    ("week", _rx(r"(?:the )?week|tuan")),
)
_PART_RE = _rx(rf"(?P<part>{_PART_ALT}) (?P<ref>.+)")
_FIRST_MONTHS_RES: Final = (
    _rx(r"(?P<n>\d{1,2}) thang (?P<side>dau|cuoi) (?P<ref>.+)"),
    _rx(r"(?:nua|nhung thang|cac thang) (?P<side>dau|cuoi) (?P<ref>.+)"),
    _rx(r"(?:the )?(?P<side>first|second|last) half(?: of)? (?P<ref>.+)"),
    _rx(r"h(?P<h>[12])(?: |/|-)(?P<ref>.+)"),
    _rx(r"(?:the )?(?P<side>first|last) (?P<n>\d{1,2}) months(?: of)? (?P<ref>.+)"),
)


def _match_ref(s: str, ctx: _Context) -> _Ref | None:
    """Which month/quarter/year/week ``s`` names, without resolving it yet."""
    for unit, pattern in _REF_PATTERNS:
        if m := pattern.fullmatch(s):
            return _ref_from_match(unit, m, ctx)
    return None


def _ref_from_match(unit: Unit, m: re.Match[str], ctx: _Context) -> _Ref:
    groups = m.groupdict()
    if rel := groups.get("rel"):
        return _Ref(unit, offset=_REL_OFFSETS[rel])
    year = _year_in(groups, ctx)
    num = groups.get("num")
    if num is None:
        return _Ref(unit, year=year)
    if unit == "quarter":
        return _Ref(unit, number=_QUARTERS[num], year=year)
    month = _MONTHS_EN[num] if num in _MONTHS_EN else int(num)
    if not 1 <= month <= 12:
        raise _Refused  # "tháng 13/2023"
    return _Ref(unit, number=month, year=year)


def _year_in(groups: dict[str, str | Any], ctx: _Context) -> int | None:
    """The year written in a reference: "2023", "năm 2023", "/2023", "năm sau", "next year"."""
    if year := groups.get("y"):
        return _check_year(int(year))
    if rel := groups.get("yrel") or groups.get("yrel_en") or groups.get("yrel_vi"):
        return ctx.today.year + _REL_OFFSETS[rel]
    return None


def _candidates(ref: _Ref, ctx: _Context) -> tuple[list[tuple[int, int]], bool]:
    """(year, number) candidates for a reference, and whether to roll to the first not ended."""
    t = ctx.today
    current = {"month": t.month, "quarter": _quarter_of(t.month), "year": 0, "week": 0}[ref.unit]
    shift: Callable[[int, int, int], tuple[int, int]]
    if ref.unit == "month":
        shift = _shift_month
    elif ref.unit == "quarter":
        shift = _shift_quarter
    else:

        def shift(year: int, number: int, offset: int) -> tuple[int, int]:
            return year + offset, number

    if ref.number is not None and ref.year is not None:
        return [(ref.year, ref.number)], False
    if ref.number is not None:
        return [(t.year, ref.number), (t.year + 1, ref.number)], True
    if ref.year is not None:
        return [(ref.year, 0)], False
    if ref.offset is not None:
        return [shift(t.year, current, ref.offset)], False
    return [(t.year, current), shift(t.year, current, 1)], True


PeriodMaker = Callable[[int, int], tuple[date, date, PeriodLabel]]


def _resolve(ref: _Ref, ctx: _Context, make: PeriodMaker) -> _Span:
    candidates, rolling = _candidates(ref, ctx)
    for year, number in candidates:
        first, last, label = make(_check_year(year), number)
        if not rolling or last >= ctx.today:
            return _period_span(first, last, label)
    # Unreachable: the later candidate of a rolling pair always ends after today.
    raise _Refused


def _month(year: int, month: int) -> tuple[date, date, PeriodLabel]:
    return date(year, month, 1), _last_day_of_month(year, month), PeriodLabel("month", year, month)


def _quarter(year: int, quarter: int) -> tuple[date, date, PeriodLabel]:
    first_month = 3 * quarter - 2
    last = _last_day_of_month(year, first_month + 2)
    return date(year, first_month, 1), last, PeriodLabel("quarter", year, quarter)


def _year(year: int, _: int) -> tuple[date, date, PeriodLabel]:
    return date(year, 1, 1), date(year, 12, 31), PeriodLabel("year", year)


def _parse_period(s: str, ctx: _Context) -> _Span | None:
    return _parse_named_period(s, ctx) or _parse_part(s, ctx) or _parse_year_months(s, ctx)


def _parse_named_period(s: str, ctx: _Context) -> _Span | None:
    ref = _match_ref(s, ctx)
    if ref is None or ref.bare:
        return None  # bare "tháng"/"năm" only make sense after "đầu/cuối..."
    if ref.unit == "week":
        return _week(ctx, ref.offset or 0)
    if ref.unit == "month":
        return _resolve(ref, ctx, _month)
    if ref.unit == "quarter":
        return _resolve(ref, ctx, _quarter)
    return _resolve(ref, ctx, _year)


def _week(ctx: _Context, offset: int) -> _Span:
    monday = ctx.today - timedelta(days=ctx.today.weekday()) + timedelta(weeks=offset)
    iso = monday.isocalendar()
    return _period_span(monday, monday + timedelta(days=6), PeriodLabel("week", iso[0], iso[1]))


def _parse_part(s: str, ctx: _Context) -> _Span | None:
    """đầu/giữa/cuối, thượng/trung/hạ tuần, early/mid/late + a month, quarter or year."""
    m = _PART_RE.fullmatch(s)
    if m is None:
        return None
    ref = _match_ref(m["ref"], ctx)
    if ref is None:
        return None
    word = m["part"]
    part = _PARTS.get(word) or _DECADES[word]
    if ref.unit == "week" or (word in _DECADES and ref.unit != "month"):
        raise _Refused  # "cuối tuần" (weekend or Friday?), "hạ tuần quý IV"
    if ref.unit == "month":
        return _resolve(ref, ctx, lambda y, n: _month_part(y, n, part))
    if ref.unit == "quarter":
        return _resolve(ref, ctx, lambda y, n: _quarter_part(y, n, part))
    if part == "mid":
        raise _Refused  # "giữa năm": June? June–July? Q2–Q3? Nobody agrees.
    return _resolve(ref, ctx, lambda y, _: _year_part(y, part))


def _month_part(year: int, month: int, part: Part) -> tuple[date, date, PeriodLabel]:
    last_day = _last_day_of_month(year, month)
    first, last = {
        "early": (1, 10),
        "mid": (11, 20),
        "late": (21, last_day.day),
    }[part]
    label = PeriodLabel("month_part", year, month, part)
    return date(year, month, first), date(year, month, last), label


def _quarter_part(year: int, quarter: int, part: Part) -> tuple[date, date, PeriodLabel]:
    month = 3 * quarter - 2 + {"early": 0, "mid": 1, "late": 2}[part]
    first, last, _ = _month(year, month)
    return first, last, PeriodLabel("quarter_part", year, quarter, part)


def _year_part(year: int, part: Part) -> tuple[date, date, PeriodLabel]:
    quarter = 1 if part == "early" else 4
    first, last, _ = _quarter(year, quarter)
    return first, last, PeriodLabel("year_part", year, 0, part)


def _parse_year_months(s: str, ctx: _Context) -> _Span | None:
    """'6 tháng đầu năm 2024', 'nửa cuối năm 2023', 'những tháng cuối năm', 'H1 2024'."""
    for pattern in _FIRST_MONTHS_RES:
        if m := pattern.fullmatch(s):
            return _year_months_span(m, ctx)
    return None


def _year_months_span(m: re.Match[str], ctx: _Context) -> _Span | None:
    g = m.groupdict()
    ref = _match_ref(m["ref"], ctx)
    if ref is None or ref.unit != "year":
        return None
    count = int(g["n"]) if g.get("n") else 6  # "nửa", "những tháng", "half": six months
    first = g["h"] == "1" if g.get("h") else g["side"] in ("dau", "first")
    if not 1 <= count <= 12:
        raise _Refused
    return _resolve(ref, ctx, lambda y, _: _year_months(y, count, first=first))


def _year_months(year: int, count: int, *, first: bool) -> tuple[date, date, PeriodLabel]:
    if first:
        return (
            date(year, 1, 1),
            _last_day_of_month(year, count),
            PeriodLabel("first_months", year, count),
        )
    return (
        date(year, 13 - count, 1),
        date(year, 12, 31),
        PeriodLabel("last_months", year, count),
    )


# --------------------------------------------------------------------------------------------
# dateparser fallback
# --------------------------------------------------------------------------------------------

_FALLBACK_CHARS_RE = _rx(r"[a-z0-9 ,./-]+")
_FALLBACK_TOKEN_RE = _rx(r"[a-z]+|\d+")
_FALLBACK_WORDS: Final = frozenset(
    {*_MONTHS_EN, *(w for w in _WEEKDAYS if w.isalpha() and len(w) > 2)}
    | {"of", "the", "st", "nd", "rd", "th"}
)


@lru_cache(maxsize=16)
def _date_data_parser(relative_base: datetime) -> Any:
    """A DateDataParser whose RELATIVE_BASE is ``relative_base`` (naive wall-clock time).

    The fallback only accepts dates with an explicit day, month and year (STRICT_PARSING), so
    the base should not matter; it is set anyway so dateparser can never read "now" from the
    system clock. Loading the languages is the slow part and dateparser keeps them for the
    process (see warm_up); a parser costs ~0.05 ms more, and the last few are kept.
    """
    from dateparser.date import DateDataParser  # lazy: importing dateparser costs ~0.1 s

    return DateDataParser(
        languages=["vi", "en"],
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "future",
            "RETURN_AS_TIMEZONE_AWARE": False,
            "STRICT_PARSING": True,
            "RELATIVE_BASE": relative_base,
        },
    )


def _parse_with_dateparser(s: str, ctx: _Context) -> _Span | None:
    """English dates in spellings the grammar lacks: "the 5th of december, 2023", "5-dec-2023".

    Only a named month, one day number and a four-digit year at the end (plus "the", "of",
    ordinal endings and a weekday) are let through, and dateparser's answer must use exactly those:
    given digits alone it happily reorders them or invents a century ("1 2 13" → 2113).
    """
    if not _FALLBACK_CHARS_RE.fullmatch(s):
        return None
    tokens = _FALLBACK_TOKEN_RE.findall(s)
    words = [t for t in tokens if not t.isdigit()]
    numbers = [t for t in tokens if t.isdigit()]
    months = [w for w in words if w in _MONTHS_EN]
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if any(w not in _FALLBACK_WORDS for w in words):
        return None
    if len(months) != 1 or len(years) != 1 or len(days) != 1 or len(numbers) != 2:
        return None
    if tokens[-1] != years[0]:
        return None  # English puts the year last; "2023 24 dec" is not a spelling, it's noise
    data = _date_data_parser(ctx.now).get_date_data(s)
    found = data.date_obj
    if found is None or data.period != "day" or found.time() != time.min:
        return None
    if not MIN_YEAR <= found.year <= MAX_YEAR:
        return None
    if (found.year, found.month, found.day) != (
        int(years[0]),
        _MONTHS_EN[months[0]],
        int(days[0]),
    ):
        return None
    if any(_WEEKDAYS[w] != found.weekday() for w in words if w in _WEEKDAYS):
        return None  # dateparser ignores a weekday that contradicts the date
    return _day_span(found.date())


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

_ROMAN: Final = {1: "I", 2: "II", 3: "III", 4: "IV"}
_MONTH_NAMES_EN: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_PART_VI: Final[dict[Part, str]] = {"early": "đầu", "mid": "giữa", "late": "cuối"}
_BY_WORD: Final[dict[Lang, str]] = {"vi": "trước", "en": "by"}
_END_OF_WORD: Final[dict[Lang, str]] = {"vi": "hết", "en": "end of"}


def _language(lang: str) -> Lang:
    """'vi', 'vi-VN', 'EN'... → 'vi' or 'en'; anything else is a programming error."""
    base = lang.lower().replace("_", "-").split("-")[0]
    if base == "vi":
        return "vi"
    if base == "en":
        return "en"
    raise ValueError(f"unsupported language for deadlines: {lang!r}")


def _render_vi(label: PeriodLabel) -> str:
    y, n = label.year, label.number
    part = _PART_VI[label.part] if label.part else ""
    names: dict[PeriodKind, str] = {
        "week": f"tuần {n}/{y}",
        "month": f"tháng {n}/{y}",
        "month_part": f"{part} tháng {n}/{y}",
        "quarter": f"quý {_ROMAN.get(n, n)}/{y}",
        "quarter_part": f"{part} quý {_ROMAN.get(n, n)}/{y}",
        "year": f"năm {y}",
        "year_part": f"{part} năm {y}",
        "first_months": f"{n} tháng đầu năm {y}",
        "last_months": f"{n} tháng cuối năm {y}",
    }
    return names[label.kind]


def _render_en(label: PeriodLabel) -> str:
    y, n = label.year, label.number
    part = label.part or ""
    month = _MONTH_NAMES_EN[n - 1] if 1 <= n <= 12 else str(n)
    names: dict[PeriodKind, str] = {
        "week": f"week {n} of {y}",
        "month": f"{month} {y}",
        "month_part": f"{part} {month} {y}",
        "quarter": f"Q{n} {y}",
        "quarter_part": f"{part} Q{n} {y}",
        "year": f"{y}",
        "year_part": f"{part} {y}",
        "first_months": f"first half of {y}" if n == 6 else f"first {n} months of {y}",
        "last_months": f"second half of {y}" if n == 6 else f"last {n} months of {y}",
    }
    return names[label.kind]


_LABEL_RENDERERS: Final[dict[Lang, Callable[[PeriodLabel], str]]] = {
    "vi": _render_vi,
    "en": _render_en,
}


def _fmt_day(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y")


def _fmt_minute(moment: datetime) -> str:
    return moment.strftime("%H:%M %d/%m/%Y")


def _format_deadline_of(window: DueWindow, lang: Lang) -> str:
    if window.precision == "minute":
        return _fmt_minute(window.end)
    if window.precision == "day" or window.label is None:
        return _fmt_day(window.end)
    name = window.label.render(lang)
    if window.label.part != "late":  # "cuối tháng 12" already names the end
        name = f"{_END_OF_WORD[lang]} {name}"
    return f"{_fmt_day(window.end)} ({name})"
