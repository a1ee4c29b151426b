"""The offline demo: the real application on the fake Bot API, with a scripted conversation.

``councilbot demo`` needs no token and no network. It builds a throw-away SQLite database,
applies the migrations, loads the registry of ``examples/`` (the six councils and the agencies of
the reference texts), and prints what each user sends and what the bot answers: the secretariat
imports official letter 6411/VPCP-KTTH from ``examples/``, invites a ministry's focal point, who
joins with the invitation link, lists the agency's tasks and reports progress by replying to a
task card; the reminder dispatcher sends what is due; the secretariat reads the council's
status and sends a notice, then the quarter's report (an .xlsx workbook and a chart); the
focal point reads its agency's scorecard and a task's history.
"""

from __future__ import annotations

import html
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from bot.application import build_application
from bot.offline.driver import FakeUser, OfflineBot
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from bot.settings import AccessSettings, DatabaseSettings, SecretStr, Settings, TelegramSettings
from db.engine import make_engine
from db.migrate import upgrade
from db.models import Task
from db.registry_file import load_registry
from schedules.clock import ManualClock

DEMO_NOW = datetime(2023, 11, 20, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
REGISTRY_FILE = EXAMPLES / "registry.toml"
LETTER_FILE = EXAMPLES / "6411-VPCP-KTTH-2023.toml"
# The secretariat is a configured admin ([access] admins): secretariat of every council.
SECRETARIAT = FakeUser(1001, "Lan", "Nguyễn Thị", username="lan_vp", language_code="vi")
FOCAL_POINT = FakeUser(1002, "Minh", "Trần Văn", language_code="vi")
STRANGER = FakeUser(1999, "Alex", language_code="en")


def seed(session: Session, now: datetime) -> None:
    """The councils and agencies of examples/registry.toml, loaded as the CLI loads them."""
    outcome = load_registry(
        session=session, source=REGISTRY_FILE.read_text(encoding="utf-8"), now=now
    )
    assert not outcome.issues, outcome.issues


def plain(text: str) -> str:
    """Telegram HTML as terminal text."""
    return html.unescape(re.sub(r"</?[a-z][^>]*>", "", text))


def show(user: FakeUser, said: str, calls: list[RecordedCall]) -> list[str]:
    lines = [f"👤 {user.full_name}: {said}"]
    for call in calls:
        shown = (
            "sendMessage",
            "editMessageText",
            "sendDocument",
            "sendPhoto",
            "answerCallbackQuery",
        )
        if not call.ok or call.method not in shown:
            continue
        if call.method == "answerCallbackQuery" and not call.params.get("text"):
            continue
        body = plain(str(call.params.get("text") or call.params.get("caption") or ""))
        lines.append("🤖 " + body.replace("\n", "\n   "))
        for name, content in call.files.values():
            lines.append(f"   📎 {name} ({len(content) // 1024 + 1} KB)")
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
            access=AccessSettings(admins=frozenset({SECRETARIAT.id})),
        )
        transport = FakeTelegram(clock=clock)
        transport.add_file("letter-6411", LETTER_FILE.read_bytes(), LETTER_FILE.name)
        application = build_application(settings, request=transport, clock=clock, engine=engine)
        transcript: list[str] = ["councilbot — offline demo (no token, no network)", ""]
        async with OfflineBot(application, transport, clock) as bot:

            async def say(
                user: FakeUser, said: str, document: tuple[str, str] | None = None
            ) -> list[RecordedCall]:
                calls = await bot.send(user, said, document=document)
                transcript.extend([*show(user, said, calls), ""])
                return calls

            async def press(user: FakeUser, calls: list[RecordedCall], label: str) -> None:
                card = next(call for call in calls if call.buttons())
                data = next(data for text, data in card.buttons() if text == label)
                transcript.extend(
                    [*show(user, f"[{label}]", await bot.press(user, card, data)), ""]
                )

            await say(STRANGER, "/start")
            await say(SECRETARIAT, "/help")
            preview = await say(SECRETARIAT, "/import", document=("letter-6411", LETTER_FILE.name))
            await press(SECRETARIAT, preview, "Nhập")
            invitation = await say(SECRETARIAT, "/invite DBSH dau-moi BKHDT")
            code = invitation[-1].text.split("?start=", 1)[1].split()[0]
            await say(FOCAL_POINT, f"/start {code}")
            await say(FOCAL_POINT, f"/start {code}")  # the link works only once
            await say(SECRETARIAT, "/members DBSH")
            with Session(engine) as session:
                fund = session.exec(select(Task).where(Task.clause == "2.a.7")).one()
            # The agency asks for its tasks and reports progress by replying to a task card.
            cards = await say(FOCAL_POINT, "/tasks")
            fund_card = next(call for call in cards if f"#{fund.id}" in call.text)
            transcript.extend(
                [
                    *show(
                        FOCAL_POINT,
                        "↩️ 50% Đã gửi dự thảo đề án lấy ý kiến Bộ Tài chính",
                        await bot.send(
                            FOCAL_POINT,
                            "50% Đã gửi dự thảo đề án lấy ý kiến Bộ Tài chính",
                            reply_to=fund_card,
                        ),
                    ),
                    "",
                ]
            )
            await say(FOCAL_POINT, f"/status {fund.id}")
            # The reminder dispatcher runs (as its job does every minute): overdue tasks.
            transcript.append("⏰ (the reminder dispatcher runs)")
            sent = await bot.dispatch()
            transcript.extend(
                [*show(FOCAL_POINT, "…", [c for c in sent if c.chat_id == FOCAL_POINT.id]), ""]
            )
            # The secretariat asks for the council's status, then sends a notice.
            choice = await say(SECRETARIAT, "/status")
            await press(SECRETARIAT, choice, "Hội đồng điều phối vùng Đồng bằng sông Hồng")
            preview = await say(
                SECRETARIAT,
                "/broadcast DBSH | Đề nghị các cơ quan gửi báo cáo quý IV trước ngày 15/12/2023.",
            )
            await press(SECRETARIAT, preview, "Gửi")
            delivered = await bot.settle()
            transcript.extend(
                [*show(SECRETARIAT, "…", [c for c in delivered if c.chat_id == SECRETARIAT.id]), ""]
            )
            # The report the secretariat sends upward: the workbook, then the chart.
            await say(SECRETARIAT, "/report DBSH quý IV năm 2023")
            await say(FOCAL_POINT, "/status BKHDT")
            await say(FOCAL_POINT, f"/history {fund.id}")
            await say(FOCAL_POINT, "/lang en")
            await say(FOCAL_POINT, "/help")
        engine.dispose()
    assert callable(print_line)
    for line in transcript:
        print_line(line)
    return 0
