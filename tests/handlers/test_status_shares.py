"""The overview's percentages add up to 100 (1, 1 and 13 of 15 tasks rounded alone: 101%)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import Engine

from bot.offline.driver import OfflineBot, texts
from db.models import Role
from schedules.clock import ManualClock
from tests.factories import Factory
from tests.task_factories import TaskFactory


async def test_the_overviews_percentages_sum_to_100(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock
) -> None:
    council, mpi = factory.council(), factory.agency()
    tasks = TaskFactory(engine, clock)
    now = clock.now()
    tasks.task(councils=[council], agency=mpi, deadline=now - timedelta(days=3))  # overdue
    tasks.task(councils=[council], agency=mpi, deadline=None)  # no deadline
    for _ in range(13):
        tasks.task(councils=[council], agency=mpi, deadline=now + timedelta(days=60))
    (overview,) = texts(await bot.send(factory.user(Role.MEMBER, council=council), "/status"))
    shares = [int(share) for share in re.findall(r"\((\d+)%\)", overview)]
    assert len(shares) == 3 and sum(shares) == 100, overview
