"""The KPI library's filters, and the admin's KPI form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from hrperf.lib.decimals import NumberRefused, NumberRule, read_number
from kpis.models import Direction, Kpi, Unit
from kpis.values import FIGURE_RULE

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


class StrictNumberField(forms.CharField):
    """A number as the one strict reader takes it (hrperf.lib.decimals): ASCII digits and one
    ".", nothing else; None when blank."""

    def __init__(self, *, rule: NumberRule = FIGURE_RULE, **kwargs: Any) -> None:
        for name in ("max_digits", "decimal_places", "min_value", "max_value"):
            kwargs.pop(name, None)  # the model field's, which the rule replaces
        super().__init__(**kwargs)
        self.rule = rule

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return read_number(text, self.rule)
        except NumberRefused as refused:
            raise forms.ValidationError(str(refused.message), code=refused.code) from None


class KpiAdminForm(forms.ModelForm):
    """The admin's KPI, its figures read as every other figure is."""

    class Meta:
        model = Kpi
        fields = "__all__"  # noqa: DJ007 (the admin's own field list decides)
        field_classes = {
            "default_target": StrictNumberField,
            "minimum": StrictNumberField,
            "maximum": StrictNumberField,
            "default_weight": StrictNumberField,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, rule in (
            ("default_target", FIGURE_RULE),
            ("minimum", FIGURE_RULE),
            ("maximum", FIGURE_RULE),
            ("default_weight", NumberRule(places=0, below=Decimal(101))),
        ):
            field = self.fields.get(name)
            if isinstance(field, StrictNumberField):
                field.rule = rule
