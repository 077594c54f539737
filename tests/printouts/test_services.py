"""Printing many review forms: who may start which job, the worker's run chunk by chunk with its
progress, the PDF (its pages, its text), a repeated or resumed run, the failure."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from hrperf.lib.errors import NotAllowed, ValidationFailed
from printouts import files, services
from printouts.models import PrintJob
from tests.helpers.pages import PageQuarter
from tests.helpers.printouts import job_pdf, pdf_pages, pdf_text, print_now

pytestmark = pytest.mark.django_db


def test_a_department_s_forms_become_one_pdf(
    page_quarter: PageQuarter, personas, media_root: Path
) -> None:
    job = print_now(personas["hr"], page_quarter.cycle, "SALES")
    assert job.status == PrintJob.Status.DONE, job.error
    assert job.total == 2 and job.done == 2
    body = job_pdf(job)
    assert body.startswith(b"%PDF")
    assert job.pages == pdf_pages(body) >= 2 and job.size == len(body)
    text = pdf_text(body)
    assert "王经理" in text and "张伟" in text and "李娜" not in text
    assert "季度考核表" in text  # the form's title, in the requester's language
    # The running header names the department in that language only.
    assert "季度考核表 · 2026Q3 · 销售部\n" in text and "Sales Department" not in text
    # Each form numbered among all (though rendered in parts of one), its pages of its own.
    assert "第 1 份，共 2 份" in text and "第 2 份，共 2 份" in text and "第 1 页，共 1 页" in text
    assert job.parts == [] and list((media_root / "printouts" / "parts").rglob("*.pdf")) == []


def test_the_whole_quarter_for_the_director(page_quarter: PageQuarter, personas, media_root):
    job = print_now(personas["director"], page_quarter.cycle, None, chunk_size=2)
    assert job.status == PrintJob.Status.DONE and job.department is None
    assert job.total == job.done == len(page_quarter.reviews)
    text = pdf_text(job_pdf(job))
    for name in ("王经理", "张伟", "李娜", "赵敏", "陈静"):
        assert name in text


def test_a_head_prints_their_department_without_their_own_form(
    page_quarter: PageQuarter, personas, media_root
) -> None:
    job = print_now(personas["head"], page_quarter.cycle, None)
    assert job.department is not None and job.department.code == "SALES"
    assert job.total == 1
    text = pdf_text(job_pdf(job))
    assert "张伟" in text and "王经理" not in text


def test_a_head_may_not_print_another_department(page_quarter: PageQuarter, personas) -> None:
    with pytest.raises(NotAllowed):
        services.printjob_start(
            actor=personas["head"], cycle=page_quarter.cycle, department_code="MARKET", language=""
        )
    assert not PrintJob.objects.exists()


@pytest.mark.parametrize("persona", ["employee", "other_employee", "outsider"])
def test_nobody_else_may_print(page_quarter: PageQuarter, personas, persona: str) -> None:
    with pytest.raises(NotAllowed):
        services.printjob_start(
            actor=personas[persona], cycle=page_quarter.cycle, department_code=None, language=""
        )
    assert not PrintJob.objects.exists()


def test_an_unknown_department_is_named(page_quarter: PageQuarter, personas) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.printjob_start(
            actor=personas["hr"], cycle=page_quarter.cycle, department_code="NOPE", language=""
        )
    assert [e.field for e in refused.value.errors] == ["department"]
    assert not PrintJob.objects.exists()


def test_a_repeated_task_does_nothing_while_the_job_is_held(
    page_quarter: PageQuarter, personas, media_root
) -> None:
    job = services.printjob_start(
        actor=personas["hr"], cycle=page_quarter.cycle, department_code="SALES", language=""
    )
    PrintJob.objects.filter(pk=job.pk).update(
        status=PrintJob.Status.RUNNING,
        lease=uuid.uuid4(),
        lease_until=timezone.now() + dt.timedelta(minutes=5),
    )
    again = services.printjob_run(job_id=job.pk)
    assert again.status == PrintJob.Status.RUNNING and again.done == 0


def test_a_job_whose_worker_died_is_resumed_where_it_stopped(
    page_quarter: PageQuarter, personas, media_root
) -> None:
    job = services.printjob_start(
        actor=personas["hr"], cycle=page_quarter.cycle, department_code=None, language="zh-hans"
    )
    first = services._claim(job)
    assert first is not None
    services._chunk(job.pk, first.lease, 2, files.Renderers(1))  # two forms, then it dies
    PrintJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    job.refresh_from_db()
    assert job.done == 2 and len(job.parts) == 1
    finished = services.printjob_run(job_id=job.pk, chunk_size=2)
    assert finished.status == PrintJob.Status.DONE and finished.done == finished.total == 5
    text = pdf_text(job_pdf(finished))
    assert all(name in text for name in ("王经理", "张伟", "李娜", "赵敏", "陈静"))
    assert pdf_pages(job_pdf(finished)) == finished.pages


def test_a_failure_marks_the_job_failed_with_its_error(
    page_quarter: PageQuarter, personas, media_root, monkeypatch
) -> None:
    def broken(documents: list[str]) -> tuple[bytes, int]:
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(services.files, "html_to_pdf", broken)
    job = services.printjob_start(
        actor=personas["hr"], cycle=page_quarter.cycle, department_code="SALES", language=""
    )
    with pytest.raises(RuntimeError):
        services.printjob_run(job_id=job.pk)
    services.printjob_fail(job_id=job.pk, error="RuntimeError: the renderer broke")
    job.refresh_from_db()
    assert job.status == PrintJob.Status.FAILED and "renderer broke" in job.error
    assert job.finished_at is not None and not job.file


def test_the_sweep_queues_a_lost_job(page_quarter: PageQuarter, personas, monkeypatch) -> None:
    sent: list[tuple[object, ...]] = []

    def publish(name: str, *args: int) -> bool:
        sent.append((name, *args))
        return True

    monkeypatch.setattr(services, "publish", publish)
    job = services.printjob_start(
        actor=personas["hr"], cycle=page_quarter.cycle, department_code="SALES", language=""
    )
    assert services.printjobs_sweep(now=timezone.now()) == 0  # not waited long enough
    later = timezone.now() + dt.timedelta(minutes=5)
    assert services.printjobs_sweep(now=later) == 1
    assert sent == [("printouts.render_forms", job.pk)]
