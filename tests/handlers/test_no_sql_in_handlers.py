"""handlers/ holds no SQL: every query and every rule of who sees what lives in a db/ service.

Read from the source, so the rule holds after the next change too. A handler module may:
- import enumerations from ``db.models`` at run time (``Role``, ``UpdateKind``: parsing and
  rendering need their values);
- import models and ``db.engine.Session`` under ``if TYPE_CHECKING:`` to annotate what a
  service hands it or what it hands a service (``Task``, ``Council``, ``Session``).
It may not import ``sqlmodel`` or ``sqlalchemy`` (even for types), import a model class at run
time (to construct or query it), or call the session itself (``session.exec``, ``get``, ``add``,
``delete``, ``flush``…): the session it opens with ``context.runtime.session()`` is only passed
on to services.
"""

from __future__ import annotations

import ast
import enum
from pathlib import Path

import pytest

import db.models

HANDLERS = Path(__file__).resolve().parents[2] / "handlers"
FORBIDDEN_PACKAGES = ("sqlmodel", "sqlalchemy")
SESSION_METHODS = {
    "add",
    "add_all",
    "commit",
    "delete",
    "exec",
    "execute",
    "flush",
    "get",
    "merge",
    "query",
    "refresh",
    "rollback",
    "scalar",
    "scalars",
}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import with whether it sits under ``if TYPE_CHECKING:``."""
    found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append((node, typing_only))
        for child in ast.iter_child_nodes(node):
            under = typing_only
            if isinstance(node, ast.If) and _is_type_checking(node.test) and child in node.body:
                under = True
            visit(child, under)

    visit(tree, False)
    return found


def _is_enum(name: str) -> bool:
    value = getattr(db.models, name, None)
    return isinstance(value, type) and issubclass(value, enum.Enum)


def violations(source: str) -> list[str]:
    """What in ``source`` (a handler module) breaks the rule, one line each."""
    tree = ast.parse(source)
    found: list[str] = []
    for node, typing_only in _imports(tree):
        modules = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
        )
        for module in modules:
            if module.split(".")[0] in FORBIDDEN_PACKAGES:
                found.append(f"line {node.lineno}: imports {module}")
        if isinstance(node, ast.Import):
            if any(alias.name == "db.models" for alias in node.names) and not typing_only:
                found.append(f"line {node.lineno}: imports db.models at run time")
            continue
        runtime_package = node.module == "db" and not typing_only
        if runtime_package and any(a.name in ("models", "engine") for a in node.names):
            found.append(f"line {node.lineno}: imports db.models or db.engine at run time")
        if node.module == "db.models" and not typing_only:
            found += [
                f"line {node.lineno}: imports the model {alias.name} at run time"
                for alias in node.names
                if not _is_enum(alias.name)
            ]
        if node.module == "db.engine" and not typing_only:
            found.append(f"line {node.lineno}: imports db.engine at run time")
    for call in ast.walk(tree):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr in SESSION_METHODS
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id.endswith("session")
        ):
            found.append(f"line {call.lineno}: calls {call.func.value.id}.{call.func.attr}")
    return found


@pytest.mark.parametrize("path", sorted(HANDLERS.glob("*.py")), ids=lambda path: path.name)
def test_a_handler_module_holds_no_sql(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "from sqlmodel import select",
        "import sqlalchemy",
        "from sqlalchemy.orm import Session",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sqlmodel import Session",
        "from db.models import Task",
        "import db.models",
        "from db import models",
        "from db.engine import Session",
        "def f(session):\n    return session.get(Council, 1)",
        "def f(session):\n    session.exec(query)",
        "def f(session):\n    session.delete(row)",
        "def f(db_session):\n    db_session.add(row)",
    ],
)
def test_the_check_sees_sql(source: str) -> None:
    assert violations(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "from db.models import Role, UpdateKind",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from db.models import Task",
        "import typing\nif typing.TYPE_CHECKING:\n    from db.engine import Session",
        "def f(context):\n    with context.runtime.session() as s:\n        g(session=s)",
        "def f(data):\n    return data.get('x')",
    ],
)
def test_the_check_allows_enums_types_and_passing_the_session_on(source: str) -> None:
    assert violations(source) == []
