"""Tasks, meetings and reminder rows for the reminder tests, written straight to the database."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.offline.driver import FakeUser
from db.models import (
    Agency,
    Council,
    Meeting,
    MeetingState,
    Member,
    OutboxState,
    Reminder,
    Task,
    TaskCouncil,
    TaskState,
)
from schedules.clock import Clock

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """A Hà Nội wall-clock time, as an aware datetime."""
    return datetime(y, m, d, hh, mm, tzinfo=VN)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


class TaskFactory:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def task(
        self,
        *,
        councils: list[Council],
        agency: Agency,
        deadline: datetime | None,
        title: str = "Xây dựng quy chế phối hợp vùng",
        due_text: str | None = None,
        state: TaskState = TaskState.OPEN,
        created_at: datetime | None = None,
    ) -> Task:
        now = created_at or self.clock.now()
        with Session(self.engine, expire_on_commit=False) as session:
            task = Task(
                lead_agency_id=agency.id or 0,
                title=title,
                due_text=due_text,
                due_start=deadline,
                due_end=deadline,
                due_precision="day" if deadline else None,
                original_deadline=deadline,
                approved_deadline=deadline,
                state=state,
                created_at=now,
                updated_at=now,
            )
            session.add(task)
            session.flush()
            for council in councils:
                assert council.id is not None and task.id is not None
                session.add(TaskCouncil(task_id=task.id, council_id=council.id))
            session.commit()
            return task

    def meeting(
        self,
        *,
        council: Council,
        starts_at: datetime | None,
        title: str = "Phiên họp thường kỳ quý IV",
        place: str | None = "Phòng họp số 1, Bộ Kế hoạch và Đầu tư",
        created_at: datetime | None = None,
    ) -> Meeting:
        now = created_at or self.clock.now()
        with Session(self.engine, expire_on_commit=False) as session:
            meeting = Meeting(
                council_id=council.id or 0,
                title=title,
                starts_at=starts_at,
                place=place,
                state=MeetingState.PLANNED,
                created_at=now,
                updated_at=now,
            )
            session.add(meeting)
            session.commit()
            return meeting


def member_id(engine: Engine, user: FakeUser) -> int:
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.telegram_user_id == user.id)).one()
        assert member.id is not None
        return member.id


def reminders(engine: Engine, *, state: OutboxState | None = None) -> list[Reminder]:
    with Session(engine) as session:
        query = select(Reminder).order_by(col(Reminder.due_at), col(Reminder.id))
        if state is not None:
            query = query.where(Reminder.state == state)
        return list(session.exec(query))
