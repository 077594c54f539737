"""A department's page (/catalogue/<code>/): its job description, on screen and for print."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Competency, Department, Duty, PolicyItem, QualificationItem
from kpis.models import Kpi
from reviews import services
from tests.helpers.todos import keep_todo_count

ClientFor = Callable[[str | None], Client]


def english(client: Client) -> Client:
    """Interface strings are checked in English, so the tests do not depend on translations."""
    client.cookies["django_language"] = "en"
    return client


def url(code: str = "SALES") -> str:
    return reverse("departments:department", args=[code])


@pytest.fixture
def sales(departments: dict[str, Department]) -> Department:
    """SALES with duties, qualifications, KPIs of every kind, and the common texts."""
    department = departments["SALES"]
    department.education_zh = "大学本科以上"
    department.education_en = "Bachelor's degree or above"
    department.experience_years = 5
    department.experience_zh = "五年以上销售管理工作经验"
    department.experience_en = "5+ years of sales management experience"
    department.save()
    for order, (zh, en) in enumerate(
        [
            ("制定企业销售计划", "Draw up the sales plan"),
            ("负责销售回款的管理", "Manage collections"),
        ],
        start=1,
    ):
        Duty.objects.create(department=department, order=order, text_zh=zh, text_en=en)
    for kind, order, zh, en in [
        ("major", 1, "市场营销", "Marketing"),
        ("major", 2, "企业管理", "Business administration"),
        ("ability", 1, "沟通能力", "Communication"),
    ]:
        QualificationItem.objects.create(
            department=department, kind=kind, order=order, text_zh=zh, text_en=en
        )
    Kpi.objects.create(
        department=department,
        code="SALES_REVENUE",
        order=2,
        name_zh="销售额",
        name_en="Sales revenue",
        direction="higher",
        unit="yuan",
        default_target=Decimal("1234567.5000"),
        default_weight=0,
        definition_zh="考核期内实现的销售收入总额",
        definition_en="Total sales revenue for the period",
    )
    Kpi.objects.create(
        department=department,
        code="SALES_COMPLAINTS",
        order=3,
        name_zh="客户投诉次数",
        name_en="Customer complaints",
        direction="lower",
        unit="count",
        default_target=Decimal("0.5000"),
        default_weight=0,
    )
    Kpi.objects.create(
        department=department,
        code="SALES_NEW_CHANNELS",
        order=4,
        name_zh="新增渠道数",
        name_en="New channels",
        direction="higher",
        unit="count",
        default_target=None,
        default_weight=0,
    )
    for order, (code, zh, en) in enumerate(
        [
            ("culture_loyalty", "认同公司企业文化，忠诚度高", "Embraces the company culture"),
            ("internal_management", "注重内部管理", "Attaches importance to internal management"),
        ],
        start=1,
    ):
        Competency.objects.create(code=code, order=order, text_zh=zh, text_en=en)
    PolicyItem.objects.create(
        kind="frequency", code="quarterly", order=1, text_zh="季度考核", text_en="Quarterly"
    )
    PolicyItem.objects.create(
        kind="assessor", code="hr", order=1, text_zh="人力资源部", text_en="Human Resources"
    )
    PolicyItem.objects.create(
        kind="result_use", order=1, text_zh="考核结果作为薪酬发放依据", text_en="Basis for pay"
    )
    return department


def kpi_row(html: str, code: str) -> str:
    match = re.search(rf'<tr data-kpi="{code}">(.*?)</tr>', html, re.S)
    assert match is not None, f"no row for {code}"
    return match.group(1)


def test_it_redirects_anonymous_visitors_to_the_login_page(client_for: ClientFor) -> None:
    response = client_for(None).get(url())
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url()}"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hr", 200),
        ("director", 200),
        ("head", 200),
        ("employee", 200),
        ("other_employee", 200),
        ("outsider", 403),
    ],
)
def test_it_is_shown_to_hr_the_director_and_employees_only(
    client_for: ClientFor, persona: str, status: int
) -> None:
    assert client_for(persona).get(url()).status_code == status


@pytest.mark.parametrize("code", ["NOPE", "sales", "SALES_PLAN_RATE"])
def test_it_answers_404_for_an_unknown_code(client_for: ClientFor, code: str) -> None:
    assert client_for("hr").get(url(code)).status_code == 404


def test_it_shows_the_header_with_name_code_position_and_provenance(
    client_for: ClientFor, sales: Department
) -> None:
    html = client_for("hr").get(url()).content.decode()
    assert "<h1>销售部经理</h1>" in html
    assert "<strong>销售部</strong>" in html
    assert "<code>SALES</code>" in html
    assert '<span class="badge seed">' in html
    assert "岗位说明书" in html  # the viewer's language only: no English subtitle
    assert "Job description" not in html and "Sales Department" not in html


def test_it_lists_the_duties_in_order(client_for: ClientFor, sales: Department) -> None:
    html = client_for("hr").get(url()).content.decode()
    duties = re.search(r'<ol class="duties">(.*?)</ol>', html, re.S)
    assert duties is not None
    assert re.findall(r"<li>(.*?)</li>", duties.group(1)) == [
        "制定企业销售计划",
        "负责销售回款的管理",
    ]


def test_it_shows_each_kpi_with_direction_unit_target_weight_and_measure(
    client_for: ClientFor, sales: Department
) -> None:
    html = english(client_for("hr")).get(url()).content.decode()
    plan = kpi_row(html, "SALES_PLAN_RATE")
    assert "Sales plan completion rate" in plan
    assert "Higher is better" in plan
    assert "<td>%</td>" in plan
    assert '<td class="num">100</td>' in plan  # 100.0000 without trailing zeros
    assert '<td class="num">100%</td>' in plan  # the weight
    revenue = kpi_row(html, "SALES_REVENUE")
    assert "<td>yuan</td>" in revenue
    assert '<td class="num">1,234,567.5</td>' in revenue
    assert "Total sales revenue for the period" in revenue
    complaints = kpi_row(html, "SALES_COMPLAINTS")
    assert "Lower is better" in complaints
    assert '<td class="num">0.5</td>' in complaints
    assert "Set each cycle" in kpi_row(html, "SALES_NEW_CHANNELS")
    codes = re.findall(r'<tr data-kpi="([A-Z_]+)">', html)
    assert codes == ["SALES_PLAN_RATE", "SALES_REVENUE", "SALES_COMPLAINTS", "SALES_NEW_CHANNELS"]


def test_it_leaves_out_kpis_removed_from_the_catalogue(
    client_for: ClientFor, sales: Department
) -> None:
    Kpi.objects.filter(code="SALES_COMPLAINTS").update(is_active=False)
    html = client_for("hr").get(url()).content.decode()
    assert 'data-kpi="SALES_COMPLAINTS"' not in html


def test_it_shows_the_competencies_qualifications_and_policy(
    client_for: ClientFor, sales: Department
) -> None:
    html = client_for("hr").get(url()).content.decode()
    competencies = re.search(r'<ol class="competencies">(.*?)</ol>', html, re.S)
    assert competencies is not None
    assert re.findall(r"<li>(.*?)</li>", competencies.group(1)) == [
        "认同公司企业文化，忠诚度高",
        "注重内部管理",
    ]
    assert "大学本科以上" in html
    assert "市场营销、企业管理" in html  # majors, in order, with the Chinese list separator
    assert "<td>5 年</td>" in html or "<td>5 years</td>" in html  # years of experience
    assert "五年以上销售管理工作经验" in html
    assert "沟通能力" in html
    assert "季度考核" in html
    assert "人力资源部" in html
    assert "<li>考核结果作为薪酬发放依据</li>" in html


def test_it_shows_catalogue_texts_in_english_when_english_is_chosen(
    client_for: ClientFor, sales: Department
) -> None:
    html = english(client_for("employee")).get(url()).content.decode()
    assert "<h1>Sales Manager</h1>" in html
    assert "<strong>Sales Department</strong>" in html
    assert "<li>Draw up the sales plan</li>" in html
    assert "Marketing, Business administration" in html
    assert "Quarterly" in html
    assert "制定企业销售计划" not in html


def test_it_is_a_printable_job_description(client_for: ClientFor, sales: Department) -> None:
    html = client_for("hr").get(url()).content.decode()
    assert "/static/css/jobdesc.css" in html
    assert "/static/js/print.js" in html
    assert 'data-print data-testid="print"' in html
    assert f'href="{reverse("departments:catalogue")}"' in html
    stylesheet = finders.find("css/jobdesc.css")
    assert stylesheet is not None
    with open(stylesheet, encoding="utf-8") as file:
        css = file.read()
    assert "@media print" in css
    assert "size: A4" in css
    assert ".topbar" in css.split("@media print", 1)[1]  # the navigation is not printed
    script = finders.find("js/print.js")
    assert script is not None
    with open(script, encoding="utf-8") as file:
        assert "window.print()" in file.read()


def test_it_copes_with_a_department_that_has_no_details(
    client_for: ClientFor, departments: dict[str, Department]
) -> None:
    html = english(client_for("hr")).get(url("MARKET")).content.decode()
    assert "<h1>Marketing Manager</h1>" in html
    assert "No duties are recorded." in html
    assert "No key performance indicators are recorded." in html


def test_it_runs_a_fixed_number_of_queries(
    client_for: ClientFor, personas, django_assert_max_num_queries
) -> None:
    call_command("load_catalogue", stdout=io.StringIO())
    keep_todo_count(personas["hr"])
    client = client_for("hr")
    counts = []
    for code in ("SALES", "MARKET"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(code)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    client = client_for("hr")
    # session, user, roles (2), then 6 reads and the warning threshold of the policy texts
    with django_assert_max_num_queries(11):
        client.get(url())


# -- the warning threshold in the policy texts -------------------------------------------------


@pytest.fixture
def warning_text(sales: Department) -> PolicyItem:
    return PolicyItem.objects.create(
        kind="result_use",
        order=2,
        text_zh="考核得分低于××分者，将受到口头警告处分",
        text_en="Anyone scoring below ×× points receives a verbal warning",
    )


def test_the_policy_names_the_default_threshold_when_no_quarter_is_open(
    client_for: ClientFor, warning_text: PolicyItem
) -> None:
    html = client_for("hr").get(url()).content.decode()
    assert "<li>考核得分低于60分者，将受到口头警告处分</li>" in html
    assert "××" not in html


def test_the_policy_names_the_current_quarters_threshold(
    client_for: ClientFor, personas, warning_text: PolicyItem
) -> None:
    services.cycle_open(
        actor=personas["hr"], period="2026Q2", policy={"warning_threshold": Decimal(55)}
    )
    services.cycle_open(
        actor=personas["hr"], period="2026Q3", policy={"warning_threshold": Decimal("65.5")}
    )
    html = english(client_for("employee")).get(url()).content.decode()
    assert "<li>Anyone scoring below 65.5 points receives a verbal warning</li>" in html


@pytest.mark.parametrize(("years", "shown"), [(5, "5 years"), (1, "1 year"), (0, "0 years")])
def test_the_minimum_experience_says_years(
    client_for: ClientFor, sales: Department, years: int, shown: str
) -> None:
    sales.experience_years = years
    sales.save(update_fields=["experience_years"])
    html = english(client_for("hr")).get(url()).content.decode()
    assert f"<td>{shown}</td>" in html


def test_no_minimum_experience_is_a_dash(client_for: ClientFor, sales: Department) -> None:
    sales.experience_years = None
    sales.save(update_fields=["experience_years"])
    html = english(client_for("hr")).get(url()).content.decode()
    row = html[html.index("Minimum years of experience") :]
    assert row.split("<td>", 1)[1].startswith("—</td>")
