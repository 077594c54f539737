"""The pages of conversations, improvement plans and written warnings: who may open and post
each (per persona), and what they show."""

from __future__ import annotations

import datetime as dt

import pytest

from improvement import services
from improvement.models import Conversation, Plan, WrittenWarning
from tests.helpers.improvement import conversation, plan, warned

PERSONAS = ("hr", "director", "head", "employee", "other_employee", "outsider")


@pytest.fixture
def records(personas, api_quarter):
    """The employee's warned review (2026Q3) with a conversation, a plan and, with a warning
    of 2026Q2 before it, a written warning."""
    review = api_quarter.own
    talk = conversation(personas, review)
    improvement = plan(personas, review)
    warned(personas, "2026Q2")
    (written,) = services.written_warnings_escalate(review_ids=[review.pk])
    return {"review": review, "conversation": talk, "plan": improvement, "written": written}


def get(client_for, persona, url):
    return client_for(persona).get(url)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 200),
        ("head", 200),
        ("employee", 200),
        ("other_employee", 404),
        ("outsider", 404),
    ],
)
def test_who_reads_a_conversation(client_for, records, persona, status) -> None:
    response = get(client_for, persona, f"/conversations/{records['conversation'].pk}/")
    assert response.status_code == status
    if status == 200:
        assert "谈了第三季度的销售计划完成率。" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 200),
        ("head", 200),
        ("employee", 200),
        ("other_employee", 404),
        ("outsider", 404),
    ],
)
def test_who_reads_a_plan(client_for, records, persona, status) -> None:
    response = get(client_for, persona, f"/plans/{records['plan'].pk}/")
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "目标 1" in body
        assert ('data-testid="judge-form"' in body) is (persona == "hr")
        assert ('data-testid="check-in-form"' in body) is (persona in ("hr", "head"))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 200),
        ("head", 200),
        ("employee", 403),
        ("other_employee", 403),
        ("outsider", 403),
    ],
)
def test_who_lists_the_plans(client_for, records, persona, status) -> None:
    response = get(client_for, persona, "/plans/")
    assert response.status_code == status
    if status == 200:
        assert 'data-testid="plan-row-E00002"' in response.content.decode()


def test_anonymous_visitors_go_to_the_login_page(client_for, records) -> None:
    for url in (
        "/plans/",
        f"/plans/{records['plan'].pk}/",
        f"/conversations/{records['conversation'].pk}/",
        "/my/improvement/",
    ):
        response = get(client_for, None, url)
        assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("head", 200),
        ("director", 403),
        ("employee", 403),
        ("other_employee", 403),
        ("outsider", 403),
    ],
)
def test_who_opens_the_conversation_form(client_for, records, persona, status) -> None:
    url = f"/conversations/new/{records['review'].pk}/"
    assert get(client_for, persona, url).status_code == status


def test_the_head_records_a_conversation_through_the_form(client_for, records) -> None:
    review = records["review"]
    response = client_for("head").post(
        f"/conversations/new/{review.pk}/",
        {
            "held_on": "2026-11-02",
            "participants": "王经理\n张伟",
            "summary": "第二次面谈",
            "action-0": "每周复盘",
            "owner-0": "张伟",
            "due_on-0": "2026-12-15",
        },
    )
    assert response.status_code == 302
    made = Conversation.objects.latest("pk")
    assert made.participants == ["王经理", "张伟"]
    assert [a.action for a in made.actions.all()] == ["每周复盘"]


def test_the_form_shows_each_refusal_beside_its_field(client_for, records) -> None:
    review = records["review"]
    response = client_for("hr").post(
        f"/conversations/new/{review.pk}/",
        {"held_on": "2026-11-02", "summary": "", "owner-1": "张伟", "due_on-1": "2026-12-15"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count('class="field-error"') >= 3  # participants, summary, action-1
    assert Conversation.objects.count() == 1


def test_the_employee_acknowledges_on_the_page(client_for, records) -> None:
    url = f"/conversations/{records['conversation'].pk}/"
    assert 'data-testid="acknowledge-form"' in get(client_for, "employee", url).content.decode()
    assert 'data-testid="acknowledge-form"' not in get(client_for, "hr", url).content.decode()
    response = client_for("employee").post(f"{url}acknowledge/", {"comment": "收到"})
    assert response.status_code == 302
    again = client_for("employee").post(f"{url}acknowledge/", {"comment": "再次"})
    assert again.status_code == 409
    for persona, status in (("hr", 403), ("head", 403), ("other_employee", 404)):
        assert client_for(persona).post(f"{url}acknowledge/", {}).status_code == status


def test_hr_starts_a_plan_and_a_second_is_refused_with_the_rule(client_for, records) -> None:
    review = records["review"]
    data = {
        "ends_on": "2027-03-31",
        "description-0": "回款率",
        "target_value-0": "95",
        "target_unit-0": "%",
        "due_on-0": "2027-03-31",
    }
    response = client_for("hr").post(f"/plans/new/{review.pk}/", data)
    assert response.status_code == 409
    assert "同一时间只能有一份进行中的计划" in response.content.decode()
    for persona, status in (("head", 403), ("director", 403), ("employee", 403)):
        assert client_for(persona).post(f"/plans/new/{review.pk}/", data).status_code == status


def test_check_in_and_judge_through_the_page(client_for, records) -> None:
    record = records["plan"]
    goal = record.goals.first()
    url = f"/plans/{record.pk}/"
    response = client_for("head").post(
        f"{url}check-ins/", {"held_on": "2026-11-20", f"progress-{goal.pk}": "70%"}
    )
    assert response.status_code == 302
    assert client_for("director").post(f"{url}check-ins/", {}).status_code == 403
    assert client_for("head").post(f"{url}judge/", {"outcome": "passed"}).status_code == 403
    refused = client_for("hr").post(f"{url}judge/", {"outcome": "extended"})
    assert refused.status_code == 400
    response = client_for("hr").post(
        f"{url}judge/", {"outcome": "extended", "ends_on": "2027-06-30", "reason": "再观察"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.outcome == Plan.Outcome.EXTENDED and record.ends_on == dt.date(2027, 6, 30)


def test_the_employee_sees_their_own_conversations_and_plans(client_for, records) -> None:
    body = get(client_for, "employee", "/my/improvement/").content.decode()
    assert f"/conversations/{records['conversation'].pk}/" in body
    assert f"/plans/{records['plan'].pk}/" in body
    other = get(client_for, "other_employee", "/my/improvement/").content.decode()
    assert "/conversations/" not in other
    assert get(client_for, "outsider", "/my/improvement/").status_code == 403


def test_the_warnings_list_marks_and_filters_written_warnings(client_for, records) -> None:
    body = get(client_for, "hr", "/warnings/?written=yes").content.decode()
    assert 'data-testid="written-E00002"' in body
    assert f"/conversations/{records['conversation'].pk}/" in body
    assert 'data-testid="written-E00002"' not in (
        get(client_for, "hr", "/warnings/?written=no").content.decode()
    )
    head = get(client_for, "head", "/warnings/").content.decode()
    assert 'data-testid="written-E00002"' in head
    assert 'data-testid="acknowledge-written-E00002"' not in head


def test_hr_acknowledges_a_written_warning_from_the_list(client_for, records) -> None:
    url = f"/written-warnings/{records['written'].pk}/acknowledge/"
    for persona, status in (("director", 403), ("head", 403), ("employee", 403)):
        assert client_for(persona).post(url).status_code == status
    assert client_for("hr").post(url).status_code == 302
    assert WrittenWarning.objects.get().acknowledged_by is not None


def test_the_review_page_shows_the_conversation_and_the_plan(client_for, records) -> None:
    url = f"/reviews/{records['review'].pk}/"
    body = get(client_for, "hr", url).content.decode()
    assert f"/conversations/{records['conversation'].pk}/" in body
    assert f"/plans/{records['plan'].pk}/" in body
    assert 'data-testid="review-written-warning"' in body
    own = get(client_for, "employee", url).content.decode()
    assert f"/conversations/{records['conversation'].pk}/" in own
    assert 'data-testid="review-written-warning"' not in own
