"""Benchmark: importing directives from TOML files, the shipped letter and one of 5,000 tasks.

    .venv/bin/python bench/bench_import.py [--tasks 5000] [--repeat 3] [--profile] [--postgres URL]

Each import runs on a fresh copy of the national dataset (``bench/dataset.py``) through the
service ``councilbot import`` uses: ``db.imports.import_directive`` inside ``session_scope``,
with the reminder configuration of the settings, so the re-planning of the directive's
reminders is part of it, and with the clock at the dataset's moment. The time covers the whole
unit of work, from opening the session to the commit (the migration check the command runs
first and reading the file are not included). Cases:

- ``letter``: ``examples/6411-VPCP-KTTH-2023.toml``, 15 tasks and 2 meetings for six councils;
- ``large dry run``: ``--dry-run`` of a generated directive of ``--tasks`` tasks (the preview
  Telegram shows before "Import"): everything checked and compared, nothing written;
- ``large``: the same file imported;
- ``large again``: the same file once more on the same database; nothing may change.

The generated directive is a national one (the six councils, as the shipped letter), written
as a directive is: numbered clauses ("1.1", "1.2", ... "2.1" ...), lead and co-operating
agencies drawn from the dataset's registry (ministries, provinces, the group codes
``CACBO``/``CACDP`` as partners), deadlines in the phrases officials write ("trong quý IV năm
2023", "đầu tháng 12 năm 2023", "trước ngày 15/12/2023", "6 tháng đầu năm 2024"...), a fifth of
the tasks without one, and two meetings. It is generated from a fixed seed, so every run
imports the same text. Every import is checked: no issues, the expected counts of added,
changed and unchanged tasks and meetings, every deadline read as the generator meant it, the
rows in the database (and none written by the dry run or the second import, not even audit
rows).

Each case runs ``--repeat`` times (each time on fresh copies) and the median is reported: the
seconds, tasks/second and, of those seconds, the time spent re-planning the directive's
reminders (``schedules.reminders.replan_directive``, which an import that changes nothing and
a dry run skip). Merges ``{"import": ...}`` into ``bench/results.json``. Budget: each import of
the large file (dry run, import, re-import) within 10 s; exit status 1 when missed.
``--profile`` then imports the large file once more on a fresh SQLite copy under cProfile and
prints where the time goes (not recorded).
"""

from __future__ import annotations

import argparse
import calendar
import cProfile
import io
import json
import logging
import pstats
import random
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the project

from sqlalchemy import text  # noqa: E402

import db.imports  # noqa: E402
from bench.dataset import NOW, OBJECTS, TAILS, VERBS, bench_settings, database_copy  # noqa: E402
from bench.harness import machine_line, merge_results, table, verdict  # noqa: E402
from bot.reminder_config import reminder_config  # noqa: E402
from db.engine import make_engine, session_scope  # noqa: E402
from db.imports import ImportReport, Status, import_directive  # noqa: E402

BUDGET_S = 10.0
TASKS = 5_000
SEED = 20231115
LETTER = ROOT / "examples" / "6411-VPCP-KTTH-2023.toml"
LETTER_TASKS, LETTER_MEETINGS, LETTER_WITH_DUE = 15, 2, 2
NUMBER = "1839/TB-VPCP"
ISSUED_ON = date(2023, 11, 15)  # five days before the dataset's moment
GROUP_CODES = ("CACBO", "CACDP")  # "các Bộ, cơ quan liên quan", "các địa phương liên quan"
STANDING_AGENCY = "BKHDT"  # the councils' standing agency leads more than its share
WITHOUT_DUE = 0.2
ROMAN = ("I", "II", "III", "IV")
COUNTED = ("directive", "task", "task_council", "task_co_agency", "meeting", "agenda_item")
COUNTED_ALSO = ("audit_log", "reminder")


# --- the generated directive ---------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class Generated:
    source: str
    tasks: int
    meetings: int  # per council
    councils: int
    co_links: int
    agenda_items: int  # per council
    last_day: dict[str, date | None]  # clause -> the deadline's local day (None: no deadline)


def _last_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _deadline(rng: random.Random) -> tuple[str, date]:
    """A deadline as a directive issued on ``ISSUED_ON`` writes it, and the day it ends."""
    # The months and quarters still ahead of the directive: December 2023 to December 2024.
    months = [(2023, 12)] + [(2024, m) for m in range(1, 13)]
    quarters = [(2023, 4)] + [(2024, q) for q in range(1, 5)]
    form = rng.choices(
        ("quarter", "month_part", "month", "by_day", "by_day_no_year", "year", "half", "by_end"),
        weights=(24, 16, 10, 22, 4, 8, 10, 6),
    )[0]
    if form == "quarter":
        year, q = rng.choice(quarters)
        pattern = rng.choice(
            (
                "trong quý {r} năm {y}",
                "quý {r} năm {y}",
                "Quý {r}/{y}",
                "chậm nhất trong quý {r} năm {y}",
                "trong quý {r}/{y}",
            )
        )
        return pattern.format(r=ROMAN[q - 1], y=year), _last_of_month(year, 3 * q)
    if form == "month_part":
        year, month = rng.choice(months)
        part = rng.randrange(3)
        word = rng.choice((("đầu", "giữa", "cuối"), ("thượng tuần", "trung tuần", "hạ tuần")))[part]
        phrase = f"{word} tháng {month} năm {year}"
        last = _last_of_month(year, month) if part == 2 else date(year, month, 10 * (part + 1))
        return phrase, last
    if form == "month":
        year, month = rng.choice(months)
        pattern = rng.choice(("trong tháng {m} năm {y}", "tháng {m}/{y}", "trong tháng {m}/{y}"))
        return pattern.format(m=month, y=year), _last_of_month(year, month)
    if form in ("by_day", "by_day_no_year"):
        day = ISSUED_ON + timedelta(days=rng.randint(10, 330))
        lead = rng.choice(
            ("trước ngày", "chậm nhất ngày", "chậm nhất là ngày", "không quá ngày", "trước")
        )
        if form == "by_day_no_year":  # the nearest such day not yet over: this one
            return f"{lead} {day.day}/{day.month}", day
        written = (
            f"{day.day:02d}/{day.month:02d}" if rng.random() < 0.3 else f"{day.day}/{day.month}"
        )
        return f"{lead} {written}/{day.year}", day
    if form == "year":
        return rng.choice(("năm 2024", "trong năm 2024")), date(2024, 12, 31)
    if form == "half":
        return rng.choice(
            (
                ("6 tháng đầu năm 2024", date(2024, 6, 30)),
                ("nửa đầu năm 2024", date(2024, 6, 30)),
                ("6 tháng cuối năm 2024", date(2024, 12, 31)),
                ("9 tháng đầu năm 2024", date(2024, 9, 30)),
                ("đầu năm 2024", date(2024, 3, 31)),
                ("cuối năm 2023", date(2023, 12, 31)),
                ("cuối năm 2024", date(2024, 12, 31)),
            )
        )
    year, month = rng.choice(months)
    return f"trước cuối tháng {month} năm {year}", _last_of_month(year, month)


def _lower_first(words: str) -> str:
    """Mid-sentence: "Trình Chủ tịch..." -> "trình Chủ tịch...", "Các Bộ" -> "các Bộ"."""
    return words[:1].lower() + words[1:]


def _quoted(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _strings(values: Sequence[str]) -> str:
    return "[" + ", ".join(_quoted(v) for v in values) + "]"


def generate_directive(
    councils: Sequence[str], agencies: Sequence[Agency], *, tasks: int, seed: int = SEED
) -> Generated:
    """A national directive of ``tasks`` tasks and two meetings, the same for the same seed."""
    rng = random.Random(seed)
    by_code = {agency.code: agency for agency in agencies}
    leads = [a for a in agencies if a.code not in GROUP_CODES]
    weights = [30.0 if a.code == STANDING_AGENCY else 1.0 for a in leads]
    lines = [
        f"# Generated by bench/bench_import.py (seed {seed}): {tasks} tasks, 2 meetings.",
        f"number = {_quoted(NUMBER)}",
        f"date = {ISSUED_ON.isoformat()}",
        'issuer = "Văn phòng Chính phủ"',
        'title = "Thông báo kết luận của Thủ tướng Chính phủ tại Hội nghị các Hội đồng điều phối'
        ' vùng về triển khai quy hoạch vùng và liên kết vùng năm 2024"',
        f"councils = {_strings(councils)}",
    ]
    last_day: dict[str, date | None] = {}
    co_links = 0
    section, in_section, section_size = 1, 0, rng.randint(8, 60)
    for _ in range(tasks):
        if in_section == section_size:
            section, in_section, section_size = section + 1, 0, rng.randint(8, 60)
        in_section += 1
        clause = f"{section}.{in_section}"
        lead = rng.choices(leads, weights)[0]
        partners = [a.code for a in rng.sample(leads, rng.choice((0, 1, 1, 2, 3))) if a != lead]
        if rng.random() < 0.35:
            partners.append(rng.choice(GROUP_CODES))
        body = f"{_lower_first(rng.choice(VERBS))} {rng.choice(OBJECTS)}{rng.choice(TAILS)}"
        if partners:
            names = ", ".join(
                _lower_first(name) if code in GROUP_CODES else name
                for code, name in ((code, by_code[code].name) for code in partners)
            )
            body = f"chủ trì, phối hợp với {names} {body}"
        due: str | None = None
        if rng.random() < WITHOUT_DUE:
            last_day[clause] = None
        else:
            due, last_day[clause] = _deadline(rng)
        written = f"{lead.name} {body}"
        if due is not None and rng.random() < 0.6:  # the deadline repeated in the sentence
            written += f"; {rng.choice(('hoàn thành', 'báo cáo Thủ tướng Chính phủ'))} {due}"
        lines += [
            "",
            "[[tasks]]",
            f"clause = {_quoted(clause)}",
            f"lead = {_quoted(lead.code)}",
        ]
        if partners:
            lines.append(f"co = {_strings(partners)}")
            co_links += len(partners)
        lines.append(f"text = {_quoted(written + '.')}")
        if due is not None:
            lines.append(f"due = {_quoted(due)}")
    meetings = (
        (
            "Hội nghị sơ kết 6 tháng thực hiện Thông báo kết luận",
            "Đầu tháng 12 năm 2023",
            ("Sơ kết tình hình thực hiện các nhiệm vụ.", "Kiến nghị, đề xuất."),
        ),
        (
            "Hội nghị tổng kết năm 2023, triển khai nhiệm vụ năm 2024",
            "9h ngày 18/1/2024",
            (
                "Tổng kết hoạt động năm 2023 của các Hội đồng.",
                "Thông qua Kế hoạch hoạt động năm 2024.",
                "Phân công nhiệm vụ quý I năm 2024.",
            ),
        ),
    )
    for number, (title, when, agenda) in enumerate(meetings, start=1):
        lines += [
            "",
            "[[meetings]]",
            f"clause = {_quoted(f'{section + 1}.{number}')}",
            f"title = {_quoted(title)}",
            f"when = {_quoted(when)}",
            f"agenda = {_strings(agenda)}",
        ]
    return Generated(
        source="\n".join(lines) + "\n",
        tasks=tasks,
        meetings=len(meetings),
        councils=len(councils),
        co_links=co_links,
        agenda_items=sum(len(agenda) for _, _, agenda in meetings),
        last_day=last_day,
    )


def registry_of(url: str) -> tuple[list[str], list[Agency]]:
    """The dataset's council codes and agencies, in id order."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            councils = list(
                connection.execute(text("SELECT code FROM council ORDER BY id")).scalars()
            )
            agencies = [
                Agency(code, name, kind)
                for code, name, kind in connection.execute(
                    text("SELECT code, name_vi, kind FROM agency ORDER BY id")
                )
            ]
    finally:
        engine.dispose()
    return councils, agencies


# --- importing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Timed:
    seconds: float
    report: ImportReport
    replan_seconds: float  # of which re-planning the directive's reminders


@contextmanager
def replan_clock() -> Iterator[list[float]]:
    """Seconds spent in ``replan_directive`` as ``import_directive`` calls it."""
    original = db.imports.replan_directive
    spent: list[float] = []

    def timed(**kwargs: Any) -> None:
        started = time.perf_counter()
        try:
            original(**kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    db.imports.replan_directive = timed
    try:
        yield spent
    finally:
        db.imports.replan_directive = original


def timed_import(url: str, source: str, *, file_name: str, dry_run: bool = False) -> Timed:
    """What ``councilbot import`` does after its migration check; the session to the commit is
    timed."""
    settings = bench_settings(url)
    engine = make_engine(url)
    try:
        with replan_clock() as replanning:
            started = time.perf_counter()
            with session_scope(engine) as session:
                outcome = import_directive(
                    session=session,
                    source=source,
                    tz=settings.app.timezone,
                    now=NOW,
                    actor_label="cli",
                    dry_run=dry_run,
                    file_name=file_name,
                    reminders=reminder_config(settings),
                )
            elapsed = time.perf_counter() - started
    finally:
        engine.dispose()
    if outcome.report is None:
        problems = "; ".join(f"{i.line}: {i.field}: {i.key} {i.params}" for i in outcome.issues)
        raise SystemExit(f"{file_name}: the import found problems: {problems}")
    return Timed(elapsed, outcome.report, sum(replanning))


def row_counts(url: str, number: str) -> dict[str, int]:
    """Rows of directive ``number`` per table, and all audit and reminder rows."""
    engine = make_engine(url)
    directive = "(SELECT id FROM directive WHERE number = :number)"
    tasks = f"(SELECT id FROM task WHERE directive_id IN {directive})"
    meetings = f"(SELECT id FROM meeting WHERE directive_id IN {directive})"
    queries = {
        "directive": "SELECT count(*) FROM directive WHERE number = :number",
        "task": f"SELECT count(*) FROM task WHERE id IN {tasks}",
        "task_council": f"SELECT count(*) FROM task_council WHERE task_id IN {tasks}",
        "task_co_agency": f"SELECT count(*) FROM task_co_agency WHERE task_id IN {tasks}",
        "meeting": f"SELECT count(*) FROM meeting WHERE id IN {meetings}",
        "agenda_item": f"SELECT count(*) FROM agenda_item WHERE meeting_id IN {meetings}",
        "audit_log": "SELECT count(*) FROM audit_log",
        "reminder": "SELECT count(*) FROM reminder",
    }
    try:
        with engine.connect() as connection:
            return {
                name: int(connection.execute(text(sql), {"number": number}).scalar_one())
                for name, sql in queries.items()
            }
    finally:
        engine.dispose()


def expect(condition: bool, message: str) -> None:
    """A check that holds with ``python -O`` too."""
    if not condition:
        raise SystemExit(f"bench_import: {message}")


def check_report(
    report: ImportReport,
    *,
    case: str,
    directive: Status,
    tasks: int,
    meetings: int,
    status: Status,
    dry_run: bool = False,
) -> None:
    expect(report.dry_run == dry_run, f"{case}: dry_run is {report.dry_run}")
    expect(report.directive == directive, f"{case}: directive {report.directive}")
    expect(len(report.tasks) == tasks, f"{case}: {len(report.tasks)} tasks, not {tasks}")
    expect(report.count(report.tasks, status) == tasks, f"{case}: not every task {status}")
    expect(len(report.meetings) == meetings, f"{case}: {len(report.meetings)} meetings")
    expect(report.count(report.meetings, status) == meetings, f"{case}: not every meeting {status}")
    expect(not report.tasks_not_in_file and not report.meetings_not_in_file, f"{case}: leftovers")
    expect(
        report.changes_anything == (status != Status.UNCHANGED), f"{case}: changes_anything wrong"
    )


def check_deadlines(report: ImportReport, generated: Generated, tz: str) -> None:
    """Every deadline read as the generator meant it (its last day, in the council's zone)."""
    zone = ZoneInfo(tz)
    for item in report.tasks:
        wanted = generated.last_day[item.clause]
        got = item.due.end.astimezone(zone).date() if item.due else None
        expect(got == wanted, f"{item.clause}: {item.due and item.due.text!r} read as {got}")


@dataclass
class Case:
    name: str
    tasks: int
    meetings: int  # meeting rows (one per council)
    runs: list[Timed]
    budget: bool  # does the budget apply?
    notes: str = ""

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def replan_seconds(self) -> float:
        return statistics.median(run.replan_seconds for run in self.runs)

    @property
    def within_budget(self) -> bool:
        return self.seconds <= BUDGET_S

    def figures(self) -> dict[str, Any]:
        return {
            "tasks": self.tasks,
            "meetings": self.meetings,
            "seconds": round(self.seconds, 3),
            "tasks_per_second": round(self.tasks / self.seconds, 1),
            "replan_reminders_s": round(self.replan_seconds, 3),
            "runs_s": [round(run.seconds, 3) for run in self.runs],
            **({"notes": self.notes} if self.notes else {}),
        }


@dataclass(frozen=True)
class LargeRun:
    dry_run: Timed
    first: Timed
    again: Timed
    reminders_planned: int


def run_letter(server: str | None) -> tuple[Timed, int, list[str], list[Agency]]:
    """The letter's import, the reminders it planned, and the registry of the dataset."""
    source = LETTER.read_text(encoding="utf-8-sig")
    with database_copy(server) as url:
        councils, agencies = registry_of(url)
        before = row_counts(url, "6411/VPCP-KTTH")
        timed = timed_import(url, source, file_name=LETTER.name)
        counts = row_counts(url, "6411/VPCP-KTTH")
    meetings = LETTER_MEETINGS * len(councils)
    check_report(
        timed.report,
        case="letter",
        directive=Status.ADDED,
        tasks=LETTER_TASKS,
        meetings=meetings,
        status=Status.ADDED,
    )
    with_due = sum(1 for item in timed.report.tasks if item.due is not None)
    expect(with_due == LETTER_WITH_DUE, f"letter: {with_due} tasks with a deadline")
    expect(counts["task"] == LETTER_TASKS and counts["meeting"] == meetings, f"letter: {counts}")
    return timed, counts["reminder"] - before["reminder"], councils, agencies


def run_large(server: str | None, generated: Generated) -> LargeRun:
    """The dry run on a fresh copy; the import and the import again on another."""
    name = f"{NUMBER.replace('/', '-')}.toml"
    meetings = generated.meetings * generated.councils
    tz = bench_settings("sqlite://").app.timezone
    with database_copy(server) as url:
        before = row_counts(url, NUMBER)
        dry = timed_import(url, generated.source, file_name=name, dry_run=True)
        after = row_counts(url, NUMBER)
    check_report(
        dry.report,
        case="dry run",
        directive=Status.ADDED,
        tasks=generated.tasks,
        meetings=meetings,
        status=Status.ADDED,
        dry_run=True,
    )
    check_deadlines(dry.report, generated, tz)
    expect(after == before, f"dry run wrote rows: {before} -> {after}")

    with database_copy(server) as url:
        before = row_counts(url, NUMBER)
        first = timed_import(url, generated.source, file_name=name)
        imported = row_counts(url, NUMBER)
        again = timed_import(url, generated.source, file_name=name)
        after = row_counts(url, NUMBER)
    check_report(
        first.report,
        case="import",
        directive=Status.ADDED,
        tasks=generated.tasks,
        meetings=meetings,
        status=Status.ADDED,
    )
    check_deadlines(first.report, generated, tz)
    wanted = {
        "directive": 1,
        "task": generated.tasks,
        "task_council": generated.tasks * generated.councils,
        "task_co_agency": generated.co_links,
        "meeting": meetings,
        "agenda_item": generated.agenda_items * generated.councils,
        # one per task and meeting, the directive's creation and the import summary
        "audit_log": before["audit_log"] + generated.tasks + meetings + 2,
    }
    got = {key: imported[key] for key in wanted}
    expect(got == wanted, f"import: rows {got}, expected {wanted}")
    planned = imported["reminder"] - before["reminder"]
    expect(planned > 0, "import: no reminder planned")
    check_report(
        again.report,
        case="import again",
        directive=Status.UNCHANGED,
        tasks=generated.tasks,
        meetings=meetings,
        status=Status.UNCHANGED,
    )
    expect(after == imported, f"import again changed rows: {imported} -> {after}")
    return LargeRun(dry, first, again, planned)


def profile_large(server: str | None, generated: Generated, lines: int = 30) -> None:
    """Import the large file under cProfile on a fresh copy; print the top functions."""
    profiler = cProfile.Profile()
    with database_copy(server) as url:
        profiler.enable()
        timed = timed_import(url, generated.source, file_name="profiled.toml")
        profiler.disable()
    print(f"\nprofile of the large import ({timed.seconds:.2f} s under cProfile):")
    for order in ("cumulative", "tottime"):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(order).print_stats(lines)
        print(stream.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tasks", type=int, default=TASKS, help="tasks of the generated file")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median reported)")
    parser.add_argument("--profile", action="store_true", help="profile one more large import")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    results: dict[str, Any] = {
        "tasks": args.tasks,
        "seed": SEED,
        "repeat": args.repeat,
        "budget_s": BUDGET_S,
    }
    ok = True
    backends: list[tuple[str, str | None]] = [("sqlite", None)]
    if args.postgres:
        backends.append(("postgresql", args.postgres))
    generated: Generated | None = None
    for backend, server in backends:
        letters: list[Timed] = []
        larges: list[LargeRun] = []
        for _ in range(args.repeat):
            letter, letter_planned, councils, agencies = run_letter(server)
            letters.append(letter)
            if generated is None:
                generated = generate_directive(councils, agencies, tasks=args.tasks)
            larges.append(run_large(server, generated))
        assert generated is not None
        meetings = generated.meetings * generated.councils
        planned = larges[-1].reminders_planned
        size_kb = round(len(generated.source.encode()) / 1024)
        cases = [
            Case(
                "letter",
                LETTER_TASKS,
                LETTER_MEETINGS * generated.councils,
                letters,
                False,
                f"{letter_planned:,} reminders planned",
            ),
            Case(
                "large dry run",
                args.tasks,
                meetings,
                [run.dry_run for run in larges],
                True,
                "nothing written",
            ),
            Case(
                "large",
                args.tasks,
                meetings,
                [run.first for run in larges],
                True,
                f"{planned:,} reminders planned",
            ),
            Case(
                "large again",
                args.tasks,
                meetings,
                [run.again for run in larges],
                True,
                "nothing changed",
            ),
        ]
        figures: dict[str, Any] = {case.name: case.figures() for case in cases}
        figures["large_file_kb"] = size_kb
        figures["large_reminders_planned"] = planned
        backend_ok = all(case.within_budget for case in cases if case.budget)
        figures["within_budget"] = backend_ok
        results[backend] = figures
        ok = ok and backend_ok
        print(f"import on {backend} (the generated file: {size_kb:,} KB):")
        rows = [
            (
                case.name,
                case.tasks,
                case.meetings,
                f"{case.seconds:.3f}",
                f"{case.tasks / case.seconds:,.0f}",
                f"{case.replan_seconds:.3f}",
                verdict(case.within_budget) if case.budget else "-",
                case.notes,
            )
            for case in cases
        ]
        headers = ("case", "tasks", "meetings", "seconds", "tasks/s", "of which re-plan s")
        print(table((*headers, "budget", "checked"), rows))
        print(
            f"  budget (each import of the large file <= {BUDGET_S:.0f} s): {verdict(backend_ok)}"
        )
    merge_results("import", results)
    print(f"machine: {machine_line()}")
    if args.profile and generated is not None:
        profile_large(None, generated)  # on SQLite
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
