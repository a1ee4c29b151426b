"""Fixtures shared by every test: a real database per test, an injected clock, the real
Application on the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.application import build_application
from bot.offline.driver import OfflineBot
from bot.offline.fake_telegram import FakeTelegram
from bot.settings import AccessSettings, DatabaseSettings, SecretStr, Settings, TelegramSettings
from db.engine import make_engine
from schedules.clock import ManualClock
from tests.databases import PostgresDatabases, SqliteDatabases, postgres_url
from tests.factories import Factory

TEST_TOKEN = "123456789:TEST-token-never-logged"
ADMIN_ID = 500
# Monday 20 November 2023, 09:00 in Hà Nội.
START = datetime(2023, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def databases(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SqliteDatabases | PostgresDatabases]:
    pg_url = postgres_url()
    if pg_url:
        pg = PostgresDatabases(pg_url)
        yield pg
        pg.close()
    else:
        yield SqliteDatabases(tmp_path_factory.mktemp("template"))


@pytest.fixture
def database_url(databases: SqliteDatabases | PostgresDatabases, tmp_path: Path) -> Iterator[str]:
    with databases.fresh(tmp_path) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        telegram=TelegramSettings(token=SecretStr(TEST_TOKEN)),
        database=DatabaseSettings(url=database_url),
        access=AccessSettings(admins=frozenset({ADMIN_ID})),
    )


@pytest.fixture
def transport(clock: ManualClock) -> FakeTelegram:
    return FakeTelegram(clock=clock)


@pytest.fixture
async def bot(
    settings: Settings, transport: FakeTelegram, clock: ManualClock, engine: Engine
) -> AsyncIterator[OfflineBot]:
    application = build_application(settings, request=transport, clock=clock, engine=engine)
    async with OfflineBot(application, transport, clock) as offline:
        yield offline


@pytest.fixture
def factory(engine: Engine, clock: ManualClock) -> Factory:
    return Factory(engine, clock)
