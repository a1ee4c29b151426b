"""Reminder policy: exact planned datetimes for tasks, meetings, and the downtime rules.

Holiday facts (from the ``holidays`` package): Tết 2024 = Thu 8 – Wed 14 Feb;
National Day 2024 = Mon 2 + Tue 3 Sep. Default reminder hour is 08:30 local (01:30 UTC).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from schedules.calendar import WorkingCalendar
from schedules.policy import (
    PlannedReminder,
    ReminderPolicy,
    classify_due,
    plan_meeting_reminders,
    plan_task_reminders,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = ReminderPolicy()
CAL = WorkingCalendar()
NOW = datetime(2024, 1, 1, tzinfo=UTC)  # irrelevant for deadline tasks

Row = tuple[str, str, datetime]


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN)


def rows(reminders: list[PlannedReminder], *kinds: str) -> list[Row]:
    return [(r.kind, r.offset, r.due_at) for r in reminders if not kinds or r.kind in kinds]


def plan(deadline: datetime | None, **kwargs: Any) -> list[PlannedReminder]:
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("policy", POLICY)
    kwargs.setdefault("calendar", CAL)
    return plan_task_reminders(deadline=deadline, **kwargs)


# -- before / on the day ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        pytest.param(
            vn(2024, 8, 30, 17),
            [
                ("task_before", "-14d", vn(2024, 8, 16, 8, 30)),
                ("task_before", "-7d", vn(2024, 8, 23, 8, 30)),
                ("task_before", "-3d", vn(2024, 8, 27, 8, 30)),
                ("task_before", "-1d", vn(2024, 8, 29, 8, 30)),
                ("task_due", "0d", vn(2024, 8, 30, 8, 30)),
            ],
            id="friday-before-national-day-weekend",
        ),
        pytest.param(
            # -1d (Tue 3 Sep, holiday) and -3d (Sun 1 Sep) both fall back to Fri 30 Aug;
            # only the one closer to the deadline survives.
            vn(2024, 9, 4, 17),
            [
                ("task_before", "-14d", vn(2024, 8, 21, 8, 30)),
                ("task_before", "-7d", vn(2024, 8, 28, 8, 30)),
                ("task_before", "-1d", vn(2024, 8, 30, 8, 30)),
                ("task_due", "0d", vn(2024, 9, 4, 8, 30)),
            ],
            id="first-day-after-national-day",
        ),
        pytest.param(
            # On-the-day goes to the last working day before the Sunday; -1d (Saturday)
            # collapses onto it and the on-the-day reminder wins.
            vn(2024, 9, 1, 17),
            [
                ("task_before", "-14d", vn(2024, 8, 16, 8, 30)),
                ("task_before", "-7d", vn(2024, 8, 23, 8, 30)),
                ("task_before", "-3d", vn(2024, 8, 29, 8, 30)),
                ("task_due", "0d", vn(2024, 8, 30, 8, 30)),
            ],
            id="deadline-on-sunday",
        ),
        pytest.param(
            # On the day (Mon 2 Sep, holiday), -1d (Sunday) and -3d (Fri 30 Aug itself)
            # all land on Friday 30 Aug: one reminder, the on-the-day one.
            vn(2024, 9, 2, 17),
            [
                ("task_before", "-14d", vn(2024, 8, 19, 8, 30)),
                ("task_before", "-7d", vn(2024, 8, 26, 8, 30)),
                ("task_due", "0d", vn(2024, 8, 30, 8, 30)),
            ],
            id="deadline-on-national-day",
        ),
        pytest.param(
            # -1d (14 Feb), -3d (12 Feb) and -7d (8 Feb) are all Tết: all fall back to
            # Wed 7 Feb, kept once as -1d.
            vn(2024, 2, 15, 17),
            [
                ("task_before", "-14d", vn(2024, 2, 1, 8, 30)),
                ("task_before", "-1d", vn(2024, 2, 7, 8, 30)),
                ("task_due", "0d", vn(2024, 2, 15, 8, 30)),
            ],
            id="first-day-after-tet",
        ),
        pytest.param(
            # 08:00 deadline: 08:30 on the day would be too late, so "on the day" moves to
            # the previous working day and swallows -1d.
            vn(2024, 8, 29, 8, 0),
            [
                ("task_before", "-14d", vn(2024, 8, 15, 8, 30)),
                ("task_before", "-7d", vn(2024, 8, 22, 8, 30)),
                ("task_before", "-3d", vn(2024, 8, 26, 8, 30)),
                ("task_due", "0d", vn(2024, 8, 28, 8, 30)),
            ],
            id="deadline-before-reminder-hour",
        ),
        pytest.param(
            # 16:30 UTC is 23:30 local: still Friday in Hà Nội.
            datetime(2024, 8, 30, 16, 30, tzinfo=UTC),
            [
                ("task_before", "-14d", vn(2024, 8, 16, 8, 30)),
                ("task_before", "-7d", vn(2024, 8, 23, 8, 30)),
                ("task_before", "-3d", vn(2024, 8, 27, 8, 30)),
                ("task_before", "-1d", vn(2024, 8, 29, 8, 30)),
                ("task_due", "0d", vn(2024, 8, 30, 8, 30)),
            ],
            id="utc-deadline-friday-local",
        ),
        pytest.param(
            # 20:00 UTC Friday is 03:00 Saturday local: the deadline DAY is Saturday.
            datetime(2024, 8, 30, 20, 0, tzinfo=UTC),
            [
                ("task_before", "-14d", vn(2024, 8, 16, 8, 30)),
                ("task_before", "-7d", vn(2024, 8, 23, 8, 30)),
                ("task_before", "-3d", vn(2024, 8, 28, 8, 30)),
                ("task_due", "0d", vn(2024, 8, 30, 8, 30)),
            ],
            id="utc-deadline-saturday-local",
        ),
    ],
)
def test_before_and_on_day(deadline: datetime, expected: list[Row]) -> None:
    result = plan(deadline)
    assert rows(result, "task_before", "task_due") == expected
    assert all(r.due_at.tzinfo is UTC for r in result)
    assert all(r.due_at <= deadline for r in result if r.kind in ("task_before", "task_due"))
    assert {r.audience for r in result if r.kind != "task_escalation"} == {"focal_points"}


def test_reminder_hour_is_configurable_and_pushed_into_working_hours() -> None:
    early = replace(POLICY, reminder_hour=time(6, 0), task_days_before=(1,))
    result = plan(vn(2024, 9, 4, 17), policy=early)
    assert rows(result, "task_before", "task_due") == [
        ("task_before", "-1d", vn(2024, 8, 30, 8, 0)),
        ("task_due", "0d", vn(2024, 9, 4, 8, 0)),
    ]
    assert rows(result, "task_overdue")[0] == ("task_overdue", "+1", vn(2024, 9, 5, 8, 0))


def test_on_day_reminder_can_be_switched_off() -> None:
    result = plan(vn(2024, 9, 1, 17), policy=replace(POLICY, task_on_day=False))
    # Without the on-the-day reminder, -1d (Saturday) now keeps Friday for itself.
    assert rows(result, "task_before", "task_due")[-2:] == [
        ("task_before", "-3d", vn(2024, 8, 29, 8, 30)),
        ("task_before", "-1d", vn(2024, 8, 30, 8, 30)),
    ]


def test_created_at_drops_reminders_before_the_task_existed() -> None:
    result = plan(vn(2024, 8, 30, 17), created_at=vn(2024, 8, 27, 10))
    assert rows(result, "task_before", "task_due") == [
        ("task_before", "-1d", vn(2024, 8, 29, 8, 30)),
        ("task_due", "0d", vn(2024, 8, 30, 8, 30)),
    ]
    assert len(rows(result, "task_overdue")) == POLICY.overdue_max_reminders


# -- overdue, escalation, cap ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        pytest.param(
            vn(2024, 8, 30, 17),
            [vn(2024, 9, 4, 8, 30), vn(2024, 9, 9, 8, 30), vn(2024, 9, 12, 8, 30)],
            id="skips-national-day-and-weekends",
        ),
        pytest.param(
            vn(2024, 2, 5, 17),
            [vn(2024, 2, 6, 8, 30), vn(2024, 2, 16, 8, 30), vn(2024, 2, 21, 8, 30)],
            id="skips-tet",
        ),
        pytest.param(
            vn(2024, 9, 1, 17),
            [vn(2024, 9, 4, 8, 30), vn(2024, 9, 9, 8, 30), vn(2024, 9, 12, 8, 30)],
            id="deadline-on-sunday",
        ),
        pytest.param(
            datetime(2024, 9, 5, 20, 0, tzinfo=UTC),  # Fri 6 Sep 03:00 local
            [vn(2024, 9, 9, 8, 30), vn(2024, 9, 12, 8, 30), vn(2024, 9, 17, 8, 30)],
            id="utc-deadline-local-day-decides",
        ),
    ],
)
def test_overdue_series(deadline: datetime, expected: list[datetime]) -> None:
    overdue = rows(plan(deadline), "task_overdue")
    assert overdue[:3] == [("task_overdue", f"+{i}", at) for i, at in enumerate(expected, 1)]


def test_overdue_interval_is_configurable() -> None:
    daily = replace(POLICY, overdue_every_working_days=1, overdue_max_reminders=3)
    assert [at for _, _, at in rows(plan(vn(2024, 8, 30, 17), policy=daily), "task_overdue")] == [
        vn(2024, 9, 4, 8, 30),
        vn(2024, 9, 5, 8, 30),
        vn(2024, 9, 6, 8, 30),
    ]


@pytest.mark.parametrize(
    ("escalate_after", "escalated"),
    [
        pytest.param(2, ["+2", "+3", "+4"], id="default-from-second"),
        pytest.param(1, ["+1", "+2", "+3", "+4"], id="from-first"),
        pytest.param(4, ["+4"], id="from-fourth"),
        pytest.param(0, [], id="disabled"),
    ],
)
def test_escalation(escalate_after: int, escalated: list[str]) -> None:
    policy = replace(POLICY, escalate_after_overdue=escalate_after, overdue_max_reminders=4)
    result = plan(vn(2024, 8, 30, 17), policy=policy)
    escalations = [r for r in result if r.kind == "task_escalation"]
    assert [r.offset for r in escalations] == escalated
    assert {r.audience for r in escalations} <= {"secretariat"}
    overdue_at = {r.offset: r.due_at for r in result if r.kind == "task_overdue"}
    assert all(r.due_at == overdue_at[r.offset] for r in escalations)


def test_escalation_follows_its_overdue_reminder_in_order() -> None:
    result = plan(vn(2024, 8, 30, 17))
    tail = [(r.kind, r.offset, r.audience) for r in result if r.offset in ("+1", "+2")]
    assert tail == [
        ("task_overdue", "+1", "focal_points"),
        ("task_overdue", "+2", "focal_points"),
        ("task_escalation", "+2", "secretariat"),
    ]


@pytest.mark.parametrize(
    ("cap", "last"),
    [
        pytest.param(10, ("task_overdue", "+10", vn(2024, 10, 11, 8, 30)), id="default-10"),
        pytest.param(1, ("task_overdue", "+1", vn(2024, 9, 4, 8, 30)), id="one"),
        pytest.param(0, None, id="none"),
    ],
)
def test_overdue_cap(cap: int, last: Row | None) -> None:
    result = plan(vn(2024, 8, 30, 17), policy=replace(POLICY, overdue_max_reminders=cap))
    overdue = rows(result, "task_overdue")
    assert len(overdue) == cap
    assert (overdue[-1] if overdue else None) == last
    assert len(rows(result, "task_escalation")) == max(0, cap - 1)


def test_plan_does_not_depend_on_now_for_deadline_tasks() -> None:
    deadline = vn(2024, 8, 30, 17)
    before = plan(deadline, now=vn(2024, 8, 1))
    long_after = plan(deadline, now=vn(2025, 6, 1))
    assert before == long_after
    assert len(before) == 5 + 10 + 9


def test_plan_is_sorted_by_due_time() -> None:
    result = plan(vn(2024, 2, 15, 17))
    assert [r.due_at for r in result] == sorted(r.due_at for r in result)


@pytest.mark.parametrize(
    "deadline",
    [pytest.param(vn(2024, 8, 30, 17), id="with-deadline"), pytest.param(None, id="no-deadline")],
)
def test_done_task_gets_nothing(deadline: datetime | None) -> None:
    assert plan(deadline, done=True, last_activity=vn(2023, 1, 1)) == []


# -- tasks without a deadline ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_activity", "now", "expected"),
    [
        pytest.param(
            vn(2024, 3, 4, 10),
            vn(2024, 3, 10),
            [("task_nudge", "nudge-2024-04", vn(2024, 4, 3, 10))],
            id="future-nudge-in-working-hours",
        ),
        pytest.param(
            # 10 Jan + 30 days = Fri 9 Feb, Tết: pushed to Thu 15 Feb 08:00.
            vn(2024, 1, 10, 10),
            vn(2024, 1, 20),
            [("task_nudge", "nudge-2024-02", vn(2024, 2, 15, 8, 0))],
            id="nudge-pushed-over-tet",
        ),
        pytest.param(
            # The one that passed stays planned (it may still be sent late after downtime),
            # and the next one (10 Mar, a Sunday → Monday 08:00) is planned ahead of time.
            vn(2024, 1, 10, 10),
            vn(2024, 2, 20),
            [
                ("task_nudge", "nudge-2024-02", vn(2024, 2, 15, 8, 0)),
                ("task_nudge", "nudge-2024-03", vn(2024, 3, 11, 8, 0)),
            ],
            id="first-nudge-already-passed",
        ),
        pytest.param(
            # 65 days without news: the current nudge is the 2nd one, 10 Mar (Sunday)
            # pushed to Monday 08:00, and keyed by a new month so it is sent again.
            vn(2024, 1, 10, 10),
            vn(2024, 3, 15),
            [
                ("task_nudge", "nudge-2024-03", vn(2024, 3, 11, 8, 0)),
                ("task_nudge", "nudge-2024-04", vn(2024, 4, 9, 10, 0)),
            ],
            id="repeats-next-period",
        ),
        pytest.param(
            # 1 Jan (holiday) → 2 Jan, and 31 Jan: one month, so only the earlier one.
            vn(2023, 12, 2, 10),
            vn(2024, 1, 10),
            [("task_nudge", "nudge-2024-01", vn(2024, 1, 2, 8, 0))],
            id="at-most-one-per-month",
        ),
        pytest.param(
            vn(2024, 8, 3, 19),
            vn(2024, 8, 5),
            [("task_nudge", "nudge-2024-09", vn(2024, 9, 4, 8, 0))],
            id="evening-activity-lands-on-holiday",
        ),
    ],
)
def test_no_deadline_nudge(last_activity: datetime, now: datetime, expected: list[Row]) -> None:
    result = plan(None, now=now, last_activity=last_activity)
    assert rows(result) == expected
    assert {r.audience for r in result} == {"focal_points"}
    assert all(r.due_at.tzinfo is UTC for r in result)


@pytest.mark.parametrize(
    ("policy", "last_activity"),
    [
        pytest.param(POLICY, None, id="no-activity-known"),
        pytest.param(replace(POLICY, no_deadline_nudge_days=0), vn(2024, 1, 1), id="disabled"),
    ],
)
def test_no_nudge(policy: ReminderPolicy, last_activity: datetime | None) -> None:
    assert plan(None, now=vn(2024, 6, 1), policy=policy, last_activity=last_activity) == []


# -- meetings --------------------------------------------------------------------------------

MEETING = vn(2024, 9, 20, 9, 0)


@pytest.mark.parametrize(
    ("starts_at", "created_at", "policy", "expected"),
    [
        pytest.param(
            MEETING,
            vn(2024, 9, 1, 15),
            POLICY,
            [
                ("meeting_notice", "notice", vn(2024, 9, 1, 15)),
                ("meeting_before", "-7d", vn(2024, 9, 13, 9)),
                ("meeting_before", "-1d", vn(2024, 9, 19, 9)),
                ("meeting_before", "-2h", vn(2024, 9, 20, 7)),
            ],
            id="created-early",
        ),
        pytest.param(
            MEETING,
            vn(2024, 9, 18, 15),
            POLICY,
            [
                ("meeting_notice", "notice", vn(2024, 9, 18, 15)),
                ("meeting_before", "-1d", vn(2024, 9, 19, 9)),
                ("meeting_before", "-2h", vn(2024, 9, 20, 7)),
            ],
            id="created-late-skips-7d",
        ),
        pytest.param(
            MEETING,
            vn(2024, 9, 20, 8),
            POLICY,
            [("meeting_notice", "notice", vn(2024, 9, 20, 8))],
            id="created-an-hour-before",
        ),
        pytest.param(
            MEETING,
            vn(2024, 9, 19, 9),
            POLICY,
            [
                ("meeting_notice", "notice", vn(2024, 9, 19, 9)),
                ("meeting_before", "-2h", vn(2024, 9, 20, 7)),
            ],
            id="created-exactly-1d-before-no-duplicate",
        ),
        pytest.param(
            MEETING,
            vn(2024, 9, 19, 9),
            replace(POLICY, meeting_notice_on_create=False),
            [
                ("meeting_before", "-1d", vn(2024, 9, 19, 9)),
                ("meeting_before", "-2h", vn(2024, 9, 20, 7)),
            ],
            id="no-notice-keeps-1d-at-creation",
        ),
        pytest.param(
            None,
            vn(2024, 9, 1, 15),
            POLICY,
            [("meeting_notice", "notice", vn(2024, 9, 1, 15))],
            id="date-not-fixed",
        ),
        pytest.param(
            vn(2024, 9, 2, 8, 0),  # National Day, Monday 08:00
            vn(2024, 8, 1, 10),
            replace(POLICY, meeting_before=(timedelta(hours=36), timedelta(minutes=30))),
            [
                ("meeting_notice", "notice", vn(2024, 8, 1, 10)),
                ("meeting_before", "-36h", vn(2024, 8, 31, 20)),
                ("meeting_before", "-30m", vn(2024, 9, 2, 7, 30)),
            ],
            id="ignores-working-hours-custom-offsets",
        ),
    ],
)
def test_meeting_reminders(
    starts_at: datetime | None,
    created_at: datetime,
    policy: ReminderPolicy,
    expected: list[Row],
) -> None:
    result = plan_meeting_reminders(starts_at=starts_at, created_at=created_at, policy=policy)
    assert rows(result) == expected
    assert {r.audience for r in result} == {"council"}
    assert all(r.due_at.tzinfo is UTC for r in result)


# -- classify_due ------------------------------------------------------------------------------

DUE = datetime(2024, 9, 4, 1, 30, tzinfo=UTC)
TICK = timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("now", "status"),
    [
        pytest.param(DUE - timedelta(hours=1), "future", id="an-hour-early"),
        pytest.param(DUE - TICK, "future", id="just-before"),
        pytest.param(DUE, "due", id="exactly-on-time"),
        pytest.param(DUE + timedelta(minutes=5), "due", id="grace-boundary"),
        pytest.param(DUE + timedelta(minutes=5) + TICK, "late", id="just-past-grace"),
        pytest.param(DUE + timedelta(days=1), "late", id="a-day-of-downtime"),
        pytest.param(DUE + timedelta(days=3), "late", id="max-age-boundary"),
        pytest.param(DUE + timedelta(days=3) + TICK, "skip", id="just-past-max-age"),
        pytest.param(DUE + timedelta(days=30), "skip", id="a-month-down"),
        pytest.param(vn(2024, 9, 4, 8, 32), "due", id="local-now-vs-utc-due"),
    ],
)
def test_classify_due(now: datetime, status: str) -> None:
    assert classify_due(due_at=DUE, now=now, policy=POLICY) == status


def test_classify_due_rejects_naive() -> None:
    naive = datetime(2024, 9, 4, 1, 30)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="timezone-aware"):
        classify_due(due_at=naive, now=DUE, policy=POLICY)


# -- policy validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"task_days_before": (7, 0)}, id="zero-day-before"),
        pytest.param({"overdue_every_working_days": 0}, id="zero-interval"),
        pytest.param({"overdue_max_reminders": -1}, id="negative-cap"),
        pytest.param({"escalate_after_overdue": -1}, id="negative-escalation"),
        pytest.param({"meeting_before": (timedelta(0),)}, id="zero-meeting-offset"),
        pytest.param({"on_time_grace": timedelta(days=4)}, id="grace-over-max-age"),
        pytest.param({"reminder_hour": time(8, 30, tzinfo=UTC)}, id="aware-reminder-hour"),
    ],
)
def test_invalid_policy_is_rejected(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - message varies per case
        ReminderPolicy(**changes)


def test_defaults_match_the_spec() -> None:
    assert POLICY.task_days_before == (14, 7, 3, 1)
    assert POLICY.overdue_every_working_days == 3
    assert POLICY.escalate_after_overdue == 2
    assert POLICY.overdue_max_reminders == 10
    assert POLICY.no_deadline_nudge_days == 30
    assert POLICY.late_send_max_age == timedelta(days=3)
    assert POLICY.on_time_grace == timedelta(minutes=5)
    assert POLICY.reminder_hour == time(8, 30)
