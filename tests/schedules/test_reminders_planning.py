"""Re-planning tasks and meetings into reminder rows: keys, recipients, edits, closing, catching up.

Deadline used throughout: Friday 30 Aug 2024, before the National Day holidays (Mon 2 + Tue 3
Sep), so the first overdue reminder is on Wednesday 4 Sep.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db.models import (
    Broadcast,
    CouncilRole,
    Meeting,
    MeetingState,
    Member,
    OutboxState,
    ProgressUpdate,
    Reminder,
    Role,
    Task,
    TaskState,
)
from schedules.clock import ManualClock
from schedules.reminders import (
    ReminderConfig,
    replan_all,
    replan_meeting,
    replan_task,
)
from tests.conftest import ADMIN_ID
from tests.factories import Factory
from tests.task_factories import TaskFactory, member_id, reminders, utc, vn

CONFIG = ReminderConfig(admins=frozenset({ADMIN_ID}))
DEADLINE = vn(2024, 8, 30, 23, 59)


@pytest.fixture
def tasks(engine: Engine, clock: ManualClock) -> TaskFactory:
    clock.set(vn(2024, 8, 1, 9))
    return TaskFactory(engine, clock)


def replan(engine: Engine, task: Task, now: datetime, config: ReminderConfig = CONFIG) -> None:
    assert task.id is not None
    with Session(engine) as session:
        replan_task(session=session, task_id=task.id, now=now, config=config)
        session.commit()


def change(engine: Engine, task: Task, **values: object) -> Task:
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(Task, task.id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)
        session.commit()
        return row


def pending(engine: Engine) -> list[Reminder]:
    return reminders(engine, state=OutboxState.PENDING)


def admin_member(engine: Engine, clock: ManualClock) -> int:
    with Session(engine) as session:
        member = Member(telegram_user_id=ADMIN_ID, full_name="Quản trị", created_at=clock.now())
        session.add(member)
        session.commit()
        assert member.id is not None
        return member.id


async def test_a_task_is_planned_for_its_focal_points_and_escalated_to_the_secretariat(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council, agency = factory.council(), factory.agency()
    focal = factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    other_agency_focal = factory.user(
        Role.FOCAL_POINT, council=council, agency=factory.agency("BTC", "Bộ Tài chính")
    )
    secretary = factory.user(Role.SECRETARIAT, council=council)
    factory.user(Role.MEMBER, council=council)
    admin = admin_member(engine, clock)
    task = tasks.task(councils=[council], agency=agency, deadline=DEADLINE)

    replan(engine, task, clock.now())
    horizon = clock.now() + ReminderConfig().planning_horizon
    stored_first = pending(engine)
    assert stored_first and max(row.due_at for row in stored_first) <= horizon
    # The nightly re-planning brings the later ones in as the horizon slides.
    for day in range(1, 300):
        replan(engine, task, clock.now() + timedelta(days=day))

    rows = pending(engine)
    assert len(rows) > len(stored_first)
    focal_id, secretary_id = member_id(engine, focal), member_id(engine, secretary)
    by_recipient: dict[int | None, list[Reminder]] = {}
    for row in rows:
        by_recipient.setdefault(row.recipient_id, []).append(row)
    assert set(by_recipient) == {focal_id, secretary_id, admin}
    assert member_id(engine, other_agency_focal) not in by_recipient
    assert [(r.kind, r.offset, r.due_at) for r in by_recipient[focal_id][:7]] == [
        ("task_before", "-14d@20240830", utc(vn(2024, 8, 16, 8, 30))),
        ("task_before", "-7d@20240830", utc(vn(2024, 8, 23, 8, 30))),
        ("task_before", "-3d@20240830", utc(vn(2024, 8, 27, 8, 30))),
        ("task_before", "-1d@20240830", utc(vn(2024, 8, 29, 8, 30))),
        ("task_due", "0d@20240830", utc(vn(2024, 8, 30, 8, 30))),
        ("task_overdue", "+1@20240830", utc(vn(2024, 9, 4, 8, 30))),
        ("task_overdue", "+2@20240830", utc(vn(2024, 9, 9, 8, 30))),
    ]
    assert len(by_recipient[focal_id]) == 5 + 10
    escalations = by_recipient[secretary_id]
    assert {r.kind for r in escalations} == {"task_escalation"}
    assert [r.offset for r in escalations][:2] == ["+2@20240830", "+3@20240830"]
    assert len(escalations) == len(by_recipient[admin]) == 9
    assert rows[0].key == f"task:{task.id}:task_before:-14d@20240830:m{focal_id}"
    assert all(row.chat_id == focal.id for row in by_recipient[focal_id])
    assert len({row.key for row in rows}) == len(rows)


async def test_replanning_is_idempotent(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council, agency = factory.council(), factory.agency()
    factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = tasks.task(councils=[council], agency=agency, deadline=DEADLINE)
    replan(engine, task, clock.now())
    before = [(r.id, r.key, r.due_at, r.state) for r in reminders(engine)]
    replan(engine, task, clock.now() + timedelta(hours=3))
    assert [(r.id, r.key, r.due_at, r.state) for r in reminders(engine)] == before


async def test_an_extended_deadline_replans_and_keeps_what_was_sent(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council, agency = factory.council(), factory.agency()
    factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = tasks.task(councils=[council], agency=agency, deadline=DEADLINE)
    replan(engine, task, clock.now())
    with Session(engine, expire_on_commit=False) as session:  # the -14d reminder went out
        sent = session.exec(select(Reminder).where(Reminder.offset == "-14d@20240830")).one()
        sent.state = OutboxState.SENT
        session.add(sent)
        session.commit()

    clock.set(vn(2024, 8, 20, 10))
    change(engine, task, approved_deadline=vn(2024, 9, 30, 23, 59))
    replan(engine, task, clock.now())

    rows = reminders(engine)
    assert {r.state for r in rows if r.offset.endswith("@20240830")} == {
        OutboxState.SENT,
        OutboxState.CANCELLED,
    }
    assert [r.key for r in rows if r.state == OutboxState.SENT] == [sent.key]
    new = [r for r in rows if r.state == OutboxState.PENDING]
    assert all(r.offset.endswith("@20240930") for r in new)
    assert new[0].due_at == utc(vn(2024, 9, 16, 8, 30))  # -14d of the new deadline


@pytest.mark.parametrize("state", [TaskState.DONE, TaskState.CANCELLED, TaskState.REPORTED_DONE])
async def test_a_closed_task_cancels_its_pending_reminders_and_reopening_revives_them(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory, state: TaskState
) -> None:
    council, agency = factory.council(), factory.agency()
    factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = tasks.task(councils=[council], agency=agency, deadline=DEADLINE)
    replan(engine, task, clock.now())
    planned = len(pending(engine))

    change(engine, task, state=state)
    replan(engine, task, clock.now())
    assert pending(engine) == []
    assert {r.state for r in reminders(engine)} == {OutboxState.CANCELLED}

    change(engine, task, state=TaskState.OPEN)  # e.g. a reported completion was rejected
    replan(engine, task, clock.now())
    assert len(pending(engine)) == planned
    assert len(reminders(engine)) == planned  # revived, not duplicated


async def test_a_recipient_who_loses_the_role_is_no_longer_reminded(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council, agency = factory.council(), factory.agency()
    leaving = factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    staying = factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = tasks.task(councils=[council], agency=agency, deadline=DEADLINE)
    replan(engine, task, clock.now())
    with Session(engine) as session:
        role = session.exec(
            select(CouncilRole).where(CouncilRole.member_id == member_id(engine, leaving))
        ).one()
        session.delete(role)
        session.commit()
    replan(engine, task, clock.now())
    assert {r.recipient_id for r in pending(engine)} == {member_id(engine, staying)}
    cancelled = reminders(engine, state=OutboxState.CANCELLED)
    assert {r.recipient_id for r in cancelled} == {member_id(engine, leaving)}


async def test_sent_failed_and_skipped_reminders_are_never_touched(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council, agency = factory.council(), factory.agency()
    factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = tasks.task(councils=[council], agency=agency, deadline=DEADLINE)
    replan(engine, task, clock.now())
    settled = {}
    with Session(engine) as session:
        rows = list(session.exec(select(Reminder).order_by(col(Reminder.id))))
        for row, state in zip(
            rows, [OutboxState.SENT, OutboxState.FAILED, OutboxState.SKIPPED], strict=False
        ):
            row.state = state
            settled[row.key] = state
            session.add(row)
        session.commit()
    change(engine, task, state=TaskState.DONE)
    replan(engine, task, clock.now())
    change(engine, task, state=TaskState.OPEN)
    replan(engine, task, clock.now())
    states = {r.key: r.state for r in reminders(engine)}
    assert {key: states[key] for key in settled} == settled


async def test_a_task_imported_long_after_its_deadline_is_not_flooded(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council, agency = factory.council(), factory.agency()
    factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    factory.user(Role.SECRETARIAT, council=council)
    clock.set(vn(2026, 8, 1, 9))
    task = tasks.task(councils=[council], agency=agency, deadline=DEADLINE)
    replan(engine, task, clock.now())
    assert reminders(engine) == []


async def test_a_task_imported_just_after_its_deadline_gets_only_the_latest_overdue_reminder(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council, agency = factory.council(), factory.agency()
    factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    factory.user(Role.SECRETARIAT, council=council)
    clock.set(vn(2024, 9, 10, 10))  # +2 (and the first escalation) was yesterday 08:30
    task = tasks.task(councils=[council], agency=agency, deadline=DEADLINE)
    replan(engine, task, clock.now())
    rows = reminders(engine)
    past = [(r.kind, r.offset) for r in rows if r.due_at <= clock.now()]
    assert past == [("task_overdue", "+2@20240830"), ("task_escalation", "+2@20240830")]
    assert rows[2].offset == "+3@20240830"
    assert all(not r.kind.startswith(("task_before", "task_due")) for r in rows)


async def test_a_task_in_two_councils_reminds_the_focal_points_of_both(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    north, south = factory.council(), factory.council("DNB", "Đông Nam Bộ")
    agency = factory.agency()
    in_north = factory.user(Role.FOCAL_POINT, council=north, agency=agency)
    in_south = factory.user(Role.FOCAL_POINT, council=south, agency=agency)
    task = tasks.task(councils=[north, south], agency=agency, deadline=DEADLINE)
    replan(engine, task, clock.now())
    assert {r.recipient_id for r in pending(engine)} == {
        member_id(engine, in_north),
        member_id(engine, in_south),
    }


async def test_a_task_without_deadline_gets_a_nudge_that_moves_with_updates(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council, agency = factory.council(), factory.agency()
    focal = factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = tasks.task(councils=[council], agency=agency, deadline=None)
    replan(engine, task, clock.now())
    (nudge,) = pending(engine)
    assert (nudge.kind, nudge.offset) == ("task_nudge", "nudge-2024-09")
    assert nudge.due_at == utc(vn(2024, 9, 4, 8, 0))  # 31 Aug + holidays → Wed 4 Sep

    clock.set(vn(2024, 8, 20, 10))
    with Session(engine) as session:
        session.add(
            ProgressUpdate(
                task_id=task.id or 0,
                author_id=member_id(engine, focal),
                text="Đã trình dự thảo",
                created_at=clock.now(),
            )
        )
        session.commit()
    replan(engine, task, clock.now())
    (moved,) = pending(engine)
    assert moved.id == nudge.id
    assert moved.due_at == utc(vn(2024, 9, 19, 10, 0))


async def test_replan_all_picks_up_a_new_focal_point(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council, agency = factory.council(), factory.agency()
    task = tasks.task(councils=[council], agency=agency, deadline=DEADLINE)
    replan(engine, task, clock.now())
    assert reminders(engine) == []
    newcomer = factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    with Session(engine) as session:
        replan_all(session=session, now=clock.now(), config=CONFIG)
        session.commit()
    assert {r.recipient_id for r in pending(engine)} == {member_id(engine, newcomer)}


async def test_replanning_leaves_other_outbox_rows_alone(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council, agency = factory.council(), factory.agency()
    focal = factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = tasks.task(councils=[council], agency=agency, deadline=DEADLINE)
    with Session(engine) as session:
        session.add(
            Reminder(
                key=f"notice:notice_assigned:{task.id}:m{member_id(engine, focal)}",
                target_kind="task",
                target_id=task.id,
                kind="notice_assigned",
                offset=str(task.id),
                recipient_id=member_id(engine, focal),
                chat_id=focal.id,
                due_at=clock.now(),
                created_at=clock.now(),
            )
        )
        session.commit()
    change(engine, task, state=TaskState.DONE)
    replan(engine, task, clock.now())
    (notice,) = pending(engine)
    assert notice.kind == "notice_assigned"


# --- meetings --------------------------------------------------------------------------------


def replan_m(engine: Engine, meeting: Meeting, now: datetime) -> None:
    assert meeting.id is not None
    with Session(engine) as session:
        replan_meeting(session=session, meeting_id=meeting.id, now=now, config=CONFIG)
        session.commit()


def move_meeting(engine: Engine, meeting: Meeting, **values: object) -> None:
    with Session(engine) as session:
        row = session.get(Meeting, meeting.id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)
        session.commit()


async def test_a_meeting_notifies_every_council_member_once(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council = factory.council()
    members = [
        factory.user(Role.SECRETARIAT, council=council),
        factory.user(Role.CHAIR, council=council),
        factory.user(Role.FOCAL_POINT, council=council, agency=factory.agency()),
    ]
    double_role = members[0]
    with Session(engine) as session:  # a member with two roles is still one recipient
        session.add(
            CouncilRole(
                council_id=council.id or 0,
                member_id=member_id(engine, double_role),
                role=Role.MEMBER,
                granted_at=clock.now(),
            )
        )
        session.commit()
    factory.user(Role.MEMBER, council=factory.council("DNB", "Đông Nam Bộ"))  # another council
    meeting = tasks.meeting(council=council, starts_at=vn(2024, 8, 20, 14))
    replan_m(engine, meeting, clock.now())

    rows = pending(engine)
    assert {r.recipient_id for r in rows} == {member_id(engine, user) for user in members}
    agenda = [r for r in rows if r.kind == "meeting_agenda"]
    assert {r.recipient_id for r in agenda} == {member_id(engine, u) for u in members[:2]}
    assert {r.due_at for r in agenda} == {utc(vn(2024, 8, 19, 14))}  # with the -1d reminder
    assert len(rows) == 3 * 4 + 2  # each member's 4; the agenda to secretariat and chair
    notice = [r for r in rows if r.kind == "meeting_notice"]
    assert {r.due_at for r in notice} == {clock.now()}
    assert sorted({(r.offset, r.due_at) for r in rows if r.kind == "meeting_before"}) == [
        ("-1d@202408201400", utc(vn(2024, 8, 19, 14))),
        ("-2h@202408201400", utc(vn(2024, 8, 20, 12))),
        ("-7d@202408201400", utc(vn(2024, 8, 13, 14))),
    ]


async def test_a_moved_meeting_gets_new_reminders_and_a_cancelled_one_none(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council = factory.council()
    factory.user(Role.MEMBER, council=council)
    meeting = tasks.meeting(council=council, starts_at=vn(2024, 8, 20, 14))
    replan_m(engine, meeting, clock.now())
    move_meeting(engine, meeting, starts_at=vn(2024, 8, 27, 9))
    replan_m(engine, meeting, clock.now())
    assert sorted(r.offset for r in pending(engine)) == [
        "-1d@202408270900",
        "-2h@202408270900",
        "-7d@202408270900",
        "notice",
    ]
    move_meeting(engine, meeting, state=MeetingState.CANCELLED)
    replan_m(engine, meeting, clock.now())
    assert pending(engine) == []


async def test_planning_respects_the_configured_policy(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council, agency = factory.council(), factory.agency()
    factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = tasks.task(councils=[council], agency=agency, deadline=DEADLINE)
    config = replace(
        CONFIG,
        policy=replace(CONFIG.policy, task_days_before=(3,), overdue_max_reminders=1),
    )
    replan(engine, task, clock.now(), config)
    assert [r.offset for r in pending(engine)] == ["-3d@20240830", "0d@20240830", "+1@20240830"]


async def test_a_meeting_announced_by_its_own_broadcast_gets_no_second_notice(
    engine: Engine, clock: ManualClock, factory: Factory, tasks: TaskFactory
) -> None:
    council = factory.council()
    factory.user(Role.MEMBER, council=council)
    meeting = tasks.meeting(council=council, starts_at=vn(2024, 8, 20, 14))
    replan_m(engine, meeting, clock.now())  # planned before the announcement was queued
    with Session(engine) as session:
        session.add(
            Broadcast(
                council_id=council.id or 0,
                meeting_id=meeting.id,
                text="Thông báo mời họp",
                created_at=clock.now(),
            )
        )
        session.commit()
    replan_m(engine, meeting, clock.now())
    assert sorted(r.kind for r in pending(engine)) == ["meeting_before"] * 3
    assert [r.kind for r in reminders(engine, state=OutboxState.CANCELLED)] == ["meeting_notice"]


def test_reminders_command_never_looks_past_the_planning_horizon() -> None:
    from handlers.reminders import MAX_DAYS

    assert timedelta(days=MAX_DAYS + 1) <= ReminderConfig().planning_horizon
