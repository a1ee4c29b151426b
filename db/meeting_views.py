"""What /meetings and /meeting <id> show: meetings with their council and their agenda, each
agenda line with the status of the task it links, for the councils the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from db.meetings import agenda_of, get_meeting
from db.models import Council, Meeting, Task
from db.permissions import Actor
from db.registry import member_councils
from db.reports import upcoming_meetings
from db.status import Category, categorize


@dataclass(frozen=True)
class AgendaLine:
    text: str
    task_id: int | None = None  # set when the line links a task (then ``category`` is too)
    category: Category | None = None


@dataclass(frozen=True)
class MeetingCard:
    meeting: Meeting
    council: Council | None
    agenda: list[AgendaLine]


def agenda_lines(*, session: Session, meeting_id: int, now: datetime) -> list[AgendaLine]:
    """The meeting's agenda in order, with the status of the tasks it links."""
    lines = []
    for item in agenda_of(session=session, meeting_id=meeting_id):
        task = session.get(Task, item.task_id) if item.task_id else None
        if task is None:
            lines.append(AgendaLine(item.text))
        else:
            lines.append(AgendaLine(item.text, task.id, categorize(task, now)))
    return lines


def upcoming_cards(*, session: Session, actor: Actor, now: datetime) -> list[MeetingCard]:
    """/meetings: the upcoming meetings of the actor's councils (every council for an admin)."""
    councils = member_councils(session=session, actor=actor)
    by_id = {council.id: council for council in councils}
    lines = upcoming_meetings(
        session=session, council_ids=[c.id for c in councils if c.id], now=now
    )
    meetings = [session.get(Meeting, line.id) for line in lines]
    return [
        MeetingCard(
            m, by_id.get(m.council_id), agenda_lines(session=session, meeting_id=m.id or 0, now=now)
        )
        for m in meetings
        if m is not None
    ]


def meeting_card(*, session: Session, actor: Actor, meeting_id: int, now: datetime) -> MeetingCard:
    """/meeting <id>: one meeting the actor may see (``get_meeting`` decides), with its council
    and agenda."""
    found = get_meeting(session=session, actor=actor, meeting_id=meeting_id)
    council = session.get(Council, found.council_id)
    return MeetingCard(
        found, council, agenda_lines(session=session, meeting_id=found.id or 0, now=now)
    )


def draft_meeting(*, council_id: int, title: str, place: str, link: str, now: datetime) -> Meeting:
    """A meeting not stored (id 0), for the preview /meeting new shows before Confirm."""
    return Meeting(
        id=0,
        council_id=council_id,
        title=title,
        place=place or None,
        online_link=link or None,
        created_at=now,
        updated_at=now,
    )
