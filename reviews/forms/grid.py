"""The rating grid's filters: whom the viewer rates as, department, state, "not rated yet" and
the rows a page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from reviews.forms.review import DepartmentChoiceField
from reviews.models import AssessorRole, Review
from reviews.selectors.grid import DEFAULT_PAGE_SIZE, PAGE_SIZES, STATES


@dataclass(frozen=True)
class GridFilters:
    assessor: str
    department: Department | None
    state: str | None
    unrated: bool
    size: int


class GridFilterForm(forms.Form):
    assessor = forms.ChoiceField(label=_("Rate as"), required=False)
    department = DepartmentChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("seq"),
        required=False,
        empty_label="—",
        to_field_name="code",
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", "—"), *[(s, Review.State(s).label) for s in STATES]],
        required=False,
    )
    unrated = forms.BooleanField(label=_("Not rated yet by me"), required=False)
    size = forms.TypedChoiceField(
        label=_("Rows a page"),
        choices=[(size, str(size)) for size in PAGE_SIZES],
        coerce=int,
        required=False,
        initial=DEFAULT_PAGE_SIZE,
        empty_value=DEFAULT_PAGE_SIZE,  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, assessors: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessors = list(assessors)
        field = self.fields["assessor"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(role, AssessorRole(role).label) for role in self.assessors]
        if len(self.assessors) < 2:
            field.widget = forms.HiddenInput()

    def filters(self) -> GridFilters:
        """The filters asked for; the defaults where the form is not valid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return GridFilters(
            assessor=data.get("assessor") or self.assessors[0],
            department=data.get("department"),
            state=data.get("state") or None,
            unrated=bool(data.get("unrated")),
            size=data.get("size") or DEFAULT_PAGE_SIZE,
        )
