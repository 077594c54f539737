"""A quarter's events told end to end: the services of the workflow record them, a real Celery
worker sends them to a real SMTP server and to the robots' stand-in (both on 127.0.0.1), and
each person and robot gets exactly the messages meant for them, once: a robot that fails is
retried, a person who takes the digest gets one message, and queueing every delivery again
sends nothing twice. PostgreSQL and Redis needed (skipped without them, failed with
HRPERF_REQUIRE_SERVICES=1)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from appeals import services as appeals
from hrperf.lib.roles import roles_of
from hrperf.lib.tasks import publish
from notifications.models import Delivery, Preference, Robot
from notifications.services import daily
from reviews import services
from reviews.models import Review, VerbalWarning
from tests.helpers.appeals import file
from tests.helpers.quarters import complete, review_of
from tests.helpers.worker import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

FEISHU_SECRET = "feishu-hr-secret"
DINGTALK_SECRET = "SEC" + "5a" * 16


def set_up_people(personas, robot_receiver) -> None:
    for name in ("hr", "director", "head", "employee", "other_employee"):
        personas[name].email = f"{name}@example.com"
        personas[name].save(update_fields=["email"])
    # The employee hears through their own WeCom robot only; the other employee takes the
    # daily digest, in English.
    Preference.objects.create(
        user=personas["employee"], email=False, robot=True, language="zh-hans"
    )
    Preference.objects.create(user=personas["other_employee"], mode="digest", language="en")
    robots = [
        ("HR", "feishu", "hr-group-token", FEISHU_SECRET, "hr", None),
        ("总监", "dingtalk", "director-token", DINGTALK_SECRET, "director", None),
        ("张伟", "wecom", "zhang-wei-key", "", "person", personas["employee"]),
    ]
    for name, platform, token, secret, audience, person in robots:
        Robot.objects.create(
            name=name,
            platform=platform,
            url=robot_receiver.add(platform, token, secret=secret),
            secret=secret,
            audience=audience,
            person=person,
        )


def scored_by(worker, personas, name, actual, rating) -> Review:
    """Filled in and submitted here; scored by the worker, which the submission queues."""
    review = complete(personas, review_of(personas, name), actual, rating, rating)
    review = services.review_submit(actor=personas["hr"], review=review)

    def scored() -> bool:
        review.refresh_from_db()
        return review.state == Review.State.SCORED

    wait_until(scored, what=f"the worker to score {name}'s review", worker=worker)
    return review


def all_sent(worker) -> None:
    def done() -> bool:
        return not Delivery.objects.filter(status="pending").exists()

    wait_until(done, what="every delivery to be sent", worker=worker, timeout=60)
    failed = list(Delivery.objects.filter(status="failed").values_list("key", "last_error"))
    assert failed == []


def mails(smtp_server) -> Counter[tuple[str, str]]:
    return Counter((m.rcpt_tos[0], str(m.message["Subject"])) for m in smtp_server.received)


def robot_titles(robot_receiver) -> Counter[tuple[str, str]]:
    """(robot token, the message's title) of every message a robot accepted."""
    told: Counter[tuple[str, str]] = Counter()
    for message in robot_receiver.accepted:
        body = message.body
        if message.platform == "feishu":
            title = body["content"]["post"]["zh_cn"]["title"]
        elif message.platform == "dingtalk":
            title = body["markdown"]["title"]
        else:
            title = body["markdown"]["content"].splitlines()[0].strip("# *")
        told[(message.token, title)] += 1
    return told


def test_a_quarters_events_reach_exactly_the_people_concerned_once(
    personas, closing_quarter, notifying_worker, smtp_server, robot_receiver
) -> None:
    set_up_people(personas, robot_receiver)
    hr, director = personas["hr"], personas["director"]

    # A low score: HR is warned, by mail and in HR's Feishu group, which fails once (HTTP 500)
    # and takes the retry a second later.
    robot_receiver.fail_next(1, status=500)
    low = scored_by(notifying_worker, personas, "employee", "40", 2)
    assert VerbalWarning.objects.filter(review=low).exists()
    other = scored_by(notifying_worker, personas, "other_employee", "60", 3)
    wait_until(
        lambda: Delivery.objects.filter(kind="warning").count() == 2,
        what="the warning's deliveries",
        worker=notifying_worker,
    )
    all_sent(notifying_worker)
    assert Delivery.objects.get(kind="warning", channel="robot").attempts == 2

    # The director's morning reminder: two scored reviews wait.
    assert services.director_remind() == 2
    # The director returns the head's review to HR.
    head = scored_by(notifying_worker, personas, "head", "90", 4)
    services.review_return(actor=director, review=head, comment="请补充客户名单")
    # Approvals: each employee has a result to confirm.
    low = services.review_approve(actor=director, review=low)
    services.review_approve(actor=director, review=other)
    # The employee appeals; HR rejects it and the employee is told.
    appeal = file(personas, low)
    appeals.appeal_reject(user=hr, roles=roles_of(hr), appeal=appeal, reason="已与系统核对")
    all_sent(notifying_worker)
    wait_until(
        lambda: Delivery.objects.filter(kind="appeal_answered").exists(),
        what="the appeal's answer",
        worker=notifying_worker,
    )
    all_sent(notifying_worker)
    # The other employee's day, in one digest.
    assert daily.digests_make(now=timezone.now()) == 1
    all_sent(notifying_worker)

    assert mails(smtp_server) == Counter(
        {
            ("hr@example.com", "口头警告：张伟，2026Q3"): 1,
            ("hr@example.com", "考核已退回：王经理，2026Q3"): 1,
            ("hr@example.com", "收到申诉：张伟，2026Q3"): 1,
            ("director@example.com", "等待您批准的考核"): 1,
            ("other_employee@example.com", "hrperf: 1 thing for you today"): 1,
        }
    )
    assert robot_titles(robot_receiver) == Counter(
        {
            ("hr-group-token", "口头警告：张伟，2026Q3"): 1,
            ("hr-group-token", "考核已退回：王经理，2026Q3"): 1,
            ("hr-group-token", "收到申诉：张伟，2026Q3"): 1,
            ("director-token", "等待您批准的考核"): 1,
            ("zhang-wei-key", "您的2026Q3考核结果已出"): 1,
            ("zhang-wei-key", "您对 2026Q3 的申诉已答复"): 1,
        }
    )
    [digest] = [m.message for m in smtp_server.received if m.rcpt_tos[0].startswith("other")]
    assert "Your 2026Q3 result is ready" in digest.get_body(("plain",)).get_content()

    # Every delivery queued again, as a lost acknowledgement would: nothing is sent twice.
    sent = len(smtp_server.received), len(robot_receiver.accepted)
    ids = list(Delivery.objects.values_list("pk", flat=True))
    assert publish("notifications.deliver", ids)
    wait_until(notifying_worker.is_idle, what="the worker to be idle", worker=notifying_worker)
    assert (len(smtp_server.received), len(robot_receiver.accepted)) == sent
