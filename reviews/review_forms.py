"""Forms of the review pages: the list's filters and the small inputs of each action."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from hrperf.lib.bilingual import localized
from reviews.models import Review


class DepartmentChoiceField(forms.ModelChoiceField):
    """Departments by their name in the viewer's language."""

    def label_from_instance(self, obj: Department) -> str:
        return localized(obj, "name")


class ReviewFilterForm(forms.Form):
    department = DepartmentChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("seq"),
        required=False,
        empty_label="—",
    )
    state = forms.ChoiceField(
        label=_("State"), choices=[("", "—"), *Review.State.choices], required=False
    )
    grade = forms.ChoiceField(
        label=_("Grade"), choices=[("", "—"), *Review.Grade.choices], required=False
    )
    warning = forms.ChoiceField(
        label=_("Verbal warning"),
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
        required=False,
    )
    needs = forms.ChoiceField(
        label=_("Still missing"),
        choices=[
            ("", "—"),
            ("incomplete", _("Figures or ratings")),
            ("ready", _("Nothing: ready to submit")),
            ("hr_ratings", _("HR's ratings")),
            ("director_ratings", _("The director's ratings")),
        ],
        required=False,
    )
    q = forms.CharField(label=_("Employee no. or name"), required=False, max_length=100)


class RevisionForm(forms.Form):
    revision = forms.IntegerField(min_value=1)
