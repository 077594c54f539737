"""The competencies' level texts: what each level 1–5 looks like in behaviour. Everyone who sees
the catalogue reads them; HR edits them (`departments.catalogue.levels`), every change kept."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from departments.catalogue import levels
from departments.models import Competency
from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.pages import allowed, found
from hrperf.lib.roles import roles_of


class LevelsForm(forms.Form):
    """The five levels' texts (`zh-<n>`, `en-<n>`) and the version they were read at."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for level in levels.LEVELS:
            self.fields[f"zh-{level}"] = forms.CharField(
                label=_("Level %(level)s (Chinese)") % {"level": level},
                required=False,
                max_length=levels.MAX_LENGTH["zh"] * 2,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"en-{level}"] = forms.CharField(
                label=_("Level %(level)s (English)") % {"level": level},
                required=False,
                max_length=levels.MAX_LENGTH["en"] * 2,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def texts(self) -> dict[int, dict[str, str]]:
        return {
            level: {
                language: self.cleaned_data[f"{language}-{level}"] for language in levels.LANGUAGES
            }
            for level in levels.LEVELS
        }

    def rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(level, self[f"zh-{level}"], self[f"en-{level}"]) for level in levels.LEVELS]


@require_safe
@allowed("sees_catalogue")
def competency_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "departments/competencies.html",
        {"competencies": list(Competency.objects.order_by("order"))},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@allowed("sees_catalogue")
def competency_levels(request: HttpRequest, code: str) -> HttpResponse:
    competency = found(levels.competency_get(code=code))
    status = 200
    if request.method == "POST":
        form = LevelsForm(request.POST)
        if form.is_valid():
            try:
                changed = levels.competency_levels_update(
                    actor=request.user,
                    competency=competency,
                    texts=form.texts(),
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationFailed as failed:
                for error in failed.errors:
                    name = error.field.replace("levels[", "").replace("]", "")
                    level, _dot, language = name.partition(".")
                    field = f"{language}-{level}"
                    form.add_error(field if field in form.fields else None, str(error.message))
                status = 400
            except Conflict as conflict:
                form.add_error(None, str(conflict.message))
                status = 409
            else:
                messages.success(request, _("Levels changed: %(count)s.") % {"count": changed})
                return redirect("departments:competency_levels", competency.code)
        else:
            status = 400
    view = levels.competency_levels(competency=competency)
    if request.method != "POST":
        initial: dict[str, object] = {"version": view.version}
        for item in view.levels:
            initial[f"zh-{item.level}"] = item.zh
            initial[f"en-{item.level}"] = item.en
        form = LevelsForm(initial=initial)
    return render(
        request,
        "departments/competency_levels.html",
        {"view": view, "form": form, "editable": roles_of(request.user).is_hr},
        status=status,
    )


urlpatterns = [
    path("catalogue/competencies/", competency_list, name="competencies"),
    path(
        "catalogue/competencies/<str:code>/levels/",
        competency_levels,
        name="competency_levels",
    ),
]
