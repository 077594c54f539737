"""The domain stays independent of the web layer (style.md, habits 2 and 3).

* ``reviews/scoring.py`` imports nothing but the standard library, so the worker, the API, the
  pages and the benchmark can all call the same rules.
* The domain modules of every app (models, services, selectors, tasks, scoring) never import
  the web layer: views, API modules, serializers, forms, or Django REST framework.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("departments", "kpis", "reviews")
DOMAIN_MODULES = frozenset({"models", "services", "selectors", "tasks", "scoring"})
WEB_LAYER = frozenset({"views", "api", "apis", "serializers", "forms"})
WEB_PACKAGES = frozenset({"rest_framework"})


def imported_modules(source: str, package: str = "") -> Iterator[str]:
    """Every module a source imports, anywhere in it (functions included), as dotted names.

    ``from a import b`` yields both ``a`` and ``a.b`` (b may be a module); relative imports
    are resolved against ``package``.
    """
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                base_parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            if base:
                yield base
            for alias in node.names:
                if alias.name != "*":
                    yield f"{base}.{alias.name}" if base else alias.name


def web_layer_imports(source: str, package: str = "") -> list[str]:
    found = []
    for module in imported_modules(source, package):
        parts = module.split(".")
        if parts[0] in WEB_PACKAGES or WEB_LAYER.intersection(parts):
            found.append(module)
    return found


def domain_files() -> list[Path]:
    files = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT / app)
            if "migrations" in relative.parts:
                continue
            # A module, or a module grown into a package (services/__init__.py, …).
            names = {path.stem, *relative.parts[:-1]}
            if names & DOMAIN_MODULES:
                files.append(path)
    return files


def package_of(path: Path) -> str:
    """The package a file's relative imports start from (its directory, as a dotted name)."""
    return ".".join(path.relative_to(ROOT).parent.parts)


def test_the_scoring_rules_import_only_the_standard_library() -> None:
    source = (ROOT / "reviews" / "scoring.py").read_text(encoding="utf-8")
    modules = set(imported_modules(source, "reviews"))
    assert modules, "reviews/scoring.py should import at least the decimal module"
    roots = {module.split(".")[0] for module in modules}
    outside = sorted(root for root in roots if root not in sys.stdlib_module_names)
    assert outside == [], f"reviews/scoring.py imports outside the standard library: {outside}"


def test_the_domain_modules_are_found() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in domain_files()}
    assert {"reviews/scoring.py", "reviews/models.py", "kpis/models.py"} <= names


@pytest.mark.parametrize("path", domain_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_domain_never_imports_the_web_layer(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    found = web_layer_imports(source, package_of(path))
    assert found == [], f"{path.relative_to(ROOT)} imports the web layer: {found}"


@pytest.mark.parametrize(
    ("source", "package", "expected"),
    [
        ("from reviews import views", "reviews", ["reviews.views"]),
        (
            "from reviews.api import ReviewSerializer",
            "reviews",
            ["reviews.api", "reviews.api.ReviewSerializer"],
        ),
        ("import rest_framework.serializers", "reviews", ["rest_framework.serializers"]),
        (
            "from rest_framework import status",
            "reviews",
            ["rest_framework", "rest_framework.status"],
        ),
        ("from . import forms", "departments", ["departments.forms"]),
        ("from .apis import payroll", "reviews", ["reviews.apis", "reviews.apis.payroll"]),
        (
            "def f():\n    from kpis.serializers import KpiSerializer\n",
            "kpis",
            ["kpis.serializers", "kpis.serializers.KpiSerializer"],
        ),
        ("from reviews import scoring, services", "reviews", []),
        ("from decimal import Decimal", "reviews", []),
    ],
)
def test_the_layering_check_recognises_web_layer_imports(
    source: str, package: str, expected: list[str]
) -> None:
    assert web_layer_imports(source, package) == expected
