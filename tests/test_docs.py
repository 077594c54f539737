"""The architecture and scaling pages stay true: every module, class and function they name
exists, and so does every file they point to."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = (ROOT / "docs" / "architecture.md", ROOT / "docs" / "scaling.md")
APPS = (
    "hrperf",
    "departments",
    "kpis",
    "reviews",
    "payroll",
    "clients",
    "accounts",
    "bench",
    "calendars",
    "evidence",
    "selfassessments",
    "appeals",
    "improvement",
    "printouts",
)
CODE = re.compile(r"`([^`\s]+)`")


def named(pattern: str) -> list[str]:
    """The dotted names (`reviews.services.transitions.review_submit`) or the paths
    (`reviews/scoring.py`) the page gives in backticks."""
    found = []
    texts = "\n".join(page.read_text(encoding="utf-8") for page in PAGES)
    for text in CODE.findall(texts):
        text = text.rstrip("(),.")
        if re.fullmatch(pattern, text) and text.split(".")[0].split("/")[0] in APPS:
            found.append(text)
    return sorted(set(found))


def resolve(dotted: str) -> object:
    """The module, or the attribute of the longest importable module prefix."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ModuleNotFoundError(dotted)


DOTTED = named(r"[a-z_]+(\.[A-Za-z_][A-Za-z0-9_]*)+")
PATHS = named(r"[a-z_]+/[a-z_/]*(\.py|/)?")


def test_the_page_names_code_at_all() -> None:
    assert "reviews.services.transitions.review_approve" in DOTTED
    assert "reviews/scoring.py" in PATHS
    assert "hrperf.lib.replica.read_alias" in DOTTED  # named by the scaling page


@pytest.mark.parametrize("dotted", DOTTED)
def test_a_name_on_the_page_exists(dotted: str) -> None:
    assert resolve(dotted) is not None


@pytest.mark.parametrize("path", PATHS)
def test_a_path_on_the_page_exists(path: str) -> None:
    assert (ROOT / path).exists(), path
