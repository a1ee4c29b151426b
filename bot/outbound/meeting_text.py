"""A meeting as text: title, council, time (or the period still to be fixed), place, agenda."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.catalogue import Html, t
from db.models import Council, Meeting


def _day(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y")


def meeting_when(meeting: Meeting, lang: str, tz: str) -> str:
    """ "14:00 05/12/2023", or the period as written and read while no date is fixed."""
    if meeting.starts_at is not None:
        return meeting.starts_at.astimezone(ZoneInfo(tz)).strftime("%H:%M %d/%m/%Y")
    if meeting.window_start is not None and meeting.window_end is not None:
        start, end = _day(meeting.window_start, tz), _day(meeting.window_end, tz)
        reading = start if start == end else f"{start} – {end}"
        return t(lang, "meeting_period_only", text=meeting.when_text or "", reading=reading)
    return meeting.when_text or t(lang, "meeting_no_time")


def meeting_text(
    meeting: Meeting,
    council: Council | None,
    *,
    lang: str,
    tz: str,
    agenda: Sequence[str] = (),
    when: str | None = None,
) -> str:
    """The meeting's details in Telegram HTML; ``agenda`` lines are already rendered;
    ``when`` replaces the time as stored (e.g. how a time just typed was read)."""
    council_name = ""
    if council is not None:
        council_name = council.name_vi if lang == "vi" else council.name_en
    items = "\n".join(
        t(lang, "meeting_agenda_item", n=n, text=item) for n, item in enumerate(agenda, 1)
    )
    return t(
        lang,
        "meeting_details",
        number=f"#{meeting.id} " if meeting.id else "",  # a draft (preview) has no number yet
        title=meeting.title,
        council=council_name,
        when=Html(when if when is not None else meeting_when(meeting, lang, tz)),
        place=Html(t(lang, "meeting_place", place=meeting.place)) if meeting.place else "",
        link=Html(t(lang, "meeting_link", link=meeting.online_link)) if meeting.online_link else "",
        agenda=Html(t(lang, "meeting_agenda", items=Html(items))) if agenda else "",
    )
