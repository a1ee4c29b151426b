"""Reminder policy: *when* the bot should remind, as pure functions.

The planners return the FULL schedule (past and future) for one task or meeting. They
know nothing about what was already sent: the dispatcher stores each sent reminder under
a unique key built from ``(kind, offset)``, and uses :func:`classify_due` to decide what
to do with entries whose time has come (send, send marked late, or skip after downtime).
Being deterministic in their inputs is what makes that de-duplication safe: re-planning
the same task must produce the same keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from schedules.calendar import WorkingCalendar, require_aware

ReminderKind = Literal[
    "task_before",
    "task_due",
    "task_overdue",
    "task_escalation",
    "task_nudge",
    "meeting_notice",
    "meeting_before",
    "meeting_agenda",
]
Audience = Literal["focal_points", "secretariat", "council"]
DueStatus = Literal["future", "due", "late", "skip"]

# Same-instant reminders are listed in this order (e.g. the overdue reminder to the
# focal points before the matching escalation to the secretariat).
_KIND_ORDER: dict[str, int] = {
    kind: i
    for i, kind in enumerate(
        (
            "meeting_notice",
            "meeting_before",
            "task_before",
            "task_due",
            "task_overdue",
            "task_escalation",
            "task_nudge",
        )
    )
}


@dataclass(frozen=True)
class ReminderPolicy:
    """Tunable reminder rules (meant to be loaded from the council's TOML config).

    Because TOML has no null, "off" is spelled ``0`` for the integer knobs below.
    """

    # Calendar days before the deadline day on which to remind the focal points.
    task_days_before: tuple[int, ...] = (14, 7, 3, 1)
    task_on_day: bool = True
    overdue_every_working_days: int = 3
    # From the N-th overdue reminder on, the secretariat gets a copy (0 = never escalate).
    escalate_after_overdue: int = 2
    # Cap on overdue reminders: a task everybody forgot must not ping the agency for ever.
    # After the last one the task simply stays "overdue" in lists and digests; with the
    # defaults that is 10 reminders over ~27 working days (about six weeks). 0 = none.
    overdue_max_reminders: int = 10
    # Tasks without a deadline: nudge after this many days without an update (0 = never).
    no_deadline_nudge_days: int = 30
    meeting_before: tuple[timedelta, ...] = (
        timedelta(days=7),
        timedelta(days=1),
        timedelta(hours=2),
    )
    meeting_notice_on_create: bool = True
    # After downtime: at most this old → still sent, marked late; older → skipped.
    late_send_max_age: timedelta = timedelta(days=3)
    # Up to this old a reminder counts as on time (dispatcher ticks are not instant).
    on_time_grace: timedelta = timedelta(minutes=5)
    # Local time of day at which day-offset task reminders are planned.
    reminder_hour: time = time(8, 30)

    def __post_init__(self) -> None:
        if any(d <= 0 for d in self.task_days_before):
            raise ValueError("task_days_before must be positive (use task_on_day for day 0)")
        if self.overdue_every_working_days < 1:
            raise ValueError("overdue_every_working_days must be >= 1")
        for name in ("escalate_after_overdue", "overdue_max_reminders", "no_deadline_nudge_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0 (0 disables)")
        if any(delta <= timedelta(0) for delta in self.meeting_before):
            raise ValueError("meeting_before offsets must be positive")
        if not timedelta(0) <= self.on_time_grace <= self.late_send_max_age:
            raise ValueError("need 0 <= on_time_grace <= late_send_max_age")
        if self.reminder_hour.tzinfo is not None:
            raise ValueError("reminder_hour is a local wall-clock time; pass a naive time")


@dataclass(frozen=True)
class PlannedReminder:
    """One reminder the dispatcher should send at ``due_at`` (UTC).

    ``offset`` is a short stable label ("-7d", "0d", "+2", "-2h", "notice",
    "nudge-2024-03"); together with ``kind`` it forms the reminder's unique key.
    """

    kind: ReminderKind
    offset: str
    due_at: datetime
    audience: Audience


def _sorted(reminders: Iterable[PlannedReminder]) -> list[PlannedReminder]:
    return sorted(reminders, key=lambda r: (r.due_at, _KIND_ORDER[r.kind], r.offset))


# -- tasks --------------------------------------------------------------------------------


def plan_task_reminders(
    *,
    deadline: datetime | None,
    now: datetime,
    policy: ReminderPolicy,
    calendar: WorkingCalendar,
    last_activity: datetime | None = None,
    done: bool = False,
    created_at: datetime | None = None,
) -> list[PlannedReminder]:
    """The full reminder schedule of one task, sorted by ``due_at``.

    ``created_at`` (optional) drops "before"/"on the day" reminders that were due before
    the task existed, so a task created 2 days before its deadline does not get a "late"
    14-days-before reminder. Overdue reminders do not depend on ``now``: they are fixed
    by the deadline and the cap.
    """
    require_aware(now, "now")
    if done:
        return []
    if deadline is None:
        return _plan_nudge(now=now, policy=policy, calendar=calendar, last_activity=last_activity)
    require_aware(deadline, "deadline")
    ahead = _plan_before(deadline=deadline, policy=policy, calendar=calendar)
    if created_at is not None:
        require_aware(created_at, "created_at")
        ahead = [r for r in ahead if r.due_at >= created_at]
    return _sorted([*ahead, *_plan_overdue(deadline=deadline, policy=policy, calendar=calendar)])


def _slot_not_after(
    day: date, deadline: datetime, policy: ReminderPolicy, calendar: WorkingCalendar
) -> datetime:
    """Reminder slot for calendar ``day``, moved EARLIER (never later) past the deadline.

    A reminder that lands on a weekend/holiday, or after the deadline itself, goes to the
    previous working day: "due Monday" is useless if it arrives on Monday at 08:30 for a
    08:00 deadline, or after a four-day Tết break.
    """
    if not calendar.is_working_day(day):
        day = calendar.previous_working_day(day)
    slot = calendar.next_working_slot(calendar.at_local(day, policy.reminder_hour))
    while slot > deadline:
        day = calendar.previous_working_day(day)
        slot = calendar.next_working_slot(calendar.at_local(day, policy.reminder_hour))
    return slot


def _plan_before(
    *, deadline: datetime, policy: ReminderPolicy, calendar: WorkingCalendar
) -> list[PlannedReminder]:
    deadline_day = calendar.local_date(deadline)
    offsets = sorted(set(policy.task_days_before))
    if policy.task_on_day:
        offsets.insert(0, 0)
    planned: list[PlannedReminder] = []
    taken: set[datetime] = set()
    # Closest to the deadline first, so when two offsets collapse onto the same slot
    # (e.g. -1d and -3d both on the Friday before a long weekend) the closer one wins.
    for days in offsets:
        slot = _slot_not_after(deadline_day - timedelta(days=days), deadline, policy, calendar)
        if slot in taken:
            continue
        taken.add(slot)
        kind: ReminderKind = "task_due" if days == 0 else "task_before"
        planned.append(PlannedReminder(kind, f"-{days}d" if days else "0d", slot, "focal_points"))
    return planned


def _plan_overdue(
    *, deadline: datetime, policy: ReminderPolicy, calendar: WorkingCalendar
) -> list[PlannedReminder]:
    if policy.overdue_max_reminders == 0:
        return []
    first_day = calendar.next_working_day(calendar.local_date(deadline))
    due = calendar.next_working_slot(calendar.at_local(first_day, policy.reminder_hour))
    planned: list[PlannedReminder] = []
    for number in range(1, policy.overdue_max_reminders + 1):
        if number > 1:
            due = calendar.add_working_days(due, policy.overdue_every_working_days)
        label = f"+{number}"
        planned.append(PlannedReminder("task_overdue", label, due, "focal_points"))
        if 0 < policy.escalate_after_overdue <= number:
            planned.append(PlannedReminder("task_escalation", label, due, "secretariat"))
    return planned


def _plan_nudge(
    *,
    now: datetime,
    policy: ReminderPolicy,
    calendar: WorkingCalendar,
    last_activity: datetime | None,
) -> list[PlannedReminder]:
    """The current and the next nudge of a task without a deadline.

    Nudge points are ``last_activity + k * period`` (k >= 1). We plan the latest one not
    after ``now`` (if any) and the first one after it, so the next nudge is always stored
    ahead of time and sent on time, while one that fell due during downtime is still
    there to be sent late. A task nobody touches is nudged again each period, and any
    update moves the series. The offset is keyed by the month of the nudge, so two nudges
    can never share a month ("at most monthly"): when both points fall in one month only
    the earlier is planned, and if an update moves the next nudge into a month that
    already had one, its key is already marked sent and the dispatcher drops it.
    """
    if last_activity is None or policy.no_deadline_nudge_days == 0:
        return []
    require_aware(last_activity, "last_activity")
    period = timedelta(days=policy.no_deadline_nudge_days)
    periods_elapsed = max(0, (now - last_activity) // period)
    points = [last_activity + (periods_elapsed + 1) * period]
    if periods_elapsed >= 1:
        points.insert(0, last_activity + periods_elapsed * period)
    planned: dict[str, PlannedReminder] = {}
    for raw in points:
        due = calendar.next_working_slot(raw)
        offset = f"nudge-{calendar.local(due).strftime('%Y-%m')}"
        planned.setdefault(offset, PlannedReminder("task_nudge", offset, due, "focal_points"))
    return list(planned.values())


# -- meetings -----------------------------------------------------------------------------


def _delta_label(delta: timedelta) -> str:
    """Stable short label for a "before" offset: -7d, -2h, -30m, -90s."""
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"-{seconds // size}{unit}"
    return f"-{seconds}s"


def plan_meeting_reminders(
    *, starts_at: datetime | None, created_at: datetime, policy: ReminderPolicy
) -> list[PlannedReminder]:
    """Notice at creation, then ``meeting_before`` offsets before the start, sorted.

    Meeting reminders ignore working hours (meetings are often early or on weekends).
    A "before" reminder that would fall before the meeting was created is dropped, and
    one landing exactly on the creation notice is dropped too (the notice says it all).
    Without ``starts_at`` (only a period is known) only the notice is planned.
    """
    created = require_aware(created_at, "created_at").astimezone(UTC)
    planned: list[PlannedReminder] = []
    if policy.meeting_notice_on_create:
        planned.append(PlannedReminder("meeting_notice", "notice", created, "council"))
    if starts_at is None:
        return planned
    start = require_aware(starts_at, "starts_at").astimezone(UTC)
    taken = {r.due_at for r in planned}
    for delta in sorted(set(policy.meeting_before)):  # closest to the meeting first
        due = start - delta
        if due < created or due in taken:
            continue
        taken.add(due)
        planned.append(PlannedReminder("meeting_before", _delta_label(delta), due, "council"))
    return _sorted(planned)


# -- dispatch -----------------------------------------------------------------------------


def classify_due(*, due_at: datetime, now: datetime, policy: ReminderPolicy) -> DueStatus:
    """What the dispatcher should do with a reminder planned for ``due_at``.

    "future": not yet; "due": send normally (at most ``on_time_grace`` late);
    "late": send, marked late (up to ``late_send_max_age`` late, e.g. after downtime);
    "skip": too old to be useful. Boundaries are inclusive on the lenient side.
    """
    age = require_aware(now, "now") - require_aware(due_at, "due_at")
    if age < timedelta(0):
        return "future"
    if age <= policy.on_time_grace:
        return "due"
    if age <= policy.late_send_max_age:
        return "late"
    return "skip"
