"""The period a report covers, read the way a deadline is read (``schedules.dates``).

"quý IV năm 2023", "tháng 11/2023", "năm 2023", "Q4 2023" are read by :func:`parse_due`;
"từ 1/10/2023 đến 31/12/2023" (or "from ... to ...", "1/10/2023 – 31/12/2023") joins the start
of the first reading to the end of the second. A report filters tasks by their deadline in
force, so a period must name a span: "trước ngày 15/12" ("by", running from now) is refused, as
is anything the deadline parser refuses, and a range that ends before it starts.

No period means this calendar year (1 January to 31 December): "the year to date" read by
deadline would leave out every task still within its deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schedules.dates import PeriodLabel, parse_due

_RANGE = re.compile(
    r"^\s*(?:từ|tu|from)\s+(?P<a>.+?)\s+(?:đến|den|tới|toi|to|until)\s+(?P<b>.+?)\s*$"
    r"|^\s*(?P<c>[^\s].*?)\s+[-–—]\s+(?P<d>.+?)\s*$",
    re.IGNORECASE,
)

# Longer than any period a council reports on; it also keeps a forged button's dates sane.
MAX_DAYS = 366 * 10


@dataclass(frozen=True)
class ReportPeriod:
    """Tasks whose deadline in force falls in [start, end] (aware datetimes, UTC)."""

    start: datetime
    end: datetime
    # How to name it: the label of a named period, else its first and last day.
    label: PeriodLabel | None = None
    tz: str = "Asia/Ho_Chi_Minh"

    def render(self, lang: str) -> str:
        first, last = self.first_day, self.last_day
        span = f"{first:%d/%m/%Y} – {last:%d/%m/%Y}"
        return f"{self.label.render(lang)} ({span})" if self.label else span

    @property
    def first_day(self) -> date:
        return self.start.astimezone(ZoneInfo(self.tz)).date()

    @property
    def last_day(self) -> date:
        return self.end.astimezone(ZoneInfo(self.tz)).date()

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment <= self.end


def between(first: date, last: date, tz: str) -> ReportPeriod | None:
    """Whole days ``first``..``last`` in zone ``tz`` (what a report button carries)."""
    if last < first or (last - first).days > MAX_DAYS:
        return None
    zone = ZoneInfo(tz)
    start = datetime.combine(first, time.min, zone)
    end = datetime.combine(last, time(23, 59, 59), zone)
    return ReportPeriod(start.astimezone(UTC), end.astimezone(UTC), None, tz)


def this_year(now: datetime, tz: str) -> ReportPeriod:
    """The default: the calendar year of ``now`` in zone ``tz``."""
    year = now.astimezone(ZoneInfo(tz)).year
    period = between(date(year, 1, 1), date(year, 12, 31), tz)
    assert period is not None
    return ReportPeriod(period.start, period.end, PeriodLabel("year", year), tz)


def read_period(text: str, *, now: datetime, tz: str) -> ReportPeriod | None:
    """The period ``text`` names, None when it does not name one (see the module's doc)."""
    text = text.strip()
    if not text:
        return this_year(now, tz)
    whole = parse_due(text, now=now, tz=tz)
    if whole is not None:
        if whole.by:
            return None
        return _checked(whole.start, whole.end, whole.label, tz)
    match = _RANGE.match(text)
    if match is None:
        return None
    first_text = match["a"] or match["c"]
    last_text = match["b"] or match["d"]
    first = parse_due(first_text, now=now, tz=tz)
    last = parse_due(last_text, now=now, tz=tz)
    if first is None or last is None or first.by or last.by:
        return None
    return _checked(first.start, last.end, None, tz)


def _checked(
    start: datetime, end: datetime, label: PeriodLabel | None, tz: str
) -> ReportPeriod | None:
    if end < start or end - start > timedelta(days=MAX_DAYS):
        return None
    return ReportPeriod(start.astimezone(UTC), end.astimezone(UTC), label, tz)
