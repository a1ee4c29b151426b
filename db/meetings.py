"""Meetings: create, reschedule, cancel, conclude; RSVPs and the attendance list.

A meeting may be known only by a period ("đầu quý IV năm 2023") until the secretariat fixes a
time; ``starts_at`` is set only when the time is known to the minute.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from db.audit import record, snapshot
from db.errors import Forbidden, InvalidInput, NotFound
from db.models import (
    AgendaItem,
    Attendance,
    Council,
    CouncilRole,
    Meeting,
    MeetingState,
    Member,
    TaskCouncil,
)
from db.once import claim
from db.permissions import Access, Actor
from db.tasks import DueReading
from db.text_input import check_length, clean_text, normalize_text

TITLE_LIMIT = 500
CONCLUSION_LIMIT = 2000  # each becomes a task's title
PLACE_LIMIT = 300  # the columns' sizes
LINK_LIMIT = 500
AUDITED = ("title", "when_text", "starts_at", "window_start", "window_end", "place", "state")
LINKED_TASK = re.compile(r"^#(\d{1,9})\s+")


class Rsvp(StrEnum):
    ATTEND = "attend"  # Tham dự
    DELEGATE = "delegate"  # Cử người dự thay
    ABSENT = "absent"  # Vắng


@dataclass(frozen=True)
class Attendees:
    meeting: Meeting
    responses: dict[str, list[tuple[str, str | None]]]  # response -> [(member, delegate)]
    silent: list[str] = field(default_factory=list)  # members who have not answered


def parse_agenda(text: str) -> list[tuple[str, int | None]]:
    """ "#12 Báo cáo quỹ; Quy hoạch vùng" → [("Báo cáo quỹ", 12), ("Quy hoạch vùng", None)]."""
    items: list[tuple[str, int | None]] = []
    for piece in re.split(r"[;\n]", text):
        part = normalize_text(piece, multiline=False)
        if not part:
            continue
        linked = LINKED_TASK.match(part)
        if linked:
            items.append((part[linked.end() :].strip() or part, int(linked.group(1))))
        else:
            items.append((part, None))
    return items


def get_meeting(*, session: Session, actor: Actor, meeting_id: int) -> Meeting:
    """The meeting, if the actor belongs to its council."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("meeting_not_found", meeting_id=meeting_id)
    if not actor.allows(Access.MEMBER, meeting.council_id):
        raise Forbidden()
    return meeting


def clean_meeting_title(title: str) -> str:
    """A meeting's title as stored (checked before the preview too)."""
    return clean_text(title, limit=TITLE_LIMIT, multiline=False, empty_key="meeting_title_missing")


def check_agenda(
    *, session: Session, council_id: int, agenda: Sequence[tuple[str, int | None]]
) -> None:
    """An agenda links only tasks the meeting's council follows (its members will read their
    status in /meetings); any other number is answered as not found, revealing nothing."""
    linked = {task_id for _, task_id in agenda if task_id is not None}
    if not linked:
        return
    followed = set(
        session.exec(
            select(TaskCouncil.task_id).where(
                col(TaskCouncil.task_id).in_(linked), TaskCouncil.council_id == council_id
            )
        )
    )
    missing = sorted(linked - followed)
    if missing:
        raise NotFound("task_not_found", task_id=missing[0])


def create_meeting(
    *,
    session: Session,
    actor: Actor,
    council: Council,
    title: str,
    when: DueReading | None,
    now: datetime,
    place: str | None = None,
    online_link: str | None = None,
    agenda: Sequence[tuple[str, int | None]] = (),
) -> Meeting:
    assert council.id is not None
    if not actor.allows(Access.SECRETARIAT, council.id):
        raise Forbidden()
    title = clean_meeting_title(title)
    meeting = Meeting(
        council_id=council.id,
        title=title,
        place=place or None,
        online_link=online_link or None,
        created_at=now,
        updated_at=now,
    )
    _apply_when(meeting, when)
    session.add(meeting)
    session.flush()
    check_agenda(session=session, council_id=council.id, agenda=agenda)
    for position, (text, task_id) in enumerate(agenda):
        session.add(
            AgendaItem(meeting_id=meeting.id or 0, position=position, text=text, task_id=task_id)
        )
    record(
        session=session,
        at=now,
        actor=actor,
        action="meeting.create",
        entity="meeting",
        entity_id=meeting.id,
        after={**snapshot(meeting, AUDITED), "agenda": [text for text, _ in agenda]},
    )
    return meeting


def reschedule_meeting(
    *, session: Session, actor: Actor, meeting_id: int, when: DueReading, now: datetime
) -> Meeting:
    meeting = manageable_meeting(session=session, actor=actor, meeting_id=meeting_id)
    before = snapshot(meeting, AUDITED)
    # Still planned, and locked until this commits: a cancellation at the same moment waits.
    _claim_planned(session, meeting_id, updated_at=now)
    _apply_when(meeting, when)
    return _save(session, actor, meeting, before, now, "meeting.reschedule")


def cancel_meeting(*, session: Session, actor: Actor, meeting_id: int, now: datetime) -> Meeting:
    meeting = manageable_meeting(session=session, actor=actor, meeting_id=meeting_id)
    before = snapshot(meeting, AUDITED)
    _claim_planned(session, meeting_id, state=MeetingState.CANCELLED)
    return _save(session, actor, meeting, before, now, "meeting.cancel")


def conclude_meeting(
    *, session: Session, actor: Actor, meeting_id: int, conclusions: Sequence[str], now: datetime
) -> Meeting:
    """Record the conclusions, one per line; the meeting is then over."""
    meeting = manageable_meeting(session=session, actor=actor, meeting_id=meeting_id)
    lines = [text for line in conclusions if (text := normalize_text(line, multiline=False))]
    for line in lines:
        check_length(line, CONCLUSION_LIMIT)
    if not lines:
        raise InvalidInput("conclusions_missing")
    before = snapshot(meeting, AUDITED)
    _claim_planned(session, meeting_id, state=MeetingState.CONCLUDED, conclusions="\n".join(lines))
    return _save(session, actor, meeting, before, now, "meeting.conclude")


def conclusion(*, meeting: Meeting, index: int) -> str:
    lines = (meeting.conclusions or "").split("\n")
    if not 0 <= index < len(lines):
        raise NotFound("conclusion_not_found")
    return lines[index]


def conclusion_to_propose(
    *, session: Session, actor: Actor, meeting_id: int, index: int
) -> tuple[Meeting, str]:
    """A conclusion the actor turns into a proposed task: their council's secretariat only."""
    found = get_meeting(session=session, actor=actor, meeting_id=meeting_id)
    if not actor.allows(Access.SECRETARIAT, found.council_id):
        raise InvalidInput("forbidden")
    return found, conclusion(meeting=found, index=index)


def agenda_of(*, session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(col(AgendaItem.position))
        )
    )


def answer_rsvp(
    *,
    session: Session,
    actor: Actor,
    meeting_id: int,
    response: Rsvp,
    now: datetime,
    delegate: str | None = None,
) -> Attendance:
    """A member's answer to the invitation (the latest one counts)."""
    meeting = get_meeting(session=session, actor=actor, meeting_id=meeting_id)
    if meeting.state != MeetingState.PLANNED:
        raise InvalidInput("meeting_closed", meeting_id=meeting_id)
    assert actor.member_id is not None
    row = session.exec(
        select(Attendance).where(
            Attendance.meeting_id == meeting_id, Attendance.member_id == actor.member_id
        )
    ).first()
    if row is None:
        row = Attendance(
            meeting_id=meeting_id, member_id=actor.member_id, response=response, responded_at=now
        )
    row.response = response
    row.delegate_name = normalize_text(delegate or "", multiline=False)[:200] or None
    row.responded_at = now
    session.add(row)
    return row


def attendees(*, session: Session, actor: Actor, meeting_id: int) -> Attendees:
    meeting = get_meeting(session=session, actor=actor, meeting_id=meeting_id)
    answered = session.exec(
        select(Attendance, Member)
        .join(Member, col(Member.id) == col(Attendance.member_id))
        .where(Attendance.meeting_id == meeting_id)
        .order_by(col(Member.full_name))
    ).all()
    responses: dict[str, list[tuple[str, str | None]]] = {r.value: [] for r in Rsvp}
    for attendance, member in answered:
        responses.setdefault(attendance.response, []).append(
            (member.full_name, attendance.delegate_name)
        )
    answered_ids = {attendance.member_id for attendance, _ in answered}
    council_members = session.exec(
        select(Member)
        .join(CouncilRole, col(CouncilRole.member_id) == col(Member.id))
        .where(CouncilRole.council_id == meeting.council_id)
        .order_by(col(Member.full_name))
    ).all()
    silent = list(dict.fromkeys(m.full_name for m in council_members if m.id not in answered_ids))
    return Attendees(meeting=meeting, responses=responses, silent=silent)


def _apply_when(meeting: Meeting, when: DueReading | None) -> None:
    if when is None:
        meeting.when_text = meeting.starts_at = meeting.window_start = meeting.window_end = None
        meeting.precision = None
        return
    meeting.when_text = when.text
    meeting.window_start, meeting.window_end, meeting.precision = (
        when.start,
        when.end,
        when.precision,
    )
    # Only a time to the minute fixes the meeting; a day or a period is still to be set.
    meeting.starts_at = when.start if when.precision == "minute" else None


def _claim_planned(session: Session, meeting_id: int, **values: object) -> None:
    """Change a meeting that is still planned, once (db.once): the loser of two changes made
    at the same moment (cancel, conclude) is told the meeting is closed."""
    claim(
        session,
        Meeting,
        col(Meeting.id) == meeting_id,
        col(Meeting.state) == MeetingState.PLANNED,
        values=values,
        key="meeting_closed",
        meeting_id=meeting_id,
    )


def manageable_meeting(*, session: Session, actor: Actor, meeting_id: int) -> Meeting:
    meeting = get_meeting(session=session, actor=actor, meeting_id=meeting_id)
    if not actor.allows(Access.SECRETARIAT, meeting.council_id):
        raise Forbidden()
    if meeting.state != MeetingState.PLANNED:
        raise InvalidInput("meeting_closed", meeting_id=meeting_id)
    return meeting


def _save(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    before: dict[str, object],
    now: datetime,
    action: str,
) -> Meeting:
    meeting.updated_at = now
    session.add(meeting)
    record(
        session=session,
        at=now,
        actor=actor,
        action=action,
        entity="meeting",
        entity_id=meeting.id,
        before=before,
        after=snapshot(meeting, AUDITED),
    )
    return meeting
