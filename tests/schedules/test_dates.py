"""parse_due / format_due: how deadline phrases are read, refused and echoed back.

The table of phrases and their exact windows lives in ``schedules/dates_examples.py`` (shared
with the benchmark); this module checks every row, the refusals, the rendering in both
languages, and properties that must hold for any input.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.offline.driver import OfflineBot
from schedules import dates
from schedules.dates import (
    ACCEPTED_EXAMPLES,
    DueWindow,
    PeriodLabel,
    format_deadline,
    format_due,
    parse_deadline,
    parse_due,
    warm_up,
)
from schedules.dates_examples import NOW_A, NOW_B, READINGS, REFUSALS, Example
from schedules.recurrence import looks_recurring

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def strip_diacritics(text: str) -> str:
    """What a user without a Vietnamese keyboard types: "Đầu quý IV" → "Dau quy IV"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def reading(window: DueWindow | None) -> tuple[object, ...] | None:
    """Everything parse_due decided, without the echoed input text."""
    if window is None:
        return None
    return (window.start, window.end, window.precision, window.label, window.by)


def parse(phrase: str, now: datetime = NOW_A) -> DueWindow:
    window = parse_due(phrase, now=now)
    assert window is not None, f"{phrase!r} was not understood"
    return window


# --- the table ------------------------------------------------------------------------------


def test_the_table_is_large_and_has_no_duplicates() -> None:
    keys = [(e.phrase, e.now) for e in READINGS]
    assert len(READINGS) >= 120
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("example", READINGS, ids=lambda e: f"{e.phrase!r}@{e.now:%d/%m %H:%M%z}")
def test_reads_phrase_exactly(example: Example) -> None:
    window = parse(example.phrase, example.now)

    assert (window.start, window.end) == (example.start, example.end)
    assert window.precision == example.precision
    assert window.by == example.by
    assert window.text == example.phrase
    # The window is expressed in Vietnam's zone, not only at the right instant.
    assert window.start.tzinfo == VN
    assert window.end.tzinfo == VN
    if example.precision == "minute" and not example.by:
        assert window.start == window.end
    if example.precision == "period" and not example.by:
        assert window.label is not None


@pytest.mark.parametrize(
    ("phrase", "now"), REFUSALS, ids=lambda v: repr(v) if isinstance(v, str) else ""
)
def test_refuses(phrase: str, now: datetime) -> None:
    assert parse_due(phrase, now=now) is None


LETTER_6411 = {
    # Every deadline in letter 6411/VPCP-KTTH (shared/reference/004_...), echoed in Vietnamese.
    "ngày 19 tháng 8 năm 2023": "19/08/2023",
    "những tháng cuối năm 2023": "6 tháng cuối năm 2023 (01/07/2023 – 31/12/2023)",
    "trong quý III năm 2023": "quý III/2023 (01/07/2023 – 30/09/2023)",
    "trong quý IV năm 2023": "quý IV/2023 (01/10/2023 – 31/12/2023)",
    "Quý IV năm 2023": "quý IV/2023 (01/10/2023 – 31/12/2023)",
    "Đầu quý IV năm 2023": "đầu quý IV/2023 (01/10/2023 – 31/10/2023)",
    "Đầu tháng 12 năm 2023": "đầu tháng 12/2023 (01/12/2023 – 10/12/2023)",
    "nửa cuối năm 2023": "6 tháng cuối năm 2023 (01/07/2023 – 31/12/2023)",
    "năm 2024": "năm 2024 (01/01/2024 – 31/12/2024)",
}


@pytest.mark.parametrize(("phrase", "echo"), LETTER_6411.items())
def test_letter_6411_deadlines(phrase: str, echo: str) -> None:
    assert format_due(parse(phrase), "vi") == echo


def test_letter_6411_phrases_without_a_date_are_refused() -> None:
    # "hoàn thành ngay" (immediately) and "trong thời gian tới" (from now on) name no date.
    assert parse_due("hoàn thành ngay", now=NOW_A) is None
    assert parse_due("trong thời gian tới", now=NOW_A) is None


# --- conventions ------------------------------------------------------------------------------


def test_truoc_ngay_means_by_the_end_of_that_day() -> None:
    window = parse("trước ngày 15/12/2023")
    assert window.end == datetime(2023, 12, 15, 23, 59, 59, tzinfo=VN)
    assert window.start == NOW_A
    assert window.by
    assert window.deadline == window.end


def test_a_deadline_already_over_keeps_its_end() -> None:
    window = parse("chậm nhất ngày 1/8/2023")
    assert window.start == datetime(2023, 8, 1, tzinfo=VN)
    assert window.end == datetime(2023, 8, 1, 23, 59, 59, tzinfo=VN)


def test_ten_day_parts_and_early_mid_late_agree() -> None:
    for vi, en in [
        ("thượng tuần tháng 12/2023", "early December 2023"),
        ("trung tuần tháng 12/2023", "mid December 2023"),
        ("hạ tuần tháng 12/2023", "late December 2023"),
        ("đầu tháng 12/2023", "beginning of December 2023"),
        ("cuối tháng 12/2023", "end of December 2023"),
    ]:
        assert reading(parse(vi)) == reading(parse(en))


def test_tone_marks_decide_between_toneless_twins() -> None:
    # Typed without tones, "sau" can only be read the way the grammar uses it...
    assert parse("thang sau").label == PeriodLabel("month", 2023, 9)
    assert parse("thu sau").start == datetime(2023, 8, 25, tzinfo=VN)
    # ...but a toned "sáu" (six) or "tối" (evening) is never read as "sau" / "tới" (next).
    assert parse_due("tháng sáu", now=NOW_A) is None
    assert parse_due("quý tối", now=NOW_A) is None
    assert parse("thứ sáu tuần sau").start == datetime(2023, 8, 25, tzinfo=VN)
    assert parse("9h tối thứ sáu tuần tới").start == datetime(2023, 8, 25, 21, tzinfo=VN)


def test_the_dateparser_fallback_only_takes_complete_english_dates() -> None:
    assert parse("Tuesday the 5th of December, 2023").start == datetime(2023, 12, 5, tzinfo=VN)
    assert parse_due("Monday the 5th of December, 2023", now=NOW_A) is None  # wrong weekday
    assert parse_due("december the 5th", now=NOW_A) is None  # no year: not its job
    assert parse_due("the 31st of february, 2023", now=NOW_A) is None


def test_late_part_of_february_follows_leap_years() -> None:
    assert parse("cuối tháng 2/2024").end.day == 29
    assert parse("cuối tháng 2/2023").end.day == 28


def test_year_without_century_is_this_century() -> None:
    assert parse("5/12/23").start == datetime(2023, 12, 5, tzinfo=VN)


def test_other_time_zone() -> None:
    # 10:00 in Vietnam is 05:00 in Paris (summer): same day, window in Paris time.
    window = parse_due("ngày mai", now=NOW_A, tz="Europe/Paris")
    assert window is not None
    assert window.start == datetime(2023, 8, 20, tzinfo=ZoneInfo("Europe/Paris"))
    assert window.start.tzinfo == ZoneInfo("Europe/Paris")


def test_today_is_taken_in_the_target_zone() -> None:
    # 23:30 UTC on the 19th is the 20th in Vietnam.
    now = datetime(2023, 8, 19, 23, 30, tzinfo=UTC)
    assert parse("hôm nay", now).start == datetime(2023, 8, 20, tzinfo=VN)
    assert parse_due("hôm nay", now=now, tz="UTC") is not None
    assert parse_due("hôm nay", now=now, tz="UTC").start.day == 19  # type: ignore[union-attr]


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_due("ngày mai", now=datetime(2023, 8, 19, 10, 0))  # noqa: DTZ001


def test_now_out_of_supported_years_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="supports"):
        parse_due("ngày mai", now=datetime(2500, 1, 1, tzinfo=UTC))


def test_window_is_frozen() -> None:
    window = parse("ngày mai")
    with pytest.raises(dataclasses.FrozenInstanceError):
        window.end = window.start  # type: ignore[misc]


def test_labels_name_the_period() -> None:
    assert parse("quý IV năm 2023").label == PeriodLabel("quarter", 2023, 4)
    assert parse("đầu tháng 12 năm 2023").label == PeriodLabel("month_part", 2023, 12, "early")
    assert parse("cuối năm 2023").label == PeriodLabel("year_part", 2023, 0, "late")
    assert parse("6 tháng đầu năm 2024").label == PeriodLabel("first_months", 2024, 6)
    assert parse("tuần sau").label == PeriodLabel("week", 2023, 34)
    assert parse("ngày mai").label is None


# --- format_due -------------------------------------------------------------------------------

FORMATS = [
    ("quý IV/2023", "quý IV/2023 (01/10/2023 – 31/12/2023)", "Q4 2023 (01/10/2023 – 31/12/2023)"),
    ("5/12/2023", "05/12/2023", "05/12/2023"),
    ("14h30 ngày 5/12/2023", "14:30 05/12/2023", "14:30 05/12/2023"),
    ("trước ngày 5/12/2023", "trước 05/12/2023", "by 05/12/2023"),
    ("trước 14h ngày 5/12/2023", "trước 14:00 05/12/2023", "by 14:00 05/12/2023"),
    (
        "tháng 10/2023",
        "tháng 10/2023 (01/10/2023 – 31/10/2023)",
        "October 2023 (01/10/2023 – 31/10/2023)",
    ),
    (
        "đầu tháng 12 năm 2023",
        "đầu tháng 12/2023 (01/12/2023 – 10/12/2023)",
        "early December 2023 (01/12/2023 – 10/12/2023)",
    ),
    (
        "giữa quý IV năm 2023",
        "giữa quý IV/2023 (01/11/2023 – 30/11/2023)",
        "mid Q4 2023 (01/11/2023 – 30/11/2023)",
    ),
    (
        "6 tháng đầu năm 2024",
        "6 tháng đầu năm 2024 (01/01/2024 – 30/06/2024)",
        "first half of 2024 (01/01/2024 – 30/06/2024)",
    ),
    (
        "9 tháng đầu năm 2023",
        "9 tháng đầu năm 2023 (01/01/2023 – 30/09/2023)",
        "first 9 months of 2023 (01/01/2023 – 30/09/2023)",
    ),
    (
        "nửa cuối năm 2023",
        "6 tháng cuối năm 2023 (01/07/2023 – 31/12/2023)",
        "second half of 2023 (01/07/2023 – 31/12/2023)",
    ),
    (
        "đầu năm 2024",
        "đầu năm 2024 (01/01/2024 – 31/03/2024)",
        "early 2024 (01/01/2024 – 31/03/2024)",
    ),
    ("năm 2024", "năm 2024 (01/01/2024 – 31/12/2024)", "2024 (01/01/2024 – 31/12/2024)"),
    (
        "tuần sau",
        "tuần 34/2023 (21/08/2023 – 27/08/2023)",
        "week 34 of 2023 (21/08/2023 – 27/08/2023)",
    ),
    (
        "chậm nhất trong quý IV năm 2023",
        "trước 31/12/2023 (hết quý IV/2023)",
        "by 31/12/2023 (end of Q4 2023)",
    ),
    # The end of "cuối tháng 12" is not "the end of the end of December".
    (
        "trước cuối tháng 12 năm 2023",
        "trước 31/12/2023 (cuối tháng 12/2023)",
        "by 31/12/2023 (late December 2023)",
    ),
]


@pytest.mark.parametrize(("phrase", "vi", "en"), FORMATS)
def test_format_due(phrase: str, vi: str, en: str) -> None:
    window = parse(phrase)
    assert format_due(window, "vi") == vi
    assert format_due(window, "en") == en


def test_format_due_without_label_shows_the_dates() -> None:
    window = DueWindow(
        start=datetime(2023, 10, 1, tzinfo=VN),
        end=datetime(2023, 12, 31, 23, 59, 59, tzinfo=VN),
        precision="period",
        text="Q4",
    )
    assert format_due(window, "en") == "01/10/2023 – 31/12/2023"


def test_format_due_accepts_regional_language_tags() -> None:
    window = parse("quý IV/2023")
    assert format_due(window, "vi-VN") == format_due(window, "vi")
    assert format_due(window, "EN_us") == format_due(window, "en")


def test_format_due_rejects_unknown_languages() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        format_due(parse("quý IV/2023"), "fr")


def test_format_due_echo_reads_back_to_the_same_window() -> None:
    # The vi echo of a period starts with its name, which must read back to the same window.
    for phrase in ["quý IV/2023", "đầu tháng 12 năm 2023", "6 tháng cuối năm 2023", "năm 2024"]:
        window = parse(phrase)
        name = format_due(window, "vi").split(" (")[0]
        assert reading(parse(name)) == reading(window)


# --- examples shown to users, warm-up ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_accepted_examples_are_understood(lang: str) -> None:
    assert 6 <= len(ACCEPTED_EXAMPLES[lang]) <= 10
    for phrase in ACCEPTED_EXAMPLES[lang]:
        for now in (NOW_A, NOW_B):
            assert parse_due(phrase, now=now) is not None, phrase


def test_warm_up_leaves_results_unchanged() -> None:
    before = reading(parse("december the 5th, 2023"))
    warm_up()
    assert reading(parse("december the 5th, 2023")) == before


@pytest.fixture
def cold_parser() -> None:
    dates._date_data_parser.cache_clear()


async def test_dateparser_is_loaded_at_start_up_not_on_a_message(
    cold_parser: None, bot: OfflineBot
) -> None:
    # The bot has started (post_init ran) and nobody has written yet.
    assert dates._date_data_parser.cache_info().currsize == 1


FALLBACK_PHRASES = ["december the 5th, 2023", "5-dec-2023", "Dec. 5, 2023"]


def test_dateparser_reads_relative_to_now_not_the_system_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bases: list[datetime] = []
    real = dates._date_data_parser

    def recording(relative_base: datetime) -> object:
        bases.append(relative_base)
        return real(relative_base)

    monkeypatch.setattr(dates, "_date_data_parser", recording)
    assert parse("december the 5th, 2023").start == datetime(2023, 12, 5, tzinfo=VN)
    assert bases == [NOW_A.astimezone(VN).replace(tzinfo=None)]


@pytest.mark.parametrize("phrase", FALLBACK_PHRASES)
def test_fallback_phrases_are_read_by_dateparser(
    phrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert parse(phrase).start == datetime(2023, 12, 5, tzinfo=VN)
    monkeypatch.setattr(dates, "_parse_with_dateparser", lambda *_: None)
    assert parse_due(phrase, now=NOW_A) is None  # the grammar alone does not know them


# --- docs/deadlines.md ------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "deadlines.md"
TUESDAY = datetime(2023, 8, 22, 10, 0, tzinfo=VN)
DOC_ROW = re.compile(r"^\| (?P<phrase>.+?) \| (?P<reading>.+?) \|$")
DOC_NOTE = re.compile(r" \((?:tức |that is|không dấu|[^)]* đã qua)[^)]*\)$")  # notes for the reader


def doc_examples() -> list[tuple[str, str, datetime, str]]:
    """(language, phrase, now, reading; "" when refused) for every row of both example tables."""
    vi, en = DOCS.read_text(encoding="utf-8").split("\n## English\n")
    rows = []
    for lang, part in (("vi", vi), ("en", en)):
        for line in part.splitlines():
            m = DOC_ROW.match(line)
            if m is None or m["phrase"] in ("Cụm từ", "Phrase", "---"):
                continue
            phrase, now = DOC_NOTE.sub("", m["phrase"]), NOW_A
            if phrase.endswith(", said on a Tuesday"):
                phrase, now = phrase.removesuffix(", said on a Tuesday"), TUESDAY
            reading = DOC_NOTE.sub("", m["reading"])
            refused = reading.startswith("*")
            for each in phrase.split(", ") if refused and "quý V" in phrase else [phrase]:
                rows.append((lang, each, now, "" if refused else reading))
    return rows


@pytest.mark.parametrize(("lang", "phrase", "now", "reading"), doc_examples())
def test_docs_show_how_each_phrase_is_read(
    lang: str, phrase: str, now: datetime, reading: str
) -> None:
    window = parse_deadline(phrase, now=now)
    if not reading:
        assert window is None, f"docs/deadlines.md says {phrase!r} is refused"
    else:
        assert window is not None, f"docs/deadlines.md says {phrase!r} is understood"
        assert format_deadline(window, lang, now=now) == reading


def test_docs_have_both_example_tables() -> None:
    assert sum(lang == "vi" for lang, *_ in doc_examples()) >= 30
    assert sum(lang == "en" for lang, *_ in doc_examples()) >= 20


def test_docs_show_recurring_forms_and_their_refusals() -> None:
    rows = doc_examples()
    recurring = [(lang, reading) for lang, phrase, _, reading in rows if looks_recurring(phrase)]
    for lang in ("vi", "en"):
        assert sum(bool(r) for la, r in recurring if la == lang) >= 5
        assert sum(not r for la, r in recurring if la == lang) >= 3


# --- properties -------------------------------------------------------------------------------

# Words of the grammar (and a few that are not), to build near-miss phrases from.
GRAMMAR_VOCABULARY = """
    ngày tháng năm quý tuần thứ sáu sau tư hai chủ nhật mai nay kia mốt nữa hôm
    đầu giữa cuối thượng trung hạ nửa những 6 tháng trước chậm nhất là hạn chót
    không quá vào trong vòng lúc sáng trưa chiều tối giờ phút rưỡi IV III V I 0 1
    2 3 4 5 7 12 13 24 31 2023 2024 99999 14h 14h30 8:30 5/12 31/2 29/2 19.08.2023
    2023-12-05 Q4 q5 H1 early mid late end of the by in on next this week month
    year quarter half first second days weeks tomorrow today December Dec monday
    friday 2pm am at from now , . ./. hoặc họp -
"""
GRAMMAR_WORDS = GRAMMAR_VOCABULARY.split()
grammar_phrases = st.lists(st.sampled_from(GRAMMAR_WORDS), min_size=1, max_size=7).map(" ".join)
zones = st.sampled_from([UTC, VN, ZoneInfo("America/Los_Angeles"), timezone(timedelta(hours=14))])
nows = st.datetimes(
    min_value=datetime(1950, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
    max_value=datetime(2150, 12, 31),  # noqa: DTZ001
    timezones=zones,
)


def assert_well_formed(window: DueWindow | None, text: str) -> None:
    if window is None:
        return
    assert window.start.tzinfo is not None
    assert window.end.tzinfo is not None
    assert window.start.utcoffset() is not None
    assert window.start <= window.end
    assert window.precision in ("minute", "day", "period")
    assert window.text == text
    if window.precision == "minute" and not window.by:
        assert window.start == window.end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=40), now=nows)
def test_any_text_is_refused_or_well_formed(text: str, now: datetime) -> None:
    assert_well_formed(parse_due(text, now=now), text)


@settings(max_examples=600, deadline=None)
@given(text=grammar_phrases, now=nows)
def test_any_mix_of_grammar_words_is_refused_or_well_formed(text: str, now: datetime) -> None:
    assert_well_formed(parse_due(text, now=now), text)


@settings(max_examples=200, deadline=None)
@given(
    example=st.sampled_from(READINGS),
    extra=st.sampled_from(["họp", "hoặc sớm hơn", "nhé", "please", "xyz"]),
)
def test_an_extra_word_is_never_silently_dropped(example: Example, extra: str) -> None:
    assert parse_due(f"{example.phrase} {extra}", now=example.now) is None
    assert parse_due(f"{extra} {example.phrase}", now=example.now) is None


@pytest.mark.parametrize("example", READINGS, ids=lambda e: repr(e.phrase))
def test_reading_does_not_depend_on_diacritics_or_case(example: Example) -> None:
    expected = reading(parse(example.phrase, example.now))
    assert reading(parse_due(strip_diacritics(example.phrase), now=example.now)) == expected
    assert reading(parse_due(example.phrase.upper(), now=example.now)) == expected
    assert reading(parse_due(f"  {example.phrase}  ", now=example.now)) == expected


@settings(max_examples=200, deadline=None)
@given(example=st.sampled_from(READINGS), now=nows)
def test_diacritics_never_change_the_reading_at_any_time(example: Example, now: datetime) -> None:
    assert reading(parse_due(example.phrase, now=now)) == reading(
        parse_due(strip_diacritics(example.phrase), now=now)
    )
