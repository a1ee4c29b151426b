"""Letters for the intake tests: the registry as a matcher, and letter 6411 as .docx and .pdf."""

from __future__ import annotations

import io
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from db.intake import CouncilName, Registry, make_registry
from db.intake.agencies import Agency
from tests.directives import REGISTRY

CORPUS = Path(__file__).resolve().parent / "intake_corpus"
LETTER_6411_TEXT = CORPUS / "6411-VPCP-KTTH-2023.txt"
NOW = datetime(2026, 12, 1, 3, tzinfo=UTC)
FONT_PLACES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
)


def example_registry() -> Registry:
    data = tomllib.loads(REGISTRY.read_text(encoding="utf-8"))
    return make_registry(
        [
            Agency(a["code"], (a["name_vi"], a["name_en"], *a.get("aliases", [])))
            for a in data["agencies"]
        ],
        [CouncilName(c["code"], c["name_vi"]) for c in data["councils"]],
        {a["code"]: a["name_vi"] for a in data["agencies"]},
    )


def letter_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def docx_bytes(text: str, *, header_table: bool = False) -> bytes:
    """A Word file with one paragraph per line; optionally the header as a two-column table,
    as ministries lay it out."""
    import docx

    document = docx.Document()
    lines = letter_lines(text)
    if header_table:
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "VĂN PHÒNG CHÍNH PHỦ\n-------\nSố: 6411/VPCP-KTTH"
        table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
        lines = [line for line in lines if not line.startswith(("VĂN PHÒNG", "Số:", "CỘNG"))]
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def dejavu_font() -> Path:
    """A TrueType font with Vietnamese letters for the test PDFs (the system's DejaVu Sans, or
    the copy matplotlib ships when it is installed)."""
    for place in FONT_PLACES:
        if Path(place).exists():
            return Path(place)
    try:
        import matplotlib

        bundled = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
        if bundled.exists():
            return bundled
    except ImportError:
        pass
    pytest.skip("no DejaVu Sans font to write a Vietnamese PDF with")


def pdf_bytes(text: str) -> bytes:
    """A text PDF (A4, wrapped lines, several pages) written with fpdf2."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(dejavu_font()))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    for line in letter_lines(text):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
