"""db/recurring.py: periods written once, judged like tasks, ended by a cancellation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db.errors import InvalidInput
from db.models import Task, TaskOccurrence, TaskState
from db.recurring import (
    current_occurrence,
    end_future_periods,
    ensure_occurrences,
    insert_periods,
    period_records,
    set_schedule,
)
from db.status import Category
from schedules.clock import ManualClock
from schedules.recurrence import Recurrence
from tests.factories import Factory
from tests.task_factories import TaskFactory, vn

TZ = "Asia/Ho_Chi_Minh"
MONTHLY = Recurrence("month", day=25)


def recurring_task(engine: Engine, factory: Factory, clock: ManualClock, rec: Recurrence) -> int:
    task = TaskFactory(engine, clock).task(
        councils=[factory.council()], agency=factory.agency(), deadline=None
    )
    with Session(engine) as session:
        stored = session.get(Task, task.id)
        assert stored is not None
        set_schedule(
            session=session, task=stored, schedule=rec, now=clock.now(), until=clock.now(), tz=TZ
        )
        session.commit()
    assert task.id is not None
    return task.id


def stored_periods(engine: Engine) -> list[TaskOccurrence]:
    with Session(engine) as session:
        return list(session.exec(select(TaskOccurrence).order_by(col(TaskOccurrence.period_start))))


def test_periods_are_written_once_up_to_the_horizon(
    engine: Engine, factory: Factory, clock: ManualClock
) -> None:
    task_id = recurring_task(engine, factory, clock, MONTHLY)  # Monday 20/11/2023
    assert [p.period_start for p in stored_periods(engine)] == [date(2023, 11, 1)]
    for _ in range(2):
        with Session(engine) as session:
            task = session.get(Task, task_id)
            assert task is not None
            ensure_occurrences(session=session, task=task, until=vn(2024, 2, 1), tz=TZ)
            session.commit()
    starts = [p.period_start for p in stored_periods(engine)]
    assert starts == [date(2023, 11, 1), date(2023, 12, 1), date(2024, 1, 1)]


def test_a_period_written_by_another_transaction_is_kept_not_doubled(
    engine: Engine, factory: Factory, clock: ManualClock
) -> None:
    task_id = recurring_task(engine, factory, clock, MONTHLY)
    (first,) = stored_periods(engine)
    row = {
        "task_id": task_id,
        "kind": "month",
        "period_start": first.period_start,
        "period_end": first.period_end,
        "original_deadline": first.original_deadline + timedelta(days=1),
        "approved_deadline": None,
        "state": "open",
        "created_at": clock.now(),
        "updated_at": clock.now(),
    }
    with Session(engine) as session:
        insert_periods(session, [row])  # as a second instance would, racing the first
        session.commit()
    (kept,) = stored_periods(engine)
    assert kept.original_deadline == first.original_deadline


def test_periods_are_judged_like_tasks_and_a_cancellation_ends_those_ahead(
    engine: Engine, factory: Factory, clock: ManualClock
) -> None:
    task_id = recurring_task(engine, factory, clock, MONTHLY)
    with Session(engine) as session:
        task = session.get(Task, task_id)
        assert task is not None
        ensure_occurrences(session=session, task=task, until=vn(2024, 3, 1), tz=TZ)
        session.commit()
    now = vn(2023, 12, 27, 9)  # November and December are over, nothing reported
    with Session(engine) as session:
        record = period_records(session=session, task_ids=[task_id], now=now)[task_id]
        assert record.by_category == {Category.OVERDUE: 2, Category.ON_TIME: 2}
        assert (record.on_time, record.counted) == (0, 2)
        current = current_occurrence(session=session, task_id=task_id)
        assert current is not None and current.period_start == date(2023, 11, 1)
        assert end_future_periods(session=session, task_id=task_id, now=now) == 2
        session.commit()
    states = [p.state for p in stored_periods(engine)]
    assert states == ["open", "open", TaskState.CANCELLED, TaskState.CANCELLED]
    with Session(engine) as session:
        task = session.get(Task, task_id)
        assert task is not None
        task.state = TaskState.CANCELLED
        assert ensure_occurrences(session=session, task=task, until=vn(2025, 1, 1), tz=TZ) == 0


def test_a_schedule_with_no_period_left_is_refused(
    engine: Engine, factory: Factory, clock: ManualClock
) -> None:
    with pytest.raises(InvalidInput) as refused:
        recurring_task(engine, factory, clock, Recurrence("year", first_year=2020, last_year=2022))
    assert refused.value.key == "recurrence_no_periods"
