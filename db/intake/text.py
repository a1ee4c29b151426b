"""A letter's text from the bytes of a file: .docx, .pdf (text layer), .txt/.md, .xlsx is not here.

Every failure is an :class:`~db.errors.InvalidInput` with a catalogue key that says what to do
(send the Word file, paste the text...), never a library's traceback. ``fold`` is the one
normalisation used to compare agency names and words: NFC, lowercase, no tone marks, đ→d.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import PurePath
from typing import Any

from db.errors import InvalidInput

# Telegram bots can download files up to 20 MB; a letter is far smaller.
MAX_LETTER_BYTES = 20 * 1024 * 1024
# What is left once the text is out: 40 pages of a letter are about 150,000 characters.
MAX_LETTER_CHARS = 2_000_000

TEXT_SUFFIXES = (".txt", ".md", ".text")
LETTER_SUFFIXES = (".docx", ".pdf", *TEXT_SUFFIXES)

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u202f\u3000]+")
# Old-style tone placement that letters still use: "Uỷ" for "Ủy", "hoà" for "hòa".
_OLD_TONES = {
    "uỷ": "ủy",
    "Uỷ": "Ủy",
    "UỶ": "ỦY",
    "hoà": "hòa",
    "Hoà": "Hòa",
    "HOÀ": "HÒA",
    "khoẻ": "khỏe",
    "thuỷ": "thủy",
    "Thuỷ": "Thủy",
}
_OLD_TONE_RE = re.compile(
    r"(?<!\w)(?:" + "|".join(sorted(_OLD_TONES, key=len, reverse=True)) + r")(?!\w)"
)
# Copied text loses the space before a verb: "Bộ Kế hoạch và Đầu tưchủ trì".
_GLUED_VERB = re.compile(r"(?<=[a-zà-ỹđ])(?=(?:chủ trì|phối hợp|có trách nhiệm)\b)")


def clean(text: str) -> str:
    """The letter's text as one string: NFC, invisible characters gone, one kind of space."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", text)
    text = _OLD_TONE_RE.sub(lambda m: _OLD_TONES[m.group(0)], text)
    text = _GLUED_VERB.sub(" ", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def fold(text: str) -> str:
    """For comparing, never for showing: lowercase, no tone marks, đ→d, single spaces."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.split())


def letter_text(data: bytes, file_name: str) -> str:
    """The text of a letter file, or :class:`InvalidInput` saying what to send instead."""
    if len(data) > MAX_LETTER_BYTES:
        raise InvalidInput("intake_too_big", limit=MAX_LETTER_BYTES // (1024 * 1024))
    suffix = PurePath(file_name.lower()).suffix
    if data.startswith(b"%PDF") or suffix == ".pdf":
        text = _pdf_text(data)
    elif data.startswith(b"PK") or suffix == ".docx":
        text = _docx_text(data)
    elif _looks_like_image(data):
        raise InvalidInput("intake_image")
    elif suffix in TEXT_SUFFIXES or suffix == "" or suffix not in (".doc", ".xls", ".odt"):
        text = decode_text(data)
    else:
        raise InvalidInput("intake_format", name=file_name)
    text = clean(text)
    if len(text) > MAX_LETTER_CHARS:
        raise InvalidInput("intake_too_long")
    if not text.strip():
        raise InvalidInput("intake_empty")
    return text


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM, else Windows-1258 (Vietnamese ANSI)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InvalidInput("intake_encoding") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise InvalidInput("intake_format", name="")
    try:
        # cp1258 writes tone marks as combining characters; clean() composes them (NFC).
        return data.decode("cp1258")
    except UnicodeDecodeError as error:
        raise InvalidInput("intake_encoding") from error


def _looks_like_image(data: bytes) -> bool:
    return data.startswith(
        (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM", b"RIFF")
    ) or (data[4:12] in (b"ftypheic", b"ftypmif1"))


def _docx_text(data: bytes) -> str:
    import docx  # python-docx: imported here, the bot's start-up does not pay for it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InvalidInput("intake_docx_corrupt") from error
    except Exception as error:  # lxml errors on a damaged part: still a damaged file
        raise InvalidInput("intake_docx_corrupt") from error
    lines: list[str] = []
    # Headers (issuer, number, date) are often a table at the top: read tables in order too.
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_paragraph_text(child))
        elif tag == "tbl":
            lines += _task_table(child) or _table_cells(child)
    return "\n".join(lines)


# A plan's table of tasks: "TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian".
_COLUMNS = {
    "number": ("tt", "stt", "so tt"),
    "text": ("noi dung", "nhiem vu", "ten nhiem vu", "cong viec", "noi dung cong viec"),
    "lead": ("chu tri", "co quan chu tri", "don vi chu tri"),
    "co": ("phoi hop", "co quan phoi hop", "don vi phoi hop"),
    "due": ("thoi gian", "thoi han", "thoi gian hoan thanh", "tien do", "thoi gian thuc hien"),
}


def _task_table(table: Any) -> list[str]:
    """Each row of a task table as the sentence a letter would write ("1. X chủ trì, phối hợp
    với Y: … ; thời hạn: …"), so that it is read like one; [] for any other table."""
    rows = [
        [
            " ".join(_paragraph_text(p) for p in cell.iter() if _tag(p) == "p").strip()
            for cell in row.iterchildren()
            if _tag(cell) == "tc"
        ]
        for row in table.iterchildren()
        if _tag(row) == "tr"
    ]
    if len(rows) < 2:
        return []
    header = [fold(cell).strip(" :.") for cell in rows[0]]
    where: dict[str, int] = {}
    for index, name in enumerate(header):
        for column, names in _COLUMNS.items():
            if column not in where and any(name == n or name.startswith(n) for n in names):
                where[column] = index
    if "text" not in where or "lead" not in where:
        return []
    lines = []
    for row in rows[1:]:

        def cell(column: str, row: list[str] = row) -> str:
            index = where.get(column)
            return row[index].strip() if index is not None and index < len(row) else ""

        if not cell("text") or not cell("lead"):
            continue
        number = cell("number").rstrip(".")
        line = f"{number}. " if number[:1].isdigit() else "- "
        line += cell("lead") + " chủ trì"
        if cell("co"):
            line += ", phối hợp với " + cell("co")
        line += ": " + cell("text").rstrip(" .;")
        if cell("due"):
            line += "; thời hạn: " + cell("due").rstrip(" .")
        lines.append(line + ".")
    return lines


def _tag(node: Any) -> str:
    return node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""


def _paragraph_text(paragraph: Any) -> str:
    """A Word paragraph's text; a line break inside it (Shift+Enter) stays a line break."""
    parts: list[str] = []
    for node in paragraph.iter():
        tag = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
        if tag == "t":
            parts.append(node.text or "")
        elif tag in ("br", "cr"):
            parts.append("\n")
        elif tag == "tab":
            parts.append(" ")
    return "".join(parts)


def _table_cells(table: Any) -> list[str]:
    return [
        _paragraph_text(node)
        for node in table.iter()
        if isinstance(node.tag, str) and node.tag.endswith("}p")
    ]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InvalidInput("intake_pdf_encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InvalidInput:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise InvalidInput("intake_pdf_corrupt") from error
    except Exception as error:  # pypdf raises many kinds on a damaged file
        raise InvalidInput("intake_pdf_corrupt") from error
    text = "\n".join(pages)
    if len(text.strip()) < 20:
        raise InvalidInput("intake_pdf_scan")
    return text
