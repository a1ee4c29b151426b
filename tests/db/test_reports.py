"""The council overview counts in SQL; those counts must be exactly what categorize() says."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from db.council_report import council_report
from db.models import (
    Agency,
    AgencyKind,
    Council,
    Directive,
    Member,
    ProgressUpdate,
    Task,
    TaskCoAgency,
    TaskCouncil,
    TaskOccurrence,
    TaskState,
    UpdateKind,
)
from db.recurring import council_periods
from db.report_request import ReportRequest
from db.reports import TaskLine, category_counts, council_overview
from db.status import Category, categorize
from db.task_cards import tasks_details
from schedules.recurrence import Recurrence

NOW = datetime(2023, 11, 20, 2, 0, tzinfo=UTC)
DUE_SOON_DAYS = 7
# Around every boundary categorize() has: now, the due-soon horizon, and each other.
OFFSETS: tuple[timedelta | None, ...] = (
    None,
    timedelta(days=-30),
    timedelta(seconds=-1),
    timedelta(0),
    timedelta(seconds=1),
    timedelta(days=DUE_SOON_DAYS),
    timedelta(days=DUE_SOON_DAYS, seconds=1),
    timedelta(days=40),
)


def _at(offset: timedelta | None) -> datetime | None:
    return None if offset is None else NOW + offset


def _every_kind_of_task() -> list[Task]:
    tasks = []
    for state, original, approved, finished in itertools.product(
        list(TaskState), OFFSETS, OFFSETS[:4] + OFFSETS[5:6], OFFSETS[:5]
    ):
        tasks.append(
            Task(
                lead_agency_id=1,
                title=f"{state} {original} {approved} {finished}",
                state=state,
                original_deadline=_at(original),
                approved_deadline=_at(approved),
                completion_reported_at=_at(finished) if state == TaskState.DONE else None,
                completed_at=_at(finished),
                created_at=NOW,
                updated_at=NOW,
            )
        )
    return tasks


def _council(session: Session) -> Council:
    """A council, and the one agency every task of _every_kind_of_task() is led by."""
    council = Council(code="DBSH", name_vi="Hội đồng", name_en="Council", created_at=NOW)
    session.add(council)
    session.add(Agency(id=1, code="BKHDT", name_vi="Bộ", name_en="MPI", kind=AgencyKind.OTHER))
    session.flush()
    return council


def _add_periods_of_every_kind(session: Session, owners: list[Task]) -> None:
    """A period in each of every task kind's states and dates, shared out among ``owners``."""
    kinds = [task for task in _every_kind_of_task() if task.original_deadline is not None]
    session.add_all(
        TaskOccurrence(
            task_id=owners[index % len(owners)].id or 0,
            kind="month",
            period_start=date(2000, 1, 1) + timedelta(days=index),
            period_end=date(2000, 1, 1) + timedelta(days=index),
            original_deadline=period.original_deadline or NOW,
            approved_deadline=period.approved_deadline,
            state=period.state,
            completion_reported_at=period.completion_reported_at,
            completed_at=period.completed_at,
            created_at=NOW,
            updated_at=NOW,
        )
        for index, period in enumerate(kinds)
    )


def test_sql_counts_agree_with_categorize_at_every_boundary(engine: Engine) -> None:
    with Session(engine) as session:
        council = _council(session)
        tasks = _every_kind_of_task()
        session.add_all(tasks)
        session.flush()
        session.add_all(
            TaskCouncil(task_id=task.id or 0, council_id=council.id or 0) for task in tasks
        )
        session.commit()

        expected: dict[Category, int] = {}
        for task in tasks:
            category = categorize(task, NOW, due_soon_days=DUE_SOON_DAYS)
            expected[category] = expected.get(category, 0) + 1
        counted = category_counts(
            session=session, council_id=council.id or 0, now=NOW, due_soon_days=DUE_SOON_DAYS
        )
        overview = council_overview(
            session=session, council=council, now=NOW, due_soon_days=DUE_SOON_DAYS, page_size=999
        )

    assert len(expected) == len(Category)  # the product reaches every category
    assert {category: sum(by_agency.values()) for category, by_agency in counted.items()} == (
        expected
    )
    assert {code for by_agency in counted.values() for code in by_agency} == {"BKHDT"}
    assert overview.total == len(tasks) - expected[Category.CANCELLED]
    listed = {line.id for line in overview.attention if not isinstance(line, str)}
    urgent = {
        task.id
        for task in tasks
        if categorize(task, NOW, due_soon_days=DUE_SOON_DAYS)
        in (Category.OVERDUE, Category.DUE_SOON)
    }
    assert listed == urgent


def test_each_overview_page_loads_the_tasks_the_whole_list_would_show_there(
    engine: Engine,
) -> None:
    """Pages are cut from group sizes counted in SQL; they must be the pages of the whole list:
    agencies with an overdue task first (by code), then those only due soon; in each agency
    overdue before due soon, then by deadline; an agency's code in front of its group, never
    alone at the bottom of a page."""
    with Session(engine, expire_on_commit=False) as session:
        council = Council(code="DBSH", name_vi="Hội đồng", name_en="Council", created_at=NOW)
        session.add(council)
        codes = ["BCT", "BTC", "BXD", "HCM", "LA"]
        session.add_all(
            Agency(id=n + 1, code=code, name_vi=code, name_en=code, kind=AgencyKind.OTHER)
            for n, code in enumerate(codes)
        )
        session.flush()
        tasks = [
            Task(
                lead_agency_id=1 + (n * 7) % len(codes),
                title=f"task {n}",
                state=TaskState.OPEN if n % 9 else TaskState.DONE,
                # From 20 days overdue to 12 days ahead: overdue, due soon and on time.
                original_deadline=NOW + timedelta(hours=11 * n - 480),
                created_at=NOW,
                updated_at=NOW,
            )
            for n in range(70)
        ]
        # BXD has only tasks due soon, so it comes after the agencies with overdue ones.
        for n, task in enumerate(tasks):
            if task.lead_agency_id == 3:
                task.original_deadline = NOW + timedelta(days=2, hours=n)
        session.add_all(tasks)
        session.flush()
        session.add_all(
            TaskCouncil(task_id=task.id or 0, council_id=council.id or 0) for task in tasks
        )
        session.commit()

        def page(number: int) -> tuple[list[str], int, int]:
            overview = council_overview(
                session=session, council=council, now=NOW, due_soon_days=7, page=number, page_size=8
            )
            items = [
                item if isinstance(item, str) else f"#{item.id}" for item in overview.attention
            ]
            return items, overview.page, overview.pages

        first, _, pages = page(0)
        shown = [first] + [page(number)[0] for number in range(1, pages)]
        assert page(pages + 5) == (shown[-1], pages - 1, pages)  # past the end: the last page

    code_of = {n + 1: code for n, code in enumerate(codes)}
    urgent = [
        task
        for task in tasks
        if categorize(task, NOW, due_soon_days=7) in (Category.OVERDUE, Category.DUE_SOON)
    ]
    overdue_codes = {
        code_of[task.lead_agency_id]
        for task in urgent
        if categorize(task, NOW, due_soon_days=7) == Category.OVERDUE
    }
    assert "BXD" not in overdue_codes and len(overdue_codes) == 4
    ordered = sorted(
        urgent,
        key=lambda task: (
            code_of[task.lead_agency_id] not in overdue_codes,
            code_of[task.lead_agency_id],
            categorize(task, NOW, due_soon_days=7) != Category.OVERDUE,
            task.original_deadline,
            task.id,
        ),
    )
    whole: list[str] = []
    last_code = ""
    for task in ordered:
        if code_of[task.lead_agency_id] != last_code:
            last_code = code_of[task.lead_agency_id]
            whole.append(last_code)
        whole.append(f"#{task.id}")
    expected_pages: list[list[str]] = []
    current: list[str] = []
    for item in whole:
        current.append(item)
        if len(current) == 8:
            carried = [current.pop()] if not current[-1].startswith("#") else []
            expected_pages.append(current)
            current = carried
    expected_pages.append(current)
    assert shown == expected_pages
    assert sum(len(items) for items in shown) > 3 * 8  # several pages, really


def test_the_cards_of_several_tasks_each_get_their_own_agencies_updates_and_flags(
    engine: Engine,
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        agencies = [
            Agency(id=n + 1, code=code, name_vi=code, name_en=code, kind=AgencyKind.OTHER)
            for n, code in enumerate(["BKHDT", "BTC", "BCT", "HCM"])
        ]
        directive = Directive(number="6411/VPCP-KTTH", created_at=NOW)
        author = Member(telegram_user_id=5, full_name="Chị Lan", created_at=NOW)
        session.add_all([*agencies, directive, author])
        session.flush()
        chatty, quiet, blocked = (
            Task(lead_agency_id=lead, title=title, created_at=NOW, updated_at=NOW)
            for lead, title in ((1, "chatty"), (4, "quiet"), (2, "blocked"))
        )
        blocked.directive_id = directive.id
        blocked.original_deadline = NOW - timedelta(days=1)
        session.add_all([chatty, quiet, blocked])
        session.flush()
        session.add_all(
            [
                TaskCoAgency(task_id=chatty.id or 0, agency_id=2),
                TaskCoAgency(task_id=chatty.id or 0, agency_id=3),
                TaskCoAgency(task_id=blocked.id or 0, agency_id=4),
            ]
        )
        session.add_all(
            ProgressUpdate(
                task_id=chatty.id or 0,
                author_id=author.id,
                text=f"update {n}",
                created_at=NOW + timedelta(hours=n % 4, minutes=n),
            )
            for n in range(7)
        )
        session.add(
            ProgressUpdate(
                task_id=blocked.id or 0, kind=UpdateKind.OBSTACLE, text="stuck", created_at=NOW
            )
        )
        session.commit()

        cards = tasks_details(
            session=session, tasks=[chatty, quiet, blocked], now=NOW, due_soon_days=7, updates=5
        )

    assert [card.task.title for card in cards] == ["chatty", "quiet", "blocked"]
    assert [card.lead.code for card in cards] == ["BKHDT", "HCM", "BTC"]
    assert [[a.code for a in card.co_agencies] for card in cards] == [["BCT", "BTC"], [], ["HCM"]]
    assert [card.directive_number for card in cards] == [None, None, "6411/VPCP-KTTH"]
    assert [card.obstacle for card in cards] == [False, False, True]
    assert [card.category for card in cards] == [
        Category.NO_DEADLINE,
        Category.NO_DEADLINE,
        Category.OVERDUE,
    ]
    # The five newest of chatty's seven updates, newest first, with their author.
    assert [(u.text, a.full_name if a else None) for u, a in cards[0].updates] == [
        ("update 3", "Chị Lan"),
        ("update 6", "Chị Lan"),
        ("update 2", "Chị Lan"),
        ("update 5", "Chị Lan"),
        ("update 1", "Chị Lan"),
    ]
    assert cards[1].updates == []
    assert [(u.text, a) for u, a in cards[2].updates] == [("stuck", None)]


def test_the_overview_flags_open_obstacles_of_the_council_only(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        ours = Council(code="DBSH", name_vi="Hội đồng", name_en="Council", created_at=NOW)
        theirs = Council(code="TNB", name_vi="Hội đồng 2", name_en="Council 2", created_at=NOW)
        session.add_all([ours, theirs])
        session.add(Agency(id=1, code="BKHDT", name_vi="Bộ", name_en="MPI", kind=AgencyKind.OTHER))
        session.flush()
        titles = ["late, stuck", "late", "ahead, stuck", "cancelled, stuck", "resolved", "other"]
        tasks = {
            title: Task(
                lead_agency_id=1,
                title=title,
                state=TaskState.CANCELLED if title.startswith("cancelled") else TaskState.OPEN,
                original_deadline=NOW + timedelta(days=-2 if title.startswith("late") else 30),
                created_at=NOW,
                updated_at=NOW,
            )
            for title in titles
        }
        session.add_all(tasks.values())
        session.flush()
        for title, task in tasks.items():
            council = theirs if title == "other" else ours
            session.add(TaskCouncil(task_id=task.id or 0, council_id=council.id or 0))
            if "stuck" in title or title in ("resolved", "other"):
                session.add(
                    ProgressUpdate(
                        task_id=task.id or 0,
                        kind=UpdateKind.OBSTACLE,
                        text="x",
                        created_at=NOW,
                        resolved_at=NOW if title == "resolved" else None,
                    )
                )
        session.commit()
        overview = council_overview(session=session, council=ours, now=NOW, due_soon_days=7)

    flags = {line.title: line.obstacle for line in overview.attention if isinstance(line, TaskLine)}
    assert flags == {"late, stuck": True, "late": False}
    assert [line.title for line in overview.obstacles] == ["late, stuck", "ahead, stuck"]
    assert overview.obstacle_total == 2


def test_the_periods_counted_in_sql_agree_with_categorize(engine: Engine) -> None:
    """The overview counts the recurring tasks' periods in its tally statement (issue 16):
    the same as db.recurring.council_periods, which categorizes each period in Python."""
    with Session(engine) as session:
        council = _council(session)
        owners = _every_kind_of_task()[:3]
        session.add_all(owners)
        session.flush()
        session.add_all(
            TaskCouncil(task_id=task.id or 0, council_id=council.id or 0) for task in owners
        )
        _add_periods_of_every_kind(session, owners)
        session.commit()
        expected = council_periods(
            session=session, council_id=council.id or 0, now=NOW, due_soon_days=DUE_SOON_DAYS
        )
        overview = council_overview(
            session=session, council=council, now=NOW, due_soon_days=DUE_SOON_DAYS
        )
    assert expected.tasks == 3 and len(expected.by_category) >= 6
    assert overview.periods == expected


def test_the_overview_counts_a_recurring_task_once_per_period_as_the_chart_does(
    engine: Engine,
) -> None:
    """Issue 17: /status counts a recurring task once per written period (its periods in its
    place, cancelled ones left out), so its counts are the /status chart's, category by
    category; one-off tasks are counted once, as before."""
    with Session(engine) as session:
        council = _council(session)
        tasks = _every_kind_of_task()
        owners = [task for task in tasks if task.state == TaskState.OPEN][:2]
        cancelled_owner = next(task for task in tasks if task.state == TaskState.CANCELLED)
        for owner in [*owners, cancelled_owner]:
            owner.recurrence = Recurrence(period="month", day=25).to_json()
        session.add_all(tasks)
        session.flush()
        session.add_all(
            TaskCouncil(task_id=task.id or 0, council_id=council.id or 0) for task in tasks
        )
        _add_periods_of_every_kind(session, [*owners, cancelled_owner])
        session.commit()
        assert council.id is not None
        overview = council_overview(
            session=session, council=council, now=NOW, due_soon_days=DUE_SOON_DAYS
        )
        chart = council_report(
            session=session,
            council_ids=[council.id],
            request=ReportRequest(period=None, council_id=council.id),
            now=NOW,
            due_soon_days=DUE_SOON_DAYS,
            tz="Asia/Ho_Chi_Minh",
        )
        one_off = Counter(
            categorize(task, NOW, due_soon_days=DUE_SOON_DAYS)
            for task in tasks
            if task.recurrence is None
        )
        periods = council_periods(
            session=session, council_id=council.id, now=NOW, due_soon_days=DUE_SOON_DAYS
        )
    one_off.pop(Category.CANCELLED, None)
    expected = one_off + Counter(periods.by_category)
    assert periods.tasks == 3 and sum(periods.by_category.values()) > 100
    assert overview.counts == dict(expected)
    assert overview.counts == {k: v for k, v in chart.counts.items() if v}
    assert overview.total == sum(expected.values())
    assert overview.period_total == sum(periods.by_category.values())
