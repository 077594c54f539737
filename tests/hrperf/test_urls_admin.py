"""Every page of the admin (hrperf/urls.py mounts it) opens for a superuser: the list of every
registered model with its search and each of its filters, its add page and the change page of a
real object. (Who may open the admin: tests/departments/test_admin.py.)"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import User
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse

from calendars.models import CalendarDay, QuarterDeadlines
from clients import services as client_services
from departments.models import Duty, PolicyItem, QualificationItem
from reviews.models import CycleJob, VerbalWarning
from tests.helpers.pages import PageQuarter, approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_each(personas: dict[str, User], page_quarter: PageQuarter, allow_private: None) -> None:
    """A real object of every registered model, made the way the product makes them where it
    is cheap (a quarter, an approved review, an API client with a token and a webhook, a
    personal token; the sign-in records as django-axes writes them)."""
    hr = personas["hr"]
    review = approve(personas, page_quarter.reviews["E00002"])
    VerbalWarning.objects.create(
        review=review, review_version=review.version, total_score=Decimal("55.00")
    )
    CycleJob.objects.create(cycle=page_quarter.cycle, kind=CycleJob.Kind.values[0], created_by=hr)
    CalendarDay.objects.create(day=date(2026, 10, 1), kind="holiday", name="国庆节", created_by=hr)
    QuarterDeadlines.objects.create(cycle=page_quarter.cycle, rating_due=date(2026, 10, 16))
    department = review.department
    Duty.objects.create(department=department, order=9, text_zh="职责", text_en="Duty")
    QualificationItem.objects.create(
        department=department, kind="major", order=9, text_zh="专业", text_en="Major"
    )
    PolicyItem.objects.create(
        kind="frequency", code="quarterly", order=1, text_zh="季度考核", text_en="Quarterly"
    )
    client = client_services.client_create(actor=hr, name="payroll")
    client_services.token_create(actor=hr, client=client, scope="payroll")
    client_services.webhook_create(
        actor=hr, client=client, url="http://127.0.0.1:9/hook", events=["review.approved"]
    )
    client_services.webhooks_emit(event="review.approved", payload={"review": review.pk})
    client_services.personal_token_create(actor=personas["director"], name="approvals")
    seen = {"user_agent": "browser", "ip_address": "127.0.0.1", "http_accept": "*/*"}
    AccessLog.objects.create(username="hr", path_info="/accounts/login/", **seen)
    AccessFailureLog.objects.create(username="hr", path_info="/accounts/login/", **seen)
    AccessAttempt.objects.create(
        username="hr",
        path_info="/accounts/login/",
        get_data="",
        post_data="username=hr",
        failures_since_start=1,
        **seen,
    )


@pytest.fixture
def root(one_of_each: None) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


def _address(model: type[models.Model], view: str, *args: object) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTERED, ids=[model._meta.label for model, _ in REGISTERED]
)
def test_every_admin_page_opens(
    root: Client, model: type[models.Model], model_admin: ModelAdmin[Any]
) -> None:
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"make one {model._meta.label} in the one_of_each fixture"
    pages = [
        _address(model, "changelist"),
        _address(model, "change", obj.pk),
        _address(model, "history", obj.pk),
    ]
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="root")
    if model_admin.has_add_permission(request):
        pages.append(_address(model, "add"))
    changelist = root.get(_address(model, "changelist"))
    assert changelist.status_code == 200
    # Every link of the list's filters, search and sorting.
    links = set(re.findall(r'href="(\?[^"]*)"', changelist.content.decode()))
    pages += [_address(model, "changelist") + unescape(link) for link in sorted(links)]
    if model_admin.search_fields:
        pages.append(_address(model, "changelist") + "?q=E0+%E7%8E%8B")
    wrong = {}
    for page in pages:
        response = root.get(page)
        if response.status_code != 200:
            wrong[page] = response.status_code
    assert wrong == {}


def test_the_admin_is_branded_hrperf_not_django(personas) -> None:
    from django.utils import translation

    client = Client()
    client.force_login(personas["hr"])
    User.objects.filter(pk=personas["hr"].pk).update(is_staff=True)
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "hrperf administration" in html and "Django administration" not in html
    with translation.override("en"):
        assert str(admin.site.site_header) == "hrperf administration"
        assert str(admin.site.site_title) == "hrperf administration"
        assert str(admin.site.index_title) == "hrperf administration"
