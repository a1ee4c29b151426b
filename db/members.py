"""Members: who a Telegram user is, and what they asked for (language)."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from db.models import Agency, CouncilRole, Member, Role
from db.permissions import Actor, Grant


def get_member_by_telegram_id(*, session: Session, telegram_user_id: int) -> Member | None:
    return session.exec(select(Member).where(Member.telegram_user_id == telegram_user_id)).first()


_MEMBERS: Table = Member.__table__  # type: ignore[attr-defined]
_ROLES: Table = CouncilRole.__table__  # type: ignore[attr-defined]
_AGENCIES: Table = Agency.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ActorRows:
    """The actor as read ahead with another statement (the inbox row's INSERT, db/inbox.py):
    the member (id, name, language, private chat ok) or None, and their grants (council, role,
    agency, agency code)."""

    telegram_user_id: int
    member: list[Any] | None
    grants: list[list[Any]]


def actor_columns(dialect_name: str, telegram_user_id: Any) -> list[ColumnElement[Any]]:
    """Two scalar subqueries that read the actor of ``telegram_user_id`` (a bind parameter)
    as JSON, to be returned by a statement that runs anyway (issue 16: statements per update)."""
    postgres = dialect_name == "postgresql"
    array = func.json_build_array if postgres else func.json_array
    aggregate = func.json_agg if postgres else func.json_group_array
    # In a RETURNING clause SQLAlchemy writes columns without their table, so no subquery here
    # joins: each reads one table, whose columns are found first.
    member = (
        core_select(
            array(
                _MEMBERS.c.id,
                _MEMBERS.c.full_name,
                _MEMBERS.c.language,
                _MEMBERS.c.private_chat_ok,
            )
        )
        .where(_MEMBERS.c.telegram_user_id == telegram_user_id)
        .scalar_subquery()
        .label("actor_member")
    )
    member_id = (
        core_select(_MEMBERS.c.id)
        .where(_MEMBERS.c.telegram_user_id == telegram_user_id)
        .scalar_subquery()
    )
    agency_code = (
        core_select(_AGENCIES.c.code)
        .where(_AGENCIES.c.id == _ROLES.c.agency_id)
        .correlate(_ROLES)
        .scalar_subquery()
    )
    grants = (
        core_select(
            aggregate(array(_ROLES.c.council_id, _ROLES.c.role, _ROLES.c.agency_id, agency_code))
        )
        .where(_ROLES.c.member_id == member_id)
        .scalar_subquery()
        .label("actor_grants")
    )
    return [member, grants]


def actor_rows(telegram_user_id: int, member: Any, grants: Any) -> ActorRows:
    """The values :func:`actor_columns` returned (JSON text on SQLite, decoded on PostgreSQL)."""

    def decoded(value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    return ActorRows(
        telegram_user_id=telegram_user_id,
        member=decoded(member),
        grants=decoded(grants) or [],
    )


def actor_from_rows(
    rows: ActorRows, *, fallback_language: str, admins: Collection[int], private_chat: bool
) -> Actor | None:
    """The actor :func:`load_actor` would load, from rows read ahead; None when loading them
    writes (an admin's first contact, a first private message): call load_actor then."""
    is_admin = rows.telegram_user_id in admins
    if rows.member is None:
        if is_admin:
            return None
        return Actor(telegram_user_id=rows.telegram_user_id, language=fallback_language)
    member_id, full_name, language, private_chat_ok = rows.member
    if private_chat and not private_chat_ok:
        return None
    return Actor(
        telegram_user_id=rows.telegram_user_id,
        member_id=int(member_id),
        name=full_name,
        language=language,
        is_admin=is_admin,
        grants=tuple(
            Grant(council_id=int(council), role=Role(role), agency_id=agency, agency_code=code)
            for council, role, agency, code in rows.grants
        ),
    )


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
