"""The setup modules import what they use at the top (issue 14: no service imported inside
a function), and each imports on its own in a fresh interpreter: no import cycle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SETUP = Path(__file__).resolve().parents[3] / "app" / "services" / "setup"
# The modules of the account workflow (connection_check's runner has its own owner).
MODULES = ["accounts", "clientconfig", "discovery", "endpoint", "endpoint_choice",
           "new_account", "presets", "retest", "sign_in"]


def _imports_inside_functions(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("app"):
                    found.append(f"{node.name}: from {inner.module} import …")
                elif isinstance(inner, ast.Import) and any(
                        alias.name.startswith("app") for alias in inner.names):
                    found.append(f"{node.name}: import …")
    return found


@pytest.mark.parametrize("module", MODULES)
def test_no_service_imported_inside_a_function(module: str) -> None:
    source = (SETUP / f"{module}.py").read_text(encoding="utf-8")
    assert _imports_inside_functions(source) == []


def test_the_check_sees_an_import_inside_a_function() -> None:
    assert _imports_inside_functions(
        "def f():\n    from app.services import errors\n") == ["f: from app.services import …"]


@pytest.mark.parametrize("module", MODULES)
def test_imports_alone_without_a_cycle(module: str) -> None:
    proc = subprocess.run([sys.executable, "-c", f"import app.services.setup.{module}"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
