"""Tasks and meetings in a letter's clauses, and their deadlines.

A task is a clause (or a sentence, or a part after ";") whose subject is an agency: "Giao X
chủ trì, phối hợp với Y …", "X chủ trì, phối hợp với Y:" followed by dashes (one task per dash,
each inheriting X and Y unless it names its own partner), "Đề nghị / Yêu cầu X …", "X có trách
nhiệm …", "Các Bộ: A, B, C …" (one task per agency). Paragraphs that state principles or
context have no agency subject and give nothing; the closing "… thông báo để … biết, thực
hiện" neither. A meeting is a clause with no agency subject that calls one ("tổ chức họp",
"họp để …"). Deadlines are the longest phrase after a deadline word that
:func:`schedules.dates.parse_due` reads whole, at the letter's date; a phrase relative to
something unknown ("kể từ ngày nhận được"), recurring ("hằng năm"), already over at the letter's
date, or two different deadlines in one task give no deadline and a warning. A recurring duty
("Định kỳ hằng năm, … trước ngày 15 tháng 12") gets its schedule (:mod:`db.intake.recurring`)
or, when the schedule cannot be read whole, a warning and no deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from db.intake.agencies import Tokens, folded_words, tokenize
from db.intake.due import find_due
from db.intake.meeting_details import is_attendee_list, report_sentence
from db.intake.meetings import (
    calls_meeting,
    duty_text,
    meeting_schedule,
    read_invitation,
    read_meeting,
)
from db.intake.parties import Party, PartyReader, skip_title
from db.intake.proposal import ProposedMeeting, ProposedTask, Warning_
from db.intake.recurring import RecurringReading, read_recurring
from db.intake.structure import Clause
from db.intake.text import fold

# After the subject, these make the sentence a report of the past or a statement, not a task.
_NOT_TASK_AFTER = frozenset(
    {
        "đã",
        "vừa",
        "đang",
        "được",
        "là",
        "cho",
        "tại",
        "theo",
        "và",
        "của",
        "thì",
        "gồm",
        "nhận",
        "xin",
        "kính",
        "trân",
        "nêu",
        "ghi",
        "ngày",  # "Báo X ngày 24 tháng 3 có bài …": what was written on a day, not a task
    }
)
# "Các phóng viên Ảnh, Truyền hình sẽ được bố trí …": done for the subject, not by it (the
# rest of a subject list may come first).
_WILL_BE_DONE_FOR = re.compile(r"^(?:[^.;]*?\s)?sẽ được\b")
_NOT_TASK_PAIRS = frozenset(
    {
        ("có", "ý"),
        ("có", "văn"),
        ("đồng", "ý"),
        ("nhất", "trí"),
        ("thông", "báo"),
        ("báo", "cáo:"),
        ("cho", "biết"),
        ("chưa", "có"),
    }
)
# A province's or the Government Office's letter names itself without saying which one.
_SELF_NAMES = frozenset(
    {
        "uy ban nhan dan tinh",
        "uy ban nhan dan thanh pho",
        "uy ban nhan dan huyen",
        "chu tich uy ban nhan dan tinh",
        "uy ban nhan dan",
    }
)
_ASSIGN_VERBS = (("giao", "cho"), ("de", "nghi"), ("yeu", "cau"), ("giao",), ("chi", "dao"))
_LEADERS = (("thu", "tuong"), ("pho", "thu", "tuong"), ("chu", "tich"), ("uy", "ban"))
# The closing formulas: "… thông báo để … biết, thực hiện", "… chịu trách nhiệm thi hành
# Quyết định này" (who executes a decision is not a task of its own).
_CLOSING = re.compile(
    r"biết,?\s*(?:và\s*)?(?:chỉ đạo\s*)?(?:thực hiện|phối hợp)|để\s+[^.]*\s+biết\b"
    r"|chịu trách nhiệm thi hành|căn cứ (?:Quyết định|Chỉ thị|Kế hoạch)(?: này)? thi hành"
    r"|thi hành (?:Quyết định|Chỉ thị) này",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])")
_ACTION_START = re.compile(
    r"^(?:tổ chức|đề xuất|xây dựng|nghiên cứu|báo cáo|chỉ đạo|triển khai|rà soát"
    r"|hướng dẫn|kiểm tra|tham mưu|trình|ban hành|đôn đốc|theo dõi|tổng hợp|cung cấp|bố trí"
    r"|thực hiện|khẩn trương|sửa đổi|bổ sung|đẩy mạnh|tăng cường|chủ trì|phối hợp|lập|cập nhật"
    r"|đánh giá|xem xét|chuẩn bị|xử lý|giải quyết|hoàn thiện|tiếp tục|phổ biến|tuyên truyền)\b"
    # "; hoàn thành trước ngày …" closes the same task: it is its deadline, not another task.
)

# What a task asked for, opening the paragraph that gives its deadline.
_DELIVERABLES = ("báo cáo", "văn bản", "ý kiến", "kết quả", "hồ sơ", "dự thảo")


@dataclass
class Assignment:
    leads: list[Party]
    co: list[Party] | None  # None: not named here
    rest: int  # index of the first token after the subject and "chủ trì, phối hợp với …"


@dataclass
class Reader(PartyReader):
    at: datetime  # the letter's date: deadlines are read as of it
    tz: str
    issuer_code: str | None = None
    letter: str = ""  # the whole letter, for what an invitation's header lines say
    _previous: list[ProposedTask] = field(default_factory=list)  # the last paragraph's tasks
    tasks: list[ProposedTask] = field(default_factory=list)
    meetings: list[ProposedMeeting] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    _unled: list[ProposedTask] = field(default_factory=list)  # recurring meetings, no convener

    # --- the tree ---------------------------------------------------------------------------

    def read(self, root: Clause) -> None:
        prose = 0
        for child in root.children:
            if child.kind == "prose":
                prose += 1
                child.label = f"P{prose}"
            self._visit(child, None)
        self._invitation(root)
        if self._unled:
            # Nobody named to convene a recurring meeting: the council's standing agency, if
            # the letter names one (anywhere in it).
            standing = self.standing_agency(_texts(root))
            for task in self._unled:
                if standing is not None:
                    task.lead, task.lead_code = standing.written, standing.code
        self._number_duplicates()

    def _visit(self, node: Clause, inherited: Assignment | None) -> None:
        text = node.text.strip()
        if is_attendee_list(text):
            return  # "Mời dự: …": who attends (its dashes too, see _visit_all)
        if node.children and text.endswith(":"):
            own = self._assignment(text)
            context = own if own is not None else inherited
            if own is None and inherited is None and calls_meeting(text):
                self._meeting(node, text + " " + " ".join(c.text for c in node.children))
                return
            self._visit_all(node.children, context)
            return
        self._leaf(node, text, inherited)
        self._visit_all(node.children, None)

    def _visit_all(self, nodes: list[Clause], inherited: Assignment | None) -> None:
        """Siblings in order; the dashes after "Mời dự: …" name more people to attend."""
        attendees: str | None = None  # the kind of the sibling that opened the list
        for child in nodes:
            if attendees == child.kind:
                continue
            attendees = child.kind if is_attendee_list(child.text.strip()) else None
            self._visit(child, inherited)

    def _leaf(self, node: Clause, text: str, inherited: Assignment | None) -> None:
        if not text or _CLOSING.search(text):
            return
        item = node.parent.text if node.parent is not None else ""
        report = report_sentence(text, item, self.meetings[-1].when if self.meetings else None)
        if report is not None:
            own = self._assignment(report)
            if own is not None:
                self._previous = self._tasks_of(node, report, own)
            return
        if node.kind == "prose" and text.startswith("(") and text.endswith(")"):
            return  # "(Có đề cương chi tiết gửi kèm)": an aside between a task and its deadline
        if inherited is None and self._deadline_of_previous(text):
            return
        group: list[ProposedTask] = []  # the tasks the sentence being read belongs to
        group_leads: set[str] = set()
        for index, sentence in enumerate(_SENTENCE_END.split(text)):
            own = self._assignment(sentence)
            leads = {_lead_key(p) for p in own.leads} if own is not None else set()
            if own is not None and not (group and leads <= group_leads):
                group = self._tasks_of(node, sentence, own)
                group_leads = leads
            elif own is None and inherited is not None and index == 0:
                group = self._inherited_task(node, sentence, inherited)
                group_leads = {_lead_key(p) for p in inherited.leads}
            elif group:
                # "Giao X …. Yêu cầu gửi trước ngày …" / "X báo cáo …": the same task goes on.
                for task in group:
                    task.text = f"{task.text} {_finish(sentence)}"
                    self._set_due(task)
        if group:
            self._previous = group
        if not group and inherited is None and calls_meeting(text):
            self._meeting(node, text)

    def _deadline_of_previous(self, text: str) -> bool:
        """'Các đơn vị thực hiện trước ngày 24/3/2016.' or 'Báo cáo … gửi về … trước ngày …'
        after the paragraph that assigned the work, which set no deadline: that deadline."""
        group = self._previous
        if not group or any(t.window is not None or t.schedule is not None for t in group):
            return False
        words = text.split()
        own = self._assignment(text)
        if own is not None:
            tokens = tokenize(text)
            rest = tokens[own.rest].text.lower() if own.rest < len(tokens) else ""
            if len(words) > 14 or rest not in ("thực", "hoàn", "gửi", "báo", "nộp"):
                return False
        elif not text.lower().startswith(_DELIVERABLES):
            return False
        _, window, _ = find_due(text, at=self.at, tz=self.tz)
        if window is None:
            return False
        for task in group:
            task.text = f"{task.text} {_finish(text)}"
            self._set_due(task)
        return True

    # --- tasks ----------------------------------------------------------------------------

    def _tasks_of(self, node: Clause, sentence: str, own: Assignment) -> list[ProposedTask]:
        first = len(self.tasks)
        tokens = tokenize(sentence)
        rest = sentence[tokens[own.rest].start :] if own.rest < len(tokens) else ""
        parts = _split_actions(rest) if rest else [rest]
        for lead in own.leads:
            for number, part in enumerate(parts):
                if number == 0:
                    body = sentence if len(parts) == 1 else sentence[: len(sentence) - len(rest)]
                    body = body + part if len(parts) > 1 else body
                else:
                    body = f"{lead.written} {part}"
                self._add_task(node.label, lead, own.co or [], _finish(body))
        return self.tasks[first:]

    def _inherited_task(
        self, node: Clause, sentence: str, inherited: Assignment
    ) -> list[ProposedTask]:
        first = len(self.tasks)
        co = inherited.co or []
        tokens = tokenize(sentence)
        words = [tok.folded for tok in tokens]
        at = 0
        if words[:2] == ["chu", "tri"]:
            at = 2 + (1 if words[2:3] == [","] else 0)
        if words[at : at + 3] == ["phoi", "hop", "voi"]:
            named, _ = self._parties(tokens, at + 3)
            if named:
                co = named
        for lead in inherited.leads:
            self._add_task(node.label, lead, co, _finish(sentence))
        return self.tasks[first:]

    def _add_task(self, clause: str, lead: Party, co: list[Party], text: str) -> None:
        task = ProposedTask(
            clause=clause,
            lead=lead.written,
            lead_code=lead.code,
            co=[party.written for party in co if party.code != lead.code or not lead.code],
            co_codes=[party.code for party in co if party.code != lead.code or not lead.code],
            text=text,
            due=None,
        )
        self.tasks.append(task)
        self._set_due(task)

    def _set_due(self, task: ProposedTask) -> None:
        task.due, task.window = None, None
        self.warnings[:] = [
            w
            for w in self.warnings
            if not (
                w.clause == task.clause
                and w.key.startswith(("intake_warn_due", "intake_warn_recurring"))
            )
        ]
        phrase, window, warning = find_due(task.text, at=self.at, tz=self.tz)
        task.due, task.window, task.schedule = phrase, window, None
        recurring = read_recurring(task.text)
        if recurring is not None:
            # A recurring duty: its schedule, or a warning and no deadline at all.
            task.due, task.window, task.schedule = recurring.phrase, None, recurring.schedule
            warning, phrase = recurring.warning, recurring.written
        if warning is not None:
            self.warnings.append(Warning_(warning, task.clause, {"text": phrase or ""}))

    def _number_duplicates(self) -> None:
        counts: dict[str, int] = {}
        for task in self.tasks:
            counts[task.clause] = counts.get(task.clause, 0) + 1
        seen: dict[str, int] = {}
        taken = {task.clause for task in self.tasks}
        for task in self.tasks:
            if counts[task.clause] > 1:
                base = task.clause
                seen[base] = seen.get(base, 0) + 1
                label = f"{base}.{seen[base]}"
                while label in taken:
                    label += "'"
                for warning in self.warnings:
                    if warning.clause == base and warning.params.get("_task") is None:
                        pass
                task.clause = label

    # --- meetings --------------------------------------------------------------------------

    def _invitation(self, root: Clause) -> None:
        """An invitation's "Thời gian: …" and "Địa điểm: …" lines (db.intake.meetings)."""
        meeting, warning = read_invitation(
            _labelled(root), at=self.at, tz=self.tz, letter=self.letter
        )
        if meeting is None or any(m.when == meeting.when for m in self.meetings):
            return  # none, or the meeting a sentence called already, at the same time
        self.meetings.append(meeting)
        if warning is not None:
            self.warnings.append(warning)

    def _meeting(self, node: Clause, text: str) -> None:
        schedule = meeting_schedule(text)
        if schedule is not None:
            self._meeting_duty(node, text, schedule)
            return
        clause = node.label or f"M{len(self.meetings) + 1}"
        meeting, warning = read_meeting(clause, text, at=self.at, tz=self.tz)
        if meeting is not None:
            self.meetings.append(meeting)
        if warning is not None:
            self.warnings.append(warning)

    def _meeting_duty(self, node: Clause, text: str, reading: RecurringReading) -> None:
        """A recurring meeting: the recurring duty of keeping it (db.intake.meetings)."""
        lead = self.convener(text)
        task = ProposedTask(
            clause=node.label or f"P{len(self.tasks) + 1}",
            lead=lead.written if lead else None,
            lead_code=lead.code if lead else None,
            co=[],
            co_codes=[],
            text=duty_text(text),
            due=reading.phrase,
            schedule=reading.schedule,
        )
        self.tasks.append(task)
        if lead is None:
            self._unled.append(task)
        if reading.warning is not None:
            self.warnings.append(Warning_(reading.warning, task.clause, {"text": reading.written}))

    # --- subjects ---------------------------------------------------------------------------

    def _assignment(self, sentence: str) -> Assignment | None:
        tokens = tokenize(sentence)
        if not tokens:
            return None
        words = [tok.folded for tok in tokens]
        start = self._subject_start(tokens, words)
        if start is None:
            return None
        leads, at = self._parties(tokens, start, subject=True)
        leads = [lead for lead in leads if not self._is_issuer(lead)]
        if not leads:
            return None
        # "Bộ Kế hoạch và Đầu tư - cơ quan thường trực … - chủ trì": skip the apposition.
        if at < len(words) and words[at] in ("-", "("):
            close = ")" if words[at] == "(" else "-"
            end = next(
                (k for k in range(at + 1, min(len(words), at + 40)) if words[k] == close), None
            )
            if end is not None:
                at = end + 1
        if at < len(words) and words[at] == ",":
            at += 1
        # "… theo chức năng, nhiệm vụ được giao, …" qualifies the subject.
        if words[at : at + 3] == ["theo", "chuc", "nang"]:
            end = next((k for k in range(at, min(len(words), at + 12)) if words[k] == "giao"), None)
            if end is not None:
                at = end + 1 + (1 if words[end + 1 : end + 2] == [","] else 0)
        # After "Giao / Đề nghị / Yêu cầu X" the sentence assigns, whatever follows; a bare
        # subject must be followed by what it is to do, not by a report ("X đã …").
        bare = start == 0 or start == self._after_schedule(tokens, words)
        if bare and at < len(tokens) and tokens[at].text.lower() in _NOT_TASK_AFTER:
            return None
        if (
            bare
            and at + 1 < len(tokens)
            and (tokens[at].text.lower(), tokens[at + 1].text.lower()) in _NOT_TASK_PAIRS
        ):
            return None
        if bare and _WILL_BE_DONE_FOR.match(" ".join(t.text.lower() for t in tokens[at : at + 6])):
            return None
        if at >= len(words) or words[at] in (".", ";"):
            return None
        co: list[Party] | None = None
        if words[at : at + 2] == ["chu", "tri"]:
            at += 2
            if at < len(words) and words[at] == ",":
                at += 1
        if words[at : at + 3] == ["phoi", "hop", "voi"]:
            co, at = self._parties(tokens, at + 3)
        elif words[at : at + 2] == ["phoi", "hop"] and self._starts_party(tokens, words, at + 2):
            co, at = self._parties(tokens, at + 2)  # "phối hợp các đơn vị liên quan"
        if at < len(words) and words[at] in (":", ","):
            at += 1
        return Assignment(leads, co, at)

    def _is_issuer(self, party: Party) -> bool:
        """The letter's own author ("UBND tỉnh" in a province's letter) assigns, it is not
        assigned to."""
        if party.code is not None and party.code == self.issuer_code:
            return True
        return " ".join(folded_words(party.written)) in _SELF_NAMES

    def _subject_start(self, tokens: Tokens, words: list[str]) -> int | None:
        for verb in _ASSIGN_VERBS:
            for k in range(min(len(words), 60)):
                if tuple(words[k : k + len(verb)]) != verb:
                    continue
                after = k + len(verb)
                if not self._starts_party(tokens, words, after):
                    continue
                if k > 0 and tokens[k - 1].text.lower() in ("đã", "vừa", "đang", "từng"):
                    continue  # "UBND tỉnh đã giao Sở X …": a report of an earlier assignment
                before = words[:k]
                if verb == ("chi", "dao") and k > 0 and not self._self_before(tokens, words, k):
                    continue  # "UBND tỉnh X chỉ đạo các sở …": the task is the province's
                if (
                    k == 0
                    or (before and before[-1] in (",", ";", ":", "va"))  # "Đồng ý … và giao X"
                    or self._led_by(words, k)
                    or self._named_before(tokens, words, k)
                    or self._self_before(tokens, words, k)  # "…, Phó Thủ tướng Y giao X"
                ):
                    return after
        if self._starts_party(tokens, words, 0):
            return 0
        return self._after_schedule(tokens, words)

    def _after_schedule(self, tokens: Tokens, words: list[str]) -> int | None:
        """'Định kỳ hằng năm, các Bộ …', 'Hằng tháng, trước ngày 25, Bộ X …': where the
        subject starts after an opening schedule (the task's text keeps it)."""
        if words[:2] != ["dinh", "ky"] and words[:1] not in (["hang"], ["moi"]):
            return None
        at = 0
        for _ in range(2):  # the period, then perhaps the deadline, each closed by a comma
            comma = next((k for k in range(at, min(len(words), at + 12)) if words[k] == ","), None)
            if comma is None:
                return None
            at = comma + 1
            if self._starts_party(tokens, words, at):
                return at
        return None

    def _self_before(self, tokens: Tokens, words: list[str], k: int) -> bool:
        """The letter's author (or a leader) right before the verb: 'Chủ tịch UBND tỉnh chỉ
        đạo: …', 'Thủ tướng Chính phủ chỉ đạo …'."""
        start = k
        while start > 0 and words[start - 1] not in (",", ";", ":", "."):
            start -= 1
        segment = " ".join(_without_titles(words[start:k]))
        return segment in _SELF_NAMES or segment.startswith(("thu tuong", "pho thu tuong"))

    def _named_before(self, tokens: Tokens, words: list[str], k: int) -> bool:
        """'…, Ủy ban Dân tộc đề nghị …': an agency (or its head) right before the verb."""
        start = k
        while start > 0 and words[start - 1] not in (",", ";", ":", "."):
            start -= 1
        return k - start <= 12 and self._starts_party(tokens, words, start)

    def _led_by(self, words: list[str], k: int) -> bool:
        """'Thủ tướng Chính phủ giao …', 'Ủy ban nhân dân tỉnh giao …'."""
        return any(tuple(words[: len(leader)]) == leader for leader in _LEADERS) and k <= 12


def _labelled(node: Clause) -> list[tuple[str, str]]:
    """(clause, text) of every clause under ``node``, in the letter's order."""
    return [
        item
        for child in node.children
        for item in [(child.label, child.text.strip()), *_labelled(child)]
    ]


def _texts(node: Clause) -> list[str]:
    return [node.text, *(text for child in node.children for text in _texts(child))]


def _without_titles(words: list[str]) -> list[str]:
    at = skip_title(words, 0)
    return list(words[at:])


def _lead_key(party: Party) -> str:
    return party.code or fold(party.written)


def _split_actions(rest: str) -> list[str]:
    """'đề xuất …; tổ chức …' -> two actions; '(i) …; (ii) …' stays one."""
    parts = [part.strip() for part in rest.split(";")]
    merged: list[str] = []
    for part in parts:
        if merged and not _ACTION_START.match(part.lower()):
            merged[-1] = f"{merged[-1]}; {part}"
        else:
            merged.append(part)
    return [part for part in merged if part]


def _finish(text: str) -> str:
    text = " ".join(text.split()).strip(" ;,")
    if text and not text.endswith((".", "!", "?", ":")):
        text += "."
    return text[:1].upper() + text[1:]
