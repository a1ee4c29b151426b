"""A restarted bot takes over at once what a killed process of the same host had claimed.

Found running the bot as a process (tests/process/): after ``kill -9`` in the middle of an
update and a restart, the member waited ``stale_claim_minutes`` (5 by default) for the answer.
"""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from sqlalchemy import Engine, update

from bot.runtime import dead_on_this_host, new_instance_id
from bot.settings import Settings
from db.models import InboxUpdate, ProgressUpdate, Role
from schedules.clock import ManualClock
from tests.bot.test_inbox import (
    CONFIRMATION,
    LATE,
    Crash,
    arrive,
    confirmations,
    count,
    crashing,
    life,
    message,
)
from tests.factories import Factory
from tests.task_factories import TaskFactory, vn

HOST = socket.gethostname()[:24]


def finished_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


def test_only_this_hosts_ended_processes_are_dead() -> None:
    ended = f"{HOST}:{finished_pid()}:abcd1234"
    alive = f"{HOST}:1:abcd1234"  # init: always running
    elsewhere = f"other-host:{finished_pid()}:abcd1234"
    assert dead_on_this_host([ended, alive, elsewhere, new_instance_id(), "cli", "a:b:c"]) == [
        ended
    ]


@pytest.mark.parametrize("claimer_alive", [False, True])
async def test_an_update_a_killed_process_claimed_is_answered_at_restart(
    settings: Settings, engine: Engine, clock: ManualClock, factory: Factory, claimer_alive: bool
) -> None:
    council, agency = factory.council(), factory.agency()
    focal = factory.user(Role.FOCAL_POINT, council=council, agency=agency)
    task = TaskFactory(engine, clock).task(
        councils=[council], agency=agency, deadline=vn(2023, 12, 15)
    )
    payload = message(focal, f"/update {task.id} 40% Đã trình dự thảo", 881_001)
    async with life(settings, engine, clock) as first:
        crashing(first).crash_before = "sendMessage"  # applied, not answered
        with pytest.raises(Crash):
            await arrive(first, "polling", payload)
    # What the row would hold had that process been another, now ended (or still running).
    pid = 1 if claimer_alive else finished_pid()
    with engine.begin() as connection:
        connection.execute(
            update(InboxUpdate)
            .where(InboxUpdate.update_id == 881_001)  # type: ignore[arg-type]
            .values(claimed_by=f"{HOST}:{pid}:deadbeef")
        )

    async with life(settings, engine, clock) as second:  # its start-up runs the recovery
        answered = confirmations(second.transport.calls, focal.id)
    assert count(engine, ProgressUpdate) == 1
    if claimer_alive:  # a live process's claim waits to go stale, as before
        assert answered == []
    else:
        assert len(answered) == 1 and CONFIRMATION in answered[0]
        assert not answered[0].startswith(LATE)  # no clock moved: sent at once
