"""The dispatcher: sends the outbox rows that are due, exactly once in normal operation.

APScheduler (PTB's JobQueue) only decides *when* :meth:`Dispatcher.run_once` runs; *what* is sent
comes from the ``reminder`` table, so nothing is lost with a restart and nothing depends on a job
store. One run claims due rows in small batches, decides for each whether to send it now, send
it marked late, skip it (too old), cancel it (its task or meeting closed) or hold it until the
next working slot, sends, and records the outcome.

Claiming. A batch is the chats of the next ``batch_size`` due rows, each with every row due to
it now (at most ``merge_limit``): see schedules/claims.py. On PostgreSQL each chat is taken under
a transaction-level advisory lock and its rows with ``FOR UPDATE SKIP LOCKED``: two instances
never claim the same row, nor split one person's rows between them, and neither waits for the
other. On SQLite the same statements run without the locks; SQLite has a single writer and the
update is conditional (``state = 'pending'``), so a claim is still exclusive, but SQLite is meant
for one instance on one machine. A claimed row is SENDING, with the batch's token in
``claimed_by`` and the time in ``claimed_at``; every later write is conditional on that token.

Delivery guarantee. A row is marked SENT, with Telegram's message id, only after Telegram
answered, in its own short transaction (one message per commit, so a crash loses at most the
messages in flight). Up to ``concurrency`` chats are sent to at once, each chat's messages one
after the other in the batch's order (a chat's next message waits for the previous one's
outcome to be recorded). If the process dies after Telegram accepted a message and before that
commit, the row stays SENDING; :meth:`Dispatcher.recover_stale_claims` hands it back to the
queue after ``stale_claim_after`` and it is sent again. That window (a few milliseconds per
message) is the only way a reminder can be sent twice; the alternative, never retrying an
interrupted send, would lose reminders instead. To keep a live instance's claims from looking
stale, a batch stops sending and gives its remaining rows back once half of
``stale_claim_after`` has passed.

Failures. Telegram's 429 (:class:`RetryLater`) pauses this dispatcher for ``retry_after``: the row
and the rest of the batch go back to PENDING with ``next_attempt_at`` then, without counting an
attempt (flood control is not the row's fault). A temporary failure (:class:`TransientFailure`:
5xx, network error, timeout, or an unexpected error while rendering) counts an attempt and retries
with doubling backoff; after ``max_attempts`` the row is FAILED. A permanent failure
(:class:`PermanentFailure`: 403 blocked, 400 chat not found or any other bad request) fails the
row at once with the reason, and a chat Telegram says is unreachable marks the member's
``private_chat_ok`` False. One row's failure never stops the others.

All times come from the injected clock.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Table, bindparam, case, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from db.engine import is_postgres, session_scope, transaction_retried_once
from db.models import (
    Agency,
    AgendaItem,
    Council,
    Directive,
    Meeting,
    Member,
    OutboxState,
    ProgressUpdate,
    Reminder,
    SentMessage,
    SentMessageTask,
    Task,
    TaskOccurrence,
)
from db.recurring import occurrence_label, period_on_day, periods_of
from db.status import categorize, deadline_in_force
from db.types import UTCDateTime
from schedules.claims import claim_due_chats
from schedules.clock import Clock
from schedules.digest import Digest, build_digest
from schedules.pacing import Pacer
from schedules.policy import classify_due
from schedules.reminders import (
    CLOSED_TASK_STATES,
    MEETING_KINDS,
    PLANNED_KINDS,
    TARGET_DIGEST,
    TARGET_MEETING,
    TARGET_TASK,
    TASK_KINDS,
    WORKING_HOURS_KINDS,
    ReminderConfig,
    announced_meetings,
)
from schedules.send_lanes import Lanes

logger = logging.getLogger(__name__)

ERROR_LIMIT = 500  # Reminder.last_error
# Messages claimed ahead of the lanes: this many seconds' worth at ``concurrency`` a second.
LOOKAHEAD_SECONDS = 10
# Notices whose offset is the id of the progress update they are about (db/notices.py).
NOTICES_ABOUT_AN_UPDATE = frozenset({"notice_report"})
Button = tuple[str, str]  # (label, callback data)
# At most this many rows of one chat in one batch, hence lines in one merged list: its buttons
# (one per task, and "remind me later") stay under the ~100 Telegram accepts on a message. More
# rows due to one person at one moment go in the next list.
MERGE_LIMIT = 80


# --- what the transport tells us --------------------------------------------------------------


class RetryLater(Exception):
    """Telegram's flood control (429): try again after ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:g}s")
        self.seconds = seconds


class TransientFailure(Exception):
    """A failure that may pass: 5xx, network error, timeout."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PermanentFailure(Exception):
    """A failure that will not pass by retrying: blocked by the user, chat not found."""

    def __init__(self, reason: str, *, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        # Telegram refuses to deliver to this chat at all (not just this message).
        self.unreachable = unreachable


@dataclass(frozen=True)
class SendResult:
    message_id: int  # the last part's (the one with the buttons)
    # Every part's id, in order, when a long text went as several messages: a reply to any of
    # them is recognised.
    parts: tuple[int, ...] = ()

    @property
    def message_ids(self) -> tuple[int, ...]:
        return self.parts or (self.message_id,)


class Sender(Protocol):
    """Sends one message; raises RetryLater, TransientFailure or PermanentFailure."""

    async def send(self, chat_id: int, text: str, buttons: Sequence[Button]) -> SendResult: ...

    async def send_photo(self, chat_id: int, png: bytes, caption: str) -> SendResult: ...


# --- what the renderer gets --------------------------------------------------------------------


@dataclass(frozen=True)
class TaskFacts:
    task_id: int
    title: str
    state: str
    agency_code: str
    agency_name: str  # in the recipient's language
    due_text: str | None
    due_start: datetime | None
    due_end: datetime | None
    due_precision: str | None
    deadline: datetime | None
    directive_number: str | None
    clause: str | None
    # A recurring task's reminder is about one period (named in ``due_text``): in a merged list
    # it is its task's only line, and a reply to the list naming the task is recorded against
    # that period (db.recurring.current_period_id finds it by the message it was sent as).
    one_period: bool = False


@dataclass(frozen=True)
class MeetingFacts:
    meeting_id: int
    title: str
    council_name: str  # in the recipient's language
    starts_at: datetime | None
    when_text: str | None
    place: str | None
    online_link: str | None
    # (item, linked task id or None, the task's status category or "") in agenda order.
    agenda: tuple[tuple[str, int | None, str], ...] = ()
    # While no date is fixed: the period the phrase (when_text) was read as.
    window_start: datetime | None = None
    window_end: datetime | None = None


@dataclass(frozen=True)
class ReminderView:
    """Everything needed to write one reminder message, as plain data."""

    reminder_id: int
    key: str
    kind: str
    offset: str
    target_kind: str
    target_id: int | None
    lang: str
    timezone: str
    now: datetime
    due_at: datetime
    late: bool
    recipient_name: str
    can_snooze: bool
    task: TaskFacts | None = None
    meeting: MeetingFacts | None = None
    digest: Digest | None = None
    progress: ProgressUpdate | None = None  # for notices that refer to a progress update


@dataclass(frozen=True)
class Outgoing:
    text: str
    buttons: tuple[Button, ...] = ()
    # A picture sent after the text (the weekly digest's chart): drawn in a worker thread only
    # once the text is sent, and never retried: the row is the text; a lost chart is logged.
    photo: Callable[[], tuple[bytes, str]] | None = None


Renderer = Callable[[ReminderView], Outgoing]
# Writes one message for several rows due to one person at one moment (issue 16).
Merger = Callable[[Sequence[ReminderView]], Outgoing]


# --- the dispatcher ---------------------------------------------------------------------------


@dataclass
class _Job:
    reminder_id: int
    chat_id: int
    recipient_id: int | None
    attempts: int
    late: bool
    target_kind: str
    target_id: int | None
    view: ReminderView
    # The member was marked unreachable (blocked the bot): a delivery proves it is reachable.
    was_unreachable: bool = False


@dataclass
class _Run:
    """One run's delivery, shared by its lanes' workers."""

    lanes: Lanes[tuple[_Batch, list[_Job]]] | None = None
    sent: int = 0
    until: datetime | None = None  # flood control: not before then


@dataclass
class _Batch:
    token: str
    claimed_at: datetime
    jobs: list[_Job] = field(default_factory=list)
    full: bool = False  # the batch was full: more rows may be due


class Dispatcher:
    """Sends due reminders; see the module docstring for the guarantees."""

    def __init__(
        self,
        *,
        engine: Engine,
        clock: Clock,
        sender: Sender,
        config: ReminderConfig,
        instance_id: str,
        renderer: Renderer,
        pacer: Pacer | None = None,
        merger: Merger | None = None,
        merge_kinds: frozenset[str] = frozenset(),
        role: Callable[[], bool] | None = None,
        concurrency: int | None = None,
        merge_limit: int = MERGE_LIMIT,
    ) -> None:
        # Whether this process may send now (schedules/sending_role.py: one instance at a time
        # on PostgreSQL). Blocking: asked in a worker thread. None: always.
        self.role = role
        # One message per person per moment: the rows of a batch of these kinds (about a task)
        # due to one chat are sent as one message written by ``merger``; a single row keeps its
        # own card. None: every row is its own message.
        self.merger = merger
        self.merge_kinds = merge_kinds
        # Rows claimed for one chat at a time, hence lines in one merged message at most.
        self.merge_limit = merge_limit
        # The bot's one pacer, shared with broadcasts, so that a meeting reminder to a whole
        # council and a broadcast together stay under Telegram's limits. None: send at once
        # (bench/bench_dispatcher.py measures the dispatcher's own cost that way).
        self.pacer = pacer
        self.engine = engine
        self.clock = clock
        self.sender = sender
        self.config = config
        self.instance_id = instance_id[:48]
        self.renderer = renderer
        self.paused_until: datetime | None = None
        # Chats sent to at once: the pacer's rate (a send's round trip and its commit take
        # longer than 1/30 s); 1 without a pacer (bench_dispatcher.py measures one at a time).
        self.concurrency = concurrency or (pacer.per_second if pacer is not None else 1)
        self._batches = itertools.count(1)
        self._lock = asyncio.Lock()

    # -- public -----------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Send everything due now; returns how many messages Telegram accepted.

        Overlapping calls (the tick and a wake-up at once) do not run twice: the second returns.
        """
        if self._lock.locked():
            return 0
        async with self._lock:
            if self.paused_until is not None and self.clock.now() < self.paused_until:
                return 0
            self.paused_until = None
            if self.role is not None and not await asyncio.to_thread(self.role):
                return 0  # another instance sends; it takes our claims back if we died
            await asyncio.to_thread(self._recover_stale)
            return await self._deliver_due()

    async def recover_stale_claims(self) -> int:
        """Give rows claimed by a dispatcher that never finished them back to the queue."""
        return await asyncio.to_thread(self._recover_stale)

    def next_due_at(self) -> datetime | None:
        """When the next pending row becomes due (None if the queue is empty).

        Asked after every change that queues something, so it must not scan the queue: rows
        never tried are read in ``ix_reminder_state_due`` order, the few waiting for a retry
        (due at the later of their due time and their next attempt) through ``ix_reminder_retry``.
        """
        pending = col(Reminder.state) == OutboxState.PENDING
        retry_at = case(
            (col(Reminder.next_attempt_at) > col(Reminder.due_at), col(Reminder.next_attempt_at)),
            else_=col(Reminder.due_at),
        )
        first = (
            select(Reminder.due_at)
            .where(pending, col(Reminder.next_attempt_at).is_(None))
            .order_by(col(Reminder.due_at))
            .limit(1)
            .scalar_subquery()
        )
        retry = (
            select(func.min(retry_at))
            .where(pending, col(Reminder.next_attempt_at).is_not(None))
            .scalar_subquery()
        )
        # One statement (issue 16: statements per update): each subquery keeps its index.
        with self.engine.connect() as connection:
            first, retry = connection.execute(select(first, retry)).one()
        candidates = [moment for moment in (first, retry) if moment is not None]
        if not candidates:
            return None
        moment = min(candidates)
        if self.paused_until is not None:
            return max(moment, self.paused_until)
        return moment

    # -- claiming ---------------------------------------------------------------------------

    def _recover_stale(self) -> int:
        now = self.clock.now()
        with session_scope(self.engine) as session:
            result: Any = session.exec(
                update(Reminder)
                .where(
                    col(Reminder.state) == OutboxState.SENDING,
                    col(Reminder.claimed_at) < now - self.config.stale_claim_after,
                )
                .values(state=OutboxState.PENDING, claimed_by=None)
                .execution_options(synchronize_session=False)
            )
            count = int(result.rowcount or 0)
        if count:
            logger.warning("%d reminders were claimed but never finished; queued again", count)
        return count

    def _claim_batch(self) -> _Batch | None:
        now = self.clock.now()
        token = f"{self.instance_id}#{next(self._batches)}"
        with session_scope(self.engine) as session:
            # Whole chats (schedules/claims.py): every row due to one person now is in this
            # batch or in another instance's, never split between them.
            ids, more = claim_due_chats(
                session,
                token=token,
                now=now,
                batch_size=self.config.batch_size,
                per_chat=self.merge_limit,
                postgres=is_postgres(self.engine),
            )
            if not ids:
                return None
            rows = list(
                session.exec(
                    select(Reminder)
                    .where(col(Reminder.id).in_(ids))
                    .order_by(col(Reminder.due_at), col(Reminder.id))
                )
            )
            batch = _Batch(token=token, claimed_at=now, full=more)
            context = _Context.load(session, rows, now, self.config)
            for row in rows:
                job = self._decide(row, context, now)
                if job is not None:
                    batch.jobs.append(job)
                session.add(row)
        return batch

    def _decide(self, row: Reminder, context: _Context, now: datetime) -> _Job | None:
        """Send it (a job), or settle it here: skip, cancel, or hold until working hours."""
        policy, calendar = self.config.policy, self.config.calendar
        closed = context.closed_reason(row, now) if row.kind in PLANNED_KINDS else None
        if closed is not None:
            state, reason = closed
            _settle(row, state, reason)
            return None
        first_look = row.attempts == 0 and row.next_attempt_at is None
        if first_look:
            status = classify_due(due_at=row.due_at, now=now, policy=policy)
            if status == "skip":
                _settle(row, OutboxState.SKIPPED, f"too old: due {row.due_at:%Y-%m-%d %H:%M} UTC")
                return None
            if status == "late":
                row.late = True
        if row.kind in WORKING_HOURS_KINDS and not calendar.is_working_time(now):
            row.state = OutboxState.PENDING
            row.next_attempt_at = calendar.next_working_slot(now)
            row.claimed_by = None
            return None
        assert row.id is not None
        return _Job(
            reminder_id=row.id,
            chat_id=row.chat_id,
            recipient_id=row.recipient_id,
            attempts=row.attempts,
            late=row.late,
            target_kind=row.target_kind,
            target_id=row.target_id,
            view=context.view(row, now, self.config),
            was_unreachable=context.unreachable(row.recipient_id),
        )

    # -- sending ----------------------------------------------------------------------------

    def _units(self, jobs: list[_Job]) -> list[list[_Job]]:
        """The messages to send: a row alone, or every mergeable row due to one chat together
        (placed where the first of them was)."""
        units: list[list[_Job]] = []
        together: dict[int, list[_Job]] = {}
        listed: dict[int, set[int]] = {}  # per chat, the tasks its list has a line for
        for job in jobs:
            task = job.view.task
            mergeable = (
                self.merger is not None
                and job.view.kind in self.merge_kinds
                and task is not None
                # A list shows one line per task: a second period of a task already listed
                # keeps its own card, so that each period's reminder (and a reply to it) stays
                # about that period.
                and not (task.one_period and task.task_id in listed.get(job.chat_id, ()))
            )
            if not mergeable:
                units.append([job])
                continue
            assert task is not None
            listed.setdefault(job.chat_id, set()).add(task.task_id)
            if job.chat_id in together:
                together[job.chat_id].append(job)
            else:
                together[job.chat_id] = [job]
                units.append(together[job.chat_id])
        return units

    async def _deliver_due(self) -> int:
        """Claim batches and send their messages through lanes (``schedules/send_lanes.py``):
        up to ``concurrency`` chats at once, each chat's messages in order, each outcome recorded
        before that chat's next send (so at most the messages in flight can be "sent but not
        recorded"). The next batch is claimed while the last one's messages are still going
        out. Returns how many messages Telegram accepted."""
        run = _Run()
        lanes: Lanes[tuple[_Batch, list[_Job]]] = Lanes(
            lambda item: self._send_unit(item[0], item[1], run),
            concurrency=self.concurrency,
            # A batch running too long gives its rows back before its claim looks stale.
            usable=lambda item: (
                self.clock.now() - item[0].claimed_at <= self.config.stale_claim_after / 2
            ),
        )
        run.lanes = lanes
        try:
            while not lanes.stopped:
                batch = await asyncio.to_thread(self._claim_batch)
                if batch is None:
                    break
                for unit in self._units(batch.jobs):
                    lanes.add(unit[0].chat_id, (batch, unit))
                if not batch.full:
                    break
                # Claim ahead (about ten seconds of sending at the limit): a chat's later
                # messages join its lane early, instead of waiting behind everyone else's.
                await lanes.room(self.concurrency * LOOKAHEAD_SECONDS)
        finally:
            rest = await lanes.finish()
            by_token: dict[str, list[int]] = {}
            for batch, unit in rest:
                by_token.setdefault(batch.token, []).extend(j.reminder_id for j in unit)
            for token, ids in by_token.items():  # flood control, or too long: given back
                await asyncio.to_thread(self._release, token, ids, run.until)
        return run.sent

    async def _send_unit(self, batch: _Batch, unit: list[_Job], run: _Run) -> bool:
        """Send one message and record its outcome; False on flood control (nothing sent)."""
        job = unit[0]
        now = self.clock.now()
        try:
            if self.pacer is not None:
                await self.pacer.wait_turn(job.chat_id)
            if run.lanes is not None and run.lanes.stopped:
                return False  # a 429 elsewhere while this one waited
            # Phrases such as "in 12 minutes" are written for the moment of sending, not for
            # the moment the batch was claimed or the row planned.
            sending_at = self.clock.now()
            if len(unit) == 1:
                outgoing = self.renderer(replace(job.view, now=sending_at))
            else:
                assert self.merger is not None
                outgoing = self.merger([replace(j.view, now=sending_at) for j in unit])
            result = await self.sender.send(job.chat_id, outgoing.text, outgoing.buttons)
        except RetryLater as exc:
            until = now + timedelta(seconds=max(exc.seconds, 1))
            self.paused_until = until
            run.until = until
            if self.pacer is not None:
                self.pacer.pause(max(exc.seconds, 1))
            logger.warning("Telegram flood control: pausing reminders until %s", until)
            return False
        except PermanentFailure as exc:
            for each in unit:
                await asyncio.to_thread(self._fail, batch.token, each, exc.reason, exc.unreachable)
        except TransientFailure as exc:
            for each in unit:
                await asyncio.to_thread(self._retry_or_fail, batch.token, each, exc.reason)
        except Exception as exc:  # a bug in rendering or sending: retried, then failed
            logger.exception("reminder %s could not be sent", job.reminder_id)
            reason = f"{type(exc).__name__}: {exc}"
            for each in unit:
                await asyncio.to_thread(self._retry_or_fail, batch.token, each, reason)
        else:
            await asyncio.to_thread(self._mark_sent, batch.token, unit, result)
            run.sent += 1
            if outgoing.photo is not None:
                await self._send_photo(job, outgoing.photo)
        return True

    async def _send_photo(self, job: _Job, draw: Callable[[], tuple[bytes, str]]) -> None:
        try:
            png, caption = await asyncio.to_thread(draw)
            if self.pacer is not None:
                await self.pacer.wait_turn(job.chat_id)
            await self.sender.send_photo(job.chat_id, png, caption)
        except Exception:  # the text was delivered; the picture is a bonus
            logger.exception("the picture of reminder %s could not be sent", job.reminder_id)

    # -- recording outcomes (each in its own short transaction) -------------------------------
    # Plain Core statements on a connection: a row's outcome is two statements and a commit, and
    # half the cost of an ORM session here (see bench/bench_dispatcher.py).

    def _mark_sent(self, token: str, unit: list[_Job], result: SendResult) -> None:
        now, message_id = self.clock.now(), result.message_id

        def write(connection: Connection) -> None:
            for job in unit:
                done = _finish(
                    connection,
                    token,
                    job.reminder_id,
                    state=OutboxState.SENT,
                    sent_at=now,
                    sent_message_id=message_id,
                    attempts=job.attempts + 1,
                    late=job.late,
                    last_error=None,
                    next_attempt_at=None,
                )
                if not done:
                    logger.warning(
                        "reminder %s was sent but its claim had been taken back", job.reminder_id
                    )
            job = unit[0]
            # Every part of a split message is remembered, so a reply to any part is routed.
            if len(unit) > 1:
                _remember_merged(connection, unit, result.message_ids)
            elif job.target_kind in (TARGET_TASK, TARGET_MEETING) and job.target_id is not None:
                _remember(connection, job, result.message_ids, now)
            if job.was_unreachable and job.recipient_id is not None and job.chat_id > 0:
                connection.execute(
                    update(_MEMBERS)
                    .where(_MEMBERS.c.id == job.recipient_id)
                    .values(private_chat_ok=True)
                )

        # Sent: it must be marked, lest it be sent again (a lost connection is tried once more).
        transaction_retried_once(self.engine, write)

    def _fail(self, token: str, job: _Job, reason: str, unreachable: bool) -> None:
        with self.engine.begin() as connection:
            _finish(
                connection,
                token,
                job.reminder_id,
                state=OutboxState.FAILED,
                attempts=job.attempts + 1,
                late=job.late,
                last_error=reason[:ERROR_LIMIT],
                next_attempt_at=None,
            )
            if unreachable and job.recipient_id is not None:
                connection.execute(
                    update(_MEMBERS)
                    .where(_MEMBERS.c.id == job.recipient_id)
                    .values(private_chat_ok=False)
                )
        logger.info("reminder %s failed: %s", job.reminder_id, reason)

    def _retry_or_fail(self, token: str, job: _Job, reason: str) -> None:
        attempts = job.attempts + 1
        if attempts >= self.config.max_attempts:
            self._fail(token, job, f"{reason} (after {attempts} attempts)", False)
            return
        retry_at = self.clock.now() + self.config.backoff_after(attempts)
        with self.engine.begin() as connection:
            _finish(
                connection,
                token,
                job.reminder_id,
                state=OutboxState.PENDING,
                attempts=attempts,
                late=job.late,
                last_error=reason[:ERROR_LIMIT],
                next_attempt_at=retry_at,
            )
        logger.info("reminder %s: %s; retry at %s", job.reminder_id, reason, retry_at)

    def _release(self, token: str, ids: list[int], not_before: datetime | None) -> None:
        """Hand claimed rows back unsent (flood control, or the batch ran too long)."""
        values: dict[str, Any] = {"state": OutboxState.PENDING, "claimed_by": None}
        if not_before is not None:
            values["next_attempt_at"] = not_before
        with self.engine.begin() as connection:
            connection.execute(
                update(_REMINDERS)
                .where(
                    _REMINDERS.c.id.in_(ids),
                    _REMINDERS.c.claimed_by == token,
                    _REMINDERS.c.state == OutboxState.SENDING,
                )
                .values(**values)
            )


_REMINDERS: Table = Reminder.__table__  # type: ignore[attr-defined]
_MEMBERS: Table = Member.__table__  # type: ignore[attr-defined]
_SENT_MESSAGES: Table = SentMessage.__table__  # type: ignore[attr-defined]
_SENT_MESSAGE_TASKS: Table = SentMessageTask.__table__  # type: ignore[attr-defined]


def _settle(row: Reminder, state: OutboxState, reason: str) -> None:
    row.state = state
    row.last_error = reason[:ERROR_LIMIT]


# Built once: constructing a statement costs more than running it (bench/bench_dispatcher.py).
_OUTCOME = (
    update(_REMINDERS)
    .where(
        _REMINDERS.c.id == bindparam("b_id"),
        _REMINDERS.c.claimed_by == bindparam("b_token"),
        _REMINDERS.c.state == OutboxState.SENDING.value,
    )
    .values(
        state=bindparam("b_state"),
        claimed_by=bindparam("b_claimed_by"),
        attempts=bindparam("b_attempts"),
        late=bindparam("b_late"),
        last_error=bindparam("b_last_error"),
        next_attempt_at=bindparam("b_next_attempt_at", type_=UTCDateTime()),
        sent_at=bindparam("b_sent_at", type_=UTCDateTime()),
        sent_message_id=bindparam("b_sent_message_id"),
    )
)
_REMEMBER = {
    name: dialect.insert(_SENT_MESSAGES).on_conflict_do_nothing(
        index_elements=["chat_id", "message_id"]
    )
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_REMEMBER_MERGED = {
    name: dialect.insert(_SENT_MESSAGE_TASKS).on_conflict_do_nothing(
        index_elements=["chat_id", "message_id", "task_id"]
    )
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def _finish(
    connection: Connection,
    token: str,
    reminder_id: int,
    *,
    state: OutboxState,
    attempts: int,
    late: bool,
    last_error: str | None,
    next_attempt_at: datetime | None = None,
    sent_at: datetime | None = None,
    sent_message_id: int | None = None,
) -> bool:
    """Write an outcome if the row is still ours; False if its claim was taken back."""
    result = connection.execute(
        _OUTCOME,
        {
            "b_id": reminder_id,
            "b_token": token,
            "b_state": state.value,
            # Back in the queue: unclaimed. Settled: the claim stays, to say who sent it.
            "b_claimed_by": None if state == OutboxState.PENDING else token,
            "b_attempts": attempts,
            "b_late": late,
            "b_last_error": last_error,
            "b_next_attempt_at": next_attempt_at,
            "b_sent_at": sent_at,
            "b_sent_message_id": sent_message_id,
        },
    )
    return bool(result.rowcount)


def _remember(connection: Connection, job: _Job, message_ids: Sequence[int], now: datetime) -> None:
    """Map the message (each of its parts) to its task or meeting, so that a reply to it is a
    progress update."""
    rows = [
        {
            "chat_id": job.chat_id,
            "message_id": message_id,
            "task_id": job.target_id if job.target_kind == TARGET_TASK else None,
            "meeting_id": job.target_id if job.target_kind == TARGET_MEETING else None,
            "created_at": now,
        }
        for message_id in message_ids
    ]
    # One row (the usual case) as a plain execute: executemany costs more per call.
    connection.execute(_REMEMBER[connection.dialect.name], rows[0] if len(rows) == 1 else rows)


def _remember_merged(connection: Connection, unit: list[_Job], message_ids: Sequence[int]) -> None:
    """The tasks a merged message lists, under each of its parts, so that a reply to any part
    names one or is asked which."""
    task_ids = dict.fromkeys(j.view.task.task_id for j in unit if j.view.task is not None)
    connection.execute(
        _REMEMBER_MERGED[connection.dialect.name],
        [
            {"chat_id": unit[0].chat_id, "message_id": message_id, "task_id": task_id}
            for message_id in message_ids
            for task_id in task_ids
        ],
    )


# --- loading what the messages talk about -------------------------------------------------------


@dataclass
class _Context:
    """The tasks, meetings, councils and members a batch of rows refers to (a few queries)."""

    session: Session
    tasks: dict[int, Task]
    agencies: dict[int, Agency]
    directives: dict[int, Directive]
    meetings: dict[int, Meeting]
    councils: dict[int, Council]
    members: dict[int, Member]
    progress: dict[int, ProgressUpdate]
    announced: set[int]  # meetings the meetings feature announced itself
    agendas: dict[int, list[tuple[AgendaItem, Task | None]]]
    digests: dict[tuple[int, str], Digest | None] = field(default_factory=dict)
    # The recurring tasks' periods, loaded with the batch: a reminder names its own.
    periods: dict[int, list[TaskOccurrence]] = field(default_factory=dict)

    @classmethod
    def load(
        cls, session: Session, rows: list[Reminder], now: datetime, config: ReminderConfig
    ) -> _Context:
        def ids(kind: str) -> set[int]:
            return {r.target_id for r in rows if r.target_kind == kind and r.target_id is not None}

        tasks = _by_id(session, Task, ids(TARGET_TASK))
        meetings = _by_id(session, Meeting, ids(TARGET_MEETING))
        progress_ids = {
            int(r.offset) for r in rows if r.kind in NOTICES_ABOUT_AN_UPDATE and r.offset.isdigit()
        }
        return cls(
            session=session,
            tasks=tasks,
            agencies=_by_id(session, Agency, {t.lead_agency_id for t in tasks.values()}),
            directives=_by_id(
                session, Directive, {t.directive_id for t in tasks.values() if t.directive_id}
            ),
            meetings=meetings,
            councils=_by_id(
                session,
                Council,
                {m.council_id for m in meetings.values()} | ids(TARGET_DIGEST),
            ),
            members=_by_id(session, Member, {r.recipient_id for r in rows if r.recipient_id}),
            progress=_by_id(session, ProgressUpdate, progress_ids),
            announced=announced_meetings(session, meetings),
            agendas=_agendas(session, {r.target_id for r in rows if r.kind == "meeting_agenda"}),
            periods=periods_of(
                session=session,
                task_ids=[t.id for t in tasks.values() if t.recurrence is not None and t.id],
            ),
        )

    def closed_reason(self, row: Reminder, now: datetime) -> tuple[OutboxState, str] | None:
        """Why a planned reminder should not go out any more (its target changed meanwhile)."""
        if row.target_id is None:
            return None
        if row.kind in TASK_KINDS:
            task = self.tasks.get(row.target_id)
            if task is None or task.state in CLOSED_TASK_STATES:
                return OutboxState.CANCELLED, "task closed"
        elif row.kind in MEETING_KINDS:
            meeting = self.meetings.get(row.target_id)
            if meeting is None or meeting.state != "planned":
                return OutboxState.CANCELLED, "meeting cancelled"
            if meeting.starts_at is not None and meeting.starts_at <= now:
                return OutboxState.SKIPPED, "meeting already started"
            if row.kind == "meeting_notice" and row.target_id in self.announced:
                return OutboxState.CANCELLED, "announced by the meeting's own notice"
        return None

    def unreachable(self, member_id: int | None) -> bool:
        member = self.members.get(member_id or 0)
        return member is not None and member.private_chat_ok is False

    def view(self, row: Reminder, now: datetime, config: ReminderConfig) -> ReminderView:
        assert row.id is not None
        member = self.members.get(row.recipient_id or 0)
        lang = member.language if member else "vi"
        task_facts = meeting_facts = digest = None
        can_snooze = row.kind in PLANNED_KINDS
        if row.target_kind == TARGET_TASK and row.target_id in self.tasks:
            task_facts = self._task_facts(self.tasks[row.target_id], lang)
            if self.tasks[row.target_id].recurrence is not None and "@" in row.offset:
                task_facts = self._period_facts(task_facts, row, lang, config)
        elif row.target_kind == TARGET_MEETING and row.target_id in self.meetings:
            meeting = self.meetings[row.target_id]
            council = self.councils.get(meeting.council_id)
            meeting_facts = MeetingFacts(
                meeting_id=row.target_id,
                title=meeting.title,
                council_name=_name(council, lang) if council else "",
                starts_at=meeting.starts_at,
                when_text=meeting.when_text,
                place=meeting.place,
                online_link=meeting.online_link,
                window_start=meeting.window_start,
                window_end=meeting.window_end,
                agenda=tuple(
                    (item.text, task.id if task else None, categorize(task, now) if task else "")
                    for item, task in self.agendas.get(row.target_id, [])
                ),
            )
            if meeting.starts_at is not None:
                can_snooze = can_snooze and (
                    config.calendar.add_working_days(now, 1) < meeting.starts_at
                )
        elif row.target_kind == TARGET_DIGEST and row.target_id is not None:
            cache_key = (row.target_id, row.offset)
            if cache_key not in self.digests:
                self.digests[cache_key] = build_digest(
                    session=self.session,
                    council_id=row.target_id,
                    until=row.due_at,
                    now=now,
                    config=config,
                )
            digest = self.digests[cache_key]
        progress = (
            self.progress.get(int(row.offset))
            if row.kind in NOTICES_ABOUT_AN_UPDATE and row.offset.isdigit()
            else None
        )
        return ReminderView(
            reminder_id=row.id,
            key=row.key,
            kind=row.kind,
            offset=row.offset,
            target_kind=row.target_kind,
            target_id=row.target_id,
            lang=lang,
            timezone=config.timezone,
            now=now,
            due_at=row.due_at,
            late=row.late,
            recipient_name=member.full_name if member else "",
            can_snooze=can_snooze,
            task=task_facts,
            meeting=meeting_facts,
            digest=digest,
            progress=progress,
        )

    def _period_facts(
        self, facts: TaskFacts, row: Reminder, lang: str, config: ReminderConfig
    ) -> TaskFacts:
        """A recurring task's reminder speaks of its own period (the offset's anchor day)."""
        anchor = row.offset.rsplit("@", 1)[1][:8]
        period = period_on_day(self.periods.get(facts.task_id, ()), anchor, config.timezone)
        if period is None:
            return facts
        deadline = deadline_in_force(period)
        label = occurrence_label(period, lang)
        return replace(
            facts,
            due_text=f"{facts.due_text} — {label}" if facts.due_text else label,
            due_start=deadline,
            due_end=deadline,
            due_precision="day",
            deadline=deadline,
            one_period=True,
        )

    def _task_facts(self, task: Task, lang: str) -> TaskFacts:
        assert task.id is not None
        agency = self.agencies.get(task.lead_agency_id)
        directive = self.directives.get(task.directive_id or 0)
        return TaskFacts(
            task_id=task.id,
            title=task.title,
            state=task.state,
            agency_code=agency.code if agency else "",
            agency_name=_name(agency, lang) if agency else "",
            due_text=task.due_text,
            due_start=task.due_start,
            due_end=task.due_end,
            due_precision=task.due_precision,
            deadline=deadline_in_force(task),
            directive_number=directive.number if directive else None,
            clause=task.clause,
        )


def _agendas(
    session: Session, meeting_ids: set[int | None]
) -> dict[int, list[tuple[AgendaItem, Task | None]]]:
    """The agenda items of the meetings, with the tasks they link (only for agenda digests)."""
    ids = [i for i in meeting_ids if i is not None]
    if not ids:
        return {}
    agendas: dict[int, list[tuple[AgendaItem, Task | None]]] = {}
    rows = session.exec(
        select(AgendaItem, Task)
        .outerjoin(Task, col(Task.id) == col(AgendaItem.task_id))
        .where(col(AgendaItem.meeting_id).in_(ids))
        .order_by(col(AgendaItem.meeting_id), col(AgendaItem.position))
    ).all()
    for item, task in rows:
        agendas.setdefault(item.meeting_id, []).append((item, task))
    return agendas


def _name(entity: Agency | Council, lang: str) -> str:
    return entity.name_en if lang == "en" else entity.name_vi


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in session.exec(select(model).where(col(model.id).in_(ids)))}
