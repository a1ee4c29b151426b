"""Roles in councils: reading role words, choosing the council, listing and revoking members.

Granting happens only through invitations (db/invitations.py). Every function checks that the
actor is secretariat of the council concerned (db.permissions) and audits what it changes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from db.audit import record
from db.errors import Forbidden, InvalidInput, NotFound
from db.ids import MAX_ROW_ID, MAX_TELEGRAM_ID, id_in_range
from db.models import Agency, Council, CouncilRole, Member, Role
from db.once import take
from db.permissions import Access, Actor
from db.registry import find_council, list_councils
from db.text_input import clean_key

# The words /invite accepts for each role, in English and in Vietnamese (without diacritics;
# "chủ-tịch", "Thư ký" and "dau_moi" are read the same way).
ROLE_WORDS: dict[str, Role] = {
    "chair": Role.CHAIR,
    "chu-tich": Role.CHAIR,
    "secretariat": Role.SECRETARIAT,
    "thu-ky": Role.SECRETARIAT,
    "member": Role.MEMBER,
    "thanh-vien": Role.MEMBER,
    "focal": Role.FOCAL_POINT,
    "focal-point": Role.FOCAL_POINT,
    "dau-moi": Role.FOCAL_POINT,
}


def parse_role(word: str) -> Role | None:
    """The role a word names (``dau-moi``, ``focal``, ``Chủ tịch``...), or None."""
    decomposed = unicodedata.normalize("NFD", word.strip().lower().replace("đ", "d"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return ROLE_WORDS.get("-".join(plain.replace("_", " ").replace("-", " ").split()))


def secretariat_councils(*, session: Session, actor: Actor) -> list[Council]:
    """The councils the actor runs (every council for an admin), by code."""
    return [
        council
        for council in list_councils(session=session)
        if actor.allows(Access.SECRETARIAT, council.id)
    ]


def council_for_secretariat(*, session: Session, actor: Actor, code: str | None) -> Council:
    """The council named by ``code``, or the only one the actor runs when ``code`` is None."""
    if code is None:
        councils = secretariat_councils(session=session, actor=actor)
        if len(councils) != 1:
            codes = ", ".join(council.code for council in councils)
            raise InvalidInput("reg_council_needed", codes=codes or "—")
        return councils[0]
    council = find_council(session=session, code=code)
    if council is None:
        raise NotFound("reg_council_unknown", code=code)
    if not actor.allows(Access.SECRETARIAT, council.id):
        raise Forbidden()
    return council


# --- listing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberLine:
    member_id: int
    telegram_user_id: int
    name: str
    username: str | None
    role: Role
    agency: str | None  # the focal point's agency code
    private_chat_ok: bool | None


@dataclass(frozen=True)
class CouncilMembers:
    council: Council
    members: tuple[MemberLine, ...]


def list_members(
    *, session: Session, actor: Actor, council_code: str | None
) -> list[CouncilMembers]:
    """Members of one council (by code) or of every council the actor runs."""
    if council_code is None:
        councils = secretariat_councils(session=session, actor=actor)
        if not councils:
            raise Forbidden()
    else:
        councils = [council_for_secretariat(session=session, actor=actor, code=council_code)]
    result: list[CouncilMembers] = []
    for council in councils:
        rows = session.exec(
            select(CouncilRole, Member, Agency)
            .join(Member, col(Member.id) == col(CouncilRole.member_id))
            .outerjoin(Agency, col(Agency.id) == col(CouncilRole.agency_id))
            .where(CouncilRole.council_id == council.id)
            .order_by(col(CouncilRole.role), col(Member.full_name), col(Member.id))
        ).all()
        lines = tuple(
            MemberLine(
                member_id=member.id or 0,
                telegram_user_id=member.telegram_user_id,
                name=member.full_name,
                username=member.username,
                role=Role(role.role),
                agency=agency.code if agency else None,
                private_chat_ok=member.private_chat_ok,
            )
            for role, member, agency in rows
        )
        result.append(CouncilMembers(council, lines))
    return result


# --- revoking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleLine:
    role_id: int
    council: str
    role: Role
    agency: str | None
    member_id: int | None = None  # whose role it is (their command menu changes with it)


@dataclass(frozen=True)
class Revocable:
    member_id: int
    name: str
    roles: tuple[RoleLine, ...]


def find_member(*, session: Session, reference: str) -> Member | None:
    """A member by number (``12`` or ``#12``, as /members shows), Telegram id or @username."""
    text = clean_key(reference)
    if text.startswith("@") and len(text) > 1:
        wanted = text[1:].lower()
        return session.exec(select(Member).where(func.lower(Member.username) == wanted)).first()
    number = id_in_range(text, limit=MAX_TELEGRAM_ID)
    if number is None:
        return None
    by_id = session.get(Member, number) if number <= MAX_ROW_ID else None
    if by_id is not None or text.startswith("#"):
        return by_id
    return session.exec(select(Member).where(Member.telegram_user_id == number)).first()


def revocable_roles(*, session: Session, actor: Actor, reference: str) -> Revocable:
    """The roles of a member that the actor may revoke (in councils the actor runs)."""
    member = find_member(session=session, reference=reference)
    if member is None or member.id is None:
        raise NotFound("rvk_member_unknown", member=reference)
    rows = session.exec(
        select(CouncilRole, Council, Agency)
        .join(Council, col(Council.id) == col(CouncilRole.council_id))
        .outerjoin(Agency, col(Agency.id) == col(CouncilRole.agency_id))
        .where(
            CouncilRole.member_id == member.id,
            col(CouncilRole.council_id).in_(_run_by(session, actor)),
        )
        .order_by(col(Council.code), col(CouncilRole.role))
    ).all()
    if not rows:
        # Not a member of a council the actor runs: answered as unknown, naming no one.
        raise NotFound("rvk_member_unknown", member=reference)
    return Revocable(
        member_id=member.id,
        name=member.full_name,
        roles=tuple(
            RoleLine(role.id or 0, council.code, Role(role.role), agency.code if agency else None)
            for role, council, agency in rows
        ),
    )


def role_line(*, session: Session, actor: Actor, role_id: int) -> tuple[str, RoleLine]:
    """One role (with its member's name) that the actor may revoke; for the confirmation."""
    role, council, member, agency = _revocable(session, actor, role_id)
    line = RoleLine(role_id, council.code, Role(role.role), agency.code if agency else None)
    return member.full_name, line


def revoke_role(
    *, session: Session, actor: Actor, role_id: int, now: datetime
) -> tuple[str, RoleLine]:
    """Remove one role; the member keeps their other roles. Audited."""
    role, council, member, agency = _revocable(session, actor, role_id)
    code = agency.code if agency else None
    line = RoleLine(role_id, council.code, Role(role.role), code, member_id=member.id)
    record(
        session=session,
        at=now,
        actor=actor,
        action="role.revoke",
        entity="council_role",
        entity_id=role_id,
        before={
            "member_id": member.id,
            "member": member.full_name,
            "council": council.code,
            "role": role.role,
            "agency": line.agency,
        },
    )
    # Confirm-once (db.once): of two presses, one revokes and the other is told it is gone.
    take(session, CouncilRole, col(CouncilRole.id) == role_id, key="rvk_role_gone")
    return member.full_name, line


def _revocable(
    session: Session, actor: Actor, role_id: int
) -> tuple[CouncilRole, Council, Member, Agency | None]:
    role = session.get(CouncilRole, role_id)
    if role is None:
        raise NotFound("rvk_role_gone")
    if not actor.allows(Access.SECRETARIAT, role.council_id):
        raise Forbidden()
    council = session.get(Council, role.council_id)
    member = session.get(Member, role.member_id)
    assert council is not None and member is not None
    agency = session.get(Agency, role.agency_id) if role.agency_id is not None else None
    return role, council, member, agency


def _run_by(session: Session, actor: Actor) -> list[int]:
    return [
        council.id
        for council in secretariat_councils(session=session, actor=actor)
        if council.id is not None
    ]
