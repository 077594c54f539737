"""Downloading an evidence file (evidence/views.py): as an attachment, of the kind found, to
whoever sees its owner; 404 to anyone else."""

from __future__ import annotations

import pytest

from evidence.models import Purpose
from evidence.services import evidence_attach
from hrperf.lib.roles import roles_of
from selfassessments.models import SelfAssessment
from tests.helpers.evidence import pdf_bytes, upload


@pytest.fixture
def draft_file(personas, self_quarter):
    review = self_quarter.reviews["employee"]
    own = SelfAssessment.objects.create(review=review)
    user = personas["employee"]
    return evidence_attach(
        user=user,
        roles=roles_of(user),
        review=review,
        purpose=Purpose.SELF_ASSESSMENT,
        ref=own.pk,
        upload=upload("季度 总结.pdf", pdf_bytes(), "text/html"),
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("hr", 200),
        ("head", 200),
        ("employee", 200),
        ("director", 404),  # a draft's
        ("other_employee", 404),
        ("outsider", 404),
    ],
)
def test_it_streams_the_file_to_who_sees_it(client_for, draft_file, who, status) -> None:
    response = client_for(who).get(f"/evidence/{draft_file.pk}/")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''" in response["Content-Disposition"]


def test_an_anonymous_visitor_is_sent_to_log_in(client_for, draft_file) -> None:
    response = client_for(None).get(f"/evidence/{draft_file.pk}/")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_a_file_gone_from_storage_is_404(client_for, draft_file) -> None:
    draft_file.file.storage.delete(draft_file.file.name)
    assert client_for("hr").get(f"/evidence/{draft_file.pk}/").status_code == 404


def test_it_answers_only_reads(client_for, draft_file) -> None:
    assert client_for("hr").post(f"/evidence/{draft_file.pk}/").status_code == 405
