"""Group robots (notifications/robots.py): each platform's body and signature as its
documentation describes them (the algorithms written out again here), the checks of an address
and a secret, and sending to the local stand-in of the three platforms."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import quote_plus

import pytest
from django.test import override_settings

from clients.webhooks import Outcome
from notifications import robots
from notifications.robots import Platform, RobotMessage
from tests.helpers.network import Resolver
from tests.helpers.robot_receiver import RATE_LIMITED, RobotReceiver

NOW = dt.datetime(2026, 10, 8, 1, 30, 15, 250000, tzinfo=dt.UTC)
MESSAGE = RobotMessage(
    title="绩效考核待审批",
    lines=("张伟 的 2026Q3 考核已提交", "请在 10 月 15 日前完成审批"),
    link="https://hr.example.com/reviews/42/",
    link_text="打开考核",
)
FEISHU_SECRET = "nIMtb7r3N9pkXyXdtAbx6e"
DINGTALK_SECRET = "SEC" + "5a3ecf88f2b3eb50db30ecfc00f53033ac909c99bf7f88fd612bda89d7f3a9dc"
SECRETS = {"feishu": FEISHU_SECRET, "dingtalk": DINGTALK_SECRET, "wecom": ""}
TOKEN = "5e3d587e-d78e-4a07-bd07-265f269f86fd"
PUBLIC = "93.184.215.14"


def _b64_hmac(key: str, message: str) -> str:
    digest = hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


# Bodies and signatures.


def test_feishu_signs_in_the_body_with_the_timestamp_and_secret_as_the_key() -> None:
    query, raw = robots.body(Platform.FEISHU, MESSAGE, secret=FEISHU_SECRET, now=NOW)

    document = json.loads(raw)
    assert query == {}
    assert document["timestamp"] == "1791423015"  # whole seconds
    # Feishu: HmacSHA256 keyed with "timestamp\nsecret", over nothing, then Base64.
    assert document["sign"] == _b64_hmac(f"1791423015\n{FEISHU_SECRET}", "")
    assert document["msg_type"] == "post"
    post = document["content"]["post"]["zh_cn"]
    assert post["title"] == "绩效考核待审批"
    assert post["content"] == [
        [{"tag": "text", "text": "张伟 的 2026Q3 考核已提交"}],
        [{"tag": "text", "text": "请在 10 月 15 日前完成审批"}],
        [{"tag": "a", "text": "打开考核", "href": "https://hr.example.com/reviews/42/"}],
    ]


def test_feishu_without_a_secret_sends_no_signature() -> None:
    _query, raw = robots.body(Platform.FEISHU, MESSAGE, secret="", now=NOW)
    document = json.loads(raw)
    assert "sign" not in document and "timestamp" not in document


def test_dingtalk_signs_in_the_query_with_milliseconds_and_the_secret_as_the_key() -> None:
    query, raw = robots.body(Platform.DINGTALK, MESSAGE, secret=DINGTALK_SECRET, now=NOW)

    assert query["timestamp"] == "1791423015250"  # milliseconds
    # DingTalk: HmacSHA256 keyed with the secret, over "timestamp\nsecret", then Base64 (the
    # URL encoding comes when it is put in the query).
    assert query["sign"] == _b64_hmac(DINGTALK_SECRET, f"1791423015250\n{DINGTALK_SECRET}")
    document = json.loads(raw)
    assert document["msgtype"] == "markdown"
    assert document["markdown"]["title"] == "绩效考核待审批"
    text = document["markdown"]["text"]
    assert text.startswith("#### 绩效考核待审批\n\n张伟 的 2026Q3 考核已提交\n\n")
    assert text.endswith("[打开考核](https://hr.example.com/reviews/42/)")


def test_wecom_sends_markdown_without_a_signature() -> None:
    query, raw = robots.body(Platform.WECOM, MESSAGE, secret="", now=NOW)
    assert query == {}
    document = json.loads(raw)
    assert document == {
        "msgtype": "markdown",
        "markdown": {
            "content": "### 绩效考核待审批\n\n张伟 的 2026Q3 考核已提交\n\n"
            "请在 10 月 15 日前完成审批\n\n[打开考核](https://hr.example.com/reviews/42/)"
        },
    }


@pytest.mark.parametrize("filler", ["考", "ab考", "a考"])
def test_wecom_content_is_cut_to_4096_bytes_between_characters(filler: str) -> None:
    long = RobotMessage(title="周报", lines=(filler * 3000,))
    _query, raw = robots.body(Platform.WECOM, long, secret="", now=NOW)

    content = json.loads(raw)["markdown"]["content"]
    size = len(content.encode("utf-8"))
    assert 4096 - 3 <= size <= 4096
    assert content.endswith("…") and content.startswith("### 周报\n\n" + filler)
    assert "\ufffd" not in content


def test_a_short_text_is_not_cut() -> None:
    assert robots.truncate_utf8("考核", 6) == "考核"
    assert robots.truncate_utf8("考核考核", 8) == "考…"


# Addresses.


@pytest.mark.usefixtures("in_english")
@pytest.mark.parametrize(
    ("platform", "url", "expected"),
    [
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/" + TOKEN, None),
        ("feishu", "https://open.larksuite.com/open-apis/bot/v2/hook/" + TOKEN, None),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=" + "ab12" * 16, None),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + TOKEN, None),
        (
            "feishu",
            "https://open.feishu.cn.example.com/open-apis/bot/v2/hook/" + TOKEN,
            "This is not a Feishu robot address: it must look like "
            "https://open.feishu.cn/open-apis/bot/v2/hook/….",
        ),
        (
            "feishu",
            "https://oapi.dingtalk.com/robot/send?access_token=" + TOKEN,
            "This is not a Feishu robot address",
        ),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v1/hook/" + TOKEN, "not a Feishu"),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/", "not a Feishu"),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/" + TOKEN + "?x=1", "not a"),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/" + TOKEN + "#top", "not a"),
        ("feishu", "https://open.feishu.cn:8443/open-apis/bot/v2/hook/" + TOKEN, "not a"),
        (
            "feishu",
            "http://open.feishu.cn/open-apis/bot/v2/hook/" + TOKEN,
            "A Feishu robot address must start with https://.",
        ),
        (
            "dingtalk",
            "https://oapi.dingtalk.com/robot/send",
            "This is not a DingTalk robot address: it must look like "
            "https://oapi.dingtalk.com/robot/send?access_token=….",
        ),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=", "not a DingTalk"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?token=" + TOKEN, "not a DingTalk"),
        (
            "dingtalk",
            f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}&timestamp=1&sign=x",
            "not a DingTalk",
        ),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a%20b", "not a WeCom"),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/list?key=" + TOKEN, "not a WeCom"),
        (
            "feishu",
            f"https://user:pass@open.feishu.cn/open-apis/bot/v2/hook/{TOKEN}",
            "The URL must not contain a user name or password.",
        ),
        ("slack", "https://hooks.slack.com/services/x", "Choose Feishu, DingTalk or WeCom."),
    ],
)
def test_an_address_must_be_the_platform_s_robot(
    resolver: Resolver, platform: str, url: str, expected: str | None
) -> None:
    for host in ("open.feishu.cn", "open.larksuite.com", "oapi.dingtalk.com"):
        resolver.answers[host] = [[PUBLIC]]
    resolver.answers["qyapi.weixin.qq.com"] = [[PUBLIC]]

    problem = robots.url_problem(platform, url, allow_private=False)

    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in str(problem), problem


@pytest.mark.usefixtures("in_english")
def test_a_robot_host_that_resolves_to_a_private_address_is_refused(resolver: Resolver) -> None:
    resolver.answers["oapi.dingtalk.com"] = [["10.1.2.3"]]
    url = "https://oapi.dingtalk.com/robot/send?access_token=" + TOKEN

    problem = robots.url_problem(Platform.DINGTALK, url, allow_private=False)

    assert problem is not None and "private, local or reserved" in str(problem)
    assert "10.1.2.3" in str(problem)


@pytest.mark.usefixtures("in_english")
@override_settings(NOTIFY_ROBOT_HOSTS={"wecom": ("http://127.0.0.1:8080",)})
def test_a_local_stand_in_needs_allow_private_and_is_reached_over_http() -> None:
    url = "http://127.0.0.1:8080/cgi-bin/webhook/send?key=" + TOKEN

    refused = robots.url_problem(Platform.WECOM, url, allow_private=False)
    assert refused is not None and "private, local or reserved network address" in str(refused)
    assert robots.url_problem(Platform.WECOM, url, allow_private=True) is None
    https = robots.url_problem(Platform.WECOM, "https" + url[4:], allow_private=True)
    assert str(https) == "A WeCom robot address must start with http://."
    other_port = robots.url_problem(Platform.WECOM, url.replace("8080", "8081"), allow_private=True)
    assert other_port is not None and "not a WeCom robot address" in str(other_port)
    # The documented host is no longer allowed once the setting names others.
    documented = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + TOKEN
    assert robots.url_problem(Platform.WECOM, documented, allow_private=True) is not None


def test_the_messages_are_translated() -> None:
    problem = robots.url_problem(Platform.FEISHU, "https://example.com/", allow_private=True)
    assert str(problem) == (
        "这不是飞书机器人地址：应当形如 https://open.feishu.cn/open-apis/bot/v2/hook/…。"
    )


# Secrets.


@pytest.mark.usefixtures("in_english")
@pytest.mark.parametrize(
    ("platform", "secret", "expected"),
    [
        ("feishu", "", None),
        ("dingtalk", "", None),
        ("wecom", "", None),
        ("feishu", FEISHU_SECRET, None),
        ("dingtalk", DINGTALK_SECRET, None),
        ("wecom", "abc12345", "WeCom group robots have no signing secret: leave it empty."),
        ("dingtalk", FEISHU_SECRET, "A DingTalk signing secret starts with SEC"),
        ("dingtalk", "SEC123", "A DingTalk signing secret starts with SEC"),
        ("dingtalk", "SEC" + "a" * 126, "The secret is too long: at most 128 characters."),
        ("feishu", "short", "A Feishu signing secret is at least 8 characters"),
        ("feishu", "has a space inside", "A Feishu signing secret is at least 8 characters"),
        ("feishu", "x" * 129, "The secret is too long"),
    ],
)
def test_a_secret_must_be_the_platform_s(platform: str, secret: str, expected: str | None) -> None:
    problem = robots.secret_problem(platform, secret)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and str(problem).startswith(expected), problem


def test_only_feishu_and_dingtalk_take_a_secret() -> None:
    assert [p for p in Platform if robots.takes_secret(p)] == [Platform.FEISHU, Platform.DINGTALK]


# Sending to the stand-in.


def _send(receiver: RobotReceiver, platform: str, *, secret: str, **kwargs: Any) -> Outcome:
    url = receiver.add(platform, TOKEN, secret=SECRETS[platform])
    options: dict[str, Any] = {"now": dt.datetime.now(tz=dt.UTC), "allow_private": True}
    options.update(kwargs)
    return robots.send(platform, url, secret=secret, message=MESSAGE, **options)


@pytest.mark.parametrize("platform", list(Platform))
def test_a_signed_message_is_accepted(robot_receiver: RobotReceiver, platform: str) -> None:
    outcome = _send(robot_receiver, platform, secret=SECRETS[platform])

    assert outcome.ok and outcome.status_code == 200 and outcome.error == ""
    assert not outcome.retryable
    [accepted] = robot_receiver.accepted
    assert accepted.platform == platform and accepted.token == TOKEN
    assert "绩效考核待审批" in json.dumps(accepted.body, ensure_ascii=False)


def test_dingtalk_s_sign_is_url_encoded_in_the_query(robot_receiver: RobotReceiver) -> None:
    # A moment whose signature has a "+" and a "/": unencoded, they would not survive the query.
    now = NOW
    while not {"+", "/"} <= set(
        robots.dingtalk_sign(DINGTALK_SECRET, str(int(now.timestamp() * 1000)))
    ):
        now += dt.timedelta(milliseconds=1)
    robot_receiver.clock = now.timestamp

    outcome = _send(robot_receiver, Platform.DINGTALK, secret=DINGTALK_SECRET, now=now)

    assert outcome.ok, outcome.error
    [accepted] = robot_receiver.accepted
    sign = robots.dingtalk_sign(DINGTALK_SECRET, accepted.query["timestamp"])
    assert accepted.query["sign"] == sign
    assert quote_plus(sign) != sign


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("feishu", "feishu 19021: sign match fail or timestamp is not within one hour"),
        ("dingtalk", "dingtalk 310000: sign not match"),
    ],
)
def test_a_wrong_secret_is_a_permanent_failure(
    robot_receiver: RobotReceiver, platform: str, expected: str
) -> None:
    wrong = "SEC" + "0" * 64 if platform == "dingtalk" else "another-secret"

    outcome = _send(robot_receiver, platform, secret=wrong)

    assert not outcome.ok and outcome.permanent and not outcome.retryable
    assert outcome.status_code == 200 and outcome.error.startswith(expected)
    assert robot_receiver.accepted == []


@pytest.mark.parametrize("platform", ["feishu", "dingtalk"])
def test_a_timestamp_more_than_an_hour_off_is_refused(
    robot_receiver: RobotReceiver, platform: str
) -> None:
    late = dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=1, minutes=1)

    outcome = _send(robot_receiver, platform, secret=SECRETS[platform], now=late)

    assert outcome.permanent and ("19021" in outcome.error or "310000" in outcome.error)


@pytest.mark.parametrize(
    ("platform", "code"), [("feishu", "19001"), ("dingtalk", "300001"), ("wecom", "93000")]
)
def test_an_unknown_token_is_a_permanent_failure(
    robot_receiver: RobotReceiver, platform: str, code: str
) -> None:
    url = robot_receiver.url(platform, "not-a-known-token")

    outcome = robots.send(platform, url, secret="", message=MESSAGE, now=NOW, allow_private=True)

    assert outcome.permanent and outcome.error.startswith(f"{platform} {code}: ")


@pytest.mark.parametrize("platform", list(Platform))
def test_a_server_error_is_worth_retrying(robot_receiver: RobotReceiver, platform: str) -> None:
    robot_receiver.fail_next(1, status=500)

    first = _send(robot_receiver, platform, secret=SECRETS[platform])
    second = _send(robot_receiver, platform, secret=SECRETS[platform])

    assert first.status_code == 500 and first.retryable and not first.permanent
    assert first.error.startswith("HTTP 500")
    assert second.ok and len(robot_receiver.accepted) == 1


@pytest.mark.parametrize(
    ("platform", "code"), [("feishu", 11232), ("dingtalk", 130101), ("wecom", 45009)]
)
def test_the_platform_s_rate_limit_is_worth_retrying(
    robot_receiver: RobotReceiver, platform: str, code: int
) -> None:
    robot_receiver.fail_next(1, code=RATE_LIMITED)

    outcome = _send(robot_receiver, platform, secret=SECRETS[platform])

    assert outcome.status_code == 200 and not outcome.ok
    assert outcome.retryable and outcome.error.startswith(f"{platform} {code}: ")


def test_a_private_address_is_refused_without_a_request(robot_receiver: RobotReceiver) -> None:
    outcome = _send(robot_receiver, Platform.WECOM, secret="", allow_private=False)

    assert not outcome.ok and outcome.status_code is None and outcome.permanent
    assert "AddressRefused" in outcome.error and "loopback" in outcome.error
    assert robot_receiver.requests == 0


def test_an_address_not_on_the_platform_s_hosts_is_not_sent_to(
    robot_receiver: RobotReceiver,
) -> None:
    url = robot_receiver.add(Platform.FEISHU, TOKEN).replace("127.0.0.1", "localhost")

    outcome = robots.send(
        Platform.FEISHU, url, secret="", message=MESSAGE, now=NOW, allow_private=True
    )

    assert outcome.permanent and outcome.status_code is None and robot_receiver.requests == 0


def test_a_network_error_is_worth_retrying(closed_port: int) -> None:
    local = (f"http://127.0.0.1:{closed_port}",)
    url = f"http://127.0.0.1:{closed_port}/cgi-bin/webhook/send?key={TOKEN}"
    with override_settings(NOTIFY_ROBOT_HOSTS={"wecom": local}):
        outcome = robots.send(
            Platform.WECOM, url, secret="", message=MESSAGE, now=NOW, allow_private=True
        )

    assert outcome.status_code is None and outcome.retryable
    assert "ConnectionRefusedError" in outcome.error


# Reading an answer.


@pytest.mark.parametrize(
    ("platform", "status", "answer", "ok", "permanent", "error"),
    [
        ("feishu", 200, {"StatusCode": 0, "StatusMessage": "success"}, True, False, ""),
        ("feishu", 200, {"code": 0, "msg": "success", "StatusCode": 0}, True, False, ""),
        ("feishu", 400, {"code": 9499, "msg": "Bad Request"}, False, True, "feishu 9499: "),
        ("feishu", 200, {"code": 19024, "msg": "Key Words Not Found"}, False, True, "feishu"),
        ("dingtalk", 200, {"errcode": -1, "errmsg": "系统繁忙"}, False, False, "dingtalk -1: "),
        ("dingtalk", 200, {"errcode": 410100, "errmsg": "send too fast"}, False, False, ""),
        ("wecom", 200, {"errcode": 40058, "errmsg": "too long"}, False, True, "wecom 40058: "),
        ("wecom", 503, {"errcode": 0}, False, False, "HTTP 503"),
        ("wecom", 200, ["not", "an", "object"], False, False, "wecom: unexpected answer"),
        ("wecom", 302, None, False, True, ""),
        ("wecom", 429, None, False, False, ""),
    ],
)
def test_the_platform_s_answer_decides_success_and_retry(
    platform: str, status: int, answer: Any, ok: bool, permanent: bool, error: str
) -> None:
    raw = b"" if answer is None else json.dumps(answer).encode()
    sent = Outcome(status, "" if status < 300 else f"HTTP {status}", response=raw)

    outcome = robots.answer_outcome(platform, sent)

    assert (outcome.ok, outcome.permanent) == (ok, permanent), outcome
    assert outcome.error.startswith(error)
    assert outcome.ok or outcome.error
