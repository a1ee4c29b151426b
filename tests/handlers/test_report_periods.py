"""/report with a recurring task: the caption and the workbook count its periods."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.offline.driver import OfflineBot
from db.models import Role
from schedules.clock import ManualClock
from tests.db.test_report_periods import monthly_task
from tests.factories import Factory
from tests.handlers.test_reports import sent, workbook_of


async def test_the_caption_says_how_many_items_are_periods(
    bot: OfflineBot, engine: Engine, clock: ManualClock, factory: Factory
) -> None:
    council = factory.council()
    monthly_task(engine, clock, council, "BKHDT", factory)  # periods written to December
    secretariat = factory.user(Role.SECRETARIAT, council=council)
    calls = await bot.send(secretariat, "/report từ 1/8/2023 đến 31/3/2024")
    (document,) = sent(calls, "sendDocument")
    # August to October overdue; November due soon, then four ahead (three not written yet).
    assert "Tổng số: 8 (trong đó 8 kỳ của nhiệm vụ định kỳ). " in document.text
    assert "chưa hoàn thành: trong hạn 5, quá hạn 3" in document.text
    counts = workbook_of(document)
    assert counts["Trong đó: số kỳ của nhiệm vụ định kỳ"] == 8
    english = factory.user(Role.CHAIR, council=council, language="en")
    (document,) = sent(await bot.send(english, "/report Q4 2023"), "sendDocument")
    assert "Total: 3 (of which 3 periods of recurring tasks)." in document.text
