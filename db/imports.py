"""Directives from TOML files (docs/directive-format.md): validate all, then add or update.

A file is read completely first; every problem becomes an :class:`~db.toml_input.Issue` with
its field and line, and nothing is written unless there are none. Applying a valid file is
idempotent: tasks are keyed by (directive number, clause) and meetings by (directive number,
clause, council), so importing the same file again changes nothing and an edited file updates
exactly the fields that differ. A dry run goes through the same code and writes nothing.

Deadlines are read with :func:`schedules.dates.parse_due`, relative to the directive's date
(so that a phrase without a year means the same thing whenever the file is imported); a
deadline that cannot be read is an error, never a guess.

In Telegram, a checked file waits in :class:`~db.models.PendingImport` until its sender
presses "Import"; the confirmation checks everything again.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlmodel import Session, col, delete, select

from db.audit import record, record_many
from db.errors import Forbidden, InvalidInput, NotFound
from db.models import (
    Agency,
    AgendaItem,
    Council,
    Directive,
    DirectiveCouncil,
    Meeting,
    PendingImport,
    Task,
    TaskCoAgency,
    TaskCouncil,
)
from db.once import take
from db.permissions import Access, Actor
from db.recurring import ScheduleReading, set_schedule
from db.text_input import clean_code, clean_key
from db.toml_input import Issue, TomlInput, Where
from schedules.dates import DEFAULT_TZ, DueWindow, parse_due
from schedules.recurrence import looks_recurring, next_deadlines, parse_recurrence
from schedules.reminders import ReminderConfig, replan_directive

MAX_FILE_BYTES = 256 * 1024
PENDING_LIFETIME = timedelta(hours=24)

TOP_KEYS = ("number", "date", "issuer", "title", "councils", "tasks", "meetings")
TASK_KEYS = ("clause", "lead", "co", "text", "due")
MEETING_KEYS = ("clause", "title", "when", "agenda")

NUMBER_LIMIT = 64
ISSUER_LIMIT = 200
TITLE_LIMIT = 2000
CLAUSE_LIMIT = 32
DUE_LIMIT = 200
AGENDA_ITEM_LIMIT = 2000
# "2.a.1", "3.b", "2.đ", "II.1-a": letters of any script, digits, dots, dashes, parentheses.
CLAUSE_PATTERN = re.compile(r"^[\w.()-]+$")

# What the audit trail keeps of an imported task and meeting (ids resolved when shown).
TASK_AUDIT_FIELDS = (
    "directive_id",
    "clause",
    "title",
    "lead_agency_id",
    "due_text",
    "original_deadline",
    "approved_deadline",
)


# --- what a valid file says -------------------------------------------------------------------


@dataclass(frozen=True)
class TaskSpec:
    clause: str
    lead: str
    co: tuple[str, ...]
    text: str
    due: DueWindow | None
    # A recurring deadline ("hằng quý, trước ngày 20 của tháng cuối quý"), with the next three
    # deadlines from the import, for the preview (db.recurring).
    schedule: ScheduleReading | None = None
    upcoming: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class MeetingSpec:
    clause: str
    title: str
    when: DueWindow | None
    agenda: tuple[str, ...]


@dataclass(frozen=True)
class DirectiveSpec:
    number: str
    issued_on: date
    issuer: str
    title: str
    councils: tuple[str, ...]
    tasks: tuple[TaskSpec, ...]
    meetings: tuple[MeetingSpec, ...]
    tz: str = DEFAULT_TZ


# --- what an import did (or would do) ---------------------------------------------------------


class Status(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Change:
    """One field that differs: its name and both values as text (None: not set)."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class TaskItem:
    clause: str
    status: Status
    lead: str
    due: DueWindow | None
    changes: tuple[Change, ...] = ()
    task_id: int | None = None  # None in a dry run of a new task
    schedule: ScheduleReading | None = None
    upcoming: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class MeetingItem:
    clause: str
    council: str
    status: Status
    title: str
    when: DueWindow | None
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    number: str
    issued_on: date
    dry_run: bool
    directive: Status
    directive_changes: tuple[Change, ...]
    tasks: tuple[TaskItem, ...]
    meetings: tuple[MeetingItem, ...]
    # Stored for this directive but absent from the file: left as they are.
    tasks_not_in_file: tuple[str, ...] = ()
    meetings_not_in_file: tuple[str, ...] = ()

    @property
    def changes_anything(self) -> bool:
        return (
            self.directive != Status.UNCHANGED
            or any(item.status != Status.UNCHANGED for item in self.tasks)
            or any(item.status != Status.UNCHANGED for item in self.meetings)
        )

    def count(self, items: Sequence[TaskItem | MeetingItem], status: Status) -> int:
        return sum(1 for item in items if item.status == status)


@dataclass(frozen=True)
class ImportOutcome:
    """Either the file's problems (nothing was written) or the report."""

    issues: tuple[Issue, ...] = ()
    report: ImportReport | None = None


@dataclass(frozen=True)
class StagedImport:
    outcome: ImportOutcome
    token: str | None = None  # set when a confirmation is waiting


# --- reading and checking a file --------------------------------------------------------------


def read_directive(
    *, session: Session, source: str, tz: str, now: datetime, actor: Actor | None = None
) -> tuple[DirectiveSpec | None, list[Issue]]:
    """Check the whole file against the format and the registry; the spec only if it is valid.

    ``actor`` (None for the CLI) must be secretariat of every council the directive concerns,
    now and, for a directive already stored, before the import too.
    """
    toml = TomlInput(source)
    if not toml.parsed:
        return None, toml.issues
    top = Where()
    data = toml.data
    toml.check_keys(data, top, TOP_KEYS)
    number = toml.string(data, top, "number", required=True, limit=NUMBER_LIMIT)
    issued_on = toml.date(data, top, "date")
    issuer = toml.string(data, top, "issuer", limit=ISSUER_LIMIT) or ""
    title = toml.string(data, top, "title", required=True, limit=TITLE_LIMIT)
    councils = _councils(session, toml, actor)
    # Deadlines are read as of the directive's date; today's date if that date is unreadable
    # (the file is rejected then anyway, but its unreadable deadlines are still reported).
    zone = ZoneInfo(tz)
    reference = datetime.combine(issued_on, time(12), tzinfo=zone) if issued_on else now
    tasks = _tasks(session, toml, reference, tz, now)
    meetings = _meetings(toml, reference, tz)
    if not data.get("tasks") and not data.get("meetings"):
        toml.error(top, "tasks", "imp_err_nothing_to_import")
    if number is not None and actor is not None:
        _check_stored_councils(session, toml, actor, number)
    if toml.issues:
        return None, sorted(toml.issues, key=lambda issue: issue.line)
    assert number is not None and issued_on is not None and title is not None
    assert councils is not None and tasks is not None and meetings is not None
    spec = DirectiveSpec(
        number=number,
        issued_on=issued_on,
        issuer=issuer,
        title=title,
        councils=tuple(councils),
        tasks=tuple(tasks),
        meetings=tuple(meetings),
        tz=tz,
    )
    return spec, []


def _councils(session: Session, toml: TomlInput, actor: Actor | None) -> list[str] | None:
    top = Where()
    codes = toml.strings(toml.data, top, "councils", limit=32)
    if codes is None:
        return None
    if "councils" not in toml.data or not codes:
        toml.error(top, "councils", "file_err_required")
        return None
    known = _councils_by_code(session)
    result: list[str] = []
    for raw in codes:
        code = clean_code(raw)
        council = known.get(code)
        if council is None:
            toml.error(top, "councils", "file_err_unknown_council", code=raw)
        elif code in result:
            toml.error(top, "councils", "file_err_duplicate", value=raw)
        elif actor is not None and not actor.allows(Access.SECRETARIAT, council.id):
            toml.error(top, "councils", "imp_err_not_secretariat", code=code)
        else:
            result.append(code)
    return result


def _check_stored_councils(session: Session, toml: TomlInput, actor: Actor, number: str) -> None:
    """An import may change a stored directive only if the actor runs all of its councils."""
    stored = session.exec(
        select(Council)
        .join(DirectiveCouncil, col(DirectiveCouncil.council_id) == col(Council.id))
        .join(Directive, col(Directive.id) == col(DirectiveCouncil.directive_id))
        .where(Directive.number == number)
    ).all()
    for council in stored:
        if not actor.allows(Access.SECRETARIAT, council.id):
            toml.error(Where(), "number", "imp_err_stored_council", code=council.code)


def _tasks(
    session: Session, toml: TomlInput, reference: datetime, tz: str, now: datetime
) -> list[TaskSpec]:
    agencies = _agencies_by_code(session)
    seen: dict[str, int] = {}
    specs: list[TaskSpec] = []
    for index, entry in enumerate(toml.table_array("tasks")):
        where = Where("tasks", index)
        toml.check_keys(entry, where, TASK_KEYS)
        clause = _clause(toml, entry, where, seen)
        lead = toml.string(entry, where, "lead", required=True, limit=32)
        if lead is not None:
            lead = clean_code(lead)
            if lead not in agencies:
                toml.error(where, "lead", "file_err_unknown_agency", code=lead)
                lead = None
        co = _co_agencies(toml, entry, where, agencies, lead)
        text = toml.string(entry, where, "text", required=True, limit=TITLE_LIMIT)
        schedule = _schedule(toml, entry, where)
        if schedule is not None:
            due_ok, due = schedule is not False, None
        else:
            due_ok, due = _window(
                toml, entry, where, "due", reference, tz, "imp_err_due_unreadable"
            )
        if clause and lead and co is not None and text and due_ok:
            reading = schedule or None
            upcoming = (
                tuple(o.due for o in next_deadlines(reading.schedule, after=now, count=3, tz=tz))
                if reading
                else ()
            )
            specs.append(TaskSpec(clause, lead, tuple(co), text, due, reading, upcoming))
    return specs


def _meetings(toml: TomlInput, reference: datetime, tz: str) -> list[MeetingSpec]:
    seen: dict[str, int] = {}
    specs: list[MeetingSpec] = []
    for index, entry in enumerate(toml.table_array("meetings")):
        where = Where("meetings", index)
        toml.check_keys(entry, where, MEETING_KEYS)
        clause = _clause(toml, entry, where, seen)
        title = toml.string(entry, where, "title", required=True, limit=TITLE_LIMIT)
        when_ok, when = _window(
            toml, entry, where, "when", reference, tz, "imp_err_when_unreadable"
        )
        agenda = toml.strings(entry, where, "agenda", limit=AGENDA_ITEM_LIMIT)
        if clause and title and agenda is not None and when_ok:
            specs.append(MeetingSpec(clause, title, when, tuple(agenda)))
    return specs


def _clause(
    toml: TomlInput, entry: Mapping[str, Any], where: Where, seen: dict[str, int]
) -> str | None:
    clause = toml.string(entry, where, "clause", required=True, limit=CLAUSE_LIMIT)
    if clause is None:
        return None
    if not CLAUSE_PATTERN.match(clause):
        toml.error(where, "clause", "imp_err_clause_format")
        return None
    if clause in seen:
        toml.error(where, "clause", "imp_err_duplicate_clause", value=clause, line=seen[clause])
        return None
    seen[clause] = toml.line(where, "clause")
    return clause


def _co_agencies(
    toml: TomlInput,
    entry: Mapping[str, Any],
    where: Where,
    agencies: Mapping[str, Agency],
    lead: str | None,
) -> list[str] | None:
    codes = toml.strings(entry, where, "co", limit=32)
    if codes is None:
        return None
    result: list[str] = []
    valid = True
    for raw in codes:
        code = clean_code(raw)
        if code not in agencies:
            toml.error(where, "co", "file_err_unknown_agency", code=raw)
            valid = False
        elif code == lead:
            toml.error(where, "co", "imp_err_co_is_lead", code=code)
            valid = False
        elif code not in result:
            result.append(code)
    return result if valid else None


def _window(
    toml: TomlInput,
    entry: Mapping[str, Any],
    where: Where,
    key: str,
    reference: datetime,
    tz: str,
    unreadable_key: str,
) -> tuple[bool, DueWindow | None]:
    """(valid, window): the window is None when the key is absent (no deadline)."""
    if key not in entry:
        return True, None
    text = toml.string(entry, where, key, limit=DUE_LIMIT)
    if text is None:
        return False, None
    window = parse_due(text, now=reference, tz=tz)
    if window is None:
        toml.error(where, key, unreadable_key, text=text)
        return False, None
    return True, window


def _schedule(
    toml: TomlInput, entry: Mapping[str, Any], where: Where
) -> ScheduleReading | Literal[False] | None:
    """A recurring ``due`` read as a schedule; False if it recurs but is not understood; None
    if it is not a recurring phrase (then it is read as a one-off deadline)."""
    raw = entry.get("due")
    if not isinstance(raw, str) or not looks_recurring(raw):
        return None
    text = toml.string(entry, where, "due", limit=DUE_LIMIT)
    if text is None:
        return False
    schedule = parse_recurrence(text)
    if schedule is None:
        toml.error(where, "due", "imp_err_due_unreadable", text=text)
        return False
    return ScheduleReading(text=text, schedule=schedule)


def _councils_by_code(session: Session) -> dict[str, Council]:
    return {council.code: council for council in session.exec(select(Council))}


def _agencies_by_code(session: Session) -> dict[str, Agency]:
    return {agency.code: agency for agency in session.exec(select(Agency))}


# --- applying -----------------------------------------------------------------------------------


def import_directive(
    *,
    session: Session,
    source: str,
    tz: str,
    now: datetime,
    actor: Actor | None = None,
    actor_label: str | None = None,
    dry_run: bool = False,
    file_name: str = "",
    reminders: ReminderConfig | None = None,
) -> ImportOutcome:
    """Check ``source`` and, unless it has problems or ``dry_run``, add or update its records.

    Every change gets its audit row in ``session``, and (given ``reminders``) the directive's
    reminders are re-planned in it too; the caller commits.
    """
    spec, issues = read_directive(session=session, source=source, tz=tz, now=now, actor=actor)
    if spec is None:
        return ImportOutcome(issues=tuple(issues))
    sync = _Sync(session, spec, now=now, write=not dry_run, actor=actor, actor_label=actor_label)
    report = sync.run(file_name)
    if reminders is not None and not dry_run and report.changes_anything:
        directive_id = session.exec(
            select(Directive.id).where(Directive.number == spec.number)
        ).first()
        if directive_id is not None:
            replan_directive(session=session, directive_id=directive_id, now=now, config=reminders)
    return ImportOutcome(report=report)


class _Sync:
    """Compares a valid spec with the database and, when ``write``, makes them equal."""

    def __init__(
        self,
        session: Session,
        spec: DirectiveSpec,
        *,
        now: datetime,
        write: bool,
        actor: Actor | None,
        actor_label: str | None,
    ) -> None:
        self.session = session
        self.spec = spec
        self.now = now
        self.write = write
        self.actor = actor
        self.actor_label = actor_label
        self.councils = _councils_by_code(session)
        self.agencies = _agencies_by_code(session)
        self.agency_codes = {agency.id: code for code, agency in self.agencies.items()}
        self.council_codes = {council.id: code for code, council in self.councils.items()}

    def run(self, file_name: str) -> ImportReport:
        directive, status, changes = self._directive()
        tasks, tasks_missing = self._tasks(directive)
        meetings, meetings_missing = self._meetings(directive)
        report = ImportReport(
            number=self.spec.number,
            issued_on=self.spec.issued_on,
            dry_run=not self.write,
            directive=status,
            directive_changes=changes,
            tasks=tuple(tasks),
            meetings=tuple(meetings),
            tasks_not_in_file=tuple(tasks_missing),
            meetings_not_in_file=tuple(meetings_missing),
        )
        if self.write and report.changes_anything:
            assert directive is not None
            self._audit(
                "directive.import",
                "directive",
                directive.id,
                None,
                {
                    "file": file_name,
                    "tasks_added": report.count(report.tasks, Status.ADDED),
                    "tasks_changed": report.count(report.tasks, Status.CHANGED),
                    "meetings_added": report.count(report.meetings, Status.ADDED),
                    "meetings_changed": report.count(report.meetings, Status.CHANGED),
                },
            )
        return report

    # --- the directive ------------------------------------------------------------------------

    def _directive(self) -> tuple[Directive | None, Status, tuple[Change, ...]]:
        spec = self.spec
        wanted = {
            "date": spec.issued_on.isoformat(),
            "issuer": spec.issuer,
            "title": spec.title,
            "councils": sorted(spec.councils),
        }
        directive = self.session.exec(
            select(Directive).where(Directive.number == spec.number)
        ).first()
        if directive is None:
            if not self.write:
                return None, Status.ADDED, ()
            directive = Directive(
                number=spec.number,
                issued_on=spec.issued_on,
                issuer=spec.issuer,
                title=spec.title,
                created_at=self.now,
            )
            self.session.add(directive)
            self.session.flush()
            self._link_councils(directive)
            self._audit("directive.create", "directive", directive.id, None, wanted)
            return directive, Status.ADDED, ()
        assert directive.id is not None
        stored_councils = self.session.exec(
            select(DirectiveCouncil.council_id).where(DirectiveCouncil.directive_id == directive.id)
        ).all()
        current = {
            "date": directive.issued_on.isoformat() if directive.issued_on else None,
            "issuer": directive.issuer,
            "title": directive.title,
            "councils": sorted(self.council_codes.get(cid, "?") for cid in stored_councils),
        }
        changes = _changes(current, wanted)
        if not changes:
            return directive, Status.UNCHANGED, ()
        if self.write:
            directive.issued_on = spec.issued_on
            directive.issuer = spec.issuer
            directive.title = spec.title
            self.session.add(directive)
            self.session.exec(
                delete(DirectiveCouncil).where(col(DirectiveCouncil.directive_id) == directive.id)
            )
            self._link_councils(directive)
            self._audit("directive.edit", "directive", directive.id, current, wanted)
        return directive, Status.CHANGED, changes

    def _link_councils(self, directive: Directive) -> None:
        assert directive.id is not None
        for code in self.spec.councils:
            council_id = self.councils[code].id
            assert council_id is not None
            self.session.add(DirectiveCouncil(directive_id=directive.id, council_id=council_id))

    # --- tasks --------------------------------------------------------------------------------

    def _tasks(self, directive: Directive | None) -> tuple[list[TaskItem], list[str]]:
        stored: dict[str, Task] = {}
        if directive is not None and directive.id is not None:
            rows = self.session.exec(select(Task).where(Task.directive_id == directive.id))
            stored = {task.clause: task for task in rows if task.clause is not None}
        added = [spec for spec in self.spec.tasks if spec.clause not in stored]
        created = self._create_tasks(directive, added) if self.write else {}
        items = [
            self._task(spec, stored.get(spec.clause), created.get(spec.clause))
            for spec in self.spec.tasks
        ]
        named = {spec.clause for spec in self.spec.tasks}
        return items, sorted(clause for clause in stored if clause not in named)

    def _task_view(self, spec: TaskSpec) -> dict[str, Any]:
        return {
            "text": spec.text,
            "lead": spec.lead,
            "co": sorted(spec.co),
            "due": spec.schedule.text if spec.schedule else spec.due.text if spec.due else None,
            "deadline": _iso(spec.due.end) if spec.due else None,
            "councils": sorted(self.spec.councils),
        }

    def _stored_task_view(self, task: Task) -> dict[str, Any]:
        co = self.session.exec(
            select(TaskCoAgency.agency_id).where(TaskCoAgency.task_id == task.id)
        ).all()
        councils = self.session.exec(
            select(TaskCouncil.council_id).where(TaskCouncil.task_id == task.id)
        ).all()
        return {
            "text": task.title,
            "lead": self.agency_codes.get(task.lead_agency_id, "?"),
            "co": sorted(self.agency_codes.get(agency_id, "?") for agency_id in co),
            "due": task.due_text,
            # A recurring task's deadline fields follow its current period: not the file's.
            "deadline": _iso(task.original_deadline)
            if task.original_deadline and task.recurrence is None
            else None,
            "councils": sorted(self.council_codes.get(council_id, "?") for council_id in councils),
        }

    def _task(self, spec: TaskSpec, task: Task | None, created_id: int | None) -> TaskItem:
        if task is None:
            if spec.schedule is not None and not spec.upcoming:
                # set_schedule refuses it in an import; a dry run says the same.
                raise InvalidInput("recurrence_no_periods")
            return TaskItem(
                spec.clause,
                Status.ADDED,
                spec.lead,
                spec.due,
                task_id=created_id,
                schedule=spec.schedule,
                upcoming=spec.upcoming,
            )
        wanted = spec.schedule.schedule.to_json() if spec.schedule else None
        if task.recurrence != wanted:
            # Periods already written (and maybe reported) would not fit a new schedule; a dry
            # run refuses exactly as the import does.
            raise InvalidInput("imp_err_recurrence_changed", clause=spec.clause)
        changes = _changes(self._stored_task_view(task), self._task_view(spec))
        if not changes:
            return TaskItem(spec.clause, Status.UNCHANGED, spec.lead, spec.due, task_id=task.id)
        if self.write:
            self._update_task(task, spec)
        return TaskItem(spec.clause, Status.CHANGED, spec.lead, spec.due, changes, task.id)

    def _create_tasks(self, directive: Directive | None, specs: list[TaskSpec]) -> dict[str, int]:
        """The new tasks, written in one flush (one per task cost a 5,000-task directive
        seconds of round trips on PostgreSQL); returns their ids by clause."""
        if not specs:
            return {}
        assert directive is not None and directive.id is not None
        tasks = []
        for spec in specs:
            task = Task(
                directive_id=directive.id,
                clause=spec.clause,
                lead_agency_id=self._agency_id(spec.lead),
                title=spec.text,
                created_at=self.now,
                updated_at=self.now,
            )
            _set_due(task, spec.due)
            tasks.append(task)
        self.session.add_all(tasks)
        self.session.flush()
        for task, spec in zip(tasks, specs, strict=True):
            if spec.schedule is not None:
                task.due_text = spec.schedule.text
                set_schedule(
                    session=self.session,
                    task=task,
                    schedule=spec.schedule.schedule,
                    now=self.now,
                    until=self.now,
                    tz=self.spec.tz,
                )
        created = {spec.clause: task.id or 0 for task, spec in zip(tasks, specs, strict=True)}
        record_many(
            session=self.session,
            at=self.now,
            action="task.create",
            entity="task",
            changes=[
                (task.id or 0, None, self._task_audit(task, spec))
                for task, spec in zip(tasks, specs, strict=True)
            ],
            actor=self.actor,
            actor_label=self.actor_label,
        )
        self._link_tasks([(task, spec) for task, spec in zip(tasks, specs, strict=True)])
        return created

    def _update_task(self, task: Task, spec: TaskSpec) -> None:
        assert task.id is not None
        before = self._task_audit(task, None)
        task.title = spec.text
        task.lead_agency_id = self._agency_id(spec.lead)
        if spec.schedule is not None:  # the same schedule (_task refused another one)
            task.due_text = spec.schedule.text
        elif task.due_text != (spec.due.text if spec.due else None) or (
            task.original_deadline != (spec.due.end if spec.due else None)
        ):
            _set_due(task, spec.due)
        task.updated_at = self.now
        self.session.add(task)
        self.session.exec(delete(TaskCoAgency).where(col(TaskCoAgency.task_id) == task.id))
        self.session.exec(delete(TaskCouncil).where(col(TaskCouncil.task_id) == task.id))
        self._link_tasks([(task, spec)])
        self._audit("task.edit", "task", task.id, before, self._task_audit(task, spec))

    def _link_tasks(self, tasks: list[tuple[Task, TaskSpec]]) -> None:
        """The tasks' co-operating agencies and councils, in two bulk INSERTs: as ORM objects,
        the 20,000 link rows of a national directive cost its import seconds."""
        co_agencies: list[dict[str, int]] = []
        councils: list[dict[str, int]] = []
        for task, spec in tasks:
            assert task.id is not None
            co_agencies += [
                {"task_id": task.id, "agency_id": self._agency_id(code)} for code in spec.co
            ]
            councils += [
                {"task_id": task.id, "council_id": self.councils[code].id or 0}
                for code in self.spec.councils
            ]
        if co_agencies:
            self.session.execute(insert(TaskCoAgency), co_agencies)
        if councils:
            self.session.execute(insert(TaskCouncil), councils)

    def _task_audit(self, task: Task, spec: TaskSpec | None) -> dict[str, Any]:
        """The audited fields; the links from ``spec``, or as stored when ``spec`` is None."""
        dumped = task.model_dump(include=set(TASK_AUDIT_FIELDS))
        # In the fields' order, not the instance's (which follows attribute loading).
        data = {
            key: _iso(dumped[key]) if isinstance(dumped[key], datetime) else dumped[key]
            for key in TASK_AUDIT_FIELDS
        }
        if spec is not None:
            co_ids = sorted(self._agency_id(code) for code in spec.co)
            council_ids = sorted(self.councils[code].id or 0 for code in self.spec.councils)
        else:
            co_ids = sorted(
                self.session.exec(
                    select(TaskCoAgency.agency_id).where(TaskCoAgency.task_id == task.id)
                ).all()
            )
            council_ids = sorted(
                self.session.exec(
                    select(TaskCouncil.council_id).where(TaskCouncil.task_id == task.id)
                ).all()
            )
        return {**data, "co_agency_ids": co_ids, "council_ids": council_ids}

    def _agency_id(self, code: str) -> int:
        agency_id = self.agencies[code].id
        assert agency_id is not None
        return agency_id

    # --- meetings -----------------------------------------------------------------------------

    def _meetings(self, directive: Directive | None) -> tuple[list[MeetingItem], list[str]]:
        stored: dict[tuple[str, str], Meeting] = {}
        if directive is not None and directive.id is not None:
            rows = self.session.exec(select(Meeting).where(Meeting.directive_id == directive.id))
            stored = {
                (meeting.clause, self.council_codes.get(meeting.council_id, "?")): meeting
                for meeting in rows
                if meeting.clause is not None
            }
        items: list[MeetingItem] = []
        for spec in self.spec.meetings:
            for council in self.spec.councils:
                meeting = stored.get((spec.clause, council))
                items.append(self._meeting(directive, spec, council, meeting))
        named = {
            (spec.clause, council) for spec in self.spec.meetings for council in self.spec.councils
        }
        missing = sorted(
            f"{clause} ({council})" for clause, council in stored if (clause, council) not in named
        )
        return items, missing

    def _meeting_view(self, spec: MeetingSpec) -> dict[str, Any]:
        return {
            "title": spec.title,
            "when": spec.when.text if spec.when else None,
            "window_end": _iso(spec.when.end) if spec.when else None,
            "agenda": list(spec.agenda),
        }

    def _stored_meeting_view(self, meeting: Meeting) -> dict[str, Any]:
        agenda = self.session.exec(
            select(AgendaItem.text)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(col(AgendaItem.position))
        ).all()
        return {
            "title": meeting.title,
            "when": meeting.when_text,
            "window_end": _iso(meeting.window_end) if meeting.window_end else None,
            "agenda": list(agenda),
        }

    def _meeting(
        self, directive: Directive | None, spec: MeetingSpec, council: str, meeting: Meeting | None
    ) -> MeetingItem:
        if meeting is None:
            if self.write:
                self._create_meeting(directive, spec, council)
            return MeetingItem(spec.clause, council, Status.ADDED, spec.title, spec.when)
        before = self._stored_meeting_view(meeting)
        changes = _changes(before, self._meeting_view(spec))
        if not changes:
            return MeetingItem(spec.clause, council, Status.UNCHANGED, spec.title, spec.when)
        if self.write:
            meeting.title = spec.title
            _set_window(meeting, spec.when)
            meeting.updated_at = self.now
            self.session.add(meeting)
            self.session.exec(delete(AgendaItem).where(col(AgendaItem.meeting_id) == meeting.id))
            self._add_agenda(meeting, spec)
            self._audit("meeting.edit", "meeting", meeting.id, before, self._meeting_view(spec))
        return MeetingItem(spec.clause, council, Status.CHANGED, spec.title, spec.when, changes)

    def _create_meeting(self, directive: Directive | None, spec: MeetingSpec, council: str) -> None:
        assert directive is not None
        council_id = self.councils[council].id
        assert council_id is not None
        meeting = Meeting(
            council_id=council_id,
            directive_id=directive.id,
            clause=spec.clause,
            title=spec.title,
            created_at=self.now,
            updated_at=self.now,
        )
        _set_window(meeting, spec.when)
        self.session.add(meeting)
        self.session.flush()
        self._add_agenda(meeting, spec)
        after = {**self._meeting_view(spec), "council": council}
        self._audit("meeting.create", "meeting", meeting.id, None, after)

    def _add_agenda(self, meeting: Meeting, spec: MeetingSpec) -> None:
        assert meeting.id is not None
        for position, text in enumerate(spec.agenda):
            self.session.add(AgendaItem(meeting_id=meeting.id, position=position, text=text))

    # --- audit --------------------------------------------------------------------------------

    def _audit(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        record(
            session=self.session,
            at=self.now,
            action=action,
            entity=entity,
            entity_id=entity_id,
            actor=self.actor,
            actor_label=self.actor_label,
            before=before,
            after=after,
        )


def _set_due(task: Task, window: DueWindow | None) -> None:
    """The deadline as written and read. An approved extension later than the new deadline
    stays in force (the same rule as editing a task by hand)."""
    extended = (
        task.approved_deadline is not None and task.approved_deadline != task.original_deadline
    )
    if window is None:
        task.due_text = task.due_start = task.due_end = task.due_precision = None
        task.original_deadline = None
        if not extended:
            task.approved_deadline = None
        return
    task.due_text = window.text
    task.due_start, task.due_end, task.due_precision = window.start, window.end, window.precision
    task.original_deadline = window.end
    if not extended or task.approved_deadline is None or task.approved_deadline < window.end:
        task.approved_deadline = window.end


def _set_window(meeting: Meeting, window: DueWindow | None) -> None:
    meeting.when_text = window.text if window else None
    meeting.window_start = window.start if window else None
    meeting.window_end = window.end if window else None
    meeting.precision = window.precision if window else None


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[Change, ...]:
    return tuple(
        Change(name, _text(before.get(name)), _text(after.get(name)))
        for name in after
        if _comparable(before.get(name)) != _comparable(after.get(name))
    )


def _comparable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _text(value: Any) -> str | None:
    if value is None or value == []:
        return None
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


# --- the Telegram confirmation ------------------------------------------------------------------


def stage_import(
    *,
    session: Session,
    actor: Actor,
    source: str,
    file_name: str,
    tz: str,
    now: datetime,
) -> StagedImport:
    """Check a file sent in Telegram and keep it for confirmation if it would change anything."""
    assert actor.member_id is not None
    session.exec(delete(PendingImport).where(col(PendingImport.expires_at) < now))
    outcome = import_directive(
        session=session, source=source, tz=tz, now=now, actor=actor, dry_run=True
    )
    if outcome.report is None or not outcome.report.changes_anything:
        return StagedImport(outcome)
    token = secrets.token_urlsafe(16)
    session.add(
        PendingImport(
            token=token,
            member_id=actor.member_id,
            file_name=file_name[:255],
            content=source,
            created_at=now,
            expires_at=now + PENDING_LIFETIME,
        )
    )
    return StagedImport(outcome, token)


def confirm_import(
    *,
    session: Session,
    actor: Actor,
    token: str,
    tz: str,
    now: datetime,
    reminders: ReminderConfig | None = None,
) -> ImportOutcome:
    """Apply a staged file, checking it (and the actor's rights) again as of now."""
    pending = _take(session, actor, token, now)
    return import_directive(
        session=session,
        source=pending.content,
        tz=tz,
        now=now,
        actor=actor,
        file_name=pending.file_name,
        reminders=reminders,
    )


def cancel_import(*, session: Session, actor: Actor, token: str, now: datetime) -> None:
    _take(session, actor, token, now)


def _take(session: Session, actor: Actor, token: str, now: datetime) -> PendingImport:
    """Consume the staged file once (db.once): a second press, anywhere, finds it gone."""
    _pending(session, actor, token, now)
    row = take(
        session,
        PendingImport,
        col(PendingImport.token) == token,
        col(PendingImport.member_id) == actor.member_id,
        key="imp_pending_gone",
    )
    return PendingImport(**row._asdict())


def _pending(session: Session, actor: Actor, token: str, now: datetime) -> PendingImport:
    pending = session.exec(
        select(PendingImport).where(PendingImport.token == clean_key(token))
    ).first()
    if pending is None or pending.expires_at < now:
        raise NotFound("imp_pending_gone")
    if pending.member_id != actor.member_id:
        raise Forbidden()
    return pending
