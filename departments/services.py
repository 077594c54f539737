"""Writes to the roster: importing a roster file, adding and changing an employee.

Only HR (`roles_of(actor).manages_roster`) may change the roster; anyone else gets
NotAllowed.
"""

from __future__ import annotations

import enum
import logging
from datetime import date
from typing import IO, Any, Final

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connections, models, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import Department, Employee
from departments.roster import (
    EMPLOYEE_NO_RE,
    ImportResult,
    Roster,
    RosterRow,
    check_roster,
    read_roster,
)
from hrperf.lib.errors import NotAllowed
from hrperf.lib.roles import roles_of
from hrperf.lib.tables import ImportRejected, RowError

logger = logging.getLogger(__name__)

Actor = AbstractBaseUser | AnonymousUser


class _Unchanged(enum.Enum):
    UNCHANGED = enum.auto()


UNCHANGED: Final = _Unchanged.UNCHANGED
"""Default of `employee_update` arguments: leave that field as it is."""

# Fields an import may change, besides employee_no (matched, never rewritten).
_IMPORTED_FIELDS: Final = (
    "name",
    "department",
    "position",
    "hire_date",
    "is_active",
    "is_department_head",
)


# Employee's columns, by field name and by attribute name ("department", "department_id").
_CONCRETE_FIELDS: Final = {
    **{field.name: field for field in Employee._meta.concrete_fields},
    **{field.attname: field for field in Employee._meta.concrete_fields},
}


def _require_roster_manager(actor: Actor) -> None:
    if not roles_of(actor).manages_roster:
        raise NotAllowed(_("Only HR can change the roster."))


def employee_import(*, file: IO[bytes] | UploadedFile, filename: str, actor: Actor) -> ImportResult:
    """Create and update employees from a CSV or .xlsx roster file, all or nothing.

    Employees are matched on employee number, ignoring case; changed ones are updated,
    employees missing from the file are left alone. Raises ImportRejected with every problem
    in the file, and then writes nothing.
    """
    _require_roster_manager(actor)
    table = read_roster(file, filename=filename)
    departments = {department.code.upper(): department for department in Department.objects.all()}
    roster = check_roster(table, departments=departments)
    try:
        with transaction.atomic():
            result = _write_roster(roster)
    except IntegrityError as exc:
        # Another import or edit added one of these employee numbers at the same moment.
        raise ImportRejected(
            [
                RowError(
                    row=None,
                    field=None,
                    message=_(
                        "The roster changed while the file was being imported. Please try again."
                    ),
                )
            ]
        ) from exc
    logger.info(
        "Roster %r imported by user %s: %s created, %s updated, %s unchanged",
        filename,
        actor.pk,
        result.created,
        result.updated,
        result.unchanged,
    )
    return result


def _write_roster(roster: Roster) -> ImportResult:
    fields = [field for field in _IMPORTED_FIELDS if field in roster.fields]
    columns = [_CONCRETE_FIELDS[field].attname for field in fields]  # department_id, …
    existing = {
        str(values["employee_no"]).upper(): values
        for values in Employee.objects.values("pk", "employee_no", *columns)
    }
    to_create: list[Employee] = []
    changes: dict[int, dict[str, object]] = {}
    for row in roster.rows:
        current = existing.get(row.employee_no.upper())
        if current is None:
            to_create.append(_new_employee(row))
            continue
        new = {
            column: row.department.pk if field == "department" else getattr(row, field)
            for field, column in zip(fields, columns, strict=True)
        }
        changed = {column: value for column, value in new.items() if current[column] != value}
        if changed:
            changes[current["pk"]] = changed
    Employee.objects.bulk_create(to_create, batch_size=1000)
    _update_many(changes)
    return ImportResult(
        created=len(to_create),
        updated=len(changes),
        unchanged=len(roster.rows) - len(to_create) - len(changes),
    )


def _update_many(changes: dict[int, dict[str, object]], batch_size: int = 500) -> None:
    """Write the changed columns of many employees, a few queries per `batch_size` employees.

    Each column is set with one `CASE id WHEN … THEN … ELSE column END`; Django's own
    bulk_update builds an expression object per row and field, which takes seconds for a
    roster of thousands.
    """
    connection = connections[Employee.objects.db]
    quote = connection.ops.quote_name
    id_column = quote(Employee._meta.pk.column)
    items = list(changes.items())
    now = timezone.now()
    for start in range(0, len(items), batch_size):
        batch = items[start : start + batch_size]
        assignments: dict[str, Any] = {}
        for column in {column for _pk, changed in batch for column in changed}:
            field = _CONCRETE_FIELDS[column]
            target = field.target_field if isinstance(field, models.ForeignKey) else field
            params: list[object] = []
            for pk, changed in batch:
                if column in changed:
                    params += [pk, target.get_db_prep_save(changed[column], connection)]
            whens = " ".join(["WHEN %s THEN %s"] * (len(params) // 2))
            sql = f"CASE {id_column} {whens} ELSE {quote(field.column)} END"
            assignments[column] = RawSQL(sql, params, output_field=field)  # noqa: S611
        Employee.objects.filter(pk__in=[pk for pk, _changed in batch]).update(
            **assignments, updated_at=now
        )


def _new_employee(row: RosterRow) -> Employee:
    return Employee(
        employee_no=row.employee_no,
        name=row.name,
        department=row.department,
        position=row.position,
        hire_date=row.hire_date,
        is_active=row.is_active,
        is_department_head=row.is_department_head,
    )


def _check_employee_no(employee_no: str) -> None:
    if employee_no and not EMPLOYEE_NO_RE.match(employee_no):
        raise ValidationError(
            {"employee_no": _("Use only letters, digits, “-” and “_” in the employee number.")}
        )


@transaction.atomic
def employee_create(
    *,
    actor: Actor,
    employee_no: str,
    name: str,
    department: Department,
    position: str = "",
    hire_date: date | None = None,
    is_active: bool = True,
    is_department_head: bool = False,
    user: User | None = None,
) -> Employee:
    """Add one employee; raises ValidationError (by field) on bad or duplicate values."""
    _require_roster_manager(actor)
    employee = Employee(
        employee_no=employee_no.strip(),
        name=name.strip(),
        department=department,
        position=position.strip(),
        hire_date=hire_date,
        is_active=is_active,
        is_department_head=is_department_head,
        user=user,
    )
    _check_employee_no(employee.employee_no)
    employee.full_clean()
    employee.save()
    return employee


@transaction.atomic
def employee_update(
    *,
    actor: Actor,
    employee: Employee,
    employee_no: str | _Unchanged = UNCHANGED,
    name: str | _Unchanged = UNCHANGED,
    department: Department | _Unchanged = UNCHANGED,
    position: str | _Unchanged = UNCHANGED,
    hire_date: date | _Unchanged | None = UNCHANGED,
    is_active: bool | _Unchanged = UNCHANGED,
    is_department_head: bool | _Unchanged = UNCHANGED,
    user: User | _Unchanged | None = UNCHANGED,
) -> Employee:
    """Change the given fields of one employee (the others stay as they are).

    Raises ValidationError (by field) on bad or duplicate values, and then saves nothing.
    """
    _require_roster_manager(actor)
    changes: dict[str, object] = {}
    if employee_no is not UNCHANGED:
        changes["employee_no"] = employee_no.strip()
    if name is not UNCHANGED:
        changes["name"] = name.strip()
    if department is not UNCHANGED:
        changes["department"] = department
    if position is not UNCHANGED:
        changes["position"] = position.strip()
    if hire_date is not UNCHANGED:
        changes["hire_date"] = hire_date
    if is_active is not UNCHANGED:
        changes["is_active"] = is_active
    if is_department_head is not UNCHANGED:
        changes["is_department_head"] = is_department_head
    if user is not UNCHANGED:
        changes["user"] = user
    changed = [field for field, value in changes.items() if _differs(employee, field, value)]
    if not changed:
        return employee
    originals = {field: getattr(employee, field) for field in changed}
    for field in changed:
        setattr(employee, field, changes[field])
    try:
        if "employee_no" in changed:
            _check_employee_no(employee.employee_no)
        employee.full_clean()
    except ValidationError:
        for field, value in originals.items():
            setattr(employee, field, value)
        raise
    employee.save(update_fields=[*changed, "updated_at"])
    return employee


def _differs(employee: Employee, field: str, value: object) -> bool:
    """Whether `value` is new for `field`, without loading a related object to compare it."""
    if field in ("department", "user"):
        current_id = getattr(employee, f"{field}_id")
        return current_id != getattr(value, "pk", None)
    return bool(getattr(employee, field) != value)
