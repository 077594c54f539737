"""HR's robots (notifications.services.robots): added only by HR with an address and secret
the platform would take, a test message sent at once and kept in the log."""

from __future__ import annotations

import pytest

from hrperf.lib.errors import NotAllowed, ValidationFailed
from notifications.models import Delivery, Robot
from notifications.services.robots import robot_create, robot_disable, robot_test

# The platforms' hosts cannot be resolved here: only an address written as an IP is checked.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("names_not_resolved")]


@pytest.fixture
def names_not_resolved(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True


FEISHU = "https://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdef"


def create(personas, actor="hr", **fields):
    values = {
        "name": "HR group",
        "platform": "feishu",
        "url": FEISHU,
        "secret": "feishu-secret",
        "audience": "hr",
        **fields,
    }
    return robot_create(actor=personas[actor], **values)


@pytest.mark.parametrize("name", ["director", "head", "employee", "outsider"])
def test_only_hr_adds_a_robot(personas, name):
    with pytest.raises(NotAllowed):
        create(personas, actor=name)
    assert not Robot.objects.exists()


def test_hr_adds_a_group_and_a_personal_robot(personas):
    group = create(personas)
    personal = create(personas, name="Zhang", audience="person", person_id=personas["employee"].pk)
    assert (group.audience, group.person, group.language) == ("hr", None, "zh-hans")
    assert (personal.audience, personal.person) == ("person", personas["employee"])


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"platform": "slack"}, "platform"),
        ({"url": "https://example.com/open-apis/bot/v2/hook/0123456789abcdef"}, "url"),
        ({"platform": "dingtalk"}, "url"),  # a Feishu address for DingTalk
        ({"url": "http://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdef"}, "url"),
        (
            {
                "platform": "wecom",
                "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh12",
            },
            "secret",
        ),
        ({"audience": "everyone"}, "audience"),
        ({"audience": "person"}, "person"),
        ({"language": "fr"}, "language"),
    ],
)
def test_a_bad_robot_is_refused_naming_its_field_and_nothing_is_saved(personas, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        create(personas, **fields)
    assert field in [error.field for error in refused.value.errors]
    assert not Robot.objects.exists()


def test_a_robot_on_a_local_address_is_refused_unless_private_addresses_are_allowed(
    personas, robot_receiver, settings
):
    url = robot_receiver.add("feishu", "0123456789abcdef", secret="feishu-secret")
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationFailed) as refused:
        create(personas, url=url)
    assert [error.field for error in refused.value.errors] == ["url"]
    assert "127.0.0.1" in str(refused.value.errors[0].message)


def test_the_test_button_sends_at_once_and_keeps_it_in_the_log(personas, robot_receiver):
    url = robot_receiver.add("feishu", "0123456789abcdef", secret="feishu-secret")
    robot = create(personas, url=url)
    sent = robot_test(actor=personas["hr"], robot=robot)
    assert sent.status == "sent"
    Robot.objects.filter(pk=robot.pk).update(secret="another-secret")
    robot.refresh_from_db()
    failed = robot_test(actor=personas["hr"], robot=robot)
    assert failed.status == "failed" and "19021" in failed.last_error
    assert len(robot_receiver.accepted) == 1
    assert Delivery.objects.filter(kind="test").count() == 2
    with pytest.raises(NotAllowed):
        robot_test(actor=personas["director"], robot=robot)


def test_a_robot_switched_off_is_told_nothing(personas):
    robot = create(personas)
    robot_disable(actor=personas["hr"], robot=robot)
    assert not Robot.objects.get().active
    with pytest.raises(ValidationFailed):
        robot_test(actor=personas["hr"], robot=robot)
