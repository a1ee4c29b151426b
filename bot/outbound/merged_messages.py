"""One message per person per moment (issue 16): the rows due to one person at one dispatcher
moment (task reminders, escalations, a new task's notice) written as one short list — task,
deadline as read, status — with a button per task. The dispatcher calls :func:`render_merged`
only for two rows or more; a single row keeps its own card. Pure functions."""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot.catalogue import Html, t
from bot.formatting import callback_data
from bot.outbound.reminder_messages import (
    SNOOZE_PREFIX,
    amount,
    days_left,
    due_as_read,
    number_of,
    render_reminder,
    short,
)
from db.notices import NOTICE_ASSIGNED
from schedules.dispatcher import Outgoing, ReminderView
from schedules.reminders import TASK_KINDS

MERGED_PREFIX = "mr"
SNOOZE_ALL = "all"  # "rem:all:<first row>": remind me later of the whole list
# Rows merged into one message: about one task each, with nothing to decide in the message
# itself (a completion or extension to decide keeps its own card and buttons).
MERGE_KINDS = TASK_KINDS | {NOTICE_ASSIGNED}
BUTTON_TITLE = 24  # characters of the title on a task's button


def render_merged(views: Sequence[ReminderView]) -> Outgoing:
    """One message listing every task; a button per task (callback ``mr:<task>``). Several rows
    about one task (a reminder missed during downtime and today's) are one line, written from
    the newest; rows about a single task are that task's card."""
    lead = views[0]
    newest: dict[int, ReminderView] = {}
    for view in views:
        assert view.task is not None
        newest.pop(view.task.task_id, None)
        newest[view.task.task_id] = view
    views = list(newest.values())
    if len(views) == 1:
        return render_reminder(views[0])
    lang = views[0].lang
    late = t(lang, "rem_late") if any(view.late for view in views) else Html("")
    items: list[str] = []
    buttons: list[tuple[str, str]] = []
    for view in views:
        task = view.task
        assert task is not None
        items.append(
            t(
                lang,
                "merged_item",
                n=len(items) + 1,
                id=task.task_id,
                title=short(task.title),
                due=Html(due_as_read(task, view)),
                status=status(view),
            )
        )
        label = t(lang, "merged_button", id=task.task_id, title=short(task.title, BUTTON_TITLE))
        buttons.append((label, callback_data(MERGED_PREFIX, task.task_id)))
    if any(view.can_snooze for view in views):
        # The list's first row names the message: its rows are found by the message they
        # were sent as (schedules/list_snooze.py).
        snooze = t(lang, "rem_button_snooze")
        buttons.append((snooze, callback_data(SNOOZE_PREFIX, SNOOZE_ALL, lead.reminder_id)))
    head = t(lang, "merged_head", count=len(views), late=late)
    footer = t(lang, "merged_footer", example=next(iter(newest)))
    text = "\n".join([head, "", "\n".join(items), "", footer])
    # The button labels went through the catalogue (escaped for HTML): Telegram shows them as
    # plain text, so they are unescaped here.
    return Outgoing(text=text, buttons=tuple((_plain(label), data) for label, data in buttons))


def status(view: ReminderView) -> str:
    """Where the task stands, in a few words."""
    task, lang = view.task, view.lang
    assert task is not None
    if view.kind == NOTICE_ASSIGNED:
        return t(lang, "merged_status_assigned")
    left = days_left(task, view)
    overdue = task.deadline is not None and view.now > task.deadline
    late_by = amount(max(1, -left), "day", lang)
    if view.kind == "task_escalation":
        return t(
            lang,
            "merged_status_escalation",
            late_by=late_by,
            agency=task.agency_code,
            count=number_of(view.offset),
        )
    if overdue:
        return t(lang, "merged_status_overdue", late_by=late_by)
    if view.kind == "task_nudge" or task.deadline is None:
        return t(lang, "merged_status_nudge")
    if left <= 0:
        return t(lang, "merged_status_due")
    return t(lang, "merged_status_before", left=amount(left, "day", lang))


def _plain(label: str) -> str:
    return html.unescape(label)
