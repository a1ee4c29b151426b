"""The national dataset every benchmark runs on: generated, seeded, reproducible.

    .venv/bin/python bench/dataset.py                  # build (or reuse) the SQLite file
    .venv/bin/python bench/dataset.py --postgres URL   # ... and the PostgreSQL template
    .venv/bin/python bench/dataset.py --clean [--postgres URL]   # forget the cached copies

What it holds (at ``NOW``, Monday 20 November 2023, 09:00 in Hà Nội):

- the 6 councils and 15 agencies of ``examples/registry.toml`` (so the shipped letter imports),
  63 provinces split between the councils as the real regions are, and 42 more central agencies:
  120 agencies; each council works with its provinces and 20 central agencies;
- 1,200 members, 200 per council: 2 secretariat, a chair and 197 members, one of whom is also
  the focal point of each of the council's agencies;
- 12,000 tasks: 120 in 4 national directives followed by all six councils, and 1,980 per council
  in directives of 10 to 60 tasks (so a council follows 2,100), with co-agencies, deadlines
  written as directives write them (read by ``schedules.dates.parse_due``) and spread over the
  past and the future so that every status category occurs, a few extensions; 1,200 of them
  recurring, with their periods (``bench/dataset_recurring.py``);
- 120,000 progress updates, some obstacles still open;
- meetings (past, upcoming, known only by a period) with agendas;
- the reminder outbox as the bot itself leaves it: every reminder the real policy plans for the
  open tasks and planned meetings, those already due SENT (with the ``sent_message`` row that lets
  a reply to them count as a progress update) and exactly 100,000 PENDING in the future, so a
  restart's re-planning finds nothing to change. The exact figure is reached by closing a few
  tasks (see ``_tune``), whatever the calendar makes of the deadlines;
- the audit rows of the tasks' creation, a week of processed update ids, this week's digest run.

The rows are generated in Python with a fixed seed and written with bulk inserts after the
Alembic migrations. The SQLite file is cached under ``bench/.cache/`` and a PostgreSQL copy is
kept as a template database on the server; both are keyed by :data:`DATASET_VERSION`, the
schema's head revision and this file's content, so an edit rebuilds them. Each benchmark works
on a fresh copy (:func:`database_copy`).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
import tempfile
import time
import tomllib
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the project

from sqlalchemy import Engine, Table, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.dataset_recurring import make_recurring, plan_periods  # noqa: E402
from bot.reminder_config import reminder_config  # noqa: E402
from bot.settings import (  # noqa: E402
    DatabaseSettings,
    SecretStr,
    Settings,
    TelegramSettings,
)
from db.engine import make_engine  # noqa: E402
from db.migrate import head_revision, upgrade  # noqa: E402
from db.models import (  # noqa: E402
    Agency,
    AgendaItem,
    AuditLog,
    Council,
    CouncilRole,
    Directive,
    DirectiveCouncil,
    InboxUpdate,
    JobRun,
    Meeting,
    Member,
    OutboxState,
    ProgressUpdate,
    Reminder,
    Role,
    SentMessage,
    Task,
    TaskCoAgency,
    TaskCouncil,
    TaskOccurrence,
)
from schedules.dates import parse_due  # noqa: E402
from schedules.digest import JOB_WEEKLY_DIGEST, latest_digest_moment, week_label  # noqa: E402
from schedules.policy import (  # noqa: E402
    PlannedReminder,
    plan_meeting_reminders,
    plan_task_reminders,
)
from schedules.reminders import (  # noqa: E402
    AGENDA_WITH_OFFSET,
    TARGET_MEETING,
    TARGET_TASK,
    ReminderConfig,
    _task_anchor,  # the planner's own key anchors, so the keys can never drift from it
    reminder_key,
)

DATASET_VERSION = "national-2"  # 2: 10 % of the tasks recurring, with their periods
SEED = 20231120
NOW = datetime(2023, 11, 20, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội: working hours
TZ = "Asia/Ho_Chi_Minh"
ZONE = ZoneInfo(TZ)
TOKEN = "123456:BENCH-token"
CACHE = ROOT / "bench" / ".cache"
REGISTRY_FILE = ROOT / "examples" / "registry.toml"

COUNCILS = 6
AGENCIES = 120
MEMBERS_PER_COUNCIL = 200
TASKS = 12_000
NATIONAL_DIRECTIVES, NATIONAL_TASKS_EACH = 4, 30
UPDATES = 120_000
PENDING_REMINDERS = 100_000
CENTRAL_PER_COUNCIL = 20
# The real regions' provinces (63 in 2023), in the registry's council order.
PROVINCES_PER_COUNCIL = (14, 11, 14, 5, 6, 13)
PROCESSED_UPDATES = 20_000
FIRST_SEEN_UPDATE_ID = 500_000_000  # a week of processed updates; benchmarks use ids above
BENCH_UPDATE_IDS = 900_000_000

# Category mix of the generated tasks (the rest is "done").
MIX = (
    ("on_time", 0.25),
    ("due_soon", 0.04),
    ("overdue", 0.17),
    ("no_deadline", 0.08),
    ("reported", 0.04),
    ("cancelled", 0.03),
)

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Thu", "Xuân"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hằng",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Phong",
    "Phương",
    "Quân",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Trung",
    "Tuấn",
    "Vân",
    "Việt",
    "Yến",
]
VERBS = (
    "Xây dựng",
    "Hoàn thiện",
    "Trình Chủ tịch Hội đồng ban hành",
    "Rà soát, đánh giá",
    "Tổng hợp",
    "Đề xuất",
    "Tổ chức",
    "Báo cáo",
    "Phối hợp triển khai",
    "Đôn đốc thực hiện",
)
OBJECTS = (
    "quy chế phối hợp liên vùng",
    "kế hoạch thực hiện quy hoạch vùng thời kỳ 2021-2030",
    "danh mục dự án có tính liên kết vùng",
    "cơ chế điều phối nguồn vốn đầu tư công trung hạn",
    "báo cáo sơ kết 6 tháng hoạt động của Hội đồng",
    "đề án phát triển hạ tầng giao thông kết nối vùng",
    "hội thảo khoa học về liên kết vùng",
    "cơ sở dữ liệu dùng chung của vùng",
    "chương trình hành động thực hiện Nghị quyết của Bộ Chính trị",
    "giải pháp tháo gỡ khó khăn cho các dự án trọng điểm",
)
TAILS = (
    "",
    " của Hội đồng điều phối vùng",
    ", gửi Bộ Kế hoạch và Đầu tư tổng hợp",
    " theo chỉ đạo của Thủ tướng Chính phủ",
    " trên địa bàn các tỉnh trong vùng",
)
PROGRESS_TEXTS = (
    "Đã hoàn thành dự thảo lần 1, đang lấy ý kiến các cơ quan",
    "Đã tổ chức họp với các địa phương trong vùng",
    "Đang tổng hợp số liệu của các tỉnh",
    "Đã trình lãnh đạo Bộ xem xét",
    "Đã gửi văn bản xin ý kiến các Bộ, ngành",
    "Đang hoàn thiện theo ý kiến góp ý",
)
OBSTACLE_TEXTS = (
    "Chưa nhận được số liệu của một số địa phương",
    "Vướng mắc về nguồn vốn thực hiện",
    "Cần ý kiến thống nhất của các Bộ liên quan",
)


# --- what the benchmarks get ---------------------------------------------------------------


def bench_settings(url: str, *, admins: frozenset[int] = frozenset()) -> Settings:
    """Default settings (the timezone, reminder policy and calendar the dataset was planned
    with) on ``url``, with a fake token."""
    from bot.settings import AccessSettings

    return Settings(
        telegram=TelegramSettings(token=SecretStr(TOKEN)),
        database=DatabaseSettings(url=url),
        access=AccessSettings(admins=admins),
    )


def dataset_key() -> str:
    sources = (Path(__file__), Path(__file__).with_name("dataset_recurring.py"))
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:8]
    return f"{DATASET_VERSION}-{head_revision()}-{digest}"


def sqlite_cache_file() -> Path:
    return CACHE / f"{dataset_key()}.db"


def postgres_template_name() -> str:
    return "councilbot_bench_" + dataset_key().replace("-", "_").lower()


@contextmanager
def database_copy(postgres: str | None = None) -> Iterator[str]:
    """A fresh copy of the national dataset (built first if not cached); yields its URL.

    SQLite: a copy of the cached file in a temporary folder. PostgreSQL (``postgres`` is a
    server URL): a database cloned from the cached template, dropped afterwards.
    """
    if postgres is None:
        source = ensure_sqlite()
        with tempfile.TemporaryDirectory(prefix="councilbot-bench-") as folder:
            target = Path(folder) / "bench.db"
            shutil.copyfile(source, target)
            yield f"sqlite:///{target}"
        return
    template = ensure_postgres(postgres)
    name = f"councilbot_bench_run_{uuid.uuid4().hex[:10]}"
    admin = make_engine(postgres, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        yield _database_url(postgres, name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def ensure_sqlite(*, quiet: bool = False) -> Path:
    """The cached SQLite file of the dataset, built now if missing."""
    target = sqlite_cache_file()
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    for stale in CACHE.glob(partial.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    engine = make_engine(f"sqlite:///{partial}")
    try:
        build(engine, quiet=quiet)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
    finally:
        engine.dispose()
    partial.replace(target)
    if not quiet:
        print(f"dataset: built {target.name} in {time.perf_counter() - started:.1f} s")
    return target


def ensure_postgres(server_url: str, *, quiet: bool = False) -> str:
    """The name of the template database holding the dataset on that server (built if missing)."""
    name = postgres_template_name()
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if exists:
                return name
            partial = name + "_partial"
            connection.execute(text(f'DROP DATABASE IF EXISTS "{partial}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{partial}"'))
        started = time.perf_counter()
        engine = make_engine(_database_url(server_url, partial))
        try:
            build(engine, quiet=quiet)
            with engine.connect() as connection:
                connection.execute(text("ANALYZE"))
                connection.commit()
        finally:
            engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{partial}" RENAME TO "{name}"'))
        if not quiet:
            print(f"dataset: built PostgreSQL {name} in {time.perf_counter() - started:.1f} s")
        return name
    finally:
        admin.dispose()


def clean(postgres: str | None) -> None:
    if CACHE.exists():
        shutil.rmtree(CACHE)
    if postgres:
        admin = make_engine(postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            names = connection.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE 'councilbot_bench_%'")
            ).scalars()
            for name in list(names):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _database_url(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


# --- generating ----------------------------------------------------------------------------


@dataclass
class _Task:
    row: dict[str, Any]
    category: str
    councils: list[int]
    national: bool = False
    periods: list[dict[str, Any]] = field(default_factory=list)  # a recurring task's


@dataclass
class _Data:
    config: ReminderConfig
    rng: random.Random
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    council_ids: list[int] = field(default_factory=list)
    council_agencies: dict[int, list[int]] = field(default_factory=dict)
    central_ids: list[int] = field(default_factory=list)
    members_of: dict[int, list[int]] = field(default_factory=dict)  # council -> member ids
    chat_of: dict[int, int] = field(default_factory=dict)  # member -> telegram id
    focal: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    secretariat: dict[int, list[int]] = field(default_factory=dict)
    leaders: dict[int, list[int]] = field(default_factory=dict)
    tasks: list[_Task] = field(default_factory=list)
    message_ids: dict[int, int] = field(default_factory=dict)  # chat -> last message id
    last_update: dict[int, datetime] = field(default_factory=dict)  # task -> latest update


def generate() -> _Data:
    """Every row of the dataset, deterministically (no database involved)."""
    config = reminder_config(bench_settings("sqlite://"))
    data = _Data(config=config, rng=random.Random(SEED))
    _registry(data)
    _members(data)
    _tasks(data)
    make_recurring(data.tasks, data.rows, NOW, config)
    _updates(data)
    _meetings(data)
    _tune(data)
    _task_reminders(data)
    _bookkeeping(data)
    return data


def _registry(data: _Data) -> None:
    registry = tomllib.loads(REGISTRY_FILE.read_text(encoding="utf-8"))
    created = NOW - timedelta(days=420)
    for index, council in enumerate(registry["councils"], start=1):
        data.rows["council"].append(
            {
                "id": index,
                "code": council["code"],
                "name_vi": council["name_vi"],
                "name_en": council["name_en"],
                "timezone": council.get("timezone"),
                "group_chat_id": -1_000_000_000_000 - index,
                "created_at": created,
            }
        )
        data.council_ids.append(index)
    assert len(data.council_ids) == COUNCILS
    agencies = data.rows["agency"]
    for agency in registry["agencies"]:
        agencies.append(
            {
                "id": len(agencies) + 1,
                "code": agency["code"],
                "name_vi": agency["name_vi"],
                "name_en": agency["name_en"],
                "kind": agency.get("kind", "other"),
            }
        )
    data.central_ids = [a["id"] for a in agencies if a["kind"] != "province"]
    provinces: list[int] = []
    for number in range(1, sum(PROVINCES_PER_COUNCIL) + 1):
        agencies.append(
            {
                "id": len(agencies) + 1,
                "code": f"T{number:02d}",
                "name_vi": f"Ủy ban nhân dân tỉnh số {number:02d}",
                "name_en": f"People's Committee of province {number:02d}",
                "kind": "province",
            }
        )
        provinces.append(len(agencies))
    number = 0
    while len(agencies) < AGENCIES:
        number += 1
        agencies.append(
            {
                "id": len(agencies) + 1,
                "code": f"CQ{number:02d}",
                "name_vi": f"Cơ quan trung ương số {number:02d}",
                "name_en": f"Central agency {number:02d}",
                "kind": "ministry",
            }
        )
        data.central_ids.append(len(agencies))
    lead = next(a["id"] for a in agencies if a["code"] == "BKHDT")
    start = 0
    for council_id, count in zip(data.council_ids, PROVINCES_PER_COUNCIL, strict=True):
        own = provinces[start : start + count]
        start += count
        others = [a for a in data.central_ids if a != lead]
        central = [lead, *data.rng.sample(others, CENTRAL_PER_COUNCIL - 1)]
        data.council_agencies[council_id] = sorted(central) + own


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _members(data: _Data) -> None:
    rng, members, roles = data.rng, data.rows["member"], data.rows["council_role"]
    for council_id in data.council_ids:
        ids: list[int] = []
        for index in range(MEMBERS_PER_COUNCIL):
            member_id = len(members) + 1
            telegram_id = 100_000_000 + member_id * 7
            members.append(
                {
                    "id": member_id,
                    "telegram_user_id": telegram_id,
                    "full_name": _name(rng),
                    "username": f"canbo{member_id}" if rng.random() < 0.6 else None,
                    "language": "en" if rng.random() < 0.08 else "vi",
                    "private_chat_ok": rng.random() < 0.97,
                    "created_at": NOW - timedelta(days=rng.randint(30, 400)),
                }
            )
            data.chat_of[member_id] = telegram_id
            ids.append(member_id)
            role = Role.SECRETARIAT if index < 2 else Role.CHAIR if index == 2 else Role.MEMBER
            roles.append(_role(len(roles) + 1, council_id, member_id, role, None))
        data.members_of[council_id] = ids
        data.secretariat[council_id] = ids[:2]
        data.leaders[council_id] = ids[:3]
        # One of the council's members speaks for each of its agencies.
        for offset, agency_id in enumerate(data.council_agencies[council_id]):
            member_id = ids[3 + offset * 5]
            roles.append(_role(len(roles) + 1, council_id, member_id, Role.FOCAL_POINT, agency_id))
            data.focal[(council_id, agency_id)] = [member_id]


def _role(
    role_id: int, council_id: int, member_id: int, role: Role, agency_id: int | None
) -> dict[str, Any]:
    return {
        "id": role_id,
        "council_id": council_id,
        "member_id": member_id,
        "role": role.value,
        "agency_id": agency_id,
        "granted_at": NOW - timedelta(days=30),
        "granted_by": None,
    }


def _tasks(data: _Data) -> None:
    rng = data.rng
    plan: list[tuple[list[int], bool, int]] = []  # (councils, national, size) per directive
    plan += [(list(data.council_ids), True, NATIONAL_TASKS_EACH)] * NATIONAL_DIRECTIVES
    per_council = (TASKS - NATIONAL_DIRECTIVES * NATIONAL_TASKS_EACH) // COUNCILS
    for council_id in data.council_ids:
        left = per_council
        while left:
            size = min(left, rng.randint(10, 60))
            plan.append(([council_id], False, size))
            left -= size
    directives, links = data.rows["directive"], data.rows["directive_council"]
    for councils, national, size in plan:
        directive_id = len(directives) + 1
        issued = (NOW - timedelta(days=rng.randint(20, 400))).astimezone(ZONE).date()
        code = "VPCP-KTTH" if national else data.rows["council"][councils[0] - 1]["code"]
        directives.append(
            {
                "id": directive_id,
                "number": f"{1000 + directive_id}/{'TB' if national else 'KH'}-{code}",
                "issued_on": issued,
                "issuer": "Văn phòng Chính phủ" if national else "Hội đồng điều phối vùng",
                "title": f"Kết luận của Chủ tịch Hội đồng tại phiên họp số {directive_id}",
                "created_at": datetime.combine(issued, datetime.min.time(), ZONE)
                + timedelta(days=2, hours=10),
            }
        )
        links += [{"directive_id": directive_id, "council_id": c} for c in councils]
        for clause in range(1, size + 1):
            _task(data, directive_id, councils, national, f"{(clause - 1) // 6 + 1}.{clause}")
    assert len(data.tasks) == TASKS


def _pick_category(rng: random.Random) -> str:
    roll = rng.random()
    for name, share in MIX:
        if roll < share:
            return name
        roll -= share
    return "done"


def _day(moment: datetime) -> date:
    return moment.astimezone(ZONE).date()


def _task(data: _Data, directive_id: int, councils: list[int], national: bool, clause: str) -> None:
    rng = data.rng
    directive = data.rows["directive"][directive_id - 1]
    created: datetime = directive["created_at"]
    pool = data.central_ids if national else data.council_agencies[councils[0]]
    lead = rng.choice(pool)
    category = _pick_category(rng)
    task_id = len(data.tasks) + 1
    row: dict[str, Any] = {
        "id": task_id,
        "directive_id": directive_id,
        "clause": clause,
        "lead_agency_id": lead,
        "title": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(TAILS)}.",
        "due_text": None,
        "due_start": None,
        "due_end": None,
        "due_precision": None,
        "original_deadline": None,
        "approved_deadline": None,
        "state": "open",
        "percent": None,
        "completion_reported_at": None,
        "completed_at": None,
        "created_at": created,
        "updated_at": created,
    }
    if category != "no_deadline":
        if category == "on_time":
            deadline = NOW + timedelta(days=rng.randint(8, 300))
        elif category == "due_soon":
            deadline = NOW + timedelta(days=rng.randint(0, 6))
        elif category == "overdue":
            deadline = NOW - timedelta(days=rng.randint(1, 150))
        else:
            deadline = NOW + timedelta(days=rng.randint(-300, 120))
        earliest = created + timedelta(days=10)
        if deadline < earliest:  # a directive does not set a deadline before it is issued
            row["created_at"] = row["updated_at"] = created = deadline - timedelta(
                days=rng.randint(15, 60)
            )
        _set_deadline(row, _day(deadline), created, rng)
    if category == "done":
        deadline = row["approved_deadline"] or NOW
        late = rng.random() < 0.2
        finished = deadline + timedelta(days=rng.randint(1, 20) if late else -rng.randint(1, 20))
        finished = min(max(finished, created + timedelta(days=1)), NOW - timedelta(hours=2))
        row.update(
            state="done",
            percent=100,
            completion_reported_at=finished,
            completed_at=finished + timedelta(days=rng.randint(0, 3)),
        )
        row["completed_at"] = min(row["completed_at"], NOW - timedelta(hours=1))
    elif category == "reported":
        reported = NOW - timedelta(days=rng.randint(0, 10), hours=rng.randint(1, 8))
        row.update(state="reported_done", percent=100, completion_reported_at=reported)
    elif category == "cancelled":
        row["state"] = "cancelled"
    if row["state"] == "open" and row["approved_deadline"] and rng.random() < 0.05:
        row["approved_deadline"] = row["approved_deadline"] + timedelta(days=30)  # extended
    data.rows["task"].append(row)
    data.rows["task_council"] += [{"task_id": task_id, "council_id": c} for c in councils]
    co = rng.sample([a for a in pool if a != lead], rng.choice((0, 0, 1, 1, 2, 3)))
    data.rows["task_co_agency"] += [{"task_id": task_id, "agency_id": a} for a in sorted(co)]
    data.tasks.append(_Task(row=row, category=category, councils=councils, national=national))


def _set_deadline(row: dict[str, Any], day: date, written: datetime, rng: random.Random) -> None:
    """The deadline as a directive writes it, read by the bot's own parser."""
    form = rng.random()
    if form < 0.7:
        phrase = f"trước ngày {day.day}/{day.month}/{day.year}"
    elif form < 0.9:
        phrase = f"chậm nhất ngày {day.day}/{day.month}/{day.year}"
    else:
        phrase = f"trong tháng {day.month}/{day.year}"
    window = parse_due(phrase, now=written, tz=TZ)
    assert window is not None, phrase
    row.update(
        due_text=phrase,
        due_start=window.start.astimezone(UTC),
        due_end=window.end.astimezone(UTC),
        due_precision=window.precision,
        original_deadline=window.end.astimezone(UTC),
        approved_deadline=window.end.astimezone(UTC),
    )


def _updates(data: _Data) -> None:
    """120,000 progress updates: more for older and finished tasks; a few open obstacles."""
    rng = data.rng
    weights = {
        "done": 14,
        "reported": 12,
        "overdue": 11,
        "due_soon": 9,
        "on_time": 8,
        "no_deadline": 6,
        "cancelled": 3,
        "recurring": 10,
    }
    chosen = rng.choices(
        range(len(data.tasks)), [weights[t.category] for t in data.tasks], k=UPDATES
    )
    per_task: dict[int, int] = defaultdict(int)
    for index in chosen:
        per_task[index] += 1
    updates = data.rows["progress_update"]
    for index in sorted(per_task):
        task = data.tasks[index]
        row = task.row
        start: datetime = row["created_at"]
        end: datetime = row["completion_reported_at"] or NOW - timedelta(hours=1)
        span = max((end - start).total_seconds(), 3600.0)
        authors = [
            m
            for c in task.councils
            for m in data.focal.get((c, row["lead_agency_id"]), []) + data.secretariat[c][:1]
        ]
        count = per_task[index]
        moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(count))
        is_open = row["state"] == "open"
        for number, moment in enumerate(moments, start=1):
            kind, text, percent = "progress", rng.choice(PROGRESS_TEXTS), None
            resolved_at = resolution = None
            roll = rng.random()
            if number == count and row["state"] in ("done", "reported_done"):
                kind, text, percent = "completion", "Đã hoàn thành, gửi kèm báo cáo", 100
            elif roll < 0.06:
                kind, text = "obstacle", rng.choice(OBSTACLE_TEXTS)
                if not (is_open and rng.random() < 0.05):
                    resolved_at, resolution = moment + timedelta(days=rng.randint(1, 10)), "noted"
            elif roll < 0.09:
                kind, text = "extension_request", "Đề nghị gia hạn để hoàn thiện hồ sơ"
                resolved_at = moment + timedelta(days=rng.randint(1, 5))
                resolution = rng.choice(("approved", "rejected"))
            else:
                percent = min(95, int(100 * number / (count + 1)))
            updates.append(
                {
                    "id": len(updates) + 1,
                    "task_id": row["id"],
                    "author_id": rng.choice(authors) if authors else None,
                    "kind": kind,
                    "text": text,
                    "percent": percent,
                    "attachment_file_id": f"file-{len(updates)}" if rng.random() < 0.1 else None,
                    "attachment_kind": None,
                    "requested_due_text": None,
                    "requested_deadline": None,
                    "resolved_at": min(resolved_at, NOW) if resolved_at else None,
                    "resolution": resolution,
                    "resolved_by": data.secretariat[task.councils[0]][0] if resolution else None,
                    "created_at": moment,
                }
            )
            if updates[-1]["attachment_file_id"]:
                updates[-1]["attachment_kind"] = "document"
            if percent is not None:
                row["percent"] = percent
            row["updated_at"] = max(row["updated_at"], moment)


def _meetings(data: _Data) -> None:
    """Per council: three concluded meetings, two coming up, one known only by a period; the
    planned ones' reminders as the planner wants them (the notice already sent)."""
    rng = data.rng
    meetings, agenda = data.rows["meeting"], data.rows["agenda_item"]
    for council_id in data.council_ids:
        specs: list[tuple[str, datetime | None, str]] = [
            ("concluded", NOW - timedelta(days=90 - 25 * k), "") for k in range(3)
        ]
        specs += [
            ("planned", _local(_day(NOW) + timedelta(days=10), 9), ""),
            ("planned", _local(_day(NOW) + timedelta(days=25), 14), ""),
            ("planned", None, "Đầu tháng 12 năm 2023"),
        ]
        for state, starts_at, when_text in specs:
            meeting_id = len(meetings) + 1
            created = NOW - timedelta(days=5) if state == "planned" else starts_at or NOW
            created -= timedelta(days=20) if state != "planned" else timedelta(0)
            window = parse_due(when_text, now=created, tz=TZ) if when_text else None
            meetings.append(
                {
                    "id": meeting_id,
                    "council_id": council_id,
                    "directive_id": None,
                    "clause": None,
                    "title": f"Phiên họp thường kỳ số {meeting_id} của Hội đồng",
                    "when_text": when_text or None,
                    "starts_at": starts_at,
                    "window_start": window.start.astimezone(UTC) if window else None,
                    "window_end": window.end.astimezone(UTC) if window else None,
                    "precision": window.precision if window else None,
                    "place": "Hội trường Bộ Kế hoạch và Đầu tư, 6B Hoàng Diệu, Hà Nội",
                    "online_link": None,
                    "state": state,
                    "conclusions": "Thống nhất các nội dung" if state == "concluded" else None,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            council_tasks = [t.row["id"] for t in data.tasks if council_id in t.councils]
            for position in range(3):
                agenda.append(
                    {
                        "id": len(agenda) + 1,
                        "meeting_id": meeting_id,
                        "position": position,
                        "text": f"Nội dung {position + 1}: {rng.choice(OBJECTS)}",
                        "task_id": rng.choice(council_tasks) if position < 2 else None,
                    }
                )
            if state == "planned":
                _meeting_reminders(data, meetings[-1])


def _local(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE).astimezone(UTC)


def _meeting_reminders(data: _Data, meeting: dict[str, Any]) -> None:
    """What schedules.reminders._replan_meetings stores for a planned meeting."""
    plan = plan_meeting_reminders(
        starts_at=meeting["starts_at"], created_at=meeting["created_at"], policy=data.config.policy
    )
    council_id = meeting["council_id"]
    audience = sorted(set(data.members_of[council_id]))
    wanted: list[tuple[PlannedReminder, list[int]]] = [(p, audience) for p in plan]
    wanted += [
        (
            PlannedReminder("meeting_agenda", p.offset, p.due_at, "secretariat"),
            data.leaders[council_id],
        )
        for p in plan
        if p.kind == "meeting_before" and p.offset == AGENDA_WITH_OFFSET
    ]
    start = meeting["starts_at"]
    for planned, members in wanted:
        offset = planned.offset
        if start is not None and planned.kind in ("meeting_before", "meeting_agenda"):
            offset = f"{planned.offset}@{data.config.calendar.local(start):%Y%m%d%H%M}"
        for member_id in members:
            _reminder(data, TARGET_MEETING, meeting["id"], planned, offset, member_id)


def _task_plan(data: _Data, task: _Task) -> list[tuple[PlannedReminder, str, list[int]]]:
    """What schedules.reminders._replan_tasks wants for an open task: (reminder, offset,
    recipients)."""
    row = task.row
    if row["state"] != "open":
        return []
    focal = sorted(
        {m for c in task.councils for m in data.focal.get((c, row["lead_agency_id"]), [])}
    )
    escalate = sorted({m for c in task.councils for m in data.secretariat[c]})
    if task.periods:  # a recurring task: each open period's reminders (_plan_periods)
        return [
            (p, offset, escalate if p.audience == "secretariat" else focal)
            for p, offset in plan_periods(task.periods, row["created_at"], NOW, data.config)
        ]
    deadline = row["approved_deadline"] or row["original_deadline"]
    last_update = data.last_update.get(row["id"])
    activity = max(m for m in (row["created_at"], last_update) if m is not None)
    plan = plan_task_reminders(
        deadline=deadline,
        now=NOW,
        policy=data.config.policy,
        calendar=data.config.calendar,
        last_activity=activity,
        created_at=row["created_at"],
    )
    return [
        (
            p,
            _task_anchor(deadline, p, data.config),
            escalate if p.audience == "secretariat" else focal,
        )
        for p in plan
    ]


def _pending_count(data: _Data, task: _Task) -> int:
    return sum(len(members) for p, _, members in _task_plan(data, task) if p.due_at > NOW)


def _tune(data: _Data) -> None:
    """Close a few open tasks so that exactly PENDING_REMINDERS reminders are pending.

    The policy plans up to 33 future reminders for a task far from its deadline and exactly
    one (the next nudge) for a task without a deadline: the first close the gap roughly, the
    second exactly. Closed tasks are marked done (with a deadline) or cancelled (without).
    """
    for update in data.rows["progress_update"]:
        task_id, moment = update["task_id"], update["created_at"]
        if task_id not in data.last_update or moment > data.last_update[task_id]:
            data.last_update[task_id] = moment
    meeting_pending = sum(
        1 for r in data.rows["reminder"] if r["state"] == OutboxState.PENDING.value
    )
    counts = {t.row["id"]: _pending_count(data, t) for t in data.tasks}
    target = PENDING_REMINDERS - meeting_pending
    total = sum(counts.values())
    if total < target:
        raise SystemExit(
            f"dataset: the mix plans only {total + meeting_pending} pending reminders; "
            f"raise the share of open tasks in MIX to reach {PENDING_REMINDERS}"
        )
    order = list(data.tasks)
    data.rng.shuffle(order)
    coarse = [
        t for t in order if not t.national and t.category == "on_time" and counts[t.row["id"]] > 1
    ]
    fine = [
        t
        for t in order
        if not t.national and counts[t.row["id"]] == 1 and t.row["approved_deadline"] is None
    ]
    margin = max(counts[t.row["id"]] for t in coarse) if coarse else 0
    while total - target > margin and coarse:
        task = coarse.pop()
        total -= counts[task.row["id"]]
        _close(task, "done")
    while total > target and fine:
        task = fine.pop()
        total -= 1
        _close(task, "cancelled")
    if total != target:
        raise SystemExit(f"dataset: could not tune the pending reminders ({total} != {target})")


def _close(task: _Task, state: str) -> None:
    row = task.row
    task.category = state
    row["state"] = state
    if state == "done":
        finished = min(row["created_at"] + timedelta(days=20), NOW - timedelta(days=1))
        row.update(percent=100, completion_reported_at=finished, completed_at=finished)


def _task_reminders(data: _Data) -> None:
    for task in data.tasks:
        for planned, offset, members in _task_plan(data, task):
            for member_id in members:
                _reminder(data, TARGET_TASK, task.row["id"], planned, offset, member_id)


def _reminder(
    data: _Data,
    target_kind: str,
    target_id: int,
    planned: PlannedReminder,
    offset: str,
    member_id: int,
) -> None:
    """A planned reminder: PENDING if in the future, else SENT, as the dispatcher leaves it."""
    reminders = data.rows["reminder"]
    chat_id = data.chat_of[member_id]
    future = planned.due_at > NOW
    row = {
        "id": len(reminders) + 1,
        "key": reminder_key(target_kind, target_id, planned.kind, offset, member_id),
        "target_kind": target_kind,
        "target_id": target_id,
        "kind": planned.kind,
        "offset": offset,
        "recipient_id": member_id,
        "chat_id": chat_id,
        "due_at": planned.due_at,
        "state": OutboxState.PENDING.value if future else OutboxState.SENT.value,
        "attempts": 0 if future else 1,
        "next_attempt_at": None,
        "last_error": None,
        "late": False,
        "claimed_by": None if future else "history",
        "claimed_at": None if future else planned.due_at,
        "sent_at": None if future else planned.due_at + timedelta(seconds=2),
        "sent_message_id": None,
        "created_at": min(planned.due_at, NOW - timedelta(days=1)),
    }
    if not future:
        message_id = data.message_ids.get(chat_id, 1000) + 1
        data.message_ids[chat_id] = message_id
        row["sent_message_id"] = message_id
        data.rows["sent_message"].append(
            {
                "id": len(data.rows["sent_message"]) + 1,
                "chat_id": chat_id,
                "message_id": message_id,
                "task_id": target_id if target_kind == TARGET_TASK else None,
                "meeting_id": target_id if target_kind == TARGET_MEETING else None,
                "created_at": row["sent_at"],
            }
        )
    reminders.append(row)


def _bookkeeping(data: _Data) -> None:
    audit = data.rows["audit_log"]
    for task in data.tasks:
        row = task.row
        audit.append(
            {
                "id": len(audit) + 1,
                "at": row["created_at"],
                "actor_id": None,
                "actor_label": "cli",
                "action": "task.create",
                "entity": "task",
                "entity_id": row["id"],
                "before": None,
                "after": {
                    "title": row["title"],
                    "lead_agency_id": row["lead_agency_id"],
                    "due_text": row["due_text"],
                },
            }
        )
    data.rows["inbox_update"] = [
        {
            "update_id": FIRST_SEEN_UPDATE_ID + n,
            "chat_id": None,
            "user_id": None,
            "payload": "{}",
            "received_at": (at := NOW - timedelta(days=7) + timedelta(seconds=n * 30)),
            "claimed_by": None,
            "claimed_at": None,
            "processed_at": at,
            "answered_at": at,
        }
        for n in range(PROCESSED_UPDATES)
    ]
    moment = latest_digest_moment(NOW, data.config)
    data.rows["job_run"].append(
        {
            "id": 1,
            "job": JOB_WEEKLY_DIGEST,
            "period": week_label(data.config.calendar.local_date(moment)),
            "claimed_by": "history",
            "started_at": moment,
            "finished_at": moment + timedelta(minutes=1),
        }
    )


# --- writing -------------------------------------------------------------------------------

_TABLES: tuple[Any, ...] = (
    Council,
    Agency,
    Member,
    CouncilRole,
    Directive,
    DirectiveCouncil,
    Task,
    TaskOccurrence,
    TaskCouncil,
    TaskCoAgency,
    ProgressUpdate,
    Meeting,
    AgendaItem,
    Reminder,
    SentMessage,
    AuditLog,
    InboxUpdate,
    JobRun,
)
_CHUNK = 10_000


def build(engine: Engine, *, quiet: bool = False) -> dict[str, int]:
    """Migrate an empty database and write the dataset into it; returns rows per table."""
    started = time.perf_counter()
    data = generate()
    generated = time.perf_counter() - started
    upgrade(engine)
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        for model in _TABLES:
            table: Table = model.__table__
            rows = data.rows.get(table.name, [])
            # Recurring tasks apart: the others leave ``recurrence`` out, so it is SQL NULL.
            for group in (
                [[r for r in rows if "recurrence" not in r], [r for r in rows if "recurrence" in r]]
                if table.name == "task"
                else [rows]
            ):
                for start in range(0, len(group), _CHUNK):
                    connection.execute(table.insert(), group[start : start + _CHUNK])
            counts[table.name] = len(rows)
            if engine.dialect.name == "postgresql" and "id" in table.c and rows:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f'(SELECT max(id) FROM "{table.name}"))'
                    )
                )
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    if not quiet:
        print(
            f"dataset: generated in {generated:.1f} s, written in "
            f"{time.perf_counter() - started - generated:.1f} s"
        )
    return counts


def describe(url: str) -> dict[str, int]:
    """Rows per table, and the pending reminders, of a built database."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            counts = {
                model.__table__.name: connection.execute(
                    select(func.count()).select_from(model.__table__)
                ).scalar_one()
                for model in _TABLES
            }
            counts["reminder (pending)"] = connection.execute(
                select(func.count())
                .select_from(Reminder.__table__)  # type: ignore[attr-defined]
                .where(text("state = 'pending'"))
            ).scalar_one()
    finally:
        engine.dispose()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--postgres", metavar="URL", help="also build the PostgreSQL template")
    parser.add_argument("--clean", action="store_true", help="drop the cached copies and stop")
    args = parser.parse_args(argv)
    if args.clean:
        clean(args.postgres)
        print("dataset: cached copies removed")
        return 0
    path = ensure_sqlite()
    print(f"dataset {dataset_key()}: {path}")
    for name, count in describe(f"sqlite:///{path}").items():
        print(f"  {name:>20}: {count:,}")
    if args.postgres:
        template = ensure_postgres(args.postgres)
        print(f"  PostgreSQL template: {template}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
