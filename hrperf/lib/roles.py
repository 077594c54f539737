"""Who a user is in the product: HR, the marketing director, a department head, an employee.

HR and the director are Django groups; a department head and an employee are users linked to
an employee record (a head is an employee marked as their department's head). A user with none
of these is an outsider: they may log in but see nothing of the division's data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from departments.models import Employee

HR = "hr"
DIRECTOR = "director"
GROUPS = (HR, DIRECTOR)


@dataclass(frozen=True)
class Roles:
    is_hr: bool
    is_director: bool
    employee: Employee | None

    @property
    def is_head(self) -> bool:
        return bool(self.employee and self.employee.is_department_head and self.employee.is_active)

    @property
    def headed_department_id(self) -> int | None:
        return self.employee.department_id if self.employee and self.is_head else None

    @property
    def signed_in(self) -> bool:
        """Anyone with a login (what the dashboard asks: it tells an outsider they have no
        role)."""
        return True

    @property
    def sees_all_reviews(self) -> bool:
        return self.is_hr or self.is_director

    @property
    def sees_reviews(self) -> bool:
        """Whether the viewer may list reviews at all (the list may still be empty): HR and the
        director see every review, a head their department's, an employee their own."""
        return self.sees_all_reviews or self.employee is not None

    @property
    def self_assesses(self) -> bool:
        """Whether the user has reviews of their own to self-assess (an employee, a head too)."""
        return self.employee is not None

    @property
    def sees_catalogue(self) -> bool:
        return self.is_hr or self.is_director or self.employee is not None

    @property
    def sees_roster(self) -> bool:
        return self.is_hr or self.is_director or self.is_head

    @property
    def manages_roster(self) -> bool:
        return self.is_hr

    @property
    def sees_quarters(self) -> bool:
        """The quarters and their review lists (a head sees only their department's)."""
        return self.is_hr or self.is_director or self.is_head

    @property
    def sees_warnings(self) -> bool:
        return self.is_hr or self.is_director or self.is_head

    @property
    def sees_reports(self) -> bool:
        return self.is_hr or self.is_director

    @property
    def holds_personal_tokens(self) -> bool:
        """Whether the user may have API tokens of their own (acting as themselves)."""
        return self.is_hr or self.is_director


def roles_of(user: Any) -> Roles:
    """The roles of `user`, computed once per request object and cached on it."""
    cached = getattr(user, "_hrperf_roles", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        roles = Roles(is_hr=False, is_director=False, employee=None)
    else:
        from departments.models import Employee

        names = set(user.groups.values_list("name", flat=True))
        employee = Employee.objects.filter(user=user).select_related("department").first()
        roles = Roles(
            is_hr=HR in names or user.is_superuser,
            is_director=DIRECTOR in names,
            employee=employee,
        )
    user._hrperf_roles = roles
    return roles


def roles_for(users: Iterable[Any]) -> dict[int, Roles]:
    """The roles of several users by id, in two queries however many, none included, so that a
    page's count of queries stays fixed (`roles_of` of each, for pages that name many people);
    each is cached on its user object too."""
    from django.contrib.auth.models import User

    from departments.models import Employee

    by_id = {user.pk: user for user in users if getattr(user, "is_authenticated", False)}
    ids = list(by_id) or [0]  # an empty list would send no query at all
    groups: dict[int, set[str]] = {pk: set() for pk in by_id}
    for user_id, name in User.groups.through.objects.filter(user_id__in=ids).values_list(
        "user_id", "group__name"
    ):
        groups[user_id].add(name)
    employees = {
        employee.user_id: employee
        for employee in Employee.objects.filter(user_id__in=ids).select_related("department")
    }
    found = {}
    for pk, user in by_id.items():
        roles = Roles(
            is_hr=HR in groups[pk] or user.is_superuser,
            is_director=DIRECTOR in groups[pk],
            employee=employees.get(pk),
        )
        user._hrperf_roles = roles
        found[pk] = roles
    return found
