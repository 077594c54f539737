"""The employee's self-assessment pages: their open reviews (`/self-assessment/`) and one
review's self-assessment (`/self-assessment/<review_id>/`): the summaries, the ratings, the
evidence, "Save draft" and "Submit" (which asks to confirm first). Read-only once it may no
longer change, saying which rule closed it; a refused change saves nothing."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from evidence.services import megabytes
from hrperf.lib import filetypes
from hrperf.lib.errors import Conflict, ValidationFailed
from hrperf.lib.numbers import amount
from hrperf.lib.pages import allowed, found
from hrperf.lib.roles import roles_of
from hrperf.lib.uploads import UploadLimit
from reviews.models import Review
from selfassessments import selectors, services
from selfassessments.forms import Draft, draft_from

TEMPLATE = "selfassessments/edit.html"


@require_safe
@allowed("self_assesses")
def self_assessment_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.open_reviews(viewer_roles=roles_of(request.user))
    return render(request, "selfassessments/list.html", {"rows": rows})


def _review(request: HttpRequest, review_id: int) -> Review:
    review: Review = found(
        selectors.own_review(viewer_roles=roles_of(request.user), review_id=review_id)
    )
    return review


def _input_name(field: str) -> str:
    """A service's field name → the page's input name."""
    for prefix, name in (("lines.", "line-"), ("ratings.", "rating-"), ("comments.", "comment-")):
        if field.startswith(prefix):
            return name + field.removeprefix(prefix)
    return field


def _errors(error: ValidationFailed) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in error.errors:
        out.setdefault(_input_name(item.field), []).append(str(item.message))
    return out


def _page(
    request: HttpRequest,
    review: Review,
    *,
    draft: Draft | None = None,
    errors: dict[str, list[str]] | None = None,
    message: str = "",
    confirm: bool = False,
    status: int = 200,
) -> HttpResponse:
    view = selectors.self_assessment_view(review=review)
    errors = errors or {}
    lines = [
        {
            "row": row,
            "name": f"line-{row.line.pk}",
            "target": amount(row.line.target),
            "value": draft.lines.get(row.line.pk, row.summary) if draft else row.summary,
            "errors": errors.get(f"line-{row.line.pk}", []),
        }
        for row in view.lines
    ]
    ratings = []
    for row in view.ratings:
        code = row.competency.code
        saved = "" if row.value is None else str(row.value)
        ratings.append(
            {
                "row": row,
                "code": code,
                "value": str(draft.ratings.get(code, saved)) if draft else saved,
                "comment": draft.comments.get(code, row.comment) if draft else row.comment,
                "errors": errors.get(f"rating-{code}", []) + errors.get(f"comment-{code}", []),
            }
        )
    context = {
        "view": view,
        "review": review,
        "lines": lines,
        "ratings": ratings,
        "summary": draft.summary if draft else view.summary,
        "errors": errors,
        "general": [error for values in errors.values() for error in values],
        "message": message,
        "confirm": confirm and view.editable,
        "accepted": filetypes.accepted_labels(),
        "max_file_mb": megabytes(settings.EVIDENCE_MAX_FILE_BYTES),
        "max_total_mb": megabytes(settings.EVIDENCE_MAX_TOTAL_BYTES),
        "max_files": settings.EVIDENCE_MAX_FILES,
        "not_self_assessed": selectors.NOT_SELF_ASSESSED,
    }
    return render(request, TEMPLATE, context, status=status)


@require_http_methods(["GET", "POST"])
@allowed("self_assesses")
def self_assessment_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _review(request, review_id)
    if request.method != "POST":
        return _page(request, review)
    action = request.POST.get("action", "")
    roles = roles_of(request.user)
    if action in ("save", "submit"):
        view = selectors.self_assessment_view(review=review)
        draft = draft_from(
            request.POST,
            line_ids=[row.line.pk for row in view.lines],
            codes=[row.competency.code for row in view.ratings],
        )
        try:
            services.self_assessment_save(
                user=request.user,
                roles=roles,
                review=review,
                summary=draft.summary,
                line_summaries=draft.lines,
                ratings=draft.ratings,
                comments=draft.comments,
            )
        except ValidationFailed as failed:
            return _page(request, review, draft=draft, errors=_errors(failed), status=400)
        except Conflict as conflict:
            return _page(request, review, draft=draft, message=str(conflict.message), status=409)
        if action == "submit":
            return _page(request, review, confirm=True)
        messages.success(request, gettext("Draft saved."))
        return redirect("selfassessments:edit", review_id=review.pk)
    if action == "confirm":
        try:
            services.self_assessment_submit(user=request.user, roles=roles, review=review)
        except ValidationFailed as failed:
            return _page(request, review, errors=_errors(failed), status=400)
        except Conflict as conflict:
            return _page(request, review, message=str(conflict.message), status=409)
        messages.success(request, gettext("Self-assessment submitted."))
        return redirect("selfassessments:edit", review_id=review.pk)
    if action.startswith("remove-") and action.removeprefix("remove-").isdigit():
        try:
            services.self_assessment_detach(
                user=request.user,
                roles=roles,
                review=review,
                evidence_id=int(action.removeprefix("remove-")),
            )
        except Conflict as conflict:
            return _page(request, review, message=str(conflict.message), status=409)
        messages.success(request, gettext("File removed."))
        return redirect("selfassessments:edit", review_id=review.pk)
    return _page(request, review, message=gettext("Unknown action."), status=400)


@csrf_exempt  # the CSRF check runs in _upload, once the upload limit is in place
@require_POST
@allowed("self_assesses")
def self_assessment_upload(request: HttpRequest, review_id: int) -> HttpResponse:
    limit = UploadLimit(request, settings.EVIDENCE_MAX_FILE_BYTES)
    request.upload_handlers = [limit, *request.upload_handlers]
    return _upload(request, review_id, limit)


@csrf_protect
def _upload(request: HttpRequest, review_id: int, limit: UploadLimit) -> HttpResponse:
    review = _review(request, review_id)
    upload = request.FILES.get("file")
    if limit.exceeded:
        name = filetypes.clean_name(limit.file_name or "")
        message = gettext("The file “%(name)s” is larger than %(max)s MB, the limit of a file.") % {
            "name": name,
            "max": megabytes(settings.EVIDENCE_MAX_FILE_BYTES),
        }
        return _page(request, review, errors={"file": [message]}, status=400)
    if upload is None:
        return _page(
            request, review, errors={"file": [gettext("Choose a file to attach.")]}, status=400
        )
    try:
        services.self_assessment_attach(
            user=request.user, roles=roles_of(request.user), review=review, upload=upload
        )
    except ValidationFailed as failed:
        return _page(request, review, errors=_errors(failed), status=400)
    except Conflict as conflict:
        return _page(request, review, message=str(conflict.message), status=409)
    messages.success(request, gettext("File attached."))
    return redirect("selfassessments:edit", review_id=review.pk)
