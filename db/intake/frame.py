"""The standard frame of a Vietnamese administrative letter (Nghị định 30/2020/NĐ-CP layout).

Issuer (upper case, top left), national motto, "Số: 6411/VPCP-KTTH", "V/v …" or a document type
with its title, "Hà Nội, ngày 19 tháng 8 năm 2023", "Kính gửi: …", the body, then "Nơi nhận"
and the signature. Text copied from a web page carries the page's chrome around the letter;
the frame is found where it is, and only the body is searched for tasks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from db.intake.text import fold

NUMBER_RE = re.compile(r"^S[ốo]\s*(?:hiệu)?\s*[:.]?\s*(\d[\w.&-]*(?:/[\w.&Đđ-]+)+)", re.IGNORECASE)
LONG_DATE_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
# "Hà Nội, ngày 19 tháng 8 năm 2023": the place and date line (not a date quoted in the text).
PLACE_DATE_RE = re.compile(r"^(?:[^\W\d][\w .'’-]{1,40},\s*)?ngày\s", re.IGNORECASE)
SHORT_DATE_RE = re.compile(r"ngày\s+(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", re.IGNORECASE)
# The national motto, also as a narrow page breaks it ("CỘNG HÒA XÃ HỘI" / "CHỦ NGHĨA VIỆT NAM")
# and with the old tone placement ("HOÀ").
MOTTO_RE = re.compile(
    r"CỘNG H(?:ÒA|OÀ) XÃ HỘI CHỦ NGHĨA|Độc lập\s*-\s*Tự do"
    r"|^(?:CỘNG H(?:ÒA|OÀ) XÃ HỘI|CHỦ NGHĨA VIỆT NAM)$",
    re.IGNORECASE,
)
RULE_RE = re.compile(r"^[-_=–—.* ]{3,}$")
KINH_GUI_RE = re.compile(r"^Kính\s+gửi\s*[:.]?\s*", re.IGNORECASE)
SUBJECT_RE = re.compile(r"^(?:V/v|V/V|Về việc)\s*[:.]?\s*", re.IGNORECASE)
DOC_TYPES = (
    "THÔNG BÁO",
    "KẾ HOẠCH",
    "CHỈ THỊ",
    "CÔNG ĐIỆN",
    "QUYẾT ĐỊNH",
    "BÁO CÁO",
    "CÔNG VĂN",
    "NGHỊ QUYẾT",
    "CHƯƠNG TRÌNH",
    "HƯỚNG DẪN",
)
END_RE = re.compile(
    r"^(?:Nơi\s+nhận|KT\.\s|TM\.\s|TL\.\s|TUQ\.\s|Q\.\s*[A-ZĐ]|Tải về|Tải văn bản)", re.IGNORECASE
)
MARKER_START = re.compile(r"^(?:[IVX]{1,6}[.)]|\d{1,2}[.)]|[a-zđ]\)|[-–—•+*])")


@dataclass
class Frame:
    number: str | None
    date: date | None
    issuer: str | None
    title: str | None
    doc_type: str | None
    body: list[str]


def paragraphs(text: str) -> list[str]:
    """Non-empty lines, with lines wrapped by a PDF joined back into their paragraph."""
    # A page's table cells leave "|" at a line's ends ("Số: 4275/VPCP-CN |", "|").
    lines = [line.strip(" \t|") for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return []
    lengths = sorted(len(line) for line in lines)
    wide = lengths[int(len(lengths) * 0.9)]
    joined: list[str] = []
    for line in lines:
        if joined and _continues(joined[-1], line, wide):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def _continues(previous: str, line: str, wide: int) -> bool:
    if previous.endswith((".", ":", ";", "!", "?", "./.")):
        return False
    # The place-and-date line and "Kính gửi" open their own line whatever the page's width
    # ("V/v: … Kon Tum" then "Hà Nội, ngày 06 tháng 05 năm 2011" is not one title).
    if KINH_GUI_RE.match(line) or (PLACE_DATE_RE.match(line) and _has_date(line)):
        return False
    if MARKER_START.match(line):
        # "Giám đốc các Sở: Lao động" / "- Thương binh và Xã hội, …": a name's hyphen that a
        # narrow page put at the start of a line, after a full line that did not end.
        return (
            line[:1] in "-–"
            and not previous.endswith(",")
            and wide >= 40
            and len(previous) >= 0.6 * wide
            and not _is_upper(previous)
        )
    if RULE_RE.match(line) or RULE_RE.match(previous) or MOTTO_RE.search(line):
        return False
    if _is_upper(line) or _is_upper(previous):
        return False
    if line[0].islower():
        return True
    return wide >= 50 and len(previous) >= 0.8 * wide and not _is_upper(previous)


def _has_date(line: str) -> bool:
    return bool(LONG_DATE_RE.search(line) or SHORT_DATE_RE.search(line)) and len(line) < 90


def _is_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def read_frame(text: str) -> Frame:
    lines = paragraphs(text)
    number_at = next((i for i, line in enumerate(lines) if NUMBER_RE.match(line)), None)
    motto_at = next((i for i, line in enumerate(lines) if MOTTO_RE.search(line)), None)
    anchor = number_at if number_at is not None else motto_at
    start = 0
    issuer: str | None = None
    if anchor is not None:
        start = anchor
        block: list[str] = []
        for i in range(anchor, max(-1, anchor - 9), -1):
            line = MOTTO_RE.split(lines[i])[0].strip(" -")
            if MOTTO_RE.search(lines[i]) or RULE_RE.match(lines[i]) or i == number_at:
                start = min(start, i)
                if line and _is_upper(line) and not block and i != number_at:
                    block.insert(0, line)
                continue
            if _is_upper(line) and not SUBJECT_RE.match(line):
                block.insert(0, line)
                start = i
            elif block:
                break
        block = [line for line in block if line.upper() not in DOC_TYPES]
        issuer = _issuer_name(" ".join(block)) if block else None
    number = None
    if number_at is not None:
        m = NUMBER_RE.match(lines[number_at])
        number = m.group(1).rstrip(".") if m else None
    body_start, title, doc_type, letter_date = _head(lines, start, number_at)
    body_end = len(lines)
    for i in range(body_start, len(lines)):
        if END_RE.match(lines[i]):
            body_end = i
            break
        if lines[i].endswith("./."):
            body_end = i + 1
            break
    return Frame(number, letter_date, issuer, title, doc_type, lines[body_start:body_end])


def _head(
    lines: list[str], start: int, number_at: int | None
) -> tuple[int, str | None, str | None, date | None]:
    """(where the body starts, title, document type, date) from the header lines."""
    title: str | None = None
    doc_type: str | None = None
    letter_date: date | None = None
    last = start - 1 if number_at is None else number_at
    limit = min(len(lines), start + 40)
    i = start
    while i < limit:
        line = lines[i]
        m = LONG_DATE_RE.search(line) or SHORT_DATE_RE.search(line)
        if letter_date is None and m and len(line) < 90 and PLACE_DATE_RE.match(line):
            letter_date = _date(m)
            last = max(last, i)
        if SUBJECT_RE.match(line) and title is None:
            title = "Về " + SUBJECT_RE.sub("", line)
            last = max(last, i)
        elif line.upper() in DOC_TYPES and title is None:
            doc_type = line.upper()
            parts: list[str] = []
            j = i + 1
            while j < len(lines) and len(parts) < 3 and not RULE_RE.match(lines[j]):
                if MARKER_START.match(lines[j]) or lines[j].endswith((".", ":", ";")):
                    break
                if LONG_DATE_RE.search(lines[j]) and len(lines[j]) < 90:
                    break
                if parts and _is_upper(parts[-1]) and not _is_upper(lines[j]):
                    break  # an upper-case title, then the body's first paragraph
                parts.append(lines[j])
                j += 1
            title = " ".join(parts) or None
            last = max(last, j - 1)
            i = j
            continue
        if KINH_GUI_RE.match(line):
            return _after_addressees(lines, i), title, doc_type, letter_date
        if MOTTO_RE.search(line) or RULE_RE.match(line):
            last = max(last, i)  # "V/v …" above the motto: the header goes on past it
        if i > last + 2 and (title is not None or letter_date is not None):
            break
        if number_at is None and letter_date is None and title is None and i > start + 3:
            break
        i += 1
    body_start = last + 1
    while body_start < len(lines) and RULE_RE.match(lines[body_start]):
        body_start += 1
    return max(body_start, 0), title, doc_type, letter_date


def _after_addressees(lines: list[str], at: int) -> int:
    rest = KINH_GUI_RE.sub("", lines[at]).strip()
    i = at + 1
    if rest and not rest.startswith(("-", "–")) and not rest.endswith((";", ",")):
        return i  # "Kính gửi: Bộ Công Thương." on one line
    seen_dash = False
    while i < len(lines):
        line = lines[i]
        if line.startswith(("-", "–", "•", "+")) or line.endswith(";"):
            seen_dash = True
            i += 1
            continue
        if not seen_dash and not rest and len(line) < 120:
            return i + 1  # "Kính gửi:" then one addressee without a dash
        break
    return i


def _date(m: re.Match[str]) -> date | None:
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


_PLACE_WORDS = ("tinh", "thanh pho", "huyen", "quan", "thi xa")


def _issuer_name(upper: str) -> str:
    """'ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM' -> 'Ủy ban nhân dân tỉnh Quảng Nam'."""
    words = upper.split()
    folded = [fold(word) for word in words]
    out: list[str] = []
    proper = False
    for index, word in enumerate(words):
        if index == 0:
            out.append(word[:1] + word[1:].lower())
            continue
        if folded[index] in ("tinh", "huyen", "quan") or (
            folded[index] == "pho" and folded[index - 1] == "thanh"
        ):
            out.append(word.lower())
            proper = True
            continue
        out.append(word[:1] + word[1:].lower() if proper else word.lower())
    return " ".join(out)
