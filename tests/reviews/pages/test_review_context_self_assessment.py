"""The self-assessment panel of the review page (reviews/pages/review_context.py): HR and the
head see a draft, the director only a submitted one, with its evidence."""

from __future__ import annotations

import pytest
from django.urls import reverse

from departments.models import Competency
from evidence.models import Purpose
from evidence.services import evidence_attach
from hrperf.lib.roles import roles_of
from selfassessments import services
from selfassessments.models import SelfAssessment
from tests.helpers.evidence import pdf_bytes, upload

PANEL = 'data-testid="review-self-assessment"'


@pytest.fixture
def draft(personas, self_quarter):
    review = self_quarter.reviews["employee"]
    own = SelfAssessment.objects.create(review=review, summary="我的季度总结")
    user = personas["employee"]
    evidence_attach(
        user=user,
        roles=roles_of(user),
        review=review,
        purpose=Purpose.SELF_ASSESSMENT,
        ref=own.pk,
        upload=upload("证明.pdf", pdf_bytes()),
    )
    return own


@pytest.mark.parametrize(("who", "sees"), [("hr", True), ("head", True), ("director", False)])
def test_a_draft_on_the_review_page(client_for, self_quarter, draft, who, sees) -> None:
    response = client_for(who).get(reverse("reviews:review", args=[draft.review_id]))
    assert response.status_code == 200
    assert (PANEL in response.text) is sees
    assert ("我的季度总结" in response.text) is sees
    assert ("证明.pdf" in response.text) is sees


@pytest.mark.parametrize("who", ["hr", "head", "director"])
def test_a_submitted_one_on_the_review_page(client_for, self_quarter, draft, who) -> None:
    SelfAssessment.objects.filter(pk=draft.pk).update(state=SelfAssessment.State.SUBMITTED)
    text = client_for(who).get(reverse("reviews:review", args=[draft.review_id])).text
    assert PANEL in text
    assert "我的季度总结" in text
    assert "证明.pdf" in text


def test_a_review_never_self_assessed_says_so_to_hr(client_for, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    text = client_for("hr").get(reverse("reviews:review", args=[review.pk])).text
    assert PANEL in text
    assert "我的季度总结" not in text


def test_the_history_says_the_employee_self_assessed(personas, client_for, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    user = personas["employee"]
    codes = Competency.objects.values_list("code", flat=True)
    services.self_assessment_save(
        user=user,
        roles=roles_of(user),
        review=review,
        summary="总结",
        ratings=dict.fromkeys(codes, 3),
    )
    services.self_assessment_submit(user=user, roles=roles_of(user), review=review)
    text = client_for("hr").get(reverse("reviews:review", args=[review.pk])).text
    assert "员工提交了自评" in text
