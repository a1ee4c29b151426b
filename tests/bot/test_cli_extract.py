"""``councilbot extract`` and ``councilbot import`` of letters and sheets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.cli import main
from db.intake.spreadsheet import read_xlsx, write_xlsx
from db.models import AuditLog, Meeting, Task
from tests.directives import REGISTRY, fingerprint
from tests.intake_helpers import CORPUS, LETTER_6411_TEXT, docx_bytes, example_registry


@pytest.fixture(autouse=True)
def cli_database(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COUNCILBOT_CONFIG", raising=False)
    monkeypatch.setenv("COUNCILBOT_DATABASE_URL", database_url)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_extract_prints_the_documented_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "registry", "load", str(REGISTRY))[0] == 0
    code, out, _ = run(capsys, "extract", str(LETTER_6411_TEXT), "--json")
    assert code == 0
    data = json.loads(out)
    assert {k: data[k] for k in ("number", "date", "issuer")} == {
        "number": "6411/VPCP-KTTH",
        "date": "2023-08-19",
        "issuer": "Văn phòng Chính phủ",
    }
    assert len(data["tasks"]) == 15 and len(data["meetings"]) == 2
    task = data["tasks"][6]
    assert {
        k: task[k] for k in ("clause", "lead_code", "co", "co_codes", "due", "due_start", "due_end")
    } == {
        "clause": "2.a.7",
        "lead_code": "BKHDT",
        "co": ["Bộ Tài chính"],
        "co_codes": ["BTC"],
        "due": "trong quý IV năm 2023",
        "due_start": "2023-10-01",
        "due_end": "2023-12-31",
    }
    assert data["tasks"][0]["due"] is None and data["tasks"][0]["due_end"] is None
    assert data["meetings"][1]["when_end"] == "2023-12-10"
    assert data["warnings"] == []


def test_extract_human_output_and_an_unreadable_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(capsys, "registry", "load", str(REGISTRY))[0] == 0
    letter = tmp_path / "6411.docx"
    letter.write_bytes(docx_bytes(LETTER_6411_TEXT.read_text(encoding="utf-8")))
    code, out, _ = run(capsys, "extract", str(letter), "--lang", "en")
    assert code == 0
    assert "2.a.3 · BKHDT · CACBO · trong quý III năm 2023 (read as Q3 2023" in out
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    code, out, err = run(capsys, "extract", str(broken), "--lang", "en")
    assert (code, out) == (1, "")
    assert "The Word file is damaged" in err and "Traceback" not in err


def test_import_a_word_letter_then_its_sheet_through_the_one_service(
    capsys: pytest.CaptureFixture[str], engine: Engine, tmp_path: Path
) -> None:
    assert run(capsys, "registry", "load", str(REGISTRY))[0] == 0
    letter = tmp_path / "6411.docx"
    letter.write_bytes(docx_bytes(LETTER_6411_TEXT.read_text(encoding="utf-8")))
    before = fingerprint(engine)
    code, out, _ = run(capsys, "import", str(letter), "--dry-run", "--lang", "en")
    assert code == 0 and "Tasks: 15 new, 0 changed, 0 unchanged" in out
    assert fingerprint(engine) == before
    code, out, _ = run(capsys, "import", str(letter), "--lang", "en")
    assert code == 0 and "Meetings: 12 new" in out
    with Session(engine) as session:
        assert len(session.exec(select(Task)).all()) == 15
        assert len(session.exec(select(Meeting)).all()) == 12
        assert session.exec(select(AuditLog).where(AuditLog.action == "directive.import")).one()
    # Again: the same keys (number + clause), nothing changes.
    code, out, _ = run(capsys, "import", str(letter), "--lang", "en")
    assert code == 0 and "nothing changes" in out
    # The preview's sheet, corrected in Excel: one deadline added, one co-operating agency.
    from db.intake import read_letter
    from db.intake.text import letter_text
    from tests.intake_helpers import NOW

    proposal = read_letter(
        letter_text(letter.read_bytes(), letter.name),
        registry=example_registry(),
        tz="Asia/Ho_Chi_Minh",
        now=NOW,
    )
    proposal.tasks[0].due = "trước ngày 30/9/2023"
    proposal.tasks[9].co, proposal.tasks[9].co_codes = ["Bộ Tài chính"], ["BTC"]
    sheet = tmp_path / "6411.xlsx"
    sheet.write_bytes(write_xlsx(proposal))
    back, rows, issues = read_xlsx(sheet.read_bytes(), matcher=example_registry().matcher)
    assert issues == [] and back is not None and rows[0] == 8
    code, out, _ = run(capsys, "import", str(sheet), "--lang", "en")
    assert code == 0
    assert "Tasks: 0 new, 2 changed, 13 unchanged" in out


def test_a_sheet_with_mistakes_is_refused_with_its_rows(
    capsys: pytest.CaptureFixture[str], engine: Engine, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    assert run(capsys, "registry", "load", str(REGISTRY))[0] == 0
    book = Workbook()
    sheet = book.active
    sheet.title = "Nhiệm vụ"
    for row in (
        ["Số", "1/TEST"],
        ["Ngày", "2023-08-19"],
        ["Cơ quan ban hành", ""],
        ["Trích yếu", "Thử"],
        ["Hội đồng", "DBSH"],
        [],
        ["Mục", "Nội dung", "Chủ trì", "Phối hợp", "Thời hạn"],
        ["1", "Báo cáo", "Bộ Không Có", "", "trong quý IV năm 2023"],
        ["2", "Đề xuất", "BTC", "", "khi nào rảnh"],
    ):
        sheet.append(row)
    path = tmp_path / "bad.xlsx"
    book.save(path)
    before = fingerprint(engine)
    code, _, err = run(capsys, "import", str(path), "--lang", "en")
    assert code == 1
    assert f"{path}:8: Chủ trì: clause 1: “Bộ Không Có” is not in the agency registry" in err
    assert f"{path}:9: Thời hạn:" in err
    assert fingerprint(engine) == before


def test_extract_json_and_a_dry_run_show_a_letters_schedules(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    from datetime import UTC, datetime

    from schedules.clock import SystemClock

    monkeypatch.setattr(SystemClock, "now", lambda self: datetime(2023, 11, 20, 2, tzinfo=UTC))
    assert run(capsys, "registry", "load", str(REGISTRY))[0] == 0
    letter = CORPUS / "vpcp-chedo-baocao-2023-mau.txt"
    code, out, _ = run(capsys, "extract", str(letter), "--json", "--lang", "en")
    assert code == 0
    tasks = {task["clause"]: task for task in json.loads(out)["tasks"]}
    assert {
        key: tasks["1"][key]
        for key in ("due", "due_end", "schedule", "schedule_read", "next_deadlines")
    } == {
        "due": "hằng quý, trước ngày 20 của tháng cuối quý",
        "due_end": None,
        "schedule": {"period": "quarter", "day": 20, "month": 3},
        "schedule_read": "quarterly, by the 20th of the last month of the quarter",
        "next_deadlines": ["2023-12-20", "2024-03-20", "2024-06-20"],
    }
    assert tasks["4"]["schedule"] is None and tasks["4"]["next_deadlines"] == []
    assert tasks["5"]["schedule"] is None and tasks["5"]["due_end"] == "2024-03-31"
    # `import --dry-run` of the letter previews the schedules as the import report shows them.
    before = fingerprint(engine)
    code, out, err = run(capsys, "import", str(letter), "--dry-run", "--councils", "DBSH")
    assert code == 0, err
    assert "hằng quý, trước ngày 20 của tháng cuối quý; các kỳ tới: 20/12/2023, 20/03/2024" in out
    assert fingerprint(engine) == before


def test_extract_and_dry_run_show_a_recurring_meeting_as_a_duty(
    capsys: pytest.CaptureFixture[str], engine: Engine
) -> None:
    assert run(capsys, "registry", "load", str(REGISTRY))[0] == 0
    letter = CORPUS / "vpcp-chedo-hop-2023-mau.txt"
    code, out, _ = run(capsys, "extract", str(letter), "--json")
    assert code == 0
    document = json.loads(out)
    tasks = {task["clause"]: task for task in document["tasks"]}
    meeting = tasks["2"]
    assert meeting["text"].startswith("Cuộc họp định kỳ của Hội đồng: ")
    assert (meeting["lead_code"], meeting["due"]) == ("BKHDT", "định kỳ 6 tháng")
    assert meeting["schedule"] == {"period": "half"}
    assert len(meeting["next_deadlines"]) == 3 and meeting["due_end"] is None
    assert tasks["5"]["schedule"] == {"period": "half_and_year", "day": 15, "month": 6}
    assert [m["clause"] for m in document["meetings"]] == ["7"]
    assert [(w["kind"], w["clause"]) for w in document["warnings"]] == [
        ("recurring_no_period", "4")
    ]
    before = fingerprint(engine)
    code, out, _ = run(capsys, "import", str(letter), "--dry-run", "--councils", "DBSH")
    assert code == 0, out
    assert "định kỳ 6 tháng, hạn là ngày cuối kỳ; các kỳ tới: " in out
    assert fingerprint(engine) == before


def test_extract_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    """`councilbot extract … | head`: the reader leaves early; no traceback on stderr."""
    letter = (CORPUS / "6411-VPCP-KTTH-2023.txt").read_text(encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text(letter * 40, encoding="utf-8")
    run = "import sys; from bot.cli import main; sys.exit(main())"
    process = subprocess.Popen(
        [sys.executable, "-c", run, "extract", "--json", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(10)
    process.stdout.close()
    errors = process.stderr.read().decode()
    process.stderr.close()
    process.wait(timeout=120)
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
