"""The offline demo: the real application on the fake Bot API, with a scripted conversation.

``councilbot demo`` needs no token and no network. It builds a throw-away SQLite database,
applies the migrations, loads a few records, and prints what each user sends and what the bot
answers.
"""

from __future__ import annotations

import html
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from bot.application import build_application
from bot.fake_telegram import FakeTelegram, RecordedCall
from bot.offline import FakeUser, OfflineBot
from bot.settings import AccessSettings, DatabaseSettings, SecretStr, Settings, TelegramSettings
from db.engine import make_engine
from db.migrate import upgrade
from db.models import Agency, AgencyKind, Council, CouncilRole, Member, Role
from schedules.clock import ManualClock

DEMO_NOW = datetime(2023, 11, 20, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội
SECRETARIAT = FakeUser(1001, "Lan", "Nguyễn Thị", language_code="vi")
FOCAL_POINT = FakeUser(1002, "Minh", "Trần Văn", language_code="vi")
STRANGER = FakeUser(1999, "Alex", language_code="en")


def seed(session: Session, now: datetime) -> None:
    """A council, two agencies, a secretariat member and an agency focal point."""
    council = Council(
        code="DBSH",
        name_vi="Hội đồng điều phối vùng Đồng bằng sông Hồng",
        name_en="Red River Delta Coordination Council",
        created_at=now,
    )
    mpi = Agency(
        code="BKHDT",
        name_vi="Bộ Kế hoạch và Đầu tư",
        name_en="Ministry of Planning and Investment",
        kind=AgencyKind.MINISTRY,
    )
    mof = Agency(
        code="BTC", name_vi="Bộ Tài chính", name_en="Ministry of Finance", kind=AgencyKind.MINISTRY
    )
    session.add_all([council, mpi, mof])
    session.flush()
    for user, role, agency in (
        (SECRETARIAT, Role.SECRETARIAT, None),
        (FOCAL_POINT, Role.FOCAL_POINT, mpi),
    ):
        member = Member(telegram_user_id=user.id, full_name=user.full_name, created_at=now)
        session.add(member)
        session.flush()
        assert council.id is not None and member.id is not None
        session.add(
            CouncilRole(
                council_id=council.id,
                member_id=member.id,
                role=role,
                agency_id=agency.id if agency else None,
                granted_at=now,
            )
        )


def plain(text: str) -> str:
    """Telegram HTML as terminal text."""
    return html.unescape(re.sub(r"</?[a-z][^>]*>", "", text))


def show(user: FakeUser, said: str, calls: list[RecordedCall]) -> list[str]:
    lines = [f"👤 {user.full_name}: {said}"]
    for call in calls:
        if not call.ok or call.method not in ("sendMessage", "sendDocument", "answerCallbackQuery"):
            continue
        if call.method == "answerCallbackQuery" and not call.params.get("text"):
            continue
        body = plain(str(call.params.get("text") or call.params.get("caption") or ""))
        lines.append("🤖 " + body.replace("\n", "\n   "))
        buttons = call.buttons()
        if buttons:
            lines.append("   " + "  ".join(f"[{label}]" for label, _ in buttons))
    return lines


async def run_demo(print_line: object = print) -> int:
    with tempfile.TemporaryDirectory(prefix="councilbot-demo-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        engine = make_engine(url)
        upgrade(engine)
        clock = ManualClock(DEMO_NOW)
        with Session(engine) as session:
            seed(session, clock.now())
            session.commit()
        settings = Settings(
            telegram=TelegramSettings(token=SecretStr("123456:OFFLINE-DEMO")),
            database=DatabaseSettings(url=url),
            access=AccessSettings(admins=frozenset()),
        )
        transport = FakeTelegram(clock=clock)
        application = build_application(settings, request=transport, clock=clock, engine=engine)
        transcript: list[str] = ["councilbot — offline demo (no token, no network)", ""]
        async with OfflineBot(application, transport, clock) as bot:
            for user, said in (
                (STRANGER, "/start"),
                (FOCAL_POINT, "/help"),
                (SECRETARIAT, "/help"),
                (SECRETARIAT, "/lang en"),
                (SECRETARIAT, "/help"),
            ):
                transcript += [*show(user, said, await bot.send(user, said)), ""]
        engine.dispose()
    assert callable(print_line)
    for line in transcript:
        print_line(line)
    return 0
