"""The forms of the appeal pages: what an employee disputes and why, HR's answer, and the
appeals list's filters. They check shapes; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals.models import GROUNDS_MAX, REASON_MAX, Appeal


class AppealForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("What do you dispute?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose what you dispute: a KPI line, a rating or the whole result.")
        },
    )
    grounds = forms.CharField(
        label=_("Why"),
        max_length=GROUNDS_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Say why you dispute it.")},
    )

    def __init__(self, *args: object, tokens: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["items"].choices = [(token, token) for token in tokens]  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", "accept"), ("reject", "reject")])
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give the reason for your answer.")},
    )


class AppealFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Quarter"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), *Appeal.Status.choices],
    )

    def __init__(self, *args: object, periods: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["period"].choices = [("", _("Any")), *((p, p) for p in periods)]  # type: ignore[attr-defined]
