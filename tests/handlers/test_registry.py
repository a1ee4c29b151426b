"""Invitations, /start <code>, /members, /revoke, /councils and /agencies through the real bot."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.catalogue import t
from bot.offline.driver import FakeUser, OfflineBot, answers, texts
from bot.offline.fake_telegram import RecordedCall
from db.models import AuditLog, CouncilRole, Invitation, Member, Role
from schedules.clock import ManualClock
from tests.conftest import ADMIN_ID
from tests.directives import fingerprint
from tests.factories import Factory

LINK = re.compile(r"https://t\.me/councilbot_test_bot\?start=([A-Za-z0-9_-]+)")
FORBIDDEN = t("vi", "forbidden")


def code_of(calls: list[RecordedCall]) -> str:
    match = LINK.search(texts(calls)[0])
    assert match, texts(calls)
    return match.group(1)


def roles_of(engine: Engine, user: FakeUser) -> list[tuple[str, str, int | None]]:
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.telegram_user_id == user.id)).first()
        if member is None:
            return []
        rows = session.exec(select(CouncilRole).where(CouncilRole.member_id == member.id)).all()
    return sorted((str(row.council_id), row.role, row.agency_id) for row in rows)


def card(calls: list[RecordedCall]) -> RecordedCall:
    return next(call for call in calls if call.buttons())


# --- /invite and /start <code> --------------------------------------------------------------------


async def test_an_invitation_link_makes_a_focal_point(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    council = factory.council("DBSH")
    agency = factory.agency("BKHDT")
    secretariat = factory.user(Role.SECRETARIAT, council=council)
    calls = await bot.send(secretariat, "/invite DBSH dau-moi BKHDT")
    (text,) = texts(calls)
    assert (
        "Đã tạo lời mời: <b>Đầu mối BKHDT</b> — Hội đồng điều phối vùng Đồng bằng sông Hồng" in text
    )
    assert "hết hạn 09:00 27/11/2023" in text
    code = code_of(calls)
    newcomer = FakeUser(31, "Trần Văn Minh", username="minh_bkhdt")
    (welcome,) = texts(await bot.send(newcomer, f"/start {code}"))
    assert welcome.startswith("Chào mừng Trần Văn Minh! Anh/chị đã tham gia")
    assert "<b>Đầu mối BKHDT</b>" in welcome
    assert roles_of(engine, newcomer) == [(str(council.id), Role.FOCAL_POINT, agency.id)]
    assert "Đầu mối BKHDT" in texts(await bot.send(newcomer, "/help"))[0]


async def test_invitation_codes_are_unguessable_and_fit_a_start_parameter(
    bot: OfflineBot, factory: Factory
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    codes = {code_of(await bot.send(secretariat, "/invite thanh-vien")) for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        # secrets.token_urlsafe(12): 96 random bits in 16 characters of [A-Za-z0-9_-].
        assert re.fullmatch(r"[A-Za-z0-9_-]{16}", code)


async def test_an_invitation_works_only_once(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    code = code_of(await bot.send(secretariat, "/invite DBSH thanh-vien"))
    first, second = FakeUser(32, "Người thứ nhất"), FakeUser(33, "Người thứ hai")
    await bot.send(first, f"/start {code}")
    before = fingerprint(engine)
    assert texts(await bot.send(second, f"/start {code}")) == [t("vi", "inv_used")]
    assert texts(await bot.send(first, f"/start {code}")) == [t("vi", "inv_used")]
    assert fingerprint(engine) == before
    assert roles_of(engine, second) == []


async def test_an_expired_invitation_is_refused(
    bot: OfflineBot, factory: Factory, engine: Engine, clock: ManualClock
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    code = code_of(await bot.send(secretariat, "/invite DBSH chu-tich"))
    clock.advance(timedelta(days=7))
    before = fingerprint(engine)
    late = FakeUser(34, "Đến muộn", language_code="en")
    assert texts(await bot.send(late, f"/start {code}")) == [t("en", "inv_expired")]
    assert fingerprint(engine) == before


async def test_a_forged_or_unknown_code_is_refused(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    real = code_of(await bot.send(secretariat, "/invite DBSH thanh-vien"))
    before = fingerprint(engine)
    stranger = FakeUser(35, "Khách")
    for forged in (real[:-1] + ("A" if real[-1] != "A" else "B"), "x" * 64, "' OR 1=1 --"):
        calls = await bot.send(stranger, f"/start {forged}")
        assert texts(calls) == [t("vi", "inv_unknown")]
    assert fingerprint(engine) == before


async def test_a_registered_member_gains_another_role_with_an_invitation(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    dbsh, tn = factory.council("DBSH"), factory.council("TN", "Tây Nguyên")
    member = factory.user(Role.MEMBER, council=dbsh)
    admin = FakeUser(ADMIN_ID, "Quản trị")
    code = code_of(await bot.send(admin, "/invite TN thu-ky"))
    await bot.send(member, f"/start {code}")
    assert roles_of(engine, member) == sorted(
        [(str(dbsh.id), Role.MEMBER, None), (str(tn.id), Role.SECRETARIAT, None)]
    )


async def test_an_invitation_to_a_role_already_held_is_not_used_up(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    member = factory.user(Role.MEMBER)
    code = code_of(await bot.send(FakeUser(ADMIN_ID, "Quản trị"), "/invite DBSH member"))
    assert texts(await bot.send(member, f"/start {code}")) == [t("vi", "inv_already_have")]
    with Session(engine) as session:
        assert session.exec(select(Invitation)).one().used_at is None


async def test_invitation_days_come_from_the_settings(
    factory: Factory, engine: Engine, clock: ManualClock, settings: object
) -> None:
    from dataclasses import replace

    from bot.application import build_application
    from bot.offline.fake_telegram import FakeTelegram
    from bot.settings import Settings

    assert isinstance(settings, Settings)
    short = replace(settings, access=replace(settings.access, invitation_days=2))
    transport = FakeTelegram(clock=clock)
    application = build_application(short, request=transport, clock=clock, engine=engine)
    async with OfflineBot(application, transport, clock) as bot:
        calls = await bot.send(factory.user(Role.SECRETARIAT), "/invite member")
    assert "hết hạn 09:00 22/11/2023" in texts(calls)[0]
    with Session(engine) as session:
        invitation = session.exec(select(Invitation)).one()
    assert invitation.expires_at - invitation.created_at == timedelta(days=2)


@pytest.mark.parametrize(
    ("command", "answer_key"),
    [
        ("/invite", "inv_usage"),
        ("/invite DBSH giam-doc", "inv_usage"),
        ("/invite DBSH member BKHDT extra", "inv_usage"),
        ("/invite DBSH dau-moi", "inv_agency_needed"),
        ("/invite DBSH thanh-vien BKHDT", "inv_agency_only_focal"),
    ],
)
async def test_invite_explains_its_usage(
    bot: OfflineBot, factory: Factory, engine: Engine, command: str, answer_key: str
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    before = fingerprint(engine)
    assert texts(await bot.send(secretariat, command)) == [t("vi", answer_key)]
    assert fingerprint(engine) == before


async def test_invite_names_unknown_councils_and_agencies(
    bot: OfflineBot, factory: Factory
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    assert texts(await bot.send(secretariat, "/invite XYZ thanh-vien")) == [
        t("vi", "reg_council_unknown", code="XYZ")
    ]
    assert texts(await bot.send(secretariat, "/invite dau-moi BXYZ")) == [
        t("vi", "reg_agency_unknown", code="BXYZ")
    ]


async def test_role_words_are_read_in_both_languages_and_with_diacritics(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    factory.agency("BKHDT")
    for word in ("chair", "Chủ-tịch", "focal BKHDT", "dau_moi BKHDT", "SECRETARIAT"):
        code_of(await bot.send(secretariat, f"/invite {word}"))
    with Session(engine) as session:
        roles = [row.role for row in session.exec(select(Invitation).order_by(col(Invitation.id)))]
    assert roles == [Role.CHAIR, Role.CHAIR, Role.FOCAL_POINT, Role.FOCAL_POINT, Role.SECRETARIAT]


async def test_the_council_must_be_named_when_the_secretariat_runs_several(
    bot: OfflineBot, factory: Factory
) -> None:
    factory.council("DBSH")
    factory.council("TN", "Tây Nguyên")
    admin = FakeUser(ADMIN_ID, "Quản trị")
    assert texts(await bot.send(admin, "/invite thanh-vien")) == [
        t("vi", "reg_council_needed", codes="DBSH, TN")
    ]


async def test_a_secretariat_cannot_invite_to_another_council(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    factory.council("TN", "Tây Nguyên")
    secretariat = factory.user(Role.SECRETARIAT, council=factory.council("DBSH"))
    before = fingerprint(engine)
    assert texts(await bot.send(secretariat, "/invite TN thanh-vien")) == [FORBIDDEN]
    assert fingerprint(engine) == before


async def test_invitations_and_their_use_are_audited(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    secretariat = factory.user(Role.SECRETARIAT, name="Nguyễn Thị Lan")
    factory.agency("BKHDT")
    code = code_of(await bot.send(secretariat, "/invite DBSH dau-moi BKHDT"))
    await bot.send(FakeUser(36, "Trần Văn Minh"), f"/start {code}")
    with Session(engine) as session:
        rows = session.exec(select(AuditLog).order_by(col(AuditLog.id))).all()
        invitation = session.exec(select(Invitation)).one()
        minh = session.exec(select(Member).where(Member.telegram_user_id == 36)).one()
    assert [row.action for row in rows] == ["invitation.create", "invitation.use", "role.grant"]
    created, used, granted = rows
    assert created.actor_label == "Nguyễn Thị Lan"
    assert created.after == {
        "council": "DBSH",
        "role": "focal_point",
        "agency": "BKHDT",
        "expires_at": "2023-11-27T02:00:00+00:00",
    }
    assert code not in str(created.after)  # the link is a secret; the audit trail is not
    assert used.entity_id == invitation.id and used.actor_id == minh.id
    assert used.before == {"used_at": None, "used_by": None}
    assert granted.entity == "council_role" and granted.before is None
    assert granted.after is not None and granted.after["role"] == "focal_point"
    assert granted.after["granted_by"] == invitation.created_by


# --- /members -------------------------------------------------------------------------------------


async def test_members_lists_roles_agencies_and_private_reach(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    council = factory.council("DBSH")
    secretariat = factory.user(Role.SECRETARIAT, council=council, name="Lan")
    focal = factory.user(Role.FOCAL_POINT, council=council, name="Minh")
    silent = factory.user(Role.CHAIR, council=council, name="Hùng")
    await bot.send(focal, "/help")  # opens the private chat
    with Session(engine) as session:
        blocked = session.exec(select(Member).where(Member.telegram_user_id == silent.id)).one()
        blocked.private_chat_ok = False
        session.add(blocked)
        session.commit()
    (text,) = texts(await bot.send(secretariat, "/members"))
    assert text.startswith("<b>Hội đồng điều phối vùng Đồng bằng sông Hồng</b> (DBSH) — 3 vai trò")
    assert "Hùng — Chủ tịch — không nhắn riêng được (đã chặn bot)" in text
    assert "Minh — Đầu mối BKHDT — nhắn riêng được" in text
    assert "Lan — Thư ký (Văn phòng) — nhắn riêng được" in text
    assert re.search(r"#\d+ Minh", text)


async def test_members_of_another_council_are_not_shown(bot: OfflineBot, factory: Factory) -> None:
    factory.council("TN", "Tây Nguyên")
    secretariat = factory.user(Role.SECRETARIAT, council=factory.council("DBSH"))
    assert texts(await bot.send(secretariat, "/members TN")) == [FORBIDDEN]
    assert texts(await bot.send(secretariat, "/members DBSH TN")) == [t("vi", "mem_usage")]


# --- /revoke --------------------------------------------------------------------------------------


async def test_revoke_asks_for_confirmation_then_removes_the_role(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    focal = factory.user(Role.FOCAL_POINT, name="Minh", language="en")
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.telegram_user_id == focal.id)).one()
    before = fingerprint(engine)
    calls = await bot.send(secretariat, f"/revoke #{member.id}")
    assert texts(calls) == ["Thu hồi vai trò <b>Đầu mối BKHDT</b> của Minh trong Hội đồng DBSH?"]
    question = card(calls)
    (confirm, cancel) = question.buttons()
    assert (confirm[0], cancel[0]) == ("Thu hồi", "Hủy")
    assert fingerprint(engine) == before  # asking changes nothing
    calls = await bot.press(secretariat, question, confirm[1])
    assert texts(calls) == ["Đã thu hồi vai trò Đầu mối BKHDT của Minh trong Hội đồng DBSH."]
    assert roles_of(engine, focal) == []
    assert "not registered" in texts(await bot.send(focal, "/help"))[0]
    with Session(engine) as session:
        audit = session.exec(select(AuditLog).where(AuditLog.action == "role.revoke")).one()
    assert audit.before is not None and audit.before["role"] == "focal_point"
    assert audit.after is None


async def test_revoke_offers_a_choice_when_the_member_has_several_roles(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    council = factory.council("DBSH")
    member = factory.user(Role.MEMBER, council=council, name="An", language="vi")
    code = code_of(await bot.send(FakeUser(ADMIN_ID, "Quản trị"), "/invite DBSH chu-tich"))
    await bot.send(member, f"/start {code}")
    calls = await bot.send(FakeUser(ADMIN_ID, "Quản trị"), f"/revoke {member.id}")
    assert texts(calls) == ["An có nhiều vai trò. Chọn vai trò cần thu hồi:"]
    choice = card(calls)
    labels = [label for label, _ in choice.buttons()]
    assert labels == ["Chủ tịch — DBSH", "Thành viên — DBSH", "Hủy"]
    chair_data = choice.buttons()[0][1]
    calls = await bot.press(FakeUser(ADMIN_ID, "Quản trị"), choice, chair_data)
    confirmation = card(calls)
    assert confirmation.text == "Thu hồi vai trò <b>Chủ tịch</b> của An trong Hội đồng DBSH?"
    await bot.press(FakeUser(ADMIN_ID, "Quản trị"), confirmation, confirmation.buttons()[0][1])
    assert [role for _, role, _ in roles_of(engine, member)] == [Role.MEMBER]


async def test_revoke_can_be_cancelled(bot: OfflineBot, factory: Factory, engine: Engine) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    member = factory.user(Role.MEMBER, name="Bình")
    question = card(await bot.send(secretariat, f"/revoke {member.id}"))
    before = fingerprint(engine)
    calls = await bot.press(secretariat, question, question.buttons()[1][1])
    assert texts(calls) == [t("vi", "rvk_cancelled")]
    assert fingerprint(engine) == before


async def test_revoke_finds_members_by_username(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    code = code_of(await bot.send(factory.user(Role.SECRETARIAT), "/invite member"))
    await bot.send(FakeUser(37, "Chi", username="Chi_VP"), f"/start {code}")
    calls = await bot.send(factory.user(Role.SECRETARIAT), "/revoke @chi_vp")
    assert texts(calls) == ["Thu hồi vai trò <b>Thành viên</b> của Chi trong Hội đồng DBSH?"]
    assert texts(await bot.send(factory.user(Role.SECRETARIAT), "/revoke @chi_v_")) == [
        t("vi", "rvk_member_unknown", member="@chi_v_")
    ]


async def test_a_role_in_another_council_cannot_be_revoked(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    tn = factory.council("TN", "Tây Nguyên")
    other = factory.user(Role.MEMBER, council=tn, name="Dũng")
    secretariat = factory.user(Role.SECRETARIAT, council=factory.council("DBSH"))
    before = fingerprint(engine)
    # Answered as an unknown member: the name of another council's member is not revealed.
    for reference in (str(other.id), f"#{member_id_of(engine, other)}"):
        said = texts(await bot.send(secretariat, f"/revoke {reference}"))
        assert said == [t("vi", "rvk_member_unknown", member=reference)]
        assert "Dũng" not in said[0]
    # The button of TN's own secretariat, pressed by DBSH's, is refused the same way.
    with Session(engine) as session:
        role = session.exec(select(CouncilRole).where(CouncilRole.council_id == tn.id)).one()
    carrier = (await bot.send(secretariat, "/help"))[0]
    calls = await bot.press(secretariat, carrier, f"rvk:{role.id}:ok")
    assert answers(calls) == [FORBIDDEN]
    assert fingerprint(engine) == before


async def test_a_stale_revoke_button_is_refused(
    bot: OfflineBot, factory: Factory, engine: Engine
) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    member = factory.user(Role.MEMBER)
    question = card(await bot.send(secretariat, f"/revoke {member.id}"))
    await bot.press(secretariat, question, question.buttons()[0][1])
    before = fingerprint(engine)
    calls = await bot.press(secretariat, question, question.buttons()[0][1])
    assert answers(calls) == [t("vi", "rvk_role_gone")]
    for forged in ("rvk:abc:ok", "rvk:1:maybe", "rvk"):
        assert answers(await bot.press(secretariat, question, forged)) == [t("vi", "stale_button")]
    assert fingerprint(engine) == before


async def test_revoke_explains_its_usage(bot: OfflineBot, factory: Factory) -> None:
    secretariat = factory.user(Role.SECRETARIAT)
    assert texts(await bot.send(secretariat, "/revoke")) == [t("vi", "rvk_usage")]
    assert texts(await bot.send(secretariat, "/revoke #999")) == [
        t("vi", "rvk_member_unknown", member="#999")
    ]


# --- /councils and /agencies ----------------------------------------------------------------------


async def test_councils_and_agencies_are_listed_with_their_codes(
    bot: OfflineBot, factory: Factory
) -> None:
    member = factory.user(Role.MEMBER, language="en")
    factory.agency("BTC", "Bộ Tài chính")
    assert texts(await bot.send(member, "/councils")) == [
        "<b>Councils</b>\nDBSH — DBSH Coordination Council"
    ]
    assert texts(await bot.send(member, "/agencies")) == ["<b>Agencies</b>\nBTC — BTC"]


def member_id_of(engine: Engine, user: FakeUser) -> int:
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.telegram_user_id == user.id)).one()
        assert member.id is not None
        return member.id
