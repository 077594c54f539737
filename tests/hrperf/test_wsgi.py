"""The web server refuses to start with DEBUG off until the static files are collected
(hrperf/wsgi.py), saying what to run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from hrperf.wsgi import check_static_files

MANIFEST = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


def test_it_refuses_to_start_without_collected_static_files(tmp_path: Path) -> None:
    storages = {**settings.STORAGES, "staticfiles": MANIFEST}
    with override_settings(DEBUG=False, STATIC_ROOT=tmp_path, STORAGES=storages):
        with pytest.raises(ImproperlyConfigured, match=r"python manage\.py collectstatic"):
            check_static_files()
        (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
        check_static_files()


def test_debug_needs_no_collected_files(tmp_path: Path) -> None:
    storages = {**settings.STORAGES, "staticfiles": MANIFEST}
    with override_settings(DEBUG=True, STATIC_ROOT=tmp_path, STORAGES=storages):
        check_static_files()


def test_the_wsgi_application_checks_at_start(tmp_path: Path) -> None:
    # A folder with nothing collected, whatever this checkout's staticfiles/ holds.
    code = "import sys, hrperf.settings as s; s.STATIC_ROOT = sys.argv[1]; import hrperf.wsgi"
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "hrperf.settings",
            "SECRET_KEY": "x" * 50,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    assert "run `python manage.py collectstatic --no-input`" in result.stderr
