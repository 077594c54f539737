"""Where uploaded files go and the evidence limits (hrperf.settings, hrperf.env): from the
environment, a storage backend of Django's storage API with its options as a JSON object."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from hrperf.env import env_json_object

PRINT = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.STORAGES['default']); print(settings.EVIDENCE_MAX_FILE_BYTES, "
    "settings.EVIDENCE_MAX_TOTAL_BYTES, settings.EVIDENCE_MAX_FILES)"
)


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "hrperf.settings",
        "SECRET_KEY": "x" * 50,
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_files_go_to_the_local_disk_by_default_within_the_default_limits() -> None:
    result = _run({})
    assert result.returncode == 0, result.stderr
    storage, limits = result.stdout.strip().splitlines()
    assert "FileSystemStorage" in storage
    assert limits == f"{10 * 1024 * 1024} {30 * 1024 * 1024} 10"


def test_another_storage_and_limits_come_from_the_environment() -> None:
    result = _run(
        {
            "FILE_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
            "FILE_STORAGE_OPTIONS": '{"bucket_name": "evidence", "endpoint_url": "http://127.0.0.1:9000"}',
            "EVIDENCE_MAX_FILE_MB": "5",
            "EVIDENCE_MAX_TOTAL_MB": "20",
            "EVIDENCE_MAX_FILES": "3",
        }
    )
    assert result.returncode == 0, result.stderr
    storage, limits = result.stdout.strip().splitlines()
    assert "storages.backends.s3.S3Storage" in storage
    assert "'bucket_name': 'evidence'" in storage
    assert limits == f"{5 * 1024 * 1024} {20 * 1024 * 1024} 3"


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", '"text"'])
def test_options_that_are_not_a_json_object_stop_the_start(monkeypatch, raw: str) -> None:
    monkeypatch.setenv("FILE_STORAGE_OPTIONS", raw)
    with pytest.raises(ImproperlyConfigured):
        env_json_object("FILE_STORAGE_OPTIONS")


def test_no_options_is_an_empty_object(monkeypatch) -> None:
    monkeypatch.delenv("FILE_STORAGE_OPTIONS", raising=False)
    assert env_json_object("FILE_STORAGE_OPTIONS") == {}
