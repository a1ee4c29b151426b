"""Directive import: the shipped letter 6411/VPCP-KTTH, re-import, edits, errors, dry runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db.engine import session_scope
from db.imports import Status, import_directive
from db.models import (
    Agency,
    AgendaItem,
    AuditLog,
    Council,
    Directive,
    DirectiveCouncil,
    Meeting,
    Member,
    Role,
    Task,
    TaskCoAgency,
    TaskCouncil,
)
from db.permissions import Actor, Grant
from schedules.clock import ManualClock
from tests.directives import (
    LETTER_6411,
    TZ,
    fingerprint,
    import_source,
    load_example_registry,
    small_directive,
)

SIX_COUNCILS = {"TDMNPB", "DBSH", "BTB-DHMT", "TN", "DNB", "DBSCL"}
# Section 2 of the letter: seven dashes under 2.a, then b, c (two actions), d (two actions),
# đ, e, g — with the lead agency of each, as the letter names them.
LETTER_TASKS = {
    "2.a.1": "BKHDT",
    "2.a.2": "BKHDT",
    "2.a.3": "BKHDT",
    "2.a.4": "BKHDT",
    "2.a.5": "BKHDT",
    "2.a.6": "BKHDT",
    "2.a.7": "BKHDT",
    "2.b": "BCT",
    "2.c.1": "BTTTT",
    "2.c.2": "BTTTT",
    "2.d.1": "BKHCN",
    "2.d.2": "BKHCN",
    "2.đ": "BNV",
    "2.e": "BNNPTNT",
    "2.g": "BYT",
}


@pytest.fixture
def registry(engine: Engine, clock: ManualClock) -> None:
    load_example_registry(engine, clock)


def letter() -> str:
    return LETTER_6411.read_text(encoding="utf-8")


# --- the shipped example --------------------------------------------------------------------------


@pytest.mark.usefixtures("registry")
def test_the_letter_imports_every_task_and_meeting(engine: Engine, clock: ManualClock) -> None:
    outcome = import_source(engine, clock, letter(), file_name=LETTER_6411.name)
    assert outcome.issues == ()
    with Session(engine) as session:
        directive = session.exec(select(Directive)).one()
        tasks = session.exec(select(Task)).all()
        meetings = session.exec(select(Meeting)).all()
        codes = {a.id: a.code for a in session.exec(select(Agency))}
        councils = {c.id: c.code for c in session.exec(select(Council))}
        followed = session.exec(select(DirectiveCouncil)).all()
        task_councils = session.exec(select(TaskCouncil)).all()
        co = {(row.task_id, codes[row.agency_id]) for row in session.exec(select(TaskCoAgency))}
        agenda = session.exec(select(AgendaItem)).all()
    assert (directive.number, directive.issued_on) == ("6411/VPCP-KTTH", date(2023, 8, 19))
    assert directive.issuer == "Văn phòng Chính phủ"
    assert {councils[row.council_id] for row in followed} == SIX_COUNCILS
    # 15 tasks: 2.a has seven, 2.c and 2.d two each, b, đ, e and g one each.
    assert len(tasks) == 15
    assert {task.clause: codes[task.lead_agency_id] for task in tasks} == LETTER_TASKS
    # Every task is followed by the six councils.
    assert len(task_councils) == 15 * 6
    by_clause = {task.clause: task for task in tasks}
    # Co-operating agencies as the letter names them: "phối hợp với các Bộ, cơ quan liên quan"
    # for 2.a, except its last dash ("phối hợp với Bộ Tài chính"); "các địa phương" for 2.b.
    assert co == {
        *((by_clause[f"2.a.{n}"].id, "CACBO") for n in range(1, 7)),
        (by_clause["2.a.7"].id, "BTC"),
        (by_clause["2.b"].id, "CACDP"),
    }
    # The two meetings of section 3, once for each council.
    assert len(meetings) == 2 * 6
    assert {(meeting.clause, councils[meeting.council_id]) for meeting in meetings} == {
        (clause, council) for clause in ("3.a", "3.b") for council in SIX_COUNCILS
    }
    assert len(agenda) == (1 + 3) * 6
    assert all(meeting.starts_at is None for meeting in meetings)


@pytest.mark.usefixtures("registry")
def test_the_letters_deadlines_are_read_as_written_and_others_stay_empty(
    engine: Engine, clock: ManualClock
) -> None:
    import_source(engine, clock, letter())
    with Session(engine) as session:
        tasks = {task.clause: task for task in session.exec(select(Task))}
        meetings = {m.clause: m for m in session.exec(select(Meeting))}
    q3 = tasks["2.a.3"]
    assert q3.due_text == "trong quý III năm 2023"
    assert q3.due_precision == "period"
    # 30/9/2023 23:59:59 in Hà Nội.
    assert q3.original_deadline == datetime(2023, 9, 30, 16, 59, 59, tzinfo=UTC)
    assert q3.approved_deadline == q3.original_deadline
    assert q3.due_start == datetime(2023, 6, 30, 17, 0, tzinfo=UTC)
    q4 = tasks["2.a.7"]
    assert q4.due_text == "trong quý IV năm 2023"
    assert q4.original_deadline == datetime(2023, 12, 31, 16, 59, 59, tzinfo=UTC)
    undated = [clause for clause, task in tasks.items() if task.due_text is None]
    assert set(undated) == set(LETTER_TASKS) - {"2.a.3", "2.a.7"}
    assert all(tasks[clause].original_deadline is None for clause in undated)
    assert meetings["3.a"].when_text == "Đầu quý IV năm 2023"
    assert meetings["3.a"].window_end == datetime(2023, 10, 31, 16, 59, 59, tzinfo=UTC)
    assert meetings["3.b"].when_text == "Đầu tháng 12 năm 2023"
    assert meetings["3.b"].window_start == datetime(2023, 11, 30, 17, 0, tzinfo=UTC)
    assert meetings["3.b"].window_end == datetime(2023, 12, 10, 16, 59, 59, tzinfo=UTC)


@pytest.mark.usefixtures("registry")
def test_the_report_counts_what_was_added(engine: Engine, clock: ManualClock) -> None:
    report = import_source(engine, clock, letter()).report
    assert report is not None and not report.dry_run
    assert report.directive == Status.ADDED
    assert report.count(report.tasks, Status.ADDED) == 15
    assert report.count(report.meetings, Status.ADDED) == 12
    assert all(item.task_id is not None for item in report.tasks)


# --- idempotence and edits ------------------------------------------------------------------------


@pytest.mark.usefixtures("registry")
def test_importing_the_same_file_again_changes_nothing(engine: Engine, clock: ManualClock) -> None:
    import_source(engine, clock, letter())
    before = fingerprint(engine)
    clock.advance(timedelta(days=11))
    report = import_source(engine, clock, letter()).report
    assert report is not None
    assert not report.changes_anything
    assert report.count(report.tasks, Status.UNCHANGED) == 15
    assert report.count(report.meetings, Status.UNCHANGED) == 12
    assert fingerprint(engine) == before  # not even an audit row


@pytest.mark.usefixtures("registry")
def test_an_edited_file_updates_the_tasks_it_names_and_reports_each_field(
    engine: Engine, clock: ManualClock
) -> None:
    import_source(engine, clock, letter())
    with Session(engine) as session:
        untouched = session.exec(select(Task).where(Task.clause == "2.g")).one()
    edited = (
        letter()
        .replace('due = "trong quý III năm 2023"', 'due = "trong quý IV năm 2023"')
        .replace('co = ["BTC"]', 'co = ["BTC", "BCT"]')
        .replace('lead = "BYT"', 'lead = "BNNPTNT"')
        .replace('when = "Đầu quý IV năm 2023"', 'when = "Giữa tháng 10 năm 2023"')
    )
    clock.advance(timedelta(days=1))
    report = import_source(engine, clock, edited).report
    assert report is not None
    changed = {item.clause: item for item in report.tasks if item.status == Status.CHANGED}
    assert set(changed) == {"2.a.3", "2.a.7", "2.g"}
    fields = {
        clause: {c.field: (c.before, c.after) for c in item.changes}
        for clause, item in changed.items()
    }
    assert fields["2.a.3"]["due"] == ("trong quý III năm 2023", "trong quý IV năm 2023")
    assert "deadline" in fields["2.a.3"]
    assert fields["2.a.7"] == {"co": ("BTC", "BCT, BTC")}
    assert fields["2.g"] == {"lead": ("BYT", "BNNPTNT")}
    assert report.count(report.tasks, Status.UNCHANGED) == 12
    assert report.count(report.meetings, Status.CHANGED) == 6
    meeting_fields = {c.field for c in report.meetings[0].changes}
    assert meeting_fields == {"when", "window_end"}
    with Session(engine) as session:
        tasks = {task.clause: task for task in session.exec(select(Task))}
        bnn = session.exec(select(Agency).where(Agency.code == "BNNPTNT")).one()
    assert len(tasks) == 15
    assert tasks["2.a.3"].original_deadline == datetime(2023, 12, 31, 16, 59, 59, tzinfo=UTC)
    assert tasks["2.g"].id == untouched.id and tasks["2.g"].lead_agency_id == bnn.id


@pytest.mark.usefixtures("registry")
def test_re_import_keeps_an_approved_extension(engine: Engine, clock: ManualClock) -> None:
    import_source(engine, clock, letter())
    extended = datetime(2024, 3, 31, 16, 59, 59, tzinfo=UTC)
    with session_scope(engine) as session:
        task = session.exec(select(Task).where(Task.clause == "2.a.3")).one()
        task.approved_deadline = extended
        session.add(task)
    edited = letter().replace('due = "trong quý III năm 2023"', 'due = "trong quý IV năm 2023"')
    import_source(engine, clock, edited)
    with Session(engine) as session:
        task = session.exec(select(Task).where(Task.clause == "2.a.3")).one()
    assert task.original_deadline == datetime(2023, 12, 31, 16, 59, 59, tzinfo=UTC)
    assert task.approved_deadline == extended


@pytest.mark.usefixtures("registry")
def test_tasks_missing_from_a_later_file_are_reported_and_kept(
    engine: Engine, clock: ManualClock
) -> None:
    import_source(engine, clock, letter())
    shorter = letter().replace(
        '[[tasks]]\nclause = "2.g"\nlead = "BYT"\n'
        'text = "Bộ Y tế đề xuất cơ chế phối hợp cấp vùng ứng phó với dịch bệnh."\n',
        "",
    )
    assert shorter != letter()
    report = import_source(engine, clock, shorter).report
    assert report is not None
    assert report.tasks_not_in_file == ("2.g",)
    assert not report.changes_anything
    with Session(engine) as session:
        assert session.exec(select(Task).where(Task.clause == "2.g")).one()


@pytest.mark.usefixtures("registry")
def test_a_dry_run_reports_the_changes_and_writes_nothing(
    engine: Engine, clock: ManualClock
) -> None:
    before = fingerprint(engine)
    report = import_source(engine, clock, letter(), dry_run=True).report
    assert report is not None and report.dry_run
    assert report.count(report.tasks, Status.ADDED) == 15
    assert report.count(report.meetings, Status.ADDED) == 12
    assert all(item.task_id is None for item in report.tasks)
    assert fingerprint(engine) == before
    import_source(engine, clock, letter())
    edited = letter().replace('lead = "BYT"', 'lead = "BNV"')
    after_import = fingerprint(engine)
    report = import_source(engine, clock, edited, dry_run=True).report
    assert report is not None
    assert [(i.clause, i.status) for i in report.tasks if i.status != Status.UNCHANGED] == [
        ("2.g", Status.CHANGED)
    ]
    assert fingerprint(engine) == after_import


# --- errors ---------------------------------------------------------------------------------------

FIVE_ERRORS = """\
number = "99/TEST"
date = 2023-09-01
councils = ["DBSH", "NOWHERE"]

[[tasks]]
clause = "1"
lead = "NOAGENCY"
text = "Việc thứ nhất"
due = "khi nào xong thì thôi"

[[tasks]]
clause = "1"
lead = "BTC"
text = "Việc thứ hai"
"""


@pytest.mark.usefixtures("registry")
def test_five_different_errors_are_reported_together_and_nothing_is_written(
    engine: Engine, clock: ManualClock
) -> None:
    before = fingerprint(engine)
    outcome = import_source(engine, clock, FIVE_ERRORS)
    assert outcome.report is None
    found = [(issue.line, issue.field, issue.key) for issue in outcome.issues]
    assert found == [
        (1, "title", "file_err_required"),  # missing title: reported at the top of the file
        (3, "councils", "file_err_unknown_council"),
        (7, "tasks[1].lead", "file_err_unknown_agency"),
        (9, "tasks[1].due", "imp_err_due_unreadable"),
        (12, "tasks[2].clause", "imp_err_duplicate_clause"),
    ]
    params = {issue.key: dict(issue.params) for issue in outcome.issues}
    assert params["file_err_unknown_council"] == {"code": "NOWHERE"}
    assert params["file_err_unknown_agency"] == {"code": "NOAGENCY"}
    assert params["imp_err_due_unreadable"] == {"text": "khi nào xong thì thôi"}
    assert params["imp_err_duplicate_clause"] == {"value": "1", "line": 6}
    assert fingerprint(engine) == before


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('number = "1"\ndate = "19/08/2023"\n', (2, "date", "file_err_type_date")),
        ('number = ["1"]\n', (1, "number", "file_err_type_string")),
        ('number = "1"\nsummary = "x"\n', (2, "summary", "file_err_unknown_key")),
        ('number = "1"\ncouncils = []\n', (2, "councils", "file_err_required")),
        ('number = "x\n', (1, "", "file_err_toml")),
    ],
)
def test_field_problems_name_the_field_and_line(
    engine: Engine, clock: ManualClock, source: str, expected: tuple[int, str, str]
) -> None:
    outcome = import_source(engine, clock, source)
    assert expected in [(issue.line, issue.field, issue.key) for issue in outcome.issues]


@pytest.mark.usefixtures("registry")
def test_task_level_problems(engine: Engine, clock: ManualClock) -> None:
    source = small_directive() + (
        '\n[[tasks]]\nclause = "2 b"\nlead = "BTC"\nco = ["BTC"]\ntext = "  "\ndue = ""\n'
        'dua = "quý IV"\n'
    )
    outcome = import_source(engine, clock, source)
    found = {(issue.field, issue.key) for issue in outcome.issues}
    assert found == {
        ("tasks[2].clause", "imp_err_clause_format"),
        ("tasks[2].co", "imp_err_co_is_lead"),
        ("tasks[2].text", "file_err_empty"),
        ("tasks[2].due", "file_err_empty"),
        ("tasks[2].dua", "file_err_unknown_key"),
    }


@pytest.mark.usefixtures("registry")
def test_an_unreadable_meeting_time_is_an_error(engine: Engine, clock: ManualClock) -> None:
    source = small_directive().replace("Đầu tháng 12 năm 2023", "hôm nào đẹp trời")
    outcome = import_source(engine, clock, source)
    assert [(i.field, i.key) for i in outcome.issues] == [
        ("meetings[1].when", "imp_err_when_unreadable")
    ]


@pytest.mark.usefixtures("registry")
def test_a_file_without_tasks_or_meetings_is_refused(engine: Engine, clock: ManualClock) -> None:
    source = small_directive().split("[[tasks]]")[0]
    outcome = import_source(engine, clock, source)
    assert [issue.key for issue in outcome.issues] == ["imp_err_nothing_to_import"]


# --- who may import -------------------------------------------------------------------------------


def _secretariat_of(engine: Engine, clock: ManualClock, *codes: str) -> Actor:
    with session_scope(engine) as session:
        member = Member(telegram_user_id=4242, full_name="Thư ký", created_at=clock.now())
        session.add(member)
        session.flush()
        ids = [session.exec(select(Council.id).where(Council.code == code)).one() for code in codes]
    return Actor(
        telegram_user_id=4242,
        member_id=member.id,
        name="Thư ký",
        grants=tuple(Grant(council_id=cid or 0, role=Role.SECRETARIAT) for cid in ids),
    )


@pytest.mark.usefixtures("registry")
def test_an_actor_must_run_every_council_of_the_directive(
    engine: Engine, clock: ManualClock
) -> None:
    actor = _secretariat_of(engine, clock, "DBSH")
    with session_scope(engine) as session:
        outcome = import_directive(
            session=session, source=letter(), tz=TZ, now=clock.now(), actor=actor
        )
    problems = [(issue.field, dict(issue.params)) for issue in outcome.issues]
    assert problems == [
        ("councils", {"code": code}) for code in ("TDMNPB", "BTB-DHMT", "TN", "DNB", "DBSCL")
    ]
    with session_scope(engine) as session:
        outcome = import_directive(
            session=session, source=small_directive("DBSH"), tz=TZ, now=clock.now(), actor=actor
        )
    assert outcome.issues == () and outcome.report is not None


@pytest.mark.usefixtures("registry")
def test_a_stored_directive_of_other_councils_cannot_be_taken_over(
    engine: Engine, clock: ManualClock
) -> None:
    import_source(engine, clock, small_directive("TN"))
    actor = _secretariat_of(engine, clock, "DBSH")
    before = fingerprint(engine)
    with session_scope(engine) as session:
        outcome = import_directive(
            session=session, source=small_directive("DBSH"), tz=TZ, now=clock.now(), actor=actor
        )
    assert [(i.field, i.key, dict(i.params)) for i in outcome.issues] == [
        ("number", "imp_err_stored_council", {"code": "TN"})
    ]
    assert fingerprint(engine) == before


# --- the audit trail of an import -----------------------------------------------------------------


@pytest.mark.usefixtures("registry")
def test_an_import_is_audited_in_the_same_transaction(engine: Engine, clock: ManualClock) -> None:
    import_source(engine, clock, letter(), file_name="6411.toml")
    with Session(engine) as session:
        rows = session.exec(select(AuditLog).order_by(col(AuditLog.id))).all()
    imports = [row for row in rows if row.action.startswith(("directive.", "task.", "meeting."))]
    actions = [row.action for row in imports]
    assert actions.count("directive.create") == 1
    assert actions.count("task.create") == 15
    assert actions.count("meeting.create") == 12
    summary = next(row for row in imports if row.action == "directive.import")
    assert summary.actor_label == "cli" and summary.actor_id is None
    assert summary.after == {
        "file": "6411.toml",
        "tasks_added": 15,
        "tasks_changed": 0,
        "meetings_added": 12,
        "meetings_changed": 0,
    }
    created = next(row for row in imports if row.action == "task.create")
    assert created.before is None
    assert created.after is not None and created.after["clause"] == "2.a.1"


@pytest.mark.usefixtures("registry")
def test_an_edit_is_audited_with_before_and_after(engine: Engine, clock: ManualClock) -> None:
    import_source(engine, clock, letter())
    import_source(engine, clock, letter().replace('lead = "BYT"', 'lead = "BNV"'))
    with Session(engine) as session:
        edit = session.exec(select(AuditLog).where(AuditLog.action == "task.edit")).one()
        task = session.exec(select(Task).where(Task.clause == "2.g")).one()
        codes = {a.code: a.id for a in session.exec(select(Agency))}
    assert edit.entity == "task" and edit.entity_id == task.id
    assert edit.before is not None and edit.after is not None
    assert edit.before["lead_agency_id"] == codes["BYT"]
    assert edit.after["lead_agency_id"] == codes["BNV"]
