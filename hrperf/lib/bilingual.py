"""Catalogue texts are bilingual data: each has a `<name>_zh` and a `<name>_en` column."""

from typing import Any

from django.utils.translation import get_language


def current_suffix() -> str:
    """`en` when the active language is English, `zh` otherwise (the default language)."""
    language = (get_language() or "zh-hans").lower()
    return "en" if language.startswith("en") else "zh"


def localized(obj: Any, field: str) -> str:
    """The text of `field` in the active language, falling back to the other one when empty."""
    primary = current_suffix()
    other = "zh" if primary == "en" else "en"
    value = getattr(obj, f"{field}_{primary}", "") or getattr(obj, f"{field}_{other}", "")
    return str(value)


class BilingualMixin:
    def tr(self, field: str) -> str:
        return localized(self, field)
