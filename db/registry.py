"""Councils and agencies: look-ups shared by the features."""

from __future__ import annotations

from sqlmodel import Session, col, select

from db.models import Agency, Council
from db.text_input import clean_code


def list_councils(*, session: Session) -> list[Council]:
    return list(session.exec(select(Council).order_by(col(Council.code))))


def find_council(*, session: Session, code: str) -> Council | None:
    """The council with ``code`` (any case), or None."""
    return session.exec(select(Council).where(Council.code == clean_code(code))).first()


def find_agency(*, session: Session, code: str) -> Agency | None:
    """The agency with ``code`` (any case), or None."""
    return session.exec(select(Agency).where(Agency.code == clean_code(code))).first()


def list_agencies(*, session: Session) -> list[Agency]:
    return list(session.exec(select(Agency).order_by(col(Agency.code))))
