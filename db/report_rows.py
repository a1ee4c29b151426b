"""The rows a council report is made of: one per task, or per period of a recurring task.

Shared by ``db.council_report`` (which reads and counts them) and ``db.report_periods`` (which
turns a recurring task into its periods), so that neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from db.status import Category
from schedules.recurrence import Occurrence, Recurrence


@dataclass(frozen=True)
class LatestUpdate:
    at: datetime
    author: str
    text: str


@dataclass(frozen=True)
class AppendixRow:
    """One task of the appendix, or one period of a recurring task (``period``)."""

    id: int
    directive: str | None
    clause: str | None
    title: str
    lead_code: str
    lead_name_vi: str
    lead_name_en: str
    co_agencies: tuple[str, ...]
    state: str
    due_text: str | None
    due_start: datetime | None
    due_end: datetime | None
    due_precision: str | None
    original_deadline: datetime | None
    approved_deadline: datetime | None
    completion_reported_at: datetime | None
    completed_at: datetime | None
    percent: int | None
    category: Category = Category.ON_TIME
    obstacle: str | None = None  # the text of the latest open obstacle
    latest: LatestUpdate | None = None
    # A recurring task's schedule (its row is replaced by its periods' rows, db.report_periods).
    schedule: Recurrence | None = None
    created_at: datetime | None = None
    period: Occurrence | None = None  # the period this row counts ("quý IV/2023")

    @property
    def extended(self) -> bool:
        return (
            self.approved_deadline is not None
            and self.original_deadline is not None
            and self.approved_deadline != self.original_deadline
        )


class ScoredRow(NamedTuple):
    state: str
    original_deadline: datetime | None
    approved_deadline: datetime | None
    completion_reported_at: datetime | None
    completed_at: datetime | None
    category: Category
    obstacle: str | None
    period: object = None  # a recurring task's period (only whether there is one counts)
