"""Evidence with an appeal: files filed with it (a refused file refuses the appeal and keeps
nothing), added while HR has not answered, seen by whoever sees the appeal."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appeals import services
from appeals.models import Appeal
from evidence.models import EvidenceFile, Purpose
from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.roles import roles_of
from reviews.models import Review
from tests.helpers.appeals import line_of
from tests.helpers.evidence import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(api_quarter, media_root) -> Review:
    return api_quarter.own


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def file_with(personas, review, *files):
    user = personas["employee"]
    return services.appeal_file(
        user=user,
        roles=roles_of(user),
        review=review,
        items=[line_of(review)],
        grounds="The CRM shows 1,230,000, not 1,200,000.",
        files=list(files),
    )


def test_files_filed_with_the_appeal_are_its_evidence(personas, own, stored_files):
    appeal = file_with(personas, own, upload("crm.pdf", pdf_bytes()), upload("s.png", png_bytes()))
    kept = EvidenceFile.objects.filter(purpose=Purpose.APPEAL, ref=appeal.pk)
    assert sorted(kept.values_list("original_name", flat=True)) == ["crm.pdf", "s.png"]
    assert len(stored_files()) == 2


def test_a_refused_file_refuses_the_appeal_and_keeps_nothing(personas, own, stored_files):
    fake = upload("contract.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationFailed) as refused:
        file_with(personas, own, upload("crm.pdf", pdf_bytes()), fake)
    assert refused.value.errors[0].field == "file"
    assert "contract.pdf" in str(refused.value.errors[0].message)
    assert not Appeal.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert stored_files() == []


def test_the_employee_adds_a_file_until_hr_answers(personas, own, media_root):
    appeal = file_with(personas, own)
    employee, hr = personas["employee"], personas["hr"]
    services.appeal_evidence_add(
        user=employee, roles=roles_of(employee), appeal=appeal, upload=upload("a.pdf", pdf_bytes())
    )
    services.appeal_reject(user=hr, roles=roles_of(hr), appeal=appeal, reason="Checked.")
    with pytest.raises(Conflict) as refused:
        services.appeal_evidence_add(
            user=employee,
            roles=roles_of(employee),
            appeal=appeal,
            upload=upload("b.pdf", pdf_bytes()),
        )
    assert refused.value.code == "already_answered"
    assert EvidenceFile.objects.filter(ref=appeal.pk).count() == 1


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("employee", True),
        ("hr", True),
        ("director", True),
        ("head", True),
        ("other_employee", False),
        ("outsider", False),
    ],
)
def test_the_appeal_page_lists_its_files_to_who_sees_it(personas, own, client_for, who, sees):
    appeal = file_with(personas, own, upload("crm.pdf", pdf_bytes()))
    evidence = EvidenceFile.objects.get(ref=appeal.pk)
    page = client_for(who).get(reverse("appeals:appeal", args=[appeal.pk]))
    download = client_for(who).get(reverse("evidence:download", args=[evidence.pk]))
    if sees:
        assert page.status_code == 200
        assert reverse("evidence:download", args=[evidence.pk]) in page.content.decode()
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
    else:
        assert page.status_code in (403, 404)
        assert download.status_code == 404


def test_the_form_files_the_appeal_with_its_evidence(personas, own, client_for):
    line = own.kpi_lines.order_by("order")[0]
    response = client_for("employee").post(
        reverse("appeals:new", args=[own.pk]),
        {
            "items": [f"line:{line.pk}"],
            "grounds": "The CRM shows more.",
            "evidence": [upload("crm.pdf", pdf_bytes())],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    appeal = Appeal.objects.get(review=own)
    assert EvidenceFile.objects.filter(purpose=Purpose.APPEAL, ref=appeal.pk).count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("employee", 201), ("hr", 403), ("other_employee", 404), ("outsider", 404)],
)
def test_the_api_takes_a_file_from_the_employee_only(personas, own, client_for, who, status):
    appeal = file_with(personas, own)
    response = client_for(who).post(
        reverse("api-v1:appeal-evidence", args=[appeal.pk]),
        {"file": upload("crm.pdf", pdf_bytes())},
    )
    assert response.status_code == status, response.content
    listed = client_for("hr").get(reverse("api-v1:appeal-evidence", args=[appeal.pk]))
    assert listed.status_code == 200
    assert len(listed.json()) == (1 if status == 201 else 0)
