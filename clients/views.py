"""HR's pages for API clients: their tokens and webhooks, and each webhook's delivery log; and the
My API tokens page of HR and the director (their personal tokens).

The client pages are HR's only, the personal tokens HR's and the director's: anonymous visitors
go to the login page, anyone else gets 403; a token of someone else's is a 404. A new token's
raw form and a new webhook's signing secret are shown once, on the page that answers the form,
and never again (the answer is not cached).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from clients import selectors, services
from clients.forms import (
    ClientForm,
    PersonalTokenForm,
    TokenForm,
    WebhookForm,
    add_service_errors,
)
from clients.models import ApiClient, ApiToken, PersonalToken, Webhook
from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.pages import allowed, found

DELIVERIES_PAGE_SIZE = 50


def _shown_once(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


@require_safe
@allowed("is_hr")
def client_list(request: HttpRequest) -> HttpResponse:
    return render(request, "clients/client_list.html", {"clients": selectors.client_list()})


@require_http_methods(["GET", "POST"])
@allowed("is_hr")
def client_create(request: HttpRequest) -> HttpResponse:
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationFailed as failure:
            add_service_errors(form, failure)
        else:
            messages.success(
                request,
                gettext("Client %(name)s created. Now give it a token.") % {"name": client.name},
            )
            return redirect("clients:token_create", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@allowed("is_hr")
def token_create(request: HttpRequest, client_id: int) -> HttpResponse:
    client = found(selectors.client_get(pk=client_id))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.token_create(
                actor=request.user, client=client, scope=form.cleaned_data["scope"]
            )
        except ValidationFailed as failure:
            add_service_errors(form, failure)
        except Conflict as conflict:
            form.add_error(None, str(conflict.message))
        else:
            return _shown_once(
                render(
                    request,
                    "clients/token_created.html",
                    {"client": client, "token": token, "raw": raw},
                )
            )
    return render(request, "clients/token_form.html", {"client": client, "form": form})


@require_http_methods(["GET", "POST"])
@allowed("is_hr")
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token: ApiToken = found(selectors.token_get(pk=token_id))
    if request.method == "POST":
        services.token_revoke(actor=request.user, token=token)
        messages.success(
            request,
            gettext("Token %(prefix)s of %(client)s revoked: it no longer works.")
            % {"prefix": token.prefix, "client": token.client.name},
        )
        return redirect("clients:list")
    return render(request, "clients/token_revoke.html", {"token": token})


@require_http_methods(["GET", "POST"])
@allowed("is_hr")
def webhook_create(request: HttpRequest, client_id: int) -> HttpResponse:
    client: ApiClient = found(selectors.client_get(pk=client_id))
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.webhook_create(
                actor=request.user,
                client=client,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
            )
        except ValidationFailed as failure:
            add_service_errors(form, failure)
        else:
            return _shown_once(
                render(
                    request,
                    "clients/webhook_created.html",
                    {"client": client, "webhook": webhook},
                )
            )
    return render(request, "clients/webhook_form.html", {"client": client, "form": form})


@require_http_methods(["GET", "POST"])
@allowed("is_hr")
def webhook_disable(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook: Webhook = found(selectors.webhook_get(pk=webhook_id))
    if request.method == "POST":
        services.webhook_disable(actor=request.user, webhook=webhook)
        messages.success(
            request,
            gettext("Webhook %(url)s disabled: no more events are sent to it.")
            % {"url": webhook.url},
        )
        return redirect("clients:list")
    return render(request, "clients/webhook_disable.html", {"webhook": webhook})


@require_safe
@allowed("is_hr")
def delivery_log(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook: Webhook = found(selectors.webhook_get(pk=webhook_id))
    page = Paginator(selectors.webhook_deliveries(webhook=webhook), DELIVERIES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "clients/delivery_log.html", {"webhook": webhook, "page": page})


# -- personal tokens -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@allowed("holds_personal_tokens")
def my_tokens(request: HttpRequest) -> HttpResponse:
    """The viewer's own tokens, and the form for a new one (shown once when made)."""
    form = PersonalTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.personal_token_create(
                actor=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
        except ValidationFailed as failure:
            for error in failure.errors:
                field = "expires_on" if error.field == "expires_at" else error.field
                form.add_error(field if field in form.fields else None, str(error.message))
        except Conflict as conflict:
            form.add_error(None, str(conflict.message))
        else:
            return _shown_once(
                render(request, "clients/my_token_created.html", {"token": token, "raw": raw})
            )
    return render(
        request,
        "clients/my_tokens.html",
        {"tokens": selectors.personal_tokens_of(request.user), "form": form},
    )


@require_http_methods(["POST"])
@allowed("holds_personal_tokens")
def my_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token: PersonalToken = found(selectors.personal_token_get(user=request.user, pk=token_id))
    services.personal_token_revoke(actor=request.user, token=token)
    messages.success(
        request,
        gettext("Token %(name)s revoked: it no longer works.") % {"name": token.name},
    )
    return redirect("clients:my_tokens")
