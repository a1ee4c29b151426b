"""The registry file: councils and agencies by code, idempotent, audited, all-or-nothing."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db.engine import session_scope
from db.imports import Status
from db.models import Agency, AgencyKind, AuditLog, Council
from db.registry_file import RegistryOutcome, load_registry
from schedules.clock import ManualClock
from tests.directives import REGISTRY, fingerprint


def load(
    engine: Engine, clock: ManualClock, source: str, *, dry_run: bool = False
) -> RegistryOutcome:
    with session_scope(engine) as session:
        return load_registry(session=session, source=source, now=clock.now(), dry_run=dry_run)


def test_the_shipped_registry_has_the_six_councils_and_the_letters_agencies(
    engine: Engine, clock: ManualClock
) -> None:
    outcome = load(engine, clock, REGISTRY.read_text(encoding="utf-8"))
    assert outcome.issues == ()
    with Session(engine) as session:
        councils = {c.code: c for c in session.exec(select(Council))}
        agencies = {a.code: a for a in session.exec(select(Agency))}
    assert set(councils) == {"TDMNPB", "DBSH", "BTB-DHMT", "TN", "DNB", "DBSCL"}
    assert councils["DBSCL"].name_vi == "Hội đồng điều phối vùng Đồng bằng sông Cửu Long"
    assert councils["DBSCL"].name_en == "Mekong Delta Regional Coordination Council"
    # Every agency letter 6411/VPCP-KTTH names, by its correct name.
    letter = {
        "VPCP": "Văn phòng Chính phủ",
        "BKHDT": "Bộ Kế hoạch và Đầu tư",
        "BTC": "Bộ Tài chính",
        "BCT": "Bộ Công Thương",
        "BTTTT": "Bộ Thông tin và Truyền thông",
        "BKHCN": "Bộ Khoa học và Công nghệ",
        "BNV": "Bộ Nội vụ",
        "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
        "BYT": "Bộ Y tế",
    }
    assert {code: agencies[code].name_vi for code in letter} == letter
    assert all(agencies[code].kind == AgencyKind.MINISTRY for code in letter)
    assert agencies["UBND-BDG"].kind == AgencyKind.PROVINCE
    assert agencies["CACBO"].kind == AgencyKind.OTHER


def test_loading_again_changes_nothing(engine: Engine, clock: ManualClock) -> None:
    source = REGISTRY.read_text(encoding="utf-8")
    load(engine, clock, source)
    before = fingerprint(engine)
    outcome = load(engine, clock, source)
    assert {item.status for item in outcome.items} == {Status.UNCHANGED}
    assert fingerprint(engine) == before


def test_an_edited_name_updates_that_record_only_and_is_audited(
    engine: Engine, clock: ManualClock
) -> None:
    source = REGISTRY.read_text(encoding="utf-8")
    load(engine, clock, source)
    renamed = source.replace('"Bộ Kế hoạch và Đầu tư"', '"Bộ Tài chính và Kế hoạch"')
    outcome = load(engine, clock, renamed)
    changed = [item for item in outcome.items if item.status == Status.CHANGED]
    assert [(item.code, item.changes[0].field) for item in changed] == [("BKHDT", "name_vi")]
    assert changed[0].changes[0].before == "Bộ Kế hoạch và Đầu tư"
    with Session(engine) as session:
        edit = session.exec(select(AuditLog).where(AuditLog.action == "agency.edit")).one()
        creations = session.exec(
            select(AuditLog).where(col(AuditLog.action).in_(["agency.create", "council.create"]))
        ).all()
    assert edit.actor_label == "cli"
    assert edit.before is not None and edit.before["name_vi"] == "Bộ Kế hoạch và Đầu tư"
    assert edit.after is not None and edit.after["name_vi"] == "Bộ Tài chính và Kế hoạch"
    assert len(creations) == 6 + 14


def test_a_dry_run_writes_nothing(engine: Engine, clock: ManualClock) -> None:
    before = fingerprint(engine)
    outcome = load(engine, clock, REGISTRY.read_text(encoding="utf-8"), dry_run=True)
    assert outcome.count("council", Status.ADDED) == 6
    assert fingerprint(engine) == before


def test_every_problem_is_reported_and_nothing_is_written(
    engine: Engine, clock: ManualClock
) -> None:
    source = (
        '[[councils]]\ncode = "dbsh"\nname_vi = "Hội đồng"\nname_en = "Council"\n'
        'timezone = "Mars/Base"\n'
        '[[councils]]\ncode = "DBSH"\nname_vi = "x"\nname_en = "y"\n'
        '[[agencies]]\ncode = "BỘ TC"\nname_vi = "Bộ"\nname_en = "M"\nkind = "bureau"\n'
        '[[agencies]]\ncode = "BTC"\nname_en = "Finance"\nnickname = "MoF"\n'
    )
    before = fingerprint(engine)
    outcome = load(engine, clock, source)
    assert [(issue.line, issue.field, issue.key) for issue in outcome.issues] == [
        (5, "councils[1].timezone", "reg_err_timezone"),
        (7, "councils[2].code", "file_err_duplicate"),
        (11, "agencies[1].code", "reg_err_code_format"),
        (14, "agencies[1].kind", "reg_err_kind"),
        (15, "agencies[2].name_vi", "file_err_required"),
        (18, "agencies[2].nickname", "file_err_unknown_key"),
    ]
    assert fingerprint(engine) == before
