"""A letter's proposal as text: the CLI (`councilbot extract`) and the Telegram preview."""

from __future__ import annotations

import html

from bot.catalogue import Html, t
from db.intake.proposal import Proposal, ProposedTask
from schedules.dates import format_due
from schedules.recurrence import describe_upcoming

# A screenful in Telegram: beyond it the preview summarises and the .xlsx has every task.
SCREEN_TASKS = 40


def render_proposal(
    proposal: Proposal, lang: str, *, limit: int | None = None, marks: bool = False
) -> Html:
    none = t(lang, "intake_unknown")
    lines: list[str] = [
        t(
            lang,
            "intake_header",
            number=proposal.number or none,
            date=proposal.date.strftime("%d/%m/%Y") if proposal.date else none,
            issuer=proposal.issuer or none,
            title=proposal.title or "",
        )
    ]
    if proposal.councils:
        lines.append(t(lang, "intake_councils", codes=", ".join(proposal.councils)))
    shown = proposal.tasks if limit is None else proposal.tasks[:limit]
    lines.append("")
    lines.append(t(lang, "intake_tasks_count", count=len(proposal.tasks)))
    for index, task in enumerate(shown):
        lines.append(task_line(task, lang, f"{index + 1}. " if marks else ""))
    if len(shown) < len(proposal.tasks):
        lines.append(t(lang, "intake_more_tasks", count=len(proposal.tasks) - len(shown)))
    if proposal.meetings:
        lines.append("")
        lines.append(t(lang, "intake_meetings_count", count=len(proposal.meetings)))
        for meeting in proposal.meetings:
            when = t(lang, "intake_none")
            if meeting.when:
                reading = format_due(meeting.window, lang) if meeting.window else none
                when = t(lang, "intake_due_read", text=meeting.when, reading=reading)
            lines.append(
                t(
                    lang,
                    "intake_meeting_line",
                    clause=meeting.clause,
                    title=meeting.title,
                    when=when,
                )
            )
    if proposal.warnings:
        lines.append("")
        lines.append(t(lang, "intake_warnings"))
        for warning in proposal.warnings[: (limit or 10_000)]:
            where = t(lang, "intake_where", clause=warning.clause) if warning.clause else ""
            lines.append(
                t(
                    lang,
                    "intake_warning_line",
                    where=where,
                    message=t(lang, warning.key, **warning.params),
                )
            )
    return Html("\n".join(lines))


def task_line(task: ProposedTask, lang: str, mark: str = "") -> Html:
    lead = _agency(task.lead, task.lead_code, lang)
    co = (
        Html(
            ", ".join(
                _agency(name, code, lang) for name, code in zip(task.co, task.co_codes, strict=True)
            )
        )
        if task.co
        else t(lang, "intake_none")
    )
    if task.schedule is not None:
        due = t(
            lang,
            "intake_due_schedule",
            reading=describe_upcoming(task.schedule, task.upcoming, lang),
        )
    elif task.due and task.window is not None:
        due = t(lang, "intake_due_read", text=task.due, reading=format_due(task.window, lang))
    else:
        due = t(lang, "intake_no_due")
    return t(lang, "intake_task_line", mark=mark, clause=task.clause, lead=lead, co=co, due=due)


def _agency(name: str | None, code: str | None, lang: str) -> Html:
    if code is not None:
        return Html(html.escape(code))
    return t(lang, "intake_unmatched", name=name or "?")
