"""A meeting as an iCalendar (.ics) file, so members can add it to their calendars."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

DEFAULT_LENGTH = timedelta(hours=2)  # meetings are announced with a start time only


def meeting_ics(
    *,
    meeting_id: int,
    title: str,
    starts_at: datetime,
    timezone: str,
    stamp: datetime,
    place: str | None = None,
    online_link: str | None = None,
    agenda: list[str] | None = None,
    ends_at: datetime | None = None,
) -> bytes:
    """The file's bytes; times carry the council's zone (TZID) so calendars show local time."""
    zone = ZoneInfo(timezone)
    calendar = Calendar()
    calendar.add("prodid", "-//councilbot//Hoi dong dieu phoi vung//VI")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{meeting_id}@councilbot")
    event.add("summary", title)
    event.add("dtstart", starts_at.astimezone(zone))
    event.add("dtend", (ends_at or starts_at + DEFAULT_LENGTH).astimezone(zone))
    event.add("dtstamp", stamp)
    location = ", ".join(part for part in (place, online_link) if part)
    if location:
        event.add("location", location)
    if online_link:
        event.add("url", online_link)
    if agenda:
        event.add("description", "\n".join(f"{n}. {item}" for n, item in enumerate(agenda, 1)))
    calendar.add_component(event)
    calendar.add_missing_timezones()  # a VTIMEZONE, for clients that do not know the zone name
    return calendar.to_ical()
