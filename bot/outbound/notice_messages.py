"""The messages of the notices a task change queues (db/notices.py), with the buttons the
recipient needs to act on them. Registered with the dispatcher's renderers."""

from __future__ import annotations

from bot.catalogue import Html, t
from bot.formatting import callback_data
from bot.outbound.reminder_messages import local, register_renderer, short, task_body
from db.models import UpdateKind
from db.notices import NOTICE_ASSIGNED, NOTICE_DECISION, NOTICE_REPORT
from schedules.dispatcher import Outgoing, ReminderView


def render_assigned(view: ReminderView) -> Outgoing:
    """To the agencies' focal points: the new task, with its four action buttons."""
    lang = view.lang
    lines: list[str] = [t(lang, "notice_assigned_head")]
    buttons: tuple[tuple[str, str], ...] = ()
    if view.task is not None:
        task_id = view.task.task_id
        lines += ["", task_body(view.task, view), "", t(lang, "task_reply_hint")]
        buttons = (
            (t(lang, "button_progress"), callback_data("tk", task_id, "p")),
            (t(lang, "button_done"), callback_data("tk", task_id, "d")),
            (t(lang, "button_obstacle"), callback_data("tk", task_id, "o")),
            (t(lang, "button_extension"), callback_data("tk", task_id, "x")),
        )
    return Outgoing(text="\n".join(lines), buttons=buttons)


def render_report(view: ReminderView) -> Outgoing:
    """To the secretariat: a completion, an obstacle or an extension request, with the
    buttons that decide it."""
    lang, update = view.lang, view.progress
    if update is None or view.task is None:
        return Outgoing(text=t(lang, "rem_head_notice", id=view.target_id or "", late=""))
    task_id = view.task.task_id
    buttons: tuple[tuple[str, str], ...]
    if update.kind == UpdateKind.COMPLETION:
        head = t(lang, "notice_completion_head")
        buttons = (
            (t(lang, "button_accept_completion"), callback_data("cf", task_id, "y")),
            (t(lang, "button_reject_completion"), callback_data("cf", task_id, "n")),
        )
    elif update.kind == UpdateKind.EXTENSION_REQUEST:
        wanted = (
            local(update.requested_deadline, view.timezone, "%d/%m/%Y")
            if update.requested_deadline
            else "?"
        )
        head = t(lang, "notice_extension_head", deadline=wanted)
        buttons = (
            (t(lang, "button_approve"), callback_data("rq", update.id, "y")),
            (t(lang, "button_reject"), callback_data("rq", update.id, "n")),
        )
    else:
        head = t(lang, "notice_obstacle_head")
        buttons = ((t(lang, "button_resolved"), callback_data("rq", update.id, "y")),)
    lines: list[str] = [head, "", task_body(view.task, view)]
    if update.text:
        lines += ["", t(lang, "notice_reported_by", text=short(update.text, 500))]
    return Outgoing(text="\n".join(lines), buttons=buttons)


def render_decision(view: ReminderView) -> Outgoing:
    """To the lead agency: what the secretariat decided."""
    lang = view.lang
    code = view.offset.split(":")[1] if view.offset.count(":") >= 1 else ""
    deadline = ""
    if view.task is not None and view.task.deadline is not None:
        deadline = local(view.task.deadline, view.timezone, "%d/%m/%Y")
    head = t(lang, f"notice_decision_{code}", id=view.target_id or "", deadline=deadline)
    lines: list[str] = [head]
    if view.task is not None:
        lines += ["", task_body(view.task, view)]
    return Outgoing(text="\n".join(lines))


def render_agenda(view: ReminderView) -> Outgoing:
    """To the secretariat and the chair, with the 1-day reminder: the agenda's tasks."""
    lang, meeting = view.lang, view.meeting
    if meeting is None:
        return Outgoing(text=t(lang, "rem_head_notice", id=view.target_id or "", late=""))
    items = []
    for n, (text, task_id, category) in enumerate(meeting.agenda, 1):
        if task_id is None:
            items.append(t(lang, "meeting_agenda_item", n=n, text=text))
        else:
            name = t(lang, f"category_{category}")
            items.append(
                t(lang, "meeting_agenda_task", n=n, text=text, task=task_id, category=name)
            )
    when = local(meeting.starts_at, view.timezone) if meeting.starts_at else meeting.when_text or ""
    text = t(
        lang,
        "meeting_agenda_digest",
        id=meeting.meeting_id,
        title=meeting.title,
        when=when,
        items=Html("\n".join(items) or "—"),
    )
    return Outgoing(text=text)


def register_notice_renderers() -> None:
    register_renderer("meeting_agenda", render_agenda)
    register_renderer(NOTICE_ASSIGNED, render_assigned)
    register_renderer(NOTICE_REPORT, render_report)
    register_renderer(NOTICE_DECISION, render_decision)
