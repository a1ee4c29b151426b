"""The layout holds: no import loops between modules, and the lower layers stay below.

Read from the source (ast), not by importing, so every import counts — those inside functions
too, which is where a loop usually hides. Imports under ``if TYPE_CHECKING:`` are left out of the
loop check (they never run) but not out of the layer check (a service that names a Telegram type
already depends on Telegram).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "db", "schedules")
# What db/ and schedules/ (the rules, the rows and the time) must never import.
ABOVE_SERVICES = ("telegram", "handlers", "bot")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def our_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts  # Alembic's scripts are loaded by Alembic, not imported
    }


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_names(path: Path, *, with_type_checking: bool) -> Iterator[str]:
    """Every dotted name an import in the file reaches: `from a.b import c` gives a.b and a.b.c."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]

    def walk(node: ast.AST) -> Iterator[str]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child) and not with_type_checking:
                yield from (name for branch in child.orelse for name in walk_one(branch))
                continue
            yield from walk_one(child)

    def walk_one(node: ast.AST) -> Iterator[str]:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)
        yield from walk(node)

    yield from walk(tree)


def dependencies(modules: dict[str, Path], *, with_type_checking: bool) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        reached = set()
        for imported in imported_names(path, with_type_checking=with_type_checking):
            # `from bot import update_scope` reaches the module; `from db.models import Task`
            # reaches db.models (db.models.Task is no module). Package __init__s import nothing
            # of ours, so an edge to a package itself can take part in no loop.
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and modules[imported].name != "__init__.py":
                reached.add(imported)
        graph[name] = reached
    return graph


def import_loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return loops


def test_the_walk_sees_the_packages_and_their_imports() -> None:
    """Guards the two tests below against passing because they read nothing."""
    modules = our_modules()
    graph = dependencies(modules, with_type_checking=False)
    assert {"bot.application", "handlers.broadcasts", "db.models", "schedules.dispatcher"} <= set(
        modules
    )
    assert "bot.outbound.broadcast_jobs" in graph["handlers.broadcasts"]
    assert "schedules.broadcaster" in graph["bot.outbound.broadcast_jobs"]
    sender = imported_names(modules["bot.outbound.telegram_sender"], with_type_checking=True)
    assert any(name.startswith("telegram.") for name in sender)


def test_a_loop_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_loops(graph) == [["a", "b", "c"]]


def test_no_import_loops_between_modules() -> None:
    graph = dependencies(our_modules(), with_type_checking=False)
    loops = import_loops(graph)
    described = [
        " -> ".join(loop)
        + "; edges: "
        + "; ".join(f"{a} -> {b}" for a in loop for b in sorted(graph[a]) if b in loop)
        for loop in loops
    ]
    assert not loops, "import loops:\n" + "\n".join(described)


def test_services_and_time_never_import_telegram_handlers_or_bot() -> None:
    found = []
    for name, path in our_modules().items():
        if not name.startswith(("db", "schedules")):
            continue
        for imported in imported_names(path, with_type_checking=True):
            top = imported.split(".")[0]
            if top in ABOVE_SERVICES:
                found.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert not found, "\n".join(sorted(set(found)))
