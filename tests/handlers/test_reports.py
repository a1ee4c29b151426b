"""/report and the 📊 button through the offline driver: the progress line, the workbook sent as
a document and the chart as a photo, council choice, who may have what, bad periods, forged
buttons."""

from __future__ import annotations

import io

import pytest
from matplotlib import image
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session

from bot.offline.driver import FakeUser, OfflineBot, answers, texts
from bot.offline.fake_telegram import RecordedCall
from bot.outbound.report_charts import HEIGHT_PX, WIDTH_PX
from db.models import CouncilRole, Role
from db.reports import council_overview
from schedules.clock import ManualClock
from tests.factories import Factory
from tests.report_seed import Seeded, seed
from tests.task_factories import member_id


@pytest.fixture
def seeded(engine: Engine, factory: Factory) -> Seeded:
    return seed(engine, factory)


def sent(calls: list[RecordedCall], method: str) -> list[RecordedCall]:
    return [call for call in calls if call.ok and call.method == method]


def workbook_of(call: RecordedCall) -> dict[str, int]:
    """Tổng hợp's categories (label → count) of the workbook a sendDocument carried."""
    ((name, content),) = call.files.values()
    assert name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return {
        str(row[0]): int(row[1])
        for row in sheet.iter_rows(min_col=3, max_col=4, max_row=16, values_only=True)
        if isinstance(row[0], str) and isinstance(row[1], int)
    }


async def test_secretariat_gets_the_workbook_and_the_chart(
    bot: OfflineBot, factory: Factory, seeded: Seeded
) -> None:
    secretariat = factory.user(Role.SECRETARIAT, council=seeded.council)
    calls = await bot.send(secretariat, "/report quý IV năm 2023")
    progress = sent(calls, "sendMessage")
    assert [call.text for call in progress] == [
        "⏳ Đang lập báo cáo kỳ quý IV/2023 (01/10/2023 – 31/12/2023)…"
    ]
    (document,) = sent(calls, "sendDocument")
    assert document.chat_id == secretariat.id
    assert "Tổng số: 6. Hoàn thành đúng hạn 1, quá hạn 1" in document.text
    ((name, _),) = document.files.values()
    assert name == "bao-cao-DBSH-20231001-20231231.xlsx"
    counts = workbook_of(document)
    assert counts["Tổng số nhiệm vụ có thời hạn trong kỳ"] == 6
    assert counts["Chưa hoàn thành – quá hạn"] == 1
    (photo,) = sent(calls, "sendPhoto")
    ((_, png),) = photo.files.values()
    assert image.imread(io.BytesIO(png), format="png").shape[:2] == (HEIGHT_PX, WIDTH_PX)
    (edited,) = sent(calls, "editMessageText")
    assert edited.params["message_id"] == progress[0].message_id
    assert edited.text.startswith("✅ Đã lập báo cáo Hội đồng điều phối vùng Đồng bằng sông Hồng")
    order = [call.method for call in calls if call.method.startswith(("send", "edit"))]
    assert order == ["sendMessage", "sendDocument", "sendPhoto", "editMessageText"]


async def test_the_chair_may_and_a_member_or_focal_point_may_not(
    bot: OfflineBot, factory: Factory, seeded: Seeded
) -> None:
    chair = factory.user(Role.CHAIR, council=seeded.council, language="en")
    calls = await bot.send(chair, "/report Q4 2023")
    assert len(sent(calls, "sendDocument")) == 1
    assert workbook_of(sent(calls, "sendDocument")[0])["Tasks with a deadline in the period"] == 6
    for role in (Role.MEMBER, Role.FOCAL_POINT):
        user = factory.user(role, council=seeded.council)
        calls = await bot.send(user, "/report")
        assert not sent(calls, "sendDocument") and not sent(calls, "sendPhoto")
        assert texts(calls) and "⏳" not in texts(calls)[0]


async def test_another_councils_report_is_refused(
    bot: OfflineBot, factory: Factory, seeded: Seeded
) -> None:
    secretariat = factory.user(Role.SECRETARIAT, council=seeded.council)
    calls = await bot.send(secretariat, "/report DNB năm 2023")
    assert not sent(calls, "sendDocument")
    assert texts(calls) == ["Anh/chị không có quyền thực hiện thao tác này."]
    forged = await bot.send(secretariat, "/report năm 2023")
    assert len(sent(forged, "sendDocument")) == 1
    button = sent(forged, "sendMessage")[0]
    other = seeded.other.id
    calls = await bot.press(secretariat, button, f"rp:{other}:20230101:20231231:-")
    assert not sent(calls, "sendDocument")
    assert "Anh/chị không có quyền thực hiện thao tác này." in answers(calls)
    calls = await bot.press(secretariat, button, f"rpc:{other}")
    assert not sent(calls, "sendPhoto")


@pytest.mark.parametrize(
    "period",
    ["quý V năm 2023", "trước ngày 15/12", "từ 31/12/2023 đến 1/10/2023", "<b>x</b>", "9" * 20],
)
async def test_a_bad_period_gets_the_parsers_refusal(
    bot: OfflineBot, factory: Factory, seeded: Seeded, period: str
) -> None:
    secretariat = factory.user(Role.SECRETARIAT, council=seeded.council)
    calls = await bot.send(secretariat, f"/report {period}")
    assert not sent(calls, "sendDocument") and not sent(calls, "sendPhoto")
    (text,) = texts(calls)
    assert text.startswith("Không đọc được kỳ báo cáo “")
    assert "• quý IV năm 2023" in text and "<b>x</b>" not in text


async def test_a_member_of_two_councils_chooses_with_buttons(
    bot: OfflineBot, factory: Factory, seeded: Seeded, engine: Engine, clock: ManualClock
) -> None:
    secretariat = factory.user(Role.SECRETARIAT, council=seeded.council)
    with Session(engine) as session:
        session.add(
            CouncilRole(
                council_id=seeded.other.id or 0,
                member_id=member_id(engine, secretariat),
                role=Role.CHAIR,
                granted_at=clock.now(),
            )
        )
        session.commit()
    calls = await bot.send(secretariat, "/report BKHDT quý IV năm 2023")
    (choice,) = sent(calls, "sendMessage")
    assert choice.text == "Lập báo cáo cho Hội đồng nào?"
    buttons = dict(choice.buttons())
    data = buttons["Hội đồng điều phối vùng Đông Nam Bộ"]
    assert data == f"rp:{seeded.other.id}:20231001:20231231:a{seeded.mpi.id}"
    calls = await bot.press(secretariat, choice, data)
    (document,) = sent(calls, "sendDocument")
    assert "Hội đồng điều phối vùng Đông Nam Bộ" in document.text
    assert workbook_of(document)["Tổng số nhiệm vụ có thời hạn trong kỳ"] == 1
    assert len(sent(calls, "sendPhoto")) == 1


@pytest.mark.parametrize(
    "data",
    [
        "rp:1:20231399:20231231:-",
        "rp:1:20231231:20230101:-",
        "rp:1:20000101:20991231:-",
        "rp:99999999999999999999:20230101:20231231:-",
        "rp:1:20230101:20231231:x1",
        "rp:1",
        "rpc:abc",
        "rpc:1:2",
    ],
)
async def test_forged_buttons_are_stale(
    bot: OfflineBot, factory: Factory, seeded: Seeded, data: str
) -> None:
    secretariat = factory.user(Role.SECRETARIAT, council=seeded.council)
    calls = await bot.send(secretariat, "/status")
    calls = await bot.press(secretariat, sent(calls, "sendMessage")[0], data)
    assert not sent(calls, "sendDocument") and not sent(calls, "sendPhoto")
    assert answers(calls) == ["Nút này không còn hiệu lực. Vui lòng gửi lại lệnh."]


async def test_the_chart_button_of_the_status_overview(
    bot: OfflineBot, factory: Factory, seeded: Seeded, engine: Engine, clock: ManualClock
) -> None:
    member = factory.user(Role.MEMBER, council=seeded.council)
    calls = await bot.send(member, "/status")
    (overview,) = sent(calls, "sendMessage")
    assert ("📊 Biểu đồ", f"rpc:{seeded.council.id}") in overview.buttons()
    calls = await bot.press(member, overview, f"rpc:{seeded.council.id}")
    assert not sent(calls, "sendDocument")
    (photo,) = sent(calls, "sendPhoto")
    assert photo.text == "📊 Hội đồng điều phối vùng Đồng bằng sông Hồng — mọi thời hạn"
    (edited,) = sent(calls, "editMessageText")
    with Session(engine) as session:
        overview_counts = council_overview(
            session=session, council=seeded.council, now=clock.now(), due_soon_days=7
        )
    # The chart counts every task /status counts, with and without a deadline.
    assert f"{overview_counts.total - 1} nhiệm vụ có hạn trong kỳ, 1 nhiệm vụ" in edited.text


async def test_status_of_an_agency_starts_with_its_scorecard(
    bot: OfflineBot, factory: Factory, seeded: Seeded
) -> None:
    member = factory.user(Role.MEMBER, council=seeded.council)
    calls = await bot.send(member, "/status BKHDT")
    first = texts(calls)[0].splitlines()[0]
    # As lead, every deadline: done on time 15/10 and 1/8, late 31/10, overdue 10/11.
    assert first == (
        "📋 Chủ trì: 4 nhiệm vụ đến hạn · 2 hoàn thành đúng hạn · 1 trễ hạn · 1 đang quá hạn · "
        "tỷ lệ đúng hạn 50% · số ngày trễ (trung vị) 4"
    )
    calls = await bot.send(member, "/status BTC")
    assert texts(calls)[0].splitlines()[0].endswith("tỷ lệ đúng hạn — · số ngày trễ (trung vị) —")


async def test_unregistered_users_get_nothing(bot: OfflineBot, seeded: Seeded) -> None:
    stranger = FakeUser(77_777, "Người lạ")
    calls = await bot.send(stranger, "/report")
    assert not sent(calls, "sendDocument") and not sent(calls, "sendPhoto")


async def test_a_report_that_fails_does_not_leave_the_progress_line(
    bot: OfflineBot, factory: Factory, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    import handlers.reports

    def broken(**_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(handlers.reports, "files_for", broken)
    secretariat = factory.user(Role.SECRETARIAT, council=seeded.council)
    calls = await bot.send(secretariat, "/report")
    assert not sent(calls, "sendDocument") and not sent(calls, "sendPhoto")
    (edited,) = sent(calls, "editMessageText")
    assert edited.text == "❌ Không lập được báo cáo."
    assert len(sent(calls, "sendMessage")) == 2  # the progress line, then the apology
