"""Benchmark: a broadcast to 1,000 members, paced under Telegram's limit, in real time.

    .venv/bin/python bench/bench_broadcast.py [--recipients 1000] [--no-save]

On a fresh copy of the national dataset (``bench/dataset.py``), council 1 is given members
(``member`` role, private chat open) until a broadcast to the whole council reaches
``--recipients`` people. The real Application runs on a fake Bot API that enforces Telegram's
global limit the way Telegram does: it answers 429 with ``retry_after`` = 1 to a ``send*`` call
when 30 sends were already accepted in the last second (a sliding window over real monotonic
time; edits, callback answers and rejected calls do not count). The clock is the system clock
and waiting really sleeps: the pacer has to hold the real rate.

The council's secretariat sends ``/broadcast <council> | <text>``, reads the preview (one
second, so that the preview is out of the window) and presses "Gửi"; the clock runs from the
press until every background send is over (the final report to the secretariat included).
Checks every recipient got exactly one notice accepted by the fake, and that the delivery rows
agree (one SENT row each, with the message id the fake answered).

Prints recipients, delivered, failed, lost, doubled, total seconds against the limit's minimum
(recipients / 30 s), the 429s received and the most sends accepted (and attempted) in any one
second; merges ``{"broadcast_pacing": ...}`` into ``bench/results.json``. Budget: total time
within 1.1x the minimum, nothing lost or doubled, at most 30 accepted in any second; exit
status 1 when missed. Takes about 35 s plus the application's start-up on the dataset.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the project

from sqlalchemy import Engine, insert, text  # noqa: E402
from telegram.request import RequestData  # noqa: E402

import bot  # noqa: E402,F401  (sets PTB_TIMEDELTA before telegram is imported)
from bench.dataset import NOW, bench_settings, database_copy  # noqa: E402
from bench.harness import machine_line, merge_results, percentiles, table, verdict  # noqa: E402
from bot.application import build_application  # noqa: E402
from bot.catalogue import t  # noqa: E402
from bot.offline.driver import FakeUser, OfflineBot  # noqa: E402
from bot.offline.fake_telegram import FakeTelegram, Fault, RecordedCall, _error  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.models import CouncilRole, Member, OutboxState, Role  # noqa: E402
from schedules.clock import SystemClock  # noqa: E402

PER_SECOND = 30  # Telegram: about 30 messages per second overall
BUDGET_FACTOR = 1.1
COUNCIL_ID = 1
EXTRA_USER_IDS = 300_000_000  # the dataset's members have ids from 100,000,000
READING_SECONDS = 1.0  # the secretariat reads the preview: its message leaves the window
NOTICE = "Kính mời các đồng chí dự phiên họp Hội đồng lúc 14h00 ngày 05/12/2023 tại Hà Nội"


@dataclass
class LimitedTelegram(FakeTelegram):
    """The fake Bot API with Telegram's global limit: a ``send*`` call arriving when
    ``per_second`` sends were accepted in the last ``window`` seconds is refused with 429."""

    per_second: int = PER_SECOND
    window: float = 1.0
    # Monotonic arrival time of every recorded call (same order as ``calls``).
    arrived: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._accepted: deque[float] = deque()  # accepted sends still in the window

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        now = time.monotonic()
        api_method = url.rsplit("/", 1)[-1]
        limited = "/file/bot" not in url and api_method.startswith("send")
        if limited:
            while self._accepted and self._accepted[0] <= now - self.window:
                self._accepted.popleft()
            if len(self._accepted) >= self.per_second:
                params = dict(request_data.parameters) if request_data else {}
                self.calls.append(
                    RecordedCall(
                        method=api_method,
                        params=params,
                        at=self._now(),
                        error=Fault.RETRY_AFTER.value,
                    )
                )
                self.arrived.append(now)
                return _error(429, "Too Many Requests: retry after 1", retry_after=1)
        before = len(self.calls)
        answer = await super().do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if len(self.calls) > before:
            self.arrived.append(now)
            if limited and self.calls[-1].ok:
                self._accepted.append(now)
        return answer


@dataclass(frozen=True)
class Cast:
    secretary: int  # Telegram id of a secretariat member of council 1
    council_code: str


def prepare(url: str, recipients: int) -> Cast:
    """Give council 1 members until it has ``recipients``; who sends the broadcast."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            secretary, code = connection.execute(
                text(
                    "SELECT m.telegram_user_id, c.code FROM council_role r"
                    " JOIN member m ON m.id = r.member_id JOIN council c ON c.id = r.council_id"
                    " WHERE r.council_id = :council AND r.role = 'secretariat'"
                    " ORDER BY m.id LIMIT 1"
                ),
                {"council": COUNCIL_ID},
            ).one()
            present = connection.execute(
                text("SELECT count(DISTINCT member_id) FROM council_role WHERE council_id = :c"),
                {"c": COUNCIL_ID},
            ).scalar_one()
            missing = recipients - present
            if missing < 0:
                raise SystemExit(f"council {code} already has {present} members")
            if missing:
                connection.execute(
                    insert(Member),
                    [
                        {
                            "telegram_user_id": EXTRA_USER_IDS + n,
                            "full_name": f"Thành viên bổ sung {n:04d}",
                            "username": None,
                            "language": "vi",
                            "private_chat_ok": True,
                            "created_at": NOW,
                        }
                        for n in range(missing)
                    ],
                )
                added = connection.execute(
                    text("SELECT id FROM member WHERE telegram_user_id >= :first ORDER BY id"),
                    {"first": EXTRA_USER_IDS},
                ).scalars()
                connection.execute(
                    insert(CouncilRole),
                    [
                        {
                            "council_id": COUNCIL_ID,
                            "member_id": member_id,
                            "role": Role.MEMBER.value,
                            "agency_id": None,
                            "granted_at": NOW,
                            "granted_by": None,
                        }
                        for member_id in added
                    ],
                )
    finally:
        engine.dispose()
    return Cast(secretary=int(secretary), council_code=str(code))


def expected_chats(engine: Engine) -> set[int]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT DISTINCT m.telegram_user_id FROM council_role r"
                " JOIN member m ON m.id = r.member_id WHERE r.council_id = :c"
            ),
            {"c": COUNCIL_ID},
        ).scalars()
        return {int(chat) for chat in rows}


def delivery_rows(engine: Engine, broadcast_id: int) -> list[tuple[int, str, int | None]]:
    """(chat id, state, message id) of every delivery row of the broadcast."""
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT chat_id, state, message_id FROM delivery WHERE broadcast_id = :b"),
            {"b": broadcast_id},
        ).all()
    return [(int(chat), str(state), message_id) for chat, state, message_id in rows]


def most_in_any_second(times: list[float]) -> int:
    """The most moments falling within any one second (a sliding window)."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def is_notice(call: RecordedCall) -> bool:
    """A notice of the broadcast: a message with the Received button."""
    return call.method == "sendMessage" and any(
        data.startswith("ack:") for _, data in call.buttons()
    )


async def run_broadcast(url: str, cast: Cast, recipients: int) -> dict[str, Any]:
    clock = SystemClock()
    transport = LimitedTelegram(clock=clock)
    engine = make_engine(url)
    admins = frozenset({cast.secretary})
    application = build_application(
        bench_settings(url, admins=admins), request=transport, clock=clock, engine=engine
    )
    secretary = FakeUser(cast.secretary, "Thư ký")
    try:
        started_up = time.perf_counter()
        async with OfflineBot(application, transport, clock) as offline:
            startup_seconds = time.perf_counter() - started_up
            # When each notice got its turn from the pacer (to see how late it reaches Telegram).
            pacer = offline.runtime.pacer
            turns: list[float] = []
            wait_turn = pacer.wait_turn

            async def timed_turn(chat_id: int | None, *, interactive: bool = False) -> None:
                await wait_turn(chat_id, interactive=interactive)
                turns.append(time.monotonic())

            pacer.wait_turn = timed_turn  # type: ignore[method-assign]

            calls = await offline.send(secretary, f"/broadcast {cast.council_code} | {NOTICE}")
            preview = next(
                (c for c in calls if c.ok and c.method == "sendMessage" and c.buttons()), None
            )
            if preview is None:
                raise SystemExit(f"no preview: {[(c.method, c.error, c.text) for c in calls]}")
            announced = re.search(r"<b>(\d+)</b>", preview.text)
            announced_count = int(announced.group(1)) if announced else -1
            if announced_count != recipients:
                raise SystemExit(f"the preview announces {announced_count}: {preview.text!r}")
            send = dict(preview.buttons())[t("vi", "button_send")]
            broadcast_id = int(send.split(":")[1])
            await asyncio.sleep(READING_SECONDS)

            mark = len(transport.calls)
            started = time.perf_counter()
            await offline.press(secretary, preview, send)
            await offline.settle()
            total_seconds = time.perf_counter() - started
            calls = transport.calls[mark:]
            arrived = transport.arrived[mark:]
        return analyse(
            engine=engine,
            broadcast_id=broadcast_id,
            calls=calls,
            arrived=arrived,
            turns=turns,
            announced=announced_count,
            total_seconds=total_seconds,
            startup_seconds=startup_seconds,
        )
    finally:
        engine.dispose()


def analyse(
    *,
    engine: Engine,
    broadcast_id: int,
    calls: list[RecordedCall],
    arrived: list[float],
    turns: list[float],
    announced: int,
    total_seconds: float,
    startup_seconds: float,
) -> dict[str, Any]:
    origin = arrived[0] if arrived else 0.0
    paired = list(zip(calls, arrived, strict=True))
    notices = [(call, at) for call, at in paired if is_notice(call)]
    accepted = {(call.chat_id or 0, call.message_id) for call, _ in notices if call.ok}
    per_chat = Counter(chat for chat, _ in accepted)
    expected = expected_chats(engine)
    rows = delivery_rows(engine, broadcast_id)
    sent_rows = {
        (chat, message_id) for chat, state, message_id in rows if state == OutboxState.SENT
    }
    failed_rows = sum(1 for _, state, _ in rows if state == OutboxState.FAILED)
    lost = expected - set(per_chat)
    doubled = [chat for chat, count in per_chat.items() if count > 1]
    strangers = set(per_chat) - expected
    db_mismatches = len(sent_rows ^ accepted) + len(rows) - len({chat for chat, _, _ in rows})
    sends = [(call, at) for call, at in paired if call.method.startswith("send")]
    rejected = [(call, at) for call, at in paired if call.error == Fault.RETRY_AFTER]
    accepted_notice_times = [at for call, at in notices if call.ok]
    attempts = [at for _, at in notices]
    lags = [(at - turn) * 1000 for turn, at in zip(turns, attempts, strict=False)]
    report_posted = any(
        call.ok and call.method == "sendMessage" and f"#{broadcast_id}</b>" in call.text
        for call in calls
    )
    minimum = len(expected) / PER_SECOND
    return {
        "recipients": len(expected),
        "announced_in_preview": announced,
        "delivered": len(per_chat),
        "delivery_rows_sent": len(sent_rows),
        "failed": failed_rows,
        "lost": len(lost),
        "doubled": len(doubled),
        "strangers": len(strangers),
        "db_mismatches": db_mismatches,
        "total_seconds": round(total_seconds, 2),
        "first_to_last_notice_seconds": round(
            max(accepted_notice_times) - min(accepted_notice_times), 2
        )
        if accepted_notice_times
        else 0.0,
        "minimum_seconds": round(minimum, 2),
        "ratio": round(total_seconds / minimum, 3),
        "budget_ratio": BUDGET_FACTOR,
        "budget_seconds": round(minimum * BUDGET_FACTOR, 2),
        "retry_after_429s": len(rejected),
        "rejected": explain_rejections(notices, sends, turns, origin)[:20],
        "max_accepted_in_any_second": most_in_any_second([at for c, at in sends if c.ok]),
        "max_attempted_in_any_second": most_in_any_second([at for _, at in sends]),
        "notice_attempts": len(attempts),
        "progress_edits": sum(1 for call in calls if call.method == "editMessageText"),
        "report_posted": report_posted,
        "turn_to_arrival_ms": percentiles(lags) if lags else {},
        "startup_seconds": round(startup_seconds, 2),
    }


def explain_rejections(
    notices: list[tuple[RecordedCall, float]],
    sends: list[tuple[RecordedCall, float]],
    turns: list[float],
    origin: float,
) -> list[dict[str, Any]]:
    """Each 429: when; the oldest send in the fake's window then, and how far apart the two
    were in the pacer's turns and in their arrivals at the fake; how many sends in that window
    were not notices (the pacer does not count those)."""
    turn_of = {id(call): turn for (call, _), turn in zip(notices, turns, strict=False)}
    explained: list[dict[str, Any]] = []
    for call, at in notices:
        if call.error != Fault.RETRY_AFTER:
            continue
        window = [(other, when) for other, when in sends if other.ok and at - 1.0 < when < at]
        oldest, oldest_at = min(window, key=lambda pair: pair[1])
        turn, oldest_turn = turn_of.get(id(call)), turn_of.get(id(oldest))
        explained.append(
            {
                "at_s": round(at - origin, 3),
                "arrival_gap_ms": round((at - oldest_at) * 1000, 3),
                "turn_gap_ms": round((turn - oldest_turn) * 1000, 3)
                if turn is not None and oldest_turn is not None
                else None,
                "other_sends_in_window": sum(1 for other, _ in window if not is_notice(other)),
            }
        )
    return explained


def within_budget(figures: dict[str, Any]) -> bool:
    return (
        figures["delivered"] == figures["recipients"]
        and figures["delivery_rows_sent"] == figures["recipients"]
        and figures["lost"] == 0
        and figures["doubled"] == 0
        and figures["strangers"] == 0
        and figures["failed"] == 0
        and figures["db_mismatches"] == 0
        and figures["total_seconds"] <= figures["budget_seconds"]
        and figures["max_accepted_in_any_second"] <= PER_SECOND
    )


def report(figures: dict[str, Any]) -> None:
    recipients, minimum = figures["recipients"], figures["minimum_seconds"]
    lags = figures["turn_to_arrival_ms"]
    rows: list[tuple[object, ...]] = [
        ("recipients", recipients, f"preview: {figures['announced_in_preview']}"),
        ("delivered (accepted once)", figures["delivered"], recipients),
        ("delivery rows SENT", figures["delivery_rows_sent"], recipients),
        ("failed", figures["failed"], 0),
        ("lost", figures["lost"], 0),
        ("doubled", figures["doubled"], 0),
        ("rows disagreeing with the fake", figures["db_mismatches"], 0),
        ("total s (Send to drained)", figures["total_seconds"], f"<= {figures['budget_seconds']}"),
        ("first to last notice s", figures["first_to_last_notice_seconds"], ""),
        ("minimum s (recipients / 30)", minimum, ""),
        ("ratio", figures["ratio"], f"<= {BUDGET_FACTOR}"),
        ("429s received", figures["retry_after_429s"], ""),
        ("max accepted in any 1 s", figures["max_accepted_in_any_second"], f"<= {PER_SECOND}"),
        ("max attempted in any 1 s", figures["max_attempted_in_any_second"], ""),
        ("notice attempts", figures["notice_attempts"], ""),
        ("progress edits (not limited)", figures["progress_edits"], ""),
        ("final report posted", figures["report_posted"], ""),
        (
            "pacer turn to arrival p50/p99/max ms",
            f"{lags.get('p50_ms')}/{lags.get('p99_ms')}/{lags.get('max_ms')}",
            "",
        ),
        ("start-up s (not timed)", figures["startup_seconds"], ""),
    ]
    print("broadcast pacing (real time, SystemClock):")
    print(table(("figure", "value", "budget"), rows))
    for rejected in figures["rejected"]:
        print(
            f"  429 at {rejected['at_s']} s: {rejected['arrival_gap_ms']} ms after the oldest "
            f"send in the window arrived, {rejected['turn_gap_ms']} ms after its pacer turn; "
            f"other sends in the window: {rejected['other_sends_in_window']}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--recipients", type=int, default=1000, help="members to reach")
    parser.add_argument(
        "--no-save", action="store_true", help="print only; leave bench/results.json alone"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    with database_copy() as url:
        cast = prepare(url, args.recipients)
        figures = asyncio.run(run_broadcast(url, cast, args.recipients))
    ok = within_budget(figures)
    figures["within_budget"] = ok
    report(figures)
    print(
        f"  budget (total <= {BUDGET_FACTOR}x recipients/{PER_SECOND} s, nothing lost or "
        f"doubled, <= {PER_SECOND} accepted in any second): {verdict(ok)}"
    )
    if not args.no_save:
        merge_results("broadcast_pacing", figures)
    print(f"machine: {machine_line()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
