"""The director's approve-all on the queue (reviews.pages.queue.queue_approve_all): the count
of every page confirmed first, all or none, refused with the new count when the set changed;
only the director; and the queue's compact rows with their one return dialog."""

from __future__ import annotations

import re
from html import unescape

import pytest

from reviews import selectors, services
from reviews.models import ApprovedResult, AuditEvent, Review, ScoringPolicy
from tests.helpers.pages import complete_example, section, submit_and_score

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
QUEUE = "/queue/"
APPROVE_ALL = "/queue/approve-all/"
NOT_DIRECTOR = ["hr", "head", "employee", "other_employee", "outsider"]


@pytest.fixture
def scored(page_quarter, personas) -> dict[str, Review]:
    """E00002 (SALES, A), E00003 (MARKET, D, warned), E00004 (KEYACCT, C) scored."""
    return {
        number: submit_and_score(personas, page_quarter.reviews[number])
        for number in ("E00002", "E00003", "E00004")
    }


def confirm_data(html: str, **extra: str) -> dict[str, str]:
    """The confirmation form's hidden inputs as the page drew them."""
    form = section(html, "bulk-form")
    found = re.findall(r'name="(query|expected|fingerprint)" value="([^"]*)"', form)
    data = {name: unescape(value) for name, value in found}
    return {**data, **extra}


def test_the_queue_offers_approve_all_with_the_count_of_every_page(scored, client_for):
    html = client_for("director").get(QUEUE, **EN).content.decode()
    assert 'data-testid="approve-all" data-count="3"' in html
    assert "Approve all 3 matching this filter" in html
    # Compact rows: no text box per row, one dialog for the page.
    assert html.count("<textarea") == 1
    assert html.count('data-testid="row-dialog"') == 1
    assert 'data-testid="return-E00002"' in html and 'data-dialog-open="row-dialog"' in html


def test_confirmation_shows_the_count_and_approving_takes_all(scored, client_for, personas):
    client = client_for("director")
    page = client.get(APPROVE_ALL, {"period": "2026Q3"}, **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="bulk-count" data-count="3"' in html
    assert "Approve all 3 reviews matching this filter?" in html
    data = confirm_data(html, reason="按季度批量审批")
    response = client.post(APPROVE_ALL, data)
    assert response.status_code == 302 and response["Location"].startswith(QUEUE)
    assert Review.objects.filter(state="approved").count() == 3
    assert ApprovedResult.objects.count() == 3
    assert set(AuditEvent.objects.filter(to_value="approved").values_list("reason", flat=True)) == {
        "按季度批量审批"
    }


def test_approve_all_keeps_to_the_filter(scored, client_for, departments):
    client = client_for("director")
    query = {"period": "2026Q3", "department": str(departments["SALES"].pk)}
    html = client.get(APPROVE_ALL, query, **EN).content.decode()
    assert 'data-count="1"' in html
    assert client.post(APPROVE_ALL, confirm_data(html)).status_code == 302
    assert list(
        Review.objects.filter(state="approved").values_list("employee__employee_no", flat=True)
    ) == ["E00002"]


def test_a_changed_set_approves_nothing_and_shows_the_new_count(
    scored, client_for, personas, page_quarter
):
    client = client_for("director")
    html = client.get(APPROVE_ALL, {"period": "2026Q3"}, **EN).content.decode()
    data = confirm_data(html)
    # Meanwhile HR changes E00004's figures: it goes back to the worker and leaves the set.
    services.review_return(actor=personas["director"], review=scored["E00004"], comment="请核对")
    response = client.post(APPROVE_ALL, data, **EN)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="bulk-message"' in body
    assert 'data-testid="bulk-count" data-count="2"' in body
    assert not Review.objects.filter(state="approved").exists()


def test_a_review_changed_in_place_approves_nothing(scored, client_for, personas):
    client = client_for("director")
    html = client.get(APPROVE_ALL, {"period": "2026Q3"}, **EN).content.decode()
    data = confirm_data(html)
    review = scored["E00002"]
    # Same count, another revision: the fingerprint tells.
    Review.objects.filter(pk=review.pk).update(revision=review.revision + 1)
    Review.objects.filter(pk=review.pk).update(scored_revision=review.revision + 1)
    assert selectors.approvable(Review.objects.all()).count == 3
    response = client.post(APPROVE_ALL, data, **EN)
    assert response.status_code == 409
    assert not Review.objects.filter(state="approved").exists()


def test_a_confirmation_without_its_count_is_refused(scored, client_for):
    response = client_for("director").post(APPROVE_ALL, {"query": "period=2026Q3"}, **EN)
    assert response.status_code == 400
    assert not Review.objects.filter(state="approved").exists()


@pytest.mark.parametrize("name", NOT_DIRECTOR)
def test_only_the_director_approves_all(scored, client_for, name):
    client = client_for(name)
    assert client.get(APPROVE_ALL, {"period": "2026Q3"}).status_code == 403
    response = client.post(
        APPROVE_ALL, {"query": "period=2026Q3", "expected": "3", "fingerprint": "x"}
    )
    assert response.status_code == 403
    assert not Review.objects.filter(state="approved").exists()


def test_anonymous_is_sent_to_log_in(scored, client):
    assert client.get(APPROVE_ALL).status_code == 302
    assert client.post(APPROVE_ALL, {}).status_code == 302


def test_an_unknown_quarter_is_not_found(scored, client_for):
    assert client_for("director").get(APPROVE_ALL, {"period": "2031Q1"}).status_code in (400, 404)


def test_nothing_to_approve_says_so(page_quarter, personas, client_for):
    complete_example(personas, page_quarter.reviews["E00002"])
    html = client_for("director").get(APPROVE_ALL, {"period": "2026Q3"}, **EN).content.decode()
    assert 'data-testid="bulk-none"' in html
    assert 'data-testid="bulk-confirm-button"' not in html


def test_a_refused_return_opens_the_dialog_again_with_the_text(scored, client_for):
    review = scored["E00002"]
    response = client_for("director").post(
        "/queue/return/",
        {"review": review.pk, "revision": review.revision, "comment": "  ", "query": ""},
        **EN,
    )
    assert response.status_code == 400
    html = response.content.decode()
    dialog = section(html, "row-dialog")
    assert "data-open-modal" in html and f'value="{review.pk}"' in dialog
    assert 'data-testid="row-dialog-error"' in dialog


def test_past_a_hard_limit_the_refusal_asks_for_a_reason_in_words(scored, client_for):
    """The refusal says what is wrong in words, not with the name of the form's field."""
    ScoringPolicy.objects.filter(cycle=scored["E00002"].cycle).update(max_share_a=10)
    client = client_for("director")
    html = client.get(APPROVE_ALL, {"period": "2026Q3"}, **EN).content.decode()
    response = client.post(APPROVE_ALL, confirm_data(html), **EN)
    assert response.status_code == 400
    message = unescape(section(response.content.decode(), "bulk-message"))
    assert "Approving this breaks a hard limit of the guideline" in message
    assert "reason:" not in message
    assert not Review.objects.filter(state="approved").exists()

    picked = scored["E00002"]
    response = client.post(
        "/queue/approve/",
        {"review": picked.pk, f"revision-{picked.pk}": picked.revision, "query": ""},
        **EN,
    )
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Nothing was approved: Approving this breaks a hard limit" in html
    assert "reason:" not in html
