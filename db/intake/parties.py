"""Agencies named in a sentence: where a name starts, where it ends, and lists of them.

"Bộ Kế hoạch và Đầu tư, Bộ Tài chính và UBND các tỉnh" is three parties; "Các Bộ: Tài chính,
Công Thương" is one party per ministry. A name ends at a verb or function word that is not
capitalised ("Bộ Xây dựng" is a name, "Bộ X xây dựng …" is a name and a verb).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from db.intake.agencies import TITLES, AgencyMatcher, Tokens, tokenize

# Words that start an agency's name (folded). Single words need a capitalised next word
# ("Ban Quản lý" is an agency, "Ban hành" is a verb).
_MULTI_HEADS = tuple(
    tuple(head.split())
    for head in (
        "uy ban",
        "cong an",
        "kho bac",
        "ngan hang",
        "van phong",
        "thanh tra",
        "tong cuc",
        "chi cuc",
        "bao hiem xa hoi",
        "thong tan xa",
        "mat tran",
        "lien doan",
        "tap doan",
        "tong cong ty",
        "trung tam",
        "hoc vien",
        "dai hoc",
        "toa an",
        "vien kiem sat",
        "kiem toan nha nuoc",
        "bo chi huy",
        "bo tu lenh",
        "tinh doan",
        "thanh doan",
        "cac bo",
        "cac so",
        "cac co quan",
        "cac dia phuong",
        "cac don vi",
        "cac tinh",
        "cac huyen",
        "cac nganh",
        "cac cuc",
        "cac ban",
        "cac hoi",
        "cac tap doan",
        "cac tong cong ty",
        "cac thanh vien",
        "cac xa",
        "cac phong",
        "tinh uy",
        "thanh uy",
        "dai truyen hinh",
        "dai tieng noi",
        "bao nhan dan",
        "ban quan ly",
        "ban chi dao",
        "phong",
        "cac truong",
    )
)
_SINGLE_HEADS = frozenset({"bo", "so", "ban", "cuc", "vien", "dai", "bao", "truong", "hoi"})

# Verbs and function words that end an agency's name (lowercase, with tones: "tại" ends a
# name, "Tài" in "Bộ Tài chính" does not).
_STOP_TEXT = (
    "trình lập sớm để đề cho nhằm theo tại trong về với khi sau trước ngay sẽ đã đang vừa "
    "được là cần phải giao các rà căn gửi mời tiếp có chịu ngày"
)
# A stop word that is a name's own word after the one before it: "Bộ Ngoại giao".
_BOUND = frozenset({("ngoại", "giao")})
_STOP_WORDS = frozenset(_STOP_TEXT.split())
_STOP_PAIRS = frozenset(
    tuple(pair.split())
    for pair in """chủ trì|phối hợp|có trách|đề xuất|tổ chức|nghiên cứu|xây dựng|báo cáo|hướng dẫn
    |khẩn trương|tham mưu|triển khai|thực hiện|rà soát|kiểm tra|hoàn thiện|hoàn thành|ban hành
    |triệu tập
    |tổng hợp|theo dõi|đôn đốc|chỉ đạo|tiếp tục|chuẩn bị|xử lý|giải quyết|cung cấp|bố trí
    |tập trung|đẩy mạnh|tăng cường|quản lý|cập nhật|đánh giá|xem xét|làm việc|thẩm định
    |tuyên truyền|phổ biến|giám sát|sửa đổi|bổ sung|hỗ trợ|đảm bảo|bảo đảm|thống nhất|xác định
    |lựa chọn|khảo sát|phân công|chịu trách|dự thảo|hoàn chỉnh|chủ động|phát huy|nâng cao
    |tham gia|thông báo|điều chỉnh|huy động|kết nối|nghiêm túc|kịp thời|xúc tiến|ưu tiên
    |kiểm soát|tiếp nhận|phân bổ|yêu cầu|đề nghị|cử cán|tiếp thu|rà soát|lập danh|cân đối
    |thường xuyên|quyết liệt|có văn|có ý|cho ý|theo chức|trong phạm""".replace("\n", "").split("|")
)


# Ministries' (and departments') names with a comma or "và" of their own, as a list after
# "Các Bộ:" writes them: "Các Bộ: Kế hoạch và Đầu tư, Văn hóa, Thể thao và Du lịch, Nội vụ".
_LISTED_NAMES = tuple(
    tuple(tok.folded for tok in tokenize(name))
    for name in (
        "Kế hoạch và Đầu tư",
        "Văn hóa, Thể thao và Du lịch",
        "Lao động - Thương binh và Xã hội",
        "Lao động, Thương binh và Xã hội",
        "Tài nguyên và Môi trường",
        "Nông nghiệp và Phát triển nông thôn",
        "Nông nghiệp và Môi trường",
        "Giáo dục và Đào tạo",
        "Khoa học và Công nghệ",
        "Khoa học, Công nghệ và Môi trường",
        "Thông tin và Truyền thông",
        "Văn hóa và Thể thao",
        "Xây dựng",
        "Ngoại giao",
    )
)


@dataclass
class Party:
    written: str
    code: str | None


# What an agency does to a council's meeting it convenes: "Bộ X triệu tập", "do Bộ X chủ trì".
_CONVENES = (("chu", "tri"), ("trieu", "tap"), ("to", "chuc"), ("chuan", "bi"))
# "Bộ X (cơ quan thường trực các Hội đồng …)", "cơ quan thường trực của Hội đồng là Bộ X".
_STANDING = (
    ("co", "quan", "thuong", "truc"),
    ("co", "quan", "giup", "viec"),
    ("co", "quan", "thu", "ky"),
    ("thuong", "truc", "hoi", "dong"),
    ("thu", "ky", "hoi", "dong"),
)
_APPOSITION = frozenset({"(", "-", ",", "la", "lam"})


@dataclass
class PartyReader:
    """Finds the agencies a sentence names, matched against the registry."""

    matcher: AgencyMatcher

    def _starts_party(self, tokens: Tokens, words: list[str], at: int) -> bool:
        at = skip_title(words, at)
        if at >= len(words):
            return False
        if words[at : at + 2] == ["hoi", "dong"] or words[at : at + 3] == ["cac", "hoi", "dong"]:
            return False  # the councils themselves: their meetings, not an agency's task
        if self.matcher.longest_at(words, at) is not None:
            return True
        if any(tuple(words[at : at + len(head)]) == head for head in _MULTI_HEADS):
            return True
        if words[at] in _SINGLE_HEADS and at + 1 < len(tokens):
            following = tokens[at + 1].text
            return following[:1].isupper() and words[at + 1] != "dong"
        return False

    def _parties(
        self, tokens: Tokens, at: int, *, subject: bool = False
    ) -> tuple[list[Party], int]:
        """The agencies named from ``at``: 'A, B và C'; returns them and the index after."""
        words = [tok.folded for tok in tokens]
        parties: list[Party] = []
        while at < len(words):
            if not self._starts_party(tokens, words, at):
                break
            listed = self._listed(tokens, words, at)
            if listed is not None:
                parties += listed[0]
                at = listed[1]
                break
            party, at = self._party(tokens, words, at)
            parties.append(party)
            separators = (",", "va", ";") if subject else (",", "va")
            if (
                at < len(words)
                and words[at] in separators
                and self._starts_party(tokens, words, at + 1)
            ):
                at += 1
                continue
            break
        return parties, at

    def _party(self, tokens: Tokens, words: list[str], at: int) -> tuple[Party, int]:
        begin = skip_title(words, at)
        known = self.matcher.longest_at(words, begin)
        if known is not None:
            code, end = known
            return Party(_span(tokens, begin, end), code), end
        end = begin + 1
        group = "cac" in words[begin : begin + 6]  # "các Bộ, ngành, địa phương liên quan"
        while end < len(tokens):
            word = tokens[end].text.lower()
            if (
                group
                and words[end] == ","
                and end + 1 < len(tokens)
                and tokens[end + 1].text[:1].islower()
                and tokens[end + 1].text.lower() not in _STOP_WORDS
                and not self._starts_party(tokens, words, end + 1)
            ):
                end += 1  # a group's name goes on after its comma: ", ngành", ", thành phố"
                continue
            if words[end] in (",", ":", ";", "(", ")", "-", "."):
                break
            # A verb inside a name is capitalised ("Bộ Xây dựng"); one after it is not.
            if tokens[end].text[:1].isupper():
                end += 1
                continue
            if word == "các" and words[end - 2 : end] == ["nhan", "dan"]:
                end += 1  # "Ủy ban nhân dân các tỉnh, thành phố"
                continue
            if word in _STOP_WORDS and (tokens[end - 1].text.lower(), word) not in _BOUND:
                break
            if (word, tokens[end + 1].text.lower() if end + 1 < len(tokens) else "") in _STOP_PAIRS:
                break
            if words[end] == "va" and self._starts_party(tokens, words, end + 1):
                break
            end += 1
        written = _span(tokens, begin, end)
        return Party(written, self.matcher.resolve(written)), end

    def _listed(self, tokens: Tokens, words: list[str], at: int) -> tuple[list[Party], int] | None:
        """'Các Bộ: Tài chính, Công Thương và Xây dựng' -> one party per ministry."""
        kinds = {("cac", "bo"): "Bộ", ("cac", "so"): "Sở", ("cac", "tinh"): "UBND tỉnh"}
        head = kinds.get(tuple(words[at : at + 2]))  # type: ignore[arg-type]
        if head is None or words[at + 2 : at + 3] != [":"]:
            return None
        parties: list[Party] = []
        k = at + 3
        while k < len(tokens):
            end = self._listed_name_end(head, words, k)
            if end is not None:
                written = f"{head} {_span(tokens, k, end)}"
                parties.append(Party(written, self.matcher.resolve(written)))
                if end < len(words) and words[end] in (",", "va"):
                    k = end + 1  # "Tài chính, Y tế và Công Thương": the list goes on
                    continue
                return parties, end
            end = k
            while end < len(tokens) and words[end] not in (",", ";", ":", "."):
                word = tokens[end].text.lower()
                nxt = tokens[end + 1].text.lower() if end + 1 < len(tokens) else ""
                if end > k and (word in _STOP_WORDS or (word, nxt) in _STOP_PAIRS):
                    break
                end += 1
            name = _span(tokens, k, end)
            pieces = [name]
            if self.matcher.resolve(f"{head} {name}") is None and " và " in name:
                pieces = name.split(" và ")
            for piece in pieces:
                written = f"{head} {piece.strip()}"
                parties.append(Party(written, self.matcher.resolve(written)))
            if end < len(words) and words[end] == ",":
                k = end + 1
                continue
            return parties, end
        return parties, k

    def _listed_name_end(self, head: str, words: list[str], k: int) -> int | None:
        """Where a listed name that holds its own comma or "và" ends: the registry's name
        ("Bộ" + the words from ``k``) first, then a ministry's standard name."""
        head_words = [tok.folded for tok in tokenize(head)]
        known = self.matcher.longest_at([*head_words, *words[k:]], 0)
        if known is not None and known[1] > len(head_words):
            return k + known[1] - len(head_words)
        for name in sorted(_LISTED_NAMES, key=len, reverse=True):
            if tuple(words[k : k + len(name)]) == name:
                return k + len(name)
        return None

    # --- who keeps a council's meetings -------------------------------------------------------

    def convener(self, text: str) -> Party | None:
        """The agency ``text`` names as convening a meeting ("do Bộ X triệu tập", "Bộ X chủ
        trì tổ chức"); None if it names none, or several."""
        tokens = tokenize(text)
        words = [tok.folded for tok in tokens]
        found: dict[str, Party] = {}
        for k in range(len(words)):
            if words[k] == "do" and self._starts_party(tokens, words, k + 1):
                for party in self._parties(tokens, k + 1)[0]:
                    found[party.code or party.written] = party
            elif self._starts_party(tokens, words, k) and (k == 0 or words[k - 1] != "do"):
                party, end = self._party(tokens, words, k)
                if tuple(words[end : end + 2]) in _CONVENES:
                    found[party.code or party.written] = party
        return next(iter(found.values())) if len(found) == 1 else None

    def standing_agency(self, texts: Iterable[str]) -> Party | None:
        """The council's standing agency (or secretariat) as the letter names it; None if it
        names none, or several."""
        found: dict[str, Party] = {}
        for text in texts:
            tokens = tokenize(text)
            words = [tok.folded for tok in tokens]
            for m in range(len(words)):
                marker = next((s for s in _STANDING if tuple(words[m : m + len(s)]) == s), ())
                after = m + len(marker)
                # The standing agency of a council, not of another board ("… Ban vì sự tiến bộ").
                if not marker or "hoi dong" not in " ".join(words[m : after + 5]):
                    continue
                party = self._standing_before(tokens, words, m) or self._standing_after(
                    tokens, words, after
                )
                if party is not None:
                    found[party.code or party.written] = party
        return next(iter(found.values())) if len(found) == 1 else None

    def _standing_before(self, tokens: Tokens, words: list[str], m: int) -> Party | None:
        for k in range(m - 1, max(-1, m - 20), -1):
            if self._starts_party(tokens, words, k):
                party, end = self._party(tokens, words, k)
                if end < m and set(words[end:m]) <= _APPOSITION:
                    return party
        return None

    def _standing_after(self, tokens: Tokens, words: list[str], at: int) -> Party | None:
        for k in range(at, min(len(words), at + 12)):
            if words[k] in ("la", ":") and self._starts_party(tokens, words, k + 1):
                return self._party(tokens, words, k + 1)[0]
            if words[k] in (".", ";"):
                break
        return None


def skip_title(words: list[str], at: int) -> int:
    for title in TITLES:
        if tuple(words[at : at + len(title)]) == title and at + len(title) < len(words):
            return at + len(title)
    return at


def _span(tokens: Tokens, begin: int, end: int) -> str:
    return tokens.span(begin, end)
