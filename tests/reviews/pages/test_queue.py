"""The director's queue: who may open it and act on it, approving one or many, returning with a
comment, reopening with a reason, bad input, stale forms, filters, pagination, query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Employee
from reviews import services
from reviews.models import Review
from tests.helpers.pages import approve, complete_example, generate_now, submit_and_score

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
QUEUE = "/queue/"
APPROVE = "/queue/approve/"
RETURN = "/queue/return/"
REOPEN = "/queue/reopen/"
NOT_DIRECTOR = ["hr", "head", "employee", "other_employee", "outsider"]


def state_of(review: Review) -> str:
    review.refresh_from_db()
    return review.state


@pytest.fixture
def scored(page_quarter, personas) -> dict[str, Review]:
    """E00002 (SALES, A), E00003 (MARKET, D, warned), E00004 (KEYACCT, C) scored."""
    return {
        number: submit_and_score(personas, page_quarter.reviews[number])
        for number in ("E00002", "E00003", "E00004")
    }


def approve_data(*reviews: Review, query: str = "") -> dict[str, object]:
    data: dict[str, object] = {"review": [str(review.pk) for review in reviews], "query": query}
    for review in reviews:
        data[f"revision-{review.pk}"] = str(review.revision)
    return data


# -- who may open the queue, and who may act ------------------------------------------------


def test_urls_are_the_ones_the_browser_test_uses():
    assert reverse("reviews:queue") == QUEUE
    assert reverse("reviews:queue_approve") == APPROVE
    assert reverse("reviews:queue_return") == RETURN
    assert reverse("reviews:queue_reopen") == REOPEN


def test_director_opens_the_queue(scored, client_for):
    response = client_for("director").get(QUEUE, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    for number in scored:
        assert f'data-testid="select-{number}"' in html
        assert f'data-testid="approve-{number}"' in html
        assert f'data-testid="return-{number}"' in html
    assert 'data-testid="approve-selected"' in html
    assert 'data-testid="tab-approved"' in html
    assert "select-E00005" not in html  # a draft waits for nobody
    assert "92.04" in html and "1.10" in html  # total and pay coefficient, 2 places
    assert html.count("csrfmiddlewaretoken") >= 1 + 2 * len(scored)


@pytest.mark.parametrize("persona", NOT_DIRECTOR)
def test_everyone_else_is_refused_the_queue(scored, client_for, persona):
    assert client_for(persona).get(QUEUE).status_code == 403


@pytest.mark.parametrize("url", [QUEUE, APPROVE, RETURN, REOPEN])
def test_anonymous_goes_to_login(scored, url):
    for response in (Client().get(url), Client().post(url, {})):
        assert response.status_code == 302
        assert "login" in response["Location"]


@pytest.mark.parametrize("persona", NOT_DIRECTOR)
def test_everyone_else_may_not_act(scored, client_for, persona):
    review = scored["E00002"]
    client = client_for(persona)
    assert client.post(APPROVE, approve_data(review)).status_code == 403
    data = {"review": review.pk, "revision": review.revision, "comment": "x", "reason": "x"}
    assert client.post(RETURN, data).status_code == 403
    assert client.post(REOPEN, data).status_code == 403
    assert state_of(review) == Review.State.SCORED


@pytest.mark.parametrize("url", [APPROVE, RETURN, REOPEN])
def test_actions_refuse_get(scored, client_for, url):
    assert client_for("director").get(url).status_code == 405


def test_the_queue_refuses_post(scored, client_for):
    assert client_for("director").post(QUEUE, {}).status_code == 405


# -- approving -------------------------------------------------------------------------------


def test_director_approves_one(scored, client_for):
    client = client_for("director")
    review = scored["E00002"]
    response = client.post(APPROVE, approve_data(review), **EN)
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert state_of(review) == Review.State.APPROVED
    assert state_of(scored["E00003"]) == Review.State.SCORED
    html = client.get(QUEUE, **EN).content.decode()
    assert "1 review approved." in html
    assert "select-E00002" not in html and "select-E00003" in html


def test_director_approves_the_selected_all_at_once(scored, client_for):
    client = client_for("director")
    response = client.post(APPROVE, approve_data(*scored.values()), follow=True, **EN)
    assert response.status_code == 200
    assert "3 reviews approved." in response.content.decode()
    for review in scored.values():
        assert state_of(review) == Review.State.APPROVED
        assert review.approved_results.count() == 1


def test_approval_keeps_the_filters(scored, client_for, departments):
    query = f"department={departments['SALES'].pk}&grade=A"
    response = client_for("director").post(APPROVE, approve_data(scored["E00002"], query=query))
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?{query}"


def test_the_query_posted_back_keeps_only_the_filters(scored, client_for):
    query = "grade=A&next=https://evil.example/&tab=approved"
    response = client_for("director").post(APPROVE, approve_data(scored["E00002"], query=query))
    assert response["Location"] == f"{QUEUE}?grade=A&tab=approved"


def test_a_stale_review_stops_the_whole_batch(scored, personas, client_for):
    client = client_for("director")
    page = client.get(QUEUE)
    assert page.status_code == 200
    data = approve_data(*scored.values())
    # HR corrects a figure of E00003 after the director's page was drawn: it is rescored.
    changed = scored["E00003"]
    line = changed.kpi_lines.order_by("order").first()
    services.review_set_figures(
        actor=personas["hr"],
        review=changed,
        figures={line.pk: {"actual": "41"}},
        reason_code="correction",
    )
    response = client.post(APPROVE, data, **EN)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Nothing was approved" in html and "E00003" in html and "李娜" in html
    for review in scored.values():
        assert state_of(review) != Review.State.APPROVED
    # The selection is kept for the reviews still waiting.
    assert html.count(" checked") >= 2
    assert f'value="{scored["E00002"].pk}" data-testid="select-E00002"' in html


def test_a_review_approved_meanwhile_is_named(scored, personas, client_for):
    data = approve_data(scored["E00002"], scored["E00004"])
    services.review_approve(actor=personas["director"], review=scored["E00004"])
    response = client_for("director").post(APPROVE, data, **EN)
    assert response.status_code == 409
    assert "E00004" in response.content.decode()
    assert state_of(scored["E00002"]) == Review.State.SCORED


def test_approving_nothing_says_so(scored, client_for):
    response = client_for("director").post(APPROVE, {"query": ""}, **EN)
    assert response.status_code == 400
    assert "Select at least one review" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"review": "abc"},
        {"review": "1.5", "revision-1.5": "1"},
        {"review": "REVIEW", "revision-REVIEW": "x"},
    ],
)
def test_approving_a_malformed_selection_is_refused(scored, client_for, data):
    response = client_for("director").post(APPROVE, data, **EN)
    assert response.status_code == 400
    assert "reload the page" in response.content.decode()
    assert not Review.objects.filter(state=Review.State.APPROVED).exists()


def test_approving_without_the_revision_is_refused(scored, client_for):
    review = scored["E00002"]
    response = client_for("director").post(APPROVE, {"review": review.pk}, **EN)
    assert response.status_code == 400
    assert state_of(review) == Review.State.SCORED


def test_approving_an_unknown_review_is_a_404(scored, client_for):
    data = approve_data(scored["E00002"])
    data["review"] = [str(scored["E00002"].pk), "999999"]
    data["revision-999999"] = "1"
    assert client_for("director").post(APPROVE, data).status_code == 404
    assert state_of(scored["E00002"]) == Review.State.SCORED


def test_approving_a_draft_is_refused(page_quarter, scored, client_for):
    draft = page_quarter.reviews["E00005"]
    response = client_for("director").post(APPROVE, approve_data(draft), **EN)
    assert response.status_code == 409
    assert state_of(draft) == Review.State.DRAFT


# -- returning -------------------------------------------------------------------------------


def test_director_returns_with_a_comment(scored, client_for):
    review = scored["E00003"]
    data = {"review": review.pk, "revision": review.revision, "comment": "请核对广告计划完成率"}
    response = client_for("director").post(RETURN, data, follow=True, **EN)
    assert response.status_code == 200
    assert "review returned to HR" in response.content.decode()
    assert state_of(review) == Review.State.RETURNED
    event = review.events.filter(action="state").order_by("-pk").first()
    assert event.to_value == Review.State.RETURNED and event.reason == "请核对广告计划完成率"


@pytest.mark.parametrize("comment", ["", "   "])
def test_returning_without_a_comment_changes_nothing(scored, client_for, comment):
    review = scored["E00003"]
    data = {"review": review.pk, "revision": review.revision, "comment": comment}
    response = client_for("director").post(RETURN, data, **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say what HR should change." in html and "E00003" in html
    assert state_of(review) == Review.State.SCORED


def test_the_comment_is_asked_in_chinese_too(scored, client_for):
    review = scored["E00003"]
    data = {"review": review.pk, "revision": review.revision, "comment": ""}
    response = client_for("director").post(RETURN, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "Say what HR should change." not in response.content.decode()


def test_returning_a_stale_review_keeps_the_comment(scored, personas, client_for):
    review = scored["E00003"]
    data = {"review": review.pk, "revision": review.revision, "comment": "我写的意见"}
    line = review.kpi_lines.order_by("order").first()
    services.review_set_figures(
        actor=personas["hr"],
        review=review,
        figures={line.pk: {"actual": "41"}},
        reason_code="correction",
    )
    response = client_for("director").post(RETURN, data, **EN)
    assert response.status_code == 409
    html = response.content.decode()
    assert "我写的意见" in html and "Someone else changed this review" in html
    assert state_of(review) != Review.State.RETURNED


@pytest.mark.parametrize(
    "data", [{"review": "abc", "revision": "1"}, {"review": "1"}, {"revision": "1"}, {}]
)
def test_returning_with_malformed_ids_is_refused(scored, client_for, data):
    response = client_for("director").post(RETURN, {**data, "comment": "x"}, **EN)
    assert response.status_code == 400
    assert not Review.objects.filter(state=Review.State.RETURNED).exists()


def test_returning_an_unknown_review_is_a_404(scored, client_for):
    data = {"review": 999999, "revision": 1, "comment": "x"}
    assert client_for("director").post(RETURN, data).status_code == 404


# -- the approved tab and reopening ----------------------------------------------------------


def test_the_approved_tab_lists_approved_reviews_with_reopen(scored, personas, client_for):
    services.review_approve(actor=personas["director"], review=scored["E00002"])
    client = client_for("director")
    html = client.get(QUEUE, {"tab": "approved"}, **EN).content.decode()
    assert 'data-testid="reopen-E00002"' in html
    assert "reopen-E00003" not in html and "select-E00002" not in html
    assert 'name="reason"' in html


def test_director_reopens_with_a_reason(scored, personas, client_for):
    review = services.review_approve(actor=personas["director"], review=scored["E00002"])
    data = {
        "review": review.pk,
        "revision": review.revision,
        "reason": "销售额数据有误",
        "query": "tab=approved",
    }
    response = client_for("director").post(REOPEN, data, **EN)
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}?tab=approved"
    review.refresh_from_db()
    assert review.state == Review.State.REOPENED and review.version == 2


def test_reopening_without_a_reason_changes_nothing(scored, personas, client_for):
    review = services.review_approve(actor=personas["director"], review=scored["E00002"])
    data = {
        "review": review.pk,
        "revision": review.revision,
        "reason": " ",
        "query": "tab=approved",
    }
    response = client_for("director").post(REOPEN, data, **EN)
    assert response.status_code == 400
    assert "Give the reason for reopening." in response.content.decode()
    review.refresh_from_db()
    assert review.state == Review.State.APPROVED and review.version == 1


def test_reopening_twice_from_the_same_page_is_refused(scored, personas, client_for):
    review = services.review_approve(actor=personas["director"], review=scored["E00002"])
    data = {"review": review.pk, "revision": review.revision, "reason": "第一次"}
    client = client_for("director")
    assert client.post(REOPEN, data).status_code == 302
    response = client.post(REOPEN, {**data, "reason": "第二次"}, **EN)
    assert response.status_code == 409
    assert "第二次" in response.content.decode()
    review.refresh_from_db()
    assert review.version == 2


# -- filters, quarters, pagination, queries --------------------------------------------------


def test_filters(scored, departments, client_for):
    client = client_for("director")

    def rows(**params: object) -> set[str]:
        html = client.get(QUEUE, params).content.decode()
        return {number for number in scored if f'data-testid="select-{number}"' in html}

    assert rows() == {"E00002", "E00003", "E00004"}
    assert rows(department=departments["MARKET"].pk) == {"E00003"}
    assert rows(grade="A") == {"E00002"}
    assert rows(warning="yes") == {"E00003"}
    assert rows(warning="no") == {"E00002", "E00004"}
    assert rows(grade="C", warning="no") == {"E00004"}
    assert rows(period="2026q3") == {"E00002", "E00003", "E00004"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"department": "abc"}, "Department"),
        ({"grade": "Z"}, "Grade"),
        ({"warning": "maybe"}, "Verbal warning"),
        ({"period": "1999Q1"}, "Quarter"),
    ],
)
def test_bad_filters_say_which_field(scored, client_for, params, field):
    response = client_for("director").get(QUEUE, params, **EN)
    assert response.status_code == 400
    assert f"<p>{field}: " in response.content.decode()


def test_newest_quarter_by_default(scored, personas, client_for):
    newer = services.cycle_open(actor=personas["hr"], period="2026Q4")
    html = client_for("director").get(QUEUE, **EN).content.decode()
    assert "2026Q4" in html and "select-E00002" not in html
    html = client_for("director").get(QUEUE, {"period": "2026Q3"}, **EN).content.decode()
    assert "select-E00002" in html
    assert newer.period in html  # the quarter select lists it


def test_no_quarter_yet(personas, client_for):
    response = client_for("director").get(QUEUE, **EN)
    assert response.status_code == 200
    assert "queue-no-quarter" in response.content.decode()


def _many_scored(page_quarter, departments, count: int) -> None:
    """Add `count` SALES reviews marked scored (directly: the figures do not matter here)."""
    for number in range(100, 100 + count):
        Employee.objects.create(
            employee_no=f"E{number:05d}", name=f"员工{number}", department=departments["SALES"]
        )
    generate_now(page_quarter.cycle)
    Review.objects.filter(cycle=page_quarter.cycle, employee__employee_no__gte="E00100").update(
        state=Review.State.SCORED,
        total_score=Decimal("80.00"),
        grade="B",
        pay_coefficient=Decimal("1.00"),
    )


def test_pagination_keeps_the_filters(page_quarter, departments, client_for):
    _many_scored(page_quarter, departments, 60)
    client = client_for("director")
    params = {"department": departments["SALES"].pk, "grade": "B"}
    html = client.get(QUEUE, params).content.decode()
    assert html.count('data-testid="select-') == 50
    assert f"department={departments['SALES'].pk}&amp;grade=B&amp;page=2" in html
    html = client.get(QUEUE, {**params, "page": 2}).content.decode()
    assert html.count('data-testid="select-') == 10
    html = client.get(QUEUE, {**params, "page": "zz"}).content.decode()
    assert html.count('data-testid="select-') == 50


QUEUE_QUERIES = 9  # however many reviews wait


@pytest.mark.parametrize("tab", ["pending", "approved"])
def test_the_queue_runs_a_fixed_number_of_queries(
    page_quarter, personas, departments, client_for, tab
):
    submit_and_score(personas, page_quarter.reviews["E00002"])
    approve(personas, page_quarter.reviews["E00004"])
    client = client_for("director")
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE, {"tab": tab}).status_code == 200
    _many_scored(page_quarter, departments, 60)
    submit_and_score(personas, page_quarter.reviews["E00003"])
    approve(personas, page_quarter.reviews["E00005"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(QUEUE, {"tab": tab, "grade": "", "department": ""})
    assert response.status_code == 200
    assert len(few) == len(many) == QUEUE_QUERIES, [q["sql"][:80] for q in many.captured_queries]


def test_a_complete_but_unsubmitted_review_is_not_in_the_queue(page_quarter, personas, client_for):
    complete_example(personas, page_quarter.reviews["E00002"])
    html = client_for("director").get(QUEUE).content.decode()
    assert "select-E00002" not in html


def test_a_refused_htmx_post_keeps_the_address_of_the_page(scored, client_for):
    review = scored["E00003"]
    data = {"review": review.pk, "revision": review.revision, "comment": ""}
    response = client_for("director").post(RETURN, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert response["HX-Push-Url"] == "false"
    assert 'hx-boost="true"' in response.content.decode()


def test_an_unknown_tab_shows_the_reviews_awaiting_approval(scored, client_for):
    response = client_for("director").get(QUEUE, {"tab": "<script>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "select-E00002" in html and "<script>" not in html.split("</head>")[1]


def test_htmx_gets_the_page_at_once_after_an_approval(scored, client_for):
    data = approve_data(scored["E00002"], query="grade=A")
    response = client_for("director").post(APPROVE, data, HTTP_HX_REQUEST="true", **EN)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"{QUEUE}?grade=A"
    html = response.content.decode()
    assert "1 review approved." in html and "select-E00002" not in html
    assert state_of(scored["E00002"]) == Review.State.APPROVED
