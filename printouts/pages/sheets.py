"""The HTML of a chunk of printable review forms, for the PDF: each form the same include as the
print page (`templates/reviews/review_form_sheet.html`, with `review_context`), drawn as the
person who asked for them sees it, in their language; A4, a page break before each form, the
quarter (and department) in the header, the employee and the page number in the footer."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from hrperf.lib.roles import roles_of
from printouts.services import Sheets
from reviews.pages.review_context import review_context
from reviews.selectors.visibility import visible_reviews

RELATED = ("cycle", "employee", "department", "employee__department")


def forms_html(sheets: Sheets) -> str:
    """The forms of the reviews, in the order given; a review the person no longer sees is left
    out (the rule is checked again as the worker renders)."""
    roles = roles_of(sheets.user)
    found = {
        review.pk: review
        for review in visible_reviews(viewer_roles=roles)
        .filter(pk__in=sheets.review_ids)
        .select_related(*RELATED)
    }
    with translation.override(sheets.language):
        forms = [review_context(roles, found[pk], {}) for pk in sheets.review_ids if pk in found]
        # "第 %(number)s 页": the text before and after the page counter of the footer.
        before, _, after = (gettext("Page %(number)s") % {"number": "\x00"}).partition("\x00")
        return render_to_string(
            "printouts/forms_pdf.html",
            {
                "forms": forms,
                "first_page": sheets.first_page,
                "heading": sheets.heading,
                "page_before": before,
                "page_after": after,
            },
        )
