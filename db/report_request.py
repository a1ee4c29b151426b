"""What a report is asked for: ``/report [<council>] [<agency> | <directive>] [<period>]`` (or
the CLI's options) read into a :class:`ReportRequest`, and the councils an actor may report on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from db.errors import InvalidInput, NotFound
from db.models import Agency, Council, Directive
from db.permissions import Access, Actor
from schedules.periods import ReportPeriod, read_period


@dataclass(frozen=True)
class ReportRequest:
    """``/report [<council>] [<agency> | <directive>] [<period>]``, read."""

    period: ReportPeriod | None  # None: every deadline (the /status chart)
    council_id: int | None = None
    agency_id: int | None = None
    directive_id: int | None = None


def read_request(*, session: Session, text: str, now: datetime, tz: str) -> ReportRequest:
    """Read the words after /report (or the CLI's options joined the same way).

    A council code may come first, then an agency code or a directive number (matched as
    ``/status`` matches them), then the period. A period the deadline parser cannot read as a
    span is refused with the forms it understands.
    """
    words = text.split()
    council_id = agency_id = directive_id = None
    if words:
        council = session.exec(select(Council).where(Council.code == words[0].upper())).first()
        if council is not None:
            council_id = council.id
            words = words[1:]
    if words:
        agency = session.exec(select(Agency).where(Agency.code == words[0].upper())).first()
        directive = session.exec(
            select(Directive).where(col(Directive.number).ilike(words[0]))
        ).first()
        if agency is not None:
            agency_id, words = agency.id, words[1:]
        elif directive is not None:
            directive_id, words = directive.id, words[1:]
    period_text = " ".join(words)
    period = read_period(period_text, now=now, tz=tz)
    if period is None:
        raise InvalidInput("report_period_not_understood", text=period_text)
    return ReportRequest(period, council_id, agency_id, directive_id)


def narrowed(
    *, session: Session, request: ReportRequest, agency: str | None, directive: str | None
) -> ReportRequest:
    """``request`` narrowed to an agency's code or a directive's number (the CLI's options)."""
    agency_id, directive_id = request.agency_id, request.directive_id
    if agency:
        found = session.exec(select(Agency).where(Agency.code == agency.upper())).first()
        if found is None:
            raise NotFound("agency_unknown", code=agency)
        agency_id = found.id
    if directive:
        number = session.exec(
            select(Directive).where(col(Directive.number).ilike(directive))
        ).first()
        if number is None:
            raise NotFound("agency_or_task_unknown", query=directive)
        directive_id = number.id
    return ReportRequest(request.period, request.council_id, agency_id, directive_id)


def reportable_councils(*, session: Session, actor: Actor, access: Access) -> list[Council]:
    """The councils whose report ``actor`` may have (all of them for an admin), by code."""
    query = select(Council).order_by(col(Council.code))
    if not actor.is_admin:
        mine = [c for c in actor.council_ids() if actor.allows(access, c)]
        query = query.where(col(Council.id).in_(mine))
    return list(session.exec(query))
