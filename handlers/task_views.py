"""Rendering tasks and reports as Telegram HTML, from the catalogue. Pure functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalogue import Html, t
from bot.formatting import callback_data
from db import paging
from db.council_report import Tally
from db.recurring import CouncilPeriods, CurrentPeriod
from db.reports import MeetingLine, Overview, TaskLine
from db.status import CATEGORY_ORDER, Category
from schedules.dates import DueWindow, format_due

if TYPE_CHECKING:
    from db.models import Agency, Member, ProgressUpdate, Task

LIST_TITLE_LIMIT = 90
PAGE_SIZE = 15

Item = TypeVar("Item")


@dataclass(frozen=True)
class Page:
    """One page of a paginated report: its text, its index and how many pages there are."""

    text: str
    index: int
    count: int


def short(text: str, limit: int = LIST_TITLE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def day(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y")


def minute(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%H:%M %d/%m/%Y")


def window_text(start: datetime, end: datetime, precision: str | None, tz: str) -> str:
    """How a stored deadline window reads: a minute, a day, or a span of days."""
    if precision == "minute":
        return minute(end, tz)
    if precision == "day" or day(start, tz) == day(end, tz):
        return day(end, tz)
    return f"{day(start, tz)} – {day(end, tz)}"


def due_text(task: Task, lang: str, tz: str) -> str:
    """The deadline as written and as read; an approved extension is shown beside it."""
    if task.due_text is None or task.due_end is None or task.due_start is None:
        return t(lang, "task_no_due")
    reading = window_text(task.due_start, task.due_end, task.due_precision, tz)
    written = t(lang, "task_due_read", text=task.due_text, reading=reading)
    if (
        task.approved_deadline
        and task.original_deadline
        and task.approved_deadline != task.original_deadline
    ):
        return t(
            lang,
            "task_due_extended",
            original=Html(written),
            approved=day(task.approved_deadline, tz),
        )
    return written


def echo_due(window: DueWindow | None, lang: str) -> str:
    """How a deadline just typed was read, echoed back before anything is stored."""
    if window is None:
        return t(lang, "task_no_due")
    return t(lang, "task_due_read", text=window.text, reading=format_due(window, lang))


def co_text(agencies: Sequence[Agency], lang: str) -> str:
    """Co-operating agencies by name with their code: a group such as CACBO reads as "Các Bộ,
    cơ quan liên quan (CACBO)", not as a bare code."""
    name = "name_vi" if lang == "vi" else "name_en"
    labels = [f"{getattr(agency, name)} ({agency.code})" for agency in agencies]
    return "; ".join(labels) or t(lang, "task_no_co")


def category_name(category: Category, lang: str) -> str:
    return t(lang, f"category_{category}")


def scorecard_line(scorecard: Tally, lang: str) -> str:
    """An agency's record as lead: due, on time, late, overdue now, on-time rate, median delay."""
    rate = scorecard.on_time_rate
    median = scorecard.median_days_late
    return t(
        lang,
        "status_scorecard",
        due=scorecard.due,
        on_time=scorecard.done_on_time,
        late=scorecard.done_late,
        overdue=scorecard.overdue,
        rate="—" if rate is None else f"{round(100 * rate)}%",
        median="—" if median is None else f"{median:g}",
    )


def task_line(line: TaskLine, lang: str, tz: str) -> str:
    deadline = line.approved_deadline or line.original_deadline
    return t(
        lang,
        "task_line",
        id=line.id,
        title=short(line.title),
        category=category_name(line.category, lang)
        + (t(lang, "task_obstacle_flag") if line.obstacle else ""),
        deadline=Html(t(lang, "task_line_deadline", deadline=day(deadline, tz)))
        if deadline
        else "",
    )


def grouped_line(item: TaskLine | str, lang: str, tz: str) -> str:
    if isinstance(item, str):
        return t(lang, "agency_group", agency=item)
    return task_line(item, lang, tz)


def meeting_line(meeting: MeetingLine, lang: str, tz: str) -> str:
    when = (
        minute(meeting.starts_at, tz)
        if meeting.starts_at
        else (meeting.when_text or t(lang, "task_no_due"))
    )
    return t(lang, "meeting_line", id=meeting.id, title=short(meeting.title), when=when)


def overview_page(overview: Overview, lang: str, tz: str, now: datetime) -> Page:
    """The page of the council overview that ``overview`` holds: counts on the first page, then
    the tasks that need attention (the service loaded only this page's tasks)."""
    head = [
        t(
            lang,
            "status_header",
            council=overview.council.name_vi if lang == "vi" else overview.council.name_en,
            total=overview.total,
            periods=(
                t(lang, "report_caption_periods", count=overview.period_total)
                if overview.period_total
                else ""
            ),
            now=minute(now, tz),
        )
    ]
    if overview.total == 0:
        return Page("\n".join([*head, t(lang, "status_no_tasks")]), 0, 1)
    head += [
        t(
            lang,
            "status_count_line",
            category=category_name(category, lang),
            count=overview.counts.get(category, 0),
            percent=overview.percent(category),
        )
        for category in CATEGORY_ORDER
        if overview.counts.get(category, 0)
    ]
    if overview.periods is not None:
        head.append(periods_line(overview.periods, lang))
    tail: list[str] = []
    if overview.obstacles:
        tail += ["", t(lang, "status_obstacles")]
        tail += [task_line(line, lang, tz) for line in overview.obstacles]
        hidden = overview.obstacle_total - len(overview.obstacles)
        if hidden > 0:
            tail.append(t(lang, "status_obstacles_more", count=hidden))
    if overview.next_meetings:
        tail += ["", t(lang, "status_meetings")]
        tail += [meeting_line(meeting, lang, tz) for meeting in overview.next_meetings]
    if not overview.attention:
        return Page("\n".join([*head, "", t(lang, "status_nothing_urgent"), *tail]), 0, 1)
    body = [grouped_line(item, lang, tz) for item in overview.attention]
    if overview.page == 0:
        body = [*head, "", t(lang, "status_attention"), *body, *tail]
    return Page("\n".join(body), overview.page, overview.pages)


def list_pages(header: str, lines: Sequence[TaskLine], lang: str, tz: str) -> list[str]:
    if not lines:
        return [f"{header}\n{t(lang, 'status_no_tasks')}"]
    chunks = paginate([task_line(line, lang, tz) for line in lines])
    return ["\n".join([header, *chunk]) for chunk in chunks]


def paginate(
    lines: list[Item],
    size: int = PAGE_SIZE,
    is_heading: Callable[[Item], bool] = lambda line: str(line).startswith("<b>"),
) -> list[list[Item]]:
    """Cut rendered lines into pages, never leaving an agency heading alone at the bottom."""
    return paging.paginate(lines, size, is_heading)


def pager(prefix: str, key: int, page: int, pages: int, lang: str) -> InlineKeyboardMarkup | None:
    """‹ Previous / Next › buttons; the data is "<prefix>:<key>:<page>"."""
    if pages <= 1:
        return None
    row = []
    if page > 0:
        row.append(
            InlineKeyboardButton(
                t(lang, "button_prev"), callback_data=callback_data(prefix, key, page - 1)
            )
        )
    row.append(
        InlineKeyboardButton(
            t(lang, "status_page", page=page + 1, pages=pages),
            callback_data=callback_data(prefix, key, page),
        )
    )
    if page < pages - 1:
        row.append(
            InlineKeyboardButton(
                t(lang, "button_next"), callback_data=callback_data(prefix, key, page + 1)
            )
        )
    return InlineKeyboardMarkup([row])


def task_card(
    task: Task,
    *,
    lang: str,
    tz: str,
    lead: Agency,
    co_agencies: Sequence[Agency],
    category: Category,
    obstacle: bool,
    directive_number: str | None,
    updates: Sequence[tuple[ProgressUpdate, Member | None]] = (),
    with_updates: bool = False,
    period: CurrentPeriod | None = None,
) -> str:
    """A task's details: source, agencies, deadline as written and read, status, updates;
    for a recurring task, its current period and record ("4/5 kỳ đúng hạn")."""
    name = "name_vi" if lang == "vi" else "name_en"
    source = (
        t(lang, "task_source", number=directive_number, clause=task.clause or "")
        if directive_number
        else ""
    )
    card = t(
        lang,
        "task_card",
        id=task.id,
        source=Html(source),
        title=task.title,
        lead=f"{getattr(lead, name)} ({lead.code})",
        co=co_text(co_agencies, lang),
        due=Html(due_text(task, lang, tz)),
        category=category_name(category, lang),
        percent=Html(t(lang, "task_percent", percent=task.percent))
        if task.percent is not None
        else "",
        obstacle=Html(t(lang, "task_obstacle_flag")) if obstacle else "",
    )
    if period is not None:
        card = Html(f"{card}\n{period_line(period, lang, tz)}")
    if not with_updates:
        return card
    lines = [card, "", t(lang, "task_updates_header")]
    if not updates:
        lines.append(t(lang, "task_no_updates"))
    for update, author in updates:
        lines.append(
            t(
                lang,
                "task_update_line",
                when=minute(update.created_at, tz),
                author=author.full_name if author else "—",
                kind=t(lang, f"update_kind_{update.kind}"),
                percent=f" {update.percent}%" if update.percent is not None else "",
                text=short(update.text, 300),
                attachment=Html(t(lang, "task_update_attachment"))
                if update.attachment_file_id
                else "",
            )
        )
    return "\n".join(lines)


def periods_line(periods: CouncilPeriods, lang: str) -> Html:
    """The recurring tasks' periods by category and their record, on the overview."""
    counts = ", ".join(
        f"{category_name(category, lang)}: {periods.by_category[category]}"
        for category in CATEGORY_ORDER
        if periods.by_category.get(category)
    )
    return t(
        lang,
        "status_periods_line",
        tasks=periods.tasks,
        counts=counts,
        on_time=periods.on_time,
        counted=periods.counted,
    )


def period_line(period: CurrentPeriod, lang: str, tz: str) -> Html:
    """A recurring task's period at hand and how its periods were kept so far."""
    deadline = period.occurrence.approved_deadline or period.occurrence.original_deadline
    return t(
        lang,
        "task_period_line",
        period=period.label(lang),
        deadline=day(deadline, tz),
        category=category_name(period.category, lang),
        on_time=period.record.on_time,
        counted=period.record.counted,
    )


def task_buttons(task_id: int, lang: str, *, lead: bool = True) -> InlineKeyboardMarkup:
    """The four actions an agency takes on its task; a co-operating agency (``lead`` False)
    gets only progress and obstacle: completion and extension are the lead agency's."""

    def button(key: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            t(lang, key), callback_data=callback_data("tk", task_id, action)
        )

    if not lead:
        return InlineKeyboardMarkup(
            [[button("button_progress", "p"), button("button_obstacle", "o")]]
        )
    return InlineKeyboardMarkup(
        [
            [button("button_progress", "p"), button("button_done", "d")],
            [button("button_obstacle", "o"), button("button_extension", "x")],
        ]
    )


def yes_no(prefix: str, key: int, yes: str, no: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(lang, yes), callback_data=callback_data(prefix, key, "y")),
                InlineKeyboardButton(t(lang, no), callback_data=callback_data(prefix, key, "n")),
            ]
        ]
    )
