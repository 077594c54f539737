"""Attaching and removing evidence files (evidence/services.py): checked by content, within the
limits, nothing kept on a refusal."""

from __future__ import annotations

import pytest

from evidence.models import EvidenceFile, Purpose
from evidence.services import evidence_attach, evidence_remove
from hrperf.lib.errors import Conflict, NotAllowed, ValidationFailed
from hrperf.lib.roles import roles_of
from tests.helpers.evidence import (
    docx_bytes,
    exe_bytes,
    html_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    xlsx_bytes,
)

REF = 7


def attach(personas, review, name, data, who="employee", purpose=Purpose.SELF_ASSESSMENT, ref=REF):
    user = personas[who]
    return evidence_attach(
        user=user,
        roles=roles_of(user),
        review=review,
        purpose=purpose,
        ref=ref,
        upload=upload(name, data, "text/plain"),
    )


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("report.pdf", pdf_bytes, "application/pdf"),
        ("chart.png", png_bytes, "image/png"),
        ("photo.jpg", jpeg_bytes, "image/jpeg"),
        (
            "figures.xlsx",
            xlsx_bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "总结.docx",
            docx_bytes,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_it_keeps_a_file_of_each_kind_under_a_random_name(
    personas, self_quarter, stored_files, name, make, content_type
) -> None:
    review = self_quarter.reviews["employee"]
    evidence = attach(personas, review, name, make())
    assert evidence.original_name == name
    assert evidence.content_type == content_type  # detected, not the "text/plain" sent
    assert evidence.size == len(make())
    assert len(evidence.sha256) == 64
    assert evidence.uploaded_by == personas["employee"]
    assert name not in evidence.file.name
    assert stored_files() == [evidence.file.name]
    with evidence.file.open("rb") as stored:
        assert stored.read() == make()


@pytest.mark.parametrize(
    ("name", "data"),
    [("invoice.pdf", exe_bytes()), ("chart.png", html_bytes()), ("setup.exe", exe_bytes())],
)
def test_it_refuses_a_file_whose_content_is_not_accepted_keeping_nothing(
    personas, self_quarter, stored_files, name, data
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        attach(personas, self_quarter.reviews["employee"], name, data)
    error = refused.value.errors[0]
    assert (error.field, error.code) == ("file", "file_type")
    assert name in str(error.message)
    assert EvidenceFile.objects.count() == 0
    assert stored_files() == []


def test_it_refuses_a_file_over_the_size_limit(personas, self_quarter, stored_files, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024
    data = pdf_bytes() + b"0" * 2048
    with pytest.raises(ValidationFailed) as refused:
        attach(personas, self_quarter.reviews["employee"], "big.pdf", data)
    error = refused.value.errors[0]
    assert error.code == "too_large"
    assert "big.pdf" in str(error.message)
    assert EvidenceFile.objects.count() == 0
    assert stored_files() == []


def test_it_refuses_a_file_past_the_total_of_the_review(
    personas, self_quarter, stored_files, settings
) -> None:
    settings.EVIDENCE_MAX_TOTAL_BYTES = 600
    review = self_quarter.reviews["employee"]
    first = attach(personas, review, "a.pdf", pdf_bytes() + b"0" * 300)
    with pytest.raises(ValidationFailed) as refused:
        # Another owner of the same purpose on the same review counts too.
        attach(personas, review, "b.pdf", pdf_bytes() + b"0" * 300, ref=REF + 1)
    error = refused.value.errors[0]
    assert error.code == "total_too_large"
    assert "b.pdf" in str(error.message)
    assert list(EvidenceFile.objects.values_list("pk", flat=True)) == [first.pk]
    assert stored_files() == [first.file.name]


def test_it_refuses_a_file_past_the_number_of_an_owner(
    personas, self_quarter, stored_files, settings
) -> None:
    settings.EVIDENCE_MAX_FILES = 2
    review = self_quarter.reviews["employee"]
    attach(personas, review, "a.png", png_bytes())
    attach(personas, review, "b.png", png_bytes())
    with pytest.raises(ValidationFailed) as refused:
        attach(personas, review, "c.png", png_bytes())
    assert refused.value.errors[0].code == "too_many_files"
    assert "c.png" in str(refused.value.errors[0].message)
    assert EvidenceFile.objects.count() == 2
    assert len(stored_files()) == 2
    attach(personas, review, "d.png", png_bytes(), ref=REF + 1)  # another owner has room


def test_it_refuses_an_empty_file(personas, self_quarter, stored_files) -> None:
    with pytest.raises(ValidationFailed) as refused:
        attach(personas, self_quarter.reviews["employee"], "empty.pdf", b"")
    assert refused.value.errors[0].code == "empty"
    assert stored_files() == []


@pytest.mark.parametrize("who", ["hr", "director", "head", "other_employee", "outsider"])
def test_only_the_employee_of_the_review_attaches(personas, self_quarter, stored_files, who):
    with pytest.raises(NotAllowed):
        attach(personas, self_quarter.reviews["employee"], "a.pdf", pdf_bytes(), who=who)
    assert EvidenceFile.objects.count() == 0
    assert stored_files() == []


def test_the_uploader_removes_a_file_and_its_stored_copy(
    personas, self_quarter, stored_files, django_capture_on_commit_callbacks
) -> None:
    evidence = attach(personas, self_quarter.reviews["employee"], "a.pdf", pdf_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(user=personas["employee"], evidence=evidence, editable=True)
    assert EvidenceFile.objects.count() == 0
    assert stored_files() == []


def test_no_one_else_removes_a_file(personas, self_quarter, stored_files) -> None:
    evidence = attach(personas, self_quarter.reviews["employee"], "a.pdf", pdf_bytes())
    with pytest.raises(NotAllowed):
        evidence_remove(user=personas["hr"], evidence=evidence, editable=True)
    assert EvidenceFile.objects.count() == 1


def test_a_file_of_a_final_owner_stays(personas, self_quarter, stored_files) -> None:
    evidence = attach(personas, self_quarter.reviews["employee"], "a.pdf", pdf_bytes())
    with pytest.raises(Conflict) as refused:
        evidence_remove(user=personas["employee"], evidence=evidence, editable=False)
    assert refused.value.code == "not_editable"
    assert EvidenceFile.objects.count() == 1
    assert stored_files() == [evidence.file.name]
