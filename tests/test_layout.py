"""The tree's shape, as the developers' guide and issue 14 state it, checked by reading the
source (``ast``), so a change that breaks it fails here rather than in a reviewer's read:

- no Qt under ``app/services`` (the CLI and the tests use the services alone);
- imports point one way: ``cli``/``ui`` → ``services``; no service imports ``app.ui`` or
  ``app.cli``; inside services, ``storage`` imports no other service;
- no import cycle between the service packages (and the core modules);
- no project module imported from inside a function in ``app/services`` (a
  ``TYPE_CHECKING`` block is not an import at run time);
- every package says what it owns (a docstring in its ``__init__``);
- no module over 500 lines unless its docstring says why.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ROOT / "app" / "services"
MAX_LINES = 500
# How a long module states why it stays one: "One module although it passes 500 lines: …"
REASON = re.compile(r"\b\d{3,} lines\b")


def _modules() -> list[Path]:
    return sorted(SERVICES.rglob("*.py"))


def _dotted(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module: str) -> str | None:
    """The package (``app.services.<pkg>``) or core module a dotted name belongs to."""
    parts = module.split(".")
    if parts[:2] != ["app", "services"] or len(parts) < 3:
        return None
    return parts[2]


def _imports(tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node, node.module
            for alias in node.names:
                yield node, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name


def _runtime_toplevel(tree: ast.Module) -> set[int]:
    """ids of the import statements that run when the module is imported: at module level,
    including inside a module-level ``try``/``if`` but not ``if TYPE_CHECKING:``."""
    found: set[int] = set()

    def visit(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                found.add(id(stmt))
            elif isinstance(stmt, ast.If):
                if not (isinstance(stmt.test, ast.Name) and stmt.test.id == "TYPE_CHECKING"):
                    visit(stmt.body)
                visit(stmt.orelse)
            elif isinstance(stmt, ast.Try):
                visit(stmt.body)
                for handler in stmt.handlers:
                    visit(handler.body)
                visit(stmt.orelse)
                visit(stmt.finalbody)
    visit(tree.body)
    return found


def _type_checking_only(tree: ast.Module) -> set[int]:
    found: set[int] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Name) \
                and stmt.test.id == "TYPE_CHECKING":
            found.update(id(n) for n in ast.walk(stmt))
    return found


def _parsed() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text("utf-8")) for path in _modules()}


PARSED = _parsed()


def test_no_qt_and_no_ui_in_services() -> None:
    offenders = [f"{path.relative_to(ROOT)}: {name}" for path, tree in PARSED.items()
                 for _, name in _imports(tree)
                 if name.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6")
                 or name.startswith(("app.ui", "app.cli"))]
    assert offenders == []


def test_storage_imports_no_other_service() -> None:
    offenders = [f"{path.relative_to(ROOT)}: {name}" for path, tree in PARSED.items()
                 if _unit(_dotted(path)) == "storage"
                 for _, name in _imports(tree)
                 if _unit(name) not in (None, "storage")]
    assert offenders == []


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path, tree in PARSED.items():
        source = _unit(_dotted(path))
        if source is None:
            continue
        typing_only = _type_checking_only(tree)
        for node, name in _imports(tree):
            target = _unit(name)
            if target and target != source and id(node) not in typing_only \
                    and ((SERVICES / target).exists() or (SERVICES / f"{target}.py").exists()):
                graph.setdefault(source, set()).add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_service_packages() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# The README's layout order: a package imports only those before it (core modules first).
LAYERS = ["storage", "bounce", "history", "mail", "team", "setup", "domain_health", "outbox",
          "tracking"]


def test_packages_import_only_the_layers_before_them() -> None:
    packages = {p.name for p in SERVICES.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(LAYERS), "a new package needs its place in LAYERS and the README"
    rank = {name: i for i, name in enumerate(LAYERS)}
    backwards = sorted(f"{a} -> {b}" for a, targets in _graph().items() for b in targets
                       if b in rank and rank.get(a, -1) <= rank[b])
    assert backwards == []


def test_no_project_import_inside_a_function_in_services() -> None:
    offenders = []
    for path, tree in PARSED.items():
        toplevel = _runtime_toplevel(tree) | _type_checking_only(tree)
        offenders += [f"{path.relative_to(ROOT)}:{node.lineno}: {name}"
                      for node, name in _imports(tree)
                      if name.startswith("app.") and id(node) not in toplevel]
    assert sorted(set(offenders)) == []


@pytest.mark.parametrize("package", sorted(p.parent.relative_to(ROOT).as_posix()
                                           for p in SERVICES.rglob("__init__.py")))
def test_every_package_says_what_it_owns(package: str) -> None:
    doc = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text("utf-8")))
    assert doc and len(doc.split()) >= 8, f"{package}/__init__.py has no docstring to speak of"


def test_no_long_module_without_a_stated_reason() -> None:
    long = []
    for path in [*_modules(), *sorted((ROOT / "app").glob("*.py")),
                 *sorted((ROOT / "app" / "ui").rglob("*.py"))]:
        lines = path.read_text("utf-8").count("\n")
        doc = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
        if lines > MAX_LINES and not REASON.search(doc):
            long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert long == []
