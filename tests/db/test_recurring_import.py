"""Directive files with recurring duties: the schedule read, previewed and stored (issue 17)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.outbound.import_report import render_report
from db.errors import InvalidInput
from db.models import Reminder, Task, TaskOccurrence
from schedules.clock import ManualClock
from tests.directives import fingerprint, import_source, load_example_registry

RECURRING = """\
number = "16/TEST"
date = 2023-11-01
issuer = "Văn phòng Chính phủ"
title = "Văn bản thử có nhiệm vụ định kỳ"
councils = ["DBSH"]

[[tasks]]
clause = "1"
lead = "BKHDT"
text = "Báo cáo tình hình thực hiện"
due = "{due}"

[[tasks]]
clause = "2"
lead = "BKHDT"
text = "Nhiệm vụ một lần"
due = "trong quý IV năm 2023"
"""
QUARTERLY = "hằng quý, trước ngày 20 của tháng cuối quý"


@pytest.fixture(autouse=True)
def registry(engine: Engine, clock: ManualClock) -> None:
    load_example_registry(engine, clock)


def test_a_recurring_due_is_previewed_with_its_next_deadlines_and_stored(
    engine: Engine, clock: ManualClock
) -> None:
    source = RECURRING.format(due=QUARTERLY)
    before = fingerprint(engine)
    dry = import_source(engine, clock, source, dry_run=True)
    assert dry.issues == ()
    assert dry.report is not None
    preview = render_report(dry.report, "vi")
    assert (
        "hằng quý, trước ngày 20 của tháng cuối quý; các kỳ tới: 20/12/2023, 20/03/2024, "
        "20/06/2024" in preview
    )
    assert "các kỳ tới: 20/12/2023" in render_report(dry.report, "vi")
    assert "next: 20/12/2023, 20/03/2024, 20/06/2024" in render_report(dry.report, "en")
    assert fingerprint(engine) == before  # a dry run writes nothing

    outcome = import_source(engine, clock, source)
    assert outcome.issues == ()
    with Session(engine) as session:
        tasks = {t.clause: t for t in session.exec(select(Task))}
        periods = session.exec(select(TaskOccurrence)).all()
        keys = session.exec(select(Reminder.key).where(col(Reminder.target_id) == tasks["1"].id))
        anchors = {key.split("@")[1].split(":")[0] for key in keys if "@" in key}
    assert tasks["1"].recurrence == {"period": "quarter", "day": 20, "month": 3}
    assert tasks["1"].due_text == QUARTERLY
    assert tasks["2"].recurrence is None  # the one-off task is as before
    assert [(p.task_id, p.period_start) for p in periods] == [(tasks["1"].id, date(2023, 10, 1))]
    assert anchors <= {"20231220"}

    # Importing the same file again changes nothing.
    again = import_source(engine, clock, source)
    assert again.report is not None and not again.report.changes_anything


def test_a_reimport_never_changes_a_schedule(engine: Engine, clock: ManualClock) -> None:
    import_source(engine, clock, RECURRING.format(due=QUARTERLY))
    with pytest.raises(InvalidInput) as refused:
        import_source(engine, clock, RECURRING.format(due="hằng tháng, trước ngày 25"))
    assert refused.value.key == "imp_err_recurrence_changed"


@pytest.mark.parametrize("due", ["định kỳ", "hằng quý, trước ngày 20", "hằng năm, trước ngày 30/2"])
def test_an_unclear_recurring_due_is_a_file_error(
    engine: Engine, clock: ManualClock, due: str
) -> None:
    before = fingerprint(engine)
    outcome = import_source(engine, clock, RECURRING.format(due=due))
    assert [issue.key for issue in outcome.issues] == ["imp_err_due_unreadable"]
    assert fingerprint(engine) == before


@pytest.mark.parametrize(
    "due", ["hằng tháng, trước ngày 25", "trong quý IV năm 2023", "hằng quý, từ năm 2024"]
)
def test_a_dry_run_refuses_a_schedule_change_exactly_as_the_import_does(
    engine: Engine, clock: ManualClock, due: str
) -> None:
    import_source(engine, clock, RECURRING.format(due=QUARTERLY))
    before = fingerprint(engine)
    refusals = []
    for dry_run in (True, False):
        with pytest.raises(InvalidInput) as refused:
            import_source(engine, clock, RECURRING.format(due=due), dry_run=dry_run)
        refusals.append((refused.value.key, refused.value.params))
        assert fingerprint(engine) == before
    assert refusals[0] == refusals[1] == ("imp_err_recurrence_changed", {"clause": "1"})


def test_a_schedule_with_no_period_left_is_refused_by_a_dry_run_too(
    engine: Engine, clock: ManualClock
) -> None:
    source = RECURRING.format(due="hằng năm, trước ngày 15 tháng 12, giai đoạn 2021-2022")
    before = fingerprint(engine)
    for dry_run in (True, False):
        with pytest.raises(InvalidInput) as refused:
            import_source(engine, clock, source, dry_run=dry_run)
        assert refused.value.key == "recurrence_no_periods"
    assert fingerprint(engine) == before
