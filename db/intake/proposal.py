"""What a letter proposes: its frame, tasks and meetings, as read (nothing stored yet).

The JSON form (:meth:`Proposal.to_json`) is the stable interface of ``councilbot extract
--json`` (docs/directive-format.md) and also how a proposal waits in the database for its
author's confirmation in Telegram (:meth:`Proposal.from_json` reads it back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from schedules.dates import DueWindow, parse_due
from schedules.recurrence import (
    Recurrence,
    format_recurrence,
    looks_recurring,
    next_deadlines,
    parse_recurrence,
)

# How many of a recurring task's deadlines the preview shows.
UPCOMING = 3


@dataclass
class Warning_:
    """Something the reader was unsure of: a catalogue key (``intake_warn_*``) and its values."""

    key: str
    clause: str | None = None
    params: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.key.removeprefix("intake_warn_"), "clause": self.clause, **self.params}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Warning_:
        params = {k: str(v) for k, v in data.items() if k not in ("kind", "clause")}
        return cls("intake_warn_" + str(data["kind"]), data.get("clause"), params)


@dataclass
class ProposedTask:
    clause: str
    lead: str | None  # as written
    lead_code: str | None
    co: list[str]  # as written, one entry per party
    co_codes: list[str | None]
    text: str
    due: str | None  # the deadline phrase as written (a schedule's: as stored, see below)
    window: DueWindow | None = None
    # A recurring duty (db.intake.recurring): ``due`` is then the schedule's phrase, which
    # parse_recurrence reads back, and ``upcoming`` its next deadlines from now.
    schedule: Recurrence | None = None
    upcoming: tuple[datetime, ...] = ()

    def set_schedule(self, schedule: Recurrence | None, tz: str, now: datetime) -> None:
        self.schedule = schedule
        self.upcoming = (
            tuple(o.due for o in next_deadlines(schedule, after=now, count=UPCOMING, tz=tz))
            if schedule is not None
            else ()
        )

    @property
    def resolved(self) -> bool:
        return self.lead_code is not None and all(code is not None for code in self.co_codes)


@dataclass
class ProposedMeeting:
    clause: str
    title: str
    when: str | None
    agenda: list[str] = field(default_factory=list)
    window: DueWindow | None = None
    place: str | None = None  # "Địa điểm: …", "… tại Hội trường …"
    chair: str | None = None  # "Chủ trì: …", "do … chủ trì"


@dataclass
class Proposal:
    number: str | None
    date: date | None
    issuer: str | None
    title: str | None
    tasks: list[ProposedTask] = field(default_factory=list)
    meetings: list[ProposedMeeting] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    councils: list[str] = field(default_factory=list)  # council codes the letter concerns

    def reference(self, tz: str, now: datetime) -> datetime:
        """The moment deadlines are read at: noon of the letter's date (else ``now``)."""
        if self.date is None:
            return now
        return datetime.combine(self.date, time(12), tzinfo=ZoneInfo(tz))

    def reread(self, tz: str, now: datetime) -> None:
        """Read every deadline phrase again at the letter's date (after a fix or a reload)."""
        at = self.reference(tz, now)
        # A deadline the reader left out with a warning stays out (not half-read on a reload).
        unsure = {w.clause for w in self.warnings if w.key.startswith("intake_warn_due")}
        for task in self.tasks:
            recurring = bool(task.due) and looks_recurring(task.due or "")
            # A recurring phrase is read only as a schedule, never half-read as one date.
            task.set_schedule(parse_recurrence(task.due or "") if recurring else None, tz, now)
            task.window = (
                parse_due(task.due, now=at, tz=tz)
                if task.due and not recurring and task.clause not in unsure
                else None
            )
        for meeting in self.meetings:
            meeting.window = parse_due(meeting.when, now=at, tz=tz) if meeting.when else None

    def to_json(self, tz: str) -> dict[str, Any]:
        zone = ZoneInfo(tz)

        def day(moment: datetime | None) -> str | None:
            return moment.astimezone(zone).date().isoformat() if moment else None

        return {
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "issuer": self.issuer,
            "title": self.title,
            "councils": list(self.councils),
            "tasks": [
                {
                    "clause": task.clause,
                    "lead": task.lead,
                    "lead_code": task.lead_code,
                    "co": list(task.co),
                    "co_codes": list(task.co_codes),
                    "text": task.text,
                    "due": task.due,
                    "due_start": day(task.window.start if task.window else None),
                    "due_end": day(task.window.end if task.window else None),
                    "schedule": task.schedule.to_json() if task.schedule else None,
                    "schedule_read": (
                        format_recurrence(task.schedule, "vi") if task.schedule else None
                    ),
                    "next_deadlines": [day(moment) for moment in task.upcoming],
                }
                for task in self.tasks
            ],
            "meetings": [
                {
                    "clause": meeting.clause,
                    "title": meeting.title,
                    "when": meeting.when,
                    "when_start": day(meeting.window.start if meeting.window else None),
                    "when_end": day(meeting.window.end if meeting.window else None),
                    "agenda": list(meeting.agenda),
                    "place": meeting.place,
                    "chair": meeting.chair,
                }
                for meeting in self.meetings
            ],
            "warnings": [warning.to_json() for warning in self.warnings],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, tz: str, now: datetime) -> Proposal:
        proposal = cls(
            number=data.get("number"),
            date=date.fromisoformat(data["date"]) if data.get("date") else None,
            issuer=data.get("issuer"),
            title=data.get("title"),
            tasks=[
                ProposedTask(
                    clause=str(item["clause"]),
                    lead=item.get("lead"),
                    lead_code=item.get("lead_code"),
                    co=list(item.get("co") or []),
                    co_codes=list(item.get("co_codes") or []),
                    text=str(item.get("text") or ""),
                    due=item.get("due"),
                )
                for item in data.get("tasks", [])
            ],
            meetings=[
                ProposedMeeting(
                    clause=str(item["clause"]),
                    title=str(item.get("title") or ""),
                    when=item.get("when"),
                    agenda=list(item.get("agenda") or []),
                    place=item.get("place"),
                    chair=item.get("chair"),
                )
                for item in data.get("meetings", [])
            ],
            warnings=[Warning_.from_json(item) for item in data.get("warnings", [])],
            councils=list(data.get("councils") or []),
        )
        proposal.reread(tz, now)
        return proposal
