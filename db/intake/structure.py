"""The numbered body of a letter as a tree of clauses: I., 1., 1.1., a), -, +, "Một là".

A clause's label follows the directive format (docs/directive-format.md): the numbers and
letters of its ancestors joined by dots, a dash counted among its siblings ("2.a.3" is the
third dash of 2.a). Paragraphs without a marker belong to the clause above them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ROMAN = re.compile(r"^(?P<m>[IVX]{1,6})[.)]\s*(?=\S)")
_ARABIC = re.compile(r"^(?P<m>\d{1,2}(?:\.\d{1,2}){0,3})(?:[.)]\s*|\s+(?=[^\W\d]))(?=\S)")
_LETTER = re.compile(r"^(?P<m>[a-zđ])(?:\)|\.\s)\s*(?=\S)")
_DASH = re.compile(r"^[-–—•·∙●▪*]\s*(?=\S)")
_PLUS = re.compile(r"^\+\s*(?=\S)")
_ORDINAL = re.compile(
    r"^(?P<m>Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười) là\s*[,:.]?\s*(?=\S)", re.IGNORECASE
)
_ARTICLE = re.compile(r"^Điều\s+(?P<m>\d{1,3})\s*[.:]?\s*(?=\S)|^Điều\s+(?P<e>\d{1,3})\s*[.:]?\s*$")
_ORDINALS = ("một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười")


@dataclass
class Clause:
    label: str
    kind: str  # roman, arabic, letter, dash, plus, prose, root
    level: float
    text: str
    children: list[Clause] = field(default_factory=list)
    parent: Clause | None = None


def _marker(line: str) -> tuple[str, float, str, str] | None:
    """(kind, level, marker, rest of the line) for a numbered line, else None."""
    if m := _ROMAN.match(line):
        return "roman", 0, m["m"], line[m.end() :]
    if m := _ARTICLE.match(line):  # "Điều 2." of a decision: clause "Đ2"
        return "article", 0.5, "Đ" + (m["m"] or m["e"]), line[m.end() :]
    if m := _ORDINAL.match(line):
        return "arabic", 1, str(_ORDINALS.index(m["m"].lower()) + 1), line[m.end() :]
    if m := _ARABIC.match(line):
        return "arabic", m["m"].count(".") + 1, m["m"], line[m.end() :]
    if m := _LETTER.match(line):
        return "letter", 5, m["m"], line[m.end() :]
    if m := _PLUS.match(line):
        return "plus", 7, "+", line[m.end() :]
    if m := _DASH.match(line):
        return "dash", 6, "-", line[m.end() :]
    return None


def clause_tree(body: list[str]) -> Clause:
    root = Clause("", "root", -1, "")
    stack = [root]
    for line in body:
        found = _marker(line)
        if found is None:
            parent = stack[-1]
            node = Clause(parent.label, "prose", 99, line, parent=parent)
            parent.children.append(node)
            continue
        kind, level, marker, rest = found
        while stack[-1].level >= level:
            stack.pop()
        parent = stack[-1]
        node = Clause(_label(parent, kind, marker), kind, level, rest.strip(), parent=parent)
        parent.children.append(node)
        stack.append(node)
    return root


def _label(parent: Clause, kind: str, marker: str) -> str:
    if kind in ("dash", "plus"):
        count = sum(1 for child in parent.children if child.kind == kind) + 1
        own = str(count)
    elif kind == "arabic" and "." in marker:
        roman = _roman_ancestor(parent)
        return f"{roman}.{marker}" if roman else marker
    else:
        own = marker
    return f"{parent.label}.{own}" if parent.label else own


def _roman_ancestor(node: Clause | None) -> str:
    while node is not None:
        if node.kind == "roman":
            return node.label
        node = node.parent
    return ""
