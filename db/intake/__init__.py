"""Directive intake: a letter's own text (.docx, .pdf, .txt, pasted) becomes a proposal.

``read_letter`` turns text into a :class:`~db.intake.proposal.Proposal` (frame, tasks with
their clause, lead, co-operating agencies and deadline as read at the letter's date, meetings,
warnings); nothing is stored. ``db.intake.importing`` takes a confirmed proposal (or an .xlsx
sheet) through the same import service as TOML files. No Telegram here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from db.intake.agencies import Agency, AgencyMatcher
from db.intake.frame import read_frame
from db.intake.proposal import Proposal, ProposedMeeting, ProposedTask, Warning_
from db.intake.reading import Reader
from db.intake.structure import clause_tree
from db.intake.text import MAX_LETTER_BYTES, fold, letter_text
from db.models import Agency as AgencyRow
from db.models import Council

__all__ = [
    "MAX_LETTER_BYTES",
    "CouncilName",
    "Proposal",
    "ProposedMeeting",
    "ProposedTask",
    "Registry",
    "letter_text",
    "read_letter",
    "registry_from_db",
]


@dataclass(frozen=True)
class CouncilName:
    code: str
    name: str


@dataclass(frozen=True)
class Registry:
    """What the reader matches names against: agencies (with aliases) and councils."""

    matcher: AgencyMatcher
    councils: tuple[CouncilName, ...]
    agency_names: dict[str, str]  # code -> name_vi


def registry_from_db(session: Session) -> Registry:
    agencies = list(session.exec(select(AgencyRow)))
    councils = list(session.exec(select(Council)))
    return make_registry(
        [Agency(a.code, (a.name_vi, a.name_en, *(a.aliases or []))) for a in agencies],
        [CouncilName(c.code, c.name_vi) for c in councils],
        {a.code: a.name_vi for a in agencies},
    )


def make_registry(
    agencies: Iterable[Agency], councils: Iterable[CouncilName], names: dict[str, str]
) -> Registry:
    return Registry(AgencyMatcher(agencies), tuple(councils), dict(names))


def read_letter(
    text: str, *, registry: Registry, tz: str, now: datetime, letter_date: date | None = None
) -> Proposal:
    """Read ``text`` (already cleaned by :func:`letter_text`, or pasted) into a proposal."""
    from db.intake.text import clean

    cleaned = clean(text)
    frame = read_frame(cleaned)
    proposal = Proposal(
        number=frame.number,
        date=frame.date or letter_date,
        issuer=frame.issuer,
        title=frame.title,
    )
    if frame.issuer:
        code = registry.matcher.resolve(frame.issuer)
        if code is not None:
            proposal.issuer = registry.agency_names.get(code, frame.issuer)
    if proposal.number is None:
        proposal.warnings.append(Warning_("intake_warn_no_number"))
    if proposal.date is None:
        proposal.warnings.append(Warning_("intake_warn_no_date"))
    issuer_code = registry.matcher.resolve(frame.issuer) if frame.issuer else None
    reader = Reader(registry.matcher, proposal.reference(tz, now), tz, issuer_code, cleaned)
    reader.read(clause_tree(frame.body))
    proposal.tasks, proposal.meetings = reader.tasks, reader.meetings
    for task in proposal.tasks:
        # A schedule's periods start from today (as when the task is stored), not the letter's date.
        task.set_schedule(task.schedule, tz, now)
        if task.schedule is not None and not task.upcoming:
            proposal.warnings.append(
                Warning_("intake_warn_recurring_over", task.clause, {"text": task.due or ""})
            )
    proposal.warnings += reader.warnings
    for task in proposal.tasks:
        if task.lead_code is None and not task.lead:
            # A recurring meeting nobody is named to convene: the secretariat picks the lead.
            proposal.warnings.append(Warning_("intake_warn_no_lead", task.clause))
        elif task.lead_code is None:
            proposal.warnings.append(
                Warning_("intake_warn_unknown_agency", task.clause, {"name": task.lead or ""})
            )
        for name, code in zip(task.co, task.co_codes, strict=True):
            if code is None:
                proposal.warnings.append(
                    Warning_("intake_warn_unknown_agency", task.clause, {"name": name})
                )
    proposal.councils = _councils(frame.body, registry.councils)
    if not proposal.tasks and not proposal.meetings:
        proposal.warnings.append(Warning_("intake_warn_nothing"))
    return proposal


def _councils(body: list[str], councils: tuple[CouncilName, ...]) -> list[str]:
    """The councils the letter concerns: all of them for "các Hội đồng điều phối vùng", else
    those named."""
    text = fold(" ".join(body))
    if "cac hoi dong dieu phoi vung" in text:
        return [council.code for council in councils]
    return [council.code for council in councils if fold(council.name) in text]
