"""`manage.py load_catalogue`: loads a file (the shipped one by default) and prints the report,
or refuses a bad file printing each problem."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from departments.models import Department
from kpis.models import Kpi
from tests.helpers.catalogue import MINI, snapshot, variant, write


def test_the_command_loads_a_file_and_prints_the_report(db, tmp_path: Path) -> None:
    out = StringIO()

    with translation.override("en"):
        call_command("load_catalogue", str(write(tmp_path, MINI)), stdout=out)

    output = out.getvalue()
    assert "Departments: 2 created, 0 updated, 0 deleted, 0 deactivated" in output
    assert "KPIs: 4 created, 0 updated, 0 deleted, 0 deactivated" in output
    assert "Duties: 3 created" in output
    assert "The catalogue was loaded." in output
    assert Department.objects.count() == 2


def test_the_command_says_when_nothing_changed(mini_catalogue: Path) -> None:
    out = StringIO()

    with translation.override("en"):
        call_command("load_catalogue", str(mini_catalogue), stdout=out)

    assert "The catalogue was already up to date: nothing changed." in out.getvalue()


def test_the_command_loads_the_shipped_catalogue_by_default(db) -> None:
    call_command("load_catalogue", stdout=StringIO())

    assert Department.objects.count() == 30
    assert Kpi.objects.count() == 104


def test_the_command_refuses_a_bad_file_printing_each_problem(
    mini_catalogue: Path, tmp_path: Path
) -> None:
    before = snapshot()
    path = write(tmp_path, variant("default_weight: 40", "default_weight: 30"), "bad.yaml")
    err = StringIO()

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("load_catalogue", str(path), stdout=StringIO(), stderr=err)

    assert "departments[0] (MARKET).kpis: the KPI weights add up to 90" in err.getvalue()
    assert "nothing was changed" in str(raised.value)
    assert snapshot() == before


def test_the_command_exits_non_zero_on_a_bad_file(tmp_path: Path) -> None:
    path = write(
        tmp_path, variant("direction: lower\n    unit: yuan", "direction: down\n    unit: yuan")
    )
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "1",
        # The file is checked before the database is opened; this one is never created.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "load_catalogue", str(path)],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert result.returncode == 1
    assert "(LOGISTICS_COST).direction" in result.stderr
    assert not (tmp_path / "unused.sqlite3").exists()
