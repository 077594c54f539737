"""The calibration settings (hrperf.settings): the leniency gap and the 9-box cut-points, read
from the environment with their defaults, and the start refused, saying why, for a value the
pages cannot use."""

from __future__ import annotations

import subprocess
import sys

import pytest

CODE = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.CALIBRATION_LENIENCY_GAP, *settings.CALIBRATION_NINEBOX_CUTS)"
)


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "hrperf.settings"}
    return subprocess.run(
        [sys.executable, "-c", CODE],
        env={**base, "SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_defaults() -> None:
    result = _run({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0.50", "70", "85"]


def test_they_come_from_the_environment() -> None:
    result = _run({"CALIBRATION_LENIENCY_GAP": "0.3", "CALIBRATION_NINEBOX_CUTS": " 60.5, 80 "})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0.30", "60.5", "80"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CALIBRATION_LENIENCY_GAP", "0"),
        ("CALIBRATION_LENIENCY_GAP", "half"),
        ("CALIBRATION_LENIENCY_GAP", "-1"),
        ("CALIBRATION_LENIENCY_GAP", "5"),
        ("CALIBRATION_NINEBOX_CUTS", "85,70"),
        ("CALIBRATION_NINEBOX_CUTS", "70,70"),
        ("CALIBRATION_NINEBOX_CUTS", "70"),
        ("CALIBRATION_NINEBOX_CUTS", "70,85,95"),
        ("CALIBRATION_NINEBOX_CUTS", "70;85"),
        ("CALIBRATION_NINEBOX_CUTS", "0,85"),
    ],
)
def test_a_value_the_pages_cannot_use_stops_the_start(name: str, value: str) -> None:
    result = _run({name: value})
    assert result.returncode != 0
    assert f"{name} must be" in result.stderr
    assert repr(value) in result.stderr
