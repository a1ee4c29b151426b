"""The extractor over a corpus of real letters (tests/intake_corpus/, sources in its README):
task recall, precision, lead accuracy and deadline accuracy against hand-checked answers."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from db.intake import CouncilName, ProposedMeeting, make_registry, read_letter
from db.intake.agencies import Agency
from db.intake.text import letter_text
from tests.directives import LETTER_6411, REGISTRY, TZ
from tests.intake_helpers import CORPUS, NOW

RECALL, PRECISION, LEAD_ACCURACY = 0.90, 0.85, 0.95


@dataclass
class Score:
    expected: int = 0
    proposed: int = 0
    found: int = 0  # expected tasks proposed with the same clause
    right_lead: int = 0
    right_due: int = 0
    wrong_due: list[str] | None = None  # a deadline given that is not the letter's
    schedules: int = 0  # expected recurring duties (tasks with a schedule)
    right_schedules: int = 0


def base_agencies() -> list[Agency]:
    data = tomllib.loads(REGISTRY.read_text(encoding="utf-8"))
    return [
        Agency(a["code"], (a["name_vi"], a["name_en"], *a.get("aliases", [])))
        for a in data["agencies"]
    ]


def cases() -> list[tuple[str, Path, dict[str, Any]]]:
    found = []
    for expected in sorted(CORPUS.glob("*.expected.json")):
        name = expected.name.removesuffix(".expected.json")
        found.append((name, CORPUS / f"{name}.txt", json.loads(expected.read_text("utf-8"))))
    example = tomllib.loads(LETTER_6411.read_text(encoding="utf-8"))
    from tests.db.intake.test_letter_6411 import windows

    found.append(
        (
            "6411",
            CORPUS / "6411-VPCP-KTTH-2023.txt",
            {
                "date": None,
                "agencies": [],
                "tasks": [
                    {
                        "clause": t["clause"],
                        "lead": t["lead"],
                        "co": t.get("co", []),
                        "due_end": (
                            w[1].date().isoformat() if (w := windows(t.get("due"))) else None
                        ),
                    }
                    for t in example["tasks"]
                ],
                "meetings": [{"clause": m["clause"]} for m in example["meetings"]],
            },
        )
    )
    return found


def score_corpus() -> tuple[Score, list[str]]:
    total = Score(wrong_due=[])
    report: list[str] = []
    for name, path, expected in cases():
        extra = [
            Agency(a["code"], (a["name"], *a.get("aliases", []))) for a in expected["agencies"]
        ]
        registry = make_registry(
            [*base_agencies(), *extra], [CouncilName("DBSH", "Đồng bằng sông Hồng")], {}
        )
        given = date.fromisoformat(expected["date"]) if expected["date"] else None
        text = letter_text(path.read_bytes(), path.name)
        proposal = read_letter(text, registry=registry, tz=TZ, now=NOW, letter_date=given)
        got = {task.clause: task for task in proposal.tasks}
        total.expected += len(expected["tasks"])
        total.proposed += len(proposal.tasks)
        for want in expected["tasks"]:
            task = got.get(want["clause"])
            if task is None:
                report.append(f"{name}: missed {want['clause']}")
                continue
            total.found += 1
            total.right_lead += task.lead_code == want["lead"]
            due_end = task.window.end.date().isoformat() if task.window else None
            schedule = task.schedule.to_json() if task.schedule else None
            total.schedules += want.get("schedule") is not None
            if schedule == want.get("schedule"):
                total.right_schedules += want.get("schedule") is not None
            elif schedule is not None:
                assert total.wrong_due is not None
                total.wrong_due.append(f"{name} {want['clause']}: schedule {schedule}")
            else:
                report.append(f"{name} {want['clause']}: no schedule for {want['schedule']}")
            if due_end == want["due_end"]:
                total.right_due += 1
            elif due_end is not None:
                assert total.wrong_due is not None
                total.wrong_due.append(f"{name} {want['clause']}: {due_end} for {want['due_end']}")
            else:
                report.append(f"{name} {want['clause']}: no deadline for {want['due_end']}")
            if task.lead_code != want["lead"]:
                report.append(f"{name} {want['clause']}: lead {task.lead_code} for {want['lead']}")
        wanted = {want["clause"] for want in expected["tasks"]}
        report += [f"{name}: extra {clause}" for clause in got if clause not in wanted]
        assert [m.clause for m in proposal.meetings] == [
            m["clause"] for m in expected["meetings"]
        ], name
        for meeting, want in zip(proposal.meetings, expected["meetings"], strict=True):
            assert _meeting_details(meeting, want) == {
                k: v for k, v in want.items() if k in _DETAILS
            }
    return total, report


_DETAILS = ("title", "when", "start", "place", "chair")


def _meeting_details(meeting: ProposedMeeting, want: dict[str, Any]) -> dict[str, Any]:
    """The meeting's title, time as written and as read, place and chair, for those of them
    the answer gives (older answers give the clause only)."""
    start = meeting.window.start.strftime("%Y-%m-%dT%H:%M") if meeting.window else None
    got = {
        "title": meeting.title,
        "when": meeting.when,
        "start": start,
        "place": meeting.place,
        "chair": meeting.chair,
    }
    return {key: value for key, value in got.items() if key in want}


def test_the_corpus_has_a_dozen_other_letters_with_sources() -> None:
    letters = [name for name, _, _ in cases() if name != "6411"]
    assert len(letters) >= 12
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for name, _, expected in cases():
        if name != "6411":
            assert expected["source"] and name in readme


def test_recall_precision_leads_and_no_deadline_silently_wrong() -> None:
    score, report = score_corpus()
    recall = score.found / score.expected
    precision = score.found / score.proposed
    lead = score.right_lead / score.found
    summary = (
        f"recall {recall:.0%} ({score.found}/{score.expected}), precision {precision:.0%} "
        f"({score.found}/{score.proposed}), lead {lead:.0%}, deadline "
        f"{score.right_due}/{score.found}, schedules {score.right_schedules}/{score.schedules}; "
        + "; ".join(report)
    )
    print(summary)
    assert score.wrong_due == [], summary
    assert recall >= RECALL, summary
    assert precision >= PRECISION, summary
    assert lead >= LEAD_ACCURACY, summary
    assert score.right_schedules == score.schedules >= 11, summary
