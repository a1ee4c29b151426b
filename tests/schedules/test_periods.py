"""Report periods, read like deadlines: named periods, ranges, the default, refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from schedules.periods import between, read_period, this_year

NOW = datetime(2023, 11, 20, 2, 0, tzinfo=UTC)
TZ = "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize(
    ("text", "vi", "en"),
    [
        (
            "quý IV năm 2023",
            "quý IV/2023 (01/10/2023 – 31/12/2023)",
            "Q4 2023 (01/10/2023 – 31/12/2023)",
        ),
        (
            "tháng 11/2023",
            "tháng 11/2023 (01/11/2023 – 30/11/2023)",
            "November 2023 (01/11/2023 – 30/11/2023)",
        ),
        ("năm 2023", "năm 2023 (01/01/2023 – 31/12/2023)", "2023 (01/01/2023 – 31/12/2023)"),
        ("", "năm 2023 (01/01/2023 – 31/12/2023)", "2023 (01/01/2023 – 31/12/2023)"),
        ("từ 1/10/2023 đến 31/12/2023", "01/10/2023 – 31/12/2023", "01/10/2023 – 31/12/2023"),
        ("from 1/10/2023 to 31/12/2023", "01/10/2023 – 31/12/2023", "01/10/2023 – 31/12/2023"),
        ("tháng 10/2023 – tháng 11/2023", "01/10/2023 – 30/11/2023", "01/10/2023 – 30/11/2023"),
        (
            "Từ  quý III năm 2023  đến quý IV năm 2023",
            "01/07/2023 – 31/12/2023",
            "01/07/2023 – 31/12/2023",
        ),
    ],
)
def test_periods_are_read(text: str, vi: str, en: str) -> None:
    period = read_period(text, now=NOW, tz=TZ)
    assert period is not None
    assert (period.render("vi"), period.render("en")) == (vi, en)
    assert period.start.tzinfo is not None and period.start <= period.end


def test_the_period_covers_whole_local_days() -> None:
    period = read_period("tháng 11/2023", now=NOW, tz=TZ)
    assert period is not None
    assert period.start == datetime(2023, 10, 31, 17, 0, tzinfo=UTC)
    assert period.end == datetime(2023, 11, 30, 16, 59, 59, tzinfo=UTC)
    same_days = between(period.first_day, period.last_day, TZ)
    assert same_days is not None
    assert (same_days.start, same_days.end) == (period.start, period.end)
    assert this_year(NOW, TZ) == read_period("năm nay", now=NOW, tz=TZ)


@pytest.mark.parametrize(
    "text",
    [
        "quý V",
        "trước ngày 15/12",
        "từ 31/12/2023 đến 1/10/2023",
        "từ 1/1/2000 đến 31/12/2099",
        "từ đến",
        "từ 1/10/2023",
        "1/10/2023 -",
        "năm 20233",
        "quý IV\u200b năm 2023 nữa",
        "１/１０/２０２３",
        "x" * 500,
    ],
)
def test_what_is_not_a_period_is_refused(text: str) -> None:
    assert read_period(text, now=NOW, tz=TZ) is None
