"""WorkingCalendar: Vietnamese holidays, working hours, slots and working-day arithmetic.

Holiday facts below were checked against the ``holidays`` package (VN, 2024/2025):
Tết 2024 = Thu 8 – Wed 14 Feb; National Day 2024 = Mon 2 + Tue 3 Sep; Mon 29 Apr 2024 is
a substituted day-off (worked back on Sat 4 May 2024, which the package does NOT know).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from schedules import calendar as calendar_module
from schedules.calendar import EXTRA_HOLIDAY_NAME, WorkingCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MAKE_UP_SATURDAY = date(2024, 5, 4)
COUNCIL_DAY_OFF = date(2024, 10, 15)  # a Tuesday the province gave off


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar(extra_holidays=[COUNCIL_DAY_OFF], extra_workdays=[MAKE_UP_SATURDAY])


# -- holidays ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        pytest.param(date(2024, 2, 7), False, id="tet2024-eve-of-break-wed"),
        pytest.param(date(2024, 2, 8), True, id="tet2024-29-tet"),
        pytest.param(date(2024, 2, 10), True, id="tet2024-mung-1"),
        pytest.param(date(2024, 2, 14), True, id="tet2024-mung-5"),
        pytest.param(date(2024, 2, 15), False, id="tet2024-back-to-work"),
        pytest.param(date(2025, 1, 27), True, id="tet2025-first"),
        pytest.param(date(2025, 2, 1), True, id="tet2025-last"),
        pytest.param(date(2024, 8, 30), False, id="fri-before-national-day"),
        pytest.param(date(2024, 9, 2), True, id="national-day-2024-mon"),
        pytest.param(date(2024, 9, 3), True, id="national-day-2024-tue"),
        pytest.param(date(2024, 9, 4), False, id="after-national-day"),
        pytest.param(date(2024, 4, 29), True, id="substituted-day-off"),
        pytest.param(COUNCIL_DAY_OFF, True, id="extra-holiday"),
        pytest.param(date(2024, 9, 7), False, id="plain-saturday-is-not-a-holiday"),
    ],
)
def test_is_holiday(cal: WorkingCalendar, day: date, holiday: bool) -> None:
    assert cal.is_holiday(day) is holiday
    assert (cal.holiday_name(day) is not None) is holiday


@pytest.mark.parametrize(
    ("day", "name"),
    [
        pytest.param(date(2024, 9, 2), "Quốc khánh", id="national-day"),
        pytest.param(date(2024, 2, 10), "Tết Nguyên Đán", id="tet"),
        pytest.param(COUNCIL_DAY_OFF, EXTRA_HOLIDAY_NAME, id="extra"),
        pytest.param(date(2024, 9, 4), None, id="none"),
    ],
)
def test_holiday_name_is_vietnamese(cal: WorkingCalendar, day: date, name: str | None) -> None:
    assert cal.holiday_name(day) == name


def test_holiday_language_is_configurable() -> None:
    assert WorkingCalendar(holiday_language="en_US").holiday_name(date(2024, 9, 2)) == (
        "National Day"
    )


def test_holiday_years_load_lazily_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    real: Callable[..., Any] = calendar_module.holidays.country_holidays

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs["years"])
        return real(*args, **kwargs)

    monkeypatch.setattr(calendar_module.holidays, "country_holidays", counting)
    fresh = WorkingCalendar()
    assert calls == []
    for _ in range(3):
        assert fresh.is_holiday(date(2031, 9, 2))
        assert not fresh.is_holiday(date(2031, 3, 3))
    assert calls == [2031]


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param(date(2024, 9, 4), True, id="wednesday"),
        pytest.param(date(2024, 9, 7), False, id="saturday"),
        pytest.param(date(2024, 9, 8), False, id="sunday"),
        pytest.param(date(2024, 9, 2), False, id="holiday"),
        pytest.param(date(2024, 2, 12), False, id="tet-monday"),
        pytest.param(COUNCIL_DAY_OFF, False, id="extra-holiday"),
        pytest.param(MAKE_UP_SATURDAY, True, id="make-up-saturday"),
    ],
)
def test_is_working_day(cal: WorkingCalendar, day: date, working: bool) -> None:
    assert cal.is_working_day(day) is working


def test_custom_workdays_include_saturday() -> None:
    six_day_week = WorkingCalendar(workdays=frozenset({0, 1, 2, 3, 4, 5}))
    assert six_day_week.is_working_day(date(2024, 9, 7))
    assert not six_day_week.is_working_day(date(2024, 9, 8))


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"start": time(17), "end": time(8)}, id="start-after-end"),
        pytest.param({"start": time(8), "end": time(8)}, id="empty-hours"),
        pytest.param({"workdays": frozenset({7})}, id="bad-weekday"),
        pytest.param(
            {"extra_holidays": [MAKE_UP_SATURDAY], "extra_workdays": [MAKE_UP_SATURDAY]},
            id="day-both-off-and-on",
        ),
    ],
)
def test_invalid_config_is_rejected(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - message varies per case
        WorkingCalendar(**kwargs)


def test_calendar_without_any_working_day_raises_instead_of_looping() -> None:
    never = WorkingCalendar(workdays=frozenset())
    with pytest.raises(ValueError, match="no working day"):
        never.next_working_slot(vn(2024, 9, 4, 10))


# -- working time and slots ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        pytest.param(vn(2024, 9, 4, 7, 59), False, id="07:59"),
        pytest.param(vn(2024, 9, 4, 8, 0), True, id="08:00-start-inclusive"),
        pytest.param(vn(2024, 9, 4, 16, 59), True, id="16:59"),
        pytest.param(vn(2024, 9, 4, 17, 0), False, id="17:00-end-exclusive"),
        pytest.param(vn(2024, 9, 7, 10, 0), False, id="saturday"),
        pytest.param(vn(2024, 9, 2, 10, 0), False, id="holiday"),
        pytest.param(datetime(2024, 9, 4, 1, 0, tzinfo=UTC), True, id="utc-01:00-is-local-08:00"),
        pytest.param(datetime(2024, 9, 4, 0, 59, tzinfo=UTC), False, id="utc-00:59-is-07:59"),
    ],
)
def test_is_working_time(cal: WorkingCalendar, moment: datetime, working: bool) -> None:
    assert cal.is_working_time(moment) is working


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(vn(2024, 9, 4, 7, 59), vn(2024, 9, 4, 8, 0), id="07:59-to-08:00"),
        pytest.param(vn(2024, 9, 4, 8, 0), vn(2024, 9, 4, 8, 0), id="08:00-unchanged"),
        pytest.param(vn(2024, 9, 4, 16, 59), vn(2024, 9, 4, 16, 59), id="16:59-unchanged"),
        pytest.param(vn(2024, 9, 4, 17, 0), vn(2024, 9, 5, 8, 0), id="17:00-to-next-morning"),
        pytest.param(vn(2024, 9, 6, 18, 0), vn(2024, 9, 9, 8, 0), id="friday-evening-to-monday"),
        pytest.param(vn(2024, 9, 7, 12, 0), vn(2024, 9, 9, 8, 0), id="saturday-to-monday"),
        pytest.param(vn(2024, 9, 2, 10, 0), vn(2024, 9, 4, 8, 0), id="national-day-to-wed"),
        pytest.param(
            vn(2024, 8, 30, 17, 0), vn(2024, 9, 4, 8, 0), id="friday-before-holiday-weekend"
        ),
        pytest.param(vn(2024, 2, 7, 17, 30), vn(2024, 2, 15, 8, 0), id="over-tet-2024"),
        pytest.param(vn(2024, 5, 3, 18, 0), vn(2024, 5, 4, 8, 0), id="to-make-up-saturday"),
        pytest.param(vn(2024, 10, 14, 17, 0), vn(2024, 10, 16, 8, 0), id="over-extra-holiday"),
        pytest.param(
            datetime(2024, 8, 30, 10, 0, tzinfo=UTC),
            datetime(2024, 9, 4, 1, 0, tzinfo=UTC),
            id="utc-in-utc-out",
        ),
        pytest.param(
            datetime(2024, 9, 4, 3, 0, tzinfo=ZoneInfo("Europe/Paris")),
            vn(2024, 9, 4, 8, 0),
            id="other-zone-input-08:00-vn",
        ),
    ],
)
def test_next_working_slot(cal: WorkingCalendar, moment: datetime, expected: datetime) -> None:
    result = cal.next_working_slot(moment)
    assert result == expected
    assert result.tzinfo is UTC


def test_naive_datetimes_are_rejected(cal: WorkingCalendar) -> None:
    naive = datetime(2024, 9, 4, 10, 0)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.next_working_slot(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.is_working_time(naive)


def test_custom_hours() -> None:
    short = WorkingCalendar(start=time(7, 30), end=time(11, 30))
    assert short.next_working_slot(vn(2024, 9, 4, 11, 30)) == vn(2024, 9, 5, 7, 30)
    assert short.is_working_time(vn(2024, 9, 4, 7, 30))


# -- working-day arithmetic ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "n", "expected"),
    [
        pytest.param(vn(2024, 9, 9, 10, 0), 1, vn(2024, 9, 10, 10, 0), id="mon+1"),
        pytest.param(vn(2024, 9, 6, 10, 0), 1, vn(2024, 9, 9, 10, 0), id="fri+1-skips-weekend"),
        pytest.param(vn(2024, 9, 9, 10, 0), 3, vn(2024, 9, 12, 10, 0), id="mon+3"),
        pytest.param(vn(2024, 8, 30, 10, 0), 1, vn(2024, 9, 4, 10, 0), id="over-national-day"),
        pytest.param(vn(2024, 2, 7, 9, 0), 1, vn(2024, 2, 15, 9, 0), id="over-tet"),
        pytest.param(vn(2024, 2, 6, 8, 30), 3, vn(2024, 2, 16, 8, 30), id="tet-in-the-middle"),
        pytest.param(vn(2024, 5, 3, 9, 0), 1, vn(2024, 5, 4, 9, 0), id="make-up-saturday-counts"),
        pytest.param(vn(2024, 9, 7, 10, 0), 1, vn(2024, 9, 9, 10, 0), id="saturday+1-is-monday"),
        pytest.param(vn(2024, 9, 6, 18, 0), 1, vn(2024, 9, 10, 8, 0), id="after-hours-pushed"),
        pytest.param(vn(2024, 9, 6, 7, 0), 1, vn(2024, 9, 9, 8, 0), id="before-hours-pushed"),
        pytest.param(vn(2024, 9, 6, 16, 30), 0, vn(2024, 9, 6, 16, 30), id="zero-in-hours"),
        pytest.param(vn(2024, 9, 7, 10, 0), 0, vn(2024, 9, 9, 8, 0), id="zero-normalises"),
        pytest.param(
            datetime(2024, 2, 7, 2, 0, tzinfo=UTC),
            1,
            datetime(2024, 2, 15, 2, 0, tzinfo=UTC),
            id="utc-in-utc-out",
        ),
    ],
)
def test_add_working_days(
    cal: WorkingCalendar, moment: datetime, n: int, expected: datetime
) -> None:
    result = cal.add_working_days(moment, n)
    assert result == expected
    assert result.tzinfo is UTC


def test_add_working_days_rejects_negative(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match=">= 0"):
        cal.add_working_days(vn(2024, 9, 4, 10), -1)


def test_add_working_days_keeps_wall_clock_across_dst() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    cal = WorkingCalendar(tz="Europe/Berlin")
    # Clocks go forward on Sun 2024-03-31; Friday 10:00 CET + 1 → Monday 10:00 CEST.
    result = cal.add_working_days(datetime(2024, 3, 29, 10, 0, tzinfo=berlin), 1)
    assert result.astimezone(berlin) == datetime(2024, 4, 1, 10, 0, tzinfo=berlin)
    assert result == datetime(2024, 4, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2024, 9, 4), vn(2024, 8, 30, 8, 0), id="after-national-day"),
        pytest.param(date(2024, 2, 15), vn(2024, 2, 7, 8, 0), id="after-tet"),
        pytest.param(date(2024, 9, 10), vn(2024, 9, 9, 8, 0), id="plain-tuesday"),
        pytest.param(date(2024, 9, 9), vn(2024, 9, 6, 8, 0), id="monday"),
    ],
)
def test_previous_working_day_start(cal: WorkingCalendar, day: date, expected: datetime) -> None:
    result = cal.previous_working_day_start(day)
    assert result == expected
    assert result.tzinfo is UTC


def test_next_and_previous_working_day(cal: WorkingCalendar) -> None:
    assert cal.next_working_day(date(2024, 8, 30)) == date(2024, 9, 4)
    assert cal.previous_working_day(date(2024, 9, 4)) == date(2024, 8, 30)
    assert cal.next_working_day(date(2024, 5, 3)) == MAKE_UP_SATURDAY


def test_at_local_turns_a_date_into_close_of_business(cal: WorkingCalendar) -> None:
    assert cal.at_local(date(2024, 9, 4), cal.end) == datetime(2024, 9, 4, 10, 0, tzinfo=UTC)
