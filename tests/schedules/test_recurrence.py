"""Recurring deadlines: reading the schedule and listing its periods (schedules/recurrence.py).

The secretariat's table of forms and refusals is in docs/deadlines.md and checked row by row by
tests/schedules/test_dates.py; this file checks the schedule itself and its occurrences.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schedules.dates import examples_for, format_deadline, parse_deadline
from schedules.recurrence import (
    RECURRENCE_EXAMPLES,
    Recurrence,
    describe_recurrence,
    looks_recurring,
    next_deadlines,
    occurrences,
    parse_recurrence,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TZ = "Asia/Ho_Chi_Minh"
NOW = datetime(2023, 8, 19, 10, tzinfo=VN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hằng tháng, trước ngày 25", Recurrence("month", day=25)),
        ("hàng tháng trước ngày 25", Recurrence("month", day=25)),
        ("HẰNG THÁNG, TRƯỚC NGÀY 25.", Recurrence("month", day=25)),
        ("hang thang truoc ngay 25", Recurrence("month", day=25)),
        ("trước ngày 25 hằng tháng", Recurrence("month", day=25)),
        ("mỗi tháng, chậm nhất ngày 5", Recurrence("month", day=5)),
        ("hằng quý, trước ngày 20 của tháng cuối quý", Recurrence("quarter", day=20, month=3)),
        ("hằng quý trước ngày 20 tháng cuối quý", Recurrence("quarter", day=20, month=3)),
        ("định kỳ hằng quý, trước ngày 10 tháng giữa quý", Recurrence("quarter", day=10, month=2)),
        ("every quarter by the 20th of its last month", Recurrence("quarter", day=20, month=3)),
        ("quarterly, by the 5th of the first month of the quarter", Recurrence("quarter", 5, 1)),
        ("định kỳ 6 tháng", Recurrence("half")),
        ("6 tháng một lần", Recurrence("half")),
        ("every six months", Recurrence("half")),
        ("6 tháng và hằng năm", Recurrence("half_and_year")),
        ("định kỳ 6 tháng và hằng năm", Recurrence("half_and_year")),
        ("half-yearly and annually", Recurrence("half_and_year")),
        ("hằng năm, trước ngày 15 tháng 12", Recurrence("year", day=15, month=12)),
        ("trước ngày 15/12 hằng năm", Recurrence("year", day=15, month=12)),
        ("định kỳ, trước ngày 15 tháng 12 hằng năm", Recurrence("year", day=15, month=12)),
        ("annually by 15 December", Recurrence("year", day=15, month=12)),
        ("every year by December 15th", Recurrence("year", day=15, month=12)),
        (
            "hằng năm trong giai đoạn 2021–2025",
            Recurrence("year", first_year=2021, last_year=2025),
        ),
        (
            "hằng quý, từ năm 2024 đến năm 2025",
            Recurrence("quarter", first_year=2024, last_year=2025),
        ),
        (
            "từ năm 2024 đến năm 2025, hằng quý",
            Recurrence("quarter", first_year=2024, last_year=2025),
        ),
        ("hằng tháng giai đoạn 2021 - 2025", Recurrence("month", first_year=2021, last_year=2025)),
        ("hằng năm đến năm 2030", Recurrence("year", last_year=2030)),
        ("quarterly from 2024 to 2025", Recurrence("quarter", first_year=2024, last_year=2025)),
        ("monthly until 2025", Recurrence("month", last_year=2025)),
    ],
)
def test_recurring_forms_are_read(text: str, expected: Recurrence) -> None:
    assert parse_recurrence(text) == expected
    assert parse_deadline(text, now=NOW) == expected


@pytest.mark.parametrize(
    "text",
    [
        "định kỳ",
        "định kỳ, trước ngày 25",
        "định kỳ báo cáo",
        "hằng quý, trước ngày 20",  # which month of the quarter?
        "hằng năm, trước ngày 15",  # which month?
        "hằng tháng, trước ngày 15/12",  # a calendar date in a monthly schedule
        "hằng quý, trước ngày 15/12",
        "hằng năm, trước ngày 30/2",
        "hằng năm, trước ngày 29/2",  # not every year has it
        "hằng tháng, trước ngày 32",
        "hằng tháng, trước ngày 0",
        "định kỳ 6 tháng, trước ngày 15 của tháng cuối quý",  # a half-year has no quarter month
        "định kỳ 6 tháng, trước ngày 15 tháng giữa kỳ",
        "hằng tháng, trước ngày 20 của tháng cuối quý",
        "hằng quý, giai đoạn 2025–2021",  # backwards
        "hằng quý, giai đoạn 2021–2099",  # too long: a typo
        "hằng quý, giai đoạn 1021–1025",
        "hằng tháng hằng quý",  # two periods
        "hằng tháng, trước ngày 25, trước ngày 26",  # two deadlines
        "hằng tháng, trước ngày 25 họp",  # words left over
        "hằng tháng nhé",
        "every quarter by the 20th",
        "every",
        "hằng\u200btháng, trước ngày 25",  # an invisible character inside a word
        "<b>hằng tháng</b>",
        "hằng tháng, trước ngày 25" + " " * 300 + "x",
        "",
        "   ",
    ],
)
def test_unclear_recurring_forms_are_refused(text: str) -> None:
    assert parse_recurrence(text) is None


def test_a_recurring_word_is_never_half_read_as_a_one_off_date() -> None:
    # parse_due alone would read "ngày 15/12"; the recurring word makes it a schedule or nothing.
    assert parse_deadline("định kỳ ngày 15/12", now=NOW) is None
    assert parse_deadline("ngày 15/12", now=NOW) is not None


def test_refusals_answer_with_the_examples_of_what_was_attempted() -> None:
    assert examples_for("định kỳ", "vi") == RECURRENCE_EXAMPLES["vi"]
    assert examples_for("every quarter", "en") == RECURRENCE_EXAMPLES["en"]
    assert "quý IV" in examples_for("quý V", "vi")
    for lang in ("vi", "en"):
        for example in RECURRENCE_EXAMPLES[lang]:
            assert parse_recurrence(example) is not None, example
            assert looks_recurring(example)


def test_next_deadlines_roll_over_the_year_and_are_end_of_day() -> None:
    rec = Recurrence("quarter", day=20, month=3)
    got = next_deadlines(rec, after=NOW, count=5, tz=TZ)
    assert [o.due.date() for o in got] == [
        date(2023, 9, 20),
        date(2023, 12, 20),
        date(2024, 3, 20),
        date(2024, 6, 20),
        date(2024, 9, 20),
    ]
    assert all(o.due.timetz().replace(tzinfo=None).isoformat() == "23:59:59" for o in got)
    assert got[0].period_start == date(2023, 7, 1)
    assert got[0].period_end == date(2023, 9, 30)
    assert got[0].label("vi") == "quý III/2023"
    assert got[0].label("en") == "Q3 2023"


def test_a_deadline_day_counts_until_its_end() -> None:
    rec = Recurrence("month", day=25)
    on_the_day = datetime(2023, 8, 25, 23, 0, tzinfo=VN)
    assert next_deadlines(rec, after=on_the_day, count=1, tz=TZ)[0].due.date() == date(2023, 8, 25)
    after = on_the_day + timedelta(hours=1)
    assert next_deadlines(rec, after=after, count=1, tz=TZ)[0].due.date() == date(2023, 9, 25)


def test_a_day_missing_from_a_short_month_is_its_last_day() -> None:
    rec = parse_recurrence("trước ngày 30 hằng tháng")
    assert rec is not None
    start = datetime(2024, 1, 31, tzinfo=VN)
    days = [o.due.date() for o in next_deadlines(rec, after=start, count=3, tz=TZ)]
    assert days == [date(2024, 2, 29), date(2024, 3, 30), date(2024, 4, 30)]


def test_half_and_year_is_the_six_month_report_and_the_annual_report() -> None:
    rec = Recurrence("half_and_year", day=15, month=6)
    got = occurrences(
        rec, start=datetime(2024, 1, 1, tzinfo=VN), end=datetime(2024, 12, 31, tzinfo=VN), tz=TZ
    )
    assert [(o.kind, o.period_start, o.period_end, o.due.date()) for o in got] == [
        ("half", date(2024, 1, 1), date(2024, 6, 30), date(2024, 6, 15)),
        ("year", date(2024, 1, 1), date(2024, 12, 31), date(2024, 12, 15)),
    ]
    assert got[1].label("vi") == "năm 2024"


def test_years_bound_the_periods() -> None:
    rec = Recurrence("year", day=15, month=12, first_year=2024, last_year=2025)
    got = next_deadlines(rec, after=NOW, count=5, tz=TZ)
    assert [o.due.date() for o in got] == [date(2024, 12, 15), date(2025, 12, 15)]
    over = Recurrence("month", first_year=2021, last_year=2022)
    assert next_deadlines(over, after=NOW, count=3, tz=TZ) == []
    assert describe_recurrence(over, now=NOW, tz=TZ, lang="en").endswith("no periods left")


def test_the_echo_shows_the_schedule_and_its_next_three_deadlines() -> None:
    rec = parse_deadline("hằng quý, trước ngày 20 của tháng cuối quý", now=NOW)
    assert rec is not None
    assert format_deadline(rec, "vi", now=NOW) == (
        "hằng quý, trước ngày 20 của tháng cuối quý; các kỳ tới: 20/09/2023, 20/12/2023, 20/03/2024"
    )


def test_the_schedule_round_trips_through_json() -> None:
    for text in [*RECURRENCE_EXAMPLES["vi"], *RECURRENCE_EXAMPLES["en"]]:
        rec = parse_recurrence(text)
        assert rec is not None
        assert Recurrence.from_json(rec.to_json()) == rec
    with pytest.raises(ValueError, match="unknown period"):
        Recurrence.from_json({"period": "week"})


# --- properties ---------------------------------------------------------------------------

recurrences = st.builds(
    Recurrence,
    period=st.sampled_from(["month", "quarter", "half", "year", "half_and_year"]),
    day=st.none() | st.integers(1, 28),
    month=st.none(),
    first_year=st.none() | st.integers(2000, 2030),
    last_year=st.none() | st.integers(2030, 2040),
)
nows = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
    max_value=datetime(2045, 1, 1),  # noqa: DTZ001
    timezones=st.just(VN),
)


@settings(max_examples=200, deadline=None)
@given(rec=recurrences, now=nows, count=st.integers(0, 8))
def test_next_deadlines_are_ordered_in_their_periods_and_after_now(
    rec: Recurrence, now: datetime, count: int
) -> None:
    got = next_deadlines(rec, after=now, count=count, tz=TZ)
    assert len(got) <= count
    assert all(o.due >= now for o in got)
    assert [o.due for o in got] == sorted(o.due for o in got)
    for o in got:
        assert o.period_start <= o.due.date() <= o.period_end
        if rec.first_year is not None:
            assert o.period_start.year >= rec.first_year
        if rec.last_year is not None:
            assert o.period_end.year <= rec.last_year
    if rec.last_year is None and count:
        assert len(got) == count


VOCABULARY = """
    định kỳ hằng hàng mỗi tháng quý năm 6 một lần và trước ngày của đầu giữa cuối kỳ 15 20
    25 31 12 /12 từ đến giai đoạn 2021 2025 – every quarter monthly by the 20th of its last
    month annually half-yearly and , họp
"""
WORDS = VOCABULARY.split()


@settings(max_examples=400, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=9))
def test_any_mix_of_words_is_refused_or_a_valid_schedule(words: list[str]) -> None:
    rec = parse_recurrence(" ".join(words))
    if rec is not None:
        assert Recurrence.from_json(rec.to_json()) == rec
        assert next_deadlines(rec, after=NOW, count=2, tz=TZ) is not None


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_any_text_is_refused_or_a_schedule(text: str) -> None:
    rec = parse_recurrence(text)
    assert rec is None or rec.period in ("month", "quarter", "half", "year", "half_and_year")
