"""The proposal as an .xlsx sheet, and back: a secretariat corrects it in Excel and resends it.

Sheet "Nhiệm vụ": the letter's frame at the top (Số, Ngày, Cơ quan ban hành, Trích yếu, Hội
đồng), then a header row (Mục, Nội dung, Chủ trì, Phối hợp, Thời hạn) and one row per task.
Sheet "Cuộc họp": Mục, Tên cuộc họp, Thời gian, Nội dung họp. Agencies are written as codes or
names (matched like a letter's); several co-operating agencies are separated by ";". A sheet
that cannot be read gets its problems with their row numbers, like a TOML file's.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from typing import Any

from db.errors import InvalidInput
from db.intake.agencies import AgencyMatcher
from db.intake.proposal import Proposal, ProposedMeeting, ProposedTask
from db.toml_input import Issue

TASK_SHEET = "Nhiệm vụ"
MEETING_SHEET = "Cuộc họp"
FRAME = ("Số", "Ngày", "Cơ quan ban hành", "Trích yếu", "Hội đồng")
TASK_HEADER = ("Mục", "Nội dung", "Chủ trì", "Phối hợp", "Thời hạn")
MEETING_HEADER = ("Mục", "Tên cuộc họp", "Thời gian", "Nội dung họp")
MAX_ROWS = 10_000


def write_xlsx(proposal: Proposal) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = TASK_SHEET
    frame = (
        proposal.number or "",
        proposal.date.isoformat() if proposal.date else "",
        proposal.issuer or "",
        proposal.title or "",
        ", ".join(proposal.councils),
    )
    for label, value in zip(FRAME, frame, strict=True):
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.append([])
    sheet.append(list(TASK_HEADER))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for task in proposal.tasks:
        co = [code or name for name, code in zip(task.co, task.co_codes, strict=True)]
        sheet.append(
            [
                task.clause,
                task.text,
                task.lead_code or task.lead or "",
                "; ".join(co),
                task.due or "",
            ]
        )
    for column, width in zip("ABCDE", (10, 80, 16, 24, 28), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=len(FRAME) + 3):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    meetings = book.create_sheet(MEETING_SHEET)
    meetings.append(list(MEETING_HEADER))
    for meeting in proposal.meetings:
        meetings.append(
            [meeting.clause, meeting.title, meeting.when or "", "\n".join(meeting.agenda)]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_xlsx(
    data: bytes, *, matcher: AgencyMatcher
) -> tuple[Proposal | None, list[int], list[Issue]]:
    """(proposal, the sheet row of each task, problems); the proposal is only good without
    problems.

    Deadlines are left as phrases: the import reads them at the letter's date.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InvalidInput("intake_xlsx_corrupt") from error
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise InvalidInput("intake_xlsx_corrupt") from error
    issues: list[Issue] = []
    if TASK_SHEET not in book.sheetnames:
        raise InvalidInput("intake_xlsx_no_sheet", sheet=TASK_SHEET)
    rows = [
        [_text(value) for value in row]
        for row in book[TASK_SHEET].iter_rows(max_row=MAX_ROWS, max_col=6, values_only=True)
    ]
    frame = {row[0]: row[1] if len(row) > 1 else "" for row in rows[: len(FRAME)] if row}
    letter_date = _date(frame.get("Ngày", ""))
    if frame.get("Ngày") and letter_date is None:
        issues.append(Issue("Ngày", 2, "intake_xlsx_bad_date", {"value": frame["Ngày"]}))
    proposal = Proposal(
        number=frame.get("Số") or None,
        date=letter_date,
        issuer=frame.get("Cơ quan ban hành") or None,
        title=frame.get("Trích yếu") or None,
        councils=[
            code.strip().upper()
            for code in frame.get("Hội đồng", "").replace(";", ",").split(",")
            if code.strip()
        ],
    )
    header_at = next((i for i, row in enumerate(rows) if tuple(row[:5]) == TASK_HEADER), None)
    if header_at is None:
        raise InvalidInput("intake_xlsx_no_header", columns=", ".join(TASK_HEADER))
    task_rows: list[int] = []
    for offset, row in enumerate(rows[header_at + 1 :]):
        number = header_at + 2 + offset
        row = [*row, "", "", "", "", ""][:5]
        if not any(row):
            continue
        clause, text, lead, co, due = row
        for column, value in (("Mục", clause), ("Nội dung", text), ("Chủ trì", lead)):
            if not value:
                issues.append(Issue(column, number, "file_err_required"))
        lead_code = matcher.resolve(lead) if lead else None
        if lead and lead_code is None:
            issues.append(
                Issue("Chủ trì", number, "intake_err_agency", {"name": lead, "clause": clause})
            )
        names = [name.strip() for name in co.replace("\n", ";").split(";") if name.strip()]
        codes = [matcher.resolve(name) for name in names]
        for name, code in zip(names, codes, strict=True):
            if code is None:
                issues.append(
                    Issue("Phối hợp", number, "intake_err_agency", {"name": name, "clause": clause})
                )
        proposal.tasks.append(
            ProposedTask(clause, lead or None, lead_code, names, codes, text, due or None)
        )
        task_rows.append(number)
    if MEETING_SHEET in book.sheetnames:
        for offset, row in enumerate(
            book[MEETING_SHEET].iter_rows(min_row=2, max_row=MAX_ROWS, max_col=4, values_only=True)
        ):
            clause, title, when, agenda = [*(_text(v) for v in row), "", "", "", ""][:4]
            if not any((clause, title, when, agenda)):
                continue
            if not clause or not title:
                issues.append(Issue(MEETING_SHEET, offset + 2, "file_err_required"))
                continue
            items = [item.strip() for item in agenda.split("\n") if item.strip()]
            proposal.meetings.append(ProposedMeeting(clause, title, when or None, items))
    book.close()
    return proposal, task_rows, issues


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def _date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        pass
    parts = value.replace("-", "/").replace(".", "/").split("/")
    if len(parts) == 3 and all(part.isdigit() for part in parts):
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            return None
    return None
