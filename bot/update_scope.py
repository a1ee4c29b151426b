"""One update's unit of work: its change, the inbox row marked processed, and its first answer
committed together; the answers sent after that commit and marked sent.

While an update is handled (``bot.eventlog.LoggedApplication.process_update``), a
:class:`UpdateScope` is bound to the handling task. ``Runtime.session()`` then does not commit a
block that wrote something: it flushes it and keeps the transaction open (later blocks of the
same update join it). The first Telegram call the handling makes — its answer, caught at the
HTTP boundary by :class:`InboxRequest` — commits that transaction, with the inbox row marked
processed and the call itself recorded (``inbox_answer``: method and parameters), and only then
goes out. When handling ends, the answers Telegram accepted are marked sent and the row answered.

So a crash after the commit leaves a processed update with an unsent answer, which the inbox
recovery (``bot/inbox.py``) sends; a crash before it leaves nothing applied and the update is
handled again; a redelivered update that was processed changes nothing and sends nothing. The
narrow spot: the changes of a handler that writes again *after* it answered are committed on
their own (the update is already processed), as before.

Nothing is sent while the transaction is open, and everything a handler awaits is a Telegram
call, so the open transaction never waits on anything but the database.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from db import inbox
from db.engine import is_dropped_connection, transaction_retried_once
from schedules.clock import Clock
from schedules.pacing import Pacer

logger = logging.getLogger(__name__)

# Calls recorded with the change and sent again after a crash. answerCallbackQuery only with a
# text (a pop-up); the recovery turns it into a message, the query being long expired by then.
RECORDED = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery"}
)


MESSAGE_LIMIT = 4096

# A reply that meets a 429 or a 5xx is tried again, at most this many times in all: delayed, not
# lost (the outbox senders retry on their own, through their rows).
REPLY_ATTEMPTS = 4
# Waits before trying a reply again after a 5xx (seconds); a 429 waits what Telegram says.
REPLY_BACKOFF = (1.0, 2.0, 4.0)


def is_sending(method: str) -> bool:
    """Bot API calls that count against Telegram's limits: messages, files, edits, answers."""
    if method == "sendChatAction":
        return False
    return method.startswith(("send", "edit", "copy", "forward")) or (
        method == "answerCallbackQuery"
    )


def retry_after(body: bytes) -> float:
    """The ``retry_after`` of a 429's body (1 s if it cannot be read)."""
    try:
        value = json.loads(body)["parameters"]["retry_after"]
        return max(float(value), 1.0)
    except (ValueError, KeyError, TypeError):
        return 1.0


class ClaimLost(BaseException):
    """The update's claim went stale and another process took it: this handling must stop and
    its change is rolled back (the other process applies it)."""


class _Unit:
    """An open session whose writes wait for the update's first answer."""

    def __init__(self, engine: Engine) -> None:
        self.session = Session(engine, expire_on_commit=False)
        self.writes = 0
        event.listen(self.session, "after_flush", self._flushed)
        event.listen(self.session, "do_orm_execute", self._executed)

    @property
    def wrote(self) -> bool:
        return self.writes > 0

    def _flushed(self, *_: Any) -> None:
        self.writes += 1

    def _executed(self, state: Any) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            self.writes += 1

    def unflushed(self) -> bool:
        session = self.session
        return bool(session.new or session.dirty or session.deleted)

    def close(self) -> None:
        self.session.close()


@dataclass
class UpdateScope:
    """The state of one update's handling in this process."""

    engine: Engine
    clock: Clock
    update_id: int
    claimer: str
    task: asyncio.Task[Any] | None = None
    unit: _Unit | None = None
    processed: bool = False
    recorded: list[int] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)
    given_up: dict[int, str] = field(default_factory=dict)
    # What the log line says: "ok", "refused:<key>", "error:<Type>", "answer_failed:<call>".
    outcome: str = "ok"
    # Handled late (taken over from a stopped process): the first message says so.
    late_note: str | None = None
    # Telegram calls made (or about to be made); a lost connection is retried only before any.
    calls: int = 0
    # Handle the update again once (a database connection was lost before anything was done).
    again: bool = False
    retried: bool = False

    def note(self, outcome: str) -> None:
        """Say how handling ended; a second thing that went wrong is added, not replaced."""
        if self.outcome == "ok":
            self.outcome = outcome
        elif outcome not in self.outcome.split("+"):
            self.outcome = f"{self.outcome}+{outcome}"

    # --- the unit of work (Runtime.session) ----------------------------------------------------

    def open_session(self) -> tuple[Session, int | None]:
        """The update's open session if a write is waiting, else a new one; and the count of
        writes before this block (None: a new session)."""
        if self.unit is not None:
            return self.unit.session, self.unit.writes
        unit = _Unit(self.engine)
        self.unit = unit
        return unit.session, None

    def block_done(self, writes_before: int | None) -> None:
        """A ``with runtime.session()`` block ended normally."""
        unit = self.unit
        assert unit is not None
        unit.session.flush()
        if writes_before is None and not unit.wrote:  # read only: nothing to keep open
            unit.session.commit()
            unit.close()
            self.unit = None

    def block_failed(self, writes_before: int | None) -> None:
        """A block raised. If it wrote nothing (a refusal, the usual case) what earlier blocks
        wrote still stands, as when each block committed on its own; if it did, the whole unit
        is rolled back (none of it was told to anyone)."""
        unit = self.unit
        if unit is None:
            return
        if writes_before is not None and unit.writes == writes_before and not unit.unflushed():
            return
        unit.session.rollback()
        unit.close()
        self.unit = None

    # --- Telegram calls (InboxRequest) ---------------------------------------------------------

    def late_request(self, method: str, request_data: RequestData | None) -> RequestData | None:
        """The first message of an update handled late, with the note that says so."""
        if self.late_note is None or method != "sendMessage" or request_data is None:
            return request_data
        params = dict(request_data.parameters)
        text = f"{self.late_note}\n\n{params.get('text', '')}"
        if params.get("parse_mode") != "HTML" or len(text) > MESSAGE_LIMIT:
            return request_data
        self.late_note = None
        params["text"] = text
        return RequestData(
            [RequestParameter.from_input(key, value) for key, value in params.items()]
        )

    def before_call(self, method: str, request_data: RequestData | None) -> int | None:
        """Commit what waits, with this call recorded if it is an answer; returns its id."""
        self.calls += 1
        params = dict(request_data.parameters) if request_data is not None else {}
        record = (
            method in RECORDED
            and not (request_data is not None and request_data.contains_files)
            and (method != "answerCallbackQuery" or bool(params.get("text")))
        )
        unit, self.unit = self.unit, None
        if unit is None:
            if not (record and self.processed):
                return None  # nothing applied yet: a crash means the update is handled again
            with self.engine.begin() as connection:
                return self._record(connection, method, params)
        try:
            connection = unit.session.connection()
            answer_id: int | None
            if record and not self.processed:  # the usual case: one statement for both
                answer_id = self._mark_with_answer(connection, method, params)
            else:
                self._mark(connection)
                answer_id = self._record(connection, method, params) if record else None
            unit.session.commit()
        finally:
            unit.close()
        return answer_id

    def after_call(self, answer_id: int | None, method: str, status: int | None) -> None:
        ok = status is not None and 200 <= status < 300
        if not ok:
            self.note(f"answer_failed:{method}:{status or 'no answer'}")
        if answer_id is None:
            return
        if ok:
            self.sent.append(answer_id)
        elif status is not None and status in (400, 403):
            self.given_up[answer_id] = f"{status} from Telegram"  # retrying will not help

    def commit_pending(self) -> None:
        """Commit a waiting change now (before starting work that reads it in another task)."""
        unit, self.unit = self.unit, None
        if unit is None:
            return
        try:
            self._mark(unit.session.connection())
            unit.session.commit()
        finally:
            unit.close()

    # --- the end -------------------------------------------------------------------------------

    def finish(self) -> None:
        """Handling ended: commit what waits, mark the answers sent and the row answered."""
        unit, self.unit = self.unit, None
        settled = all(i in self.sent or i in self.given_up for i in self.recorded)
        if unit is None:
            # After the answers went out: a lost connection must not leave them unmarked (the
            # recovery would send them again).
            transaction_retried_once(self.engine, lambda c: self._finish(c, settled))
            return
        try:
            connection = unit.session.connection()
            # The row's last write also marks it processed (one statement less per update,
            # issue 16); the claim lost, the change is rolled back as _mark would.
            if not self._finish(connection, settled):
                raise ClaimLost(self.update_id)
            self.processed = True
            unit.session.commit()
        finally:
            unit.close()

    def abandon(self) -> None:
        """The process stops mid-way (a crash, a cancellation): nothing more is written; the
        claim goes stale and another start takes the update over."""
        if self.unit is not None:
            self.unit.close()  # rolls back
            self.unit = None

    def retry_once(self) -> bool:
        """After a lost database connection: handle the update again from the start, once, if
        nothing of it was committed or sent (its uncommitted work is dropped). False when it
        was, or when this is the second time."""
        if self.retried or self.processed or self.calls or self.recorded:
            return False
        if self.unit is not None:
            self.unit.close()  # its connection is gone: nothing of it was committed
            self.unit = None
        self.again = self.retried = True
        return True

    def take_again(self) -> bool:
        """Whether the update is to be handled again now (asked by :meth:`retry_once`)."""
        again, self.again = self.again, False
        return again

    # --- internals -----------------------------------------------------------------------------

    def _mark(self, connection: Any) -> None:
        if self.processed:
            return
        if not inbox.mark_processed(
            connection, update_id=self.update_id, claimer=self.claimer, now=self.clock.now()
        ):
            raise ClaimLost(self.update_id)
        self.processed = True

    def _mark_with_answer(self, connection: Any, method: str, params: dict[str, Any]) -> int:
        answer_id = inbox.mark_processed_with_answer(
            connection,
            update_id=self.update_id,
            claimer=self.claimer,
            method=method,
            params=params,
            now=self.clock.now(),
        )
        if answer_id is None:
            raise ClaimLost(self.update_id)
        self.processed = True
        self.recorded.append(answer_id)
        return answer_id

    def _record(self, connection: Any, method: str, params: dict[str, Any]) -> int:
        answer_id = inbox.record_answer(
            connection,
            update_id=self.update_id,
            method=method,
            params=params,
            now=self.clock.now(),
        )
        self.recorded.append(answer_id)
        return answer_id

    def _finish(self, connection: Any, settled: bool) -> bool:
        return inbox.finish(
            connection,
            update_id=self.update_id,
            claimer=self.claimer,
            now=self.clock.now(),
            sent=self.sent,
            failed=self.given_up,
            settled=settled,
        )


_CURRENT: ContextVar[UpdateScope | None] = ContextVar("councilbot_update_scope", default=None)


def current() -> UpdateScope | None:
    """The scope of the update this task handles; None in jobs, threads and tasks it started."""
    scope = _CURRENT.get()
    if scope is None:
        return None
    try:
        task = asyncio.current_task()
    except RuntimeError:  # a worker thread (asyncio.to_thread copies the context)
        return None
    return scope if task is scope.task else None


def bind(scope: UpdateScope) -> Any:
    scope.task = asyncio.current_task()
    return _CURRENT.set(scope)


def unbind(token: Any) -> None:
    _CURRENT.reset(token)


def commit_pending() -> None:
    """Commit the current update's waiting change, if any (UpdateScope.commit_pending)."""
    scope = current()
    if scope is not None:
        scope.commit_pending()


def has_waiting_writes() -> bool:
    """The current update wrote something not committed yet (its own later reads see it)."""
    scope = current()
    return scope is not None and scope.unit is not None and scope.unit.wrote


def answer_owed() -> bool:
    """The current update was applied and an answer recorded for it is not sent yet (the
    recovery sends it: an apology on top would be wrong)."""
    scope = current()
    return scope is not None and any(
        i not in scope.sent and i not in scope.given_up for i in scope.recorded
    )


def retry_if_connection_lost(error: BaseException | None) -> bool:
    """``error`` is a lost database connection (db/engine.py) and the current update is to be
    handled again once (UpdateScope.retry_once)."""
    scope = current()
    return scope is not None and is_dropped_connection(error) and scope.retry_once()


def note_outcome(outcome: str) -> None:
    scope = current()
    if scope is not None:
        scope.note(outcome)


class InboxRequest(BaseRequest):
    """Telegram's HTTP transport, with the current update's answers recorded before they go, and
    every sending call paced under the bot's one budget (``schedules/pacing.py``): replies first,
    a 429 pausing every sender, a reply retried after a 429 or a 5xx."""

    def __init__(self, inner: BaseRequest, pacer: Callable[[], Pacer | None] | None = None) -> None:
        self.inner = inner
        self._pacer = pacer or (lambda: None)

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        scope = current()
        api_method = "" if "/file/bot" in url else url.rsplit("/", 1)[-1]
        if scope is not None:
            request_data = scope.late_request(api_method, request_data)
        answer_id = scope.before_call(api_method, request_data) if scope is not None else None
        pacer = self._pacer() if is_sending(api_method) else None
        chat_id = _chat_of(request_data)
        # A reply (made while an update is handled) goes first and is retried; a background
        # sender's request is tried once (its outbox row is retried).
        attempts = REPLY_ATTEMPTS if scope is not None and pacer is not None else 1
        status: int | None = None
        try:
            for attempt in range(attempts):
                if pacer is not None:
                    if pacer.take_ticket(chat_id):
                        await pacer.wait_unpaused()
                    else:
                        await pacer.wait_turn(chat_id, interactive=scope is not None)
                        pacer.take_ticket(chat_id)
                answered = await self.inner.do_request(
                    url,
                    method,
                    request_data,
                    read_timeout=read_timeout,
                    write_timeout=write_timeout,
                    connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout,
                )
                status, body = answered
                if status == 429 and pacer is not None:
                    pacer.pause(retry_after(body))  # every sender sharing the budget waits
                last = attempt == attempts - 1
                if last or not (status == 429 or status >= 500):
                    break
                logger.info("%s answered %s: trying again (%d)", api_method, status, attempt + 1)
                if status >= 500 and pacer is not None:
                    await pacer.sleep(REPLY_BACKOFF[min(attempt, len(REPLY_BACKOFF) - 1)])
        finally:
            if scope is not None and api_method:
                scope.after_call(answer_id, api_method, status)
        return answered


def _chat_of(request_data: RequestData | None) -> int | None:
    value = request_data.parameters.get("chat_id") if request_data is not None else None
    try:
        return int(value) if isinstance(value, int | str) else None
    except ValueError:
        return None  # a channel's @username: counted globally only
