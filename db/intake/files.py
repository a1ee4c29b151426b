"""One entry for a file or a pasted text, whatever its format: the CLI and the bot call these.

``.toml`` goes to the import service as it is; ``.xlsx`` (the sheet the preview offers) and
letters (``.docx``, ``.pdf``, ``.txt``/``.md``, pasted text) become a proposal first, which is
imported through :func:`db.intake.importing.import_proposal`, i.e. the same service.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import PurePath

from sqlmodel import Session

from db.errors import InvalidInput
from db.imports import MAX_FILE_BYTES, ImportOutcome, import_directive
from db.intake import Registry, read_letter, registry_from_db
from db.intake.importing import import_proposal
from db.intake.proposal import Proposal
from db.intake.spreadsheet import read_xlsx
from db.intake.text import letter_text
from db.permissions import Actor
from db.toml_input import Issue
from schedules.reminders import ReminderConfig

XLSX_MAGIC = b"PK"


def kind_of(file_name: str, data: bytes = b"") -> str:
    """ "toml", "xlsx" or "letter"."""
    suffix = PurePath(file_name.lower()).suffix
    if suffix == ".toml":
        return "toml"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    return "letter"


def read_proposal(
    *,
    session: Session,
    data: bytes,
    file_name: str,
    tz: str,
    now: datetime,
    letter_date: date | None = None,
    registry: Registry | None = None,
) -> tuple[Proposal | None, list[int], list[Issue]]:
    """The proposal a letter or a sheet makes: (proposal, sheet rows of its tasks, problems).

    Raises :class:`InvalidInput` for a file that cannot be read at all.
    """
    registry = registry or registry_from_db(session)
    if kind_of(file_name, data) == "xlsx":
        proposal, rows, issues = read_xlsx(data, matcher=registry.matcher)
        if proposal is not None:
            if proposal.date is None and letter_date is not None:
                proposal.date = letter_date
            proposal.reread(tz, now)
            for index, task in enumerate(proposal.tasks):
                if task.due and task.window is None and task.schedule is None:
                    issues.append(
                        Issue("Thời hạn", rows[index], "imp_err_due_unreadable", {"text": task.due})
                    )
            if issues:
                return None, rows, issues
        return proposal, rows, issues
    text = letter_text(data, file_name)
    return read_letter(text, registry=registry, tz=tz, now=now, letter_date=letter_date), [], []


def import_file(
    *,
    session: Session,
    data: bytes,
    file_name: str,
    tz: str,
    now: datetime,
    actor: Actor | None = None,
    actor_label: str | None = None,
    dry_run: bool = False,
    reminders: ReminderConfig | None = None,
    councils: Sequence[str] | None = None,
    letter_date: date | None = None,
) -> ImportOutcome:
    """Import any accepted file; problems come back as issues, nothing written then."""
    if kind_of(file_name, data) == "toml":
        if len(data) > MAX_FILE_BYTES:
            raise InvalidInput("imp_too_big", limit=MAX_FILE_BYTES // 1024)
        try:
            source = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InvalidInput("imp_not_utf8") from error
        return import_directive(
            session=session,
            source=source,
            tz=tz,
            now=now,
            actor=actor,
            actor_label=actor_label,
            dry_run=dry_run,
            file_name=file_name,
            reminders=reminders,
        )
    proposal, rows, issues = read_proposal(
        session=session, data=data, file_name=file_name, tz=tz, now=now, letter_date=letter_date
    )
    if proposal is None:
        return ImportOutcome(issues=tuple(issues))
    chosen = [code.upper() for code in councils] if councils else proposal.councils
    return import_proposal(
        session=session,
        proposal=proposal,
        councils=chosen,
        tz=tz,
        now=now,
        actor=actor,
        actor_label=actor_label,
        dry_run=dry_run,
        file_name=file_name,
        reminders=reminders,
        rows=rows or None,
    )
