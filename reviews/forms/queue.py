"""Forms of the director's queue and of the list of verbal warnings: their filters, and the
small inputs each action posts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from hrperf.lib.bilingual import localized
from hrperf.lib.periods import clean_period
from reviews.models import Review, ReviewCycle

YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]
YES_NO_VALUE = {"yes": True, "no": False}


class PeriodField(forms.ChoiceField):
    """A quarter chosen by its period key (`2026Q3`, case and spaces forgiven); the choices are
    the quarters the form is given, newest first."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=[],
            required=False,
            label=_("Quarter"),
            error_messages={"invalid_choice": _("There is no such quarter.")},
            **kwargs,
        )

    def to_python(self, value: Any) -> str:
        return clean_period(super().to_python(value))


class DepartmentField(forms.ModelChoiceField):
    """A department, shown by its code and its name in the active language."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {localized(obj, 'name')}"


class QuarterForm(forms.Form):
    """A filter form whose first field chooses one of `cycles` (newest first)."""

    period = PeriodField()

    def __init__(self, *args: Any, cycles: Sequence[ReviewCycle], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cycles = {cycle.period: cycle for cycle in cycles}
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = [(key, key) for key in self.cycles]

    def chosen_cycle(self) -> ReviewCycle | None:
        """The quarter asked for when the form is valid and names one; else the newest."""
        data = self.cleaned_data if self.is_bound and not self.errors else {}
        key = data.get("period") or next(iter(self.cycles), None)
        return self.cycles.get(key) if key else None


class QueueFilterForm(QuarterForm):
    TAB_PENDING = "pending"
    TAB_APPROVED = "approved"

    department = DepartmentField(
        label=_("Department"),
        queryset=Department.objects.order_by("seq"),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("There is no such department.")},
    )
    grade = forms.ChoiceField(
        label=_("Grade"), choices=[("", "—"), *Review.Grade.choices], required=False
    )
    warning = forms.ChoiceField(label=_("Verbal warning"), choices=YES_NO, required=False)
    # Which list: awaiting approval (anything but "approved") or approved.
    tab = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)


class WarningFilterForm(QuarterForm):
    acknowledged = forms.ChoiceField(label=_("Acknowledged"), choices=YES_NO, required=False)
    written = forms.ChoiceField(label=_("Written warning"), choices=YES_NO, required=False)


class ReviewActionForm(forms.Form):
    """One review and the revision the page showed (approve one, return, reopen)."""

    review = forms.IntegerField(min_value=1)
    revision = forms.IntegerField(min_value=1)


class NoteForm(forms.Form):
    note = forms.CharField(required=False, max_length=5000, strip=True)


class BulkConfirmForm(forms.Form):
    """The confirmation of a bulk action: the count shown and the fingerprint of the set
    counted (`reviews.selectors.bulk`), and an optional reason written for the audit trail."""

    expected = forms.IntegerField(min_value=0)
    fingerprint = forms.CharField(max_length=64)
    reason = forms.CharField(required=False, max_length=2000, strip=True)
