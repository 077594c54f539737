"""A robot's address shown on HR's page: the token hidden but for its last characters."""

from __future__ import annotations

import pytest

from notifications.models import Robot


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdef",
            "https://open.feishu.cn/open-apis/bot/v2/hook/…cdef",
        ),
        (
            "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789",
            "https://oapi.dingtalk.com/robot/send?access_token=…6789",
        ),
        (
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh-1234",
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…1234",
        ),
    ],
)
def test_a_robots_token_is_never_shown_whole(url, shown):
    assert Robot(url=url).masked_url() == shown
