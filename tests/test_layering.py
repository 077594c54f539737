"""The layers of the project (docs/architecture.md), checked on every module's imports.

Every application module has a layer, known by its path:

* pure: the scoring rules (`reviews/scoring.py`) and number formatting: the standard library
  only, so the worker, the API, the pages and the benchmark all call the same code;
* lib: the shared pieces of `hrperf/lib`, which import no app (but `roles`, which reads a
  login's employee record);
* domain: models, services, selectors, the workflow table, audit events, policies, the readers
  and writers of files…: never the web layer;
* tasks: thin, they call their own app's services and nothing else of the project;
* web: pages, the API, forms, URLs, admin, template tags, the page and upload helpers;
* config: settings, the database roles, the Celery app, app configs, management commands.

And: a selector never imports a service (the read side never depends on the write side);
models import no service, selector or web module. A module the table below does not place
fails the check until it is given a layer.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers.imports import (
    ROOT,
    imported_modules,
    module_name,
    package_of,
    web_layer_imports,
)

NEW_APPS = (
    "calendars",
    "evidence",
    "selfassessments",
    "appeals",
    "improvement",
    "printouts",
    "notifications",
)
DOMAIN_APPS = ("departments", "kpis", "reviews", "payroll", "clients", "accounts", *NEW_APPS)
APPS = ("hrperf", *DOMAIN_APPS)
PURE = frozenset({"reviews/scoring.py", "hrperf/lib/numbers.py", "calendars/workdays.py"})
# By a name in the module's path (its own name or a package it is in).
WEB_NAMES = frozenset(
    {"views", "api", "api_urls", "pages", "forms", "urls", "admin", "serializers", "templatetags"}
)
WEB_FILES = frozenset(
    {
        "hrperf/api_urls.py",
        "hrperf/health.py",
        "hrperf/context_processors.py",
        "hrperf/errors.py",
        "hrperf/headers.py",
        "hrperf/lib/pages.py",
        "hrperf/lib/uploads.py",
        "payroll/permissions.py",
    }
)
DOMAIN_NAMES = frozenset(
    {
        "models",
        "services",
        "selectors",
        "workflow",
        "events",
        "policies",
        "inputs",
        "messages",
        "catalogue",
        "catalogue_checker",
        "catalogue_sync",
        "roster",
        "values",
        "files",
        "tokens",
        "webhooks",
        "addresses",
        "lockouts",
        "robots",
        "channels",
    }
)
CONFIG_FILES = frozenset(
    {
        "hrperf/__init__.py",
        "hrperf/settings.py",
        "hrperf/test_settings.py",
        "hrperf/env.py",
        "hrperf/dbroles.py",
        "hrperf/logs.py",
        "hrperf/celery.py",
        "hrperf/wsgi.py",
    }
)
# What the domain may not import, besides the web modules of the project.
WEB_LIBRARIES = (
    "rest_framework",
    "drf_spectacular",
    "django.forms",
    "django.http",
    "django.shortcuts",
    "django.views",
    "django.urls",
    "django.template",
)
DOMAIN_MODULES = frozenset({"models", "services", "selectors", "tasks", "scoring"})


def layer_of(relative: str) -> str:
    path = Path(relative)
    names = {*path.parts[1:-1], path.stem}
    if relative in PURE:
        return "pure"
    if relative in WEB_FILES or names & WEB_NAMES:
        return "web"
    if relative in CONFIG_FILES or path.stem == "apps" or "management" in path.parts:
        return "config"
    if path.parts[0] == "hrperf" and path.parts[1] == "lib":
        return "lib"
    if path.stem == "tasks":
        return "tasks"
    if names & DOMAIN_NAMES:
        return "domain"
    if path.name == "__init__.py" and len(path.parts) == 2:
        return "config"  # an app's package
    return "unknown"


def app_files() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


FILES = app_files()
MODULES = {module_name(path): relative(path) for path in FILES}


def project_imports(path: Path) -> set[str]:
    """The project's modules the file imports (as their files, relative to the root)."""
    source = path.read_text(encoding="utf-8")
    found = set()
    for name in imported_modules(source, package_of(path)):
        # `from reviews import services` names the app's package only as a namespace.
        if name in MODULES and name not in APPS:
            found.add(MODULES[name])
    return found


def library_imports(path: Path, libraries: tuple[str, ...]) -> list[str]:
    source = path.read_text(encoding="utf-8")
    return sorted(
        {
            name
            for name in imported_modules(source, package_of(path))
            if any(name == lib or name.startswith(f"{lib}.") for lib in libraries)
        }
    )


def files_of(*layers: str) -> list[Path]:
    return [path for path in FILES if layer_of(relative(path)) in layers]


def domain_files() -> list[Path]:
    return files_of("domain", "pure", "tasks")


def ids(path: Path) -> str:
    return relative(path)


def test_every_module_has_a_layer() -> None:
    unplaced = [relative(path) for path in FILES if layer_of(relative(path)) == "unknown"]
    assert unplaced == [], f"give these modules a layer in tests/test_layering.py: {unplaced}"


def test_the_scoring_rules_import_only_the_standard_library() -> None:
    source = (ROOT / "reviews" / "scoring.py").read_text(encoding="utf-8")
    modules = set(imported_modules(source, "reviews"))
    assert modules, "reviews/scoring.py should import at least the decimal module"
    roots = {module.split(".")[0] for module in modules}
    outside = sorted(root for root in roots if root not in sys.stdlib_module_names)
    assert outside == [], f"reviews/scoring.py imports outside the standard library: {outside}"


@pytest.mark.parametrize("path", files_of("pure"), ids=ids)
def test_a_pure_module_imports_only_the_standard_library(path: Path) -> None:
    modules = imported_modules(path.read_text(encoding="utf-8"), package_of(path))
    roots = {module.split(".")[0] for module in modules} - {"__future__"}
    assert sorted(root for root in roots if root not in sys.stdlib_module_names) == []


def test_the_domain_modules_are_found() -> None:
    names = {relative(path) for path in domain_files()}
    assert {"reviews/scoring.py", "reviews/models.py", "kpis/models.py"} <= names
    assert {
        "reviews/workflow.py",
        "reviews/events.py",
        "reviews/files/figures.py",
        "reviews/selectors/reports.py",
        "payroll/selectors.py",
        "departments/roster.py",
        "departments/catalogue/check.py",
        "kpis/catalogue.py",
    } <= names


@pytest.mark.parametrize("path", domain_files(), ids=ids)
def test_the_domain_never_imports_the_web_layer(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    found = web_layer_imports(source, package_of(path))
    assert found == [], f"{relative(path)} imports the web layer: {found}"
    web = sorted(name for name in project_imports(path) if layer_of(name) == "web")
    assert web == [], f"{relative(path)} imports the web layer: {web}"
    libraries = library_imports(path, WEB_LIBRARIES)
    assert libraries == [], f"{relative(path)} imports web libraries: {libraries}"


@pytest.mark.parametrize(
    "path",
    [path for path in FILES if "selectors" in path.parts or path.stem == "selectors"],
    ids=ids,
)
def test_a_selector_never_imports_a_service(path: Path) -> None:
    services = sorted(
        name for name in project_imports(path) if "services" in Path(name).with_suffix("").parts
    )
    assert services == [], f"{relative(path)} (a read) imports the write side: {services}"


@pytest.mark.parametrize("path", [path for path in FILES if path.stem == "models"], ids=ids)
def test_the_models_import_no_service_selector_or_web_module(path: Path) -> None:
    above = sorted(
        name
        for name in project_imports(path)
        if layer_of(name) == "web" or {"services", "selectors"} & set(Path(name).parts)
    )
    assert above == [], f"{relative(path)} imports from above the models: {above}"


@pytest.mark.parametrize("path", files_of("tasks"), ids=ids)
def test_a_task_module_calls_its_own_services_only(path: Path) -> None:
    app = Path(relative(path)).parts[0]
    others = sorted(
        name
        for name in project_imports(path)
        if Path(name).parts[0] != app or "services" not in Path(name).with_suffix("").parts
    )
    assert others == [], f"{relative(path)} reaches past its services: {others}"


@pytest.mark.parametrize("path", files_of("lib"), ids=ids)
def test_the_shared_library_imports_no_app(path: Path) -> None:
    apps = sorted(name for name in project_imports(path) if Path(name).parts[0] in DOMAIN_APPS)
    if relative(path) == "hrperf/lib/roles.py":
        assert apps == ["departments/models.py"]  # a login's employee record
    else:
        assert apps == [], f"{relative(path)} depends on an app: {apps}"


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


@pytest.mark.parametrize(
    ("path", "layer"),
    [
        ("reviews/scoring.py", "pure"),
        ("reviews/services/transitions.py", "domain"),
        ("reviews/selectors/__init__.py", "domain"),
        ("reviews/pages/review.py", "web"),
        ("reviews/api/actions.py", "web"),
        ("reviews/forms/quarter.py", "web"),
        ("payroll/api.py", "web"),
        ("payroll/permissions.py", "web"),
        ("reviews/tasks.py", "tasks"),
        ("hrperf/lib/periods.py", "lib"),
        ("hrperf/lib/pages.py", "web"),
        ("hrperf/settings.py", "config"),
        ("departments/management/commands/load_demo.py", "config"),
        ("reviews/new_module.py", "unknown"),
    ],
)
def test_the_layer_of_a_module_is_known_by_its_path(path: str, layer: str) -> None:
    assert layer_of(path) == layer


CLIENTS_DOMAIN = sorted(
    path
    for path in (ROOT / "clients").glob("*.py")
    if path.stem in DOMAIN_MODULES | {"webhooks", "tokens", "addresses"}
)


def test_the_clients_domain_modules_are_found() -> None:
    assert {path.name for path in CLIENTS_DOMAIN} >= {"models.py", "services.py", "selectors.py"}


@pytest.mark.parametrize("path", CLIENTS_DOMAIN, ids=lambda p: p.name)
def test_the_clients_domain_never_imports_the_web_layer(path: Path) -> None:
    found = web_layer_imports(path.read_text(encoding="utf-8"), package_of(path))
    assert found == [], f"{path.relative_to(ROOT)} imports the web layer: {found}"
