"""Loading a checked catalogue into the database.

`catalogue_load` reads and checks the whole file first, then writes it in one transaction
(serialised on PostgreSQL, so that two loads never interleave). Rows are matched by code
(departments, KPIs, competencies) or by position (duties and qualification items within their
department, policy texts within their kind). Only rows whose values differ are saved, so a
second load of the same file changes nothing. Rows no longer in the file are deleted; one that
is still in use (a KPI, department or competency that reviews or employees refer to) is kept
with a warning in the `LoadReport`, and a KPI kept that way is marked inactive. A department
or competency moves to its new position without tripping over the unique constraint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from departments.catalogue.read import catalogue_read
from departments.catalogue.specs import Catalogue, DepartmentSpec
from departments.catalogue_sync import KindCounts, delete_unless_used, sync_keyed, sync_ranked
from departments.models import (
    Competency,
    CompetencyLevel,
    Department,
    Duty,
    PolicyItem,
    QualificationItem,
)
from kpis.catalogue import load_kpis
from kpis.models import Kpi

# Serialises concurrent loads on PostgreSQL (any constant shared by all loaders will do).
ADVISORY_LOCK_KEY = 7_245_001


def default_path() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "catalogue.yaml"


@dataclass
class LoadReport:
    path: Path
    departments: KindCounts = field(default_factory=KindCounts)
    duties: KindCounts = field(default_factory=KindCounts)
    qualification_items: KindCounts = field(default_factory=KindCounts)
    kpis: KindCounts = field(default_factory=KindCounts)
    competencies: KindCounts = field(default_factory=KindCounts)
    policy_items: KindCounts = field(default_factory=KindCounts)
    warnings: list[str] = field(default_factory=list)

    def kinds(self) -> list[tuple[str, KindCounts]]:
        """(label in the active language, counts) for each kind of row, in catalogue order."""
        pairs: list[tuple[type[models.Model], KindCounts]] = [
            (Department, self.departments),
            (Duty, self.duties),
            (QualificationItem, self.qualification_items),
            (Kpi, self.kpis),
            (Competency, self.competencies),
            (PolicyItem, self.policy_items),
        ]
        return [(capfirst(str(model._meta.verbose_name_plural)), c) for model, c in pairs]

    @property
    def changed(self) -> bool:
        return any(counts.changed for _label, counts in self.kinds())


def _load_policy(catalogue: Catalogue, report: LoadReport) -> None:
    wanted: dict[tuple[str, int], dict[str, Any]] = {
        (PolicyItem.Kind.FREQUENCY, 1): {
            "code": catalogue.frequency.code,
            "text_zh": catalogue.frequency.text.zh,
            "text_en": catalogue.frequency.text.en,
        }
    }
    for order, assessor in enumerate(catalogue.assessors, start=1):
        wanted[(PolicyItem.Kind.ASSESSOR, order)] = {
            "code": assessor.code,
            "text_zh": assessor.text.zh,
            "text_en": assessor.text.en,
        }
    for order, text in enumerate(catalogue.result_uses, start=1):
        wanted[(PolicyItem.Kind.RESULT_USE, order)] = {
            "code": "",
            "text_zh": text.zh,
            "text_en": text.en,
        }
    sync_keyed(
        model=PolicyItem,
        existing={(str(p.kind), p.order): p for p in PolicyItem.objects.all()},
        wanted={(str(kind), order): values for (kind, order), values in wanted.items()},
        build=lambda key, values: PolicyItem(kind=key[0], order=key[1], **values),
        counts=report.policy_items,
    )


def _load_competencies(catalogue: Catalogue, report: LoadReport) -> None:
    wanted = {
        item.code: {"order": order, "text_zh": item.text.zh, "text_en": item.text.en}
        for order, item in enumerate(catalogue.competencies, start=1)
    }
    existing = {c.code: c for c in Competency.objects.all()}
    for code, competency in list(existing.items()):
        if code in wanted:
            continue
        if delete_unless_used(competency) is None:
            report.warnings.append(
                _(
                    "Competency %(code)s is no longer in the catalogue file but reviews use it, "
                    "so it was kept."
                )
                % {"code": code}
            )
        else:
            report.competencies.deleted += 1
            del existing[code]
    sync_ranked(
        model=Competency,
        existing=existing,
        wanted=wanted,
        position="order",
        build=lambda code, values: Competency(code=code, **values),
        counts=report.competencies,
    )


def _load_competency_levels(catalogue: Catalogue) -> None:
    """The level texts of the file's competencies, as the file gives them (none where it gives
    none): replaced whole when they differ, since nothing refers to them (one query when they
    do not)."""
    codes = [item.code for item in catalogue.competencies]
    wanted = {
        (code, level): (text.zh, text.en)
        for code, texts in catalogue.competency_levels.items()
        for level, text in enumerate(texts, start=1)
    }
    existing = {
        (code, level): (zh, en)
        for code, level, zh, en in CompetencyLevel.objects.filter(
            competency__code__in=codes
        ).values_list("competency__code", "level", "text_zh", "text_en")
    }
    if existing == wanted:
        return
    CompetencyLevel.objects.filter(competency__code__in=codes).delete()
    ids = dict(Competency.objects.filter(code__in=codes).values_list("code", "pk"))
    CompetencyLevel.objects.bulk_create(
        CompetencyLevel(competency_id=ids[code], level=level, text_zh=zh, text_en=en)
        for (code, level), (zh, en) in wanted.items()
        if code in ids
    )


def _department_values(spec: DepartmentSpec) -> dict[str, Any]:
    return {
        "seq": spec.seq,
        "name_zh": spec.name.zh,
        "name_en": spec.name.en,
        "head_position_zh": spec.head_position.zh,
        "head_position_en": spec.head_position.en,
        "source": spec.source,
        "education_zh": spec.education.zh,
        "education_en": spec.education.en,
        "experience_years": spec.experience_years,
        "experience_zh": spec.experience.zh,
        "experience_en": spec.experience.en,
    }


def _load_departments(catalogue: Catalogue, report: LoadReport) -> None:
    existing = {d.code: d for d in Department.objects.all()}
    departments = sync_ranked(
        model=Department,
        existing=existing,
        wanted={spec.code: _department_values(spec) for spec in catalogue.departments},
        position="seq",
        build=lambda code, values: Department(code=code, **values),
        counts=report.departments,
    )
    in_file = {departments[spec.code].pk for spec in catalogue.departments}

    duties: dict[tuple[int, int], dict[str, Any]] = {}
    items: dict[tuple[int, str, int], dict[str, Any]] = {}
    for spec in catalogue.departments:
        pk = departments[spec.code].pk
        for order, text in enumerate(spec.duties, start=1):
            duties[(pk, order)] = {"text_zh": text.zh, "text_en": text.en}
        for kind, texts in (
            (QualificationItem.Kind.MAJOR, spec.majors),
            (QualificationItem.Kind.ABILITY, spec.abilities),
        ):
            for order, text in enumerate(texts, start=1):
                items[(pk, str(kind), order)] = {"text_zh": text.zh, "text_en": text.en}
    sync_keyed(
        model=Duty,
        existing={
            (d.department_id, d.order): d for d in Duty.objects.filter(department_id__in=in_file)
        },
        wanted=duties,
        build=lambda key, values: Duty(department_id=key[0], order=key[1], **values),
        counts=report.duties,
    )
    sync_keyed(
        model=QualificationItem,
        existing={
            (q.department_id, str(q.kind), q.order): q
            for q in QualificationItem.objects.filter(department_id__in=in_file)
        },
        wanted=items,
        build=lambda key, values: QualificationItem(
            department_id=key[0], kind=key[1], order=key[2], **values
        ),
        counts=report.qualification_items,
    )

    load_kpis(((departments[spec.code], spec.kpis) for spec in catalogue.departments), report.kpis)

    for code, department in existing.items():
        if code in departments:
            continue
        deleted = delete_unless_used(department)
        if deleted is None:
            report.warnings.append(
                _(
                    "Department %(code)s is no longer in the catalogue file but employees, KPIs "
                    "or reviews refer to it, so it was kept."
                )
                % {"code": code}
            )
            continue
        report.departments.deleted += 1
        report.duties.deleted += deleted.get(Duty._meta.label, 0)
        report.qualification_items.deleted += deleted.get(QualificationItem._meta.label, 0)


def catalogue_load(*, path: Path | None = None) -> LoadReport:
    """Load the catalogue file at `path` (default: the shipped one) into the database.

    The whole file is checked before anything is written; a bad file raises CatalogueError.
    """
    path = default_path() if path is None else Path(path)
    catalogue = catalogue_read(path=path)
    report = LoadReport(path=path)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        _load_policy(catalogue, report)
        _load_competencies(catalogue, report)
        _load_competency_levels(catalogue)
        _load_departments(catalogue, report)
    return report
