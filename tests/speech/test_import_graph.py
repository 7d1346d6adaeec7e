"""The speech package's modules import each other in one direction only (no cycles)."""

from __future__ import annotations

import ast
from pathlib import Path

import audiocast.speech

PACKAGE = Path(audiocast.speech.__file__).parent


def _imports(path: Path) -> set[str]:
    """Sibling modules a speech module imports, at any level (function-level imports count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("audiocast.speech."):
            found.add(node.module.split(".")[2])
    return found


def test_speech_modules_have_no_import_cycle():
    graph = {p.stem: _imports(p) & {q.stem for q in PACKAGE.glob("*.py")} - {"__init__"}
             for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert {"rules", "languages", "english", "normalize"} <= set(graph)

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        for imported in graph[module]:
            visit(imported, (*path, module))

    for module in graph:
        visit(module, ())
    assert "normalize" not in graph["english"] and "languages" not in graph["english"]
