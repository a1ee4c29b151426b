"""A letter's proposal waiting in the database for its author to correct and confirm it.

The proposal is kept as its JSON (:meth:`Proposal.to_json`) in a
:class:`~db.models.PendingImport` row, so it survives a restart and works across instances; the
row's token goes in the buttons' callback data, and only its author may use it. Every change
(a task's lead, co-operating agencies, deadline, dropping a task, the councils, an unmatched
name resolved or created as an agency) is checked here and saved at once. Confirming consumes
the row atomically (the instance whose DELETE removed it imports; another one is told it is
gone) and imports through :func:`db.intake.importing.import_proposal`.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, delete, select

from db.audit import record, snapshot
from db.errors import Forbidden, InvalidInput, NotFound
from db.imports import PENDING_LIFETIME, ImportOutcome
from db.intake import Registry, registry_from_db
from db.intake.importing import import_proposal
from db.intake.proposal import Proposal
from db.intake.text import fold
from db.models import Agency, AgencyKind, Council, PendingImport
from db.permissions import Access, Actor
from schedules.dates import parse_deadline
from schedules.recurrence import Recurrence, looks_recurring
from schedules.reminders import ReminderConfig

MARK = "intake"
MAX_DUE_TEXT = 200
# The warnings about a task's deadline, answered once the deadline is typed.
DEADLINE_WARNINGS = ("intake_warn_due", "intake_warn_recurring")


@dataclass
class Staged:
    token: str
    proposal: Proposal

    @property
    def unmatched(self) -> list[str]:
        return unmatched_names(self.proposal)


def unmatched_names(proposal: Proposal) -> list[str]:
    """Names written in the letter that match no agency, in order, once each."""
    names: list[str] = []
    for task in proposal.tasks:
        for name, code in [(task.lead, task.lead_code), *zip(task.co, task.co_codes, strict=True)]:
            if code is None and name and name not in names:
                names.append(name)
    return names


def stage_proposal(
    *, session: Session, actor: Actor, proposal: Proposal, file_name: str, tz: str, now: datetime
) -> Staged:
    """Keep the proposal for its author (a secretariat) to correct and confirm."""
    if actor.member_id is None or not actor.allows(Access.SECRETARIAT):
        raise Forbidden()
    session.exec(delete(PendingImport).where(col(PendingImport.expires_at) < now))
    allowed = {
        c.code for c in session.exec(select(Council)) if actor.allows(Access.SECRETARIAT, c.id)
    }
    proposal.councils = [code for code in proposal.councils if code in allowed]
    token = secrets.token_urlsafe(16)
    session.add(
        PendingImport(
            token=token,
            member_id=actor.member_id,
            file_name=file_name[:255],
            content=_dump(proposal, tz),
            created_at=now,
            expires_at=now + PENDING_LIFETIME,
        )
    )
    return Staged(token, proposal)


def load_staged(
    *, session: Session, actor: Actor, token: str, tz: str, now: datetime
) -> tuple[PendingImport, Proposal]:
    pending = session.exec(select(PendingImport).where(PendingImport.token == token)).first()
    if pending is None or pending.expires_at < now:
        raise NotFound("imp_pending_gone")
    if pending.member_id != actor.member_id:
        raise Forbidden()
    try:
        data = json.loads(pending.content)
    except ValueError as error:
        raise NotFound("imp_pending_gone") from error
    if not isinstance(data, dict) or data.get(MARK) != 1:
        raise NotFound("imp_pending_gone")
    return pending, Proposal.from_json(data["proposal"], tz=tz, now=now)


def _dump(proposal: Proposal, tz: str) -> str:
    return json.dumps({MARK: 1, "proposal": proposal.to_json(tz)}, ensure_ascii=False)


def _save(session: Session, pending: PendingImport, proposal: Proposal, tz: str) -> None:
    pending.content = _dump(proposal, tz)
    session.add(pending)


def _task(proposal: Proposal, index: int) -> int:
    if not 0 <= index < len(proposal.tasks):
        raise NotFound("intake_task_gone")
    return index


def _agency_code(session: Session, agency_id: int) -> str:
    agency = session.get(Agency, agency_id) if 0 < agency_id < 2**31 else None
    if agency is None:
        raise NotFound("intake_agency_gone")
    return agency.code


def resolve_typed_agency(registry: Registry, text: str) -> str:
    code = registry.matcher.resolve(text)
    if code is None:
        raise InvalidInput("intake_agency_not_found", name=text.strip()[:100])
    return code


class Editor:
    """Load, change and save one staged proposal (all in the caller's session)."""

    def __init__(self, *, session: Session, actor: Actor, token: str, tz: str, now: datetime):
        self.session, self.tz, self.now = session, tz, now
        self.pending, self.proposal = load_staged(
            session=session, actor=actor, token=token, tz=tz, now=now
        )
        self.token = token
        self.actor = actor

    def save(self) -> Staged:
        _save(self.session, self.pending, self.proposal, self.tz)
        return Staged(self.token, self.proposal)

    def set_lead(self, index: int, agency_id: int) -> Staged:
        task = self.proposal.tasks[_task(self.proposal, index)]
        code = _agency_code(self.session, agency_id)
        task.lead_code = code
        task.lead = task.lead or code
        self._without_lead_in_co(index)
        self._lead_given(task.clause)
        return self.save()

    def set_lead_text(self, index: int, text: str) -> Staged:
        task = self.proposal.tasks[_task(self.proposal, index)]
        task.lead_code = resolve_typed_agency(registry_from_db(self.session), text)
        task.lead = text.strip()[:300]
        self._without_lead_in_co(index)
        self._lead_given(task.clause)
        return self.save()

    def _lead_given(self, clause: str) -> None:
        self.proposal.warnings = [
            w
            for w in self.proposal.warnings
            if not (w.key == "intake_warn_no_lead" and w.clause == clause)
        ]

    def set_co_text(self, index: int, text: str) -> Staged:
        task = self.proposal.tasks[_task(self.proposal, index)]
        names = (
            []
            if text.strip() in ("-", "—", "0")
            else [part.strip() for part in re.split(r"[;,\n]", text) if part.strip()]
        )
        registry = registry_from_db(self.session)
        codes = [resolve_typed_agency(registry, name) for name in names]
        task.co, task.co_codes = [name[:300] for name in names], list(codes)
        self._without_lead_in_co(index)
        return self.save()

    def set_due_text(self, index: int, text: str) -> Staged:
        task = self.proposal.tasks[_task(self.proposal, index)]
        phrase = " ".join(text.split())
        if phrase in ("-", "—", "0"):
            task.due, task.window = None, None
            task.set_schedule(None, self.tz, self.now)
        else:
            if len(phrase) > MAX_DUE_TEXT:
                raise InvalidInput("intake_due_too_long", limit=MAX_DUE_TEXT)
            reading = parse_deadline(
                phrase, now=self.proposal.reference(self.tz, self.now), tz=self.tz
            )
            if reading is None:
                key = "intake_schedule_unreadable" if looks_recurring(phrase) else None
                raise InvalidInput(key or "intake_due_unreadable", text=phrase)
            if isinstance(reading, Recurrence):
                # "hằng quý, trước ngày 20 của tháng cuối quý": as /assign reads it.
                task.due, task.window = phrase, None
                task.set_schedule(reading, self.tz, self.now)
            else:
                task.due, task.window = phrase, reading
                task.set_schedule(None, self.tz, self.now)
        self.proposal.warnings = [
            w
            for w in self.proposal.warnings
            if not (w.clause == task.clause and w.key.startswith(DEADLINE_WARNINGS))
        ]
        return self.save()

    def drop(self, index: int) -> Staged:
        task = self.proposal.tasks.pop(_task(self.proposal, index))
        self.proposal.warnings = [w for w in self.proposal.warnings if w.clause != task.clause]
        return self.save()

    def toggle_council(self, council_id: int) -> Staged:
        council = self.session.get(Council, council_id) if 0 < council_id < 2**31 else None
        if council is None or not self.actor.allows(Access.SECRETARIAT, council.id):
            raise Forbidden()
        councils = self.proposal.councils
        if council.code in councils:
            councils.remove(council.code)
        else:
            councils.append(council.code)
        return self.save()

    def resolve_name(self, name_index: int, agency_id: int) -> Staged:
        names = unmatched_names(self.proposal)
        if not 0 <= name_index < len(names):
            raise NotFound("intake_task_gone")
        self._resolve(names[name_index], _agency_code(self.session, agency_id))
        return self.save()

    def create_agency(self, name_index: int) -> tuple[Staged, str]:
        """The unmatched name becomes a new agency of the registry (audited), then is used."""
        names = unmatched_names(self.proposal)
        if not 0 <= name_index < len(names):
            raise NotFound("intake_task_gone")
        name = names[name_index]
        code = _new_code(self.session, name)
        folded = fold(name)
        kind = (
            AgencyKind.PROVINCE
            if folded.startswith(("so ", "uy ban nhan dan", "ubnd"))
            else AgencyKind.MINISTRY
            if folded.startswith("bo ")
            else AgencyKind.OTHER
        )
        agency = Agency(code=code, name_vi=name[:300], name_en=name[:300], kind=kind)
        self.session.add(agency)
        self.session.flush()
        record(
            session=self.session,
            at=self.now,
            action="agency.create",
            entity="agency",
            entity_id=agency.id,
            actor=self.actor,
            before=None,
            after=snapshot(agency, ["code", "name_vi", "name_en", "kind"]),
        )
        self._resolve(name, code)
        return self.save(), code

    def _resolve(self, name: str, code: str) -> None:
        for task in self.proposal.tasks:
            if task.lead == name and task.lead_code is None:
                task.lead_code = code
            task.co_codes = [
                code if (written == name and known is None) else known
                for written, known in zip(task.co, task.co_codes, strict=True)
            ]
        self.proposal.warnings = [
            w
            for w in self.proposal.warnings
            if not (w.key == "intake_warn_unknown_agency" and w.params.get("name") == name)
        ]
        for index in range(len(self.proposal.tasks)):
            self._without_lead_in_co(index)

    def _without_lead_in_co(self, index: int) -> None:
        task = self.proposal.tasks[index]
        kept = [
            (name, code)
            for name, code in zip(task.co, task.co_codes, strict=True)
            if code is None or code != task.lead_code
        ]
        task.co = [name for name, _ in kept]
        task.co_codes = [code for _, code in kept]


def _new_code(session: Session, name: str) -> str:
    words = [w for w in fold(name).replace(",", " ").split() if w not in ("va", "-", "&")]
    base = "".join(w[0] for w in words if w[0].isalnum()).upper()[:24] or "CQ"
    existing = set(session.exec(select(Agency.code)))
    code, number = base, 2
    while code in existing:
        code = f"{base}-{number}"
        number += 1
    return code


def agency_choices(session: Session, registry: Registry, name: str, limit: int = 5) -> list[Agency]:
    """The registry's agencies closest to ``name`` (buttons to pick from)."""
    codes = registry.matcher.candidates(name, limit)
    by_code = {a.code: a for a in session.exec(select(Agency).where(col(Agency.code).in_(codes)))}
    return [by_code[code] for code in codes if code in by_code]


def council_choices(session: Session, actor: Actor) -> Sequence[Council]:
    return [
        council
        for council in session.exec(select(Council).order_by(col(Council.code)))
        if actor.allows(Access.SECRETARIAT, council.id)
    ]


def confirm_staged(
    *,
    session: Session,
    actor: Actor,
    token: str,
    tz: str,
    now: datetime,
    reminders: ReminderConfig | None = None,
) -> ImportOutcome:
    """Import the proposal; the pending row is consumed by exactly one confirmation."""
    pending, proposal = load_staged(session=session, actor=actor, token=token, tz=tz, now=now)
    result = session.execute(delete(PendingImport).where(col(PendingImport.id) == pending.id))
    if getattr(result, "rowcount", 1) != 1:
        raise NotFound("imp_pending_gone")
    session.expunge(pending)
    outcome = import_proposal(
        session=session,
        proposal=proposal,
        councils=proposal.councils,
        tz=tz,
        now=now,
        actor=actor,
        file_name=pending.file_name,
        reminders=reminders,
    )
    if outcome.report is None:
        # Nothing was written: keep the proposal so that its author can fix what is wrong.
        session.add(
            PendingImport(
                token=token,
                member_id=pending.member_id,
                file_name=pending.file_name,
                content=_dump(proposal, tz),
                created_at=pending.created_at,
                expires_at=pending.expires_at,
            )
        )
    return outcome


def cancel_staged(*, session: Session, actor: Actor, token: str, tz: str, now: datetime) -> None:
    pending, _ = load_staged(session=session, actor=actor, token=token, tz=tz, now=now)
    session.delete(pending)
