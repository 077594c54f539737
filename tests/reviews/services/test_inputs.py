"""One review's figures and ratings (reviews.services.inputs): bad input, who may rate, stale
forms, and a change after scoring sent back to the worker."""

from decimal import Decimal

import pytest

from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from reviews import services
from reviews.models import AuditEvent, CompetencyRating, Review
from tests.helpers.quarters import review_of, scored


@pytest.mark.parametrize("name", ["hr", "director", "employee"])
def test_nobody_rates_as_the_employee_themself(fresh_quarter, personas, name):
    review = review_of(personas)
    with pytest.raises(NotAllowed) as refused:
        services.review_rate(
            actor=personas[name], review=review, assessor_role="self", ratings={"culture": 5}
        )
    assert refused.value.code == "self_assessment_only"
    assert not CompetencyRating.objects.filter(review=review).exists()
    assert Review.objects.get(pk=review.pk).revision == review.revision


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


def test_a_change_after_scoring_sends_the_review_back_for_rescoring(fresh_quarter, personas):
    review = scored(personas)
    line = review.kpi_lines.get()
    review = services.review_set_figures(
        actor=personas["hr"],
        review=review,
        figures={line.pk: {"actual": "95"}},
        reason_code="correction",
    )
    assert review.state == Review.State.SUBMITTED
    assert services.review_score(review_id=review.pk, revision=review.revision)
    review.refresh_from_db()
    assert review.total_score == Decimal("88.00")
