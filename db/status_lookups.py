"""What /status looks up: a council's overview, one task, an agency's or a directive's tasks, each
read only within the councils the actor may see (every council for an admin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from db.council_report import Tally, agency_scorecard
from db.errors import Forbidden, NotFound
from db.models import Agency, Council, Directive
from db.permissions import Access, Actor
from db.registry import member_councils
from db.reports import (
    Overview,
    TaskLine,
    agency_tasks,
    council_overview,
    directive_tasks,
)
from db.task_cards import TaskDetails, task_details
from db.tasks import visible_task
from db.text_input import clean_code


@dataclass(frozen=True)
class AgencyStatus:
    agency: Agency
    lines: list[TaskLine]
    scorecard: Tally


@dataclass(frozen=True)
class DirectiveStatus:
    directive: Directive
    lines: list[TaskLine]


def visible_overview(
    *,
    session: Session,
    actor: Actor,
    council: Council,
    now: datetime,
    due_soon_days: int,
    page: int,
    page_size: int,
) -> Overview:
    """The council's overview page, for a member of the council (or an admin) only."""
    assert council.id is not None
    if not actor.allows(Access.MEMBER, council.id):
        raise Forbidden()
    return council_overview(
        session=session,
        council=council,
        now=now,
        due_soon_days=due_soon_days,
        page=page,
        page_size=page_size,
    )


def task_status(
    *, session: Session, actor: Actor, task_id: int, now: datetime, due_soon_days: int
) -> TaskDetails:
    """/status <task>: the card of a task the actor may see (``visible_task`` decides)."""
    task, _scope = visible_task(session=session, actor=actor, task_id=task_id)
    return task_details(session=session, task=task, now=now, due_soon_days=due_soon_days)


def find_agency_or_directive(
    *, session: Session, query: str
) -> tuple[Agency | None, Directive | None]:
    """The agency whose code, and the directive whose number, is ``query`` (any case)."""
    agency = session.exec(select(Agency).where(Agency.code == clean_code(query))).first()
    directive = session.exec(
        # Equality on the normalized number: a LIKE pattern would let "%" match any.
        select(Directive).where(func.upper(col(Directive.number)) == clean_code(query))
    ).first()
    return agency, directive


def agency_status(
    *, session: Session, actor: Actor, agency_id: int, now: datetime, due_soon_days: int
) -> AgencyStatus:
    """/status <agency>: its tasks and its scorecard as lead, in the actor's councils."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("agency_unknown", code=agency_id)
    councils = [council.id or 0 for council in member_councils(session=session, actor=actor)]
    lines = agency_tasks(
        session=session,
        agency=agency,
        council_ids=councils,
        now=now,
        due_soon_days=due_soon_days,
    )
    scorecard = agency_scorecard(
        session=session,
        agency_id=agency_id,
        council_ids=councils,
        now=now,
        due_soon_days=due_soon_days,
    )
    return AgencyStatus(agency, lines, scorecard)


def directive_status(
    *, session: Session, actor: Actor, directive_id: int, now: datetime, due_soon_days: int
) -> DirectiveStatus:
    """/status <directive>: its tasks followed by the actor's councils, in clause order."""
    directive = session.get(Directive, directive_id)
    if directive is None:
        raise NotFound()
    councils = [council.id or 0 for council in member_councils(session=session, actor=actor)]
    lines = directive_tasks(
        session=session,
        directive=directive,
        council_ids=councils,
        now=now,
        due_soon_days=due_soon_days,
    )
    return DirectiveStatus(directive, lines)
