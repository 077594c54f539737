"""The forms of the calendar and deadlines pages. They only collect text: the services read it
strictly (dates YYYY-MM-DD, whole numbers) and name what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from calendars.models import CalendarDay
from calendars.selectors import COUNT_FIELDS, DATE_FIELDS, field_label
from hrperf.lib.errors import ValidationFailed
from hrperf.lib.uploads import UploadForm

MAX_PASTED = 100_000  # characters


class DateInput(forms.TextInput):
    input_type = "date"


class CalendarDayForm(forms.Form):
    day = forms.CharField(label=_("Date"), max_length=20, widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=_("Name of the day"), max_length=100, required=False)

    def row(self) -> dict[str, Any]:
        return {**self.cleaned_data, "row": 1}


class PasteDaysForm(forms.Form):
    lines = forms.CharField(
        label=_("Days, one a line"),
        max_length=MAX_PASTED,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "placeholder": "2026-10-01 holiday 国庆节\n2026-10-10 workday 国庆调休",
            }
        ),
        help_text=_(
            "Date (YYYY-MM-DD), kind (holiday or workday) and a name, separated by spaces, "
            "tabs or commas: lines copied from a spreadsheet work too."
        ),
    )


class DaysFileForm(UploadForm):
    file = forms.FileField(
        label=_("Days file (CSV)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt", "data-testid": "days-file"}),
    )


class DeadlinesForm(forms.Form):
    """The three deadlines (blank: not set) and the two working-day counts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in DATE_FIELDS:
            self.fields[name] = forms.CharField(
                label=field_label(name), max_length=20, required=False, widget=DateInput()
            )
        for name in COUNT_FIELDS:
            self.fields[name] = forms.CharField(
                label=field_label(name),
                max_length=10,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
                help_text=_("Working days, from 1 to 60."),
            )

    def put_errors(self, failed: ValidationFailed) -> None:
        for error in failed.errors:
            self.add_error(error.field if error.field in self.fields else None, str(error.message))
