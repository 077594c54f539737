"""Forms of the API client pages. They only collect input: the services check it."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import (
    CLIENT_NAME_MAX_LENGTH,
    PERSONAL_TOKEN_NAME_MAX_LENGTH,
    Scope,
    WebhookEvent,
)
from clients.webhooks import MAX_URL_LENGTH
from hrperf.lib.errors import ValidationFailed


class ClientForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=CLIENT_NAME_MAX_LENGTH,
        help_text=_("For example payroll. Lower-case letters, digits, hyphens and underscores."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TokenForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=Scope.choices,
        initial=Scope.PAYROLL,
        widget=forms.RadioSelect,
    )


class PersonalTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=PERSONAL_TOKEN_NAME_MAX_LENGTH,
        help_text=_("What it is for, such as the script that uses it."),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day it works. Leave empty for a token that works until revoked."),
    )

    def expires_at(self) -> dt.datetime | None:
        """The end of the chosen day, in local time (the last moment the token works)."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


class WebhookForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=MAX_URL_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        initial=WebhookEvent.values,
        widget=forms.CheckboxSelectMultiple,
    )


def add_service_errors(form: forms.Form, failure: ValidationFailed) -> None:
    """Show a service's field errors on the form, next to their fields."""
    for error in failure.errors:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
