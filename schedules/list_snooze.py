""" "Remind me later" for a whole merged list (issue 16): every reminder the list was sent as
comes again one working day later, each through :func:`schedules.reminders.snooze_reminder`
(so only the recipient may, and a second press makes no second snooze)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from db.errors import Conflict, Forbidden, NotFound
from db.messages import merged_tasks
from db.models import OutboxState, Reminder
from db.permissions import Actor
from schedules.reminders import PLANNED_KINDS, TARGET_TASK, ReminderConfig, snooze_reminder


def snooze_list(
    *, session: Session, actor: Actor, reminder_id: int, now: datetime, config: ReminderConfig
) -> datetime:
    """Snooze every planned reminder sent in the same message as ``reminder_id`` (the list's
    first row, named by its button); returns when they come again."""
    lead = session.get(Reminder, reminder_id)
    if lead is None or lead.state != OutboxState.SENT or lead.sent_message_id is None:
        raise NotFound("reminder_not_found")
    if actor.member_id is None or lead.recipient_id != actor.member_id:
        raise Forbidden("reminder_not_yours")
    # The list's tasks (sent_message_task), then their rows sent as that message: both by index.
    listed = merged_tasks(session=session, chat_id=lead.chat_id, message_id=lead.sent_message_id)
    rows = session.exec(
        select(Reminder.id)
        .where(
            Reminder.target_kind == TARGET_TASK,
            col(Reminder.target_id).in_(listed or [lead.target_id]),
            Reminder.chat_id == lead.chat_id,
            Reminder.state == OutboxState.SENT,
            Reminder.sent_message_id == lead.sent_message_id,
            Reminder.recipient_id == actor.member_id,
            col(Reminder.kind).in_(PLANNED_KINDS),
        )
        .order_by(col(Reminder.id))
    ).all()
    if not rows:
        raise NotFound("reminder_not_found")
    due: datetime | None = None
    for row_id in rows:
        assert row_id is not None
        try:
            due = snooze_reminder(
                session=session, actor=actor, reminder_id=row_id, now=now, config=config
            )
        except Conflict:
            continue  # that task was closed meanwhile: nothing to remind
    if due is None:
        raise Conflict("reminder_snooze_closed")
    return due
