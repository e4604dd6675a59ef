"""The layers: ``data/`` at the bottom, ``matchers/`` above it, ``dashboard/`` on top.

``data/`` imports nothing from ``matchers/`` or ``dashboard/``; neither ``data/`` nor ``matchers/``
imports ``dashboard/`` or Streamlit. Every import counts, including one inside a function, a
relative one, and ``importlib.import_module("...")`` with a literal name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: For each layer, the top-level packages it must never import.
FORBIDDEN: dict[str, frozenset[str]] = {
    "data": frozenset({"matchers", "dashboard", "streamlit"}),
    "matchers": frozenset({"dashboard", "streamlit"}),
}


def _imported_names(tree: ast.AST, package: str) -> Iterator[tuple[int, str]]:
    """Every module a syntax tree imports, wherever the import sits, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # "from . import x" stays inside the package it is written in
                yield node.lineno, package
            elif node.module:
                yield node.lineno, node.module
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", ""))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def violations(root: Path) -> list[str]:
    """Imports that run against the layers, as "file:line imports module"."""
    found: list[str] = []
    for layer, forbidden in FORBIDDEN.items():
        for path in sorted((root / layer).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for line, module in _imported_names(tree, layer):
                if module.split(".")[0] in forbidden:
                    found.append(f"{path.relative_to(root)}:{line} imports {module}")
    return found


def test_the_layers_hold_in_every_module() -> None:
    assert violations(ROOT) == []


@pytest.mark.parametrize(
    ("layer", "code"),
    [
        ("data", "def load():\n    from matchers.profile import SITES\n    return SITES\n"),
        ("data", "import dashboard.state\n"),
        ("matchers", "def draw():\n    import streamlit as st\n    st.write('x')\n"),
        ("matchers", "import importlib\nst = importlib.import_module('streamlit')\n"),
        ("matchers", "class A:\n    def f(self):\n        from dashboard import components\n"),
    ],
)
def test_a_planted_violation_is_caught(tmp_path: Path, layer: str, code: str) -> None:
    for package in FORBIDDEN:
        (tmp_path / package).mkdir()
    (tmp_path / layer / "planted.py").write_text(code, encoding="utf-8")
    found = violations(tmp_path)
    assert len(found) == 1 and found[0].startswith(f"{layer}/planted.py:"), found


def test_importing_the_logic_packages_loads_no_streamlit() -> None:
    """Belt and braces: importing every module of matchers/ and data/ in a fresh interpreter."""
    import subprocess
    import sys

    modules = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for package in ("matchers", "data")
        for p in (ROOT / package).rglob("*.py")
        if p.name != "__init__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('streamlit', 'dashboard')]\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
