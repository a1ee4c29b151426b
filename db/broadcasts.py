"""Broadcasts: a notice from the secretariat to a council's members, with a delivery ledger.

A broadcast is a draft until the secretariat presses Send; then one delivery row per recipient
is written in the same transaction, before anything is sent. The sender (schedules/broadcaster)
works only from those rows, so a crash or a restart resumes with the recipients not yet served.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from db.audit import record
from db.errors import Forbidden, InvalidInput, NotFound
from db.models import (
    Agency,
    Broadcast,
    BroadcastState,
    CouncilRole,
    Delivery,
    Meeting,
    Member,
    OutboxState,
    Role,
)
from db.once import claim
from db.permissions import Access, Actor
from db.text_input import check_length, normalize_text

TEXT_LIMIT = 3500  # leaves room for the footer under Telegram's 4096


@dataclass(frozen=True)
class Audience:
    """Who receives it: everyone in the council, or only some roles and/or agencies."""

    roles: tuple[str, ...] = ()
    agency_codes: tuple[str, ...] = ()
    member_ids: tuple[int, ...] = ()  # an explicit list (e.g. those who did not acknowledge)

    def as_json(self) -> dict[str, Any]:
        return {
            "roles": list(self.roles),
            "agencies": list(self.agency_codes),
            "members": list(self.member_ids),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Audience:
        return cls(
            roles=tuple(data.get("roles", ())),
            agency_codes=tuple(data.get("agencies", ())),
            member_ids=tuple(data.get("members", ())),
        )


@dataclass(frozen=True)
class Report:
    broadcast: Broadcast
    total: int
    delivered: int
    pending: int
    acknowledged: int
    failed: list[tuple[str, str]] = field(default_factory=list)  # (member, reason)
    unreachable: list[str] = field(default_factory=list)  # never opened a private chat / blocked
    not_acknowledged: list[str] = field(default_factory=list)  # delivered, not yet acknowledged


def recipients(*, session: Session, council_id: int, audience: Audience) -> list[Member]:
    """The council's members matching the audience, each once."""
    query = (
        select(Member)
        .join(CouncilRole, col(CouncilRole.member_id) == col(Member.id))
        .where(CouncilRole.council_id == council_id)
    )
    if audience.roles:
        query = query.where(col(CouncilRole.role).in_(audience.roles))
    if audience.agency_codes:
        agency_ids = select(Agency.id).where(col(Agency.code).in_(audience.agency_codes))
        query = query.where(col(CouncilRole.agency_id).in_(agency_ids))
    if audience.member_ids:
        query = query.where(col(Member.id).in_(audience.member_ids))
    members = session.exec(query.order_by(col(Member.id))).all()
    return list({member.id: member for member in members}.values())


def clean_broadcast_text(text: str, *, required: bool = True) -> str:
    """A broadcast's text as sent (checked before the preview too)."""
    text = normalize_text(text)
    if not text and required:
        raise InvalidInput("broadcast_text_missing")
    check_length(text, TEXT_LIMIT)
    return text


def create_broadcast(
    *,
    session: Session,
    actor: Actor,
    council_id: int,
    text: str,
    audience: Audience,
    now: datetime,
    meeting_id: int | None = None,
    notice: str = "",
) -> tuple[Broadcast, int]:
    """A draft and how many members it would reach (nothing is sent yet).

    ``notice`` ("created", "rescheduled", "cancelled") makes it the meeting's notice, written in
    each recipient's language; ``text`` is then an optional note from the secretariat.
    """
    if not actor.allows(Access.SECRETARIAT, council_id):
        raise Forbidden()
    text = clean_broadcast_text(text, required=not (meeting_id and notice))
    for role in audience.roles:
        if role not in {r.value for r in Role}:
            raise InvalidInput("broadcast_role_unknown", role=role)
    known = set(
        session.exec(select(Agency.code).where(col(Agency.code).in_(audience.agency_codes)))
    )
    for code in audience.agency_codes:
        if code not in known:
            raise InvalidInput("agency_unknown", code=code)
    count = len(recipients(session=session, council_id=council_id, audience=audience))
    if count == 0:
        raise InvalidInput("broadcast_no_recipients")
    broadcast = Broadcast(
        council_id=council_id,
        created_by=actor.member_id,
        meeting_id=meeting_id,
        text=text,
        audience={**audience.as_json(), "notice": notice} if notice else audience.as_json(),
        state=BroadcastState.DRAFT,
        created_at=now,
    )
    session.add(broadcast)
    session.flush()
    return broadcast, count


def confirm_broadcast(
    *,
    session: Session,
    actor: Actor,
    broadcast_id: int,
    now: datetime,
    progress_chat_id: int | None = None,
    progress_message_id: int | None = None,
) -> int:
    """Send was pressed: write one delivery row per recipient; returns how many."""
    broadcast = _own_broadcast(session, actor, broadcast_id)
    # Confirm-once (db.once): of two presses of Send, here or on another instance, one writes
    # the delivery rows and the other is told it was sent.
    claim(
        session,
        Broadcast,
        col(Broadcast.id) == broadcast_id,
        col(Broadcast.state) == BroadcastState.DRAFT,
        values={"state": BroadcastState.SENDING, "confirmed_at": now},
        key="broadcast_already_sent",
    )
    members = recipients(
        session=session,
        council_id=broadcast.council_id,
        audience=Audience.from_json(broadcast.audience),
    )
    for member in members:
        assert member.id is not None
        session.add(
            Delivery(
                broadcast_id=broadcast_id,
                member_id=member.id,
                chat_id=member.telegram_user_id,
                state=OutboxState.PENDING,
            )
        )
    broadcast.state = BroadcastState.SENDING
    broadcast.confirmed_at = now
    broadcast.progress_chat_id = progress_chat_id
    broadcast.progress_message_id = progress_message_id
    session.add(broadcast)
    record(
        session=session,
        at=now,
        actor=actor,
        action="broadcast.send",
        entity="broadcast",
        entity_id=broadcast_id,
        after={"recipients": len(members), "audience": broadcast.audience},
    )
    return len(members)


def cancel_draft(*, session: Session, actor: Actor, broadcast_id: int) -> None:
    _own_broadcast(session, actor, broadcast_id)
    claim(
        session,
        Broadcast,
        col(Broadcast.id) == broadcast_id,
        col(Broadcast.state) == BroadcastState.DRAFT,
        values={"state": BroadcastState.CANCELLED},
        key="broadcast_already_sent",
    )


def set_progress_message(
    *, session: Session, broadcast_id: int, chat_id: int, message_id: int
) -> None:
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is not None:
        broadcast.progress_chat_id, broadcast.progress_message_id = chat_id, message_id
        session.add(broadcast)


def acknowledge(*, session: Session, actor: Actor, delivery_id: int, now: datetime) -> bool:
    """The recipient pressed "Đã nhận"; True the first time. Someone else's button is refused."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound()
    if delivery.member_id != actor.member_id:
        raise Forbidden()
    if delivery.acknowledged_at is not None:
        return False
    delivery.acknowledged_at = now
    session.add(delivery)
    return True


def resend_failed(*, session: Session, actor: Actor, broadcast_id: int, now: datetime) -> int:
    """Put the failed deliveries back in the queue (e.g. after members opened a chat)."""
    broadcast = _own_broadcast(session, actor, broadcast_id)
    failed = session.exec(
        select(Delivery).where(
            Delivery.broadcast_id == broadcast_id, Delivery.state == OutboxState.FAILED
        )
    ).all()
    for delivery in failed:
        delivery.state = OutboxState.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = None
        session.add(delivery)
    if failed:
        broadcast.state = BroadcastState.SENDING
        broadcast.finished_at = None
        session.add(broadcast)
        record(
            session=session,
            at=now,
            actor=actor,
            action="broadcast.resend_failed",
            entity="broadcast",
            entity_id=broadcast_id,
            after={"deliveries": len(failed)},
        )
    return len(failed)


def remind_unacknowledged(
    *, session: Session, actor: Actor, broadcast_id: int, now: datetime, prefix: str
) -> tuple[Broadcast, int] | None:
    """A new broadcast, already confirmed, to those who received but did not acknowledge."""
    original = _own_broadcast(session, actor, broadcast_id)
    member_ids = session.exec(
        select(Delivery.member_id).where(
            Delivery.broadcast_id == broadcast_id,
            Delivery.state == OutboxState.SENT,
            col(Delivery.acknowledged_at).is_(None),
        )
    ).all()
    if not member_ids:
        return None
    reminder, _count = create_broadcast(
        session=session,
        actor=actor,
        council_id=original.council_id,
        text=f"{prefix}\n\n{original.text}",
        audience=Audience(member_ids=tuple(member_ids)),
        now=now,
        meeting_id=original.meeting_id,
        notice=str(original.audience.get("notice", "")),
    )
    assert reminder.id is not None
    count = confirm_broadcast(
        session=session,
        actor=actor,
        broadcast_id=reminder.id,
        now=now,
        progress_chat_id=original.progress_chat_id,
    )
    return reminder, count


def broadcast_report(*, session: Session, actor: Actor, broadcast_id: int) -> Report:
    """The delivery ledger, for the secretariat of the broadcast's council."""
    return delivery_report(session=session, broadcast=_own_broadcast(session, actor, broadcast_id))


def delivery_report(*, session: Session, broadcast: Broadcast) -> Report:
    """The delivery ledger (no permission check: for the sender's own final report)."""
    broadcast_id = broadcast.id
    rows = session.exec(
        select(Delivery, Member)
        .join(Member, col(Member.id) == col(Delivery.member_id))
        .where(Delivery.broadcast_id == broadcast_id)
        .order_by(col(Member.full_name))
    ).all()
    failed = [(m.full_name, d.last_error or "?") for d, m in rows if d.state == OutboxState.FAILED]
    unreachable = [
        m.full_name for d, m in rows if d.state == OutboxState.FAILED and m.private_chat_ok is False
    ]
    return Report(
        broadcast=broadcast,
        total=len(rows),
        delivered=sum(d.state == OutboxState.SENT for d, _ in rows),
        pending=sum(d.state in (OutboxState.PENDING, OutboxState.SENDING) for d, _ in rows),
        acknowledged=sum(d.acknowledged_at is not None for d, _ in rows),
        failed=failed,
        unreachable=unreachable,
        not_acknowledged=[
            m.full_name
            for d, m in rows
            if d.state == OutboxState.SENT and d.acknowledged_at is None
        ],
    )


def sending_broadcasts(*, session: Session) -> list[int]:
    """Broadcasts that were sending when the process stopped: to be resumed at start."""
    return [
        broadcast_id
        for broadcast_id in session.exec(
            select(Broadcast.id).where(Broadcast.state == BroadcastState.SENDING)
        )
        if broadcast_id is not None
    ]


def recent_broadcasts(
    *, session: Session, council_ids: Iterable[int], limit: int = 10
) -> list[Broadcast]:
    return list(
        session.exec(
            select(Broadcast)
            .where(
                col(Broadcast.council_id).in_(list(council_ids)),
                Broadcast.state != BroadcastState.DRAFT,
                Broadcast.state != BroadcastState.CANCELLED,
            )
            .order_by(col(Broadcast.created_at).desc(), col(Broadcast.id).desc())
            .limit(limit)
        )
    )


def meeting_titles(*, session: Session, broadcasts: Iterable[Broadcast]) -> dict[int, str]:
    """The title of the meeting each meeting notice among ``broadcasts`` is about."""
    ids = {b.meeting_id for b in broadcasts if b.meeting_id is not None}
    if not ids:
        return {}
    rows = session.exec(select(Meeting.id, Meeting.title).where(col(Meeting.id).in_(ids))).all()
    titles = {meeting_id: title for meeting_id, title in rows if meeting_id is not None}
    return {b.id: titles[b.meeting_id] for b in broadcasts if b.id and b.meeting_id in titles}


def _own_broadcast(session: Session, actor: Actor, broadcast_id: int) -> Broadcast:
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise NotFound("broadcast_not_found", broadcast_id=broadcast_id)
    if not actor.allows(Access.SECRETARIAT, broadcast.council_id):
        raise Forbidden()
    return broadcast


def queue_meeting_notice(
    *, session: Session, actor: Actor, meeting: Meeting, notice: str, now: datetime
) -> int:
    """The meeting's notice (created, rescheduled, cancelled) to every member of its council,
    queued and confirmed in the transaction of the change."""
    assert meeting.id is not None
    draft, _count = create_broadcast(
        session=session,
        actor=actor,
        council_id=meeting.council_id,
        text="",
        audience=Audience(),
        now=now,
        meeting_id=meeting.id,
        notice=notice,
    )
    assert draft.id is not None
    confirm_broadcast(session=session, actor=actor, broadcast_id=draft.id, now=now)
    return draft.id
