"""Forms of the review pages: the list's filters, and each action's form on a review's page.

Every action's form carries the revision of the review the page showed (a form from an older
revision is refused by the service). The inputs are text as typed: the services check the
values, and a value left out of the request leaves that figure or rating as it is."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
    """An action on the review as the page showed it (submit, approve)."""

    revision = forms.IntegerField(min_value=1)
    # Why inputs change (figures and ratings): checked by the service.
    reason_code = forms.CharField(required=False, max_length=32)
    reason_note = forms.CharField(required=False, max_length=2000)

    def given(self, name: str) -> bool:
        """Whether the request sent this input at all (left out: leave it as it is)."""
        return self.add_prefix(name) in self.data


def _text() -> forms.CharField:
    # As typed, not stripped: the services read the values (and keep a comment as written).
    return forms.CharField(required=False, strip=False)


class FiguresForm(RevisionForm):
    """Targets, actual figures and weights of the review's KPI lines: `target-<line id>`,
    `actual-<line id>`, `weight-<line id>`."""

    FIGURES = ("target", "actual", "weight")

    def __init__(self, *args: Any, line_ids: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line_ids = list(line_ids)
        for line_id in self.line_ids:
            for name in self.FIGURES:
                self.fields[f"{name}-{line_id}"] = _text()

    def figures(self) -> dict[int, dict[str, str]]:
        """{line id: {figure: value}} of the inputs the request sent."""
        figures: dict[int, dict[str, str]] = {}
        for line_id in self.line_ids:
            for name in self.FIGURES:
                key = f"{name}-{line_id}"
                if self.given(key):
                    figures.setdefault(line_id, {})[name] = self.cleaned_data[key]
        return figures


class RatingsForm(RevisionForm):
    """One assessor's ratings (`rating-<competency code>`, 1 to 5) and comments
    (`comment-<competency code>`)."""

    def __init__(self, *args: Any, competencies: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes = list(competencies)
        for code in self.codes:
            self.fields[f"rating-{code}"] = _text()
            self.fields[f"comment-{code}"] = _text()

    def ratings(self) -> dict[str, str]:
        """The ratings given (a blank one gives none)."""
        values = ((code, self.cleaned_data[f"rating-{code}"]) for code in self.codes)
        return {code: value for code, value in values if value.strip()}

    def comments(self) -> dict[str, str]:
        """The comments the request sent, blank ones too (a blank comment clears it)."""
        return {
            code: self.cleaned_data[f"comment-{code}"]
            for code in self.codes
            if self.given(f"comment-{code}")
        }


class ReturnForm(RevisionForm):
    comment = _text()


class ReopenForm(RevisionForm):
    reason = _text()


class ApproveForm(RevisionForm):
    """Approving; a written reason is needed only past a hard limit of the guideline."""

    reason = _text()
