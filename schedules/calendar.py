"""The council's working calendar: which local days and hours count as working time.

Pure time logic, no database and no Telegram. Every datetime crossing this API is
timezone-aware; results are returned in UTC (that is what gets stored), while all the
day/hour reasoning happens in the council's local timezone.

Vietnamese public holidays (Tết, National Day, substituted days-off, ...) come from the
maintained ``holidays`` package rather than a hand-kept table, because the lunar dates and
the government's substitutions change every year. What the package cannot know — make-up
working Saturdays and ad-hoc days off decided by a province — is passed in as
``extra_workdays`` / ``extra_holidays``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
DEFAULT_WORKDAYS: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday=0 ... Friday=4
EXTRA_HOLIDAY_NAME = "Ngày nghỉ (theo cấu hình hội đồng)"

# Longest run of non-working days we are prepared to walk over. Tết plus weekends is
# about 9 days; a year-long bound only exists so a broken config (no workdays at all)
# raises instead of looping forever.
_MAX_SEARCH_DAYS = 366


def require_aware(moment: datetime, what: str = "moment") -> datetime:
    """Reject naive datetimes: guessing their zone is how reminders end up 7 hours off."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {moment!r}")
    return moment


class WorkingCalendar:
    """Working days/hours of one council, with Vietnamese public holidays."""

    def __init__(
        self,
        tz: str = DEFAULT_TZ,
        workdays: frozenset[int] = DEFAULT_WORKDAYS,
        start: time = time(8, 0),
        end: time = time(17, 0),
        extra_holidays: Iterable[date] = (),
        extra_workdays: Iterable[date] = (),
        *,
        holiday_language: str = "vi",
    ) -> None:
        if not start < end:
            raise ValueError(f"working hours must satisfy start < end, got {start}–{end}")
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("working hours are local wall-clock times; pass naive times")
        if not set(workdays) <= set(range(7)):
            raise ValueError(f"workdays must be weekday numbers 0..6 (Mon=0), got {workdays}")
        self.tz = ZoneInfo(tz)
        self.workdays = frozenset(workdays)
        self.start = start
        self.end = end
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_workdays = frozenset(extra_workdays)
        clash = self.extra_holidays & self.extra_workdays
        if clash:
            raise ValueError(f"dates both extra holiday and extra workday: {sorted(clash)}")
        # Explicit language: the package's default depends on the environment, and the
        # bot talks to Vietnamese officials.
        self._language = holiday_language
        self._years: dict[int, dict[date, str]] = {}

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(tz={self.tz.key!r}, workdays={sorted(self.workdays)}, "
            f"start={self.start}, end={self.end})"
        )

    # -- days -------------------------------------------------------------------------

    def _public_holidays(self, year: int) -> dict[date, str]:
        # Lazily load one year at a time and keep a plain dict: the package's own object
        # silently expands to other years on lookup, which makes caching opaque.
        cached = self._years.get(year)
        if cached is None:
            loaded = holidays.country_holidays("VN", years=year, language=self._language)
            cached = {d: str(name) for d, name in loaded.items() if d.year == year}
            self._years[year] = cached
        return cached

    def holiday_name(self, d: date) -> str | None:
        """Name of the public (or configured extra) holiday on ``d``, else ``None``."""
        name = self._public_holidays(d.year).get(d)
        if name is not None:
            return name
        if d in self.extra_holidays:
            return EXTRA_HOLIDAY_NAME
        return None

    def is_holiday(self, d: date) -> bool:
        return self.holiday_name(d) is not None

    def is_working_day(self, d: date) -> bool:
        # An official make-up day is worked even if it is a Saturday; it wins over
        # everything else because the government decree is the final word.
        if d in self.extra_workdays:
            return True
        return d.weekday() in self.workdays and not self.is_holiday(d)

    def next_working_day(self, d: date) -> date:
        """First working day strictly after ``d``."""
        return self._walk(d, timedelta(days=1))

    def previous_working_day(self, d: date) -> date:
        """Last working day strictly before ``d``."""
        return self._walk(d, timedelta(days=-1))

    def _walk(self, d: date, step: timedelta) -> date:
        for _ in range(_MAX_SEARCH_DAYS):
            d += step
            if self.is_working_day(d):
                return d
        raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days of {d}; check config")

    # -- moments ----------------------------------------------------------------------

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the council's local timezone."""
        return require_aware(moment).astimezone(self.tz)

    def local_date(self, moment: datetime) -> date:
        return self.local(moment).date()

    def at_local(self, d: date, t: time) -> datetime:
        """The local wall-clock time ``t`` on day ``d``, returned in UTC.

        Also the way to turn a date-only deadline into a moment, e.g.
        ``cal.at_local(day, cal.end)`` for "by close of business".
        """
        return datetime.combine(d, t, tzinfo=self.tz).astimezone(UTC)

    def is_working_time(self, moment: datetime) -> bool:
        """Start inclusive, end exclusive, judged in local time."""
        local = self.local(moment)
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end

    def next_working_slot(self, moment: datetime) -> datetime:
        """``moment`` itself if it is working time, else the start of the next working period.

        Returned in UTC. Friday 18:00 → Monday 08:00; a holiday → next working day 08:00.
        """
        local = self.local(moment)
        if self.is_working_time(local):
            return local.astimezone(UTC)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.start:
            return self.at_local(day, self.start)
        return self.at_local(self.next_working_day(day), self.start)

    def add_working_days(self, moment: datetime, n: int) -> datetime:
        """``n`` working days after ``moment``, same local time of day, then put into work hours.

        Counting starts from the local day of ``moment`` (which need not itself be a
        working day: Saturday + 1 is Monday). ``n == 0`` only normalises to working time.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        local = self.local(moment)
        day = local.date()
        for _ in range(n):
            day = self.next_working_day(day)
        # Rebuild from the wall-clock time (not "+ n*24h") so DST zones keep the hour.
        shifted = datetime.combine(day, local.time(), tzinfo=self.tz)
        return self.next_working_slot(shifted)

    def previous_working_day_start(self, d: date) -> datetime:
        """Start of working hours on the last working day strictly before ``d``, in UTC."""
        return self.at_local(self.previous_working_day(d), self.start)
