"""Forms of the catalogue and roster pages: the search filters and the roster upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from departments.models import Department, Provenance
from hrperf.lib.uploads import UploadForm

SEARCH_MAX_LENGTH = 100


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput(attrs={"placeholder": _("Code, name, position, duty or KPI")}),
    )
    source = forms.ChoiceField(
        label=_("Provenance"),
        required=False,
        choices=[("", _("All")), *Provenance.choices],
    )


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return obj.tr("name")


class RosterFilterForm(forms.Form):
    ACTIVE_CHOICES = [("", _("All")), ("yes", _("Active")), ("no", _("Not active"))]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput(attrs={"placeholder": _("Employee number, name or position")}),
    )
    department = DepartmentChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("All departments"),
    )
    active = forms.ChoiceField(label=_("Active"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, DepartmentChoiceField)
        field.queryset = departments

    def active_value(self) -> bool | None:
        value = self.cleaned_data.get("active") if hasattr(self, "cleaned_data") else None
        return {"yes": True, "no": False}.get(value or "")


class RosterImportForm(UploadForm):
    file = forms.FileField(
        label=_("Roster file (CSV or Excel)"),
        required=False,  # checked in clean_file, after the size, so a refused upload says why
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
