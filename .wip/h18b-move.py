#!/usr/bin/env python3
"""Move bot/'s files into bot/outbound/ and bot/offline/ and rewrite every reference (issue 18).

Usage:  python3 /work/wt/h18b-move.py /path/to/repo [--ruff /path/to/ruff]

Re-runnable: a file already at its new place is left alone, and the rewrite rules never match
the new names, so running it twice changes nothing the second time. It does not commit; after
it, check `git status` and commit everything as one commit.

What it does, in order:
1. `git mv` each file of MOVES (bot/offline.py goes through a temporary name, because the
   folder bot/offline/ takes its name); a moved file one folder deeper gets its
   `Path(__file__)...parents[N]` raised by one.
2. Writes bot/outbound/__init__.py and bot/offline/__init__.py (docstrings) if missing.
3. Rewrites references in bot/ handlers/ db/ schedules/ tests/ bench/ docs/ examples/ and the
   top-level README.md, pyproject.toml, dev.py, config.example.toml: dotted module names
   (imports, monkeypatch targets, `python -m`), `from bot import <moved module>`, and paths
   (`bot/notices.py`).
4. `ruff check --fix` and `ruff format`, then prints what ruff still reports, and the mentions
   of the old file names it could not rewrite safely (bare `notices.py`, `bot/offline`).
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

OUTBOUND = [
    "reminder_messages",
    "notice_messages",
    "merged_messages",
    "meeting_text",
    "calendar_file",
    "import_report",
    "intake_view",
    "telegram_sender",
    "reminder_jobs",
    "broadcast_jobs",
    "report_files",
    "report_charts",
    "report_workbook",
]
# Moved when present (files other branches add): no complaint when absent.
OPTIONAL_OUTBOUND = ["send_budget_jobs"]  # the shared send budget's heartbeat job (issue 16)
# old module name under bot/ -> new dotted name
MODULES: dict[str, str] = {name: f"bot.outbound.{name}" for name in OUTBOUND + OPTIONAL_OUTBOUND}
MODULES["notices"] = "bot.outbound.broadcast_messages"
MODULES["fake_telegram"] = "bot.offline.fake_telegram"
MODULES["demo"] = "bot.offline.demo"
MODULES["offline"] = "bot.offline.driver"  # the module becomes a package: handled with care

OFFLINE_CHILDREN = ("driver", "fake_telegram", "demo")

INIT_DOCS = {
    "bot/outbound/__init__.py": '''"""What the bot says and sends on its own, outside a user's command.

The texts of reminders, notices, merged reminders, meetings (with their .ics file), broadcast
copies and reports, import results and a letter's proposal; the Telegram sender the dispatcher
delivers through; the sending jobs on PTB's JobQueue (reminders, broadcasts); the report's files
(workbook and chart). Handlers reuse some of these texts, but nothing here imports a handler.
"""
''',
    "bot/offline/__init__.py": '''"""The offline kit: the real Application without Telegram.

``fake_telegram`` stands in for the Bot API at the HTTP boundary, ``driver`` (OfflineBot) plays
users sending commands, texts, replies, button presses and documents, and ``demo`` is the
scripted ``councilbot demo``. Used by the tests, the benchmarks and the demo; never in production.
"""
''',
}

SCAN_DIRS = ("bot", "handlers", "db", "schedules", "tests", "bench", "docs", "examples")
SCAN_FILES = ("README.md", "pyproject.toml", "dev.py", "config.example.toml")
SCAN_SUFFIXES = {".py", ".md", ".toml", ".ini", ".cfg", ".txt", ".yml", ".yaml", ".rst"}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True)


def new_path(old: str) -> str:
    return MODULES[old].replace(".", "/") + ".py"


def move_files(repo: Path) -> list[str]:
    """git mv every file not moved yet; returns the problems met."""
    problems: list[str] = []
    order = ["offline", *[m for m in MODULES if m != "offline"]]
    for old in order:
        src = f"bot/{old}.py"
        dst = new_path(old)
        src_exists = (repo / src).is_file()
        dst_exists = (repo / dst).is_file()
        if not src_exists:
            if not dst_exists and old not in OPTIONAL_OUTBOUND:
                problems.append(f"neither {src} nor {dst} exists")
            continue
        if dst_exists:
            problems.append(f"both {src} and {dst} exist: merge them by hand")
            continue
        if old == "offline":
            tmp = "bot/_offline_driver_moving.py"
            git(repo, "mv", src, tmp)
            (repo / "bot/offline").mkdir(exist_ok=True)
            git(repo, "mv", tmp, dst)
        else:
            (repo / dst).parent.mkdir(parents=True, exist_ok=True)
            git(repo, "mv", src, dst)
        deepen_file_paths(repo / dst)
        print(f"moved {src} -> {dst}")
    return problems


def deepen_file_paths(path: Path) -> None:
    """A file one folder deeper reaches the repository root one parent further up."""
    text = path.read_text(encoding="utf-8")
    new = re.sub(
        r"(Path\(__file__\)(?:\.resolve\(\))?\.parents\[)(\d+)\]",
        lambda m: f"{m.group(1)}{int(m.group(2)) + 1}]",
        text,
    )
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"  raised Path(__file__).parents[...] by one in {path.name}")


def write_inits(repo: Path) -> None:
    for rel, doc in INIT_DOCS.items():
        path = repo / rel
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(doc, encoding="utf-8")
            git(repo, "add", rel)
            print(f"wrote {rel}")


def _from_bot_import(match: re.Match[str]) -> str:
    """`from bot import a, reminder_jobs` -> one line per package (moved names split out)."""
    indent, body = match.group(1), match.group(2)
    if "#" in body:
        return match.group(0)  # a comment inside: left for the hand pass (reported below)
    names = [n.strip() for n in body.strip().strip("()").split(",") if n.strip()]
    by_package: dict[str, list[str]] = {}
    for name in names:
        base = name.split()[0]
        if base in MODULES:
            package, _, module = MODULES[base].rpartition(".")
            by_package.setdefault(package, []).append(
                name if module == base else f"{module} as {name.split()[-1]}"
            )
        else:
            by_package.setdefault("bot", []).append(name)
    if list(by_package) == ["bot"]:
        return match.group(0)
    return "\n".join(
        f"{indent}from {package} import {', '.join(items)}" for package, items in by_package.items()
    )


FROM_BOT = re.compile(r"^([ \t]*)from bot import (\([^)]*\)|[^\n]+)$", re.MULTILINE)


def _dotted_rules() -> list[tuple[re.Pattern[str], str]]:
    rules = []
    for old, new in MODULES.items():
        if old == "offline":
            children = "|".join(OFFLINE_CHILDREN)
            pattern = (
                rf"(?<![\w.])bot\.offline\b(?!\.(?:{children})\b)"
                rf"(?!\s+import\s+\(?\s*(?:{children})\b)"
            )
        else:
            pattern = rf"(?<![\w.])bot\.{old}\b"
        rules.append((re.compile(pattern), new))
    return rules


def _path_rules() -> list[tuple[re.Pattern[str], str]]:
    rules = []
    for old, new in MODULES.items():
        new_slashed = new.replace(".", "/")
        if old == "offline":
            # Only the file: a bare bot/offline now names the folder.
            rules.append(
                (re.compile(r"(?<![\w.])(?<!tests/)bot/offline\.py\b"), "bot/offline/driver.py")
            )
        else:
            rules.append((re.compile(rf"(?<![\w.])(?<!tests/)bot/{old}\b"), new_slashed))
    return rules


DOTTED = _dotted_rules()
PATHS = _path_rules()


def rewrite(text: str, is_python: bool) -> str:
    if is_python:
        text = FROM_BOT.sub(_from_bot_import, text)
    for pattern, new in DOTTED:
        text = pattern.sub(new, text)
    for pattern, new in PATHS:
        text = pattern.sub(new, text)
    return text


def files_to_scan(repo: Path) -> list[Path]:
    found: list[Path] = []
    for folder in SCAN_DIRS:
        root = repo / folder
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in {"__pycache__", ".mypy_cache"}]
            for name in filenames:
                path = Path(dirpath) / name
                if path.suffix in SCAN_SUFFIXES:
                    found.append(path)
    found += [repo / name for name in SCAN_FILES if (repo / name).is_file()]
    return found


def rewrite_all(repo: Path) -> list[Path]:
    changed = []
    for path in files_to_scan(repo):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new = rewrite(text, path.suffix == ".py")
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


REPORT_MODULE = "bot/outbound/broadcast_report.py"
REPORT_FUNCTIONS = ("render_report", "report_keyboard")
REPORT_DOC = '''"""A broadcast's delivery report as text with its buttons (refresh, remind, resend).

Shown by /broadcasts and the report button (handlers/broadcasts.py) and posted to the author when
a broadcast finishes in the background (bot/outbound/broadcast_jobs.py); living here, neither of
those two imports the other.
"""

from __future__ import annotations

'''
LAZY_REPORT_IMPORT = re.compile(
    r"^[ \t]*from handlers\.broadcasts import render_report, report_keyboard[ \t]*\n(?:[ \t]*\n)?",
    re.MULTILINE,
)


def break_broadcast_loop(repo: Path) -> list[str]:
    """Move the report's text and keyboard out of handlers/broadcasts.py, which
    bot/outbound/broadcast_jobs.py imported back (a loop): both now import bot/outbound.

    Whatever their bodies are today: the functions, the constants only they use and a copy of
    every import of the handler's module go to the new module; ruff then drops the unused imports.
    """
    handler, target = repo / "handlers/broadcasts.py", repo / REPORT_MODULE
    jobs = repo / "bot/outbound/broadcast_jobs.py"
    if target.exists():
        return []
    if not handler.is_file() or not jobs.is_file():
        return [f"{REPORT_MODULE} not written: handlers/broadcasts.py or broadcast_jobs.py missing"]
    text = handler.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    functions = [
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in REPORT_FUNCTIONS
    ]
    if len(functions) != len(REPORT_FUNCTIONS):
        return [f"{REPORT_MODULE} not written: handlers/broadcasts.py lacks {REPORT_FUNCTIONS}"]
    jobs_text = jobs.read_text(encoding="utf-8")
    if not LAZY_REPORT_IMPORT.search(jobs_text):
        return [f"{REPORT_MODULE} not written: broadcast_jobs.py imports the report differently"]

    def start(node: ast.stmt) -> int:
        decorators: list[ast.expr] = getattr(node, "decorator_list", [])
        first = min([node.lineno, *(d.lineno for d in decorators)]) - 1
        while first > 0 and lines[first - 1].lstrip().startswith("#"):
            first -= 1  # the comment that explains it moves with it
        return first

    def segment(node: ast.stmt) -> str:
        return "".join(lines[start(node) : node.end_lineno])

    imports = [
        n
        for n in tree.body
        if (isinstance(n, ast.Import | ast.ImportFrom) and getattr(n, "module", "") != "__future__")
        or (isinstance(n, ast.If) and _is_type_checking(n))
    ]
    used = {n.id for f in functions for n in ast.walk(f) if isinstance(n, ast.Name)}
    constants = [
        n
        for n in tree.body
        if isinstance(n, ast.Assign)
        and all(isinstance(t, ast.Name) and t.id in used for t in n.targets)
    ]
    # A constant the handler still uses stays there too (a copy, reported).
    shared = [c for c in constants if _used_outside(tree, c, functions)]
    removed: list[ast.stmt] = [*functions, *(c for c in constants if c not in shared)]
    problems = [f"copied, not moved (the handler uses it too): {ast.unparse(c)}" for c in shared]

    module = REPORT_DOC + "".join(segment(n) for n in imports) + "\n\n"
    module += "".join(segment(c) for c in constants) + "\n\n"
    module += "\n\n".join(segment(f) for f in functions)
    target.write_text(module, encoding="utf-8")
    git(repo, "add", REPORT_MODULE)

    drop = sorted(((start(n), n.end_lineno or n.lineno) for n in removed), reverse=True)
    for first, last in drop:
        del lines[first:last]
    last_import = max(n.end_lineno or n.lineno for n in imports if not isinstance(n, ast.If))
    names = ", ".join(REPORT_FUNCTIONS)
    lines.insert(last_import, f"from bot.outbound.broadcast_report import {names}\n")
    handler.write_text("".join(lines), encoding="utf-8")

    jobs_text = LAZY_REPORT_IMPORT.sub("", jobs_text, count=1)
    jobs_tree = ast.parse(jobs_text)
    jobs_lines = jobs_text.splitlines(keepends=True)
    jobs_last = max(
        n.end_lineno or n.lineno
        for n in jobs_tree.body
        if isinstance(n, ast.Import | ast.ImportFrom)
    )
    jobs_lines.insert(
        jobs_last, "from bot.outbound.broadcast_report import render_report, report_keyboard\n"
    )
    jobs.write_text("".join(jobs_lines), encoding="utf-8")
    print(f"wrote {REPORT_MODULE}: the import loop broadcast_jobs <-> handlers.broadcasts is gone")
    return problems


def tidy_report_imports(repo: Path) -> None:
    """`from x import (\n    Name,\n)` left by ruff's removals, written on one line."""
    path = repo / REPORT_MODULE
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        tidy = re.sub(r"from (\S+) import \(\n\s+([\w ]+),\n\)", r"from \1 import \2", text)
        if tidy != text:
            path.write_text(tidy, encoding="utf-8")


def _used_outside(tree: ast.Module, constant: ast.Assign, functions: list[ast.FunctionDef]) -> bool:
    names = {t.id for t in constant.targets if isinstance(t, ast.Name)}
    for node in tree.body:
        if node is constant or node in functions:
            continue
        if any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node)):
            return True
    return False


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def leftovers(repo: Path) -> list[str]:
    """Mentions the rules leave alone on purpose: a person should read them."""
    names = "|".join(MODULES)
    bare = re.compile(rf"(?<![\w/.])(?:{names})\.py\b")
    comment_import = re.compile(r"^[ \t]*from bot import [^\n]*#", re.MULTILINE)
    found = []
    for path in files_to_scan(repo):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        rel = path.relative_to(repo)
        for number, line in enumerate(lines, 1):
            hits = bare.findall(line)
            # notices.py/demo.py etc. of other folders (handlers/notices.py) are fine; only a
            # line that also speaks of bot/ is worth a look.
            if hits and "bot" in line:
                found.append(f"{rel}:{number}: bare file name: {line.strip()[:120]}")
            if re.search(r"(?<![\w.])bot/offline\b(?!/|\.py)", line):
                found.append(f"{rel}:{number}: bot/offline (now a folder): {line.strip()[:120]}")
            if comment_import.match(line) and any(m in line for m in MODULES):
                found.append(f"{rel}:{number}: from-bot import with a comment: {line.strip()}")
    return found


def wrap_long_lines(repo: Path, reports: list[str], limit: int = 100) -> list[str]:
    """Re-wrap the too-long lines the rename made in comments and docstrings (prose only).

    A comment line is split into two comment lines; a docstring line is split at its last space
    before the limit, the rest going on the next line with the same indentation. Code lines are
    left alone and returned, for a person to fix.
    """
    by_file: dict[str, set[int]] = {}
    for report in reports:
        name, line_number = report.split(":")[:2]
        by_file.setdefault(name, set()).add(int(line_number))
    left: list[str] = []
    for name, numbers in by_file.items():
        path = repo / name
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        docstring_lines = _docstring_lines(text)
        for number in sorted(numbers, reverse=True):
            line = lines[number - 1]
            indent = line[: len(line) - len(line.lstrip())]
            if line.lstrip().startswith("# "):
                head, tail = _split(line.lstrip()[2:], limit - len(indent) - 2)
                if tail:
                    lines[number - 1 : number] = [f"{indent}# {head}", f"{indent}# {tail}"]
                    continue
            elif number in docstring_lines:
                head, tail = _split(line.lstrip(), limit - len(indent))
                if tail and tail.strip() not in {'"""', "'''"}:
                    lines[number - 1 : number] = [f"{indent}{head}", f"{indent}{tail}"]
                    continue
            left.append(f"{name}:{number}: line too long: {line.strip()[:100]}")
        path.write_text("\n".join(lines), encoding="utf-8")
    return left


def _split(body: str, width: int) -> tuple[str, str]:
    cut = body.rfind(" ", 0, width + 1)
    if cut <= 0:
        return body, ""
    return body[:cut], body[cut + 1 :]


def _docstring_lines(text: str) -> set[int]:
    numbers: set[int] = set()
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return numbers
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
                and first.end_lineno is not None
            ):
                numbers.update(range(first.lineno, first.end_lineno + 1))
    return numbers


def find_ruff(explicit: str | None, repo: Path) -> str | None:
    for candidate in (explicit, str(repo / ".venv/bin/ruff"), "/work/main/.venv/bin/ruff"):
        if candidate and Path(candidate).is_file():
            return candidate
    return shutil.which("ruff")


def run_ruff(ruff: str, repo: Path) -> None:
    def run(*args: str, quiet: bool = False) -> subprocess.CompletedProcess[str]:
        return subprocess.run([ruff, *args], cwd=repo, capture_output=quiet, text=True, check=False)

    def problems() -> list[str]:
        result = run("check", "--output-format", "concise", ".", quiet=True)
        return [line for line in result.stdout.splitlines() if re.match(r"^\S+:\d+:\d+:", line)]

    run("check", "--fix", "--quiet", ".", quiet=True)
    tidy_report_imports(repo)
    run("format", "--quiet", ".", quiet=True)
    long_lines = [line for line in problems() if " E501 " in line]
    if long_lines:
        for note in wrap_long_lines(repo, long_lines):
            print("  could not wrap " + note)
        run("format", "--quiet", ".", quiet=True)
    remaining = problems()
    if remaining:
        print("\nruff could not fix these (fix by hand):")
        for line in remaining:
            print("  " + line)
    else:
        print("ruff: clean")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--ruff", help="the ruff executable (default: the repo's .venv, then PATH)")
    args = parser.parse_args()
    repo: Path = args.repo.resolve()
    if not (repo / "bot").is_dir():
        print(f"{repo} has no bot/ folder", file=sys.stderr)
        return 2

    problems = move_files(repo)
    write_inits(repo)
    changed = rewrite_all(repo)
    print(f"rewrote references in {len(changed)} files")
    problems += break_broadcast_loop(repo)
    ruff = find_ruff(args.ruff, repo)
    if ruff:
        run_ruff(ruff, repo)
    else:
        problems.append("ruff not found: run `ruff check --fix . && ruff format .` yourself")
    notes = leftovers(repo)
    if notes:
        print("\nmentions left as they are (read them; most need no change):")
        for note in notes:
            print("  " + note)
    if problems:
        print("\nPROBLEMS:")
        for problem in problems:
            print("  " + problem)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
