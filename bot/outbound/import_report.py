"""Import results as text, shared by the /import handler and the ``councilbot`` CLI.

Telegram gets the HTML; the CLI prints :func:`plain` of the same text, and its problem lines
in the compiler-like ``FILE:LINE: field: message`` form.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from itertools import groupby

from bot.catalogue import CATALOGUE, Html, t
from db.imports import Change, ImportReport, MeetingItem, Status, TaskItem
from db.registry_file import RegistryOutcome
from db.toml_input import Issue
from schedules.dates import format_due
from schedules.recurrence import describe_upcoming

VALUE_LIMIT = 120


def plain(text: str) -> str:
    """Telegram HTML as terminal text."""
    return html.unescape(re.sub(r"</?[a-z][^>]*>", "", text))


def issue_message(issue: Issue, lang: str) -> Html:
    return t(lang, issue.key, **issue.params)


def render_issues(issues: Sequence[Issue], lang: str, file_name: str) -> Html:
    lines = [t(lang, "imp_issues_header", file=file_name or "?", count=len(issues))]
    for issue in issues:
        message = issue_message(issue, lang)
        if issue.field:
            lines.append(t(lang, "imp_issue", line=issue.line, field=issue.field, message=message))
        else:
            lines.append(t(lang, "imp_issue_no_field", line=issue.line, message=message))
    return Html("\n".join(lines))


def issue_lines_for_terminal(issues: Sequence[Issue], lang: str, file_name: str) -> list[str]:
    """``FILE:LINE: field: message``, one per problem (editors can jump to them)."""
    return [
        plain(
            f"{file_name}:{issue.line}: "
            + (f"{issue.field}: " if issue.field else "")
            + issue_message(issue, lang)
        )
        for issue in issues
    ]


def render_report(report: ImportReport, lang: str, *, limit: int | None = None) -> Html:
    """What an import did (or, for a dry run, would do); with ``limit``, at most that many
    tasks and meeting clauses are listed and the rest counted (the bot attaches the full list
    as a file: a 2,400-task directive made 18 messages)."""
    date = report.issued_on.strftime("%d/%m/%Y")
    if not report.changes_anything:
        return t(lang, "imp_nothing_changed", number=report.number)
    header = "imp_preview_header" if report.dry_run else "imp_done_header"
    lines = [t(lang, header, number=report.number, date=date)]
    lines.append(t(lang, f"imp_directive_{report.directive}"))
    lines += [_change(change, lang) for change in report.directive_changes]
    lines.append(_summary(lang, "imp_tasks_summary", report, report.tasks))
    task_lines = [found for item in report.tasks if (found := _task_lines(item, lang))]
    for item_lines in task_lines[:limit]:
        lines += item_lines
    if limit is not None and len(task_lines) > limit:
        lines.append(t(lang, "imp_more_in_file", count=len(task_lines) - limit))
    lines.append(_summary(lang, "imp_meetings_summary", report, report.meetings))
    meeting_lines = [
        found
        for _, group in groupby(report.meetings, key=lambda item: item.clause)
        if (found := _meeting_lines(list(group), lang))
    ]
    for item_lines in meeting_lines[:limit]:
        lines += item_lines
    if limit is not None and len(meeting_lines) > limit:
        lines.append(t(lang, "imp_more_in_file", count=len(meeting_lines) - limit))
    missing = [*report.tasks_not_in_file, *report.meetings_not_in_file]
    if missing:
        lines.append(t(lang, "imp_not_in_file", items=", ".join(missing)))
    return Html("\n".join(lines))


def report_is_long(report: ImportReport, limit: int) -> bool:
    """More lines than a screenful: the preview summarises and the full list goes as a file."""
    changed = sum(1 for item in report.tasks if item.status != Status.UNCHANGED)
    return changed > limit or len({item.clause for item in report.meetings}) > limit


def _summary(
    lang: str, key: str, report: ImportReport, items: Sequence[TaskItem | MeetingItem]
) -> Html:
    return t(
        lang,
        key,
        added=report.count(items, Status.ADDED),
        changed=report.count(items, Status.CHANGED),
        unchanged=report.count(items, Status.UNCHANGED),
    )


def _task_lines(item: TaskItem, lang: str) -> list[Html]:
    ref = f"#{item.task_id} {item.clause}" if item.task_id else item.clause
    if item.status == Status.ADDED:
        if item.schedule is not None:
            due = describe_upcoming(item.schedule.schedule, item.upcoming, lang)
        else:
            due = format_due(item.due, lang) if item.due else t(lang, "imp_no_deadline")
        return [t(lang, "imp_task_added", ref=ref, lead=item.lead, due=due)]
    if item.status == Status.CHANGED:
        return [
            t(lang, "imp_task_changed", ref=ref),
            *(_change(change, lang) for change in item.changes),
        ]
    return []


def _meeting_lines(group: list[MeetingItem], lang: str) -> list[Html]:
    """One line for a clause whose councils all get the same; otherwise one per council."""
    first = group[0]
    if all(item.status == first.status and item.changes == first.changes for item in group):
        councils = (
            first.council if len(group) == 1 else t(lang, "imp_councils_count", count=len(group))
        )
        return _meeting_item_lines(first, councils, lang)
    lines: list[Html] = []
    for item in group:
        lines += _meeting_item_lines(item, item.council, lang)
    return lines


def _meeting_item_lines(item: MeetingItem, councils: str, lang: str) -> list[Html]:
    if item.status == Status.ADDED:
        when = format_due(item.when, lang) if item.when else t(lang, "imp_no_when")
        return [
            t(
                lang,
                "imp_meeting_added",
                clause=item.clause,
                title=item.title,
                when=when,
                councils=councils,
            )
        ]
    if item.status == Status.CHANGED:
        return [
            t(lang, "imp_meeting_changed", clause=item.clause, councils=councils),
            *(_change(change, lang) for change in item.changes),
        ]
    return []


def _change(change: Change, lang: str) -> Html:
    key = f"imp_field_{change.field}"
    name = t(lang, key) if key in CATALOGUE else change.field
    return t(
        lang,
        "imp_change",
        field=name,
        before=_value(change.before, lang),
        after=_value(change.after, lang),
    )


def _value(value: str | None, lang: str) -> str:
    if value is None:
        return t(lang, "imp_empty_value")
    return value if len(value) <= VALUE_LIMIT else value[: VALUE_LIMIT - 1] + "…"


def render_registry(outcome: RegistryOutcome, lang: str) -> Html:
    counts = {
        f"{plural}_{status}": outcome.count(kind, status)
        for kind, plural in (("council", "councils"), ("agency", "agencies"))
        for status in Status
    }
    lines = [t(lang, "reg_summary", **counts)]
    for item in outcome.items:
        if item.status == Status.ADDED:
            lines.append(t(lang, "reg_line_added", code=item.code))
        elif item.status == Status.CHANGED:
            changes = "; ".join(
                f"{change.field}: {change.before or ''} → {change.after or ''}"
                for change in item.changes
            )
            lines.append(t(lang, "reg_line_changed", code=item.code, changes=changes))
    return Html("\n".join(lines))
