"""Timestamps are stored in UTC and come back timezone-aware, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from db.models import Council


def test_aware_times_round_trip_as_utc(engine: Engine) -> None:
    hanoi = timezone(timedelta(hours=7))
    created = datetime(2023, 12, 5, 14, 30, tzinfo=hanoi)
    with Session(engine) as session:
        council = Council(code="X", name_vi="x", name_en="x", created_at=created)
        session.add(council)
        session.commit()
        council_id = council.id
    with Session(engine) as session:
        stored = session.get(Council, council_id)
        assert stored is not None
        assert stored.created_at == created
        assert stored.created_at.tzinfo == UTC
        assert stored.created_at.hour == 7


def test_naive_times_are_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Council(code="Y", name_vi="y", name_en="y", created_at=datetime(2023, 1, 1)))  # noqa: DTZ001
        with pytest.raises(Exception, match="naive datetime"):
            session.commit()
