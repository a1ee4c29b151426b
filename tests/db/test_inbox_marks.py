"""The inbox marks an update processed with its first answer in one statement (issue 16): the
update then counts as processed everywhere — not claimed for handling again, and taken over
only to send the answer — on both databases (SQLite has no data-modifying CTE: there the
recorded answer is what says so until the row is answered)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from db import inbox
from schedules.clock import ManualClock


def _store(engine: Engine, clock: ManualClock, update_id: int, claimer: str) -> None:
    with engine.begin() as connection:
        inbox.store(
            connection,
            update_id=update_id,
            payload={"update_id": update_id},
            chat_id=1,
            user_id=None,
            now=clock.now(),
            claimer=claimer,
        )


def test_an_update_with_its_first_answer_recorded_is_processed(
    engine: Engine, clock: ManualClock
) -> None:
    _store(engine, clock, 7, "a")
    _store(engine, clock, 8, "a")
    with engine.begin() as connection:
        answer = inbox.mark_processed_with_answer(
            connection,
            update_id=7,
            claimer="a",
            method="sendMessage",
            params={"chat_id": 1, "text": "ok"},
            now=clock.now(),
        )
    assert answer is not None
    later = clock.now() + timedelta(minutes=10)  # process "a" stopped: its claims are stale
    with engine.begin() as connection:
        assert not inbox.claim(
            connection, update_id=7, claimer="b", now=later, stale_after=timedelta(minutes=5)
        )
        taken = inbox.claim_open(
            connection,
            claimer="b",
            now=later,
            stale_after=timedelta(minutes=5),
            unclaimed_after=timedelta(minutes=1),
        )
    assert {row.update_id: row.processed for row in taken} == {7: True, 8: False}
    with engine.begin() as connection:
        assert [a.id for a in inbox.unsent_answers(connection, update_id=7)] == [answer]


def test_a_lost_claim_records_no_answer(engine: Engine, clock: ManualClock) -> None:
    _store(engine, clock, 9, "a")
    with engine.begin() as connection:
        assert inbox.claim(
            connection,
            update_id=9,
            claimer="b",
            now=clock.now() + timedelta(minutes=10),
            stale_after=timedelta(minutes=5),
        )
    with engine.begin() as connection:
        lost = inbox.mark_processed_with_answer(
            connection,
            update_id=9,
            claimer="a",
            method="sendMessage",
            params={"chat_id": 1, "text": "late"},
            now=clock.now(),
        )
        assert lost is None
        assert inbox.unsent_answers(connection, update_id=9) == []
