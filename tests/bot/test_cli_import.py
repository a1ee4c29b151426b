"""``councilbot registry load`` and ``councilbot import``, and the demo that uses the examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.cli import main
from db.models import AuditLog, Meeting, Task
from tests.directives import LETTER_6411, REGISTRY, fingerprint


@pytest.fixture(autouse=True)
def cli_database(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI on this test's database, with no config file around."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COUNCILBOT_CONFIG", raising=False)
    monkeypatch.setenv("COUNCILBOT_DATABASE_URL", database_url)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_registry_then_letter_dry_run_then_import(
    capsys: pytest.CaptureFixture[str], engine: Engine
) -> None:
    code, out, _ = run(capsys, "registry", "load", str(REGISTRY), "--lang", "en")
    assert code == 0
    assert out.splitlines()[:2] == [
        "Councils: 6 added, 0 changed, 0 unchanged.",
        "Agencies: 14 added, 0 changed, 0 unchanged.",
    ]
    before = fingerprint(engine)
    code, out, _ = run(capsys, "import", str(LETTER_6411), "--dry-run", "--lang", "en")
    assert code == 0
    assert out.startswith("Preview — directive 6411/VPCP-KTTH of 19/08/2023 (nothing written yet)")
    assert "Tasks: 15 new, 0 changed, 0 unchanged" in out
    assert "Meetings: 12 new, 0 changed, 0 unchanged" in out
    assert "+ 2.a.7 — BKHDT — Q4 2023 (01/10/2023 – 31/12/2023)" in out
    assert fingerprint(engine) == before
    code, out, _ = run(capsys, "import", str(LETTER_6411))
    assert code == 0
    assert out.startswith("Đã nhập văn bản 6411/VPCP-KTTH ngày 19/08/2023")
    with Session(engine) as session:
        assert len(session.exec(select(Task)).all()) == 15
        assert len(session.exec(select(Meeting)).all()) == 12
        summary = session.exec(select(AuditLog).where(AuditLog.action == "directive.import")).one()
    assert summary.actor_label == "cli"
    code, out, _ = run(capsys, "import", str(LETTER_6411))
    assert (code, out.strip()) == (
        0,
        "Văn bản 6411/VPCP-KTTH: dữ liệu đã khớp với tệp, không có gì thay đổi.",
    )


def test_errors_are_listed_as_file_line_field_message_and_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, engine: Engine
) -> None:
    run(capsys, "registry", "load", str(REGISTRY))
    broken = tmp_path / "broken.toml"
    broken.write_text(
        'number = "1/X"\ndate = 2023-09-01\ntitle = "T"\ncouncils = ["DBSH"]\n\n'
        '[[tasks]]\nclause = "1"\nlead = "NOPE"\ntext = "Việc"\ndue = "tuần nào đó"\n',
        encoding="utf-8",
    )
    before = fingerprint(engine)
    code, out, err = run(capsys, "import", str(broken), "--lang", "en")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{broken}:8: tasks[1].lead: no agency has the code NOPE",
        f"{broken}:10: tasks[1].due: cannot read the deadline “tuần nào đó”. Write it as the "
        "directive does, e.g. “trong quý IV năm 2023”, “trước ngày 15/12/2023”; leave out due "
        "if there is no deadline",
    ]
    assert fingerprint(engine) == before


def test_a_missing_file_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "import", str(tmp_path / "absent.toml"))
    assert code == 1
    assert err.strip() == f"councilbot: {tmp_path / 'absent.toml'}: file not found"


def test_registry_errors_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "registry.toml"
    bad.write_text('[[councils]]\ncode = "DBSH"\nname_vi = "Hội đồng"\n', encoding="utf-8")
    code, _, err = run(capsys, "registry", "load", str(bad), "--lang", "en")
    assert code == 1
    assert err.strip() == f"{bad}:1: councils[1].name_en: required field missing"


def test_the_demo_imports_the_letter_and_onboards_a_focal_point(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Đã nhập văn bản 6411/VPCP-KTTH ngày 19/08/2023" in out
    assert "Nhiệm vụ: 15 thêm mới" in out and "Cuộc họp: 12 thêm mới" in out
    assert "https://t.me/councilbot_test_bot?start=" in out
    assert "Chào mừng Minh Trần Văn! Anh/chị đã tham gia" in out
    assert "Lời mời này đã được sử dụng" in out
    assert "Minh Trần Văn — Đầu mối BKHDT — nhắn riêng được" in out
    assert "Lịch sử nhiệm vụ #7 2.a.7" in out
    # The agency's progress by reply, the council's status, a notice and its delivery report.
    assert (
        "Đã ghi nhận cập nhật cho nhiệm vụ #7. Tình trạng: Đang thực hiện – trong hạn, 50%." in out
    )
    assert "Tình hình thực hiện 15 nhiệm vụ" in out and "• Quá hạn: 1 (7%)" in out
    assert "Thông báo #1 (DBSH): đã gửi 1/1, lỗi 0" in out
