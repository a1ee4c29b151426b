"""How one recipient's copy of a broadcast reads: the text, the buttons, the calendar file."""

from __future__ import annotations

import html

from bot.catalogue import t
from bot.formatting import callback_data
from bot.outbound.calendar_file import meeting_ics
from bot.outbound.meeting_text import meeting_text
from bot.runtime import Runtime
from schedules.broadcaster import DeliveryView, Notice


def render_notice(view: DeliveryView, runtime: Runtime) -> Notice:
    """The secretariat's text (escaped: it is user text), in the recipient's language for a
    meeting notice, with Received and, for an invitation, the RSVP buttons and the .ics file
    once the meeting has a time."""
    lang, tz = view.lang, runtime.settings.app.timezone
    note = html.escape(view.text, quote=False)
    buttons: list[tuple[str, str]] = []
    attachment: tuple[str, bytes] | None = None
    meeting = view.meeting
    if meeting is not None and meeting.id is not None and view.notice:
        parts = [
            t(lang, f"notice_meeting_{view.notice}"),
            meeting_text(meeting, view.council, lang=lang, tz=tz, agenda=view.agenda),
        ]
        if note:
            parts.append(note)
        if view.notice != "cancelled":
            parts.append(t(lang, "notice_rsvp_hint"))
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
                        timezone=tz,
                        stamp=runtime.clock.now(),
                        place=meeting.place,
                        online_link=meeting.online_link,
                        agenda=list(view.agenda),
                    ),
                )
        text = "\n\n".join(parts)
    else:
        text = note
    buttons.append((t(lang, "button_acknowledge"), callback_data("ack", view.delivery_id)))
    return Notice(text=text, buttons=tuple(buttons), attachment=attachment)
