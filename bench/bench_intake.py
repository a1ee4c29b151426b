"""Benchmark: reading a long letter into a proposal (a script, not a test).

Run from anywhere:  .venv/bin/python bench/bench_intake.py [--pages 40] [--repeat 5]

Builds a letter of ``--pages`` A4 pages (about 3,500 characters each) from the clauses of
letter 6411/VPCP-KTTH — header, numbered sections of lettered clauses with their dashes,
deadlines and co-operating agencies — and times :func:`db.intake.read_letter` on its text
(frame, clauses, tasks, agencies, deadlines) and :func:`db.intake.text.letter_text` on the same
letter as a Word file. Prints the median and worst of ``--repeat`` runs and merges
``{"intake": {...}}`` into ``bench/results.json``. Budget: 1 s for 40 pages (text to
proposal); the exit status is 1 when it is exceeded.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the project

from bench.harness import RESULTS, machine_line, merge_results  # noqa: E402
from db.intake import CouncilName, make_registry, read_letter  # noqa: E402
from db.intake.agencies import Agency, _fold_token, tokenize  # noqa: E402
from db.intake.text import letter_text  # noqa: E402
from schedules.dates import warm_up  # noqa: E402

LETTER = ROOT / "tests" / "intake_corpus" / "6411-VPCP-KTTH-2023.txt"
REGISTRY = ROOT / "examples" / "registry.toml"
PAGE_CHARS = 3500
BUDGET_S = 1.0
TZ = "Asia/Ho_Chi_Minh"


def long_letter(pages: int) -> str:
    text = LETTER.read_text(encoding="utf-8")
    head = text[: text.index("1. Về yêu cầu")]
    section = text[text.index("a) Bộ Kế hoạch") : text.index("3. Nhiệm vụ trọng tâm")]
    tail = text[text.index("3. Nhiệm vụ trọng tâm") :]
    parts = [head]
    number = 1
    while sum(len(part) for part in parts) < pages * PAGE_CHARS:
        parts.append(f"{number}. Về các nhiệm vụ của nhóm {number}\n\n{section}")
        number += 1
    parts.append(tail.replace("3. Nhiệm vụ trọng tâm", f"{number}. Nhiệm vụ trọng tâm"))
    return "".join(parts)


def registry() -> object:
    data = tomllib.loads(REGISTRY.read_text(encoding="utf-8"))
    return make_registry(
        [
            Agency(a["code"], (a["name_vi"], a["name_en"], *a.get("aliases", [])))
            for a in data["agencies"]
        ],
        [CouncilName(c["code"], c["name_vi"]) for c in data["councils"]],
        {a["code"]: a["name_vi"] for a in data["agencies"]},
    )


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON file to merge into")
    args = parser.parse_args(argv)

    warm_up()
    text = long_letter(args.pages)
    known = registry()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    read_s: list[float] = []
    tasks = 0
    for _ in range(args.repeat):
        tokenize.cache_clear()  # each run reads the letter as if for the first time
        _fold_token.cache_clear()
        started = time.perf_counter()
        proposal = read_letter(text, registry=known, tz=TZ, now=now)  # type: ignore[arg-type]
        read_s.append(time.perf_counter() - started)
        tasks = len(proposal.tasks)
    data = docx_bytes(text)
    load_s: list[float] = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        letter_text(data, "long.docx")
        load_s.append(time.perf_counter() - started)
    figures: dict[str, object] = {
        "pages": args.pages,
        "characters": len(text),
        "tasks": tasks,
        "read_median_s": round(statistics.median(read_s), 3),
        "read_worst_s": round(max(read_s), 3),
        "docx_text_median_s": round(statistics.median(load_s), 3),
        "budget_s": BUDGET_S,
    }
    print(machine_line())
    print(
        f"{args.pages} pages ({len(text):,} characters, {tasks} tasks): read in "
        f"{figures['read_median_s']} s median, {figures['read_worst_s']} s worst "
        f"(budget {BUDGET_S} s); its .docx to text in {figures['docx_text_median_s']} s"
    )
    merge_results("intake", figures, args.results)
    return 0 if max(read_s) <= BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
