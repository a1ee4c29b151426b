"""The domain, as SQLModel tables.

The schema itself comes from the Alembic migrations in ``db/migrations``; these classes are the
Python view of it. Enumerations are stored as short strings (not database enums) so that adding a
value never needs a type migration. Every timestamp is UTC (see :class:`db.types.UTCDateTime`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime


def _utc(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class Role(StrEnum):
    CHAIR = "chair"
    SECRETARIAT = "secretariat"
    MEMBER = "member"
    FOCAL_POINT = "focal_point"


class AgencyKind(StrEnum):
    MINISTRY = "ministry"
    PROVINCE = "province"
    OTHER = "other"


class TaskState(StrEnum):
    OPEN = "open"
    REPORTED_DONE = "reported_done"  # the agency says done; the secretariat has not confirmed
    DONE = "done"
    CANCELLED = "cancelled"


class UpdateKind(StrEnum):
    PROGRESS = "progress"
    COMPLETION = "completion"
    OBSTACLE = "obstacle"
    EXTENSION_REQUEST = "extension_request"


class MeetingState(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"
    CONCLUDED = "concluded"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a dispatcher; Telegram has not answered yet
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # its time passed too long ago (downtime); reported, not sent
    CANCELLED = "cancelled"  # the plan changed before it was due


class BroadcastState(StrEnum):
    DRAFT = "draft"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


# --- registry -------------------------------------------------------------------------------


class Council(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name_vi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    timezone: str | None = Field(default=None, max_length=64)  # None: the app's default
    group_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = _utc()


class Agency(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name_vi: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    kind: str = Field(default=AgencyKind.OTHER, max_length=16)
    # Other ways letters write the name ("Bộ KH&ĐT", "các Bộ, ngành liên quan"): db/intake.
    aliases: list[str] | None = Field(default=None, sa_column=Column(JSON))


class Member(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_type=BigInteger, unique=True)
    full_name: str = Field(max_length=200)
    username: str | None = Field(default=None, max_length=64)
    language: str = Field(default="vi", max_length=8)
    # True once the user opened a private chat with the bot; False after Telegram refused one.
    private_chat_ok: bool | None = Field(default=None)
    created_at: datetime = _utc()


class CouncilRole(SQLModel, table=True):
    __tablename__ = "council_role"
    __table_args__ = (
        UniqueConstraint("council_id", "member_id", "role", "agency_id", name="uq_council_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="council.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    role: str = Field(max_length=16)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    granted_at: datetime = _utc()
    granted_by: int | None = Field(default=None, foreign_key="member.id")


class Invitation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    council_id: int = Field(foreign_key="council.id")
    role: str = Field(max_length=16)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    created_by: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = _utc()
    expires_at: datetime = _utc()
    used_at: datetime | None = _utc(default=None)
    used_by: int | None = Field(default=None, foreign_key="member.id")


# --- directives and tasks -------------------------------------------------------------------


class Directive(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=64, unique=True)  # e.g. 6411/VPCP-KTTH
    issued_on: date | None = Field(default=None)
    issuer: str = Field(default="", max_length=200)
    title: str = Field(default="", sa_type=Text)
    created_at: datetime = _utc()


class DirectiveCouncil(SQLModel, table=True):
    __tablename__ = "directive_council"

    directive_id: int = Field(foreign_key="directive.id", primary_key=True)
    council_id: int = Field(foreign_key="council.id", primary_key=True)


class Task(SQLModel, table=True):
    __table_args__ = (
        # An imported task is known by its directive and clause; re-import updates it.
        UniqueConstraint("directive_id", "clause", name="uq_task_directive_clause"),
        Index("ix_task_state_deadline", "state", "approved_deadline"),
    )

    id: int | None = Field(default=None, primary_key=True)
    directive_id: int | None = Field(default=None, foreign_key="directive.id", index=True)
    clause: str | None = Field(default=None, max_length=32)  # e.g. "2.a.3"
    lead_agency_id: int = Field(foreign_key="agency.id", index=True)
    title: str = Field(sa_type=Text)
    # The deadline as written, and how it was read (see schedules.dates).
    due_text: str | None = Field(default=None, max_length=200)
    due_start: datetime | None = _utc(default=None)
    due_end: datetime | None = _utc(default=None)
    due_precision: str | None = Field(default=None, max_length=8)
    original_deadline: datetime | None = _utc(default=None)
    # The deadline in force: the original one unless an extension was approved.
    approved_deadline: datetime | None = _utc(default=None)
    state: str = Field(default=TaskState.OPEN, max_length=16)
    percent: int | None = Field(default=None)
    completion_reported_at: datetime | None = _utc(default=None)
    completed_at: datetime | None = _utc(default=None)
    created_at: datetime = _utc()
    updated_at: datetime = _utc()
    # A recurring task's schedule (schedules.recurrence.Recurrence.to_json); None: one-off.
    # Its periods are TaskOccurrence rows; the deadline fields above mirror the current one.
    recurrence: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class TaskOccurrence(SQLModel, table=True):
    """One period of a recurring task: its own deadline, state and completion."""

    __tablename__ = "task_occurrence"
    __table_args__ = (
        UniqueConstraint("task_id", "period_start", "period_end", name="uq_task_occurrence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    kind: str = Field(max_length=8)  # month / quarter / half / year
    period_start: date
    period_end: date
    original_deadline: datetime = _utc()
    approved_deadline: datetime | None = _utc(default=None)
    state: str = Field(default=TaskState.OPEN, max_length=16)
    completion_reported_at: datetime | None = _utc(default=None)
    completed_at: datetime | None = _utc(default=None)
    created_at: datetime = _utc()
    updated_at: datetime = _utc()


class TaskCouncil(SQLModel, table=True):
    """The councils that follow a task (a directive may concern several)."""

    __tablename__ = "task_council"

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    council_id: int = Field(foreign_key="council.id", primary_key=True, index=True)


class TaskCoAgency(SQLModel, table=True):
    """Co-operating agencies of a task (the lead agency is on the task)."""

    __tablename__ = "task_co_agency"

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True, index=True)


class ProgressUpdate(SQLModel, table=True):
    __tablename__ = "progress_update"
    # Which tasks have an obstacle nobody resolved yet: asked by every status report.
    __table_args__ = (Index("ix_progress_update_open", "kind", "resolved_at"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="member.id")
    kind: str = Field(default=UpdateKind.PROGRESS, max_length=24)
    text: str = Field(default="", sa_type=Text)
    percent: int | None = Field(default=None)
    attachment_file_id: str | None = Field(default=None, max_length=255)
    attachment_kind: str | None = Field(default=None, max_length=16)  # document / photo
    # For extension requests: the deadline asked for.
    requested_due_text: str | None = Field(default=None, max_length=200)
    requested_deadline: datetime | None = _utc(default=None)
    # For obstacles and extension requests: how the secretariat settled it.
    resolved_at: datetime | None = _utc(default=None)
    resolution: str | None = Field(default=None, max_length=16)
    resolved_by: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = _utc()
    # For a recurring task: the period the update is about.
    occurrence_id: int | None = Field(default=None, foreign_key="task_occurrence.id")


# --- meetings -------------------------------------------------------------------------------


class Meeting(SQLModel, table=True):
    __table_args__ = (
        # A directive's meeting clause ("3.a") is held by each council it concerns.
        UniqueConstraint("directive_id", "clause", "council_id", name="uq_meeting_clause"),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="council.id", index=True)
    directive_id: int | None = Field(default=None, foreign_key="directive.id")
    clause: str | None = Field(default=None, max_length=32)
    title: str = Field(sa_type=Text)
    when_text: str | None = Field(default=None, max_length=200)
    starts_at: datetime | None = _utc(default=None)  # None while only a period is known
    window_start: datetime | None = _utc(default=None)
    window_end: datetime | None = _utc(default=None)
    precision: str | None = Field(default=None, max_length=8)
    place: str | None = Field(default=None, max_length=300)
    online_link: str | None = Field(default=None, max_length=500)
    state: str = Field(default=MeetingState.PLANNED, max_length=16)
    conclusions: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = _utc()
    updated_at: datetime = _utc()


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    position: int = Field(default=0)
    text: str = Field(sa_type=Text)
    task_id: int | None = Field(default=None, foreign_key="task.id")


class Attendance(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_attendance"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    response: str = Field(max_length=16)  # attend / delegate / absent
    delegate_name: str | None = Field(default=None, max_length=200)
    responded_at: datetime = _utc()


# --- outbox: reminders and broadcasts -------------------------------------------------------


# The condition of the partial index of pending rows; queries must spell it as a literal (a
# bound parameter does not prove the condition, and the index would not be used).
PENDING_ONLY = "state = 'pending'"


class Reminder(SQLModel, table=True):
    __table_args__ = (
        Index("ix_reminder_state_due", "state", "due_at"),
        # The few pending rows waiting for a retry, for the dispatcher's next wake-up.
        Index("ix_reminder_retry", "state", "next_attempt_at"),
        # Re-planning a task or meeting reads and rewrites exactly its own rows.
        Index("ix_reminder_target", "target_kind", "target_id"),
        # A chat's pending rows, claimed together (schedules/claims.py). Partial: a row leaves
        # it when claimed and is never written to it again (sent rows cost nothing).
        Index(
            "ix_reminder_chat_pending",
            "chat_id",
            "due_at",
            sqlite_where=text(PENDING_ONLY),
            postgresql_where=text(PENDING_ONLY),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # target:kind:offset:recipient — the same reminder can never be stored twice.
    key: str = Field(max_length=160, unique=True)
    target_kind: str = Field(max_length=16)  # task / meeting / digest
    target_id: int | None = Field(default=None)
    kind: str = Field(max_length=32)
    offset: str = Field(max_length=32)
    recipient_id: int | None = Field(default=None, foreign_key="member.id")
    chat_id: int = Field(sa_type=BigInteger)
    due_at: datetime = _utc()
    state: str = Field(default=OutboxState.PENDING, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = _utc(default=None)
    last_error: str | None = Field(default=None, max_length=500)
    late: bool = Field(default=False)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = _utc(default=None)
    sent_at: datetime | None = _utc(default=None)
    sent_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = _utc()


class Broadcast(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="council.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="member.id")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    text: str = Field(sa_type=Text)
    audience: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    state: str = Field(default=BroadcastState.DRAFT, max_length=16)
    progress_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    progress_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = _utc()
    confirmed_at: datetime | None = _utc(default=None)
    finished_at: datetime | None = _utc(default=None)


class Delivery(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("broadcast_id", "member_id", name="uq_delivery"),
        Index("ix_delivery_state", "broadcast_id", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcast.id")
    member_id: int = Field(foreign_key="member.id")
    chat_id: int = Field(sa_type=BigInteger)
    state: str = Field(default=OutboxState.PENDING, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = _utc(default=None)
    last_error: str | None = Field(default=None, max_length=500)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = _utc(default=None)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    delivered_at: datetime | None = _utc(default=None)
    acknowledged_at: datetime | None = _utc(default=None)


class SentMessage(SQLModel, table=True):
    """A bot message about a task or meeting, so that a reply to it can be routed back."""

    __tablename__ = "sent_message"
    __table_args__ = (UniqueConstraint("chat_id", "message_id", name="uq_sent_message"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger)
    message_id: int = Field(sa_type=BigInteger)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    created_at: datetime = _utc()


class SentMessageTask(SQLModel, table=True):
    """A task listed in one merged reminder message (one message per person per moment): a
    reply to it names one of them or is asked which."""

    __tablename__ = "sent_message_task"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id", "task_id", name="uq_sent_message_task"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger)
    message_id: int = Field(sa_type=BigInteger)
    task_id: int = Field(foreign_key="task.id")


class PendingInput(SQLModel, table=True):
    """What the bot is waiting for from one member in one chat (a short guided conversation).

    Kept in the database, not in memory, so a restart or a second instance does not lose it.
    """

    __tablename__ = "pending_input"
    __table_args__ = (UniqueConstraint("member_id", "chat_id", name="uq_pending_input"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    chat_id: int = Field(sa_type=BigInteger)
    action: str = Field(max_length=32)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = _utc()
    expires_at: datetime = _utc()


class PendingImport(SQLModel, table=True):
    """A directive file sent with /import, waiting for its sender to press "Import".

    Stored in the database so that the confirmation survives a restart; the token goes in the
    button's callback data and is only good for the member who sent the file.
    """

    __tablename__ = "pending_import"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=32, unique=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    file_name: str = Field(default="", max_length=255)
    content: str = Field(sa_type=Text)
    created_at: datetime = _utc()
    expires_at: datetime = _utc()


# --- bookkeeping ----------------------------------------------------------------------------


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc()
    actor_id: int | None = Field(default=None, foreign_key="member.id")
    actor_label: str = Field(default="", max_length=64)  # "cli", "system", or a member's name
    action: str = Field(max_length=48)
    entity: str = Field(max_length=32)
    entity_id: int | None = Field(default=None)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class InboxUpdate(SQLModel, table=True):
    """Every update Telegram delivered, stored before it is confirmed (db/inbox.py).

    ``processed_at`` is set in the transaction of the change the update made; ``answered_at``
    once every answer recorded for it was sent (or given up). A row with ``answered_at`` NULL is
    still owed something: handling, or an answer.
    """

    __tablename__ = "inbox_update"
    __table_args__ = (Index("ix_inbox_update_open", "answered_at", "update_id"),)

    update_id: int = Field(sa_type=BigInteger, primary_key=True)
    chat_id: int | None = Field(default=None, sa_type=BigInteger)
    user_id: int | None = Field(default=None, sa_type=BigInteger)
    payload: str = Field(sa_type=Text)  # the update as Telegram sent it (JSON)
    received_at: datetime = _utc()
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = _utc(default=None)
    processed_at: datetime | None = _utc(default=None)
    answered_at: datetime | None = _utc(default=None)


class InboxAnswer(SQLModel, table=True):
    """A Telegram call an update's handling made, recorded before it was made."""

    __tablename__ = "inbox_answer"

    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(
        sa_type=BigInteger, foreign_key="inbox_update.update_id", index=True, ondelete="CASCADE"
    )
    method: str = Field(max_length=32)  # sendMessage, editMessageText, answerCallbackQuery...
    params: str = Field(sa_type=Text)  # the call's parameters (JSON)
    created_at: datetime = _utc()
    sent_at: datetime | None = _utc(default=None)
    late: bool = False
    last_error: str | None = Field(default=None, max_length=500)


class JobRun(SQLModel, table=True):
    """One row per periodic job and period (e.g. the digest of a week), claimed once."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "period", name="uq_job_run"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=48)
    period: str = Field(max_length=32)
    claimed_by: str = Field(max_length=64)
    started_at: datetime = _utc()
    finished_at: datetime | None = _utc(default=None)


class SendingInstance(SQLModel, table=True):
    """A running instance, seen lately (issue 16): the live ones on one database split
    Telegram's limits between them, and a 429 any of them met pauses them all."""

    __tablename__ = "sending_instance"

    instance_id: str = Field(max_length=64, primary_key=True)
    seen_at: datetime = _utc()
    # Telegram answered this instance 429: every instance waits until then.
    paused_until: datetime | None = _utc(default=None)
