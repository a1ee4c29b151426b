"""Reminder planning: the outbox rows the dispatcher sends, kept in step with tasks and meetings.

The database is the source of truth for reminders; APScheduler only wakes the dispatcher. Each
reminder is one ``Reminder`` row with a unique key ``target:id:kind:offset:m<member>``, so the
same reminder can never be stored (or sent) twice. :func:`replan_task` and
:func:`replan_meeting` are called in the caller's session, i.e. in the same transaction as the
change to the task or meeting, and bring its rows in line with :mod:`schedules.policy`:

* a planned reminder without a row gets a PENDING row (see "catching up" below);
* a PENDING row whose time moved is moved; a CANCELLED one that is planned again is revived;
* a PENDING row that is no longer planned (task done or cancelled, meeting cancelled, recipient
  lost the role) is CANCELLED;
* SENT, FAILED, SKIPPED and in-flight (SENDING) rows are never touched: re-planning never
  re-sends.

Offsets are anchored on what they count from: "-7d@20231130" is "7 days before the deadline of
30/11/2023" and "-2h@202311301400" "2 hours before the meeting at 14:00 on 30/11/2023". When a
deadline is extended or a meeting moved, the reminders for the new date get new keys and are
sent, while the ones already sent for the old date stay recorded.

Catching up: a planned reminder whose time has already passed when it is first planned (a task
imported with a deadline long gone, a focal point appointed late) is not a missed reminder, it
is history. Only the most recent such reminder of the target (e.g. the latest overdue reminder
with its escalation) is created, and only if it is at most ``late_send_max_age`` old; it is then
sent at once, marked late. "Before the deadline" reminders whose time passed are superseded by
the next one and never created. Reminders that were planned in time and missed because the bot
was down are a different case: their rows exist, and the dispatcher sends them late or skips
them (:func:`schedules.policy.classify_due`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from db.audit import record
from db.errors import Conflict, Forbidden, NotFound
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
    TaskCouncil,
    TaskOccurrence,
    TaskState,
    UpdateKind,
)
from db.permissions import Actor
from db.recurring import ensure_periods, periods_of
from db.status import DEFAULT_DUE_SOON_DAYS, deadline_in_force
from schedules.calendar import WorkingCalendar
from schedules.policy import (
    PlannedReminder,
    ReminderPolicy,
    plan_meeting_reminders,
    plan_task_reminders,
)

TARGET_TASK = "task"
TARGET_MEETING = "meeting"
TARGET_DIGEST = "digest"
KIND_DIGEST = "weekly_digest"
# The kinds this module plans. Other rows in the outbox (e.g. the notices of db/notices.py about
# a task) share the dispatcher but are never re-planned, cancelled or snoozed here.
TASK_KINDS = frozenset({"task_before", "task_due", "task_overdue", "task_escalation", "task_nudge"})
MEETING_KINDS = frozenset({"meeting_notice", "meeting_before", "meeting_agenda"})
# The secretariat and the chair get the agenda's tasks and their status with this reminder.
AGENDA_WITH_OFFSET = "-1d"
LEADER_ROLES = (Role.SECRETARIAT, Role.CHAIR)
PLANNED_KINDS = TASK_KINDS | MEETING_KINDS
# Sent only in working hours (meeting reminders and notices go out at any hour).
WORKING_HOURS_KINDS = TASK_KINDS | {KIND_DIGEST}

# Task states in which nobody is reminded: finished, or reported finished and awaiting the
# secretariat's confirmation (reminding the agency then would only annoy it).
CLOSED_TASK_STATES = frozenset({TaskState.DONE, TaskState.CANCELLED, TaskState.REPORTED_DONE})
# Past reminders of these kinds are still news when first planned (see "catching up").
_CATCH_UP_KINDS = frozenset(
    {"task_overdue", "task_escalation", "task_nudge", "meeting_notice", "meeting_before"}
)
SNOOZE_MARK = ":snooze"
KEY_LIMIT = 160
_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class ReminderConfig:
    """Everything reminders need from the settings (built by ``bot.reminder_config``)."""

    policy: ReminderPolicy = field(default_factory=ReminderPolicy)
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    # Telegram user ids of the configured admins: they get escalations too.
    admins: frozenset[int] = frozenset()
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS
    # Delivery.
    tick: timedelta = timedelta(seconds=60)
    max_attempts: int = 5
    backoff: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(hours=1)
    stale_claim_after: timedelta = timedelta(minutes=5)
    batch_size: int = 50
    # Weekly digest: Python weekday (Monday = 0) and local time.
    digest_weekday: int = 0
    digest_time: time = time(8, 0)
    # Planned reminders are stored once they fall due within this horizon; the nightly and
    # start-up re-planning bring later ones in as it slides. Storing a task's whole future
    # (nine escalations to every secretary, months ahead) made a 5,000-task import write
    # 574,000 rows. Longer than /reminders looks ahead (handlers/reminders.py MAX_DAYS).
    planning_horizon: timedelta = timedelta(days=62)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        if self.backoff <= timedelta(0) or self.backoff_max < self.backoff:
            raise ValueError("need 0 < backoff <= backoff_max")
        if self.batch_size < 1:
            raise ValueError("batch_size must be >= 1")

    @property
    def timezone(self) -> str:
        return self.calendar.tz.key

    def backoff_after(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed attempt: doubling, capped."""
        return min(self.backoff * 2 ** max(0, attempts - 1), self.backoff_max)


def reminder_key(target_kind: str, target_id: int, kind: str, offset: str, member_id: int) -> str:
    key = f"{target_kind}:{target_id}:{kind}:{offset}:m{member_id}"
    if len(key) > KEY_LIMIT:
        raise ValueError(f"reminder key over {KEY_LIMIT} characters: {key!r}")
    return key


def is_snooze(key: str) -> bool:
    return SNOOZE_MARK in key


@dataclass(frozen=True)
class _Wanted:
    key: str
    planned: PlannedReminder
    offset: str
    member_id: int
    chat_id: int


# --- public services ------------------------------------------------------------------------


def replan_task(*, session: Session, task_id: int, now: datetime, config: ReminderConfig) -> None:
    """Bring the task's reminder rows in line with its current state (same transaction)."""
    _replan_tasks(session, [task_id], now, config)


def report_moves_reminders(*, task: Task, kind: str) -> bool:
    """Whether an agency's report changes the task's reminders. A progress report on a task
    with a deadline does not (the plan follows the deadline and the state; only the nudges of a
    task without one follow its last activity): its update skips the re-planning, seven
    statements (issue 16)."""
    return kind != UpdateKind.PROGRESS or deadline_in_force(task) is None


def replan_meeting(
    *, session: Session, meeting_id: int, now: datetime, config: ReminderConfig
) -> None:
    """Bring the meeting's reminder rows in line with its current state (same transaction)."""
    _replan_meetings(session, [meeting_id], now, config)


def replan_directive(
    *, session: Session, directive_id: int, now: datetime, config: ReminderConfig
) -> None:
    """Re-plan every task and meeting of a directive (after an import), in chunks."""
    task_ids = [
        i for i in session.exec(select(Task.id).where(Task.directive_id == directive_id)) if i
    ]
    meeting_ids = [
        i for i in session.exec(select(Meeting.id).where(Meeting.directive_id == directive_id)) if i
    ]
    for chunk in _chunks(task_ids):
        _replan_tasks(session, chunk, now, config)
    for chunk in _chunks(meeting_ids):
        _replan_meetings(session, chunk, now, config)


def replan_council(
    *, session: Session, council_id: int, now: datetime, config: ReminderConfig
) -> None:
    """Re-plan the open tasks and planned meetings of one council (after a role changed)."""
    task_ids = [
        i
        for i in session.exec(
            select(Task.id)
            .join(TaskCouncil, col(TaskCouncil.task_id) == col(Task.id))
            .where(
                TaskCouncil.council_id == council_id,
                col(Task.state).not_in(list(CLOSED_TASK_STATES)),
            )
        )
        if i
    ]
    meeting_ids = [
        i
        for i in session.exec(
            select(Meeting.id).where(
                Meeting.council_id == council_id, Meeting.state == MeetingState.PLANNED
            )
        )
        if i
    ]
    for chunk in _chunks(task_ids):
        _replan_tasks(session, chunk, now, config)
    for chunk in _chunks(meeting_ids):
        _replan_meetings(session, chunk, now, config)


def replan_all(*, session: Session, now: datetime, config: ReminderConfig) -> None:
    """Re-plan every open task and planned meeting, and close rows of finished ones.

    For start-up and the nightly job: picks up role changes, calendar changes and the next
    nudge of tasks without a deadline. Works in chunks, a few queries per chunk.
    """
    open_tasks = session.exec(
        select(Task.id).where(col(Task.state).not_in(list(CLOSED_TASK_STATES)))
    ).all()
    planned_meetings = session.exec(
        select(Meeting.id).where(Meeting.state == MeetingState.PLANNED)
    ).all()
    with_pending: dict[str, set[int]] = defaultdict(set)
    for kind, target_id in session.exec(
        select(Reminder.target_kind, Reminder.target_id)
        .where(
            Reminder.state == OutboxState.PENDING,
            col(Reminder.target_kind).in_([TARGET_TASK, TARGET_MEETING]),
            col(Reminder.kind).in_(PLANNED_KINDS),
        )
        .distinct()
    ):
        if target_id is not None:
            with_pending[kind].add(target_id)
    task_ids = sorted({i for i in open_tasks if i is not None} | with_pending[TARGET_TASK])
    meeting_ids = sorted(
        {i for i in planned_meetings if i is not None} | with_pending[TARGET_MEETING]
    )
    for chunk in _chunks(task_ids):
        _replan_tasks(session, chunk, now, config)
    for chunk in _chunks(meeting_ids):
        _replan_meetings(session, chunk, now, config)


def snooze_reminder(
    *, session: Session, actor: Actor, reminder_id: int, now: datetime, config: ReminderConfig
) -> datetime:
    """ "Remind me later": the same reminder again one working day from now; returns when.

    Only the reminder's recipient may snooze it. Pressing the button twice does not make two
    snoozes: while one is pending, its time is returned.
    """
    row = session.get(Reminder, reminder_id)
    if row is None or row.kind not in PLANNED_KINDS:
        raise NotFound("reminder_not_found")
    if actor.member_id is None or row.recipient_id != actor.member_id:
        raise Forbidden("reminder_not_yours")
    assert row.target_id is not None
    if _target_closed(session, row.target_kind, row.target_id, now):
        raise Conflict("reminder_snooze_closed")
    base = row.key.split(SNOOZE_MARK, 1)[0]
    siblings = session.exec(
        select(Reminder).where(
            Reminder.target_kind == row.target_kind,
            Reminder.target_id == row.target_id,
            Reminder.recipient_id == row.recipient_id,
            Reminder.kind == row.kind,
            Reminder.offset == row.offset,
        )
    ).all()
    snoozes = [r for r in siblings if r.key.startswith(base + SNOOZE_MARK)]
    for snoozed in snoozes:
        if snoozed.state in (OutboxState.PENDING, OutboxState.SENDING):
            return snoozed.due_at
    due = config.calendar.add_working_days(now, 1)
    if row.target_kind == TARGET_MEETING:
        meeting = session.get(Meeting, row.target_id)
        if meeting is not None and meeting.starts_at is not None and due >= meeting.starts_at:
            raise Conflict("reminder_snooze_too_late")
    snooze = Reminder(
        key=f"{base}{SNOOZE_MARK}{len(snoozes) + 1}",
        target_kind=row.target_kind,
        target_id=row.target_id,
        kind=row.kind,
        offset=row.offset,
        recipient_id=row.recipient_id,
        chat_id=row.chat_id,
        due_at=due,
        created_at=now,
    )
    if len(snooze.key) > KEY_LIMIT:
        raise Conflict("reminder_snooze_closed")
    session.add(snooze)
    session.flush()
    record(
        session=session,
        at=now,
        action="reminder.snooze",
        entity="reminder",
        entity_id=snooze.id,
        actor=actor,
        after={"of": row.id, "due_at": due.isoformat()},
    )
    return due


def insert_missing(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert reminder rows, silently keeping the existing row when a key is already taken.

    Two transactions planning the same reminder at once (two edits of one task, two instances
    making the digest) then both succeed, and the reminder exists once.
    """
    if not rows:
        return
    bind = session.get_bind()
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    table: Any = Reminder.__table__  # type: ignore[attr-defined]
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=["key"])
    session.exec(statement, params=list(rows))


# --- tasks ----------------------------------------------------------------------------------


def _replan_tasks(
    session: Session, task_ids: Sequence[int], now: datetime, config: ReminderConfig
) -> None:
    if not task_ids:
        return
    session.flush()  # the caller's change must be visible to the queries below
    tasks = {task.id: task for task in session.exec(select(Task).where(col(Task.id).in_(task_ids)))}
    councils_of: dict[int, set[int]] = defaultdict(set)
    for task_id, council_id in session.exec(
        select(TaskCouncil.task_id, TaskCouncil.council_id).where(
            col(TaskCouncil.task_id).in_(task_ids)
        )
    ):
        councils_of[task_id].add(council_id)
    all_councils = {c for councils in councils_of.values() for c in councils}
    focal: dict[tuple[int, int], set[int]] = defaultdict(set)  # (council, agency) -> members
    secretariat: dict[int, set[int]] = defaultdict(set)
    if all_councils:
        for council_id, member_id, role, agency_id in session.exec(
            select(
                CouncilRole.council_id,
                CouncilRole.member_id,
                CouncilRole.role,
                CouncilRole.agency_id,
            ).where(
                col(CouncilRole.council_id).in_(all_councils),
                col(CouncilRole.role).in_([Role.FOCAL_POINT, Role.SECRETARIAT]),
            )
        ):
            if role == Role.FOCAL_POINT and agency_id is not None:
                focal[(council_id, agency_id)].add(member_id)
            elif role == Role.SECRETARIAT:
                secretariat[council_id].add(member_id)
    admins = _admin_members(session, config.admins)
    last_update = dict(
        session.exec(
            select(ProgressUpdate.task_id, func.max(ProgressUpdate.created_at))
            .where(col(ProgressUpdate.task_id).in_(task_ids))
            .group_by(col(ProgressUpdate.task_id))
        ).all()
    )
    wanted_by_task: dict[int, list[tuple[PlannedReminder, set[int]]]] = {}
    recipients_by_task: dict[int, set[int]] = {}
    closed: set[int] = set()
    periodic: set[int] = set()  # recurring tasks: offsets come anchored on their period
    # Their periods due within the horizon are written first, so the nightly re-planning
    # brings in the next period as the horizon slides (two statements per chunk).
    recurring = [
        task
        for task in tasks.values()
        if task.recurrence is not None and task.state not in CLOSED_TASK_STATES
    ]
    ensure_periods(
        session=session, tasks=recurring, until=now + config.planning_horizon, tz=config.timezone
    )
    periods = periods_of(session=session, task_ids=[task.id for task in recurring if task.id])
    for task_id in task_ids:
        task = tasks.get(task_id)
        if task is None or task.state in CLOSED_TASK_STATES:
            closed.add(task_id)
            wanted_by_task[task_id] = []
            continue
        councils = councils_of.get(task_id, set())
        focal_points = {m for c in councils for m in focal[(c, task.lead_agency_id)]}
        escalate_to = {m for c in councils for m in secretariat[c]} | admins
        if task.recurrence is not None:
            plan = _plan_periods(task, periods.get(task_id, []), now, config)
            periodic.add(task_id)
        else:
            plan = plan_task_reminders(
                deadline=deadline_in_force(task),
                now=now,
                policy=config.policy,
                calendar=config.calendar,
                last_activity=_latest(task.created_at, last_update.get(task_id)),
                created_at=task.created_at,
            )
        wanted_by_task[task_id] = [
            (p, escalate_to if p.audience == "secretariat" else focal_points) for p in plan
        ]
        recipients_by_task[task_id] = focal_points | escalate_to
    deadlines = {
        task_id: deadline_in_force(task) for task_id, task in tasks.items() if task_id is not None
    }
    _sync(
        session,
        TARGET_TASK,
        wanted_by_task,
        recipients_by_task,
        closed,
        now,
        config,
        anchor=lambda task_id, planned: (
            planned.offset
            if task_id in periodic
            else _task_anchor(deadlines.get(task_id), planned, config)
        ),
    )


def _plan_periods(
    task: Task, periods: Sequence[TaskOccurrence], now: datetime, config: ReminderConfig
) -> list[PlannedReminder]:
    """A recurring task's reminders: each open period's, as for a one-off deadline.

    Each reminder's offset is anchored on its own period's deadline, so two periods never share
    a key and a period's reminder is never stored twice; a period awaiting confirmation, done or
    cancelled has none.
    """
    plan: list[PlannedReminder] = []
    for period in periods:
        deadline = deadline_in_force(period)
        if period.state != TaskState.OPEN or deadline is None:
            continue
        anchor = f"@{config.calendar.local(deadline):%Y%m%d}"
        plan.extend(
            replace(planned, offset=f"{planned.offset}{anchor}")
            for planned in plan_task_reminders(
                deadline=deadline,
                now=now,
                policy=config.policy,
                calendar=config.calendar,
                created_at=task.created_at,
            )
        )
    return sorted(plan, key=lambda planned: planned.due_at)


def _task_anchor(
    deadline: datetime | None, planned: PlannedReminder, config: ReminderConfig
) -> str:
    if deadline is None or planned.kind == "task_nudge":
        return planned.offset
    return f"{planned.offset}@{config.calendar.local(deadline):%Y%m%d}"


def _latest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


# --- meetings -------------------------------------------------------------------------------


def _replan_meetings(
    session: Session, meeting_ids: Sequence[int], now: datetime, config: ReminderConfig
) -> None:
    if not meeting_ids:
        return
    session.flush()
    meetings = {
        meeting.id: meeting
        for meeting in session.exec(select(Meeting).where(col(Meeting.id).in_(meeting_ids)))
    }
    council_ids = {meeting.council_id for meeting in meetings.values()}
    members_of: dict[int, set[int]] = defaultdict(set)
    leaders_of: dict[int, set[int]] = defaultdict(set)
    if council_ids:
        for council_id, member_id, role in session.exec(
            select(CouncilRole.council_id, CouncilRole.member_id, CouncilRole.role).where(
                col(CouncilRole.council_id).in_(council_ids)
            )
        ):
            members_of[council_id].add(member_id)
            if role in LEADER_ROLES:
                leaders_of[council_id].add(member_id)
    announced = announced_meetings(session, meeting_ids)
    wanted: dict[int, list[tuple[PlannedReminder, set[int]]]] = {}
    recipients: dict[int, set[int]] = {}
    closed: set[int] = set()
    for meeting_id in meeting_ids:
        meeting = meetings.get(meeting_id)
        if meeting is None or _meeting_over(meeting, now):
            closed.add(meeting_id)
            wanted[meeting_id] = []
            continue
        audience = members_of.get(meeting.council_id, set())
        plan = plan_meeting_reminders(
            starts_at=meeting.starts_at, created_at=meeting.created_at, policy=config.policy
        )
        wanted[meeting_id] = [
            (p, audience)
            for p in plan
            if not (p.kind == "meeting_notice" and meeting_id in announced)
        ]
        leaders = leaders_of.get(meeting.council_id, set())
        wanted[meeting_id] += [
            (replace(p, kind="meeting_agenda", audience="secretariat"), leaders)
            for p in plan
            if p.kind == "meeting_before" and p.offset == AGENDA_WITH_OFFSET
        ]
        recipients[meeting_id] = audience | leaders
    starts = {meeting_id: m.starts_at for meeting_id, m in meetings.items() if meeting_id}

    def anchor(meeting_id: int, planned: PlannedReminder) -> str:
        start = starts.get(meeting_id)
        if start is None or planned.kind not in ("meeting_before", "meeting_agenda"):
            return planned.offset
        return f"{planned.offset}@{config.calendar.local(start):%Y%m%d%H%M}"

    _sync(session, TARGET_MEETING, wanted, recipients, closed, now, config, anchor=anchor)


def announced_meetings(session: Session, meeting_ids: Iterable[int]) -> set[int]:
    """Meetings announced by the meetings feature itself (a broadcast with RSVP buttons and the
    calendar file): their creation notice must not be sent a second time as a reminder."""
    ids = list(meeting_ids)
    if not ids:
        return set()
    return {
        meeting_id
        for meeting_id in session.exec(
            select(Broadcast.meeting_id).where(col(Broadcast.meeting_id).in_(ids)).distinct()
        )
        if meeting_id is not None
    }


def _meeting_over(meeting: Meeting, now: datetime) -> bool:
    """Closed, started, or known only by a period that has already ended."""
    if meeting.state != MeetingState.PLANNED:
        return True
    if meeting.starts_at is not None:
        return meeting.starts_at <= now
    return meeting.window_end is not None and meeting.window_end < now


# --- the common part ------------------------------------------------------------------------


def _sync(
    session: Session,
    target_kind: str,
    wanted_by_target: dict[int, list[tuple[PlannedReminder, set[int]]]],
    recipients_by_target: dict[int, set[int]],
    closed: set[int],
    now: datetime,
    config: ReminderConfig,
    *,
    anchor: Callable[[int, PlannedReminder], str],
) -> None:
    target_ids = list(wanted_by_target)
    existing: dict[int, dict[str, Reminder]] = defaultdict(dict)
    # Only rows this can change: a sent, failed or skipped row stays as it is, and a wanted key
    # that is already taken by one is left alone by insert_missing. Loading those too cost a
    # national deployment 70,000 ORM objects per restart.
    for found in session.exec(
        select(Reminder).where(
            Reminder.target_kind == target_kind,
            col(Reminder.target_id).in_(target_ids),
            col(Reminder.kind).in_(PLANNED_KINDS),
            col(Reminder.state).in_([OutboxState.PENDING, OutboxState.CANCELLED]),
        )
    ):
        assert found.target_id is not None
        existing[found.target_id][found.key] = found
    member_ids = {m for wanted in wanted_by_target.values() for _, ms in wanted for m in ms}
    chats = _chats(session, member_ids)
    max_age = config.policy.late_send_max_age
    horizon = now + config.planning_horizon
    inserts: list[dict[str, Any]] = []
    for target_id, planned_list in wanted_by_target.items():
        rows = existing.get(target_id, {})
        # Catching up (module docstring): of the past reminders not stored yet, only those at
        # the latest past instant, and only if recent enough.
        past = [
            planned.due_at
            for planned, members in planned_list
            if planned.due_at <= now
            and planned.kind in _CATCH_UP_KINDS
            and any(member_id in chats for member_id in members)
        ]
        latest_past = max(past) if past else None

        def is_stored(planned: PlannedReminder, latest_past: datetime | None = latest_past) -> bool:
            due = planned.due_at
            if due > now:
                return due <= horizon  # later ones: stored by a later re-planning
            return planned.kind in _CATCH_UP_KINDS and due == latest_past and now - due <= max_age

        wanted: dict[str, _Wanted] = {}
        for planned, members in planned_list:
            if not rows and not is_stored(planned):
                # Nothing stored to update or cancel: only what will be stored matters. A new
                # task's plan runs months ahead; its keys cost a large import a second.
                continue
            offset = anchor(target_id, planned)
            for member_id in sorted(members):
                if member_id not in chats:
                    continue
                key = reminder_key(target_kind, target_id, planned.kind, offset, member_id)
                wanted[key] = _Wanted(key, planned, offset, member_id, chats[member_id])

        for key, w in wanted.items():
            row = rows.get(key)
            if row is None:
                if is_stored(w.planned):
                    inserts.append(_new_row(target_kind, target_id, w, now))
            elif row.state == OutboxState.PENDING and row.due_at != w.planned.due_at:
                row.due_at = w.planned.due_at
                row.late = False
                if row.attempts == 0:
                    row.next_attempt_at = None
                session.add(row)
            elif row.state == OutboxState.CANCELLED and is_stored(w.planned):
                row.state = OutboxState.PENDING
                row.due_at = w.planned.due_at
                row.attempts = 0
                row.next_attempt_at = None
                row.last_error = None
                row.late = False
                row.claimed_by = None
                row.claimed_at = None
                session.add(row)
        still_recipients = recipients_by_target.get(target_id, set())
        for key, row in rows.items():
            if key in wanted or row.state != OutboxState.PENDING:
                continue
            if is_snooze(key) and target_id not in closed and row.recipient_id in still_recipients:
                continue  # a snooze the user asked for stays until its target closes
            row.state = OutboxState.CANCELLED
            row.last_error = "no longer planned"
            session.add(row)
    session.flush()
    insert_missing(session, inserts)


def _new_row(target_kind: str, target_id: int, w: _Wanted, now: datetime) -> dict[str, Any]:
    return {
        "key": w.key,
        "target_kind": target_kind,
        "target_id": target_id,
        "kind": w.planned.kind,
        "offset": w.offset,
        "recipient_id": w.member_id,
        "chat_id": w.chat_id,
        "due_at": w.planned.due_at,
        "state": OutboxState.PENDING.value,
        "attempts": 0,
        "late": False,
        "created_at": now,
    }


def _chats(session: Session, member_ids: Iterable[int]) -> dict[int, int]:
    """Private chat of each member: Telegram's chat id of a user's private chat is the user id."""
    ids = sorted(set(member_ids))
    chats: dict[int, int] = {}
    for chunk in _chunks(ids):
        for member_id, telegram_id in session.exec(
            select(Member.id, Member.telegram_user_id).where(col(Member.id).in_(chunk))
        ):
            if member_id is not None:
                chats[member_id] = telegram_id
    return chats


def _admin_members(session: Session, admins: frozenset[int]) -> set[int]:
    if not admins:
        return set()
    return {
        member_id
        for member_id in session.exec(
            select(Member.id).where(col(Member.telegram_user_id).in_(admins))
        )
        if member_id is not None
    }


def _target_closed(session: Session, target_kind: str, target_id: int, now: datetime) -> bool:
    if target_kind == TARGET_TASK:
        task = session.get(Task, target_id)
        return task is None or task.state in CLOSED_TASK_STATES
    meeting = session.get(Meeting, target_id)
    return meeting is None or _meeting_over(meeting, now)


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])
