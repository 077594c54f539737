"""The figure filters every template has without a {% load %}: amount, score, percent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "value", "shown"),
    [
        ("{{ v|amount }}", Decimal("1200000.0000"), "1,200,000"),
        ("{{ v|amount }}", "5000000", "5,000,000"),
        ("{{ v|score }}", Decimal("80"), "80.00"),
        ("{{ v|percent }}", Decimal("80.00"), "80"),
        ("{{ v|percent }}", Decimal("12.50"), "12.5"),
        ('{{ v|score|default:"—" }}', None, "—"),
        ('{{ v|amount|default:"—" }}', "", "—"),
        ("{{ v|amount }}", "not a number", ""),
    ],
)
def test_the_filters_write_figures_as_people_read_them(source, value, shown) -> None:
    assert render(source, v=value) == shown


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_amounts_are_grouped_the_same_in_both_languages(language) -> None:
    from django.utils import translation

    with translation.override(language):
        assert render("{{ v|amount }}", v=Decimal("1200000")) == "1,200,000"
