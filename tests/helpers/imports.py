"""Reading what a module imports, for the layering checks (tests/test_layering.py)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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


def package_of(path: Path) -> str:
    """The package a file's relative imports start from (its directory, as a dotted name)."""
    return ".".join(path.relative_to(ROOT).parent.parts)


def module_name(path: Path) -> str:
    """The dotted name of a module's file (a package's `__init__.py` is the package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)
