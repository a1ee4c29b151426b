"""The dispatcher reads a batch's periods at once: a reminder naming its period costs no query
of its own (the national dataset's 1,200 recurring tasks revealed one query per reminder)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from bot.offline.driver import FakeUser, OfflineBot
from schedules.clock import ManualClock
from tests.handlers.test_recurring import HANOI, MONTHLY, people  # noqa: F401 (a fixture)
from tests.handlers.test_task_life import assign_task
from tests.statements import counted


async def test_period_reminders_cost_one_query_per_batch(
    bot: OfflineBot,
    engine: Engine,
    clock: ManualClock,
    people: dict[str, FakeUser],  # noqa: F811
) -> None:
    for _ in range(3):
        await assign_task(bot, people["secretariat"], MONTHLY)
    await bot.dispatch()  # the assignment notices
    # November was never reported; December's deadline is a week away: two periods each.
    clock.set(datetime(2023, 12, 18, 8, 31, tzinfo=HANOI))
    with counted(engine) as statements:
        calls = [c for c in await bot.dispatch() if c.method == "sendMessage"]
    # Each focal point: one list of the three Novembers (one line per task), three December
    # cards (a task's second period keeps its own card).
    to_mpi = [call.text for call in calls if call.chat_id == people["mpi"].id]
    assert sum(text.count("tháng 11/2023") for text in to_mpi) == 3
    assert sum(text.count("tháng 12/2023") for text in to_mpi) == 3
    assert len(to_mpi) == 4
    reads = [s for s in statements if s.startswith("SELECT task_occurrence.")]
    assert len(reads) <= 2, reads
