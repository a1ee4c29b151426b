"""Letter 6411/VPCP-KTTH as text, Word and PDF gives exactly the example file's tasks."""

from __future__ import annotations

import tomllib
import unicodedata
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from db.intake import read_letter
from db.intake.proposal import Proposal
from db.intake.text import letter_text
from schedules.dates import parse_due
from tests.directives import LETTER_6411, TZ
from tests.intake_helpers import (
    LETTER_6411_TEXT,
    NOW,
    docx_bytes,
    example_registry,
    pdf_bytes,
)

EXPECTED = tomllib.loads(LETTER_6411.read_text(encoding="utf-8"))
LETTER_DAY = datetime.combine(EXPECTED["date"], time(12), tzinfo=ZoneInfo(TZ))


def read(data: bytes, name: str) -> Proposal:
    return read_letter(letter_text(data, name), registry=example_registry(), tz=TZ, now=NOW)


def windows(phrase: str | None) -> tuple[datetime, datetime] | None:
    window = parse_due(phrase, now=LETTER_DAY, tz=TZ) if phrase else None
    return (window.start, window.end) if window else None


def assert_matches_example(proposal: Proposal) -> None:
    assert proposal.number == EXPECTED["number"]
    assert proposal.date == EXPECTED["date"]
    assert proposal.issuer == EXPECTED["issuer"]
    assert proposal.councils == EXPECTED["councils"]
    got = [
        (
            t.clause,
            t.lead_code,
            sorted(c or "?" for c in t.co_codes),
            t.due,
            (t.window.start, t.window.end) if t.window else None,
        )
        for t in proposal.tasks
    ]
    want = [
        (t["clause"], t["lead"], sorted(t.get("co", [])), t.get("due"), windows(t.get("due")))
        for t in EXPECTED["tasks"]
    ]
    assert got == want
    meetings = [(m.clause, m.when, m.window.end if m.window else None) for m in proposal.meetings]
    expected_meetings = [
        (m["clause"], m["when"], parse_due(m["when"], now=LETTER_DAY, tz=TZ).end)  # type: ignore[union-attr]
        for m in EXPECTED["meetings"]
    ]
    assert meetings == expected_meetings
    assert [len(m.agenda) for m in proposal.meetings] == [0, 3]
    assert not [w for w in proposal.warnings if w.key != "intake_warn_unknown_agency"]


def test_the_web_page_text_of_6411_gives_the_example() -> None:
    proposal = read(LETTER_6411_TEXT.read_bytes(), "6411.txt")
    assert_matches_example(proposal)
    # The typo "Bộ Khoa và và Công nghệ" is kept as written and matched to BKHCN.
    assert proposal.tasks[10].lead == "Bộ Khoa và và Công nghệ"
    assert proposal.tasks[10].lead_code == "BKHCN"
    assert proposal.title == "Về hoạt động của các Hội đồng điều phối vùng kinh tế - xã hội"


@pytest.mark.parametrize("header_table", [False, True])
def test_6411_as_a_word_file_gives_the_example(header_table: bool) -> None:
    text = LETTER_6411_TEXT.read_text(encoding="utf-8")
    assert_matches_example(read(docx_bytes(text, header_table=header_table), "6411.docx"))


def test_6411_as_a_text_pdf_gives_the_example() -> None:
    text = LETTER_6411_TEXT.read_text(encoding="utf-8")
    data = pdf_bytes(text)
    assert data.startswith(b"%PDF")
    assert_matches_example(read(data, "6411.pdf"))


def windows_1258(text: str) -> bytes:
    """Vietnamese ANSI as old Windows software writes it: a base letter, then its tone mark."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in parts if c in TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + tones).encode("cp1258", errors="replace")
    return bytes(out)


TONES = "\u0300\u0301\u0303\u0309\u0323"


@pytest.mark.parametrize("encoding", ["utf-16", "cp1258", "utf-8-sig"])
def test_6411_in_other_text_encodings(encoding: str) -> None:
    text = LETTER_6411_TEXT.read_text(encoding="utf-8")
    data = windows_1258(text) if encoding == "cp1258" else text.encode(encoding)
    assert_matches_example(read(data, "6411.txt"))


def test_pasted_body_without_the_frame_uses_the_given_date() -> None:
    text = LETTER_6411_TEXT.read_text(encoding="utf-8")
    body = text[text.index("2. Về một số nhiệm vụ") : text.index("3. Nhiệm vụ trọng tâm")]
    proposal = read_letter(
        body, registry=example_registry(), tz=TZ, now=NOW, letter_date=EXPECTED["date"]
    )
    assert proposal.number is None
    assert [t.clause for t in proposal.tasks] == [t["clause"] for t in EXPECTED["tasks"]]
    assert [w.key for w in proposal.warnings] == ["intake_warn_no_number"]
