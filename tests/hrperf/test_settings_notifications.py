"""The group robots' hosts (hrperf.settings NOTIFY_ROBOT_HOSTS): the documented hosts by
default, others from the environment, and the start refused, saying why, for a value it cannot
read."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CODE = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps(settings.NOTIFY_ROBOT_HOSTS))"
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


def test_the_documented_hosts_by_default() -> None:
    result = _run({})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "feishu": ["open.feishu.cn", "open.larksuite.com"],
        "dingtalk": ["oapi.dingtalk.com"],
        "wecom": ["qyapi.weixin.qq.com"],
    }


def test_a_platform_named_in_the_environment_gets_its_hosts() -> None:
    value = "wecom = relay.example.com:8443 | http://127.0.0.1:9000 ; feishu=open.feishu.cn"
    result = _run({"NOTIFY_ROBOT_HOSTS": value})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "feishu": ["open.feishu.cn"],
        "dingtalk": ["oapi.dingtalk.com"],
        "wecom": ["relay.example.com:8443", "http://127.0.0.1:9000"],
    }


@pytest.mark.parametrize(
    "value",
    ["slack=hooks.slack.com", "feishu", "feishu=", "wecom=https://qyapi.weixin.qq.com/x"],
)
def test_a_value_it_cannot_read_stops_the_start(value: str) -> None:
    result = _run({"NOTIFY_ROBOT_HOSTS": value})
    assert result.returncode != 0
    assert "NOTIFY_ROBOT_HOSTS must be platform=host|host;…" in result.stderr
    assert repr(value.strip()) in result.stderr or value.split(";")[0] in result.stderr
