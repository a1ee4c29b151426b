"""Councils and agencies: look-ups shared by the features, the councils an actor may act in,
and the council settings changed through the bot (/setgroup)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from db.audit import record
from db.errors import Forbidden, InvalidInput
from db.models import Agency, Council
from db.permissions import Access, Actor
from db.text_input import clean_code


def list_councils(*, session: Session) -> list[Council]:
    return list(session.exec(select(Council).order_by(col(Council.code))))


def find_council(*, session: Session, code: str) -> Council | None:
    """The council with ``code`` (any case), or None."""
    return session.exec(select(Council).where(Council.code == clean_code(code))).first()


def find_agency(*, session: Session, code: str) -> Agency | None:
    """The agency with ``code`` (any case), or None."""
    return session.exec(select(Agency).where(Agency.code == clean_code(code))).first()


def councils_with_group(*, session: Session) -> list[Council]:
    """Councils linked to a Telegram group (by code): the groups /doctor asks Telegram about."""
    query = select(Council).where(col(Council.group_chat_id).is_not(None))
    return list(session.exec(query.order_by(col(Council.code))))


def list_agencies(*, session: Session) -> list[Agency]:
    return list(session.exec(select(Agency).order_by(col(Agency.code))))


def councils_where(*, session: Session, actor: Actor, access: Access) -> list[Council]:
    """The councils (by code) where ``actor`` reaches ``access``: the one rule for every
    "choose a council" list, so a listing never offers a council the actor may not act in."""
    return [
        council
        for council in list_councils(session=session)
        if council.id is not None and actor.allows(access, council.id)
    ]


def get_council(*, session: Session, council_id: int) -> Council | None:
    return session.get(Council, council_id)


def get_agency(*, session: Session, agency_id: int) -> Agency | None:
    return session.get(Agency, agency_id)


def assignment_parties(
    *, session: Session, council_id: int, lead_id: int, co_ids: list[int]
) -> tuple[Council, Agency, list[Agency]]:
    """The council, lead agency and co-operating agencies of a pending assignment; an id that
    no longer resolves (a row deleted meanwhile) makes the whole input expired."""
    council = session.get(Council, council_id)
    lead = session.get(Agency, lead_id)
    co = [agency for agency_id in co_ids if (agency := session.get(Agency, agency_id))]
    if council is None or lead is None:
        raise InvalidInput("input_expired")
    return council, lead, co


def set_council_group(
    *, session: Session, actor: Actor, code: str, chat_id: int, now: datetime
) -> Council:
    """/setgroup: link the council ``code`` to the group ``chat_id`` (its secretariat only)."""
    council = find_council(session=session, code=code)
    if council is None:
        raise InvalidInput("council_unknown", code=code)
    if not actor.allows(Access.SECRETARIAT, council.id):
        raise Forbidden()
    before = {"group_chat_id": council.group_chat_id}
    council.group_chat_id = chat_id
    session.add(council)
    record(
        session=session,
        at=now,
        actor=actor,
        action="council.set_group",
        entity="council",
        entity_id=council.id,
        before=before,
        after={"group_chat_id": chat_id},
    )
    return council


def member_councils(*, session: Session, actor: Actor) -> list[Council]:
    """The councils (by code) whose listings ``actor`` may see: their own, every one for an
    admin."""
    query = select(Council).order_by(col(Council.code))
    visible = actor.visible_council_ids()
    if visible is not None:
        query = query.where(col(Council.id).in_(visible))
    return list(session.exec(query))
