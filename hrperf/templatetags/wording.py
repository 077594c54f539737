"""Punctuation and people in templates, in the viewer's language. A template never glues
"(", ")" or ":" around translated text (Chinese takes （） and ：):

* `what{{ note|parens }}` or `what{% filter parens %}…{% endfilter %}`: a note right after
  what it is about, "what (note)", "what（note）" in Chinese;
* `{{ label|labelled:text }}`: "label: text", "label：text" in Chinese;
* `{{ user|person }}`: the full name and role, never the login name (`hrperf.lib.people`);
* `{{ review.grade|grade_mark }}` and `{{ review.verbal_warning|warning_mark }}`: the lowest
  grade and a verbal warning stand out by a class and a text marker (▼, ⚠), not by colour
  alone; "—" for none.

Text is escaped unless it is already safe, as `{{ }}` would.
"""

from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from hrperf.lib import people, punctuation

register = template.Library()

LOW_GRADE = "D"  # the lowest band of every policy (reviews/policies.py)


@register.filter
def parens(text: Any) -> SafeString | str:
    if text is None or text == "":
        return ""
    return mark_safe(punctuation.parens(conditional_escape(text)))  # noqa: S308 - escaped


@register.filter
def labelled(label: Any, text: Any) -> SafeString:
    return mark_safe(  # noqa: S308 - both parts escaped
        punctuation.labelled(conditional_escape(label), conditional_escape(text))
    )


@register.filter
def person(user: Any) -> str:
    return people.person(user)


@register.filter
def grade_mark(grade: Any) -> SafeString | str:
    if grade is None or grade == "":
        return "—"
    if grade == LOW_GRADE:
        return format_html(
            '<span class="badge grade-low" data-grade="{}" title="{}">▼ {}</span>',
            grade,
            gettext("Lowest grade"),
            grade,
        )
    return str(grade)


@register.filter
def warning_mark(flag: Any) -> SafeString | str:
    if not flag:
        return "—"
    return format_html(
        '<span class="badge warning" data-mark="verbal-warning">⚠ {}</span>', gettext("Yes")
    )
