"""A council's tasks for the report tests: every category, an extension, completions on time and
late, tasks without a deadline, a cancelled one, one outside the period and one of another council.

The clock of the tests is Monday 20 November 2023, 09:00 in Hà Nội.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from db.models import (
    Agency,
    Council,
    Directive,
    Member,
    ProgressUpdate,
    Task,
    TaskCoAgency,
    TaskCouncil,
    TaskState,
    UpdateKind,
)
from tests.factories import Factory
from tests.task_factories import utc, vn


@dataclass
class Seeded:
    council: Council
    other: Council
    mpi: Agency
    mof: Agency
    ids: dict[str, int]


def add(
    session: Session,
    council: Council,
    lead: Agency,
    title: str,
    deadline: datetime | None,
    *,
    state: TaskState = TaskState.OPEN,
    finished: datetime | None = None,
    approved: datetime | None = None,
    co: Agency | None = None,
    directive: Directive | None = None,
    clause: str | None = None,
    percent: int | None = None,
) -> int:
    at = utc(vn(2023, 8, 19, 9))
    task = Task(
        lead_agency_id=lead.id or 0,
        title=title,
        due_text="quý IV năm 2023" if deadline else None,
        due_start=utc(deadline) if deadline else None,
        due_end=utc(deadline) if deadline else None,
        due_precision="day" if deadline else None,
        original_deadline=utc(deadline) if deadline else None,
        approved_deadline=utc(approved or deadline) if deadline else None,
        state=state,
        percent=percent,
        completion_reported_at=utc(finished) if finished else None,
        completed_at=utc(finished) if finished and state == TaskState.DONE else None,
        directive_id=directive.id if directive else None,
        clause=clause,
        created_at=at,
        updated_at=at,
    )
    session.add(task)
    session.flush()
    assert task.id is not None
    session.add(TaskCouncil(task_id=task.id, council_id=council.id or 0))
    if co is not None:
        session.add(TaskCoAgency(task_id=task.id, agency_id=co.id or 0))
    return task.id


def seed(engine: Engine, factory: Factory) -> Seeded:
    council = factory.council()
    other = factory.council("DNB", "Đông Nam Bộ")
    mpi = factory.agency("BKHDT", "Bộ Kế hoạch và Đầu tư")
    mof = factory.agency("BTC", "Bộ Tài chính")
    ids: dict[str, int] = {}
    with Session(engine, expire_on_commit=False) as session:
        directive = Directive(
            number="6411/VPCP-KTTH",
            issued_on=vn(2023, 8, 19).date(),
            title="Thông báo kết luận",
            created_at=utc(vn(2023, 8, 19)),
        )
        session.add(directive)
        session.flush()
        ids["on_time"] = add(
            session, council, mpi, "Hoàn thành đúng hạn", vn(2023, 10, 15),
            state=TaskState.DONE, finished=vn(2023, 10, 10, 10), directive=directive,
            clause="2.a.10", percent=100,
        )  # fmt: skip
        ids["late"] = add(
            session, council, mpi, "Hoàn thành trễ 4 ngày", vn(2023, 10, 31),
            state=TaskState.DONE, finished=vn(2023, 11, 3, 10), directive=directive,
            clause="2.a.9",
        )  # fmt: skip
        ids["extended"] = add(
            session, council, mpi, "=Gia hạn từ quý III", vn(2023, 9, 15),
            approved=vn(2023, 12, 15), percent=40,
        )  # fmt: skip
        ids["overdue"] = add(session, council, mpi, "Quá hạn, có vướng mắc", vn(2023, 11, 10))
        ids["due_soon"] = add(session, council, mof, "Sắp đến hạn", vn(2023, 11, 24), co=mpi)
        ids["awaiting"] = add(
            session, council, mof, "Chờ xác nhận", vn(2023, 12, 5),
            state=TaskState.REPORTED_DONE, finished=vn(2023, 11, 18, 9),
        )  # fmt: skip
        ids["cancelled"] = add(
            session, council, mof, "Đã hủy", vn(2023, 12, 1), state=TaskState.CANCELLED
        )
        ids["undated"] = add(session, council, mof, "Không có hạn <b>HTML</b> & co", None)
        ids["q3"] = add(
            session, council, mpi, "Quý III, đúng hạn", vn(2023, 8, 1),
            state=TaskState.DONE, finished=vn(2023, 7, 30, 9),
        )  # fmt: skip
        ids["other_council"] = add(session, other, mpi, "Việc của Hội đồng khác", vn(2023, 11, 1))
        author = Member(
            telegram_user_id=9_000_001, full_name="Nguyễn Văn An", created_at=utc(vn(2023, 8, 1))
        )
        session.add(author)
        session.flush()
        session.add_all(
            [
                ProgressUpdate(
                    task_id=ids["extended"],
                    author_id=author.id,
                    kind=UpdateKind.PROGRESS,
                    text="Đã trình dự thảo lần 1",
                    percent=20,
                    created_at=utc(vn(2023, 10, 2, 9)),
                ),
                ProgressUpdate(
                    task_id=ids["extended"],
                    author_id=author.id,
                    kind=UpdateKind.PROGRESS,
                    text="Đã trình dự thảo lần 2",
                    percent=40,
                    created_at=utc(vn(2023, 11, 2, 9)),
                ),
                ProgressUpdate(
                    task_id=ids["overdue"],
                    author_id=author.id,
                    kind=UpdateKind.OBSTACLE,
                    text="Chưa có ý kiến của địa phương",
                    created_at=utc(vn(2023, 11, 12, 9)),
                ),
            ]
        )
        session.commit()
    return Seeded(council, other, mpi, mof, ids)
