"""Checking a parsed catalogue document: the generic walk shared by its parts.

A `Checker` looks at one value at a time (a mapping and its keys, a list, a text, a bilingual
`{zh: …, en: …}` text, a code, a whole number, a choice) and collects every problem with its
place instead of stopping at the first one. A place joins keys with dots and gives a list
item its index (counting from 0) followed by its code when it has one, for example
`departments[1] (SALES).kpis[0] (SALES_PLAN_RATE).default_weight`.

Each check returns the checked value, or None when it found a problem. The parts of the
catalogue build on it: `departments.catalogue` (policy, competencies, departments) and
`kpis.catalogue` (a department's KPIs). It stays out of the `departments.catalogue` package so
that `kpis.catalogue` can use it without importing that package, which imports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

UPPER_CODE = re.compile(r"[A-Z][A-Z0-9_]*")
LOWER_CODE = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Text:
    zh: str
    en: str


NO_TEXT = Text("", "")


def field_max_length(model: type[models.Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


def join(place: str, key: object) -> str:
    return f"{place}.{key}" if place else str(key)


def label(place: str, index: int, code: object) -> str:
    item = f"{place}[{index}]"
    return f"{item} ({code})" if isinstance(code, str) and code else item


class Checker:
    """Walks the document, collecting every problem with its place."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, place: str, message: str) -> None:
        self.problems.append(f"{place}: {message}" if place else message)

    def mapping(
        self,
        value: Any,
        place: str,
        *,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(place, _("must be a mapping of keys to values"))
            return None
        for key in required:
            if key not in value:
                self.problem(join(place, key), _("is required"))
        for key in value:
            if key not in required and key not in optional:
                self.problem(join(place, key), _("unknown key"))
        return value

    def sequence(self, value: Any, place: str) -> list[Any] | None:
        if not isinstance(value, list):
            self.problem(place, _("must be a list"))
            return None
        return value

    def text(self, value: Any, place: str, *, max_length: int | None) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.problem(place, _("must be a non-empty text"))
            return None
        if max_length is not None and len(value) > max_length:
            self.problem(
                place,
                _("must be at most %(max)s characters long (it has %(length)s)")
                % {"max": max_length, "length": len(value)},
            )
            return None
        return value

    def bilingual(
        self,
        value: Any,
        place: str,
        *,
        model: type[models.Model],
        name: str,
        code: tuple[re.Pattern[str], int | None] | None = None,
    ) -> tuple[str | None, Text | None]:
        """`{zh, en}` (and `code` when `code` gives its pattern and length) -> (code, text)."""
        keys = ("code", "zh", "en") if code else ("zh", "en")
        found = self.mapping(value, place, required=keys)
        if found is None:
            return None, None
        texts = {
            language: self.text(
                found[language],
                join(place, language),
                max_length=field_max_length(model, f"{name}_{language}"),
            )
            for language in ("zh", "en")
            if language in found
        }
        checked_code = None
        if code and "code" in found:
            checked_code = self.code(found["code"], join(place, "code"), *code)
        zh, en = texts.get("zh"), texts.get("en")
        text = Text(zh, en) if zh is not None and en is not None else None
        return checked_code, text

    def code(
        self, value: Any, place: str, pattern: re.Pattern[str], max_length: int | None
    ) -> str | None:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            if pattern is UPPER_CODE:
                message = _(
                    "must be capital letters, digits and underscores, starting with a letter"
                )
            else:
                message = _(
                    "must be lower-case letters, digits and underscores, starting with a letter"
                )
            self.problem(place, message)
            return None
        if max_length is not None and len(value) > max_length:
            self.problem(
                place,
                _("must be at most %(max)s characters long (it has %(length)s)")
                % {"max": max_length, "length": len(value)},
            )
            return None
        return value

    def whole(self, value: Any, place: str, *, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(
                place,
                _("must be a whole number from %(min)s to %(max)s") % {"min": low, "max": high},
            )
            return None
        return value

    def choice(self, value: Any, place: str, choices: list[str]) -> str | None:
        if not isinstance(value, str) or value not in choices:
            self.problem(place, _("must be one of: %(choices)s") % {"choices": ", ".join(choices)})
            return None
        return value

    def unique(self, seen: dict[Any, str], value: Any, place: str) -> None:
        """Note `value` at `place`, reporting it when an earlier place already used it."""
        if value is None:
            return
        if value in seen:
            self.problem(
                place,
                _("%(value)s is used more than once (first at %(place)s)")
                % {"value": value, "place": seen[value]},
            )
        else:
            seen[value] = place
