"""The national dataset's recurring tasks: 10 % of the tasks carry a schedule, with their periods.

A directive's duty "hằng tháng, trước ngày 25" is one task and one ``task_occurrence`` row per
period (``db.recurring``). The dataset holds them as the bot leaves them: a task made recurring
has its periods written from the first one whose deadline was not over when it was created up to
the reminder planning horizon (what ``db.recurring.ensure_periods`` writes at re-planning), the
task's deadline fields mirror its current period (the earliest not done), and its reminders are
each open period's, anchored on that period (``schedules.reminders._plan_periods``), so a
restart's re-planning finds nothing to change.

Past periods were mostly kept (80 % on time, 12 % late), some are overdue or await confirmation;
a few open ones were extended. Every choice comes from its own seeded generator, so the rest of
the dataset is drawn as before, and the build stays deterministic.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from schedules.policy import PlannedReminder, plan_task_reminders
from schedules.recurrence import (
    Occurrence,
    Recurrence,
    next_deadlines,
    occurrences,
    parse_recurrence,
)
from schedules.reminders import ReminderConfig

SHARE = 0.10
SEED = 20231117
# (share, how directives write it, the schedule read from it)
SCHEDULES: tuple[tuple[float, str, Recurrence], ...] = (
    (0.4, "hằng tháng, trước ngày 25", Recurrence("month", day=25)),
    (0.4, "hằng quý, trước ngày 20 của tháng cuối quý", Recurrence("quarter", day=20, month=3)),
    (0.2, "hằng năm, trước ngày 15 tháng 12", Recurrence("year", day=15, month=12)),
)
# The tasks' own categories that may become recurring (those with a deadline, not closed early).
ELIGIBLE = ("on_time", "due_soon", "overdue", "done", "reported")


def make_recurring(
    tasks: list[Any], rows: dict[str, list[dict[str, Any]]], now: datetime, config: ReminderConfig
) -> set[int]:
    """Turn SHARE of ``tasks`` (``bench.dataset._Task``) into recurring tasks, writing their
    periods into ``rows["task_occurrence"]``; returns their ids."""
    rng = random.Random(SEED)
    for _share, text, schedule in SCHEDULES:
        assert parse_recurrence(text) == schedule, text
    eligible = [task for task in tasks if task.category in ELIGIBLE]
    chosen = sorted(rng.sample(eligible, round(SHARE * len(tasks))), key=lambda t: t.row["id"])
    periods = rows["task_occurrence"]
    for task in chosen:
        text, schedule = _pick(rng)
        row = task.row
        created: datetime = row["created_at"]
        found = occurrences(
            schedule, start=created, end=now + config.planning_horizon, tz=config.timezone
        )
        found = found or next_deadlines(schedule, after=created, count=1, tz=config.timezone)
        written = [_period(rng, row["id"], occ, created, now) for occ in found]
        for period in written:
            period["id"] = len(periods) + 1
            periods.append(period)
        current = next(p for p in written if p["state"] not in ("done", "cancelled"))
        in_force = current["approved_deadline"]
        row.update(
            recurrence=schedule.to_json(),
            due_text=text,
            due_start=in_force,
            due_end=in_force,
            due_precision="day",
            original_deadline=current["original_deadline"],
            approved_deadline=in_force,
            state="open",
            percent=None,
            completion_reported_at=current["completion_reported_at"],
            completed_at=None,
        )
        task.category = "recurring"
        task.periods = written
    return {task.row["id"] for task in chosen}


def _pick(rng: random.Random) -> tuple[str, Recurrence]:
    roll = rng.random()
    for share, text, schedule in SCHEDULES:
        if roll < share:
            return text, schedule
        roll -= share
    return SCHEDULES[-1][1:]


def _period(
    rng: random.Random, task_id: int, occ: Occurrence, created: datetime, now: datetime
) -> dict[str, Any]:
    due = occ.due.astimezone(UTC)
    row: dict[str, Any] = {
        "task_id": task_id,
        "kind": occ.kind,
        "period_start": occ.period_start,
        "period_end": occ.period_end,
        "original_deadline": due,
        "approved_deadline": due,
        "state": "open",
        "completion_reported_at": None,
        "completed_at": None,
        "created_at": created,
        "updated_at": created,
    }
    roll = rng.random()
    if due < now:
        if roll < 0.92:  # kept: on time (80 %) or late (12 %)
            offset = -rng.randint(1, 5) if roll < 0.8 else rng.randint(1, 10)
            reported = min(max(due + timedelta(days=offset), created), now - timedelta(hours=3))
            row.update(
                state="done",
                completion_reported_at=reported,
                completed_at=min(reported + timedelta(days=rng.randint(0, 2)), now),
                updated_at=now - timedelta(hours=2),
            )
        elif roll < 0.95 and due > now - timedelta(days=20):
            row.update(state="reported_done", completion_reported_at=now - timedelta(days=1))
    elif roll < 0.05:
        row["approved_deadline"] = due + timedelta(days=15)  # an extension of this period
    return row


def plan_periods(
    periods: list[dict[str, Any]], created: datetime, now: datetime, config: ReminderConfig
) -> list[tuple[PlannedReminder, str]]:
    """Each open period's reminders, anchored on its deadline: ``_plan_periods``'s (reminder,
    offset) pairs."""
    plan: list[tuple[PlannedReminder, str]] = []
    for period in periods:
        if period["state"] != "open":
            continue
        deadline = period["approved_deadline"] or period["original_deadline"]
        anchor = f"@{config.calendar.local(deadline):%Y%m%d}"
        for planned in plan_task_reminders(
            deadline=deadline,
            now=now,
            policy=config.policy,
            calendar=config.calendar,
            created_at=created,
        ):
            anchored = replace(planned, offset=f"{planned.offset}{anchor}")
            plan.append((anchored, anchored.offset))
    return sorted(plan, key=lambda pair: pair[0].due_at)
