"""Arbitrary text to every command, as a plain message and as the answer to a prompt, and
arbitrary data to every button family, on a seeded database: no unhandled error, always an
answer (never the apology; for an English speaker never a Vietnamese-only text), and nothing
changed when the answer is a no.

One Application serves every example of a test (built once in its own event loop), so the
examples run in a few seconds; ``-m fuzz`` with ``HYPOTHESIS_PROFILE=fuzz-long`` runs more.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from bot.application import build_application
from bot.catalogue import CATALOGUE
from bot.commands import CALLBACK_ACCESS, COMMANDS
from bot.offline.driver import FakeUser, OfflineBot, answers
from bot.offline.fake_telegram import FakeTelegram, RecordedCall
from bot.settings import Settings
from db.models import Role
from schedules.clock import ManualClock
from tests.factories import Factory
from tests.task_factories import TaskFactory

pytestmark = pytest.mark.fuzz

T = TypeVar("T")

settings.register_profile(
    "fuzz-default",
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz-long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz-default"))

# Words the commands understand, ids of every size, and the classes of bad input.
TOKENS = [
    "1",
    "#1",
    "2",
    "0",
    "-1",
    "99999999999999999999",
    "9" * 400,
    "²",
    "٣",
    "DBSH",
    "TN",
    "BKHDT",
    "BTC",
    "Ð",
    "title",
    "deadline",
    "lead",
    "ten",
    "han",
    "chu-tri",
    "new",
    "reschedule",
    "doi-lich",
    "cancel",
    "huy",
    "conclude",
    "ket-luan",
    "thu-ky",
    "dau-moi",
    "vai-tro=thu-ky",
    "co-quan=BKHDT",
    "|",
    ";",
    "50%",
    "1000%",
    "-5%",
    "31/12/2023",
    "quý IV năm 2023",
    "\u200b\u200b",
    "\u202e",
    "\x00",
    "&lt;",
    "<b>",
    "@nobody",
    "y",
    "n",
    "ok",
    "no",
]
IDS = ["1", "#1", "2", "3", "0", "99999999999999999999", "9" * 400, "²", "٣", "@nobody"]
WORDS = st.one_of(st.sampled_from(TOKENS), st.text(max_size=12))
ARGUMENTS = st.one_of(
    st.lists(WORDS, max_size=8).map(" ".join),
    # "<id> <sub-command> <text>", the shape most commands expect, with any id in front.
    st.tuples(st.sampled_from(IDS), st.lists(WORDS, max_size=5)).map(
        lambda shaped: " ".join([shaped[0], *shaped[1]])
    ),
)
PREFIXES = sorted(CALLBACK_ACCESS)
BUTTON_PARTS = st.one_of(
    st.sampled_from([*TOKENS, "p", "d", "o", "x", "a", "c1", "c", "send", "snooze", "report"]),
    st.text(max_size=8),
)

# Answers that say no: every catalogue text whose key names a refusal, up to its first field.
REFUSAL_KEY = re.compile(
    r"usage|stale|invalid|not_found|forbidden|unknown|expired|too_long|empty|not_allowed|"
    r"nested|out_of_range|no_council|not_registered"
)
REFUSAL_PREFIXES = tuple(
    prefix
    for key, versions in CATALOGUE.items()
    if REFUSAL_KEY.search(key)
    for template in versions.values()
    if len(prefix := template.split("{", 1)[0].strip()) >= 12
)
APOLOGY = tuple(CATALOGUE["error_apology"].values())
# The Vietnamese openings of texts that read differently in English: an English speaker's
# answer never starts with one.
VIETNAMESE_ONLY = tuple(
    prefix
    for versions in CATALOGUE.values()
    if versions["vi"] != versions.get("en")
    and len(prefix := versions["vi"].split("{", 1)[0].strip()) >= 12
    and not versions.get("en", "").startswith(prefix)
)
# Tables that change whatever the answer: the update log, the inbox of updates and of their
# answers, the scheduler's own rows.
VOLATILE = {"processed_update", "job_run", "inbox_update", "inbox_answer"}


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(row) for row in connection.execute(text(f"SELECT * FROM {table.name}"))),
                key=repr,
            )
            for table in SQLModel.metadata.sorted_tables
            if table.name not in VOLATILE
        }


@dataclass
class World:
    """A seeded database and one running Application, driven from synchronous tests."""

    loop: asyncio.AbstractEventLoop
    bot: OfflineBot
    engine: Engine
    secretariat: FakeUser
    focal: FakeUser
    stranger: FakeUser
    english: FakeUser
    card: RecordedCall

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)


@pytest.fixture
def world(
    settings: Settings,
    transport: FakeTelegram,
    clock: ManualClock,
    engine: Engine,
    factory: Factory,
) -> Iterator[World]:
    dbsh, tn = factory.council(), factory.council("TN", "Tây Nguyên")
    mpi, mof = factory.agency(), factory.agency("BTC", "Bộ Tài chính")
    secretariat = factory.user(Role.SECRETARIAT, council=dbsh, name="Thư ký Lan")
    focal = factory.user(Role.FOCAL_POINT, council=dbsh, agency=mpi, name="Đầu mối Minh")
    factory.user(Role.FOCAL_POINT, council=tn, agency=mof, name="Đầu mối Hà")
    english = factory.user(Role.SECRETARIAT, council=tn, language="en", name="Secretary Ann")
    tasks = TaskFactory(engine, clock)
    tasks.task(councils=[dbsh], agency=mpi, deadline=clock.now() + timedelta(days=30))
    tasks.task(councils=[dbsh, tn], agency=mof, deadline=None, title="Đề án liên vùng")
    tasks.meeting(council=dbsh, starts_at=clock.now() + timedelta(days=7))
    loop = asyncio.new_event_loop()
    application = build_application(settings, request=transport, clock=clock, engine=engine)
    bot = OfflineBot(application, transport, clock)
    loop.run_until_complete(bot.__aenter__())
    try:
        # Their first message marks them reachable in private: done before any snapshot.
        loop.run_until_complete(bot.send(focal, "/help"))
        loop.run_until_complete(bot.send(english, "/help"))
        card = next(
            call
            for call in loop.run_until_complete(bot.send(secretariat, "/help"))
            if call.method == "sendMessage"
        )
        stranger = FakeUser(77_777, "Người lạ")
        yield World(loop, bot, engine, secretariat, focal, stranger, english, card)
    finally:
        loop.run_until_complete(bot.__aexit__())
        loop.close()


def check(
    world: World,
    caplog: pytest.LogCaptureFixture,
    act: Coroutine[Any, Any, list[RecordedCall]],
    *,
    english: bool = False,
) -> None:
    before = snapshot(world.engine)
    caplog.clear()
    calls = world.run(act)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors
    said = [a for a in answers(calls) if a.strip()]
    assert said, "no answer at all"
    assert not any(a.startswith(APOLOGY) for a in said), said
    if english:
        assert not any(a.startswith(VIETNAMESE_ONLY) for a in said), said
    refused = any(
        r.getMessage().startswith("update") and "refused" in r.getMessage() for r in caplog.records
    ) or any(a.startswith(REFUSAL_PREFIXES) for a in said)
    if refused:
        assert snapshot(world.engine) == before, said


@pytest.mark.parametrize("who", ["secretariat", "focal", "stranger", "english"])
def test_any_text_to_any_command(world: World, caplog: pytest.LogCaptureFixture, who: str) -> None:
    caplog.set_level(logging.INFO)
    user: FakeUser = getattr(world, who)

    @PROFILE
    @given(command=st.sampled_from([spec.name for spec in COMMANDS]), arguments=ARGUMENTS)
    @example(command="update", arguments="99999999999999999999 1")
    def run(command: str, arguments: str) -> None:
        sent = world.bot.send(user, f"/{command} {arguments}".rstrip())
        check(world, caplog, sent, english=who == "english")

    run()


@pytest.mark.parametrize("who", ["secretariat", "focal", "english"])
def test_any_data_to_any_button(world: World, caplog: pytest.LogCaptureFixture, who: str) -> None:
    caplog.set_level(logging.INFO)
    user: FakeUser = getattr(world, who)

    @PROFILE
    @given(prefix=st.sampled_from(PREFIXES), parts=st.lists(BUTTON_PARTS, max_size=4))
    # Found by the fuzzer: a page beyond the last, data without ':', a 20-digit id.
    @example(prefix="tkp", parts=["5"])
    @example(prefix="ack", parts=[])
    @example(prefix="tk", parts=["99999999999999999999", "p"])
    def run(prefix: str, parts: list[str]) -> None:
        data = ":".join([prefix, *parts]).encode()[:64].decode(errors="ignore")
        check(world, caplog, world.bot.press(user, world.card, data), english=who == "english")

    run()


@pytest.mark.parametrize("prompt", [None, "tk:1:p", "tk:1:o", "tk:1:x"])
def test_any_text_as_a_plain_message_or_an_answer_to_a_prompt(
    world: World, caplog: pytest.LogCaptureFixture, prompt: str | None
) -> None:
    caplog.set_level(logging.INFO)
    focal = world.focal

    @PROFILE
    @given(text=st.one_of(ARGUMENTS, st.text(max_size=200)).filter(lambda s: s.strip()))
    def run(text: str) -> None:
        if prompt is not None:  # the bot waits for what the button asked
            world.run(world.bot.press(focal, world.card, prompt))
        check(world, caplog, world.bot.send(focal, text.lstrip("/") or "x"))

    run()
