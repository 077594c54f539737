"""The quarters list and a quarter's page: opening a quarter, generating its reviews with the
job's progress, targets in bulk, and who may see and do what."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import services
from reviews.models import AuditEvent, CycleJob, Review, ReviewCycle, ReviewKpiLine, ScoringPolicy
from tests.helpers.pages import PERIOD, approve, generate_now

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PERSONAS = ("hr", "director", "head", "employee", "outsider", None)
SEES = {"hr", "director", "head"}


def _status_for(persona: str | None, allowed: set[str]) -> int:
    if persona is None:
        return 302
    return 200 if persona in allowed else 403


# -- who may open what ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_quarters_list_is_for_hr_director_and_heads(client_for, page_quarter, persona):
    response = client_for(persona).get(reverse("reviews:quarters"), **EN)
    assert response.status_code == _status_for(persona, SEES)
    if persona is None:
        assert response["Location"].startswith(reverse("login"))
    if response.status_code == 200:
        assert PERIOD in response.content.decode()
        assert (b'data-testid="open-quarter-form"' in response.content) == (persona == "hr")


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_quarter_page_is_for_hr_director_and_heads(client_for, page_quarter, persona):
    response = client_for(persona).get(reverse("reviews:quarter", args=[PERIOD]), **EN)
    assert response.status_code == _status_for(persona, SEES)
    if response.status_code == 200:
        content = response.content.decode()
        for testid in ("generate", "template-xlsx", "template-csv", "import-form", "targets-form"):
            assert (f'data-testid="{testid}"' in content) == (persona == "hr"), testid
        # The calibration page, for those who see every review (HR and the director).
        link = (
            f'href="{reverse("reviews:calibration", args=[PERIOD])}" data-testid="calibration-link"'
        )
        assert (link in content) == (persona in ("hr", "director"))


def test_a_head_counts_only_their_own_departments_reviews(client_for, page_quarter):
    response = client_for("head").get(reverse("reviews:quarter", args=[PERIOD]), **EN)
    # SALES has E00001 (the head's own draft, not theirs to see yet) and E00002; the quarter
    # has five reviews.
    assert response.context["total"] == 1
    hr = client_for("hr").get(reverse("reviews:quarter", args=[PERIOD]), **EN)
    assert hr.context["total"] == 5


def test_an_unknown_quarter_is_a_404(client_for, page_quarter):
    assert client_for("hr").get(reverse("reviews:quarter", args=["2030Q1"])).status_code == 404
    assert client_for("hr").get(reverse("reviews:quarter", args=["nonsense"])).status_code == 404


@pytest.mark.parametrize("period", ["２０２６Q3", "٢٠٢٦Q3", "0000Q1", "9999Q4", "2026Q3\x00"])
@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "quarter"),
        ("get", "review_list"),
        ("post", "quarter_generate"),
        ("post", "quarter_targets"),
        ("post", "quarter_import"),
    ],
)
def test_a_quarter_path_of_other_digits_or_out_of_range_is_a_404(
    client_for, page_quarter, period, method, name
):
    response = getattr(client_for("hr"), method)(reverse(f"reviews:{name}", args=[period]))
    assert response.status_code == 404


def test_the_last_quarter_offers_no_quarter_after_it(client_for, page_quarter, personas):
    services.cycle_open(actor=personas["hr"], period="2099Q4")
    response = client_for("hr").get(reverse("reviews:quarters"), **EN)
    assert response.status_code == 200
    assert response.context["form"]["period"].value() != "2100Q1"


ACTIONS = ("quarter_generate", "quarter_targets", "quarter_import")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider", None])
def test_only_hr_may_post_the_quarters_actions(client_for, page_quarter, action, persona):
    before = (CycleJob.objects.count(), AuditEvent.objects.count())
    response = client_for(persona).post(reverse(f"reviews:{action}", args=[PERIOD]), {})
    assert response.status_code == (302 if persona is None else 403)
    assert (CycleJob.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_the_actions_refuse_get(client_for, page_quarter, action):
    response = client_for("hr").get(reverse(f"reviews:{action}", args=[PERIOD]))
    assert response.status_code == 405


@pytest.mark.parametrize("persona", ["director", "head", "employee", "outsider", None])
def test_only_hr_may_open_a_quarter(client_for, page_quarter, persona):
    response = client_for(persona).post(reverse("reviews:quarters"), {"period": "2026Q4"})
    assert response.status_code == (302 if persona is None else 403)
    assert not ReviewCycle.objects.filter(period="2026Q4").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_hr_may_download_the_template(client_for, page_quarter, persona):
    for file_format in ("xlsx", "csv"):
        response = client_for(persona).get(
            reverse("reviews:quarter_template", args=[PERIOD, file_format])
        )
        assert response.status_code == _status_for(persona, {"hr"})
    assert (
        client_for("hr").get(reverse("reviews:quarter_template", args=[PERIOD, "pdf"])).status_code
        == 404
    )


def test_the_forms_carry_a_csrf_token(client_for, page_quarter):
    content = client_for("hr").get(reverse("reviews:quarter", args=[PERIOD])).content.decode()
    assert content.count("csrfmiddlewaretoken") >= 4  # language, log out, and ours
    listing = client_for("hr").get(reverse("reviews:quarters")).content.decode()
    assert 'data-testid="open-quarter-form"' in listing and "csrfmiddlewaretoken" in listing


def test_a_post_without_csrf_token_is_refused(personas, page_quarter):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["hr"])
    response = client.post(reverse("reviews:quarter_generate", args=[PERIOD]))
    assert response.status_code == 403
    response = client.post(reverse("reviews:quarter_import", args=[PERIOD]))
    assert response.status_code == 403
    assert not CycleJob.objects.exists()


# -- opening a quarter ------------------------------------------------------------------------


def test_hr_opens_a_quarter_with_the_default_policy(client_for, page_quarter):
    client = client_for("hr")
    form = client.get(reverse("reviews:quarters"), **EN)
    assert form.context["form"]["kpi_share"].value() == "80"
    assert form.context["form"]["period"].value() == "2026Q4"  # the next one
    response = client.post(reverse("reviews:quarters"), {"period": " 2026q4 "}, **EN)
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:quarter", args=["2026Q4"])
    cycle = ReviewCycle.objects.get(period="2026Q4")
    policy = ScoringPolicy.objects.get(cycle=cycle)
    assert policy.kpi_share == Decimal(80) and policy.warning_threshold == Decimal(60)
    page = client.get(response["Location"], **EN)
    assert "Quarter 2026Q4 is open." in page.content.decode()


def test_hr_opens_a_quarter_with_its_own_policy(client_for, page_quarter):
    response = client_for("hr").post(
        reverse("reviews:quarters"),
        {"period": "2026Q4", "kpi_share": "70", "warning_threshold": "55.5"},
    )
    assert response.status_code == 302
    policy = ScoringPolicy.objects.get(cycle__period="2026Q4")
    assert policy.kpi_share == Decimal(70)
    assert policy.warning_threshold == Decimal("55.5")
    assert policy.hr_weight == Decimal(40)


def test_hr_opens_a_quarter_with_a_weighted_self_assessment_and_its_escalation(
    client_for, page_quarter
):
    data = {
        "period": "2026Q4",
        "self_weight": "20",
        "escalation_warnings": "3",
        "escalation_quarters": "8",
    }
    response = client_for("hr").post(reverse("reviews:quarters"), data)
    assert response.status_code == 302
    policy = ScoringPolicy.objects.get(cycle__period="2026Q4")
    assert policy.self_weight == Decimal(20)
    assert (policy.escalation_warnings, policy.escalation_quarters) == (3, 8)


def test_the_open_quarter_form_offers_the_new_settings_with_their_help(client_for, page_quarter):
    response = client_for("hr").get(reverse("reviews:quarters"), **EN)
    form = response.context["form"]
    assert form["self_weight"].value() == "0"
    assert (form["escalation_warnings"].value(), form["escalation_quarters"].value()) == ("2", "4")
    html = response.content.decode()
    assert "Self-assessment weight" in html
    assert "0 keeps them advisory" in html
    assert "Verbal warnings that make a written warning" in html
    assert 'inputmode="numeric"' in html


def test_the_quarter_page_shows_the_new_settings(client_for, page_quarter):
    policy = ScoringPolicy.objects.get(cycle=page_quarter.cycle)
    ScoringPolicy.objects.filter(pk=policy.pk).update(self_weight=Decimal("12.5"))
    url = reverse("reviews:quarter", args=[page_quarter.cycle.period])
    html = client_for("director").get(url, **EN).content.decode()
    shown = html[html.index('data-testid="quarter-policy"') :]
    assert '<dd data-name="self_weight"><span class="value">12.50</span>' in shown
    assert '<dd data-name="escalation_warnings"><span class="value">2</span>' in shown
    assert '<dd data-name="escalation_quarters"><span class="value">4</span>' in shown
    assert "Within this many quarters" in shown
    chinese = client_for("director").get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Self-assessment weight" not in chinese


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period": "2026Q5"}, "period", "A period is a year from 2000 to 2099"),
        ({"period": "Q3-2026"}, "period", "A period is a year from 2000 to 2099"),
        ({"period": "２０２６Q4"}, "period", "A period is a year from 2000 to 2099"),
        ({"period": "٢٠٢٦Q4"}, "period", "A period is a year from 2000 to 2099"),
        ({"period": "0000Q1"}, "period", "A period is a year from 2000 to 2099"),
        ({"period": "9999Q4"}, "period", "A period is a year from 2000 to 2099"),
        ({"period": ""}, "period", "This field is required"),
        ({"period": PERIOD}, "period", "This quarter is already open."),
        ({"period": "2026Q4", "kpi_share": "lots"}, "kpi_share", "is not a number"),
        ({"period": "2026Q4", "kpi_share": "7,5"}, "kpi_share", "is not a number"),
        ({"period": "2026Q4", "kpi_share": "７５"}, "kpi_share", "is not a number"),
        ({"period": "2026Q4", "kpi_share": "٧٥"}, "kpi_share", "is not a number"),
        ({"period": "2026Q4", "kpi_share": "7e1"}, "kpi_share", "is not a number"),
        ({"period": "2026Q4", "kpi_share": "7_5"}, "kpi_share", "is not a number"),
        ({"period": "2026Q4", "kpi_share": "NaN"}, "kpi_share", "is not a number"),
        ({"period": "2026Q4", "kpi_share": "120"}, "kpi_share", "at most"),
        ({"period": "2026Q4", "band_a": "99"}, None, "Grade bands must fall from S to D."),
        ({"period": "2026Q4", "self_weight": "-5"}, "self_weight", "is negative"),
        ({"period": "2026Q4", "escalation_warnings": "2.5"}, "escalation_warnings", "not a whole"),
        ({"period": "2026Q4", "escalation_warnings": "1"}, "escalation_warnings", "at least 2"),
        ({"period": "2026Q4", "escalation_quarters": "21"}, "escalation_quarters", "at most 20"),
        (
            {"period": "2026Q4", "director_weight": "0", "hr_weight": "0", "self_weight": "50"},
            "director_weight",
            "the self-assessment alone cannot make the competency score",
        ),
    ],
)
def test_a_bad_quarter_is_refused_and_nothing_is_made(
    client_for, page_quarter, data, field, message
):
    before = (ReviewCycle.objects.count(), ScoringPolicy.objects.count())
    response = client_for("hr").post(reverse("reviews:quarters"), data, **EN)
    assert response.status_code == 400
    form = response.context["form"]
    errors = form.errors.get(field) if field else [*form.errors.values()]
    assert errors, form.errors
    assert message in response.content.decode()
    assert (ReviewCycle.objects.count(), ScoringPolicy.objects.count()) == before
    # What was typed is kept.
    assert form["period"].value() == data["period"]


def test_the_period_error_is_in_chinese_by_default(client_for, page_quarter):
    response = client_for("hr").post(
        reverse("reviews:quarters"), {"period": "2026Q9"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert "A period is a year" not in response.content.decode()


# -- generating, and the job's progress -------------------------------------------------------


def test_hr_generates_the_reviews_and_sees_the_progress(
    client_for, page_quarter, django_capture_on_commit_callbacks
):
    from departments.models import Employee

    Employee.objects.create(
        employee_no="E00006", name="新人", department=page_quarter.cycle.reviews.first().department
    )
    client = client_for("hr")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("reviews:quarter_generate", args=[PERIOD]), **EN)
    assert response.status_code == 302
    assert len(callbacks) == 1  # the worker's task, enqueued once the job is saved
    job = CycleJob.objects.get(cycle=page_quarter.cycle)
    assert job.status == CycleJob.Status.QUEUED

    page = client.get(reverse("reviews:quarter", args=[PERIOD]), **EN).content.decode()
    assert 'data-testid="job-progress"' in page
    assert 'data-state="queued"' in page
    fragment_url = reverse("reviews:quarter_job", args=[PERIOD, job.pk])
    assert f'hx-get="{fragment_url}"' in page and 'hx-trigger="every 1s"' in page

    services.job_run(job_id=job.pk)  # what the worker does with the task
    fragment = client.get(fragment_url, HTTP_HX_REQUEST="true", **EN)
    assert fragment.status_code == 200
    text = fragment.content.decode()
    assert 'data-state="done"' in text and 'data-done="1"' in text and 'data-total="1"' in text
    assert "hx-trigger" not in text  # finished: it stops polling
    assert "<html" not in text
    assert Review.objects.filter(cycle=page_quarter.cycle).count() == 6


def test_a_running_job_keeps_polling(client_for, page_quarter):
    job = CycleJob.objects.create(
        cycle=page_quarter.cycle, kind=CycleJob.Kind.GENERATE, status="running", total=10, done=4
    )
    text = (
        client_for("hr").get(reverse("reviews:quarter_job", args=[PERIOD, job.pk])).content.decode()
    )
    assert 'data-state="running"' in text and 'data-done="4"' in text
    assert 'data-total="10"' in text and 'hx-trigger="every 1s"' in text


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_progress_fragment_is_hrs(client_for, page_quarter, persona):
    job = CycleJob.objects.create(cycle=page_quarter.cycle, kind=CycleJob.Kind.GENERATE)
    response = client_for(persona).get(reverse("reviews:quarter_job", args=[PERIOD, job.pk]))
    expected = {"hr": 200, "director": 404, "head": 404, None: 302}.get(persona, 403)
    assert response.status_code == expected


def test_a_job_of_another_quarter_is_a_404(client_for, page_quarter, personas):
    other = services.cycle_open(actor=personas["hr"], period="2026Q4")
    job = CycleJob.objects.create(cycle=other, kind=CycleJob.Kind.GENERATE)
    response = client_for("hr").get(reverse("reviews:quarter_job", args=[PERIOD, job.pk]))
    assert response.status_code == 404


def test_a_closed_quarter_cannot_generate(client_for, page_quarter):
    ReviewCycle.objects.filter(pk=page_quarter.cycle.pk).update(status="closed")
    response = client_for("hr").post(reverse("reviews:quarter_generate", args=[PERIOD]), **EN)
    assert response.status_code == 409
    assert "2026Q3 is closed" in response.content.decode()
    assert not CycleJob.objects.exists()


# -- targets in bulk --------------------------------------------------------------------------


def _targets(cycle, code):
    return dict(
        ReviewKpiLine.objects.filter(review__cycle=cycle, code=code).values_list(
            "review__employee__employee_no", "target"
        )
    )


def test_hr_sets_a_target_for_a_department(client_for, page_quarter, departments):
    client = client_for("hr")
    response = client.post(
        reverse("reviews:quarter_targets", args=[PERIOD]),
        {"department": departments["SALES"].pk, "kpi_code": "SALES_REVENUE", "target": "6000000"},
        **EN,
    )
    assert response.status_code == 302
    assert set(_targets(page_quarter.cycle, "SALES_REVENUE").values()) == {Decimal(6000000)}
    page = client.get(response["Location"], **EN).content.decode()
    assert "Targets set: 2 KPI lines changed, 0 already had it, 0 on reviews" in page
    review = Review.objects.get(cycle=page_quarter.cycle, employee__employee_no="E00002")
    assert review.revision == 2
    assert AuditEvent.objects.filter(review=review, field="SALES_REVENUE.target").exists()


def test_bulk_targets_leave_reviews_that_cannot_change(client_for, page_quarter, personas):
    approve(personas, page_quarter.reviews["E00002"])
    before = _targets(page_quarter.cycle, "SALES_PLAN_RATE")
    response = client_for("hr").post(
        reverse("reviews:quarter_targets", args=[PERIOD]),
        {"department": "", "kpi_code": "SALES_PLAN_RATE", "target": "105"},
        **EN,
    )
    assert response.status_code == 302
    after = _targets(page_quarter.cycle, "SALES_PLAN_RATE")
    assert after["E00002"] == before["E00002"]
    assert after["E00001"] == Decimal(105)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kpi_code": "SALES_PLAN_RATE", "target": "abc"}, "target", "is not a number"),
        ({"kpi_code": "SALES_PLAN_RATE", "target": "1,05"}, "target", "is not a number"),
        ({"kpi_code": "SALES_PLAN_RATE", "target": "１０５"}, "target", "is not a number"),
        ({"kpi_code": "SALES_PLAN_RATE", "target": "١٠٥"}, "target", "is not a number"),
        ({"kpi_code": "SALES_PLAN_RATE", "target": "1e2"}, "target", "is not a number"),
        ({"kpi_code": "SALES_PLAN_RATE", "target": "-1"}, "target", "is negative"),
        ({"kpi_code": "SALES_PLAN_RATE", "target": "0"}, "target", "A target of 0"),
        ({"kpi_code": "SALES_PLAN_RATE", "target": ""}, "target", "This field is required"),
        ({"kpi_code": "NOPE", "target": "1"}, "kpi_code", "Select a valid choice"),
        ({"kpi_code": "SALES_PLAN_RATE", "target": "1.123456"}, "target", "decimal places"),
    ],
)
def test_bad_bulk_targets_save_nothing(client_for, page_quarter, data, field, message):
    before = list(ReviewKpiLine.objects.order_by("pk").values_list("target", flat=True))
    response = client_for("hr").post(reverse("reviews:quarter_targets", args=[PERIOD]), data, **EN)
    assert response.status_code == 400
    assert response.context["targets_form"].errors[field]
    assert message in response.content.decode()
    assert list(ReviewKpiLine.objects.order_by("pk").values_list("target", flat=True)) == before


def test_a_kpi_outside_the_department_is_refused(client_for, page_quarter, departments):
    response = client_for("hr").post(
        reverse("reviews:quarter_targets", args=[PERIOD]),
        {"department": departments["MARKET"].pk, "kpi_code": "SALES_PLAN_RATE", "target": "1"},
        **EN,
    )
    assert response.status_code == 400
    assert "No review of this quarter has the KPI SALES_PLAN_RATE there." in (
        response.content.decode()
    )


# -- a fixed number of queries ----------------------------------------------------------------


def _queries(client, url):
    client.get(url)  # warm: session, caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_run_a_fixed_number_of_queries(client_for, page_quarter, personas):
    client = client_for("hr")
    job = CycleJob.objects.create(cycle=page_quarter.cycle, kind=CycleJob.Kind.GENERATE)
    urls = [
        reverse("reviews:quarters"),
        reverse("reviews:quarter", args=[PERIOD]),
        reverse("reviews:quarter_job", args=[PERIOD, job.pk]),
    ]
    few = [_queries(client, url) for url in urls]
    # More reviews, in more states, and another quarter.
    from departments.models import Employee

    department = page_quarter.reviews["E00002"].department
    for n in range(6, 11):
        Employee.objects.create(employee_no=f"E000{n:02d}", name=f"员工{n}", department=department)
    generate_now(page_quarter.cycle)
    approve(personas, page_quarter.reviews["E00002"])
    other = services.cycle_open(actor=personas["hr"], period="2026Q2")
    generate_now(other)
    many = [_queries(client, url) for url in urls]
    assert few == many
    assert many[1] <= 18, many


def test_the_targets_form_lists_each_departments_kpis_by_name(client_for, page_quarter):
    html = client_for("hr").get(reverse("reviews:quarter", args=[PERIOD])).content.decode()
    form = html[html.index('data-testid="targets-form"') :]
    form = form[: form.index("</form>")]
    kpi_select = form[form.index('name="kpi_code"') :]
    groups = re.findall(r'<optgroup label="([^"]+)">', kpi_select)
    assert groups and len(groups) == len(set(groups))
    assert "销售部" in groups
    assert ">销售计划完成率</option>" in kpi_select
    assert not re.search(r">[A-Z_]{4,}</option>", kpi_select)  # no option reads as a code
    assert '<script src="/static/js/app.js"' in html  # narrows the list by the department
