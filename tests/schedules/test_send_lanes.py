"""Lanes: many chats at once, each chat's messages in order; a refusal stops them all and
gives back what was not sent."""

from __future__ import annotations

import asyncio

from schedules.send_lanes import Lanes


async def test_each_chat_in_order_several_chats_at_once() -> None:
    sent: list[tuple[int, int]] = []
    in_flight, most = 0, 0

    async def send(item: tuple[int, int]) -> bool:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0)
        sent.append(item)
        in_flight -= 1
        return True

    lanes: Lanes[tuple[int, int]] = Lanes(send, concurrency=4)
    for n in range(5):
        for chat in range(10):
            lanes.add(chat, (chat, n))
    assert await lanes.finish() == []
    assert len(sent) == 50 and 1 < most <= 4
    for chat in range(10):
        assert [n for c, n in sent if c == chat] == list(range(5))


async def test_the_chat_with_the_most_messages_goes_first() -> None:
    order: list[int] = []

    async def send(chat: int) -> bool:
        order.append(chat)
        return True

    lanes: Lanes[int] = Lanes(send, concurrency=1)
    lanes.add(1, 1)
    for _ in range(3):
        lanes.add(2, 2)
    await lanes.finish()
    # Chat 1's message came first, but chat 2 must get three at one a second: it starts first.
    assert order == [2, 2, 2, 1]


async def test_a_refusal_stops_every_lane_and_gives_back_the_rest() -> None:
    async def send(item: tuple[int, int]) -> bool:
        await asyncio.sleep(0)
        return item != (3, 1)  # flood control on chat 3's second message

    lanes: Lanes[tuple[int, int]] = Lanes(send, concurrency=3)
    for n in range(4):
        for chat in range(6):
            lanes.add(chat, (chat, n))
    rest = await lanes.finish()
    assert (3, 1) in rest and (3, 2) in rest and lanes.stopped
    assert len(rest) < 24
    for chat in range(6):  # what is given back is each chat's tail, in order
        mine = [n for c, n in rest if c == chat]
        assert mine == sorted(mine) and (not mine or mine[-1] == 3)
