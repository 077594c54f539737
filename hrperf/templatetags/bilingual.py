from typing import Any

from django import template

from hrperf.lib.bilingual import localized

register = template.Library()


@register.filter
def tr(obj: Any, field: str) -> str:
    """`{{ department|tr:"name" }}`: a catalogue text in the active language."""
    return localized(obj, field)
