"""Reads of the catalogue and the roster, shaped for the pages and each a fixed number of queries.

Only KPIs still in the catalogue (`is_active`) are shown, counted and searched: a KPI removed
from the catalogue but kept for the reviews that use it is not part of a department any more.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from departments.models import (
    Competency,
    Department,
    Duty,
    Employee,
    PolicyItem,
    QualificationItem,
)
from hrperf.lib.numbers import plain
from hrperf.lib.roles import Roles
from kpis.models import Kpi
from kpis.selectors import catalogue_kpis


def department_list(*, query: str = "", source: str = "") -> QuerySet[Department]:
    """Departments in catalogue order, each with `duty_count` and its `catalogue_kpis`.

    `query` matches, ignoring case, the code, the names in both languages, the head position,
    the duties and the KPI names; `source` keeps one provenance. Two queries however many
    departments there are.
    """
    departments = Department.objects.order_by("seq")
    query = query.strip()
    if query:
        texts = Q()
        for field in ("code", "name_zh", "name_en", "head_position_zh", "head_position_en"):
            texts |= Q(**{f"{field}__icontains": query})
        in_duties = Duty.objects.filter(department=OuterRef("pk")).filter(
            Q(text_zh__icontains=query) | Q(text_en__icontains=query)
        )
        in_kpis = (
            catalogue_kpis()
            .filter(department=OuterRef("pk"))
            .filter(Q(name_zh__icontains=query) | Q(name_en__icontains=query))
        )
        departments = departments.filter(texts | Exists(in_duties) | Exists(in_kpis))
    if source:
        departments = departments.filter(source=source)
    return departments.annotate(duty_count=Count("duties")).prefetch_related(
        Prefetch("kpis", queryset=catalogue_kpis(), to_attr="catalogue_kpis")
    )


def department_count() -> int:
    return Department.objects.count()


@dataclass(frozen=True)
class DepartmentDetail:
    """Everything a department's job description shows."""

    department: Department
    duties: list[Duty]
    kpis: list[Kpi]
    majors: list[QualificationItem]
    abilities: list[QualificationItem]
    competencies: list[Competency]
    frequency: list[PolicyItem]
    assessors: list[PolicyItem]
    result_uses: list[PolicyItem]


# Where the catalogue's policy texts leave the warning threshold for the company to set
# (考核得分低于××分者…).
THRESHOLD_PLACEHOLDER = "××"


def _with_threshold(item: PolicyItem, threshold: Decimal | None) -> PolicyItem:
    """The text with the threshold in place of its placeholder (an unsaved copy)."""
    if threshold is None or THRESHOLD_PLACEHOLDER not in item.text_zh + item.text_en:
        return item
    shown = plain(threshold)
    return PolicyItem(
        pk=item.pk,
        kind=item.kind,
        code=item.code,
        order=item.order,
        text_zh=item.text_zh.replace(THRESHOLD_PLACEHOLDER, shown),
        text_en=item.text_en.replace(THRESHOLD_PLACEHOLDER, shown),
    )


def department_detail(
    *, code: str, warning_threshold: Decimal | None = None
) -> DepartmentDetail | None:
    """The department with this code and its job description, or None when there is none; the
    policy texts name `warning_threshold` where the catalogue leaves it blank (××)."""
    department = Department.objects.filter(code=code).first()
    if department is None:
        return None
    items = list(department.qualification_items.order_by("kind", "order"))
    policy = [
        _with_threshold(item, warning_threshold)
        for item in PolicyItem.objects.order_by("kind", "order")
    ]
    return DepartmentDetail(
        department=department,
        duties=list(department.duties.order_by("order")),
        kpis=list(catalogue_kpis().filter(department=department)),
        majors=[item for item in items if item.kind == QualificationItem.Kind.MAJOR],
        abilities=[item for item in items if item.kind == QualificationItem.Kind.ABILITY],
        competencies=list(Competency.objects.order_by("order")),
        frequency=[item for item in policy if item.kind == PolicyItem.Kind.FREQUENCY],
        assessors=[item for item in policy if item.kind == PolicyItem.Kind.ASSESSOR],
        result_uses=[item for item in policy if item.kind == PolicyItem.Kind.RESULT_USE],
    )


def roster_departments(*, viewer_roles: Roles) -> QuerySet[Department]:
    """The departments whose employees the viewer may list: all for HR and the director, the
    own department for a department head, none for anyone else."""
    departments = Department.objects.order_by("seq")
    if viewer_roles.is_hr or viewer_roles.is_director:
        return departments
    if viewer_roles.headed_department_id is not None:
        return departments.filter(pk=viewer_roles.headed_department_id)
    return departments.none()


def employee_list(
    *,
    viewer_roles: Roles,
    query: str = "",
    department_id: int | None = None,
    active: bool | None = None,
) -> QuerySet[Employee]:
    """The employees the viewer may see, by employee number, with their department loaded.

    HR and the director see everyone; a department head sees their own department only
    (asking for another department gives nothing); anyone else sees no one. `query` matches
    the employee number, the name or the position, ignoring case.
    """
    employees = Employee.objects.select_related("department").order_by("employee_no", "pk")
    if not (viewer_roles.is_hr or viewer_roles.is_director):
        if viewer_roles.headed_department_id is None:
            return employees.none()
        employees = employees.filter(department_id=viewer_roles.headed_department_id)
    query = query.strip()
    if query:
        employees = employees.filter(
            Q(employee_no__icontains=query)
            | Q(name__icontains=query)
            | Q(position__icontains=query)
        )
    if department_id is not None:
        employees = employees.filter(department_id=department_id)
    if active is not None:
        employees = employees.filter(is_active=active)
    return employees
