"""A confirmed proposal (from a letter or an .xlsx sheet) through the one import service.

The proposal is written as the directive TOML format (docs/directive-format.md) and handed to
:func:`db.imports.import_directive`: the same checks, keys (number + clause), idempotent
re-import, audit rows and reminder planning as a hand-written file. Problems come back as
:class:`~db.toml_input.Issue` with ``tasks[N]`` fields; their line is the task's place in the
proposal (letters) or its row in the sheet (.xlsx).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from db.imports import TITLE_LIMIT, ImportOutcome, import_directive
from db.intake.proposal import Proposal
from db.permissions import Actor
from db.toml_input import Issue
from schedules.reminders import ReminderConfig


def check_proposal(
    proposal: Proposal, councils: Sequence[str], rows: Sequence[int] | None = None
) -> list[Issue]:
    """What stops the proposal from being imported as it is (agencies not in the registry...)."""
    issues: list[Issue] = []
    if not proposal.number:
        issues.append(Issue("number", 1, "intake_err_no_number"))
    if proposal.date is None:
        issues.append(Issue("date", 1, "intake_err_no_date"))
    if not councils:
        issues.append(Issue("councils", 1, "intake_err_no_councils"))
    if not proposal.tasks and not proposal.meetings:
        issues.append(Issue("tasks", 1, "intake_err_nothing"))
    for index, task in enumerate(proposal.tasks):
        line = rows[index] if rows else index + 1
        if task.lead_code is None:
            # No lead named at all (a recurring meeting nobody convenes): say so, not «—».
            issues.append(
                Issue(
                    f"tasks[{index + 1}].lead",
                    line,
                    "intake_err_agency" if task.lead else "intake_err_no_lead",
                    {"name": task.lead, "clause": task.clause}
                    if task.lead
                    else {"clause": task.clause},
                )
            )
        for name, code in zip(task.co, task.co_codes, strict=True):
            if code is None:
                issues.append(
                    Issue(
                        f"tasks[{index + 1}].co",
                        line,
                        "intake_err_agency",
                        {"name": name, "clause": task.clause},
                    )
                )
    return issues


def proposal_toml(proposal: Proposal, councils: Sequence[str]) -> str:
    """The proposal in the directive file format (every string quoted as a TOML basic string)."""

    def q(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = [
        f"number = {q(proposal.number or '')}",
        f"date = {proposal.date.isoformat() if proposal.date else '1900-01-01'}",
        f"issuer = {q(proposal.issuer or '')}" if proposal.issuer else "",
        f"title = {q(_limit(proposal.title or proposal.number or '-'))}",
        f"councils = [{', '.join(q(code) for code in councils)}]",
    ]
    for task in proposal.tasks:
        codes = [code for code in task.co_codes if code and code != task.lead_code]
        lines += [
            "",
            "[[tasks]]",
            f"clause = {q(task.clause)}",
            f"lead = {q(task.lead_code or '')}",
            f"co = [{', '.join(q(code) for code in dict.fromkeys(codes))}]",
            f"text = {q(_limit(task.text))}",
        ]
        if task.due and (task.window is not None or task.schedule is not None):
            lines.append(f"due = {q(task.due)}")  # a schedule's phrase: read as in /assign
    for meeting in proposal.meetings:
        lines += [
            "",
            "[[meetings]]",
            f"clause = {q(meeting.clause)}",
            f"title = {q(_limit(meeting.title))}",
            f"agenda = [{', '.join(q(_limit(item)) for item in meeting.agenda)}]",
        ]
        if meeting.when and meeting.window is not None:
            lines.append(f"when = {q(meeting.when)}")
    return "\n".join(line for line in lines if line is not None) + "\n"


def _limit(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_LIMIT else text[: TITLE_LIMIT - 1] + "…"


def import_proposal(
    *,
    session: Session,
    proposal: Proposal,
    councils: Sequence[str],
    tz: str,
    now: datetime,
    actor: Actor | None = None,
    actor_label: str | None = None,
    dry_run: bool = False,
    file_name: str = "",
    reminders: ReminderConfig | None = None,
    rows: Sequence[int] | None = None,
) -> ImportOutcome:
    """Check the proposal, then import it exactly as a TOML file would be."""
    issues = check_proposal(proposal, councils, rows)
    if issues:
        return ImportOutcome(issues=tuple(issues))
    outcome = import_directive(
        session=session,
        source=proposal_toml(proposal, councils),
        tz=tz,
        now=now,
        actor=actor,
        actor_label=actor_label,
        dry_run=dry_run,
        file_name=file_name,
        reminders=reminders,
    )
    if outcome.issues:
        return ImportOutcome(issues=tuple(_relocate(issue, rows) for issue in outcome.issues))
    return outcome


def _relocate(issue: Issue, rows: Sequence[int] | None) -> Issue:
    """A TOML line means nothing to whoever sent a letter: the task's place (or row) instead."""
    field = issue.field
    line = 1
    if field.startswith(("tasks[", "meetings[")) and "]" in field:
        try:
            index = int(field[field.index("[") + 1 : field.index("]")])
        except ValueError:
            index = 1
        line = (
            rows[index - 1] if rows and field.startswith("tasks[") and index <= len(rows) else index
        )
    params: dict[str, Any] = dict(issue.params)
    return Issue(field, line, issue.key, params)
