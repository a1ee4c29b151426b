"""Writing reminder messages and the weekly digest from the catalogue. Pure functions.

The dispatcher hands over a :class:`~schedules.dispatcher.ReminderView` (plain data) and gets
back the text and buttons. Other features that queue rows in the outbox (notices) can register
their own renderer for their kind with :func:`register_renderer`; an unknown kind gets a plain
"notice about task #n" so that it is never stuck.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.catalogue import Html, t
from bot.formatting import callback_data
from db.status import CATEGORY_ORDER
from schedules.digest import Digest
from schedules.dispatcher import MeetingFacts, Outgoing, ReminderView, Renderer, TaskFacts
from schedules.reminders import KIND_DIGEST, MEETING_KINDS, TASK_KINDS

SNOOZE_PREFIX = "rem"
LIST_LIMIT = 15  # lines per section of the digest
TITLE_LIMIT = 120

RENDERERS: dict[str, Renderer] = {}


def register_renderer(kind: str, renderer: Renderer) -> None:
    """Let a feature write the messages of its own outbox kind."""
    RENDERERS[kind] = renderer


def render_reminder(view: ReminderView) -> Outgoing:
    """The message for one outbox row, in the recipient's language."""
    return RENDERERS.get(view.kind, _render_notice)(view)


# --- small pieces shared with /reminders -------------------------------------------------------


def amount(n: int, unit: str, lang: str) -> str:
    """ "3 ngày", "1 day", "2 hours": ``unit`` is day, hour or minute."""
    return t(lang, f"rem_n_{unit}") if n == 1 else t(lang, f"rem_n_{unit}s", n=n)


def kind_name(kind: str, lang: str) -> str:
    known = kind in TASK_KINDS or kind in MEETING_KINDS or kind == KIND_DIGEST
    return t(lang, f"rem_kind_{kind}" if known else "rem_kind_other")


def short(text: str, limit: int = TITLE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def local(moment: datetime, tz: str, pattern: str = "%H:%M %d/%m/%Y") -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime(pattern)


def snooze_button(view: ReminderView) -> tuple[tuple[str, str], ...]:
    if not view.can_snooze:
        return ()
    return (
        (
            t(view.lang, "rem_button_snooze"),
            callback_data(SNOOZE_PREFIX, "snooze", view.reminder_id),
        ),
    )


def _late(view: ReminderView) -> Html:
    return t(view.lang, "rem_late") if view.late else Html("")


# --- tasks -------------------------------------------------------------------------------------


def _render_task(view: ReminderView) -> Outgoing:
    task, lang = view.task, view.lang
    assert task is not None
    left = days_left(task, view)
    if view.kind == "task_escalation":
        count = number_of(view.offset)
        head: str = t(
            lang,
            "rem_head_escalation",
            agency=f"{task.agency_name} ({task.agency_code})",
            late_by=amount(max(1, -left), "day", lang),
            count=count,
            late=_late(view),
        )
        footer = t(lang, "rem_escalation_footer")
    elif view.kind == "task_nudge":
        head = t(lang, "rem_head_nudge", late=_late(view))
        footer = t(lang, "rem_task_footer")
    else:
        head = _deadline_head(task, view, left)
        footer = t(lang, "rem_task_footer")
    text = "\n".join([head, "", task_body(task, view), "", footer])
    return Outgoing(text=text, buttons=snooze_button(view))


def _deadline_head(task: TaskFacts, view: ReminderView, days_left: int) -> str:
    """Before, on or after the deadline, judged when the message is written (a late send must
    not say "3 days left" on the last day)."""
    lang = view.lang
    deadline = task.deadline
    if deadline is not None and view.now > deadline:
        return t(
            lang,
            "rem_head_overdue",
            late_by=amount(max(1, -days_left), "day", lang),
            late=_late(view),
        )
    if days_left <= 0:
        return t(lang, "rem_head_due", late=_late(view))
    return t(lang, "rem_head_before", left=amount(days_left, "day", lang), late=_late(view))


def task_body(task: TaskFacts, view: ReminderView) -> str:
    lang = view.lang
    source = ""
    if task.directive_number:
        clause = t(lang, "rem_clause", clause=task.clause) if task.clause else ""
        source = t(lang, "rem_source", number=task.directive_number, clause=Html(clause))
    return t(
        lang,
        "rem_task_body",
        title=f"#{task.task_id} {short(task.title)}",
        source=Html(source),
        agency=f"{task.agency_name} ({task.agency_code})",
        due=Html(due_as_read(task, view)),
    )


def due_as_read(task: TaskFacts, view: ReminderView) -> str:
    """The deadline as written and as read (the deadline in force, if it was extended)."""
    if task.deadline is None:
        return t(view.lang, "rem_no_due")
    pattern = "%H:%M %d/%m/%Y" if task.due_precision == "minute" else "%d/%m/%Y"
    reading = local(task.deadline, view.timezone, pattern)
    if task.due_text and task.due_end == task.deadline:
        return t(view.lang, "rem_due_read", written=task.due_text, reading=reading)
    return Html(reading)


def days_left(task: TaskFacts, view: ReminderView) -> int:
    if task.deadline is None:
        return 0
    zone = ZoneInfo(view.timezone)
    return (task.deadline.astimezone(zone).date() - view.now.astimezone(zone).date()).days


def number_of(offset: str) -> int:
    match = re.match(r"\+(\d+)", offset)
    return int(match.group(1)) if match else 0


# --- meetings ----------------------------------------------------------------------------------


def _render_meeting(view: ReminderView) -> Outgoing:
    meeting, lang = view.meeting, view.lang
    assert meeting is not None
    if view.kind == "meeting_notice":
        head = t(lang, "rem_head_meeting_notice", late=_late(view))
    else:
        head = t(lang, "rem_head_meeting_before", left=_time_left(view), late=_late(view))
    when = (
        local(meeting.starts_at, view.timezone)
        if meeting.starts_at is not None
        else _period(meeting, view) or t(lang, "rem_to_be_announced")
    )
    body = t(
        lang,
        "rem_meeting_body",
        title=short(meeting.title),
        council=meeting.council_name,
        when=when,
        place=meeting.place or t(lang, "rem_to_be_announced"),
        link=Html(t(lang, "rem_meeting_link", link=meeting.online_link))
        if meeting.online_link
        else "",
    )
    buttons = snooze_button(view)
    if view.kind == "meeting_notice":  # an imported meeting's invitation: answerable like any
        buttons = (*rsvp_buttons(meeting.meeting_id, lang), *buttons)
    return Outgoing(text=f"{head}\n\n{body}", buttons=buttons)


def rsvp_buttons(meeting_id: int, lang: str) -> tuple[tuple[str, str], ...]:
    return (
        (t(lang, "button_rsvp_attend"), callback_data("rsvp", meeting_id, "a")),
        (t(lang, "button_rsvp_delegate"), callback_data("rsvp", meeting_id, "d")),
        (t(lang, "button_rsvp_absent"), callback_data("rsvp", meeting_id, "x")),
    )


def _period(meeting: MeetingFacts, view: ReminderView) -> str:
    """The period as written and as read ("đầu tháng 12 năm 2023 — đọc là 01/12 – 10/12")."""
    if not meeting.when_text:
        return ""
    if meeting.window_start is None or meeting.window_end is None:
        return meeting.when_text
    start = local(meeting.window_start, view.timezone, "%d/%m/%Y")
    end = local(meeting.window_end, view.timezone, "%d/%m/%Y")
    reading = start if start == end else f"{start} – {end}"
    return t(view.lang, "rem_due_read", written=meeting.when_text, reading=reading)


def _time_left(view: ReminderView) -> str:
    """How long until the meeting, from the moment of sending (``view.now``); the planned
    offset ("-2h") only when the meeting has no time yet."""
    assert view.meeting is not None
    if view.meeting.starts_at is None:
        match = re.match(r"-(\d+)([dhm])", view.offset)
        units = {"d": "day", "h": "hour", "m": "minute"}
        return amount(int(match.group(1)), units[match.group(2)], view.lang) if match else ""
    left = max(view.meeting.starts_at - view.now, timedelta(0))
    if left >= timedelta(hours=23, minutes=30):
        return amount(round(left / timedelta(days=1)), "day", view.lang)
    if left >= timedelta(minutes=59, seconds=30):
        return amount(round(left / timedelta(hours=1)), "hour", view.lang)
    return amount(max(1, round(left / timedelta(minutes=1))), "minute", view.lang)


# --- notices of other features (fallback) --------------------------------------------------------


def _render_notice(view: ReminderView) -> Outgoing:
    lang = view.lang
    lines: list[str] = [t(lang, "rem_head_notice", id=view.target_id or "", late=_late(view))]
    if view.task is not None:
        lines += ["", task_body(view.task, view)]
    if view.progress is not None and view.progress.text:
        lines += ["", t(lang, "rem_notice_update", text=short(view.progress.text, 500))]
    return Outgoing(text="\n".join(lines))


# --- the weekly digest -------------------------------------------------------------------------


def _render_digest(view: ReminderView) -> Outgoing:
    if view.digest is None:  # the council was deleted meanwhile
        return Outgoing(text=t(view.lang, "digest_no_changes"))
    return Outgoing(text=render_digest(view.digest, view.lang, view.timezone, late=view.late))


def render_digest(digest: Digest, lang: str, tz: str, *, late: bool = False) -> str:
    """The digest as one HTML text (the sender splits it if it is long)."""
    council = digest.council_name_en if lang == "en" else digest.council_name_vi
    lines = [
        t(
            lang,
            "digest_head",
            council=council,
            late=t(lang, "rem_late") if late else "",
            since=local(digest.since, tz, "%d/%m/%Y"),
            until=local(digest.until, tz, "%d/%m/%Y"),
        ),
        "",
        t(
            lang,
            "digest_counts_head",
            total=digest.total,
            periods=(
                t(lang, "digest_periods_part", count=sum(digest.periods.by_category.values()))
                if digest.periods is not None and digest.periods.by_category
                else ""
            ),
        ),
    ]
    lines += [
        t(lang, "digest_count_line", category=t(lang, f"category_{category}"), count=count)
        for category, count in digest.counts
        if count
    ]
    if digest.periods is not None:
        periods = digest.periods
        counts = ", ".join(
            f"{t(lang, f'category_{category}')}: {count}"
            for category, count in sorted(
                periods.by_category.items(), key=lambda item: CATEGORY_ORDER.index(item[0])
            )
        )
        lines.append(
            t(
                lang,
                "status_periods_line",
                tasks=periods.tasks,
                counts=counts,
                on_time=periods.on_time,
                counted=periods.counted,
            )
        )
    lines += ["", t(lang, "digest_changes_head")]
    lines += [
        t(
            lang,
            "digest_change_line",
            id=change.task_id,
            title=short(change.title, 80),
            updates=change.updates,
            edits=change.edits,
        )
        for change in digest.changes[:LIST_LIMIT]
    ] or [t(lang, "digest_no_changes")]
    lines += _more(len(digest.changes), lang)
    lines += ["", t(lang, "digest_overdue_head")]
    if not digest.overdue:
        lines.append(t(lang, "digest_no_overdue"))
    for agency in digest.overdue:
        lines.append(
            t(
                lang,
                "digest_overdue_agency",
                code=agency.agency_code,
                name=agency.agency_name_en if lang == "en" else agency.agency_name_vi,
                count=len(agency.tasks),
            )
        )
        lines += [
            t(
                lang,
                "digest_overdue_line",
                id=task.task_id,
                title=short(task.title, 80),
                deadline=local(task.deadline, tz, "%d/%m/%Y"),
                late_by=amount(task.days_overdue, "day", lang),
            )
            for task in agency.tasks[:LIST_LIMIT]
        ]
        lines += _more(len(agency.tasks), lang)
    lines += ["", t(lang, "digest_problems_head")]
    lines += [
        t(
            lang,
            "digest_problem_line",
            state=t(lang, f"rem_state_{problem.state}"),
            recipient=problem.recipient_name,
            title=short(problem.title, 60) or kind_name(problem.kind, lang),
            reason=problem.reason,
        )
        for problem in digest.problems[:LIST_LIMIT]
    ] or [t(lang, "digest_no_problems")]
    lines += _more(len(digest.problems), lang)
    return "\n".join(lines)


def _more(total: int, lang: str) -> list[str]:
    return [t(lang, "digest_more", count=total - LIST_LIMIT)] if total > LIST_LIMIT else []


for _kind in TASK_KINDS:
    register_renderer(_kind, _render_task)
for _kind in MEETING_KINDS:
    register_renderer(_kind, _render_meeting)
register_renderer(KIND_DIGEST, _render_digest)
