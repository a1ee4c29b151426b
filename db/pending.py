"""What the bot waits for from a member in a chat: the state of a short guided conversation.

Stored in the database so that it survives a restart and works with several instances.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from db.errors import AppError, InvalidInput
from db.ids import button_id
from db.models import PendingInput
from db.once import AlreadyHandled, take

PENDING_TTL = timedelta(minutes=30)
BUTTON_TOKEN = "button_token"  # the data key of the row's current mark (pending_key)
_KEY = re.compile(r"([0-9]{1,10})-([0-9a-f]{8})")


def pending_key(pending: PendingInput) -> str:
    """How a button names ``pending``: its id and the random mark :func:`set_pending` gave it
    ("12-a1b2c3d4"). The row (and its id) is reused when the member is asked something else in
    the chat, so the id alone would let an older question's buttons take the newer input (an
    older /assign preview's "Xác nhận" creating the newer one's task)."""
    return f"{pending.id}-{pending.data.get(BUTTON_TOKEN, '')}"


def button_token(pending: PendingInput) -> str | None:
    """The mark of ``pending``'s buttons (to ask the same question again: set_pending)."""
    token = pending.data.get(BUTTON_TOKEN)
    return token if isinstance(token, str) else None


def read_pending_key(text: str) -> tuple[int, str]:
    """The (id, mark) a button's :func:`pending_key` carries; anything else is a stale button."""
    match = _KEY.fullmatch(text)
    if match is None:
        raise AppError("stale_button")
    return button_id(match.group(1)), match.group(2)


def set_pending(
    *,
    session: Session,
    member_id: int,
    chat_id: int,
    action: str,
    now: datetime,
    task_id: int | None = None,
    data: dict[str, Any] | None = None,
    keep_token: str | None = None,
) -> PendingInput:
    """Wait for ``action`` from the member in the chat, replacing anything waited for before.
    Its buttons' mark (:func:`pending_key`) is new, unless ``keep_token`` (the same question
    asked again, its buttons still on screen)."""
    pending = _find(session, member_id, chat_id)
    if pending is None:
        pending = PendingInput(
            member_id=member_id,
            chat_id=chat_id,
            action=action,
            created_at=now,
            expires_at=now + PENDING_TTL,
        )
    pending.action = action
    pending.task_id = task_id
    # A new mark each time: buttons of what was waited for before no longer take this.
    pending.data = {**(data or {}), BUTTON_TOKEN: keep_token or secrets.token_hex(4)}
    pending.created_at = now
    pending.expires_at = now + PENDING_TTL
    session.add(pending)
    session.flush()
    return pending


def get_pending(
    *, session: Session, member_id: int, chat_id: int, now: datetime
) -> PendingInput | None:
    """What is awaited, if anything and not expired (an expired one is removed)."""
    return unexpired(session=session, pending=_find(session, member_id, chat_id), now=now)


def unexpired(
    *, session: Session, pending: PendingInput | None, now: datetime
) -> PendingInput | None:
    """``pending`` (as read), unless it expired: then it is removed."""
    if pending is not None and pending.expires_at <= now:
        session.delete(pending)
        return None
    return pending


def take_pending(
    *,
    session: Session,
    pending_id: int,
    member_id: int,
    now: datetime,
    action: str | None = None,
    token: str | None = None,
) -> PendingInput:
    """Consume the pending input a button names (confirm-once, see db.once): the first press
    takes it; a second press, here or on another instance, is told it was already handled. With
    ``token`` (the mark of :func:`read_pending_key`), a button of an input since replaced by
    another is refused (raised in the caller's transaction: the take is rolled back with it)."""
    conditions = [col(PendingInput.id) == pending_id, col(PendingInput.member_id) == member_id]
    if action is not None:
        conditions.append(col(PendingInput.action) == action)
    try:
        row = take(session, PendingInput, *conditions, col(PendingInput.expires_at) > now)
    except AlreadyHandled:
        if session.exec(select(PendingInput.id).where(*conditions)).first() is not None:
            clear_expired(session=session, member_id=member_id, now=now)
            raise InvalidInput("input_expired") from None
        raise
    taken = PendingInput(**row._asdict())
    if token is not None and taken.data.get(BUTTON_TOKEN) != token:
        raise InvalidInput("input_replaced")
    return taken


def clear_expired(*, session: Session, member_id: int, now: datetime) -> None:
    for pending in session.exec(
        select(PendingInput).where(
            PendingInput.member_id == member_id, col(PendingInput.expires_at) <= now
        )
    ):
        session.delete(pending)


def mark_prompt(*, session: Session, member_id: int, chat_id: int, message_id: int) -> None:
    """Remember which message of the bot asked for the member's pending input (in a group,
    where others may reply to it)."""
    pending = _find(session, member_id, chat_id)
    if pending is not None:
        pending.data = {**pending.data, "prompt_message_id": message_id}
        session.add(pending)


def prompt_owner(*, session: Session, chat_id: int, message_id: int, now: datetime) -> int | None:
    """The member whose pending input the bot's message ``message_id`` asked for, if any."""
    rows = session.exec(
        select(PendingInput).where(
            PendingInput.chat_id == chat_id, col(PendingInput.expires_at) > now
        )
    ).all()
    for pending in rows:
        if pending.data.get("prompt_message_id") == message_id:
            return pending.member_id
    return None


def clear_pending(*, session: Session, member_id: int, chat_id: int) -> bool:
    pending = _find(session, member_id, chat_id)
    if pending is None:
        return False
    session.delete(pending)
    return True


def drop_pending(*, session: Session, pending: PendingInput) -> None:
    """Consume a pending input already read (the message that answers it is being handled)."""
    session.delete(pending)


def kept_message(pending: PendingInput, key: str = "reply_to") -> tuple[int, int] | None:
    """A (chat, message) pair the bot kept in ``pending``'s data (written by the bot, as two
    numbers), or None."""
    kept = pending.data.get(key)
    if not isinstance(kept, list) or len(kept) != 2:
        return None
    if not all(isinstance(part, int) and not isinstance(part, bool) for part in kept):
        return None
    return kept[0], kept[1]


def _find(session: Session, member_id: int, chat_id: int) -> PendingInput | None:
    return session.exec(
        select(PendingInput).where(
            PendingInput.member_id == member_id, PendingInput.chat_id == chat_id
        )
    ).first()
