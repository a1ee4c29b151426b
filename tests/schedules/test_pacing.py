"""The pacer keeps sends under 30 per second and 20 per minute per group, on a manual clock."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from schedules.clock import ManualClock
from schedules.pacing import Pacer

START = datetime(2023, 11, 20, 2, 0, tzinfo=UTC)


def paced(clock: ManualClock, per_second: int = 30, per_group_minute: int = 20) -> Pacer:
    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))

    return Pacer(clock, sleep, per_second=per_second, per_group_minute=per_group_minute)


def most_in_any_window(times: list[datetime], window: timedelta) -> int:
    return max(sum(1 for other in times if start <= other < start + window) for start in times)


async def test_never_more_than_30_in_any_second() -> None:
    clock = ManualClock(START)
    pacer = paced(clock)
    sent: list[datetime] = []
    for n in range(1000):
        await pacer.wait_turn(n + 1)
        sent.append(clock.now())
        clock.advance(timedelta(milliseconds=1))  # the send itself takes a little time
    assert most_in_any_window(sent, timedelta(seconds=1)) == 30
    # The margin: even a send that reaches Telegram 49 ms after its turn, following one that
    # arrived at once, is not the 31st of any second.
    assert most_in_any_window(sent, timedelta(milliseconds=1049)) == 30
    total = (sent[-1] - sent[0]).total_seconds()
    assert 1000 / 30 - 1 <= total <= 1.1 * 1000 / 30


async def test_never_more_than_20_per_minute_to_one_group() -> None:
    clock = ManualClock(START)
    pacer = paced(clock)
    group_sends: list[datetime] = []
    for n in range(60):
        await pacer.wait_turn(-100)
        group_sends.append(clock.now())
        await pacer.wait_turn(n + 1)  # private chats are not held back by the group's limit
    assert most_in_any_window(group_sends, timedelta(minutes=1)) == 20
    assert Counter(t.minute for t in group_sends).most_common(1)[0][1] <= 20


async def test_a_429_pauses_everyone() -> None:
    clock = ManualClock(START)
    pacer = paced(clock)
    await pacer.wait_turn(1)
    pacer.pause(7)
    before = clock.now()
    await pacer.wait_turn(2)
    assert clock.now() - before == timedelta(seconds=7)
    pacer.pause(1)
    pacer.pause(0.5)  # a shorter pause does not shorten the longer one
    before = clock.now()
    await pacer.wait_turn(3)
    assert clock.now() - before == timedelta(seconds=1)


async def test_no_wait_under_the_limits() -> None:
    clock = ManualClock(START)
    pacer = paced(clock)
    for n in range(30):
        await pacer.wait_turn(n + 1)
    assert clock.now() == START


async def test_a_reply_goes_ahead_of_waiting_background_sends() -> None:
    clock = ManualClock(START)

    async def sleep(seconds: float) -> None:  # moves the clock, and lets the others run
        clock.advance(timedelta(seconds=seconds))
        await asyncio.sleep(0)

    pacer = Pacer(clock, sleep, reserve=1)
    for n in range(29):
        await pacer.wait_turn(n + 1)
    await pacer.wait_turn(99, interactive=True)  # the turn background sends leave to replies
    assert clock.now() == START
    order: list[str] = []

    async def send(name: str, interactive: bool) -> None:
        await pacer.wait_turn(100 + len(order), interactive=interactive)
        order.append(name)

    background = [asyncio.create_task(send(f"b{n}", False)) for n in range(5)]
    await asyncio.sleep(0)
    await send("reply", True)
    assert order == ["reply"]  # before any of the background sends that were waiting already
    await asyncio.gather(*background)
    assert order[1:] == [f"b{n}" for n in range(5)]


async def test_one_chat_gets_about_one_message_a_second() -> None:
    clock = ManualClock(START)
    pacer = paced(clock)
    pacer.per_chat = 3
    sent: list[datetime] = []
    for _ in range(12):
        await pacer.wait_turn(42, interactive=True)
        sent.append(clock.now())
    assert most_in_any_window(sent, timedelta(seconds=3)) == 3  # a burst of three, then 1/s
    assert sent[-1] - sent[0] >= timedelta(seconds=9)
    assert pacer.take_ticket(42) and not pacer.take_ticket(42)  # a turn is used once


async def test_the_per_chat_memory_stays_bounded() -> None:
    clock = ManualClock(START)
    pacer = paced(clock)
    pacer.per_chat = 3
    for n in range(10_000):
        await pacer.wait_turn(n + 1)
    assert len(pacer._chat_recent) <= 4097  # the chats of the last few seconds only


async def test_a_sender_waiting_for_one_chat_does_not_hold_up_the_others() -> None:
    clock = ManualClock(START)
    gate = asyncio.Event()

    async def sleep(seconds: float) -> None:
        await gate.wait()  # the waiting sender stays asleep until the test opens the gate
        clock.advance(timedelta(seconds=seconds))

    pacer = Pacer(clock, sleep, per_chat=3)
    for _ in range(3):
        await pacer.wait_turn(42)  # chat 42 had its burst: its next turn is seconds away
    busy = asyncio.create_task(pacer.wait_turn(42))
    await asyncio.sleep(0)
    await asyncio.wait_for(pacer.wait_turn(7), timeout=1)  # another chat goes at once
    assert not busy.done()
    gate.set()
    await busy
    assert clock.now() - START >= timedelta(seconds=3)


async def test_live_instances_split_the_limits() -> None:
    clock = ManualClock(START)
    pacer = paced(clock)
    pacer.per_chat = 3
    pacer.instances = 2
    sent: list[datetime] = []
    for n in range(300):
        await pacer.wait_turn(n + 1)
        sent.append(clock.now())
        clock.advance(timedelta(milliseconds=1))
    assert most_in_any_window(sent, timedelta(seconds=1)) == 15  # the other instance: 15 more
    group: list[datetime] = []
    for _ in range(20):
        await pacer.wait_turn(-100)
        group.append(clock.now())
    assert most_in_any_window(group, timedelta(minutes=1)) == 10
    chat: list[datetime] = []
    for _ in range(9):
        await pacer.wait_turn(77)
        chat.append(clock.now())
    assert most_in_any_window(chat, timedelta(seconds=6)) == 3  # a chat's 1/s, halved


async def test_background_senders_leave_a_turn_to_replies_only_while_members_talk() -> None:
    clock = ManualClock(START)
    pacer = paced(clock)
    pacer.reserve = 1

    async def background_second() -> int:
        started, count = clock.now(), 0
        while clock.now() - started < timedelta(seconds=1):
            await pacer.wait_turn(10_000 + count)
            count += 1
            clock.advance(timedelta(milliseconds=1))
        return count

    clock.advance(timedelta(seconds=5))
    quiet = await background_second()
    await pacer.wait_turn(5, interactive=True)  # a member is answered
    clock.advance(timedelta(seconds=2))
    talking = await background_second()
    assert quiet >= 30 and talking < quiet
