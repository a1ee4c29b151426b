"""Agency names as letters write them, matched to the registry (codes, names, aliases).

Letters abbreviate ("UBND", "Bộ KH&ĐT"), prefix titles ("Bộ trưởng Bộ Tài chính", "Chủ tịch
UBND tỉnh X"), use old tone placement ("Uỷ ban") and have typos ("Bộ Khoa và và Công nghệ").
Names are compared on their folded words (:func:`db.intake.text.fold`) with abbreviations
expanded; an exact name or alias wins, then a close fuzzy match (rapidfuzz) that is clearly
better than the next agency's. A name with no match is kept as written and flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from db.intake.text import fold

FUZZY_CUTOFF = 87.0
FUZZY_MARGIN = 8.0

# Folded abbreviation -> folded words.
ABBREVIATIONS: dict[str, str] = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "kh&dt": "ke hoach va dau tu",
    "khdt": "ke hoach va dau tu",
    "tt&tt": "thong tin va truyen thong",
    "tttt": "thong tin va truyen thong",
    "nn&ptnt": "nong nghiep va phat trien nong thon",
    "nnptnt": "nong nghiep va phat trien nong thon",
    "tn&mt": "tai nguyen va moi truong",
    "tnmt": "tai nguyen va moi truong",
    "gtvt": "giao thong van tai",
    "ldtbxh": "lao dong - thuong binh va xa hoi",
    "ld-tb&xh": "lao dong - thuong binh va xa hoi",
    "vhttdl": "van hoa , the thao va du lich",
    "kh&cn": "khoa hoc va cong nghe",
    "khcn": "khoa hoc va cong nghe",
    "gd&dt": "giao duc va dao tao",
    "gddt": "giao duc va dao tao",
    "tp": "thanh pho",
    "tp.": "thanh pho",
    "bhxh": "bao hiem xa hoi",
    "vpcp": "van phong chinh phu",
    "nhnn": "ngan hang nha nuoc",
}

# Titles of people that stand for their agency: "Bộ trưởng Bộ Tài chính" -> "Bộ Tài chính".
TITLES: tuple[tuple[str, ...], ...] = tuple(
    tuple(title.split())
    for title in (
        "bo truong",
        "thu truong",
        "chu tich",
        "pho chu tich",
        "giam doc",
        "tong giam doc",
        "chanh van phong",
        "chanh thanh tra",
        "truong ban",
        "chu nhiem",
        "tong cuc truong",
        "cuc truong",
        "thong doc",
        "tong thanh tra",
        "bi thu",
        "hieu truong",
    )
)

_TOKEN = re.compile(r"[\w&]+(?:[-.][\w&]+)*\.?|[,:;()]|(?<!\S)[-–—](?!\S)|[-–—]")


@dataclass(frozen=True)
class Tok:
    """A word or punctuation mark of the original text, with its place and folded form."""

    text: str
    folded: str
    start: int
    end: int


class Tokens(list[Tok]):
    """Tokens that remember the text they come from (to quote a name as written)."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def span(self, begin: int, end: int) -> str:
        if end <= begin:
            return self[begin].text
        return self.source[self[begin].start : self[end - 1].end]


@lru_cache(maxsize=8192)
def tokenize(text: str) -> Tokens:
    """Words and the punctuation that separates names; one folded word per token, abbreviations
    expanded (an expanded token repeats its place for each of its words). Cached: a sentence is
    looked at several times (subject, deadline, follow-up); the result must not be changed."""
    tokens = Tokens(text)
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        for word in _fold_token(raw):
            tokens.append(Tok(raw, word, m.start(), m.end()))
    return tokens


@lru_cache(maxsize=65536)
def _fold_token(raw: str) -> tuple[str, ...]:
    folded = fold(raw)
    if folded in ("–", "—"):
        return ("-",)
    expansion = ABBREVIATIONS.get(folded) or ABBREVIATIONS.get(folded.rstrip("."))
    if expansion is not None and raw.upper() == raw:
        return tuple(expansion.split())
    return (folded.rstrip(".") if folded != "." else folded,)


def folded_words(text: str) -> tuple[str, ...]:
    return tuple(tok.folded for tok in tokenize(text))


@dataclass(frozen=True)
class Agency:
    code: str
    names: tuple[str, ...]


class AgencyMatcher:
    """The registry's agencies, ready to be found in a letter's words."""

    def __init__(self, agencies: Iterable[Agency]) -> None:
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.by_folded: dict[str, str] = {}
        self.choices: list[str] = []
        self.choice_codes: list[str] = []
        self.codes: set[str] = set()
        for agency in agencies:
            self.codes.add(agency.code)
            for name in {agency.code, *agency.names}:
                words = _without_title(folded_words(name))
                if not words:
                    continue
                self.by_first.setdefault(words[0], []).append((words, agency.code))
                key = " ".join(words)
                self.by_folded.setdefault(key, agency.code)
                self.choices.append(key)
                self.choice_codes.append(agency.code)
        for entries in self.by_first.values():
            entries.sort(key=lambda entry: len(entry[0]), reverse=True)

    def longest_at(self, words: Sequence[str], index: int) -> tuple[str, int] | None:
        """The longest registry name that starts at ``words[index]``: (code, index after it)."""
        if index >= len(words):
            return None
        for name, code in self.by_first.get(words[index], ()):
            end = index + len(name)
            if tuple(words[index:end]) == name and (end >= len(words) or words[end] != "&"):
                return code, end
        return None

    def resolve(self, name: str) -> str | None:
        """The code of the agency ``name`` stands for, or None when unsure."""
        if name.strip().upper() in self.codes:
            return name.strip().upper()
        words = _without_title(folded_words(name))
        key = " ".join(word for word in words if word not in (".",))
        if not key:
            return None
        exact = self.by_folded.get(key)
        if exact is not None:
            return exact
        found = process.extract(key, self.choices, scorer=fuzz.ratio, limit=6)
        # A typo may be anywhere but in the kind of agency: "Sở Kế hoạch và Đầu tư" is not
        # "Bộ Kế hoạch và Đầu tư", however alike the letters.
        head = key.split()[0]
        found = [item for item in found if self.choices[item[2]].split()[0] == head]
        if not found or found[0][1] < FUZZY_CUTOFF:
            return None
        best_code = self.choice_codes[found[0][2]]
        for _, score, index in found[1:]:
            if self.choice_codes[index] != best_code and found[0][1] - score < FUZZY_MARGIN:
                return None
        return best_code

    def candidates(self, name: str, limit: int = 5) -> list[str]:
        """The codes of the agencies whose names are closest to ``name``, best first."""
        key = " ".join(_without_title(folded_words(name)))
        codes: list[str] = []
        for _, _, index in process.extract(key, self.choices, scorer=fuzz.WRatio, limit=limit * 4):
            code = self.choice_codes[index]
            if code not in codes:
                codes.append(code)
        return codes[:limit]


def _without_title(words: Sequence[str]) -> tuple[str, ...]:
    for title in TITLES:
        if tuple(words[: len(title)]) == title and len(words) > len(title):
            return tuple(words[len(title) :])
    return tuple(words)
