"""Read recurring deadlines ("hằng quý, trước ngày 20 của tháng cuối quý") as a schedule.

Directives assign duties that come back every period: "hằng tháng, trước ngày 25", "định kỳ hằng
năm, trước ngày 15 tháng 12", "báo cáo 6 tháng và hằng năm", "every quarter by the 20th of its
last month", optionally bounded: "từ năm 2024 đến năm 2025", "trong giai đoạn 2021–2025". This
module reads such a phrase into a :class:`Recurrence` (the period, the deadline within each
period, the first and last year) or refuses it with ``None``; it never guesses. Conventions
(``docs/deadlines.md`` has the secretariat's version):

* The periods are the calendar month, quarter, half-year and year; "6 tháng và hằng năm" is the
  half-year report (January–June) plus the annual report (the whole year), the two reports of the
  Government's reporting regime.
* The deadline within a period is the end of a day ("trước ngày 25" = until 23:59:59 on the 25th,
  as for one-off deadlines). Without one, it is the period's last day (as "chậm nhất trong quý").
  A day past the end of a short month ("trước ngày 30 hằng tháng" in February) is that month's
  last day: that is how such a monthly deadline is kept.
* A deadline that does not say where it falls in the period is refused: "hằng quý, trước ngày
  20" (which month of the quarter?), "hằng năm, trước ngày 15" (which month?), and so is
  "định kỳ" without a period, and a day that no year has ("trước ngày 30/2 hằng năm").
* The clauses (period, deadline, years) may come in any order, each at most once, and must
  account for every word, as in :mod:`schedules.dates`.

Occurrences are computed, not stored here: :func:`occurrences` lists the periods whose deadline
falls in a window and :func:`next_deadlines` the next N from a moment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

__all__ = [
    "RECURRENCE_EXAMPLES",
    "Occurrence",
    "Recurrence",
    "describe_recurrence",
    "describe_upcoming",
    "format_recurrence",
    "looks_recurring",
    "next_deadlines",
    "occurrences",
    "parse_recurrence",
    "recurrence_phrase",
]

Period = Literal["month", "quarter", "half", "year", "half_and_year"]
PERIODS: Final[tuple[Period, ...]] = ("month", "quarter", "half", "year", "half_and_year")
# Months in each kind of period; "half_and_year" positions count within the half-year.
_MONTHS_IN: Final[dict[str, int]] = {"quarter": 3, "half": 6, "half_and_year": 6}
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2199
# A schedule bounded by years longer than this is a typo ("2021–20255").
MAX_YEARS: Final = 50

RECURRENCE_EXAMPLES: Final[dict[str, list[str]]] = {
    "vi": [
        "hằng tháng, trước ngày 25",
        "hằng quý, trước ngày 20 của tháng cuối quý",
        "định kỳ 6 tháng",
        "6 tháng và hằng năm",
        "hằng năm, trước ngày 15 tháng 12",
        "hằng quý, từ năm 2024 đến năm 2025",
    ],
    "en": [
        "monthly, by the 25th",
        "every quarter by the 20th of its last month",
        "every six months",
        "half-yearly and annually",
        "every year by 15 December",
        "quarterly from 2024 to 2025",
    ],
}


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A recurring deadline. ``day`` is the deadline's day of month (None: the period's end).

    ``month`` places that day in the period: the month within the quarter or half-year (1 =
    its first month), the calendar month for ``year``; None for ``month`` periods and when
    ``day`` is None. ``first_year``/``last_year`` bound the periods (inclusive).
    """

    period: Period
    day: int | None = None
    month: int | None = None
    first_year: int | None = None
    last_year: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"period": self.period}
        for name in ("day", "month", "first_year", "last_year"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Recurrence:
        period = data["period"]
        if period not in PERIODS:
            raise ValueError(f"unknown period {period!r}")
        return cls(
            period=period,
            day=data.get("day"),
            month=data.get("month"),
            first_year=data.get("first_year"),
            last_year=data.get("last_year"),
        )


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One period of a schedule: the period it covers and its deadline (aware, end of a day)."""

    kind: Literal["month", "quarter", "half", "year"]
    period_start: date
    period_end: date
    due: datetime

    def label(self, lang: str) -> str:
        """The period's name, e.g. "quý III/2023" or "Q3 2023"."""
        start = self.period_start
        if self.kind == "month":
            return f"tháng {start.month}/{start.year}" if lang == "vi" else f"{start:%B %Y}"
        if self.kind == "quarter":
            q = (start.month - 1) // 3 + 1
            return f"quý {_ROMAN[q]}/{start.year}" if lang == "vi" else f"Q{q} {start.year}"
        if self.kind == "half":
            first = start.month == 1
            if lang == "vi":
                return f"6 tháng {'đầu' if first else 'cuối'} năm {start.year}"
            return f"{'first' if first else 'second'} half of {start.year}"
        return f"năm {start.year}" if lang == "vi" else f"year {start.year}"


_ROMAN: Final = {1: "I", 2: "II", 3: "III", 4: "IV"}


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

_DASHES = re.compile(r"(?<=\d)\s*[-\u2010-\u2015\u2212]\s*(?=\d|nam )")
_HYPHEN_IN_WORD = re.compile(r"(?<=[a-z])-(?=[a-z])")
_COMMAS = re.compile(r"\s*[,;:]\s*")


def _normalize(text: str) -> str:
    """As :func:`schedules.dates._normalize`: lowercase ASCII; dashes and commas become spaces."""
    lowered = unicodedata.normalize("NFC", text).lower()
    decomposed = unicodedata.normalize("NFD", lowered)
    s = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("đ", "d")
    s = _DASHES.sub(" - ", s)
    s = _HYPHEN_IN_WORD.sub(" ", s)
    s = _COMMAS.sub(" ", s)
    s = " ".join(s.split())
    s = s.removesuffix("./.")
    return s.rstrip(" .!").strip()


_ANY_RECURRING_WORD = re.compile(
    r"\b(?:dinh ky|hang (?:thang|quy|nam)|moi (?:thang|quy|nam)|(?:thang|quy|nam) mot lan"
    r"|monthly|quarterly|annually|yearly|every|each|half yearly|semi annually|twice a year)\b"
)


def looks_recurring(text: str) -> bool:
    """Whether ``text`` tries to say a recurring deadline, so a refusal shows those examples."""
    return _ANY_RECURRING_WORD.search(_normalize(text)) is not None


_PERIOD_FORMS: Final[tuple[tuple[Period, str], ...]] = (
    (
        "half_and_year",
        r"(?:dinh ky )?6 thang va (?:hang nam|ca nam|nam)"
        r"|(?:half yearly|semi annually|every six months|every 6 months) and (?:annually|yearly)",
    ),
    (
        "month",
        r"(?:dinh ky )?(?:hang thang|moi thang|thang mot lan)|dinh ky 1 thang(?: mot lan)?"
        r"|monthly|every month|each month",
    ),
    (
        "quarter",
        r"(?:dinh ky )?(?:hang quy|moi quy|quy mot lan)|dinh ky 3 thang(?: mot lan)?"
        r"|quarterly|every quarter|each quarter",
    ),
    (
        "half",
        r"dinh ky 6 thang(?: mot lan)?|6 thang mot lan"
        r"|half yearly|semi annually|every six months|every 6 months|twice a year",
    ),
    ("year", r"(?:dinh ky )?(?:hang nam|moi nam|nam mot lan)|annually|yearly|every year|each year"),
)
_PERIOD_RES: Final = [(period, re.compile(rf"(?:{form})(?= |$)")) for period, form in _PERIOD_FORMS]

_BY = r"(?:truoc|cham nhat(?: la)?|han(?: chot)?(?: la)?|khong qua|by|no later than)"
_ORD = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
# English month names and their abbreviations (schedules/dates.py reads them too).
ENGLISH_MONTHS: Final = {
    name: n
    for n, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAME_ALT = "|".join(sorted(ENGLISH_MONTHS, key=len, reverse=True))
_POSITIONS: Final = {
    "dau": "first",
    "thu nhat": "first",
    "first": "first",
    "thu hai": "second",
    "giua": "second",
    "second": "second",
    "middle": "second",
    "cuoi": "last",
    "last": "last",
}
_POSITION_ALT = "|".join(sorted(_POSITIONS, key=len, reverse=True))

# (kind, regex): "day" = a day of month, "pos" = a day of the period's first/second/last month,
# "date" = a day and a calendar month.
_DEADLINE_FORMS: Final[tuple[tuple[str, str], ...]] = (
    (
        "pos",
        rf"{_BY} (?:ngay )?(?P<d>\d{{1,2}}) (?:cua )?thang (?P<pos>{_POSITION_ALT})"
        rf" (?P<unit>quy|ky|nua nam)",
    ),
    (
        "pos",
        rf"by the {_ORD} of (?:its|the|each) (?P<pos>{_POSITION_ALT}) month"
        r"(?: of (?:the|each) (?P<unit>quarter|period|half year))?",
    ),
    ("date", rf"{_BY} (?:ngay )?(?P<d>\d{{1,2}})(?: thang |/)(?P<m>\d{{1,2}})"),
    ("date", rf"by (?:the )?{_ORD}(?: of)? (?P<mname>{_MONTH_NAME_ALT})"),
    ("date", rf"by (?P<mname>{_MONTH_NAME_ALT}) {_ORD}"),
    ("day", rf"{_BY} ngay (?P<d>\d{{1,2}})(?: cua thang)?"),
    ("day", rf"by the {_ORD}(?: of (?:the|each) month)?"),
)
_DEADLINE_RES: Final = [(kind, re.compile(rf"(?:{form})(?= |$)")) for kind, form in _DEADLINE_FORMS]

_YEAR = r"(?:nam )?(?P<{}>\d{{4}})"
_RANGE_FORMS: Final = (
    rf"(?:trong )?(?:giai doan|thoi ky|ky) {_YEAR.format('a')} - {_YEAR.format('b')}",
    rf"tu {_YEAR.format('a')} (?:den|toi) {_YEAR.format('b')}",
    r"(?:from|in|during|for) (?P<a>\d{4}) (?:-|to|until|through) (?P<b>\d{4})",
    rf"(?:trong )?{_YEAR.format('a')} - {_YEAR.format('b')}",
    rf"(?:den|cho den|toi) {_YEAR.format('b')}",
    r"(?:until|through|to) (?P<b>\d{4})",
    rf"(?:ke )?tu {_YEAR.format('a')}(?: tro di)?",
    r"(?:from|starting) (?P<a>\d{4})(?: on)?",
)
_RANGE_RES: Final = [re.compile(rf"(?:{form})(?= |$)") for form in _RANGE_FORMS]
_DINH_KY = re.compile(r"dinh ky(?= |$)")


@dataclass(slots=True)
class _Found:
    period: Period | None = None
    deadline: tuple[str, re.Match[str]] | None = None
    years: re.Match[str] | None = None


def parse_recurrence(text: str) -> Recurrence | None:
    """Read ``text`` as a recurring deadline, or None (not recurring, or not understood)."""
    s = _normalize(text)
    if not s or len(s) > 200:
        return None
    found = _Found()
    rest: str | None = s
    while rest:
        rest = _peel(rest, found)
        if rest is None:
            return None
    if found.period is None:
        return None  # "định kỳ, trước ngày 25": every what?
    try:
        return _build(found)
    except ValueError:
        return None


def _peel(s: str, found: _Found) -> str | None:
    """Consume one clause at the start of ``s`` into ``found``; None if none fits."""
    if found.period is None:
        for period, rx in _PERIOD_RES:
            if m := rx.match(s):
                found.period = period
                return s[m.end() :].lstrip()
    if found.deadline is None:
        for kind, rx in _DEADLINE_RES:
            if m := rx.match(s):
                found.deadline = (kind, m)
                return s[m.end() :].lstrip()
    if found.years is None:
        for rx in _RANGE_RES:
            if m := rx.match(s):
                found.years = m
                return s[m.end() :].lstrip()
    if found.period is None and (m := _DINH_KY.match(s)):
        # "định kỳ" before the deadline ("định kỳ trước ngày 15 tháng 12 hằng năm")
        rest = s[m.end() :].lstrip()
        return rest if rest else None
    return None


def _build(found: _Found) -> Recurrence:
    assert found.period is not None
    period = found.period
    day: int | None = None
    month: int | None = None
    if found.deadline is not None:
        kind, m = found.deadline
        day = int(m["d"])
        if kind == "day":
            if period != "month":
                raise ValueError(
                    "a day of month alone does not place a deadline in a longer period"
                )
        elif kind == "date":
            if period != "year":
                raise ValueError("a calendar date fits a yearly schedule only")
            groups = m.groupdict()
            month = int(groups["m"]) if groups.get("m") else ENGLISH_MONTHS[groups["mname"]]
            date(2023, month, day)  # a day every year has (no 29/2)
        else:
            if period not in _MONTHS_IN:
                raise ValueError("'the last month of' needs a quarter or a half-year")
            unit = m["unit"]
            if unit in ("quy", "quarter") and period != "quarter":
                raise ValueError("the quarter's month in a half-yearly schedule")
            if unit in ("nua nam", "half year") and period == "quarter":
                raise ValueError("the half-year's month in a quarterly schedule")
            position = _POSITIONS[m["pos"]]
            months = _MONTHS_IN[period]
            if position == "second" and period != "quarter":
                raise ValueError("the middle month of a half-year is not a month")
            month = {"first": 1, "second": 2, "last": months}[position]
        if not 1 <= day <= 31:
            raise ValueError("no such day")
    first, last = _years(found.years)
    return Recurrence(period=period, day=day, month=month, first_year=first, last_year=last)


def _years(m: re.Match[str] | None) -> tuple[int | None, int | None]:
    if m is None:
        return None, None
    groups = m.groupdict()
    first = int(groups["a"]) if groups.get("a") else None
    last = int(groups["b"]) if groups.get("b") else None
    for year in (first, last):
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError("year out of range")
    if first is not None and last is not None and not 0 <= last - first <= MAX_YEARS:
        raise ValueError("years in the wrong order or too far apart")
    return first, last


# --------------------------------------------------------------------------------------------
# Occurrences
# --------------------------------------------------------------------------------------------


def _last_day(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _periods_of_year(rec: Recurrence, year: int) -> Iterator[tuple[str, date, date, date]]:
    """(kind, first day, last day, deadline day) of each period of ``year``."""

    def due(first_month: int, last_month: int, month_in_period: int | None) -> date:
        if rec.day is None:
            return date(year, last_month, _last_day(year, last_month))
        month = first_month + (month_in_period or 1) - 1
        return date(year, month, min(rec.day, _last_day(year, month)))

    if rec.period == "month":
        for m in range(1, 13):
            yield "month", date(year, m, 1), date(year, m, _last_day(year, m)), due(m, m, 1)
    elif rec.period == "quarter":
        for q in range(4):
            a, b = 3 * q + 1, 3 * q + 3
            yield (
                "quarter",
                date(year, a, 1),
                date(year, b, _last_day(year, b)),
                due(a, b, rec.month),
            )
    elif rec.period in ("half", "half_and_year"):
        yield "half", date(year, 1, 1), date(year, 6, 30), due(1, 6, rec.month)
        if rec.period == "half":
            yield "half", date(year, 7, 1), date(year, 12, 31), due(7, 12, rec.month)
        else:
            yield "year", date(year, 1, 1), date(year, 12, 31), due(7, 12, rec.month)
    else:
        month = rec.month or 12
        day = date(year, month, min(rec.day, _last_day(year, month))) if rec.day else None
        yield "year", date(year, 1, 1), date(year, 12, 31), day or date(year, 12, 31)


def _occurrences_from(rec: Recurrence, year: int, zone: ZoneInfo) -> Iterator[Occurrence]:
    last_year = rec.last_year if rec.last_year is not None else MAX_YEAR
    year = max(year, rec.first_year or MIN_YEAR)
    while year <= last_year:
        for kind, first, last, deadline in _periods_of_year(rec, year):
            yield Occurrence(
                kind=kind,  # type: ignore[arg-type]
                period_start=first,
                period_end=last,
                due=datetime.combine(deadline, time(23, 59, 59), zone),
            )
        year += 1


def occurrences(rec: Recurrence, *, start: datetime, end: datetime, tz: str) -> list[Occurrence]:
    """The periods whose deadline falls in [``start``, ``end``], in order of deadline."""
    zone = ZoneInfo(tz)
    found = []
    for occ in _occurrences_from(rec, start.astimezone(zone).year, zone):
        if occ.due > end:
            break
        if occ.due >= start:
            found.append(occ)
    return sorted(found, key=lambda o: (o.due, o.period_end))


def next_deadlines(rec: Recurrence, *, after: datetime, count: int, tz: str) -> list[Occurrence]:
    """The next ``count`` periods whose deadline is at or after ``after``."""
    zone = ZoneInfo(tz)
    found: list[Occurrence] = []
    for occ in _occurrences_from(rec, after.astimezone(zone).year, zone):
        if len(found) >= count:
            break
        if occ.due >= after:
            found.append(occ)
    return found


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

_PERIOD_WORDS: Final = {
    "vi": {
        "month": "hằng tháng",
        "quarter": "hằng quý",
        "half": "định kỳ 6 tháng",
        "half_and_year": "6 tháng và hằng năm",
        "year": "hằng năm",
    },
    "en": {
        "month": "monthly",
        "quarter": "quarterly",
        "half": "half-yearly",
        "half_and_year": "half-yearly and annually",
        "year": "annually",
    },
}
_NEXT_WORD: Final = {"vi": "các kỳ tới", "en": "next"}
_ORDINAL_SUFFIX: Final = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


def _en_day(day: int) -> str:
    return f"{day}{_ORDINAL_SUFFIX.get(day, 'th')}"


def _deadline_words(rec: Recurrence, lang: str) -> str:
    vi = lang == "vi"
    if rec.day is None:
        return "hạn là ngày cuối kỳ" if vi else "due on the last day of each period"
    if rec.period == "month":
        return f"trước ngày {rec.day}" if vi else f"by the {_en_day(rec.day)}"
    if rec.period == "year":
        month = rec.month or 12
        return f"trước ngày {rec.day}/{month}" if vi else f"by {rec.day}/{month}"
    months = _MONTHS_IN[rec.period]
    position = {1: ("đầu", "first"), 2: ("giữa", "middle"), months: ("cuối", "last")}
    vi_pos, en_pos = position[rec.month or 1]
    unit_vi = "quý" if rec.period == "quarter" else "kỳ"
    unit_en = "quarter" if rec.period == "quarter" else "period"
    if vi:
        return f"trước ngày {rec.day} của tháng {vi_pos} {unit_vi}"
    return f"by the {_en_day(rec.day)} of the {en_pos} month of the {unit_en}"


def _years_words(rec: Recurrence, lang: str) -> str:
    vi = lang == "vi"
    a, b = rec.first_year, rec.last_year
    if a is not None and b is not None:
        return f"từ năm {a} đến năm {b}" if vi else f"from {a} to {b}"
    if a is not None:
        return f"từ năm {a}" if vi else f"from {a}"
    if b is not None:
        return f"đến năm {b}" if vi else f"until {b}"
    return ""


def format_recurrence(rec: Recurrence, lang: str) -> str:
    """How the schedule was read, e.g. "hằng quý, trước ngày 20 của tháng cuối quý"."""
    language = "en" if lang == "en" else "vi"
    parts = [_PERIOD_WORDS[language][rec.period], _deadline_words(rec, language)]
    if years := _years_words(rec, language):
        parts.append(years)
    return ", ".join(parts)


def describe_recurrence(
    rec: Recurrence, *, now: datetime, tz: str, lang: str, count: int = 3
) -> str:
    """The schedule as read and its next deadlines, e.g. "…; các kỳ tới: 20/09/2023, …"."""
    upcoming = [o.due for o in next_deadlines(rec, after=now, count=count, tz=tz)]
    return describe_upcoming(rec, upcoming, lang)


def describe_upcoming(rec: Recurrence, upcoming: Sequence[datetime], lang: str) -> str:
    """The schedule as read, with deadlines already computed (in their local zone)."""
    language = "en" if lang == "en" else "vi"
    text = format_recurrence(rec, language)
    if not upcoming:
        return f"{text}; {'đã hết các kỳ' if language == 'vi' else 'no periods left'}"
    dates = ", ".join(f"{due:%d/%m/%Y}" for due in upcoming)
    return f"{text}; {_NEXT_WORD[language]}: {dates}"


_PHRASE_POSITIONS: Final = {1: "đầu", 2: "giữa"}


def recurrence_phrase(rec: Recurrence) -> str:
    """A Vietnamese phrase that :func:`parse_recurrence` reads back as ``rec`` (what the letter
    intake stores as a recurring task's deadline text, e.g. "hằng năm, trước ngày 15 tháng 12")."""
    parts = [_PERIOD_WORDS["vi"][rec.period]]
    if rec.day is not None:
        if rec.period == "month":
            parts.append(f"trước ngày {rec.day}")
        elif rec.period == "year":
            parts.append(f"trước ngày {rec.day} tháng {rec.month or 12}")
        else:
            months = _MONTHS_IN[rec.period]
            position = "cuối" if rec.month == months else _PHRASE_POSITIONS[rec.month or 1]
            unit = "quý" if rec.period == "quarter" else "kỳ"
            parts.append(f"trước ngày {rec.day} của tháng {position} {unit}")
    if years := _years_words(rec, "vi"):
        parts.append(years)
    return ", ".join(parts)
