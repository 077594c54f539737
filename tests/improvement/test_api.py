"""The API of conversations, improvement plans and written warnings: each endpoint per persona,
the error shape, and what the bodies hold."""

from __future__ import annotations

import pytest

from improvement import services
from improvement.models import Conversation, Plan
from tests.helpers.api import API, error_of, field_names
from tests.helpers.improvement import conversation, plan, warned

CONVERSATIONS = f"{API}conversations/"
PLANS = f"{API}plans/"
WRITTEN = f"{API}written-warnings/"
READERS = ("hr", "director", "head", "employee", "token:hr")


@pytest.fixture
def records(personas, api_quarter):
    review = api_quarter.own
    talk = conversation(personas, review)
    improvement = plan(personas, review)
    warned(personas, "2026Q2")
    (written,) = services.written_warnings_escalate(review_ids=[review.pk])
    return {"review": review, "conversation": talk, "plan": improvement, "written": written}


def conversation_body(review_id: int) -> dict:
    return {
        "review": review_id,
        "held_on": "2026-11-02",
        "participants": ["王经理", "张伟"],
        "summary": "第二次面谈",
        "actions": [{"action": "每周复盘", "owner": "张伟", "due_on": "2026-12-15"}],
    }


@pytest.mark.parametrize(
    ("persona", "count"),
    [("hr", 1), ("director", 1), ("head", 1), ("employee", 1), ("other_employee", 0)],
)
def test_who_lists_the_conversations(call_as, records, persona, count) -> None:
    response = call_as(persona, "GET", CONVERSATIONS)
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize(
    ("persona", "status"), [("outsider", 403), (None, 401), ("token:payroll", 403)]
)
def test_others_may_not_list(call_as, records, persona, status) -> None:
    for url in (CONVERSATIONS, PLANS, WRITTEN):
        error_of(call_as(persona, "GET", url), status)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 200),
        ("head", 200),
        ("employee", 200),
        ("token:hr", 200),
        ("other_employee", 404),
        ("outsider", 404),
        (None, 401),
    ],
)
def test_who_reads_a_conversation(call_as, records, persona, status) -> None:
    response = call_as(persona, "GET", f"{CONVERSATIONS}{records['conversation'].pk}/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["participants"] == ["王经理", "张伟", "人力资源部 陈芳"]
        assert body["actions"][0]["due_on"] == "2026-11-30"
        assert body["review"]["employee_no"] == "E00002"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 201),
        ("head", 201),
        ("token:hr", 201),
        ("director", 403),
        ("employee", 403),
        ("other_employee", 403),
        ("outsider", 403),
    ],
)
def test_who_records_a_conversation(call_as, records, persona, status) -> None:
    response = call_as(persona, "POST", CONVERSATIONS, conversation_body(records["review"].pk))
    if status == 201:
        assert response.status_code == 201, response.content
        assert response.json()["summary"] == "第二次面谈"
    else:
        error_of(response, status)
        assert Conversation.objects.count() == 1


def test_a_conversation_refused_names_each_field(call_as, records) -> None:
    body = conversation_body(records["review"].pk)
    body |= {"participants": [], "summary": "", "held_on": "2099-01-01"}
    error = error_of(call_as("hr", "POST", CONVERSATIONS, body), 400, "invalid")
    # The action's due date is now before the (refused) date held.
    assert set(field_names(error)) == {"participants", "summary", "held_on", "actions[0].due_on"}


def test_a_review_without_a_low_score_is_a_conflict(call_as, api_quarter, records) -> None:
    body = conversation_body(api_quarter.head.pk)
    error_of(call_as("hr", "POST", CONVERSATIONS, body), 409, "not_low_score")
    # A review of another department is not there for the head.
    error_of(call_as("head", "POST", CONVERSATIONS, conversation_body(api_quarter.other.pk)), 404)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("employee", 200),
        ("hr", 403),
        ("director", 403),
        ("head", 403),
        ("token:hr", 403),
        ("other_employee", 404),
        ("outsider", 404),
    ],
)
def test_who_acknowledges_a_conversation(call_as, records, persona, status) -> None:
    url = f"{CONVERSATIONS}{records['conversation'].pk}/acknowledge"
    response = call_as(persona, "POST", url, {"comment": "收到"})
    if status == 200:
        assert response.status_code == 200
        assert response.json()["employee_comment"] == "收到"
        error_of(call_as(persona, "POST", url, {}), 409, "already_acknowledged")
    else:
        error_of(response, status)


@pytest.mark.parametrize(
    ("persona", "count"),
    [("hr", 1), ("director", 1), ("head", 1), ("employee", 1), ("other_employee", 0)],
)
def test_who_lists_the_plans(call_as, records, persona, count) -> None:
    response = call_as(persona, "GET", PLANS)
    assert response.status_code == 200
    assert len(response.json()["results"]) == count


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
def test_who_reads_a_plan(call_as, records, persona, status) -> None:
    response = call_as(persona, "GET", f"{PLANS}{records['plan'].pk}/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert [goal["target_value"] for goal in body["goals"]] == ["90.0000", "90.0000"]
        assert body["is_open"] is True and body["next_review"] is None


def plan_body(review_id: int) -> dict:
    return {
        "review": review_id,
        "ends_on": "2027-03-31",
        "goals": [
            {
                "description": "回款率",
                "target_value": "95",
                "target_unit": "%",
                "due_on": "2027-03-31",
            }
        ],
    }


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 409),
        ("token:hr", 409),
        ("director", 403),
        ("head", 403),
        ("employee", 403),
        ("outsider", 403),
    ],
)
def test_who_creates_a_plan(call_as, records, persona, status) -> None:
    """HR may; this employee already has an open plan, which the refusal names."""
    error = error_of(call_as(persona, "POST", PLANS, plan_body(records["review"].pk)), status)
    if status == 409:
        assert error["code"] == "plan_open"
        assert "同一时间只能有一份进行中的计划" in error["message"]


def test_hr_creates_a_plan_once_the_last_is_closed(call_as, records) -> None:
    Plan.objects.filter(pk=records["plan"].pk).update(
        outcome="passed", closed_at="2027-01-31T00:00Z"
    )
    bad = plan_body(records["review"].pk)
    bad["goals"][0]["target_value"] = "1e5"
    error = error_of(call_as("hr", "POST", PLANS, bad), 400, "invalid")
    assert field_names(error) == ["goals[0].target_value"]
    response = call_as("hr", "POST", PLANS, plan_body(records["review"].pk))
    assert response.status_code == 201, response.content
    assert response.json()["goals"][0]["target_value"] == "95.0000"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 201),
        ("head", 201),
        ("director", 403),
        ("employee", 403),
        ("other_employee", 404),
        ("outsider", 404),
    ],
)
def test_who_checks_in(call_as, records, persona, status) -> None:
    goal = records["plan"].goals.first()
    url = f"{PLANS}{records['plan'].pk}/check-ins"
    response = call_as(
        persona, "POST", url, {"held_on": "2026-11-20", "progress": {str(goal.pk): "70%"}}
    )
    if status == 201:
        assert response.status_code == 201, response.content
        assert response.json()["check_ins"][0]["progress"] == [{"goal": goal.pk, "progress": "70%"}]
    else:
        error_of(response, status)


def test_a_check_in_of_an_unknown_goal_is_refused(call_as, records) -> None:
    url = f"{PLANS}{records['plan'].pk}/check-ins"
    error = error_of(
        call_as("hr", "POST", url, {"held_on": "2026-11-20", "progress": {"x": "1"}}), 400
    )
    assert "progress[-1]" in field_names(error)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("token:hr", 200),
        ("director", 403),
        ("head", 403),
        ("employee", 403),
        ("other_employee", 404),
    ],
)
def test_who_judges_a_plan(call_as, records, persona, status) -> None:
    url = f"{PLANS}{records['plan'].pk}/judge"
    response = call_as(persona, "POST", url, {"outcome": "failed", "reason": "未达标"})
    if status == 200:
        assert response.status_code == 200, response.content
        assert response.json()["outcome"] == "failed"
        error_of(call_as(persona, "POST", url, {"outcome": "passed"}), 409, "plan_closed")
    else:
        error_of(response, status)


def test_extending_needs_a_later_end(call_as, records) -> None:
    url = f"{PLANS}{records['plan'].pk}/judge"
    error = error_of(call_as("hr", "POST", url, {"outcome": "extended"}), 400)
    assert field_names(error) == ["ends_on"]
    response = call_as("hr", "POST", url, {"outcome": "extended", "ends_on": "2027-06-30"})
    assert response.json()["is_open"] is True and response.json()["ends_on"] == "2027-06-30"


@pytest.mark.parametrize(
    ("persona", "status", "count"),
    [
        ("hr", 200, 1),
        ("director", 200, 1),
        ("head", 200, 1),
        ("token:hr", 200, 1),
        ("employee", 403, 0),
        ("other_employee", 403, 0),
    ],
)
def test_who_lists_the_written_warnings(call_as, records, persona, status, count) -> None:
    response = call_as(persona, "GET", WRITTEN)
    assert response.status_code == status
    if status == 200:
        (row,) = response.json()["results"]
        assert [item["period"] for item in row["counted"]] == ["2026Q2"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("hr", 200), ("token:hr", 200), ("director", 403), ("head", 403), ("employee", 404)],
)
def test_who_acknowledges_a_written_warning(call_as, records, persona, status) -> None:
    url = f"{WRITTEN}{records['written'].pk}/acknowledge"
    response = call_as(persona, "POST", url, {})
    if status == 200:
        assert response.json()["acknowledged_by"] is not None
        error_of(call_as(persona, "POST", url, {}), 409, "already_acknowledged")
        assert call_as(persona, "GET", f"{WRITTEN}?acknowledged=false").json()["results"] == []
    else:
        error_of(response, status)


def test_unknown_query_parameters_are_refused(call_as, records) -> None:
    error_of(call_as("hr", "GET", f"{PLANS}?opn=true"), 400, "invalid")


def test_odd_input_is_refused_never_a_server_error(call_as, records) -> None:
    url = f"{PLANS}{records['plan'].pk}/check-ins"
    body = {"held_on": "2026-11-20", "progress": {"9" * 5000: "x", "-3": "y"}}
    error = error_of(call_as("hr", "POST", url, body), 400)
    assert "progress[-1]" in field_names(error)
    judge = f"{PLANS}{records['plan'].pk}/judge"
    error = error_of(
        call_as("hr", "POST", judge, {"outcome": "extended", "ends_on": "9999-12-31"}), 400
    )
    assert field_names(error) == ["ends_on"]
    far = plan_body(records["review"].pk) | {"starts_on": "9999-12-31"}
    error_of(call_as("hr", "POST", PLANS, far), 409)  # the open plan is refused first
