"""The notification pages: each person's own choice of how they are told (everyone signed in),
HR's robots (beside the API clients) with a test button, and HR's delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clients.forms import add_service_errors
from hrperf.lib.errors import ValidationFailed
from hrperf.lib.pages import allowed, found
from notifications import selectors
from notifications.forms import DeliveryFilter, PreferenceForm, RobotForm
from notifications.models import Delivery
from notifications.services.preferences import preference_save
from notifications.services.robots import robot_create, robot_disable, robot_test

app_name = "notifications"
LOG_PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = selectors.preference_of(request.user)
    has_robot = bool(selectors.personal_robots(request.user))
    initial = {
        "email": current.email,
        "robot": current.robot,
        "mode": current.mode,
        "quiet_from": current.quiet_from,
        "quiet_until": current.quiet_until,
        "language": current.language,
    }
    form = PreferenceForm(request.POST or None, initial=initial, has_robot=has_robot)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            preference_save(
                user=request.user,
                email=data["email"],
                robot=data["robot"] and has_robot,
                mode=data["mode"],
                quiet_from=data["quiet_from"],
                quiet_until=data["quiet_until"],
                language=data["language"],
            )
        except ValidationFailed as failure:
            add_service_errors(form, failure)
        else:
            messages.success(request, gettext("Saved: this is how you will be told."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "has_email": bool(getattr(request.user, "email", "")),
            "has_robot": has_robot,
        },
    )


@require_http_methods(["GET", "POST"])
@allowed("is_hr")
def robots(request: HttpRequest) -> HttpResponse:
    form = RobotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            robot = robot_create(
                actor=request.user,
                name=data["name"],
                platform=data["platform"],
                url=data["url"],
                secret=data["secret"],
                audience=data["audience"],
                person_id=data["person"].pk if data["person"] else None,
                language=data["language"],
            )
        except ValidationFailed as failure:
            add_service_errors(form, failure)
        else:
            messages.success(
                request,
                gettext("Robot %(name)s added. Send it a test message.") % {"name": robot.name},
            )
            return redirect("notifications:robots")
    return render(
        request, "notifications/robots.html", {"form": form, "robots": selectors.robots()}
    )


@require_POST
@allowed("is_hr")
def robot_test_page(request: HttpRequest, robot_id: int) -> HttpResponse:
    robot = found(selectors.robot_get(robot_id))
    try:
        delivery = robot_test(actor=request.user, robot=robot)
    except ValidationFailed as failure:
        messages.error(request, "; ".join(str(e.message) for e in failure.errors))
        return redirect("notifications:robots")
    if delivery.status == Delivery.Status.SENT:
        messages.success(request, gettext("%(name)s took the test message.") % {"name": robot.name})
    else:
        messages.error(
            request,
            gettext("%(name)s did not take the test message: %(error)s")
            % {"name": robot.name, "error": delivery.last_error},
        )
    return redirect("notifications:robots")


@require_POST
@allowed("is_hr")
def robot_disable_page(request: HttpRequest, robot_id: int) -> HttpResponse:
    robot = found(selectors.robot_get(robot_id))
    robot_disable(actor=request.user, robot=robot)
    messages.success(request, gettext("%(name)s is switched off.") % {"name": robot.name})
    return redirect("notifications:robots")


@require_safe
@allowed("is_hr")
def delivery_log(request: HttpRequest) -> HttpResponse:
    filters = DeliveryFilter(request.GET or None)
    status = route = ""
    if filters.is_valid():
        status, route = filters.cleaned_data["status"], filters.cleaned_data["route"]
    rows = selectors.delivery_log(status=status, route=route)
    page = Paginator(rows, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/delivery_log.html",
        {"page": page, "filters": filters, "channels": selectors.channel_status()},
    )


urlpatterns = [
    path("notifications/", preferences, name="preferences"),
    path("notifications/deliveries/", delivery_log, name="deliveries"),
    path("clients/robots/", robots, name="robots"),
    path("clients/robots/<int:robot_id>/test/", robot_test_page, name="robot_test"),
    path("clients/robots/<int:robot_id>/disable/", robot_disable_page, name="robot_disable"),
]
