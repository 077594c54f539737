"""Forms of the quarter's page: opening a quarter, targets in bulk, the figures import.

They only carry what was typed; the services check the values (numbers, ranges, the policy's
rules) and their errors are put back on the fields by the view."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import CharField, DecimalField, PositiveSmallIntegerField
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from hrperf.lib.bilingual import current_suffix
from hrperf.lib.uploads import UploadForm
from reviews.models import ScoringPolicy
from reviews.policies import (
    CHOICE_SETTINGS,
    OPTIONAL_SETTINGS,
    POLICY_FIELDS,
    WHOLE_SETTINGS,
    policy_defaults,
)
from reviews.selectors.cycles import KpiChoice

# What a setting does, where its name alone does not say it.
POLICY_HELP = {
    "self_weight": _(
        "The weight of the employee's own ratings in the competency score, like the "
        "assessors' weights. 0 keeps them advisory: shown beside the others, not counted."
    ),
    "escalation_warnings": _(
        "This many verbal warnings of one employee make a written warning (2 to 10)."
    ),
    "escalation_quarters": _(
        "The verbal warnings counted are those of this many quarters, up to and including "
        "this one (1 to 20)."
    ),
    "grading": _(
        "Absolute: each total gets the grade of its band. Relative: once the director locks "
        "a group, grades follow the shares below by rank."
    ),
    "relative_min_group": _("A smaller group keeps the grades of the bands."),
    "share_s": _(
        "The shares of S to D, whole percents adding up to 100: the quotas of relative "
        "grading and the guideline of calibration."
    ),
    "tolerance": _(
        "How far, in percentage points, a grade's share may stray from the guideline before "
        "calibration marks it."
    ),
    "max_share_s": _(
        "Hard limits, whole percents, empty for none: approving reviews that break one "
        "needs a written reason."
    ),
}


def policy_label(name: str) -> Any:
    """The label of a policy setting: its model field's name, translated."""
    field = ScoringPolicy._meta.get_field(name)
    assert isinstance(field, DecimalField | PositiveSmallIntegerField | CharField)
    return capfirst(field.verbose_name)


class OpenQuarterForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=20,
        help_text=_("A year and a quarter, such as 2026Q4."),
        widget=forms.TextInput(attrs={"data-testid": "period", "placeholder": "2026Q4"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        defaults = {
            name: "" if value is None else str(value) for name, value in policy_defaults().items()
        }
        kwargs["initial"] = {"period": "", **defaults, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        for name in POLICY_FIELDS:
            if name in CHOICE_SETTINGS:
                field = ScoringPolicy._meta.get_field(name)
                assert isinstance(field, CharField)
                self.fields[name] = forms.ChoiceField(
                    label=policy_label(name),
                    required=False,
                    choices=field.choices or [],
                    help_text=POLICY_HELP.get(name, ""),
                )
                continue
            mode = "numeric" if name in WHOLE_SETTINGS else "decimal"
            self.fields[name] = forms.CharField(
                label=policy_label(name),
                required=False,
                max_length=20,
                help_text=POLICY_HELP.get(name, ""),
                widget=forms.TextInput(attrs={"inputmode": mode, "size": 8}),
            )

    def policy_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in POLICY_FIELDS]

    def policy(self) -> dict[str, str]:
        """The policy figures typed (blank ones take the service's defaults; a blank hard
        limit is none, as by default)."""
        return {
            name: value.strip()
            for name in POLICY_FIELDS
            if (value := self.cleaned_data.get(name) or "").strip()
            and name not in OPTIONAL_SETTINGS
        } | {
            name: value.strip()
            for name in OPTIONAL_SETTINGS
            if (value := self.cleaned_data.get(name) or "").strip()
        }


class DepartmentKpiSelect(forms.Select):
    """A KPI drop-down grouped by department whose options say their department
    (`data-department`, the department select's value), so a script can narrow it."""

    departments: dict[str, int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.departments = {}

    def optgroups(self, name: str, value: Any, attrs: Any = None) -> list[Any]:
        groups = []
        for group_name, options, index in super().optgroups(name, value, attrs):
            for option in options:
                if group_name in self.departments:
                    option["attrs"]["data-department"] = str(self.departments[group_name])
            groups.append((group_name, options, index))
        return groups


class BulkTargetsForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("seq"),
        required=False,
        empty_label=_("The whole quarter"),
    )
    kpi_code = forms.ChoiceField(
        label=_("KPI"),
        # app.js shows only the chosen department's KPIs (all of them without a script).
        widget=DepartmentKpiSelect(attrs={"data-narrowed-by": "department"}),
    )
    target = forms.CharField(
        label=_("Target"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
    )

    def __init__(self, *args: Any, kpis: list[KpiChoice], **kwargs: Any) -> None:
        """The KPI list is grouped by department (an <optgroup> each), each KPI by its name in
        the viewer's language; a code two departments share is offered under each."""
        super().__init__(*args, **kwargs)
        english = current_suffix() == "en"
        groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
        for kpi in kpis:
            name = (kpi.name_en or kpi.name_zh) if english else (kpi.name_zh or kpi.name_en)
            department = (
                (kpi.department_en or kpi.department_zh)
                if english
                else (kpi.department_zh or kpi.department_en)
            )
            groups.setdefault(kpi.department_id, (department, []))[1].append((kpi.code, name))
        # Departments by name in the viewer's language, not by code.
        self.fields["department"].label_from_instance = lambda d: d.tr("name")  # type: ignore[attr-defined]
        field = self.fields["kpi_code"]
        field.choices = [("", "—"), *groups.values()]  # type: ignore[attr-defined]
        field.widget.departments = {
            label: department_id for department_id, (label, _options) in groups.items()
        }


class FiguresImportForm(UploadForm):
    """A figures file (its size checked first, against the figures file's own limit)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = settings.FIGURES_MAX_UPLOAD_BYTES

    file = forms.FileField(
        label=_("Figures file (CSV or Excel)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx", "data-testid": "file"}),
    )


class CloseQuarterForm(forms.Form):
    """Closing the quarter: HR ticks that they mean it (it becomes read-only)."""

    confirm = forms.BooleanField(
        label=_("Yes, close it: nothing of this quarter can change until the director reopens it"),
        required=True,
        widget=forms.CheckboxInput(attrs={"data-testid": "close-confirm"}),
        error_messages={"required": _("Tick the box to confirm the closing.")},
    )


class ReopenQuarterForm(forms.Form):
    """Reopening a closed quarter: the director's reason, which the audit trail keeps."""

    reason = forms.CharField(
        label=_("Why it is reopened"),
        widget=forms.Textarea(attrs={"rows": 3, "data-testid": "reopen-reason"}),
        max_length=2000,
        required=True,
        error_messages={"required": _("Give the reason for reopening the quarter.")},
    )
