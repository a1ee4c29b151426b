"""Invitations: the only way into a council. Single use, expiring, unguessable.

The secretariat creates one per person and role; the person opens the deep link
(``https://t.me/<bot>?start=<code>``), which sends ``/start <code>`` and binds their Telegram
account to that role. A code is 96 random bits from :mod:`secrets`, written in the 16
characters Telegram allows in a ``start`` parameter.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from db.audit import record
from db.errors import InvalidInput, NotFound
from db.models import Agency, Council, CouncilRole, Invitation, Member, Role
from db.permissions import Actor
from db.registry import find_agency
from db.roles import council_for_secretariat
from db.text_input import clean_key

CODE_BYTES = 12  # 96 bits; token_urlsafe gives 16 characters of [A-Za-z0-9_-]


@dataclass(frozen=True)
class InvitationCard:
    """What /invite answers with (the code itself is only ever shown to its creator)."""

    code: str
    council: Council
    role: Role
    agency: Agency | None
    expires_at: datetime


@dataclass(frozen=True)
class Joined:
    """What /start <code> answers with."""

    member_name: str
    council: Council
    role: Role
    agency: Agency | None


def create_invitation(
    *,
    session: Session,
    actor: Actor,
    council_code: str | None,
    role: Role,
    agency_code: str | None,
    now: datetime,
    days: int,
) -> InvitationCard:
    """A single-use invitation to ``role`` in a council the actor runs. Audited."""
    council = council_for_secretariat(session=session, actor=actor, code=council_code)
    agency: Agency | None = None
    if role == Role.FOCAL_POINT:
        if agency_code is None:
            raise InvalidInput("inv_agency_needed")
        agency = find_agency(session=session, code=agency_code)
        if agency is None:
            raise NotFound("reg_agency_unknown", code=agency_code)
    elif agency_code is not None:
        raise InvalidInput("inv_agency_only_focal")
    invitation = Invitation(
        code=secrets.token_urlsafe(CODE_BYTES),
        council_id=council.id or 0,
        role=role,
        agency_id=agency.id if agency else None,
        created_by=actor.member_id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(invitation)
    session.flush()
    record(
        session=session,
        at=now,
        actor=actor,
        action="invitation.create",
        entity="invitation",
        entity_id=invitation.id,
        # Not the code: the audit trail is readable by more people than the link is meant for.
        after={
            "council": council.code,
            "role": role,
            "agency": agency.code if agency else None,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return InvitationCard(invitation.code, council, role, agency, invitation.expires_at)


def redeem_invitation(
    *,
    session: Session,
    code: str,
    telegram_user_id: int,
    full_name: str,
    username: str | None,
    language: str,
    private_chat: bool,
    now: datetime,
    admins: Collection[int] = frozenset(),
) -> Joined:
    """Bind the Telegram user to the invitation's role (a new member, or one more role).

    A used, expired or unknown code is refused and changes nothing. The code is marked used
    with a conditional update, so two people racing for one code cannot both get in.
    """
    invitation = session.exec(select(Invitation).where(Invitation.code == clean_key(code))).first()
    if invitation is None:
        raise NotFound("inv_unknown")
    if invitation.used_at is not None:
        raise InvalidInput("inv_used")
    if invitation.expires_at <= now:
        raise InvalidInput("inv_expired")
    if not _inviter_may_still_grant(session, invitation, admins):
        raise InvalidInput("inv_inviter_revoked")
    council = session.get(Council, invitation.council_id)
    assert council is not None
    agency = session.get(Agency, invitation.agency_id) if invitation.agency_id else None
    member = session.exec(select(Member).where(Member.telegram_user_id == telegram_user_id)).first()
    if member is None:
        member = Member(
            telegram_user_id=telegram_user_id,
            full_name=full_name,
            username=username,
            language=language,
            private_chat_ok=True if private_chat else None,
            created_at=now,
        )
        session.add(member)
        session.flush()
    assert member.id is not None
    already = session.exec(
        select(CouncilRole).where(
            CouncilRole.council_id == invitation.council_id,
            CouncilRole.member_id == member.id,
            CouncilRole.role == invitation.role,
            col(CouncilRole.agency_id).is_(None)
            if invitation.agency_id is None
            else CouncilRole.agency_id == invitation.agency_id,
        )
    ).first()
    if already is not None:
        raise InvalidInput("inv_already_have")
    claimed = session.exec(
        update(Invitation)
        .where(col(Invitation.id) == invitation.id, col(Invitation.used_at).is_(None))
        .values(used_at=now, used_by=member.id)
    )
    if claimed.rowcount != 1:
        raise InvalidInput("inv_used")
    role = CouncilRole(
        council_id=invitation.council_id,
        member_id=member.id,
        role=invitation.role,
        agency_id=invitation.agency_id,
        granted_at=now,
        granted_by=invitation.created_by,
    )
    session.add(role)
    session.flush()
    joiner = Actor(telegram_user_id=telegram_user_id, member_id=member.id, name=member.full_name)
    record(
        session=session,
        at=now,
        actor=joiner,
        action="invitation.use",
        entity="invitation",
        entity_id=invitation.id,
        before={"used_at": None, "used_by": None},
        after={"used_at": now.isoformat(), "used_by": member.id},
    )
    record(
        session=session,
        at=now,
        actor=joiner,
        action="role.grant",
        entity="council_role",
        entity_id=role.id,
        after={
            "member_id": member.id,
            "member": member.full_name,
            "council": council.code,
            "role": invitation.role,
            "agency": agency.code if agency else None,
            "invitation_id": invitation.id,
            "granted_by": invitation.created_by,
        },
    )
    return Joined(member.full_name, council, Role(invitation.role), agency)


def _inviter_may_still_grant(
    session: Session, invitation: Invitation, admins: Collection[int]
) -> bool:
    """An invitation grants only what its creator may still grant: a secretariat revoked since
    (or an admin no longer configured) leaves their open codes without effect. Codes made by
    the operator's CLI (no creator) stand."""
    if invitation.created_by is None:
        return True
    inviter = session.get(Member, invitation.created_by)
    if inviter is None:
        return False
    if inviter.telegram_user_id in admins:
        return True
    still = session.exec(
        select(CouncilRole.id).where(
            CouncilRole.member_id == inviter.id,
            CouncilRole.council_id == invitation.council_id,
            CouncilRole.role == Role.SECRETARIAT,
        )
    ).first()
    return still is not None
