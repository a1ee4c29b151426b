"""Members: who a Telegram user is, and what they asked for (language)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, select

from db.models import Agency, CouncilRole, Member, Role
from db.permissions import Actor, Grant


def get_member_by_telegram_id(*, session: Session, telegram_user_id: int) -> Member | None:
    return session.exec(select(Member).where(Member.telegram_user_id == telegram_user_id)).first()


def load_actor(
    *,
    session: Session,
    telegram_user_id: int,
    full_name: str,
    username: str | None,
    fallback_language: str,
    admins: Collection[int],
    now: datetime,
    private_chat: bool,
) -> Actor:
    """The actor behind an update, with their roles.

    Configured admins get a member row on first contact, so that they can act (and be audited)
    before anyone has invited them. A message in a private chat records that the bot may write to
    the user privately, which broadcasts and reminders rely on.
    """
    is_admin = telegram_user_id in admins
    # One round trip for the member, their roles and agencies: every update pays for it.
    rows = session.exec(
        select(Member, CouncilRole, Agency.code)
        .outerjoin(CouncilRole, col(CouncilRole.member_id) == col(Member.id))
        .outerjoin(Agency, col(Agency.id) == col(CouncilRole.agency_id))
        .where(Member.telegram_user_id == telegram_user_id)
    ).all()
    member = rows[0][0] if rows else None
    if member is None and is_admin:
        member = Member(
            telegram_user_id=telegram_user_id,
            full_name=full_name,
            username=username,
            language=fallback_language,
            created_at=now,
        )
        session.add(member)
        session.flush()
    if member is None:
        return Actor(telegram_user_id=telegram_user_id, language=fallback_language)
    if private_chat and member.private_chat_ok is not True:
        member.private_chat_ok = True
        session.add(member)
    assert member.id is not None
    grants = tuple(
        Grant(
            council_id=role.council_id,
            role=Role(role.role),
            agency_id=role.agency_id,
            agency_code=code,
        )
        for _member, role, code in rows
        if role is not None
    )
    return Actor(
        telegram_user_id=telegram_user_id,
        member_id=member.id,
        name=member.full_name,
        language=member.language,
        is_admin=is_admin,
        grants=grants,
    )


def member_actor(
    *, session: Session, member_id: int, admins: Collection[int], now: datetime
) -> Actor | None:
    """The actor of a stored member (e.g. one whose roles another member just changed)."""
    member = session.get(Member, member_id)
    if member is None:
        return None
    return load_actor(
        session=session,
        telegram_user_id=member.telegram_user_id,
        full_name=member.full_name,
        username=member.username,
        fallback_language=member.language,
        admins=admins,
        now=now,
        private_chat=False,
    )


def set_language(*, session: Session, member_id: int, language: str) -> None:
    member = session.get(Member, member_id)
    if member is None:
        raise LookupError(member_id)
    member.language = language
    session.add(member)
