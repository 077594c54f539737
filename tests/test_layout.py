"""The tests mirror the code, one convention everywhere:

* the test module of the module `a/b/c.py` (or of the package `a/b/c/`) is `tests/a/b/test_c.py`;
  several for one module add an aspect: `tests/a/b/test_c_<aspect>.py` (for example
  tests/reviews/test_scoring_properties.py, tests/departments/test_views_roster.py);
* a journey through several pages (or endpoints) of a package lives in that package's directory
  and is listed in JOURNEYS;
* only the checks of the whole project, and of the tests themselves, are at the top of tests/;
* fixtures live in tests/fixtures/, registered by tests/conftest.py, the only conftest; plain
  helpers in tests/helpers/. No module of the tests imports from a conftest or from a test
  module: they import helpers from tests.helpers;
* every directory of the tests is a package, since test module names repeat (test_api.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.imports import ROOT, imported_modules, package_of

TESTS = ROOT / "tests"
TOP_LEVEL = frozenset(
    {
        "test_layering.py",
        "test_translations.py",
        "test_docs.py",
        "test_deploy.py",
        "test_layout.py",
        "test_fixtures.py",
    }
)
# Journeys that cross several pages or endpoints of one package, named for what they do.
JOURNEYS = {
    "tests/reviews/pages/test_whole_quarter.py": "a whole quarter in the browser",
    "tests/reviews/api/test_whole_quarter.py": "a whole quarter over the API",
    "tests/reviews/pages/test_employee_loop.py": "the employee's side of a quarter in the browser",
    "tests/reviews/pages/test_quarter_at_scale.py": "a department's quarter at human scale",
    "tests/notifications/test_quarter_notifications.py": "a quarter's events told by a worker",
}
# Directories of the project that hold no code of its own.
SKIPPED_DIRECTORIES = frozenset({"__pycache__", "node_modules", "staticfiles", "build"})


def is_package(path: Path) -> bool:
    """A directory of Python modules."""
    return path.is_dir() and any(path.glob("*.py"))


def mirror_of(test_module: Path) -> Path | None:
    """The module or package that a test module below the top of tests/ mirrors, or None.

    For tests/a/b/test_c_d.py: a/b/c_d.py or the package a/b/c_d/, then a/b/c.py or a/b/c/.
    """
    relative = test_module.relative_to(TESTS)
    folder = ROOT.joinpath(*relative.parts[:-1])
    words = relative.stem.removeprefix("test_").split("_")
    for end in range(len(words), 0, -1):
        name = "_".join(words[:end])
        module, package = folder / f"{name}.py", folder / name
        if module.is_file():
            return module
        if is_package(package):
            return package
    return None


def forbidden_imports(source: str, package: str) -> list[str]:
    """The conftests and test modules that a source imports (it should import helpers from
    tests.helpers instead)."""
    found = set()
    for name in imported_modules(source, package):
        parts = name.split(".")
        if parts[0] != "tests" and len(parts) > 1:
            continue  # a module of the project or a library (hrperf.test_settings is no test)
        for end, part in enumerate(parts, start=1):
            if part == "conftest" or part.startswith("test_"):
                found.add(".".join(parts[:end]))
                break
    return sorted(found)


def project_files(name: str) -> Iterator[Path]:
    """The files of that name in the project, outside hidden and generated directories."""
    for folder, directories, files in os.walk(ROOT):
        directories[:] = [
            d for d in directories if not d.startswith(".") and d not in SKIPPED_DIRECTORIES
        ]
        if name in files:
            yield Path(folder) / name


def all_test_modules() -> list[Path]:
    return sorted(TESTS.rglob("test_*.py"))


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_every_test_module_mirrors_a_module_or_package_of_the_project() -> None:
    unplaced = [
        relative(path)
        for path in all_test_modules()
        if path.parent != TESTS and relative(path) not in JOURNEYS and mirror_of(path) is None
    ]
    assert unplaced == [], (
        f"name these after the module they test (tests/a/b/test_c.py for a/b/c.py): {unplaced}"
    )


@pytest.mark.parametrize("journey", sorted(JOURNEYS))
def test_a_journey_lives_in_the_directory_of_the_package_it_crosses(journey: str) -> None:
    path = ROOT / journey
    assert path.is_file(), f"{journey} is listed in JOURNEYS but does not exist"
    package = ROOT.joinpath(*path.relative_to(TESTS).parts[:-1])
    assert is_package(package), f"{journey}: {relative(package)} is not a package"


def test_only_the_checks_of_the_whole_project_are_at_the_top() -> None:
    assert {path.name for path in TESTS.glob("test_*.py")} == TOP_LEVEL


def test_the_only_conftest_is_the_one_of_the_tests() -> None:
    assert [relative(path) for path in project_files("conftest.py")] == ["tests/conftest.py"]


def test_every_directory_of_the_tests_is_a_package() -> None:
    folders = [TESTS, *(p for p in TESTS.rglob("*") if p.is_dir())]
    skipped = [f for f in folders if f.name.startswith(".") or f.name in SKIPPED_DIRECTORIES]
    assert [
        relative(f)
        for f in folders
        if not (f / "__init__.py").is_file() and not set(skipped) & {f, *f.parents}
    ] == []


def test_no_module_of_the_tests_imports_a_conftest_or_a_test_module() -> None:
    offending = {
        relative(path): found
        for path in sorted(TESTS.rglob("*.py"))
        if (found := forbidden_imports(path.read_text(encoding="utf-8"), package_of(path)))
    }
    assert offending == {}, "import helpers from tests.helpers instead"


# -- the checks themselves ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("test_module", "mirrored"),
    [
        ("tests/reviews/test_scoring.py", "reviews/scoring.py"),
        ("tests/reviews/test_scoring_properties.py", "reviews/scoring.py"),
        ("tests/departments/test_views_roster_import.py", "departments/views.py"),
        ("tests/reviews/pages/test_review_concurrency.py", "reviews/pages/review.py"),
        ("tests/reviews/pages/test_review_list.py", "reviews/pages/review_list.py"),
        ("tests/departments/test_catalogue.py", "departments/catalogue"),
        ("tests/reviews/files/test_reports.py", "reviews/files/reports.py"),
        ("tests/hrperf/test_settings.py", "hrperf/settings.py"),
        (
            "tests/departments/management/commands/test_load_demo.py",
            "departments/management/commands/load_demo.py",
        ),
        ("tests/reviews/test_worker.py", None),
        ("tests/api/test_reviews.py", None),
        ("tests/reviews/pages/test_whole_quarter.py", None),
        ("tests/helpers/test_pages.py", None),
    ],
)
def test_the_mirror_of_a_test_module_is_found_by_its_name(
    test_module: str, mirrored: str | None
) -> None:
    found = mirror_of(ROOT / test_module)
    assert (relative(found) if found else None) == mirrored


@pytest.mark.parametrize(
    ("source", "package", "expected"),
    [
        (
            "from tests.reviews.conftest import WORKED_EXAMPLES",
            "tests.api",
            ["tests.reviews.conftest"],
        ),
        ("from tests.conftest import skip_or_fail", "tests", ["tests.conftest"]),
        (
            "from tests.pages.test_dashboard import figures",
            "tests.pages",
            ["tests.pages.test_dashboard"],
        ),
        ("import tests.test_bench", "tests.bench", ["tests.test_bench"]),
        ("from .conftest import post", "tests.browser", ["tests.browser.conftest"]),
        ("from . import test_services", "tests.reviews", ["tests.reviews.test_services"]),
        (
            "def f():\n    from tests.pages.conftest import complete\n",
            "tests",
            ["tests.pages.conftest"],
        ),
        ("from conftest import PASSWORD", "tests", ["conftest"]),
        ("from tests.helpers.pages import figures, section", "tests.reviews.pages", []),
        ("from tests.helpers import imports", "tests", []),
        ("from hrperf import test_settings", "tests.hrperf", []),
        ("from django.test import Client", "tests", []),
    ],
)
def test_imports_of_a_conftest_or_a_test_module_are_found(
    source: str, package: str, expected: list[str]
) -> None:
    assert forbidden_imports(source, package) == expected
