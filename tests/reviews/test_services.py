"""Transitions, permissions and bad input of the review services (the worker's part is called
directly here; tests/reviews/test_worker.py runs it in a real worker process)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from departments.models import Employee
from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from kpis.models import Kpi
from reviews import services
from reviews.models import (
    ApprovedResult,
    AuditEvent,
    CompetencyRating,
    Review,
    ReviewCycle,
    ReviewKpiLine,
    ScoringPolicy,
    VerbalWarning,
)
from tests.helpers.quarters import complete, review_of, scored

# -- cycles ------------------------------------------------------------------------------------


def test_it_opens_a_quarter_with_the_default_policy(fresh_quarter):
    assert (fresh_quarter.starts_on.isoformat(), fresh_quarter.ends_on.isoformat()) == (
        "2026-07-01",
        "2026-09-30",
    )
    policy = ScoringPolicy.objects.get(cycle=fresh_quarter)
    assert (policy.version, policy.kpi_share, policy.warning_threshold) == (1, 80, Decimal(60))
    assert AuditEvent.objects.filter(cycle=fresh_quarter, action="cycle_opened").count() == 1


@pytest.mark.parametrize("period", ["2026Q5", "2026-3", "", "26Q1"])
def test_it_rejects_a_malformed_period(personas, period):
    with pytest.raises(ValidationFailed) as info:
        services.cycle_open(actor=personas["hr"], period=period)
    assert info.value.errors[0].field == "period"
    assert not ReviewCycle.objects.exists()


def test_it_rejects_a_quarter_opened_twice(fresh_quarter, personas):
    with pytest.raises(ValidationFailed):
        services.cycle_open(actor=personas["hr"], period="2026q3")


@pytest.mark.parametrize("name", ["director", "head", "employee", "outsider"])
def test_only_hr_opens_a_quarter(personas, name):
    with pytest.raises(NotAllowed):
        services.cycle_open(actor=personas[name], period="2026Q4")


def test_it_rejects_a_policy_with_bands_out_of_order(personas, departments):
    with pytest.raises(ValidationFailed):
        services.cycle_open(actor=personas["hr"], period="2026Q4", policy={"band_a": "99"})
    assert not ReviewCycle.objects.exists()


# -- generation --------------------------------------------------------------------------------


def test_generation_gives_each_active_employee_one_review_with_copied_lines(
    fresh_quarter, personas
):
    assert Review.objects.filter(cycle=fresh_quarter).count() == Employee.objects.count()
    line = review_of(personas).kpi_lines.get()
    assert (line.code, line.target, line.weight, line.actual) == (
        "SALES_PLAN_RATE",
        Decimal(100),
        100,
        None,
    )
    assert services.reviews_generate_chunk(cycle_id=fresh_quarter.pk) == 0


def test_a_catalogue_edit_never_rewrites_a_review(fresh_quarter, personas):
    Kpi.objects.filter(code="SALES_PLAN_RATE").update(name_zh="新名称", default_target=90)
    line = review_of(personas).kpi_lines.get()
    assert (line.name_zh, line.target) == ("销售计划完成率", Decimal(100))


def test_a_new_review_lists_everything_missing_and_invents_no_zero(fresh_quarter, personas):
    review = review_of(personas)
    codes = [reason["code"] for reason in review.incomplete_reasons]
    assert codes.count("actual_missing") == 1
    assert codes.count("rating_missing") == 8
    assert review.total_score is None


# -- figures and ratings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"target": "0"}, "zero_target"),
        ({"actual": "-1"}, "negative"),
        ({"actual": "1.23456"}, "too_precise"),
        ({"actual": "abc"}, "invalid"),
        ({"weight": "90"}, "weights_sum"),
    ],
)
def test_it_rejects_bad_figures_and_saves_nothing(fresh_quarter, personas, values, code):
    review = review_of(personas)
    line = review.kpi_lines.get()
    with pytest.raises(ValidationFailed) as info:
        services.review_set_figures(actor=personas["hr"], review=review, figures={line.pk: values})
    assert [e.code for e in info.value.errors] == [code]
    line.refresh_from_db()
    assert (line.target, line.actual, line.weight) == (Decimal(100), None, 100)
    assert not AuditEvent.objects.filter(action="figure").exists()


@pytest.mark.parametrize("value", [0, 6, "3.5", "x", None])
def test_it_rejects_a_rating_outside_one_to_five(fresh_quarter, personas, value):
    with pytest.raises(ValidationFailed) as info:
        services.review_rate(
            actor=personas["hr"],
            review=review_of(personas),
            assessor_role="hr",
            ratings={"culture": value},
        )
    assert info.value.errors[0].field == "ratings.culture"
    assert not CompetencyRating.objects.exists()


def test_a_comment_without_a_rating_is_refused_not_dropped(fresh_quarter, personas):
    with pytest.raises(ValidationFailed) as info:
        services.review_rate(
            actor=personas["hr"],
            review=review_of(personas),
            assessor_role="hr",
            ratings={},
            comments={"culture": "沟通积极"},
        )
    assert [(e.field, e.code) for e in info.value.errors] == [
        ("ratings.culture", "comment_without_rating")
    ]
    assert not CompetencyRating.objects.exists()


@pytest.mark.parametrize(
    ("name", "role"),
    [("hr", "marketing_director"), ("director", "hr"), ("head", "hr"), ("employee", "hr")],
)
def test_only_the_holder_of_an_assessor_role_rates_for_it(fresh_quarter, personas, name, role):
    with pytest.raises(NotAllowed):
        services.review_rate(
            actor=personas[name],
            review=review_of(personas),
            assessor_role=role,
            ratings={"culture": 3},
        )
    assert not CompetencyRating.objects.exists()


def test_a_form_based_on_a_stale_revision_is_refused(fresh_quarter, personas):
    review = review_of(personas)
    line = review.kpi_lines.get()
    stale = review.revision
    services.review_set_figures(
        actor=personas["hr"], review=review, figures={line.pk: {"actual": "50"}}
    )
    with pytest.raises(Conflict) as info:
        services.review_set_figures(
            actor=personas["hr"],
            review=review,
            figures={line.pk: {"actual": "70"}},
            expected_revision=stale,
        )
    assert info.value.code == "stale"
    line.refresh_from_db()
    assert line.actual == Decimal(50)


# -- transitions -------------------------------------------------------------------------------


def test_an_incomplete_review_cannot_be_submitted(fresh_quarter, personas):
    with pytest.raises(ValidationFailed):
        services.review_submit(actor=personas["hr"], review=review_of(personas))
    assert review_of(personas).state == Review.State.DRAFT


def test_submitting_enqueues_scoring_after_commit(
    fresh_quarter, personas, django_capture_on_commit_callbacks
):
    review = complete(personas, review_of(personas), "60", 3, 3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.review_submit(actor=personas["hr"], review=review)
    assert len(callbacks) == 1
    assert review_of(personas).state == Review.State.SUBMITTED


def test_scoring_on_the_threshold_gives_grade_c_and_no_warning(fresh_quarter, personas):
    review = scored(personas)
    assert (review.state, review.kpi_score, review.competency_score, review.total_score) == (
        Review.State.SCORED,
        Decimal("60.00"),
        Decimal("60.00"),
        Decimal("60.00"),
    )
    assert (review.grade, review.pay_coefficient, review.verbal_warning) == (
        "C",
        Decimal("0.90"),
        False,
    )
    assert not VerbalWarning.objects.exists()


def test_scoring_below_the_threshold_creates_one_warning_however_often_it_runs(
    fresh_quarter, personas
):
    review = scored(personas, actual="40", director=2, hr=2)
    assert (review.total_score, review.grade, review.verbal_warning) == (
        Decimal("40.00"),
        "D",
        True,
    )
    assert not services.review_score(review_id=review.pk, revision=review.revision)
    services.reviews_score_batch(review_ids=[review.pk])
    assert VerbalWarning.objects.filter(review=review).count() == 1
    assert AuditEvent.objects.filter(review=review, action="scored").count() == 1


def test_a_change_after_scoring_sends_the_review_back_for_rescoring(fresh_quarter, personas):
    review = scored(personas)
    line = review.kpi_lines.get()
    review = services.review_set_figures(
        actor=personas["hr"], review=review, figures={line.pk: {"actual": "95"}}
    )
    assert review.state == Review.State.SUBMITTED
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    assert review.total_score == Decimal("88.00")


def test_approval_freezes_the_review_and_keeps_its_figures_for_payroll(fresh_quarter, personas):
    review = services.review_approve(actor=personas["director"], review=scored(personas))
    result = ApprovedResult.objects.get(review=review)
    assert (result.version, result.total_score, result.grade) == (1, Decimal("60.00"), "C")
    assert ScoringPolicy.objects.get(cycle=fresh_quarter).frozen_at is not None
    line = review.kpi_lines.get()
    with pytest.raises(Conflict):
        services.review_set_figures(
            actor=personas["hr"], review=review, figures={line.pk: {"actual": "99"}}
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(total_score=Decimal(99))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewKpiLine.objects.filter(pk=line.pk).update(actual=Decimal(99))
    review.refresh_from_db()
    assert review.total_score == Decimal("60.00")


@pytest.mark.parametrize("name", ["hr", "head", "employee", "outsider"])
def test_only_the_director_approves(fresh_quarter, personas, name):
    review = scored(personas)
    with pytest.raises(NotAllowed):
        services.review_approve(actor=personas[name], review=review)
    assert review_of(personas).state == Review.State.SCORED


def test_returning_needs_a_comment_and_is_recorded(fresh_quarter, personas):
    review = scored(personas)
    with pytest.raises(ValidationFailed):
        services.review_return(actor=personas["director"], review=review, comment="  ")
    review = services.review_return(actor=personas["director"], review=review, comment="复核销售额")
    assert review.state == Review.State.RETURNED
    event = AuditEvent.objects.filter(review=review, action="state").latest("id")
    assert (event.from_value, event.to_value, event.reason, event.actor) == (
        "scored",
        "returned",
        "复核销售额",
        personas["director"],
    )


def test_a_draft_cannot_be_approved_or_returned(fresh_quarter, personas):
    review = review_of(personas)
    with pytest.raises(Conflict):
        services.review_approve(actor=personas["director"], review=review)
    with pytest.raises(Conflict):
        services.review_return(actor=personas["director"], review=review, comment="x")


def test_reopening_makes_a_new_version_and_payroll_keeps_the_last_approved(fresh_quarter, personas):
    review = services.review_approve(actor=personas["director"], review=scored(personas))
    with pytest.raises(ValidationFailed):
        services.review_reopen(actor=personas["director"], review=review, reason="")
    review = services.review_reopen(actor=personas["director"], review=review, reason="数据更正")
    assert (review.state, review.version) == (Review.State.REOPENED, 2)
    line = review.kpi_lines.get()
    review = services.review_set_figures(
        actor=personas["hr"], review=review, figures={line.pk: {"actual": "95"}}
    )
    assert ApprovedResult.objects.filter(review=review).count() == 1
    review = services.review_submit(actor=personas["hr"], review=review)
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    services.review_approve(actor=personas["director"], review=review)
    assert list(
        ApprovedResult.objects.filter(review=review)
        .order_by("version")
        .values_list("version", "total_score")
    ) == [(1, Decimal("60.00")), (2, Decimal("88.00"))]


def test_a_policy_change_after_an_approval_makes_a_new_version(fresh_quarter, personas):
    services.review_approve(actor=personas["director"], review=scored(personas))
    policy = services.cycle_policy_update(
        actor=personas["hr"], cycle=fresh_quarter, values={"warning_threshold": "65"}
    )
    assert (policy.version, policy.warning_threshold) == (2, Decimal(65))
    first = ScoringPolicy.objects.get(cycle=fresh_quarter, version=1)
    assert first.warning_threshold == Decimal(60)


def test_the_audit_trail_cannot_be_edited(fresh_quarter):
    event = AuditEvent.objects.filter(cycle=fresh_quarter).first()
    assert event is not None
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")


def test_acknowledging_a_warning_needs_a_note_and_happens_once(fresh_quarter, personas):
    review = scored(personas, actual="40", director=2, hr=2)
    warning = VerbalWarning.objects.get(review=review)
    with pytest.raises(ValidationFailed):
        services.warning_acknowledge(actor=personas["hr"], warning=warning, note="")
    with pytest.raises(NotAllowed):
        services.warning_acknowledge(actor=personas["director"], warning=warning, note="谈话")
    services.warning_acknowledge(actor=personas["hr"], warning=warning, note="已进行绩效面谈")
    with pytest.raises(Conflict):
        services.warning_acknowledge(actor=personas["hr"], warning=warning, note="again")


def test_hr_is_mailed_once_about_a_warning(fresh_quarter, personas, mailoutbox):
    personas["hr"].email = "hr@example.com"
    personas["hr"].save()
    review = scored(personas, actual="40", director=2, hr=2)
    warning = VerbalWarning.objects.get(review=review)
    assert services.warning_notify(warning_id=warning.pk)
    assert not services.warning_notify(warning_id=warning.pk)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["hr@example.com"]


def test_it_rejects_a_policy_figure_too_large_for_its_column(personas, departments):
    with pytest.raises(ValidationFailed) as info:
        services.cycle_open(actor=personas["hr"], period="2026Q4", policy={"band_s": "1e30"})
    assert [(e.field, e.code) for e in info.value.errors] == [("band_s", "too_large")]
    assert not ReviewCycle.objects.exists()


# -- a form based on a stale revision ------------------------------------------------------


def test_each_transition_refuses_a_revision_that_moved_on(fresh_quarter, personas):
    director, hr = personas["director"], personas["hr"]
    review = scored(personas)
    stale = review.revision - 1
    for attempt in (
        lambda: services.review_approve(actor=director, review=review, expected_revision=stale),
        lambda: services.review_return(
            actor=director, review=review, comment="复核", expected_revision=stale
        ),
        lambda: services.reviews_approve(
            actor=director, reviews=[review], expected_revisions={review.pk: stale}
        ),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "stale"
    assert review_of(personas).state == Review.State.SCORED

    review = services.review_approve(
        actor=director, review=review, expected_revision=review.revision
    )
    with pytest.raises(Conflict) as refused:
        services.review_reopen(
            actor=director, review=review, reason="更正", expected_revision=review.revision + 1
        )
    assert refused.value.code == "stale"
    review = services.review_reopen(
        actor=director, review=review, reason="更正", expected_revision=review.revision
    )
    assert (review.state, review.version) == (Review.State.REOPENED, 2)
    with pytest.raises(Conflict) as refused:
        services.review_submit(actor=hr, review=review, expected_revision=review.revision - 1)
    assert refused.value.code == "stale"
    assert review_of(personas).state == Review.State.REOPENED


def test_a_bulk_approval_with_one_stale_review_approves_none(fresh_quarter, personas):
    first = scored(personas)
    second = scored(personas, name="head")
    with pytest.raises(Conflict):
        services.reviews_approve(
            actor=personas["director"],
            reviews=[first, second],
            expected_revisions={first.pk: first.revision, second.pk: second.revision + 1},
        )
    assert not ApprovedResult.objects.exists()
    assert set(
        Review.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)
    ) == {Review.State.SCORED}
