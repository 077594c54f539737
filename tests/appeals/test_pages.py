"""The pages of confirmations and appeals, per persona: the panel on the review's page, the
printable form, the appeal form, the appeal's page with HR's answer, and HR's list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appeals import services
from appeals.models import Appeal, Confirmation
from hrperf.lib.roles import roles_of
from reviews.models import ReviewCycle
from tests.helpers.appeals import after_window, counts, file, line_of


@pytest.fixture
def client_for(client_for):
    """The personas' clients, asking for English (the tests read the refusals' words)."""

    def make(name):
        client = client_for(name)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def review_page(review):
    return f"/reviews/{review.pk}/"


@pytest.mark.parametrize(
    ("persona", "status", "buttons"),
    [
        ("employee", 200, True),
        ("hr", 200, False),
        ("director", 200, False),
        ("head", 200, False),
        ("other_employee", 404, False),
    ],
)
def test_the_review_page_shows_the_confirmation_state(
    client_for, api_quarter, persona, status, buttons
):
    response = client_for(persona).get(review_page(api_quarter.own))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert 'data-testid="result-confirmation" data-status="pending"' in html
        assert ('data-testid="confirm-result"' in html) is buttons
        assert ('data-testid="appeal-result"' in html) is buttons


def test_a_closed_quarter_offers_the_employee_a_confirmation_but_no_appeal(client_for, api_quarter):
    ReviewCycle.objects.filter(pk=api_quarter.own.cycle_id).update(status=ReviewCycle.Status.CLOSED)
    html = client_for("employee").get(review_page(api_quarter.own)).content.decode()
    assert 'data-testid="confirm-result"' in html
    assert 'data-testid="appeal-result"' not in html


def test_the_employee_confirms_from_the_review_page(client_for, api_quarter, personas):
    client = client_for("employee")
    response = client.post(f"/reviews/{api_quarter.own.pk}/confirm/")
    assert response.status_code == 302
    assert Confirmation.objects.get().how == "employee"
    html = client.get(review_page(api_quarter.own)).content.decode()
    assert 'data-status="confirmed"' in html and 'data-testid="confirm-result"' not in html
    # Everyone who sees the review sees who confirmed it, on the page and the printed form.
    for persona in ("hr", "head"):
        html = client_for(persona).get(review_page(api_quarter.own)).content.decode()
        assert "confirmed by" in html
    printed = client_for("hr").get(f"/reviews/{api_quarter.own.pk}/print/").content.decode()
    assert 'data-testid="print-confirmation"' in printed and "confirmed by" in printed
    assert 'data-testid="sign-head"' in printed  # the signature block has the head's line
    # Twice: the second is refused with the rule, nothing saved.
    before = counts()
    response = client.post(f"/reviews/{api_quarter.own.pk}/confirm/", follow=True)
    assert "confirmed once" in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("persona", ["hr", "director", "head"])
def test_only_the_employee_confirms(client_for, api_quarter, persona):
    before = counts()
    assert client_for(persona).post(f"/reviews/{api_quarter.own.pk}/confirm/").status_code == 403
    assert counts() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("employee", 200), ("hr", 403), ("director", 403), ("head", 403), ("other_employee", 404)],
)
def test_the_appeal_form_per_persona(client_for, api_quarter, persona, status):
    response = client_for(persona).get(f"/reviews/{api_quarter.own.pk}/appeal/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert f'value="line:{line_of(api_quarter.own).line_id}"' in html
        assert 'value="rating:hr:culture"' in html and 'value="whole"' in html


def test_filing_an_appeal_from_the_form(client_for, api_quarter):
    client = client_for("employee")
    url = f"/reviews/{api_quarter.own.pk}/appeal/"
    before = counts()
    response = client.post(url, {"grounds": ""})
    assert response.status_code == 400
    assert counts() == before
    token = f"line:{line_of(api_quarter.own).line_id}"
    response = client.post(url, {"items": [token, "rating:hr:culture"], "grounds": "CRM: 95."})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/appeals/{appeal.pk}/"
    assert appeal.items.count() == 2
    again = client.post(url, {"items": ["whole"], "grounds": "Again."})
    assert again.status_code == 409
    assert "One appeal per approved version" in again.content.decode()
    assert Appeal.objects.count() == 1


def test_an_appeal_after_the_window_is_refused_on_the_page(client_for, api_quarter, monkeypatch):
    from django.utils import timezone

    later = after_window(api_quarter.own)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client_for("employee").post(
        f"/reviews/{api_quarter.own.pk}/appeal/", {"items": ["whole"], "grounds": "Late."}
    )
    assert response.status_code == 409
    assert "The appeal window closed on" in response.content.decode()
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status", "form"),
    [
        ("employee", 200, False),
        ("hr", 200, True),
        ("director", 200, False),
        ("head", 200, False),
        ("other_employee", 404, False),
        ("outsider", 403, False),
    ],
)
def test_the_appeal_page_per_persona(client_for, personas, api_quarter, persona, status, form):
    appeal = file(personas, api_quarter.own, line_of(api_quarter.own))
    response = client_for(persona).get(f"/appeals/{appeal.pk}/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "The figure is wrong" in html
        assert ('data-testid="appeal-answer-form"' in html) is form


def test_hr_answers_on_the_appeal_page(client_for, personas, api_quarter):
    appeal = file(personas, api_quarter.own)
    hr = client_for("hr")
    url = f"/appeals/{appeal.pk}/answer/"
    assert hr.post(url, {"answer": "reject", "reason": ""}).status_code == 400
    assert client_for("employee").post(url, {"answer": "reject", "reason": "x"}).status_code == 403
    response = hr.post(url, {"answer": "accept", "reason": "The CRM shows 95."})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "accepted"
    # The employee reads the answer on the appeal's page, though the review is reopened.
    html = client_for("employee").get(f"/appeals/{appeal.pk}/").content.decode()
    assert "The CRM shows 95." in html and 'data-kind="told"' in html
    assert hr.post(url, {"answer": "reject", "reason": "x"}).status_code == 409


@pytest.mark.parametrize(
    ("persona", "status", "seen"),
    [
        ("hr", 200, True),
        ("director", 200, True),
        ("head", 200, True),
        ("employee", 200, True),
        ("other_employee", 200, False),
        ("outsider", 403, False),
    ],
)
def test_the_list_per_persona(client_for, personas, api_quarter, persona, status, seen):
    appeal = file(personas, api_quarter.own)
    response = client_for(persona).get("/appeals/")
    assert response.status_code == status
    if status == 200:
        assert (f'data-testid="appeal-row-{appeal.pk}"' in response.content.decode()) is seen


def test_the_list_filters_and_marks_the_overdue(client_for, personas, api_quarter):
    import datetime as dt

    from django.utils import timezone

    appeal = file(personas, api_quarter.own)
    hr = client_for("hr")
    assert (
        f"appeal-row-{appeal.pk}" in hr.get("/appeals/?period=2026Q3&status=filed").content.decode()
    )
    assert f"appeal-row-{appeal.pk}" not in hr.get("/appeals/?status=rejected").content.decode()
    assert hr.get("/appeals/?status=nope").status_code == 400
    assert 'data-overdue="yes"' not in hr.get("/appeals/").content.decode()
    Appeal.objects.filter(pk=appeal.pk).update(answer_due=timezone.localdate() - dt.timedelta(1))
    html = hr.get("/appeals/").content.decode()
    assert 'data-overdue="yes"' in html
    assert 'data-testid="overdue"' in hr.get(f"/appeals/{appeal.pk}/").content.decode()


def test_hr_todos_and_the_employees(personas, api_quarter):
    from appeals.selectors import todos

    employee, hr = personas["employee"], personas["hr"]
    [todo] = todos(viewer_roles=roles_of(employee), user=employee)
    assert todo.kind == "confirm_result" and todo.count == 1 and todo.due is not None
    assert todos(viewer_roles=roles_of(hr), user=hr) == []
    appeal = file(personas, api_quarter.own)
    assert todos(viewer_roles=roles_of(employee), user=employee) == []
    [todo] = todos(viewer_roles=roles_of(hr), user=hr)
    assert (todo.kind, todo.count, todo.due, todo.overdue) == (
        "answer_appeal",
        1,
        appeal.answer_due,
        False,
    )
    services.appeal_reject(user=hr, roles=roles_of(hr), appeal=appeal, reason="No.")
    assert todos(viewer_roles=roles_of(hr), user=hr) == []


@pytest.mark.parametrize(
    ("who", "appeals", "plans", "mine"),
    [
        ("hr", True, True, False),
        ("director", True, True, False),
        ("head", True, True, False),
        ("employee", True, False, True),
        ("outsider", False, False, False),
    ],
)
def test_the_nav_links_to_the_appeals_and_the_plans_of_who_may_open_them(
    client_for, who, appeals, plans, mine
):
    html = client_for(who).get(reverse("reviews:dashboard")).content.decode()
    assert (f'href="{reverse("appeals:list")}"' in html) is appeals
    assert (f'href="{reverse("improvement:plans")}"' in html) is plans
    assert (f'href="{reverse("improvement:mine")}"' in html) is mine
    for shown, url in ((appeals, "appeals:list"), (plans, "improvement:plans")):
        if shown:
            assert client_for(who).get(reverse(url)).status_code == 200, url
