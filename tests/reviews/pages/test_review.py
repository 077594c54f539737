"""A review's page with its actions, and the printable form (on paper too, in headless
Chromium)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Competency
from hrperf.lib.roles import roles_of
from reviews import selectors, services
from reviews.models import AuditEvent, CompetencyRating, Review, ReviewKpiLine
from tests.helpers.pages import approve, complete_example, submit_and_score

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def review_url(review: Review) -> str:
    return reverse("reviews:review", args=[review.pk])


def line_ids(review: Review) -> dict[str, int]:
    return selectors.review_line_ids(review=review)


def section(html: str, testid: str) -> str:
    """The HTML of the page's element with that data-testid, up to its section's end."""
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


PAGE_QUERIES = 16  # with the panels of the self-assessment, the appeal, and the conversations,
# plans and a written warning; and the names and roles of the people in the history and
# ratings (two queries however many)


# -- the review page: who may open it --------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "number", "status"),
    [
        ("hr", "E00003", 200),
        ("director", "E00003", 200),
        ("head", "E00002", 200),
        ("head", "E00003", 404),
        ("head", "E00001", 404),  # their own, a draft: not before it is approved
        ("employee", "E00002", 404),  # a draft
        ("employee", "E00003", 404),
        ("other_employee", "E00002", 404),
        ("outsider", "E00002", 403),  # no role at all: refused before any lookup
    ],
)
def test_review_page_visibility(page_quarter, client_for, persona, number, status):
    review = page_quarter.reviews[number]
    assert client_for(persona).get(review_url(review)).status_code == status
    url = reverse("reviews:review_print", args=[review.pk])
    assert client_for(persona).get(url).status_code == status


def test_review_page_anonymous_goes_to_login(page_quarter):
    response = Client().get(review_url(page_quarter.reviews["E00002"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_employee_sees_own_approved_review(page_quarter, personas, client_for):
    review = approve(personas, page_quarter.reviews["E00002"])
    response = client_for("employee").get(review_url(review), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="review-state" data-state="approved"' in html
    assert f'data-testid="review-grade">{review.grade}<' in html and review.grade
    assert "figures-form" not in html and "rate-form-" not in html and "reopen-form" not in html


def test_review_page_shows_kpis_ratings_steps_history(page_quarter, personas, client_for):
    review = submit_and_score(personas, page_quarter.reviews["E00002"])
    html = client_for("director").get(review_url(review), **EN).content.decode()
    assert 'data-testid="review-total">' + str(review.total_score) in html
    assert f'data-testid="review-grade">{review.grade}<' in html
    assert 'data-testid="review-steps"' in html and "weighted mean" in html
    assert 'data-line="SALES_REVENUE"' in html
    assert "approve-review" in html and "return-form" in html
    assert "figures-form" not in html  # the director does not edit figures
    assert 'data-testid="review-history"' in html and "State: Draft → Submitted" in html


def test_missing_is_listed(page_quarter, client_for):
    html = client_for("hr").get(review_url(page_quarter.reviews["E00002"])).content.decode()
    assert 'data-testid="review-missing"' in html
    assert "submit-review" not in html


# -- actions by the wrong persona ------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "action"),
    [
        ("head", "figures"),
        ("head", "rate-hr"),
        ("director", "figures"),
        ("director", "rate-hr"),
        ("hr", "rate-marketing_director"),
        ("hr", "approve"),
        ("hr", "return"),
        ("hr", "reopen"),
        ("director", "submit"),
        ("head", "approve"),
        ("hr", "nonsense"),
    ],
)
def test_wrong_persona_is_refused(page_quarter, personas, client_for, persona, action):
    review = submit_and_score(personas, page_quarter.reviews["E00002"])
    line = line_ids(review)["SALES_REVENUE"]
    data = {
        "action": action,
        "revision": review.revision,
        f"target-{line}": "1",
        "rating-TEAMWORK": "1",
        "comment": "x",
        "reason": "x",
    }
    response = client_for(persona).post(review_url(review), data)
    assert response.status_code == 403
    after = Review.objects.get(pk=review.pk)
    assert (after.revision, after.state) == (review.revision, review.state)


@pytest.mark.parametrize(
    ("persona", "status"), [("employee", 404), ("other_employee", 404), ("outsider", 403)]
)
def test_invisible_review_post_is_refused(page_quarter, personas, client_for, persona, status):
    review = page_quarter.reviews["E00003"]
    response = client_for(persona).post(review_url(review), {"action": "figures", "revision": 1})
    assert response.status_code == status


def test_employee_cannot_act_on_own_approved(page_quarter, personas, client_for):
    review = approve(personas, page_quarter.reviews["E00002"])
    for action in ("reopen", "figures", "rate-hr"):
        response = client_for("employee").post(
            review_url(review), {"action": action, "revision": review.revision, "reason": "x"}
        )
        assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).state == Review.State.APPROVED


def test_csrf_is_enforced(page_quarter, personas):
    review = page_quarter.reviews["E00002"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["hr"])
    line = line_ids(review)["SALES_REVENUE"]
    response = client.post(
        review_url(review), {"action": "figures", "revision": 1, f"target-{line}": "7"}
    )
    assert response.status_code == 403
    assert review.kpi_lines.get(pk=line).target != 7


# -- the figures and rating forms ------------------------------------------------------------


def test_hr_saves_figures(page_quarter, client_for):
    review = page_quarter.reviews["E00002"]
    line = line_ids(review)["SALES_REVENUE"]
    response = client_for("hr").post(
        review_url(review),
        {
            "action": "figures",
            "revision": review.revision,
            f"target-{line}": "5000000",
            f"actual-{line}": "5500000.5",
            f"weight-{line}": "30",
        },
    )
    assert response.status_code == 302
    saved = review.kpi_lines.get(pk=line)
    assert str(saved.target) == "5000000.00" or saved.target == 5000000
    assert str(saved.actual).startswith("5500000.5")


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("target", "abc", None),
        ("actual", "-5", None),
        ("weight", "150", "Enter a whole number from 0 to 100."),
    ],
)
def test_bad_figures_are_refused_with_a_message(page_quarter, client_for, field, value, text):
    review = page_quarter.reviews["E00002"]
    lines = line_ids(review)
    line = lines["SALES_REVENUE"]
    other = lines["SALES_PLAN_RATE"]
    response = client_for("hr").post(
        review_url(review),
        {
            "action": "figures",
            "revision": review.revision,
            f"{field}-{line}": value,
            f"target-{other}": "77",
        },
        **EN,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'name="{field}-{line}" value="{value}"' in html
    assert 'aria-invalid="true"' in html and "field-error" in html
    if text:
        assert text in html
    assert review.kpi_lines.get(pk=other).target != 77  # nothing saved
    assert Review.objects.get(pk=review.pk).revision == review.revision


def test_zero_target_on_higher_kpi_refused(page_quarter, client_for):
    review = page_quarter.reviews["E00002"]
    line = line_ids(review)["SALES_REVENUE"]
    response = client_for("hr").post(
        review_url(review),
        {"action": "figures", "revision": review.revision, f"target-{line}": "0"},
    )
    assert response.status_code == 400
    assert review.kpi_lines.get(pk=line).target != 0


def test_director_rates_and_bad_rating_is_refused(page_quarter, client_for):
    review = page_quarter.reviews["E00002"]
    codes = list(Competency.objects.order_by("order").values_list("code", flat=True))
    client = client_for("director")
    bad = {"action": "rate-marketing_director", "revision": review.revision}
    bad |= {f"rating-{code}": "4" for code in codes}
    bad[f"rating-{codes[0]}"] = "7"
    response = client.post(review_url(review), bad, **EN)
    assert response.status_code == 400
    assert "A rating is a whole number from 1 to 5." in response.content.decode()
    assert not CompetencyRating.objects.filter(
        review=review, assessor_role="marketing_director"
    ).exists()
    good = bad | {f"rating-{codes[0]}": "5", f"comment-{codes[0]}": "很好"}
    assert client.post(review_url(review), good).status_code == 302
    html = client.get(review_url(review)).content.decode()
    assert "很好" in html
    competency = Competency.objects.get(code=codes[0])
    assert competency.text_zh in html


def test_a_comment_typed_without_its_rating_is_refused_and_kept(page_quarter, client_for):
    review = page_quarter.reviews["E00002"]
    code = Competency.objects.order_by("order").values_list("code", flat=True)[0]
    data = {"action": "rate-hr", "revision": review.revision}
    data |= {f"rating-{code}": "", f"comment-{code}": "沟通积极，需加强计划性"}
    response = client_for("hr").post(review_url(review), data, **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give a rating to keep this comment." in html
    assert "沟通积极，需加强计划性" in html
    assert not CompetencyRating.objects.filter(review=review).exists()


def test_htmx_save_redirects_and_htmx_error_swaps(page_quarter, client_for):
    review = page_quarter.reviews["E00002"]
    line = line_ids(review)["SALES_REVENUE"]
    client = client_for("hr")
    response = client.post(
        review_url(review),
        {"action": "figures", "revision": review.revision, f"target-{line}": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    response = client.post(
        review_url(review),
        {"action": "figures", "revision": review.revision, f"target-{line}": "10"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204 and response["HX-Redirect"] == review_url(review)


# -- concurrency -----------------------------------------------------------------------------


def test_stale_form_is_refused_and_keeps_what_was_typed(page_quarter, client_for):
    review = page_quarter.reviews["E00002"]
    line = line_ids(review)["SALES_REVENUE"]
    first, second = client_for("hr"), client_for("hr")
    revision = review.revision
    ok = first.post(
        review_url(review), {"action": "figures", "revision": revision, f"target-{line}": "111"}
    )
    assert ok.status_code == 302
    response = second.post(
        review_url(review),
        {"action": "figures", "revision": revision, f"target-{line}": "222"},
        **EN,
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this review" in html
    assert 'data-testid="review-conflict"' in html
    assert f'name="target-{line}" value="222"' in html  # what they typed
    assert "111" in html  # the current value, to compare
    assert review.kpi_lines.get(pk=line).target == 111


def test_stale_approve_is_refused(page_quarter, personas, client_for):
    review = submit_and_score(personas, page_quarter.reviews["E00002"])
    response = client_for("director").post(
        review_url(review), {"action": "return", "revision": review.revision - 1, "comment": "改"}
    )
    assert response.status_code == 409
    assert "改" in response.content.decode()
    assert Review.objects.get(pk=review.pk).state == Review.State.SCORED


# -- director's actions ----------------------------------------------------------------------


def test_director_approves_then_reopens(page_quarter, personas, client_for):
    review = submit_and_score(personas, page_quarter.reviews["E00002"])
    client = client_for("director")
    response = client.post(review_url(review), {"action": "approve", "revision": review.revision})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == Review.State.APPROVED
    empty = client.post(
        review_url(review), {"action": "reopen", "revision": review.revision, "reason": " "}, **EN
    )
    assert empty.status_code == 400
    assert "Give the reason for reopening." in empty.content.decode()
    response = client.post(
        review_url(review), {"action": "reopen", "revision": review.revision, "reason": "更正"}
    )
    assert response.status_code == 302
    assert Review.objects.get(pk=review.pk).state == Review.State.REOPENED


def test_hr_submits_when_complete(page_quarter, personas, client_for):
    review = complete_example(personas, page_quarter.reviews["E00002"])
    client = client_for("hr")
    assert "submit-review" in client.get(review_url(review)).content.decode()
    response = client.post(review_url(review), {"action": "submit", "revision": review.revision})
    assert response.status_code == 302
    assert Review.objects.get(pk=review.pk).state == Review.State.SUBMITTED


def test_a_submit_refused_as_incomplete_lists_what_is_missing(page_quarter, client_for):
    review = page_quarter.reviews["E00002"]
    assert review.incomplete_reasons
    response = client_for("hr").post(
        review_url(review), {"action": "submit", "revision": review.revision}, **EN
    )

    assert response.status_code == 400
    message = section(response.content.decode(), "review-message").split("</div>")[0]
    assert "The actual figure of Sales plan completion rate is not entered." in message
    assert "Marketing director has not rated" in message
    assert message.count("<li") == len(review.incomplete_reasons) + 1


# -- the gap flag ----------------------------------------------------------------------------


def _rate(personas, review, hr, director):
    codes = list(Competency.objects.order_by("order").values_list("code", flat=True))
    review = services.review_rate(
        actor=personas["hr"],
        review=review,
        assessor_role="hr",
        ratings=dict.fromkeys(codes, hr),
    )
    return services.review_rate(
        actor=personas["director"],
        review=review,
        assessor_role="marketing_director",
        ratings=dict.fromkeys(codes, director),
    )


def test_gap_flag_when_assessors_differ_by_more_than_20(page_quarter, personas, client_for):
    review = _rate(personas, page_quarter.reviews["E00002"], 5, 3)  # 100 vs 60
    html = client_for("hr").get(review_url(review)).content.decode()
    assert 'data-testid="assessor-gap"' in html


def test_no_gap_flag_at_20_points(page_quarter, personas, client_for):
    review = _rate(personas, page_quarter.reviews["E00002"], 5, 4)  # 100 vs 80
    html = client_for("hr").get(review_url(review)).content.decode()
    assert 'data-testid="assessor-gap"' not in html


# -- print and queries -----------------------------------------------------------------------


def test_print_form(page_quarter, personas, client_for):
    review = submit_and_score(personas, page_quarter.reviews["E00002"])
    url = reverse("reviews:review_print", args=[review.pk])
    html = client_for("hr").get(url).content.decode()
    assert "张伟" in html and "销售代表" in html
    assert "review_print.css" in html and 'data-testid="signatures"' in html
    html = client_for("hr").get(url, **EN).content.decode()
    assert "Quarterly review form" in html
    assert 'data-testid="print-comments"' not in html  # none given
    assert ".0000" not in html and ">92.04<" in html and ">1.10<" in html


def test_print_form_shows_the_comments(page_quarter, personas, client_for):
    review = page_quarter.reviews["E00002"]
    codes = list(Competency.objects.order_by("order").values_list("code", flat=True))
    services.review_rate(
        actor=personas["director"],
        review=review,
        assessor_role="marketing_director",
        ratings=dict.fromkeys(codes, 4),
        comments={codes[0]: "沟通积极"},
    )
    url = reverse("reviews:review_print", args=[review.pk])
    html = client_for("hr").get(url, **EN).content.decode()
    assert 'data-testid="print-comments"' in html and "沟通积极" in html
    assert "Marketing director ·" in html


def test_review_page_runs_a_fixed_number_of_queries(
    page_quarter, personas, client_for, django_assert_num_queries
):
    client = client_for("director")
    small = page_quarter.reviews["E00003"]
    # One change by HR: its history names a person, as every review's does once worked on.
    line = small.kpi_lines.order_by("pk").first()
    services.review_set_figures(
        actor=personas["hr"], review=small, figures={line.pk: {"target": "7"}}
    )
    big = submit_and_score(personas, page_quarter.reviews["E00002"])
    client.get(review_url(small))
    with CaptureQueriesContext(connection) as first:
        client.get(review_url(small))
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(review_url(big))
    assert len(first) == PAGE_QUERIES


# -- how figures, names, the calculation and the history read ------------------------------


def test_figures_without_trailing_zeros_and_scores_with_two_decimals(
    page_quarter, personas, client_for
):
    review = submit_and_score(personas, page_quarter.reviews["E00002"])
    for persona in ("director", "hr"):
        html = client_for(persona).get(review_url(review), **EN).content.decode()
        assert ".0000" not in html, persona
        kpis = section(html, "review-kpis")
        assert ">5,000,000<" in kpis or 'value="5000000"' in kpis, persona
        # achievement (a percentage: no needless decimals), line score (always 2 decimals)
        assert ">92<" in kpis and ">110.00<" in kpis
        assert "<strong>80.00</strong>" in section(html, "review-assessors")
        assert 'data-testid="review-coefficient">1.10<' in html
        assert 'data-testid="review-total">92.04<' in html
    html = client_for("hr").get(review_url(review), **EN).content.decode()
    assert 'value="100"' in html and 'value="5500000"' in html
    line = line_ids(review)["SALES_PLAN_RATE"]
    client = client_for("hr")
    data = {"action": "figures", "revision": review.revision, f"actual-{line}": "12.50"}
    assert client.post(review_url(review), data).status_code == 400  # scored: say why
    data["reason_code"] = "correction"
    assert client.post(review_url(review), data).status_code == 302
    assert f'name="actual-{line}" value="12.5"' in client.get(review_url(review)).content.decode()
    printed = client.get(reverse("reviews:review_print", args=[review.pk])).content.decode()
    assert ".0000" not in printed and ">12.5<" in printed


def test_missing_names_kpis_competencies_and_assessors(page_quarter, client_for):
    review = page_quarter.reviews["E00004"]  # no figures, no ratings yet
    line = review.kpi_lines.get(code="KEYACCT_DEV_PLAN_RATE")
    competency = Competency.objects.order_by("order").first()
    assert competency is not None
    html = section(
        client_for("hr").get(review_url(review), **EN).content.decode(), "review-missing"
    )
    assert line.name_en in html and "KEYACCT_DEV_PLAN_RATE" not in html
    assert f"Marketing director has not rated “{competency.text_en}”." in html
    assert f"Human resources has not rated “{competency.text_en}”." in html
    assert competency.code not in html and "marketing_director" not in html
    html = client_for("hr").get(review_url(review), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = section(html.content.decode(), "review-missing")
    assert line.name_zh in html and competency.text_zh in html and "营销总监" in html


def test_steps_name_kpis_and_assessors_and_say_the_warning_in_words(
    page_quarter, personas, client_for
):
    review = submit_and_score(personas, page_quarter.reviews["E00002"])
    steps = section(client_for("hr").get(review_url(review), **EN).content.decode(), "review-steps")
    assert "Sales revenue" in steps and "SALES_REVENUE" not in steps
    assert "Marketing director" in steps and "marketing_director" not in steps
    assert "Human resources" in steps
    assert "92.04 is not below the threshold 60: no verbal warning." in steps
    assert "92.04 is at least 85, the lowest total for grade A: grade A" in steps
    assert "≥ 60 = " not in steps
    warned = submit_and_score(personas, page_quarter.reviews["E00003"])
    steps = section(client_for("hr").get(review_url(warned), **EN).content.decode(), "review-steps")
    assert "50.00 is below the threshold 60: verbal warning." in steps
    assert "50.00 is below the bands of all higher grades: grade D, pay coefficient 0.70." in steps


def test_steps_show_the_exact_values_behind_each_rounded_figure(page_quarter, personas, client_for):
    review = submit_and_score(personas, page_quarter.reviews["E00002"])
    html = client_for("hr").get(review_url(review), **EN).content.decode()
    steps = section(html, "review-steps")

    assert "(80×95.547368… + 20×78)/100 = 92.037894… → 92.04" in steps
    assert "(30×92 + 30×110 + 20×80 + 20×94.736842…)/100 = 95.547368… → 95.55" in steps
    assert "(80×95.55 + 20×78)" not in steps
    note = section(html, "review-rounding")
    assert "rounded to 2 places, half up" in note


def _returned_and_edited(personas, review):
    """Scored at 92.04, returned by the director, then an actual figure changed by HR."""
    review = submit_and_score(personas, review)
    review = services.review_return(actor=personas["director"], review=review, comment="Check")
    line = review.kpi_lines.order_by("order").first()
    return services.review_set_figures(
        actor=personas["hr"], review=review, figures={line.pk: {"actual": str(line.actual / 2)}}
    )


def test_an_edited_review_tells_the_result_on_record_from_a_preview(
    page_quarter, personas, client_for
):
    review = _returned_and_edited(personas, page_quarter.reviews["E00002"])
    live = selectors.review_detail(review=review, viewer_roles=roles_of(personas["hr"])).result
    assert live is not None and live.total_score != review.total_score
    html = client_for("hr").get(review_url(review), **EN).content.decode()
    result = section(html, "review-result")

    record = result.split('data-testid="review-record"')[1].split("</p>")[0]
    assert "On record" in record and "scored on" in record
    assert 'data-testid="review-total">92.04<' in result
    preview = result.split('data-testid="review-preview"')[1]
    assert "Preview" in preview and "not the result on record" in preview
    assert f">{live.total_score}<" in preview
    assert "How the current figures would be calculated (preview)" in result


def test_an_unchanged_scored_review_shows_no_preview(page_quarter, personas, client_for):
    review = submit_and_score(personas, page_quarter.reviews["E00002"])
    result = section(
        client_for("hr").get(review_url(review), **EN).content.decode(), "review-result"
    )

    assert 'data-testid="review-preview"' not in result
    assert "How it was calculated" in result


def test_the_preview_reads_in_chinese(page_quarter, personas, client_for):
    review = _returned_and_edited(personas, page_quarter.reviews["E00002"])
    result = section(client_for("hr").get(review_url(review)).content.decode(), "review-result")

    assert "预览" in result and "存档结果" in result


def test_history_says_who_did_what_in_words(page_quarter, personas, client_for):
    review = submit_and_score(personas, page_quarter.reviews["E00002"])
    codes = list(Competency.objects.order_by("order").values_list("code", flat=True))
    first = Competency.objects.get(code=codes[0])
    client = client_for("director")
    response = client.post(
        review_url(review),
        {"action": "return", "revision": review.revision, "comment": "请核对回款"},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    ratings = {f"rating-{code}": "3" for code in codes} | {f"rating-{codes[0]}": "5"}
    data = {"action": "rate-hr", "revision": review.revision} | ratings
    assert client_for("hr").post(review_url(review), data).status_code == 302
    html = section(client.get(review_url(review), **EN).content.decode(), "review-history")
    assert f"Human resources rated {first.text_en} 3 → 5" in html  # the example's HR gave 3
    assert "State: Scored → Returned" in html and "请核对回款" in html
    assert "Review created" in html and "System" in html
    assert "Scored: total 92.04, grade A" in html and "revision" not in html
    assert "Target of Sales revenue: — → 5,000,000" in html
    # People by name and role, never by login name.
    assert "<td>Marketing director</td>" in html and "<td>director</td>" not in html
    assert f"hr.{codes[0]}" not in html and "SALES_REVENUE" not in html
    assert AuditEvent.objects.filter(review=review, action="rating").exists()
    html = section(
        client.get(review_url(review), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode(),
        "review-history",
    )
    assert "人力资源部" in html and first.text_zh in html and "已退回" in html


def test_history_is_not_shown_to_the_employee(page_quarter, personas, client_for):
    review = approve(personas, page_quarter.reviews["E00002"])
    assert (
        'data-testid="review-history"'
        not in client_for("employee").get(review_url(review)).content.decode()
    )
    assert (
        'data-testid="review-history"'
        in client_for("head").get(review_url(review)).content.decode()
    )


def test_conflict_is_an_error_block_at_the_top_of_its_form(page_quarter, client_for):
    review = page_quarter.reviews["E00002"]
    line = line_ids(review)["SALES_REVENUE"]
    revision = review.revision
    data = {"action": "figures", "revision": revision, f"target-{line}": "111"}
    assert client_for("hr").post(review_url(review), data).status_code == 302
    data |= {f"target-{line}": "222"}
    html = client_for("hr").post(review_url(review), data, **EN).content.decode()
    form = html[html.index('data-testid="figures-form"') : html.index("figures-save")]
    table = form.index('class="kpi-lines"')
    block = form.index('data-testid="review-conflict"')
    assert block < table  # above the inputs
    assert 'class="errors form-message" role="alert" data-testid="review-conflict"' in form
    assert "Someone else changed this review" in form
    assert form.count('class="current"') == 1 and "now: 111" in form  # where it differs
    assert f'name="target-{line}" value="222" inputmode="decimal"' in form


def test_stale_return_keeps_the_comment_in_its_form(page_quarter, personas, client_for):
    review = submit_and_score(personas, page_quarter.reviews["E00002"])
    data = {"action": "return", "revision": review.revision - 1, "comment": "再看看"}
    html = client_for("director").post(review_url(review), data, **EN).content.decode()
    form = html[html.index('data-testid="return-form"') : html.index("return-review")]
    assert 'class="errors form-message"' in form and 'data-testid="review-conflict"' in form
    assert ">再看看</textarea>" in form


def test_conflict_on_a_form_no_longer_shown_is_on_top(page_quarter, personas, client_for):
    review = approve(personas, page_quarter.reviews["E00002"])
    data = {"action": "return", "revision": review.revision, "comment": "晚了"}
    response = client_for("director").post(review_url(review), data, **EN)
    assert response.status_code == 409
    html = response.content.decode()
    assert "return-form" not in html
    assert 'class="errors form-message"' in html and "晚了" in html


@pytest.mark.parametrize(
    "typed", ["abc", "1,000", "1e3", "1_000", "１０００", "١٠٠٠", "+1000", "1000.", "NaN"]
)
def test_bad_figure_names_the_field_above_the_form(page_quarter, client_for, typed):
    review = page_quarter.reviews["E00002"]
    line = line_ids(review)["SALES_REVENUE"]
    data = {"action": "figures", "revision": review.revision, f"target-{line}": typed}
    response = client_for("hr").post(review_url(review), data, **EN)
    assert response.status_code == 400
    block = section(response.content.decode(), "review-message")
    assert "Nothing was saved" in block
    assert f"Target of Sales revenue: &quot;{typed}&quot; is not a number" in block
    assert ReviewKpiLine.objects.get(pk=line).target is None


@pytest.mark.parametrize("typed", ["٣٠", "３０", "3_0", "30.5", "3e1", "+30", "-0"])
def test_a_weight_must_be_ascii_digits(page_quarter, client_for, typed):
    review = page_quarter.reviews["E00002"]
    lines = line_ids(review)
    data = {"action": "figures", "revision": review.revision}
    data |= {f"weight-{line}": "50" for line in lines.values()}
    data[f"weight-{lines['SALES_REVENUE']}"] = typed
    response = client_for("hr").post(review_url(review), data, **EN)
    assert response.status_code == 400
    assert "Enter a whole number from 0 to 100." in section(
        response.content.decode(), "review-message"
    )


def test_a_figure_above_the_lines_maximum_is_refused(page_quarter, client_for):
    review = page_quarter.reviews["E00002"]
    line = line_ids(review)["SALES_PLAN_RATE"]
    ReviewKpiLine.objects.filter(pk=line).update(maximum=100)
    data = {"action": "figures", "revision": review.revision, f"actual-{line}": "103.5"}
    response = client_for("hr").post(review_url(review), data, **EN)
    assert response.status_code == 400
    block = section(response.content.decode(), "review-message")
    assert "actual 103.5 is above this KPI&#x27;s maximum of 100 (a share of a whole)." in block
    assert ReviewKpiLine.objects.get(pk=line).actual is None


def test_weights_not_adding_up_are_said(page_quarter, client_for):
    review = page_quarter.reviews["E00002"]
    line = line_ids(review)["SALES_REVENUE"]
    data = {"action": "figures", "revision": review.revision, f"weight-{line}": "40"}
    response = client_for("hr").post(review_url(review), data, **EN)
    assert response.status_code == 400
    assert "must add up to 100" in section(response.content.decode(), "review-message")


def test_success_is_confirmed_after_the_redirect(page_quarter, client_for):
    review = page_quarter.reviews["E00002"]
    line = line_ids(review)["SALES_REVENUE"]
    data = {"action": "figures", "revision": review.revision, f"target-{line}": "10"}
    response = client_for("hr").post(review_url(review), data, follow=True, **EN)
    assert response.status_code == 200
    assert "Figures saved." in response.content.decode()


def test_gap_flag_is_for_the_assessors_only(page_quarter, personas, client_for):
    review = _rate(personas, page_quarter.reviews["E00002"], 5, 3)
    assert (
        'data-testid="assessor-gap"'
        not in client_for("head").get(review_url(review)).content.decode()
    )


def test_print_form_is_get_only(page_quarter, personas, client_for):
    review = page_quarter.reviews["E00002"]
    url = reverse("reviews:review_print", args=[review.pk])
    assert client_for("hr").post(url).status_code == 405
    assert client_for("outsider").get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_hr_sees_why_a_review_was_returned(page_quarter, personas, client_for):
    review = submit_and_score(personas, page_quarter.reviews["E00002"])
    data = {"action": "return", "revision": review.revision, "comment": "回款率请再核对"}
    assert client_for("director").post(review_url(review), data).status_code == 302
    html = client_for("hr").get(review_url(review), **EN).content.decode()
    notice = html[html.index('data-testid="review-why-here"') :]
    assert "Returned by Marketing director on" in notice[:300] and "回款率请再核对" in notice[:400]
    draft = page_quarter.reviews["E00003"]
    assert "review-why-here" not in client_for("hr").get(review_url(draft)).content.decode()


# -- the printed form on paper (headless Chromium) -------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_print_form_fits_one_a4_portrait_page(page_quarter, personas, page_as):
    review = submit_and_score(personas, page_quarter.reviews["E00002"])
    codes = list(Competency.objects.order_by("order").values_list("code", flat=True))
    comments = dict.fromkeys(codes, "评语" * 30)  # long comments too
    review = services.review_rate(
        actor=personas["director"],
        review=review,
        assessor_role="marketing_director",
        ratings=dict.fromkeys(codes, 4),
        comments=comments,
        reason_code="calibration",
    )
    hr = page_as("hr")
    hr.goto(reverse("reviews:review_print", args=[review.pk]))
    hr.emulate_media(media="print")
    pdf = hr.pdf(prefer_css_page_size=True)
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert sizes and all((round(float(w)), round(float(h))) == (595, 842) for w, h in sizes), (
        sizes
    )  # A4 portrait, in points
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_record_and_the_preview_read_apart_on_a_phone(
    page_quarter, personas, page_as, screenshots
):
    review = _returned_and_edited(personas, page_quarter.reviews["E00002"])
    hr = page_as("hr")
    hr.set_viewport_size({"width": 375, "height": 812})
    hr.goto(reverse("reviews:review", args=[review.pk]))
    result = hr.get_by_test_id("review-result")
    result.scroll_into_view_if_needed()
    result.screenshot(path=str(screenshots / "review-record-and-preview-375.png"))

    preview = hr.get_by_test_id("review-preview")
    assert hr.get_by_test_id("review-record").is_visible()
    assert preview.is_visible() and "预览" in preview.inner_text()
    for part in (result, preview, hr.get_by_test_id("review-steps")):
        box = part.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    wider = hr.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => !e.closest('.table-wrap') && e.getBoundingClientRect().right > 375)"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert wider == []  # wide tables scroll inside their .table-wrap, the page never does


def test_hr_sees_the_figures_each_line_allows(page_quarter, client_for):
    review = page_quarter.reviews["E00002"]
    ReviewKpiLine.objects.filter(review=review, code="SALES_PLAN_RATE").update(maximum=100)
    html = client_for("hr").get(review_url(review), **EN).content.decode()
    row = html[html.index('data-line="SALES_PLAN_RATE"') :]
    assert '<small class="muted" data-testid="limits">0 to 100</small>' in row[: row.index("</tr>")]
    row = html[html.index('data-line="SALES_REVENUE"') :]
    assert 'data-testid="limits">at least 0</small>' in row[: row.index("</tr>")]
