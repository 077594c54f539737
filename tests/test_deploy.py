"""The Compose file scales out as docs/scaling.md says: web containers behind one proxy, any
number of workers, exactly one beat, every application container on the same files, and an
optional streaming replica."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
PROXY = ROOT / "docker" / "nginx" / "hrperf.conf"
REPLICATION = ROOT / "docker" / "postgres-init" / "20-replication.sh"


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]


def app_services(services: dict[str, Any]) -> dict[str, Any]:
    return {name: s for name, s in services.items() if s.get("image") == "hrperf:latest"}


def test_exactly_one_beat(services):
    assert services["beat"]["deploy"]["replicas"] == 1


def test_web_and_workers_scale_from_the_environment(services):
    assert services["web"]["deploy"]["replicas"] == "${WEB_REPLICAS:-2}"
    assert services["worker"]["deploy"]["replicas"] == "${WORKER_REPLICAS:-2}"


def test_only_the_proxy_publishes_a_port(services):
    """Several web containers cannot share one published host port: the proxy holds it."""
    published = {name for name, s in services.items() if s.get("ports")}
    assert published == {"proxy"}
    assert services["web"]["expose"] == ["8000"]
    assert f"{PROXY.relative_to(ROOT).as_posix()}:" in services["proxy"]["volumes"][0]


def test_the_proxy_follows_the_web_replicas_and_streams():
    conf = PROXY.read_text(encoding="utf-8")
    assert "resolver 127.0.0.11" in conf
    assert re.search(r"set \$web http://web:8000;\s+proxy_pass \$web;", conf)
    assert "proxy_buffering off;" in conf
    assert "proxy_request_buffering off;" in conf


def test_the_proxy_lets_the_largest_upload_reach_the_product():
    """The product, not the proxy, refuses a file that is too big."""
    from django.conf import settings

    size = re.search(r"client_max_body_size (\d+)m;", PROXY.read_text(encoding="utf-8"))
    assert size is not None
    limits = (
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        settings.MAX_UPLOAD_BYTES,
        settings.FIGURES_MAX_UPLOAD_BYTES,
    )
    assert int(size.group(1)) * 1024 * 1024 > max(limits)


def test_every_app_container_shares_the_files(services):
    """Evidence is uploaded to the web containers and PDFs are written by the workers: both
    must see the same volume."""
    apps = app_services(services)
    assert {"migrate", "web", "worker", "beat"} <= set(apps)
    for name, service in apps.items():
        assert "media:/var/lib/hrperf/media" in service["volumes"], name
        assert service["environment"]["MEDIA_ROOT"] == "/var/lib/hrperf/media", name


def test_the_replica_is_optional_and_fed_by_the_primary(services):
    replica = services["postgres-replica"]
    assert replica["profiles"] == ["replica"]
    assert "pg_basebackup -h postgres -U replicator" in " ".join(replica["command"])
    assert "DATABASE_REPLICA_URL" in services["web"]["environment"]
    assert services["postgres"]["environment"]["REPLICATION_PASSWORD"]
    script = REPLICATION.read_text(encoding="utf-8")
    assert "WITH REPLICATION LOGIN" in script
    assert "host replication replicator" in script
