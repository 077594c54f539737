"""The HTML of printable review forms, for the PDF: each form a document of its own, with the
same include as the print page (`templates/reviews/review_form_sheet.html`, with
`review_context`), drawn as the person who asked for them sees it, in their language; A4, the
quarter (and department) in the header, the employee, the form's number and "page p of q" in
the footer."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from hrperf.lib.roles import roles_of
from printouts.services import Sheets
from reviews.models import Review
from reviews.pages.review_context import review_context
from reviews.selectors.visibility import visible_reviews

RELATED = ("cycle", "employee", "department", "employee__department")


def _footer_texts() -> dict[str, str]:
    """The words around the page counters of the footer ("第 %(page)s 页，共 %(pages)s 页")."""
    words = gettext("Page %(page)s of %(pages)s") % {"page": "\x00", "pages": "\x01"}
    before, _, rest = words.partition("\x00")
    between, _, after = rest.partition("\x01")
    return {"page_before": before, "page_between": between, "page_after": after}


def forms_html(sheets: Sheets) -> list[str]:
    """The forms of the reviews, one HTML document each, in the order given; a review the person
    no longer sees is left out (the rule is checked again as the worker renders)."""
    roles = roles_of(sheets.user)
    found: dict[int, Review] = {
        review.pk: review
        for review in visible_reviews(viewer_roles=roles)
        .filter(pk__in=sheets.review_ids)
        .select_related(*RELATED)
    }
    with translation.override(sheets.language):
        common = {"heading": sheets.heading, "forms_total": sheets.total, **_footer_texts()}
        return [
            render_to_string(
                "printouts/forms_pdf.html",
                {**common, "form": review_context(roles, found[pk], {}), "number": number},
            )
            for number, pk in enumerate(sheets.review_ids, start=sheets.first_number)
            if pk in found
        ]
