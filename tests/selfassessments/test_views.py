"""The employee's self-assessment pages (selfassessments/views.py), for every persona, and the
refusals: after the deadline, after submitting, after HR submitted, a forbidden file, a file
over the limit; each names the rule and nothing is saved."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from departments.models import Competency
from evidence.models import EvidenceFile
from reviews.models import AssessorRole, CompetencyRating, Review
from selfassessments import selectors
from selfassessments.models import SelfAssessment
from tests.helpers.evidence import exe_bytes, pdf_bytes

LIST = "/self-assessment/"


def edit_url(review: Review) -> str:
    return f"/self-assessment/{review.pk}/"


def form(review: Review, action: str = "save", **extra: str) -> dict[str, str]:
    data = {"action": action, "summary": "我完成了本季度的计划。"}
    line = review.kpi_lines.get()
    data[f"line-{line.pk}"] = "完成率 95%"
    for code in Competency.objects.values_list("code", flat=True):
        data[f"rating-{code}"] = "4"
        data[f"comment-{code}"] = ""
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("employee", 200),
        ("head", 200),
        ("other_employee", 200),
        ("hr", 403),
        ("director", 403),
        ("outsider", 403),
    ],
)
def test_the_list_is_the_employees(client_for, self_quarter, who, status) -> None:
    response = client_for(who).get(LIST)
    assert response.status_code == status
    if who == "employee":
        assert f"/self-assessment/{self_quarter.reviews['employee'].pk}/" in response.text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("employee", 200),
        ("head", 404),
        ("other_employee", 404),
        ("hr", 403),
        ("director", 403),
        ("outsider", 403),
    ],
)
def test_the_page_is_only_the_employees_own(client_for, self_quarter, who, status) -> None:
    response = client_for(who).get(edit_url(self_quarter.reviews["employee"]))
    assert response.status_code == status


def test_anonymous_visitors_go_to_log_in(client_for, self_quarter) -> None:
    assert client_for(None).get(LIST).status_code == 302
    assert client_for(None).get(edit_url(self_quarter.reviews["employee"])).status_code == 302


def test_the_page_shows_lines_competencies_levels_and_the_deadline(
    client_for, self_quarter
) -> None:
    text = client_for("employee").get(edit_url(self_quarter.reviews["employee"])).text
    assert "2099-12-31" in text
    assert "SALES_PLAN_RATE" in text or "销售计划完成率" in text
    assert text.count('type="radio"') == 4 * 6
    assert str(selectors.LEVELS[4][1]) in text
    assert 'enctype="multipart/form-data"' in text


def test_save_then_submit_after_confirming(client_for, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    client = client_for("employee")
    response = client.post(edit_url(review), form(review))
    assert response.status_code == 302
    assert SelfAssessment.objects.get(review=review).summary == "我完成了本季度的计划。"
    response = client.post(edit_url(review), form(review, "submit"))
    assert response.status_code == 200
    assert 'data-testid="self-assessment-confirm"' in response.text
    assert SelfAssessment.objects.get(review=review).state == "draft"
    response = client.post(edit_url(review), {"action": "confirm"})
    assert response.status_code == 302
    assert SelfAssessment.objects.get(review=review).state == "submitted"
    assert (
        CompetencyRating.objects.filter(review=review, assessor_role=AssessorRole.SELF).count() == 4
    )
    page = client.get(edit_url(review)).text
    assert "<textarea" not in page
    assert 'data-testid="self-assessment-closed"' in page


def test_a_bad_rating_is_shown_and_nothing_saved(client_for, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    code = Competency.objects.order_by("order")[0].code
    response = client_for("employee").post(
        edit_url(review), form(review, **{f"rating-{code}": "9"})
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert "我完成了本季度的计划。" in response.text  # what was typed is kept
    assert not SelfAssessment.objects.exists()


def test_submitting_incomplete_names_what_is_missing(client_for, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    client = client_for("employee")
    client.post(edit_url(review), form(review, summary=""))
    response = client.post(edit_url(review), {"action": "confirm"})
    assert response.status_code == 400
    assert SelfAssessment.objects.get().state == "draft"


def test_after_the_deadline_nothing_is_saved(client_for, self_quarter) -> None:
    self_quarter.deadlines.self_assessment_due = date(2020, 1, 1)
    self_quarter.deadlines.save()
    review = self_quarter.reviews["employee"]
    client = client_for("employee")
    page = client.get(edit_url(review)).text
    assert "2020-01-01" in page
    assert "<textarea" not in page
    response = client.post(edit_url(review), form(review))
    assert response.status_code == 409
    assert "2020-01-01" in response.text
    assert not SelfAssessment.objects.exists()


def test_after_hr_submitted_the_review_nothing_is_saved(client_for, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    Review.objects.filter(pk=review.pk).update(state=Review.State.SUBMITTED)
    response = client_for("employee").post(edit_url(review), form(review))
    assert response.status_code == 409
    assert 'data-testid="self-assessment-message"' in response.text
    assert not SelfAssessment.objects.exists()


def test_after_submitting_nothing_is_saved(client_for, self_quarter) -> None:
    review = self_quarter.reviews["employee"]
    client = client_for("employee")
    client.post(edit_url(review), form(review))
    client.post(edit_url(review), {"action": "confirm"})
    response = client.post(edit_url(review), form(review, summary="changed"))
    assert response.status_code == 409
    assert SelfAssessment.objects.get().summary == "我完成了本季度的计划。"


def test_upload_and_remove_a_file(client_for, self_quarter, stored_files) -> None:
    review = self_quarter.reviews["employee"]
    client = client_for("employee")
    upload = SimpleUploadedFile("业绩.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(f"{edit_url(review)}evidence/", {"file": upload})
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    page = client.get(edit_url(review)).text
    assert "业绩.pdf" in page
    assert f"/evidence/{evidence.pk}/" in page
    response = client.post(edit_url(review), {"action": f"remove-{evidence.pk}"})
    assert response.status_code == 302
    assert not EvidenceFile.objects.exists()


def test_a_forbidden_file_is_refused_naming_it(client_for, self_quarter, stored_files) -> None:
    review = self_quarter.reviews["employee"]
    upload = SimpleUploadedFile("invoice.pdf", exe_bytes(), content_type="application/pdf")
    response = client_for("employee").post(f"{edit_url(review)}evidence/", {"file": upload})
    assert response.status_code == 400
    assert "invoice.pdf" in response.text
    assert not EvidenceFile.objects.exists()
    assert stored_files() == []


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    client_for, self_quarter, stored_files, settings
) -> None:
    settings.EVIDENCE_MAX_FILE_BYTES = 1024
    review = self_quarter.reviews["employee"]
    upload = SimpleUploadedFile("big.pdf", pdf_bytes() + b"0" * 4096)
    response = client_for("employee").post(f"{edit_url(review)}evidence/", {"file": upload})
    assert response.status_code == 400
    assert "big.pdf" in response.text
    assert not EvidenceFile.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("who", ["head", "other_employee"])
def test_no_one_else_uploads(client_for, self_quarter, stored_files, who) -> None:
    review = self_quarter.reviews["employee"]
    upload = SimpleUploadedFile("a.pdf", pdf_bytes())
    response = client_for(who).post(f"{edit_url(review)}evidence/", {"file": upload})
    assert response.status_code == 404
    assert stored_files() == []


def test_the_upload_checks_csrf(personas, self_quarter) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["employee"])
    review = self_quarter.reviews["employee"]
    upload = SimpleUploadedFile("a.pdf", pdf_bytes())
    assert client.post(f"{edit_url(review)}evidence/", {"file": upload}).status_code == 403
    assert not EvidenceFile.objects.exists()
