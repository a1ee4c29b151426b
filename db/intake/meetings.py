"""Meetings a letter calls: a one-off meeting ("Đầu tháng 12 năm 2023 các Hội đồng họp để: (i)
…"), or a recurring one ("Hội đồng họp định kỳ 6 tháng một lần", "tổ chức họp định kỳ hằng
quý", "họp thường kỳ mỗi quý một lần", "Hằng năm tổ chức Hội nghị sơ kết …").

A meeting row has a date, not a schedule, so a recurring meeting is proposed as a recurring
duty the council must keep: a task whose title says it is the council's periodic meeting, with
the schedule read by :func:`db.intake.recurring.read_recurring` (the deadline is the end of each
period unless the letter gives a day). Its lead is the agency the sentence names as convening
it, else the council's standing agency as the letter names it; otherwise it has none and is
flagged like any task without a lead. "Họp định kỳ" without a period is such a duty with no
schedule and the usual warning; a one-off meeting (a date, no period) stays a meeting.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from db.intake.meeting_details import meeting_chair, meeting_place, meeting_time
from db.intake.proposal import ProposedMeeting, Warning_
from db.intake.recurring import (
    RecurringReading,
    fold_same_length,
    is_meeting_word,
    read_recurring,
)

# A call to a meeting, as written (the one-off path has always read these).
MEETING = re.compile(
    r"\b(?:tổ chức\s+(?:các\s+)?(?:cuộc\s+|phiên\s+)?(?:họp|hội nghị|hội thảo|giao ban)"
    r"|họp\s+(?:để|cho ý kiến|kiểm điểm|sơ kết|tổng kết|đánh giá|bàn|thống nhất|với)"
    r"|(?:triệu tập|tổ chức)\s+(?:cuộc\s+)?họp"
    # "Hội nghị … sẽ được tổ chức vào tháng 11 năm 2020", "… sẽ khai mạc": announced, not held.
    r"|(?:hội nghị|cuộc họp|phiên họp|hội thảo)\b[^.;:]{0,200}?\b(?:sẽ|dự kiến)\s+"
    r"(?:được\s+)?(?:tổ chức|khai mạc|diễn ra))",
    re.IGNORECASE,
)
# The subject of a meeting ends where its time, place or the verb begins ("Họp vào Thứ Hai,
# ngày 22/7/2013, từ 07h00 tại …", "Hội nghị tổng kết …, Hội nghị sẽ được tổ chức …").
_TITLE_END = re.compile(
    r",?\s+(?:vào|lúc|tại|sẽ|dự kiến|được tổ chức)\b|,?\s+(?:ngày|thứ|từ)\s+\d"
    r"|,\s*(?:hội nghị|cuộc họp|phiên họp|hội thảo)\b",
    re.IGNORECASE,
)
_NOUN = re.compile(r"\b(?:hội nghị|cuộc họp|phiên họp|hội thảo)\b", re.IGNORECASE)
# A recurring meeting, folded (no tone marks): the period is tied to the meeting word, after it
# ("họp định kỳ 6 tháng một lần", "hội nghị tổng kết hằng năm") or before it ("Hằng năm tổ
# chức Hội nghị …"). A period elsewhere in the sentence ("họp để … chế độ báo cáo hằng năm")
# is another duty's.
_MEETING_WORD = r"\b(?:hop|hoi nghi|hoi thao|giao ban)\b"
_RECURRING_MEETING: Final = re.compile(
    rf"(?P<after>{_MEETING_WORD})(?:\s+\S+){{0,3}}?\s+(?:(?:dinh|thuong) ky"
    r"|(?:hang|moi)\s+(?:quy|nam|thang)|(?:6|sau|3|ba)\s+thang\s+mot\s+lan"
    r"|(?:quy|nam|thang)\s+mot\s+lan)\b"
    rf"|\b(?:(?:dinh|thuong) ky\s+)?(?:hang|moi)\s+(?:quy|nam|thang)\b[^.;:]{{0,120}}?"
    rf"(?P<before>{_MEETING_WORD})"
)
# "Các Hội đồng đã họp định kỳ …" reports meetings held; it calls none.
_PAST: Final = re.compile(r"\b(?:da|vua|dang|tung)\s+(?:\S+\s+){0,3}$")
_AGENDA_SPLIT = re.compile(r"\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\)\s*", re.IGNORECASE)
# The title of the recurring duty a recurring meeting becomes (the letter's language).
DUTY_TITLE = "Cuộc họp định kỳ của Hội đồng"


def calls_meeting(text: str) -> bool:
    """Whether ``text`` calls a meeting (a one-off or a recurring one)."""
    return MEETING.search(text) is not None or _recurring_call(text, fold_same_length(text))


def _recurring_call(text: str, folded: str) -> bool:
    for m in _RECURRING_MEETING.finditer(folded):
        word = "after" if m["after"] else "before"
        if is_meeting_word(text, folded, m.start(word)) and not _PAST.search(
            folded[: m.start(word)]
        ):
            return True
    return False


def meeting_schedule(text: str) -> RecurringReading | None:
    """The schedule of the recurring meeting ``text`` calls (or the warning saying why there
    is none); None for a one-off meeting or no meeting."""
    folded = fold_same_length(text)
    if not _recurring_call(text, folded):
        return None
    return read_recurring(text)


def duty_text(text: str) -> str:
    """The recurring duty's title: it says it is the council's periodic meeting, then what the
    letter wrote."""
    text = " ".join(text.split()).strip(" ;,:")
    return f"{DUTY_TITLE}: {text[:1].upper()}{text[1:]}"


def read_meeting(
    clause: str, text: str, *, at: datetime, tz: str
) -> tuple[ProposedMeeting | None, Warning_ | None]:
    """A one-off meeting: its title, agenda and time as read at the letter's date."""
    m = MEETING.search(text)
    if m is None:
        return None, None
    noun = _NOUN.search(text, m.start(), m.end())  # "tổ chức cuộc họp …": "Cuộc họp …"
    start = noun.start() if noun else text.lower().find("họp", m.start())
    if start < 0:
        start = m.start() + len("tổ chức ")
    title = _TITLE_END.split(text[start:].split(":")[0], maxsplit=1)[0].strip(" ,.;")
    agenda = [
        item.strip(" ,.;") for item in _AGENDA_SPLIT.split(text[start:])[1:] if item.strip(" ,.;")
    ]
    if agenda and title.lower().rstrip() in ("họp để", "họp"):
        title = "Họp " + ", ".join(agenda)
    title = title[:1].upper() + title[1:]
    phrase, window, warning, end = meeting_time(text[:start], at=at, tz=tz)
    if phrase is None:
        phrase, window, warning, end = meeting_time(text, at=at, tz=tz)
    if phrase is None:
        return None, None  # "… tiếp tục tổ chức các cuộc họp": a report of meetings, not a call
    meeting = ProposedMeeting(
        clause=clause,
        title=title[:500],
        when=phrase,
        agenda=[item[0].upper() + item[1:] + "." for item in agenda],
        window=window,
        place=meeting_place(text, end),
        chair=meeting_chair(text),
    )
    return meeting, Warning_(warning, clause, {"text": phrase}) if warning else None


# An invitation written as labelled lines ("2. Thời gian: …", "3. Địa điểm: …"): what is
# held is named where the letter says who holds it ("Ủy ban nhân dân tỉnh tổ chức Lễ …").
_TIME_LABEL = re.compile(r"^\W*Thời gian\s*:", re.IGNORECASE)
_HELD = re.compile(r"\btổ chức\s+(?P<what>[^.;:\n]{3,300})", re.IGNORECASE)


def read_invitation(
    texts: list[tuple[str, str]], *, at: datetime, tz: str, letter: str = ""
) -> tuple[ProposedMeeting | None, Warning_ | None]:
    """The meeting an invitation's labelled lines call, from ``texts`` ((clause, text) in the
    letter's order): the clause of its "Thời gian:" line; None when there is no such line
    with a time. What is held is looked for in the whole ``letter`` (an invitation without a
    header has its first lines taken for one) before that line."""
    for index, (clause, text) in enumerate(texts):
        if not _TIME_LABEL.match(text):
            continue
        phrase, window, warning, _ = meeting_time(text, at=at, tz=tz)
        if phrase is None:
            continue
        everything = "\n".join(item for _, item in texts)
        before = letter[: letter.find(text)] if text in letter else ""
        held = [
            m["what"]
            for item in [before, *(item for _, item in texts[:index])]
            for m in _HELD.finditer(item)
            # "tổ chức Lễ …", "tổ chức cuộc họp …", not "các tổ chức chính trị"
            if m["what"][:1].isupper() or _NOUN.match(m["what"])
        ]
        title = " ".join(held[0].split()) if held else "Cuộc họp"
        meeting = ProposedMeeting(
            clause=clause,
            title=(title[:1].upper() + title[1:])[:500],
            when=phrase,
            window=window,
            place=meeting_place(everything, -1),
            chair=meeting_chair(everything),
        )
        return meeting, Warning_(warning, clause, {"text": phrase}) if warning else None
    return None, None
