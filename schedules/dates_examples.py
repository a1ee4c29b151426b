"""Worked examples of how :func:`schedules.dates.parse_due` reads deadline phrases.

One table serves the tests (``tests/schedules/test_dates.py`` checks every row exactly), the
benchmark (``bench/bench_dates.py`` times every phrase) and whoever wants to know how a phrase
will be read. Times are wall-clock times in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

from schedules.dates import Precision

VN: Final = ZoneInfo("Asia/Ho_Chi_Minh")

# Saturday, the day letter 6411/VPCP-KTTH was signed.
NOW_A: Final = datetime(2023, 8, 19, 10, 0, tzinfo=VN)
# Wednesday late in the year: "the next one not ended" now rolls into 2024 for some phrases.
NOW_B: Final = datetime(2023, 12, 20, 15, 30, tzinfo=VN)
# 20:00 UTC on Saturday is already Sunday 20/08/2023 03:00 in Vietnam.
NOW_C: Final = datetime(2023, 8, 19, 20, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Example:
    phrase: str
    now: datetime
    start: datetime
    end: datetime
    precision: Precision
    by: bool = False


def _at(text: str) -> datetime:
    """'2023-12-05' or '2023-12-05 14:30' or '2023-12-05 23:59:59', in Vietnam."""
    return datetime.fromisoformat(text).replace(tzinfo=VN)


def _local(now: datetime) -> datetime:
    return now.astimezone(VN)


def day(phrase: str, when: str, *, now: datetime = NOW_A) -> Example:
    return Example(phrase, now, _at(when), _at(f"{when} 23:59:59"), "day")


def minute(phrase: str, when: str, *, now: datetime = NOW_A) -> Example:
    return Example(phrase, now, _at(when), _at(when), "minute")


def period(phrase: str, first: str, last: str, *, now: datetime = NOW_A) -> Example:
    return Example(phrase, now, _at(first), _at(f"{last} 23:59:59"), "period")


def by(
    phrase: str,
    deadline: str,
    precision: Precision = "day",
    *,
    now: datetime = NOW_A,
    start: str | None = None,
) -> Example:
    """A "trước ngày X" window: from ``now`` (or ``start`` when X is already over) to X."""
    end = _at(deadline) if precision == "minute" else _at(f"{deadline} 23:59:59")
    return Example(phrase, now, _at(start) if start else _local(now), end, precision, by=True)


READINGS: Final[tuple[Example, ...]] = (
    # --- dates, day first ------------------------------------------------------------------
    day("19/8/2023", "2023-08-19"),
    day("19-08-2023", "2023-08-19"),
    day("19.08.2023", "2023-08-19"),
    day("ngày 5 tháng 12 năm 2023", "2023-12-05"),
    day("19 tháng 8, 2023", "2023-08-19"),
    day("2023-08-19", "2023-08-19"),
    day("ngày 19/08/2023", "2023-08-19"),
    day("5/12/23", "2023-12-05"),
    day("5/12", "2023-12-05"),
    day("19/8", "2023-08-19"),  # today counts
    day("18/8", "2024-08-18"),  # already past this year
    day("29/2", "2024-02-29"),
    day("mùng 5 tháng 12", "2023-12-05"),
    day("5/12 năm 2024", "2024-12-05"),
    day("thứ Ba, 5/12/2023", "2023-12-05"),  # the weekday agrees with the date
    day("NGÀY 5/12/2023", "2023-12-05"),
    day("  ngày   5 / 12 / 2023 . ", "2023-12-05"),
    day("19/08/2023./.", "2023-08-19"),
    # --- times of day --------------------------------------------------------------------
    minute("14h ngày 5/12/2023", "2023-12-05 14:00"),
    minute("14h30 5/12/2023", "2023-12-05 14:30"),
    minute("14 giờ 30 ngày 5/12/2023", "2023-12-05 14:30"),
    minute("14 giờ 30 phút ngày 5/12/2023", "2023-12-05 14:30"),
    minute("8:30 sáng mai", "2023-08-20 08:30"),
    minute("2 giờ chiều thứ Sáu tuần sau", "2023-08-25 14:00"),
    minute("2 giờ chiều ngày thứ Sáu tuần sau", "2023-08-25 14:00"),
    minute("9h sáng 10/12", "2023-12-10 09:00"),
    minute("17h chiều nay", "2023-08-19 17:00"),
    minute("9h30 tối nay", "2023-08-19 21:30"),
    minute("1 giờ trưa mai", "2023-08-20 13:00"),
    minute("2 giờ rưỡi chiều mai", "2023-08-20 14:30"),
    minute("sáng mai lúc 9h", "2023-08-20 09:00"),
    minute("ngày mai lúc 14h", "2023-08-20 14:00"),
    minute("5/12/2023 14:00", "2023-12-05 14:00"),
    minute("2023-12-05 14:00", "2023-12-05 14:00"),
    minute("0h ngày 5/12", "2023-12-05 00:00"),
    minute("7 giờ tối thứ 6", "2023-08-25 19:00"),
    minute("vào lúc 14h ngày 5/12/2023", "2023-12-05 14:00"),
    minute("2pm tomorrow", "2023-08-20 14:00"),
    minute("tomorrow at 9am", "2023-08-20 09:00"),
    minute("14:00 on 5 December 2023", "2023-12-05 14:00"),
    # --- relative days -------------------------------------------------------------------
    day("hôm nay", "2023-08-19"),
    day("ngày mai", "2023-08-20"),
    day("ngày kia", "2023-08-21"),
    day("ngày mốt", "2023-08-21"),
    day("3 ngày nữa", "2023-08-22"),
    day("sau 3 ngày", "2023-08-22"),
    day("3 ngày sau", "2023-08-22"),
    day("2 tuần nữa", "2023-09-02"),
    day("3 tuần sau", "2023-09-09"),
    day("sau 2 tuần", "2023-09-02"),
    day("thứ Hai tuần sau", "2023-08-21"),
    day("thứ 2 tuần tới", "2023-08-21"),
    day("chủ nhật tuần này", "2023-08-20"),
    day("thứ Sáu", "2023-08-25"),
    day("thứ Bảy", "2023-08-19"),  # today counts
    day("T6 tuần sau", "2023-08-25"),
    day("ngày thứ Hai tuần sau", "2023-08-21"),
    day("ngày chủ nhật", "2023-08-20"),
    # --- relative periods ----------------------------------------------------------------
    period("tuần sau", "2023-08-21", "2023-08-27"),
    period("tuần tới", "2023-08-21", "2023-08-27"),
    period("tuần này", "2023-08-14", "2023-08-20"),
    period("tháng sau", "2023-09-01", "2023-09-30"),
    period("tháng tới", "2023-09-01", "2023-09-30"),
    period("tháng này", "2023-08-01", "2023-08-31"),
    period("quý sau", "2023-10-01", "2023-12-31"),
    period("năm sau", "2024-01-01", "2024-12-31"),
    period("sang năm", "2024-01-01", "2024-12-31"),
    period("năm nay", "2023-01-01", "2023-12-31"),
    # --- months, quarters, years -----------------------------------------------------------
    period("tháng 10/2023", "2023-10-01", "2023-10-31"),
    period("tháng 10 năm 2023", "2023-10-01", "2023-10-31"),
    period("tháng 10", "2023-10-01", "2023-10-31"),
    period("tháng 8", "2023-08-01", "2023-08-31"),  # not over yet
    period("tháng 7", "2024-07-01", "2024-07-31"),  # over: next year's
    period("tháng 10 năm sau", "2024-10-01", "2024-10-31"),
    period("quý IV năm 2023", "2023-10-01", "2023-12-31"),
    period("quý 4/2023", "2023-10-01", "2023-12-31"),
    period("Quý IV/2023", "2023-10-01", "2023-12-31"),
    period("quý II", "2024-04-01", "2024-06-30"),
    period("quý III", "2023-07-01", "2023-09-30"),
    period("năm 2024", "2024-01-01", "2024-12-31"),
    period("2024", "2024-01-01", "2024-12-31"),
    # --- đầu / giữa / cuối ------------------------------------------------------------------
    period("đầu quý IV năm 2023", "2023-10-01", "2023-10-31"),
    period("giữa quý IV năm 2023", "2023-11-01", "2023-11-30"),
    period("cuối quý IV năm 2023", "2023-12-01", "2023-12-31"),
    period("đầu quý", "2023-10-01", "2023-10-31"),  # July is over: Q4's first month
    period("cuối quý", "2023-09-01", "2023-09-30"),
    period("đầu tháng 12 năm 2023", "2023-12-01", "2023-12-10"),
    period("giữa tháng 12 năm 2023", "2023-12-11", "2023-12-20"),
    period("cuối tháng 12 năm 2023", "2023-12-21", "2023-12-31"),
    period("thượng tuần tháng 12", "2023-12-01", "2023-12-10"),
    period("trung tuần tháng 12", "2023-12-11", "2023-12-20"),
    period("hạ tuần tháng 12", "2023-12-21", "2023-12-31"),
    period("hạ tuần tháng 2 năm 2024", "2024-02-21", "2024-02-29"),
    period("cuối tháng 2 năm 2023", "2023-02-21", "2023-02-28"),
    period("đầu tháng 8", "2024-08-01", "2024-08-10"),  # 1–10/08/2023 is over
    period("cuối tháng 8", "2023-08-21", "2023-08-31"),
    period("cuối tháng", "2023-08-21", "2023-08-31"),
    period("đầu tháng sau", "2023-09-01", "2023-09-10"),
    period("cuối tháng này", "2023-08-21", "2023-08-31"),
    period("đầu năm 2024", "2024-01-01", "2024-03-31"),
    period("cuối năm 2023", "2023-10-01", "2023-12-31"),
    period("đầu năm", "2024-01-01", "2024-03-31"),
    period("cuối năm", "2023-10-01", "2023-12-31"),
    # --- parts of a year -------------------------------------------------------------------
    period("6 tháng đầu năm 2024", "2024-01-01", "2024-06-30"),
    period("6 tháng cuối năm 2023", "2023-07-01", "2023-12-31"),
    period("nửa đầu năm 2024", "2024-01-01", "2024-06-30"),
    period("nửa cuối năm 2023", "2023-07-01", "2023-12-31"),
    period("những tháng cuối năm 2023", "2023-07-01", "2023-12-31"),
    period("những tháng cuối năm", "2023-07-01", "2023-12-31"),
    period("6 tháng đầu năm", "2024-01-01", "2024-06-30"),
    period("9 tháng đầu năm 2023", "2023-01-01", "2023-09-30"),
    # --- as written in letter 6411/VPCP-KTTH ------------------------------------------------
    day("ngày 19 tháng 8 năm 2023", "2023-08-19"),
    period("trong quý III năm 2023", "2023-07-01", "2023-09-30"),
    period("trong quý IV năm 2023", "2023-10-01", "2023-12-31"),
    period("Quý IV năm 2023", "2023-10-01", "2023-12-31"),
    period("Đầu quý IV năm 2023", "2023-10-01", "2023-10-31"),
    period("Đầu tháng 12 năm 2023", "2023-12-01", "2023-12-10"),
    # --- deadline words ------------------------------------------------------------------
    by("trước ngày 5/12/2023", "2023-12-05"),
    by("trước 5/12/2023", "2023-12-05"),
    by("chậm nhất ngày 5/12/2023", "2023-12-05"),
    by("chậm nhất là ngày 5/12/2023", "2023-12-05"),
    by("chậm nhất vào ngày 5/12/2023", "2023-12-05"),
    by("hạn 5/12/2023", "2023-12-05"),
    by("hạn chót 5/12/2023", "2023-12-05"),
    by("hạn: 5/12", "2023-12-05"),
    by("không quá ngày 5/12/2023", "2023-12-05"),
    by("không quá 5/12/2023", "2023-12-05"),
    by("trước ngày mai", "2023-08-20"),
    by("chậm nhất ngày thứ Sáu tuần sau", "2023-08-25"),
    by("trước ngày thứ Hai tuần sau", "2023-08-21"),
    by("hạn chót là 17h ngày 5/12/2023", "2023-12-05 17:00", "minute"),
    by("trước 14h ngày 5/12/2023", "2023-12-05 14:00", "minute"),
    by("chậm nhất trong quý IV năm 2023", "2023-12-31", "period"),
    by("hạn chót: quý IV/2023", "2023-12-31", "period"),
    by("trước cuối tháng 12 năm 2023", "2023-12-31", "period"),
    by("chậm nhất tuần sau", "2023-08-27", "period"),
    by("trong vòng 3 ngày", "2023-08-22"),
    by("trong 2 tuần", "2023-09-02"),
    by("trước ngày 1/8/2023", "2023-08-01", start="2023-08-01"),  # already over
    day("vào ngày 5/12/2023", "2023-12-05"),
    day("vào 5/12/2023", "2023-12-05"),
    day("trong ngày mai", "2023-08-20"),
    period("trong tháng này", "2023-08-01", "2023-08-31"),
    period("vào tuần sau", "2023-08-21", "2023-08-27"),
    # --- English -------------------------------------------------------------------------
    period("Q4 2023", "2023-10-01", "2023-12-31"),
    period("q4/2023", "2023-10-01", "2023-12-31"),
    period("Q4", "2023-10-01", "2023-12-31"),
    period("in Q4 2023", "2023-10-01", "2023-12-31"),
    period("fourth quarter of 2023", "2023-10-01", "2023-12-31"),
    period("early December 2023", "2023-12-01", "2023-12-10"),
    period("mid December 2023", "2023-12-11", "2023-12-20"),
    period("mid-December 2023", "2023-12-11", "2023-12-20"),
    period("late December 2023", "2023-12-21", "2023-12-31"),
    period("end of December 2023", "2023-12-21", "2023-12-31"),
    period("end of 2023", "2023-10-01", "2023-12-31"),
    period("beginning of 2024", "2024-01-01", "2024-03-31"),
    period("December 2023", "2023-12-01", "2023-12-31"),
    period("December", "2023-12-01", "2023-12-31"),
    period("end of the month", "2023-08-21", "2023-08-31"),
    period("first half of 2024", "2024-01-01", "2024-06-30"),
    period("second half of 2023", "2023-07-01", "2023-12-31"),
    period("H1 2024", "2024-01-01", "2024-06-30"),
    period("next week", "2023-08-21", "2023-08-27"),
    period("next month", "2023-09-01", "2023-09-30"),
    period("this month", "2023-08-01", "2023-08-31"),
    day("tomorrow", "2023-08-20"),
    day("today", "2023-08-19"),
    day("the day after tomorrow", "2023-08-21"),
    day("next Monday", "2023-08-21"),
    day("next Friday", "2023-08-25"),  # on a Saturday both readings of "next" agree
    day("Friday next week", "2023-08-25"),
    day("in 3 days", "2023-08-22"),
    day("in 2 weeks", "2023-09-02"),
    day("3 days from now", "2023-08-22"),
    day("5 December 2023", "2023-12-05"),
    day("December 5, 2023", "2023-12-05"),
    day("Dec 5th, 2023", "2023-12-05"),
    day("Tuesday, December 5, 2023", "2023-12-05"),
    day("the 5th of December", "2023-12-05"),
    day("2023/12/05", "2023-12-05"),
    by("by 5/12/2023", "2023-12-05"),
    by("by tomorrow", "2023-08-20"),
    by("by end of 2023", "2023-12-31", "period"),
    by("no later than Q4 2023", "2023-12-31", "period"),
    by("due 5 Dec 2023", "2023-12-05"),
    by("deadline: 5/12/2023", "2023-12-05"),
    by("within 2 weeks", "2023-09-02"),
    # --- spellings only the dateparser fallback knows ---------------------------------------
    day("december the 5th, 2023", "2023-12-05"),
    day("5-dec-2023", "2023-12-05"),
    day("Dec. 5, 2023", "2023-12-05"),
    # --- typed without diacritics ----------------------------------------------------------
    period("quy iv nam 2023", "2023-10-01", "2023-12-31"),
    period("dau thang 12 nam 2023", "2023-12-01", "2023-12-10"),
    period("thuong tuan thang 12", "2023-12-01", "2023-12-10"),
    period("nhung thang cuoi nam 2023", "2023-07-01", "2023-12-31"),
    day("ngay mai", "2023-08-20"),
    day("thu sau tuan sau", "2023-08-25"),  # thứ sáu (Friday) of tuần sau (next week)
    day("thu tu tuan sau", "2023-08-23"),  # thứ tư = Wednesday
    day("thu nam tuan sau", "2023-08-24"),  # thứ năm = Thursday, not "year"
    minute("2 gio chieu thu sau tuan sau", "2023-08-25 14:00"),
    by("truoc ngay 5/12/2023", "2023-12-05"),
    # --- late in the year (NOW_B, Wednesday 20/12/2023 15:30) ------------------------------
    period("tháng 12", "2023-12-01", "2023-12-31", now=NOW_B),
    period("đầu tháng 12", "2024-12-01", "2024-12-10", now=NOW_B),
    period("giữa tháng", "2023-12-11", "2023-12-20", now=NOW_B),  # ends today: not over
    period("cuối tháng", "2023-12-21", "2023-12-31", now=NOW_B),
    period("đầu tháng", "2024-01-01", "2024-01-10", now=NOW_B),
    period("quý IV", "2023-10-01", "2023-12-31", now=NOW_B),
    period("đầu quý", "2024-01-01", "2024-01-31", now=NOW_B),
    period("cuối quý", "2023-12-01", "2023-12-31", now=NOW_B),
    period("cuối năm", "2023-10-01", "2023-12-31", now=NOW_B),
    period("đầu năm", "2024-01-01", "2024-03-31", now=NOW_B),
    period("6 tháng cuối năm", "2023-07-01", "2023-12-31", now=NOW_B),
    period("tháng 10", "2024-10-01", "2024-10-31", now=NOW_B),
    period("tuần sau", "2023-12-25", "2023-12-31", now=NOW_B),
    period("tháng sau", "2024-01-01", "2024-01-31", now=NOW_B),
    period("quý sau", "2024-01-01", "2024-03-31", now=NOW_B),
    day("5/12", "2024-12-05", now=NOW_B),
    day("20/12", "2023-12-20", now=NOW_B),
    day("thứ Sáu", "2023-12-22", now=NOW_B),
    day("chủ nhật tuần này", "2023-12-24", now=NOW_B),
    day("ngày mai", "2023-12-21", now=NOW_B),
    day("3 tuần sau", "2024-01-10", now=NOW_B),
    day("next Monday", "2023-12-25", now=NOW_B),
    by("trong vòng 2 tuần", "2024-01-03", now=NOW_B),
    by("trước ngày 15/12/2023", "2023-12-15", now=NOW_B, start="2023-12-15"),
    # --- now given in UTC (NOW_C = Sunday 20/08/2023 03:00 in Vietnam) -------------------
    day("hôm nay", "2023-08-20", now=NOW_C),
    day("ngày mai", "2023-08-21", now=NOW_C),
    day("chủ nhật", "2023-08-20", now=NOW_C),
    period("tuần sau", "2023-08-21", "2023-08-27", now=NOW_C),
    by("trước ngày 5/12/2023", "2023-12-05", now=NOW_C),
)

# Phrases that must not be read at all, at NOW_A.
_REFUSED_AT_A: Final = (
    "",
    "   ",
    "./.",
    "xin chào",
    # words that carried meaning would be dropped
    "ngày mai họp",
    "quý IV năm 2023 hoặc sớm hơn",
    "5/12/2023 hoặc 6/12/2023",
    "từ 1/12 đến 5/12",
    "Nhiệm vụ trọng tâm Quý IV năm 2023",
    "3 ngày làm việc",
    # no date in it (both from letter 6411)
    "trong thời gian tới",
    "hoàn thành ngay",
    "ngay",
    # impossible values
    "31/2/2023",
    "29/2/2023",
    "31/4",
    "32/1/2024",
    "quý V",
    "quý V năm 2023",
    "quý 5/2023",
    "quý 0",
    "tháng 13/2023",
    "tháng 0/2023",
    "năm 2300",
    "thứ 8",
    "0 ngày nữa",
    "in 0 days",
    "99999 ngày nữa",
    "14h ngày 31/2/2023",
    # hours out of range or contradicting the part of the day
    "25h ngày 5/12/2023",
    "24h ngày 5/12",
    "14h60 ngày 5/12/2023",
    "14h sáng 5/12",
    "12 giờ tối mai",
    "2pm chiều mai",
    "13pm tomorrow",
    # a time without a day, a part of the day without a time
    "14h",
    "trước 17h",
    "tối nay",
    "sáng mai",
    # ambiguous
    "trước tháng 10/2023",
    "trước quý IV",
    "by Q4 2023",
    "by next week",
    "giữa năm 2024",
    "mid 2024",
    "cuối tuần",
    "đầu tuần sau",
    "hạ tuần quý IV",
    "thứ Hai tuần này",  # on a Saturday: already over
    "this Monday",
    "thứ Hai, 5/12/2023",  # 5/12/2023 is a Tuesday
    "monday 5 december 2023",
    "ngày 5",
    "10/2023",
    "tháng Giêng",  # lunar month
    "in 3 months",
    # a toned word where only its toneless twin fits
    "tháng sáu",  # June in words, not "tháng sau" (next month)
    "tuần sáu",
    "sáu 3 ngày",
    "quý tối",  # "tối" is evening, "tới" is next
    "9h tới mai",
    "ngày một",  # "một" is one, "mốt" is the day after tomorrow
    # digit soup that dateparser would happily read
    "1 2 13",
    "2 29/2",
    "5/12 13",
    "2023 5/12",
    "the 19.08.2023 the",
    "2023 24 Dec",
    "Dec 3 24",
    "14h 1 5/12",
    "hạn 12 - 1",
    # not deadlines
    "hôm qua",
    "before 5/12/2023",
    "sau ngày 5/12/2023",
)
REFUSALS: Final[tuple[tuple[str, datetime], ...]] = (
    *((phrase, NOW_A) for phrase in _REFUSED_AT_A),
    ("next Saturday", NOW_B),  # on a Wednesday: this Saturday or the one after?
    ("thứ Hai tuần này", NOW_B),
)
