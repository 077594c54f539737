"""The form of HR's unlock button. It only collects input: the service checks it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.lockouts import ADDRESS, USERNAME


class UnlockForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Locked"), choices=[(USERNAME, _("Username")), (ADDRESS, _("Address"))]
    )
    value = forms.CharField(label=_("Username or address"), max_length=255)
