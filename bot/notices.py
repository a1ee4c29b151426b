"""How one recipient's copy of a broadcast reads: the text, the buttons, the calendar file."""

from __future__ import annotations

import html

from bot.calendar_file import meeting_ics
from bot.catalogue import t
from bot.formatting import callback_data
from bot.runtime import Runtime
from schedules.broadcaster import DeliveryView, Notice


def render_notice(view: DeliveryView, runtime: Runtime) -> Notice:
    """The secretariat's text (escaped: it is user text), with Received and, for a meeting,
    the RSVP buttons and its .ics file once it has a time."""
    lang = view.lang
    buttons: list[tuple[str, str]] = []
    attachment: tuple[str, bytes] | None = None
    meeting = view.meeting
    if meeting is not None and meeting.id is not None:
        buttons += [
            (t(lang, "button_rsvp_attend"), callback_data("rsvp", meeting.id, "a")),
            (t(lang, "button_rsvp_delegate"), callback_data("rsvp", meeting.id, "d")),
            (t(lang, "button_rsvp_absent"), callback_data("rsvp", meeting.id, "x")),
        ]
        if meeting.starts_at is not None:
            attachment = (
                f"hop-{meeting.id}.ics",
                meeting_ics(
                    meeting_id=meeting.id,
                    title=meeting.title,
                    starts_at=meeting.starts_at,
                    timezone=runtime.settings.app.timezone,
                    stamp=runtime.clock.now(),
                    place=meeting.place,
                    online_link=meeting.online_link,
                ),
            )
    buttons.append((t(lang, "button_acknowledge"), callback_data("ack", view.delivery_id)))
    return Notice(
        text=html.escape(view.text, quote=False), buttons=tuple(buttons), attachment=attachment
    )
