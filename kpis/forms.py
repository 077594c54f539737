"""The KPI library's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from kpis.models import Direction, Unit

SEARCH_MAX_LENGTH = 100


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return obj.tr("name")


class KpiFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput(attrs={"placeholder": _("Code, name or how it is measured")}),
    )
    department = DepartmentChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.order_by("seq"),
        empty_label=_("All departments"),
    )
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", _("All")), *Direction.choices]
    )
    unit = forms.ChoiceField(
        label=_("Unit"), required=False, choices=[("", _("All")), *Unit.choices]
    )
