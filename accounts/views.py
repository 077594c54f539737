"""Pages of signing in: the login page's answer to a locked-out sign-in, and HR's page of
locked sign-ins with their unlock buttons.

`locked_out` is django-axes' AXES_LOCKOUT_CALLABLE: a sign-in refused by the lockout gets its
login page again (the product's or the admin's), with status 429, a Retry-After header and a
message that says until when, and that HR can unlock it sooner.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods

from accounts import lockouts, selectors, services
from accounts.forms import UnlockForm
from clients.forms import add_service_errors
from hrperf.lib.errors import ValidationFailed
from hrperf.lib.pages import allowed


def lockout_message(until: dt.datetime, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return ngettext(
        "Too many failed sign-ins: signing in is locked until %(time)s, in %(minutes)s minute. "
        "Try again then, or ask HR to unlock it now.",
        "Too many failed sign-ins: signing in is locked until %(time)s, in %(minutes)s minutes. "
        "Try again then, or ask HR to unlock it now.",
        minutes,
    ) % {"time": time_format(timezone.localtime(until), "H:i"), "minutes": minutes}


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The login page that was answered (the product's or the admin's), with the lockout message
    in place of its errors; the product's login page when there is none to reuse."""
    now = timezone.now()
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    until = lockouts.locked_until(
        username=username, ip_address=getattr(request, "axes_ip_address", None), now=now
    ) or (now + lockouts.lockout_period())
    message = lockout_message(until, now)
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if isinstance(original_response, TemplateResponse) and isinstance(form, forms.Form):
        form.errors.clear()  # the form was checked already: this runs no sign-in again
        form.add_error(None, message)
        response: HttpResponse = TemplateResponse(
            request,
            original_response.template_name or "registration/login.html",
            {**context, "form": form, "lockout": message},
            status=429,
        ).render()
    else:
        response = render(
            request,
            "registration/login.html",
            {
                "form": AuthenticationForm(request, initial={"username": username}),
                "lockout": message,
                "next": request.POST.get("next", ""),
            },
            status=429,
        )
    response["Retry-After"] = str(max(1, math.ceil((until - now).total_seconds())))
    return response


@require_http_methods(["GET", "POST"])
@allowed("is_hr")
def lockout_list(request: HttpRequest) -> HttpResponse:
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind, value = form.cleaned_data["kind"], form.cleaned_data["value"]
        try:
            released = services.lockout_release(actor=request.user, kind=kind, value=value)
        except ValidationFailed as failure:
            add_service_errors(form, failure)
        else:
            if released:
                messages.success(
                    request,
                    gettext("%(value)s is unlocked: it may sign in again.") % {"value": value},
                )
            else:
                messages.info(request, gettext("%(value)s was not locked.") % {"value": value})
            return redirect("accounts:lockouts")
    return render(
        request,
        "accounts/lockouts.html",
        {
            "lockouts": selectors.locked_sign_ins(),
            "form": form,
            "failure_limit": lockouts.limit_of(lockouts.USERNAME),
            "address_limit": lockouts.limit_of(lockouts.ADDRESS),
            "minutes": int(lockouts.lockout_period().total_seconds() // 60),
        },
    )
