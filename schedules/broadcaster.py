"""Sending a broadcast: every delivery row once, paced under Telegram's limits.

Works only from the ``delivery`` rows written when the secretariat pressed Send, so a broadcast
cut short by a crash resumes at start with the recipients not yet served. Each row is claimed
(PENDING → SENDING with this run's token; on PostgreSQL with ``FOR UPDATE SKIP LOCKED`` so two
instances never take the same row), sent after the pacer's turn, and marked SENT with Telegram's
message id in its own short transaction only after Telegram answered. As for reminders, the one
way a recipient gets a notice twice is a crash between Telegram's answer and that commit; the
stale claim is then handed back and sent again rather than lost (at once when the process that
held it was killed on the same host and the bot restarted there: bot/outbound/broadcast_jobs.py).

Failures: 429 pauses every send for ``retry_after`` (the row goes back without counting an
attempt); 5xx, network errors and timeouts retry with doubling backoff up to ``max_attempts``;
403 and 400 fail the row at once with the reason (and mark the member unreachable).

Claims and retries follow the reminders' settings (``[reminders] max_attempts``,
``backoff_seconds``, ``backoff_max_seconds``, ``stale_claim_minutes``: one mechanism for
reminders, notices and broadcasts). A run does not end while rows of its broadcast are claimed
by another process: it waits until they are sent, or until their claim is stale, then takes
them back and sends them; and it gives back what it has not sent once half the stale-claim time
has passed, so that a live sender's claims never look stale. Every process resumes, every
minute, the broadcasts whose rows a stopped process left (bot/outbound/broadcast_jobs.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Protocol

from sqlalchemy import Connection, Engine, or_, update
from sqlmodel import Session, col, func, select

from db.engine import is_postgres, session_scope, transaction_retried_once
from db.models import (
    AgendaItem,
    Broadcast,
    BroadcastState,
    Council,
    Delivery,
    Meeting,
    Member,
    OutboxState,
)
from schedules.clock import Clock
from schedules.dispatcher import Button, PermanentFailure, RetryLater, SendResult, TransientFailure
from schedules.pacing import Pacer, Sleep
from schedules.reminders import ReminderConfig

logger = logging.getLogger(__name__)

ERROR_LIMIT = 500
BATCH = 50


@dataclass(frozen=True)
class DeliveryView:
    """What the renderer needs to write one recipient's notice."""

    delivery_id: int
    broadcast_id: int
    text: str
    lang: str
    recipient_name: str
    meeting: Meeting | None
    council: Council | None = None
    agenda: tuple[str, ...] = ()
    # For meeting notices: "created", "rescheduled" or "cancelled" (else "").
    notice: str = ""


@dataclass(frozen=True)
class Notice:
    text: str
    buttons: tuple[Button, ...] = ()
    # A file sent right after the message (the meeting's .ics): (file name, content).
    attachment: tuple[str, bytes] | None = None


class NoticeSender(Protocol):
    async def send(self, chat_id: int, text: str, buttons: Sequence[Button]) -> SendResult: ...

    async def send_document(
        self, chat_id: int, file_name: str, content: bytes, caption: str
    ) -> SendResult: ...


@dataclass(frozen=True)
class Progress:
    broadcast_id: int
    total: int
    delivered: int
    failed: int
    pending: int

    # This run marked the broadcast done (so it, and no other process, posts the report).
    closed_here: bool = False

    @property
    def finished(self) -> bool:
        return self.pending == 0


@dataclass(frozen=True)
class BroadcastConfig:
    max_attempts: int = 5
    backoff: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(hours=1)
    stale_claim_after: timedelta = timedelta(minutes=5)
    progress_every: timedelta = timedelta(seconds=5)
    # How long a run waiting for another process's claims sleeps before looking again.
    poll_every: timedelta = timedelta(seconds=5)

    @classmethod
    def of(cls, retry: ReminderConfig) -> BroadcastConfig:
        """The reminders' claim-and-retry settings, shared."""
        return cls(
            max_attempts=retry.max_attempts,
            backoff=retry.backoff,
            backoff_max=retry.backoff_max,
            stale_claim_after=retry.stale_claim_after,
        )

    def backoff_after(self, attempts: int) -> timedelta:
        """As ReminderConfig.backoff_after: doubling from ``backoff``, capped."""
        return min(self.backoff * 2 ** max(0, attempts - 1), self.backoff_max)


Renderer = Callable[[DeliveryView], Notice]
OnProgress = Callable[[Progress], Awaitable[None]]


class Broadcaster:
    def __init__(
        self,
        *,
        engine: Engine,
        clock: Clock,
        sender: NoticeSender,
        pacer: Pacer,
        sleep: Sleep,
        renderer: Renderer,
        instance_id: str,
        config: BroadcastConfig | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.sender = sender
        self.pacer = pacer
        self.sleep = sleep
        self.renderer = renderer
        self.instance_id = instance_id
        self.config = config or BroadcastConfig()

    async def run(self, broadcast_id: int, on_progress: OnProgress | None = None) -> Progress:
        """Send every pending delivery of the broadcast; returns the final progress."""
        last_report = self.clock.now()
        while True:
            claimed_at = self.clock.now()
            batch = self._claim(broadcast_id)
            if batch:
                for index, delivery_id in enumerate(batch):
                    if self.clock.now() - claimed_at > self.config.stale_claim_after / 2:
                        self._give_back(batch[index:])
                        break
                    await self._deliver(delivery_id)
                    if on_progress and self.clock.now() - last_report >= self.config.progress_every:
                        last_report = self.clock.now()
                        await on_progress(self.progress(broadcast_id))
                continue
            wait = self._next_retry_in(broadcast_id)
            if wait is None:
                break
            if wait <= timedelta(0) and self.recover_stale_claims(broadcast_id):
                continue
            wait = min(wait, self.config.poll_every)
            await self.sleep(max(wait.total_seconds(), 0.001))
        final = self._finish(broadcast_id)
        if on_progress:
            await on_progress(final)
        return final

    def recover_stale_claims(self, broadcast_id: int | None = None) -> int:
        """Hand back deliveries claimed by a process that died before Telegram answered."""
        cutoff = self.clock.now() - self.config.stale_claim_after
        stale = [col(Delivery.state) == OutboxState.SENDING, col(Delivery.claimed_at) < cutoff]
        if broadcast_id is not None:
            stale.append(col(Delivery.broadcast_id) == broadcast_id)
        with session_scope(self.engine) as session:
            result = session.execute(
                update(Delivery)
                .where(*stale)
                .values(state=OutboxState.PENDING, claimed_by=None, claimed_at=None)
            )
            count = int(result.rowcount)  # type: ignore[attr-defined]
        if count:
            logger.warning("%d broadcast deliveries were claimed but never finished; queued", count)
        return count

    def open_claimers(self) -> list[str]:
        """The instances holding deliveries they have not finished sending."""
        with Session(self.engine) as session:
            return [
                str(claimer)
                for claimer in session.exec(
                    select(Delivery.claimed_by)
                    .where(
                        col(Delivery.state) == OutboxState.SENDING,
                        col(Delivery.claimed_by).is_not(None),
                    )
                    .distinct()
                ).all()
            ]

    def release_claims_of(self, claimers: list[str]) -> int:
        """Hand back at once what ``claimers`` (known dead, e.g. killed) held, without waiting
        for their claims to go stale."""
        if not claimers:
            return 0
        with session_scope(self.engine) as session:
            result = session.execute(
                update(Delivery)
                .where(
                    col(Delivery.state) == OutboxState.SENDING,
                    col(Delivery.claimed_by).in_(claimers),
                )
                .values(state=OutboxState.PENDING, claimed_by=None, claimed_at=None)
            )
            count = int(result.rowcount)  # type: ignore[attr-defined]
        if count:
            logger.warning("%d broadcast deliveries of a stopped process were queued again", count)
        return count

    def progress(self, broadcast_id: int) -> Progress:
        with Session(self.engine) as session:
            counts = dict(
                session.exec(
                    select(Delivery.state, func.count())
                    .where(Delivery.broadcast_id == broadcast_id)
                    .group_by(col(Delivery.state))
                ).all()
            )
        return Progress(
            broadcast_id=broadcast_id,
            total=sum(counts.values()),
            delivered=counts.get(OutboxState.SENT, 0),
            failed=counts.get(OutboxState.FAILED, 0),
            pending=counts.get(OutboxState.PENDING, 0) + counts.get(OutboxState.SENDING, 0),
        )

    # --- internals ---------------------------------------------------------------------------

    def _claim(self, broadcast_id: int) -> list[int]:
        now = self.clock.now()
        ready = (
            select(Delivery.id)
            .where(
                Delivery.broadcast_id == broadcast_id,
                Delivery.state == OutboxState.PENDING,
                or_(col(Delivery.next_attempt_at).is_(None), col(Delivery.next_attempt_at) <= now),
            )
            .order_by(col(Delivery.id))
            .limit(BATCH)
        )
        with session_scope(self.engine) as session:
            if is_postgres(self.engine):
                ready = ready.with_for_update(skip_locked=True)
            ids = list(session.exec(ready).all())
            if not ids:
                return []
            result = session.execute(
                update(Delivery)
                .where(col(Delivery.id).in_(ids), col(Delivery.state) == OutboxState.PENDING)
                .values(state=OutboxState.SENDING, claimed_by=self.instance_id, claimed_at=now)
                .returning(col(Delivery.id))
            )
            return sorted(row[0] for row in result)

    async def _deliver(self, delivery_id: int) -> None:
        with Session(self.engine) as session:
            row = session.exec(
                select(Delivery, Member, Broadcast)
                .join(Member, col(Member.id) == col(Delivery.member_id))
                .join(Broadcast, col(Broadcast.id) == col(Delivery.broadcast_id))
                .where(Delivery.id == delivery_id)
            ).one()
            delivery, member, broadcast = row
            meeting = session.get(Meeting, broadcast.meeting_id) if broadcast.meeting_id else None
            agenda = (
                session.exec(
                    select(AgendaItem.text)
                    .where(AgendaItem.meeting_id == meeting.id)
                    .order_by(col(AgendaItem.position))
                ).all()
                if meeting
                else []
            )
            view = DeliveryView(
                delivery_id=delivery_id,
                broadcast_id=broadcast.id or 0,
                text=broadcast.text,
                lang=member.language,
                recipient_name=member.full_name,
                meeting=meeting,
                council=session.get(Council, broadcast.council_id),
                agenda=tuple(agenda),
                notice=str(broadcast.audience.get("notice", "")),
            )
            chat_id, attempts, member_id = delivery.chat_id, delivery.attempts, member.id
        try:
            notice = self.renderer(view)
            await self.pacer.wait_turn(chat_id)
            sent = await self.sender.send(chat_id, notice.text, notice.buttons)
        except RetryLater as wait:
            self.pacer.pause(wait.seconds)
            self._release(delivery_id, after=timedelta(seconds=wait.seconds), attempts=attempts)
            return
        except PermanentFailure as failure:
            self._fail(delivery_id, failure.reason, member_id if failure.unreachable else None)
            return
        except Exception as failure:  # transient, or a rendering bug: neither stops the others
            reason = failure.reason if isinstance(failure, TransientFailure) else repr(failure)
            if attempts + 1 >= self.config.max_attempts:
                self._fail(delivery_id, reason, None)
            else:
                backoff = self.config.backoff_after(attempts + 1)
                self._release(delivery_id, after=backoff, attempts=attempts + 1, reason=reason)
            return
        self._mark_sent(delivery_id, sent.message_id)
        if notice.attachment is not None:
            await self._attach(chat_id, delivery_id, notice.attachment)

    async def _attach(self, chat_id: int, delivery_id: int, attachment: tuple[str, bytes]) -> None:
        """The meeting's calendar file, after the notice; its failure does not undo the notice."""
        file_name, content = attachment
        try:
            await self.pacer.wait_turn(chat_id)
            await self.sender.send_document(chat_id, file_name, content, "")
        except RetryLater as wait:
            self.pacer.pause(wait.seconds)
            self._note(delivery_id, f"calendar file not sent: retry after {wait.seconds:g}s")
        except (PermanentFailure, TransientFailure) as failure:
            self._note(delivery_id, f"calendar file not sent: {failure.reason}")

    def _mark_sent(self, delivery_id: int, message_id: int) -> None:
        # Sent: it must be marked, lest it be sent again (a lost connection is tried once more).
        transaction_retried_once(
            self.engine, lambda c: self._write_sent(c, delivery_id, message_id)
        )

    def _write_sent(self, connection: Connection, delivery_id: int, message_id: int) -> None:
        connection.execute(
            update(Delivery)
            .where(col(Delivery.id) == delivery_id, col(Delivery.claimed_by) == self.instance_id)
            .values(
                state=OutboxState.SENT,
                message_id=message_id,
                delivered_at=self.clock.now(),
                claimed_by=None,
            )
        )
        # Reached in private: whoever had blocked the bot has unblocked it.
        reached = select(Delivery.member_id).where(
            col(Delivery.id) == delivery_id, col(Delivery.chat_id) > 0
        )
        connection.execute(
            update(Member)
            .where(col(Member.id).in_(reached), col(Member.private_chat_ok).is_(False))
            .values(private_chat_ok=True)
        )

    def _release(
        self, delivery_id: int, *, after: timedelta, attempts: int, reason: str | None = None
    ) -> None:
        with session_scope(self.engine) as session:
            values: dict[str, object] = {
                "state": OutboxState.PENDING,
                "claimed_by": None,
                "attempts": attempts,
                "next_attempt_at": self.clock.now() + after,
            }
            if reason:
                values["last_error"] = reason[:ERROR_LIMIT]
            session.execute(update(Delivery).where(col(Delivery.id) == delivery_id).values(values))

    def _fail(self, delivery_id: int, reason: str, unreachable_member: int | None) -> None:
        with session_scope(self.engine) as session:
            session.execute(
                update(Delivery)
                .where(col(Delivery.id) == delivery_id)
                .values(state=OutboxState.FAILED, claimed_by=None, last_error=reason[:ERROR_LIMIT])
            )
            if unreachable_member is not None:
                session.execute(
                    update(Member)
                    .where(col(Member.id) == unreachable_member)
                    .values(private_chat_ok=False)
                )

    def _note(self, delivery_id: int, reason: str) -> None:
        with session_scope(self.engine) as session:
            session.execute(
                update(Delivery)
                .where(col(Delivery.id) == delivery_id)
                .values(last_error=reason[:ERROR_LIMIT])
            )

    def _next_retry_in(self, broadcast_id: int) -> timedelta | None:
        """How long until there may be work: a delivery waiting for its retry, or one claimed by
        another process that finishes it or lets its claim go stale. None when nothing is left."""
        open_rows = (
            select(Delivery.state, Delivery.next_attempt_at, Delivery.claimed_at)
            .where(
                Delivery.broadcast_id == broadcast_id,
                col(Delivery.state).in_([OutboxState.PENDING, OutboxState.SENDING]),
            )
            .order_by(col(Delivery.id))
        )
        with Session(self.engine) as session:
            rows = session.exec(open_rows).all()
        if not rows:
            return None
        now = self.clock.now()
        moments = []
        for state, next_attempt_at, claimed_at in rows:
            if state == OutboxState.PENDING:
                moments.append(next_attempt_at or now)
            else:  # another process has it: done soon, or stale then
                moments.append((claimed_at or now) + self.config.stale_claim_after)
        return min(moments) - now

    def _give_back(self, delivery_ids: list[int]) -> None:
        """Rows of a batch that ran long, unsent: back in the queue before they look stale."""
        with session_scope(self.engine) as session:
            session.execute(
                update(Delivery)
                .where(
                    col(Delivery.id).in_(delivery_ids),
                    col(Delivery.claimed_by) == self.instance_id,
                    col(Delivery.state) == OutboxState.SENDING,
                )
                .values(state=OutboxState.PENDING, claimed_by=None, claimed_at=None)
            )

    def _finish(self, broadcast_id: int) -> Progress:
        progress = self.progress(broadcast_id)
        if progress.finished:
            with session_scope(self.engine) as session:
                closed = session.execute(
                    update(Broadcast)
                    .where(
                        col(Broadcast.id) == broadcast_id,
                        col(Broadcast.state) == BroadcastState.SENDING,
                    )
                    .values(state=BroadcastState.DONE, finished_at=self.clock.now())
                    .returning(col(Broadcast.id))
                ).first()
            if closed is not None:
                return replace(progress, closed_here=True)
        return progress
