"""Closing a quarter from its page (HR) and reopening it (the director): who may, the
confirmation, what keeps it open (counted, with links), and its history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import AuditEvent, ReviewCycle

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PERIOD = "2026Q3"
PERSONAS = ("hr", "director", "head", "employee", "other_employee", "outsider", None)


def _url(name: str) -> str:
    return reverse(f"reviews:{name}", kwargs={"period": PERIOD})


def status_of(cycle: ReviewCycle) -> str:
    cycle.refresh_from_db()
    return cycle.status


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_hr_closes_from_the_page(client_for, closable_quarter, persona):
    response = client_for(persona).post(_url("quarter_close"), {"confirm": "on"}, **EN)
    expected = {"hr": 302, None: 302}.get(persona, 403)
    assert response.status_code == expected
    assert status_of(closable_quarter) == ("closed" if persona == "hr" else "open")


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_director_reopens_from_the_page(client_for, closed_quarter, persona):
    response = client_for(persona).post(_url("quarter_reopen"), {"reason": "数据更正"}, **EN)
    expected = {"director": 302, None: 302}.get(persona, 403)
    assert response.status_code == expected
    assert status_of(closed_quarter) == ("open" if persona == "director" else "closed")


def test_closing_needs_the_tick(client_for, closable_quarter):
    response = client_for("hr").post(_url("quarter_close"), {}, **EN)
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    assert status_of(closable_quarter) == "open"


def test_the_page_counts_what_keeps_the_quarter_open_with_links(client_for, closing_quarter):
    page = client_for("hr").get(_url("quarter"), **EN).content.decode()
    assert 'data-testid="close-blockers"' in page
    assert "3 reviews not approved" in page
    assert f'href="/quarters/{PERIOD}/reviews/?state=draft"' in page
    assert 'data-testid="close-quarter"' not in page
    response = client_for("hr").post(_url("quarter_close"), {"confirm": "on"}, **EN)
    assert response.status_code == 409
    assert "3 reviews not approved" in response.content.decode()


def test_the_closed_quarter_shows_when_and_offers_the_director_to_reopen(
    client_for, closed_quarter
):
    hr_page = client_for("hr").get(_url("quarter"), **EN).content.decode()
    assert 'data-status="closed"' in hr_page
    assert 'data-testid="quarter-closed-at"' in hr_page
    assert 'data-testid="quarter-close"' not in hr_page
    assert 'data-testid="reopen-form"' not in hr_page
    assert "Quarter 2026Q3 closed" in hr_page  # its history
    director_page = client_for("director").get(_url("quarter"), **EN).content.decode()
    assert 'data-testid="reopen-form"' in director_page


def test_reopening_needs_a_reason_and_records_it(client_for, closed_quarter):
    blank = client_for("director").post(_url("quarter_reopen"), {"reason": " "}, **EN)
    assert blank.status_code == 400
    assert status_of(closed_quarter) == "closed"
    client_for("director").post(_url("quarter_reopen"), {"reason": "补录申诉"}, **EN)
    assert status_of(closed_quarter) == "open"
    page = client_for("hr").get(_url("quarter"), **EN).content.decode()
    assert "Quarter 2026Q3 reopened" in page and "补录申诉" in page
    assert AuditEvent.objects.filter(action="cycle_reopened").count() == 1


def test_a_review_of_a_closed_quarter_offers_no_action(client_for, personas, closed_quarter):
    review = closed_quarter.reviews.first()
    url = reverse("reviews:review", args=[review.pk])
    page = client_for("director").get(url, **EN)
    assert page.status_code == 200
    assert 'name="action" value="reopen"' not in page.content.decode()
    services.cycle_reopen(actor=personas["director"], cycle=closed_quarter, reason="更正")
    assert 'name="action" value="reopen"' in client_for("director").get(url, **EN).content.decode()
