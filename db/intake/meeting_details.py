"""What a call to a meeting says besides its subject: when (a day and a clock time often
written apart: "vào Thứ Hai, ngày 22/7/2013, từ 07h00", "Thời gian: từ 7h30 - 9h00, Thứ ba,
ngày 06/02/2018"), where ("tại Hội trường …" right after the time, "Địa điểm: …") and who
chairs ("Chủ trì: …", "do … chủ trì", "dưới sự chủ trì của …").

The time is kept as one phrase that :func:`schedules.dates.parse_due` reads whole (the clock
time as written, then the day as written), so a proposal reloaded from JSON reads it again the
same way. Never a guess: a clock time is joined only to a day written in the same sentence.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from db.intake.due import find_due
from schedules.dates import DueWindow, parse_due

# "07h00", "7h30", "14 giờ 00", "14 giờ 30 phút", "8h", with "lúc"/"từ" before it.
_CLOCK: Final = re.compile(
    r"(?<![\w/.])(?:(?:vào\s+)?lúc\s+|từ\s+)?(?P<clock>\d{1,2}\s*(?:h|giờ)(?:\s*\d{2}(?:\s*phút)?)?)"
    r"(?![\w/])",
    re.IGNORECASE,
)
# A day written whole: "ngày 22/7/2013", "ngày 07 tháng 12 năm 2023", a weekday before it.
_DAY: Final = re.compile(
    r"(?:(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ nhật)\s*,?\s*)?ngày\s+\d{1,2}"
    r"(?:\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{4})?|\s+tháng\s+\d{1,2}(?:\s*,?\s*năm\s+\d{4})?)",
    re.IGNORECASE,
)
_RANGE: Final = re.compile(r"\s*(?:-|–|đến)\s*", re.IGNORECASE)
_DATES_A_DOCUMENT: Final = re.compile(r"\bsố\s+\S+\s*$|/\S*\s*$", re.IGNORECASE)
_SENTENCE: Final = re.compile(r"[.;](?:\s|$)|\n")
_NEAR: Final = 60  # characters between a clock time and its day
# A place runs to the end of its sentence; "Q.Tân Bình", "TP.HCM" do not end it.
_PLACE_TEXT: Final = r"(?P<place>(?:[^.;\n]|\.(?=\S))+)"
_PLACE_LABEL: Final = re.compile(rf"\bĐịa điểm\s*:\s*(?:tại\s+)?{_PLACE_TEXT}", re.I)
_PLACE_AFTER_TIME: Final = re.compile(rf"^\s*,?\s*(?:tại|ở)\s+{_PLACE_TEXT}", re.I)
# "tại Phòng họp số 1, dưới sự chủ trì của …": the place ends where the chair begins.
_PLACE_END: Final = re.compile(
    r",\s*(?:dưới sự chủ trì|do\s|chủ trì|với sự|thành phần|để\s)", re.IGNORECASE
)
_CHAIR: Final = re.compile(
    r"\bChủ trì\s*:\s*(?P<label>[^.;\n]+)"
    r"|\bdưới sự chủ trì của\s+(?P<of>[^.;,\n]+)"
    r"|\bdo\s+(?P<by>[^.;,\n]{3,120}?)\s+chủ trì\b",
    re.IGNORECASE,
)


def meeting_time(
    text: str, *, at: datetime, tz: str
) -> tuple[str | None, DueWindow | None, str | None, int]:
    """(phrase, window, warning key, end of the phrase in ``text``) of a meeting's time: a day
    with the clock time written near it in the same sentence, else the first time phrase."""
    for day in _DAY.finditer(text):
        clock = _clock_near(text, day.start(), day.end())
        if clock is None:
            continue
        joined = f"{' '.join(clock.group('clock').split())} {' '.join(day.group(0).split())}"
        read = parse_due(joined, now=at, tz=tz)
        if read is None:
            continue
        end = max(day.end(), clock.end())
        if read.end < at.replace(hour=0, minute=0, second=0):
            return joined, None, "intake_warn_due_past", end
        return joined, read, None, end
    phrase, window, warning = find_due(text, at=at, tz=tz, meeting=True)
    if phrase is None:
        # "Họp ngày 7/12/2023.": a day with no deadline word before it, unless it dates a
        # document ("Công văn số 12/VPCP ngày …").
        for day in _DAY.finditer(text):
            if _DATES_A_DOCUMENT.search(text[max(0, day.start() - 40) : day.start()]):
                continue
            phrase = " ".join(day.group(0).split())
            window = parse_due(phrase, now=at, tz=tz)
            if window is not None and window.end < at.replace(hour=0, minute=0, second=0):
                window, warning = None, "intake_warn_due_past"
            if window is not None or warning is not None:
                return phrase, window, warning, day.end()
        phrase = None
    end = text.find(phrase) + len(phrase) if phrase else -1
    return phrase, window, warning, end


def _clock_near(text: str, start: int, end: int) -> re.Match[str] | None:
    """The clock time written before or after the day, in its sentence and close to it."""
    before = [
        m
        for m in _CLOCK.finditer(text, max(0, start - _NEAR), start)
        if not _SENTENCE.search(text, m.end(), start)
    ]
    if len(before) > 1 and _RANGE.fullmatch(text, before[-2].end(), before[-1].start()):
        return before[-2]  # "từ 7h30 - 9h00": the meeting starts at the first
    if before:
        return before[-1]
    after = _CLOCK.search(text, end, end + _NEAR)
    if after is not None and not _SENTENCE.search(text[end : after.start()]):
        return after
    return None


def meeting_place(text: str, time_end: int) -> str | None:
    """'Địa điểm: …', else '… tại X' right after the meeting's time."""
    m = _PLACE_LABEL.search(text)
    if m is None and time_end >= 0:
        m = _PLACE_AFTER_TIME.match(text[time_end:])
    return _clean(_PLACE_END.split(m["place"], maxsplit=1)[0]) if m else None


def meeting_chair(text: str) -> str | None:
    """'Chủ trì: X', 'dưới sự chủ trì của X' or 'do X chủ trì'."""
    m = _CHAIR.search(text)
    if m is None:
        return None
    return _clean(m["label"] or m["of"] or m["by"])


def _clean(text: str) -> str | None:
    text = " ".join(text.split()).strip(" ,:;.-/")
    return text[:300] or None


# The lines of a giấy mời under an agenda item: who attends ("Mời dự: …", "Thành phần mời
# dự:" and the dashes after it) assigns nothing; who reports ("Đơn vị báo cáo: Sở KH&ĐT.
# Thời gian từ 08h00 …") has a report to give at the meeting.
_ATTENDEES: Final = re.compile(
    r"^\W*(?:thành phần(?:\s+mời)?(?:\s+(?:tham\s+)?dự)?(?:\s+họp)?|(?:kính\s+)?mời\s+dự"
    r"|đại biểu(?:\s+mời)?|thành phần\s+tham\s+dự)\s*:",
    re.IGNORECASE,
)
_REPORTER: Final = re.compile(
    r"^\W*(?:đơn vị|cơ quan)\s+(?:báo cáo|chuẩn bị(?:\s+báo cáo)?|trình bày)\s*:\s*"
    r"(?P<who>[^.;\n]+)",
    re.IGNORECASE,
)


def is_attendee_list(text: str) -> bool:
    """'Mời dự: …', 'Thành phần mời dự:': the people asked to attend, not tasks."""
    return _ATTENDEES.match(text) is not None


def report_sentence(text: str, item: str, meeting_when: str | None) -> str | None:
    """'Đơn vị báo cáo: X. Thời gian từ 08h00 …' under the agenda item ``item`` of a meeting
    held ``meeting_when``: the sentence that assigns X the report, due at its turn that day
    ("X báo cáo <item> tại cuộc họp vào 08h00 Thứ Hai, ngày 22/7/2013.")."""
    m = _REPORTER.match(text)
    if m is None:
        return None
    who = " ".join(m["who"].split())
    subject = " ".join(item.split()).strip(" .;:")
    if subject.lower().startswith("báo cáo "):
        subject = subject[len("báo cáo ") :]
    day = _DAY.search(meeting_when or "")
    clock = _CLOCK.search(text, m.end())
    due = ""
    if day is not None:
        due = f" vào {clock['clock'] + ' ' if clock else ''}{day.group(0)}"
    return f"{who} báo cáo {subject[:1].lower()}{subject[1:]} tại cuộc họp{due}."
