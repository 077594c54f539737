"""The Django admin of the catalogue and the roster: open to staff with model permissions only."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.db import models
from django.test import Client
from django.urls import reverse

from departments.models import (
    Competency,
    Department,
    Duty,
    Employee,
    PolicyItem,
    QualificationItem,
)
from kpis.models import Kpi

ADMIN_MODELS: list[type[models.Model]] = [
    Department,
    Duty,
    QualificationItem,
    Competency,
    PolicyItem,
    Employee,
    Kpi,
]
MODEL_IDS = [model.__name__ for model in ADMIN_MODELS]


@pytest.fixture
def catalogue(personas: dict[str, User], departments: dict[str, Department]) -> None:
    """One row of every model (the personas fixture brings employees and a KPI)."""
    sales = departments["SALES"]
    Duty.objects.create(department=sales, order=1, text_zh="制定销售计划", text_en="Sales plan")
    QualificationItem.objects.create(
        department=sales, kind="major", order=1, text_zh="市场营销", text_en="Marketing"
    )
    Competency.objects.create(
        code="learning_teamwork", order=1, text_zh="有学习意识", text_en="Willing to learn"
    )
    PolicyItem.objects.create(
        kind="frequency", code="quarterly", order=1, text_zh="季度考核", text_en="Quarterly"
    )


def url(model: type[models.Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def staff(username: str, *permissions: str) -> Client:
    user = User.objects.create_user(username=username, password="x", is_staff=True)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def superuser_client(catalogue: None) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=MODEL_IDS)
def test_a_superuser_opens_the_list_and_the_edit_page_of_every_model(
    superuser_client: Client, model: type[models.Model]
) -> None:
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None

    assert superuser_client.get(url(model, "changelist")).status_code == 200
    assert superuser_client.get(url(model, "change", obj.pk)).status_code == 200
    assert superuser_client.get(url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=MODEL_IDS)
@pytest.mark.parametrize("persona", ["outsider", "hr", "employee"])
def test_it_sends_a_login_without_staff_status_to_the_admin_login(
    client_for: Callable[[str | None], Client],
    catalogue: None,
    model: type[models.Model],
    persona: str,
) -> None:
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None
    client = client_for(persona)

    for page in (url(model, "changelist"), url(model, "change", obj.pk)):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=MODEL_IDS)
def test_it_refuses_staff_without_permission_on_the_model(
    catalogue: None, model: type[models.Model]
) -> None:
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None
    client = staff("clerk")

    assert client.get(url(model, "changelist")).status_code == 403
    assert client.get(url(model, "change", obj.pk)).status_code == 403


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=MODEL_IDS)
def test_hr_staff_with_the_model_permissions_use_the_admin(
    catalogue: None, model: type[models.Model]
) -> None:
    name = model._meta.model_name
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None
    client = staff("hr_staff", f"view_{name}", f"change_{name}")

    assert client.get(url(model, "changelist")).status_code == 200
    assert client.get(url(model, "change", obj.pk)).status_code == 200
    assert client.get(url(model, "add")).status_code == 403  # no add permission


def test_hr_staff_edit_a_catalogue_text(catalogue: None) -> None:
    item = PolicyItem.objects.get()
    client = staff("hr_staff", "view_policyitem", "change_policyitem")

    response = client.post(
        url(PolicyItem, "change", item.pk),
        {
            "kind": "frequency",
            "code": "quarterly",
            "order": "1",
            "text_zh": "按季度考核",
            "text_en": "Assessed each quarter",
        },
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.text_zh, item.text_en) == ("按季度考核", "Assessed each quarter")


def test_the_department_page_shows_its_duties_qualifications_and_kpis(
    superuser_client: Client,
) -> None:
    sales = Department.objects.get(code="SALES")

    response = superuser_client.get(url(Department, "change", sales.pk))

    content = response.content.decode()
    assert "制定销售计划" in content
    assert "市场营销" in content
    assert "SALES_PLAN_RATE" in content


@pytest.mark.parametrize(
    ("model", "query", "shown", "hidden"),
    [
        (Department, "?q=销售", "SALES", "MARKET"),
        (Department, "?source__exact=drafted", "MARKET", "SALES"),
        (Kpi, "?q=SALES_PLAN", "SALES_PLAN_RATE", "MARKET_SHARE"),
        (Kpi, "?direction__exact=lower", "MARKET_SHARE", "SALES_PLAN_RATE"),
        (Kpi, "?unit__exact=points&is_active__exact=0", "MARKET_SHARE", "SALES_PLAN_RATE"),
        (Employee, "?q=E00003", "李娜", "张伟"),
        (Employee, "?q=张伟", "E00002", "E00003"),
        (Employee, "?is_department_head__exact=1", "王经理", "张伟"),
        (Employee, "?is_active__exact=0", "E00002", "E00001"),
    ],
)
def test_the_lists_search_and_filter(
    superuser_client: Client, model: type[models.Model], query: str, shown: str, hidden: str
) -> None:
    market = Department.objects.get(code="MARKET")
    market.source = "drafted"
    market.save()
    Kpi.objects.create(
        department=market,
        code="MARKET_SHARE",
        order=1,
        name_zh="市场占有率",
        name_en="Market share",
        direction="lower",
        unit="points",
        default_target=Decimal("1.5"),
        default_weight=100,
        is_active=False,
    )
    Employee.objects.filter(employee_no="E00002").update(is_active=False)

    response = superuser_client.get(url(model, "changelist") + query)

    assert response.status_code == 200
    content = response.content.decode()
    assert shown in content
    assert hidden not in content


def test_the_kpi_list_filters_by_department(superuser_client: Client) -> None:
    market = Department.objects.get(code="MARKET")

    response = superuser_client.get(url(Kpi, "changelist") + f"?department__id__exact={market.pk}")

    assert response.status_code == 200
    assert "SALES_PLAN_RATE" not in response.content.decode()


@pytest.mark.parametrize("model", [Kpi, Employee, Duty], ids=["Kpi", "Employee", "Duty"])
def test_a_list_takes_the_same_queries_for_many_rows(
    superuser_client: Client, model: type[models.Model], django_assert_max_num_queries
) -> None:
    sales = Department.objects.get(code="SALES")
    for number in range(2, 30):
        Kpi.objects.create(
            department=sales,
            code=f"SALES_K{number}",
            order=number,
            name_zh="指标",
            name_en="Indicator",
            direction="higher",
            unit="count",
            default_weight=0,
        )
        Employee.objects.create(employee_no=f"E9{number:04}", name="员工", department=sales)
        Duty.objects.create(department=sales, order=number, text_zh="职责", text_en="Duty")

    with django_assert_max_num_queries(20):
        assert superuser_client.get(url(model, "changelist")).status_code == 200
