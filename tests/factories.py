"""Records for tests, written straight to the database (the registry commands are tested
separately; here we only need someone to talk to the bot)."""

from __future__ import annotations

import itertools

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.offline.driver import FakeUser
from db.models import Agency, AgencyKind, Council, CouncilRole, Member, Role
from schedules.clock import Clock

_user_ids = itertools.count(10_000)


class Factory:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def council(self, code: str = "DBSH", name: str = "Đồng bằng sông Hồng") -> Council:
        with Session(self.engine, expire_on_commit=False) as session:
            existing = session.exec(select(Council).where(Council.code == code)).first()
            if existing:
                return existing
            council = Council(
                code=code,
                name_vi=f"Hội đồng điều phối vùng {name}",
                name_en=f"{code} Coordination Council",
                created_at=self.clock.now(),
            )
            session.add(council)
            session.commit()
            return council

    def agency(self, code: str = "BKHDT", name: str = "Bộ Kế hoạch và Đầu tư") -> Agency:
        with Session(self.engine, expire_on_commit=False) as session:
            existing = session.exec(select(Agency).where(Agency.code == code)).first()
            if existing:
                return existing
            agency = Agency(code=code, name_vi=name, name_en=code, kind=AgencyKind.MINISTRY)
            session.add(agency)
            session.commit()
            return agency

    def user(
        self,
        role: Role | None = Role.MEMBER,
        *,
        council: Council | None = None,
        agency: Agency | None = None,
        language: str = "vi",
        name: str | None = None,
    ) -> FakeUser:
        """A Telegram user; registered with ``role`` in ``council`` unless ``role`` is None."""
        user_id = next(_user_ids)
        user = FakeUser(user_id, name or f"Người dùng {user_id}", language_code=language)
        if role is None:
            return user
        council = council or self.council()
        if role == Role.FOCAL_POINT and agency is None:
            agency = self.agency()
        with Session(self.engine) as session:
            member = Member(
                telegram_user_id=user_id,
                full_name=user.full_name,
                language=language,
                created_at=self.clock.now(),
            )
            session.add(member)
            session.flush()
            assert member.id is not None and council.id is not None
            session.add(
                CouncilRole(
                    council_id=council.id,
                    member_id=member.id,
                    role=role,
                    agency_id=agency.id if agency else None,
                    granted_at=self.clock.now(),
                )
            )
            session.commit()
        return user
